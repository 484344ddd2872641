"""Every read of the project module: scoped querysets, derived figures, lights and aggregates."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from zoneops.core.periods import period_containing
from zoneops.org.scope import scope
from zoneops.projects.choices import REPORTING_STAGES, Light, Stage
from zoneops.projects.gantt import black_flag_condition
from zoneops.projects.models import Milestone, ProgressReport, Project, ProjectRules


def _sum_reports(condition=None):
    reports = (ProgressReport.objects.filter(condition or Q(), project=OuterRef("pk")).order_by()
               .values("project").annotate(total=Sum("invested")).values("total"))
    return Coalesce(Subquery(reports, output_field=IntegerField()), Value(0))


def project_queryset(*, user, action="project.view", today=None):
    """Scoped projects with the derived figures every list and page needs, in one query."""
    today = today or timezone.localdate()
    year_start = date(today.year, 1, 1)
    latest = ProgressReport.objects.filter(project=OuterRef("pk")).order_by("-period_end")
    # Correlated subqueries, not joins: a join on milestones would multiply rows and force a GROUP BY
    # over every column before the page is cut (see docs/benchmarks.md).
    overdue = (Milestone.objects.filter(black_flag_condition(today), project=OuterRef("pk")).order_by()
               .values("project").annotate(n=Count("pk")).values("n"))
    return (
        scope(Project.objects.all(), user, action)
        .select_related("responsible_unit", "leader", "commissioner", "industry")
        .annotate(
            invested_total=_sum_reports(),
            invested_year=_sum_reports(Q(period_start__gte=year_start)),
            last_report_end=Subquery(latest.values("period_end")[:1]),
            last_percent=Subquery(latest.values("percent")[:1]),
            black_flags=Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0)),
        )
    )


def project_leaders(*, user):
    """People who lead (包联) at least one project the user may see."""
    from zoneops.org.models import Person

    led = scope(Project.objects.all(), user, "project.view").filter(leader__isnull=False).values("leader_id")
    return Person.objects.filter(pk__in=led).order_by("name")


def project_get(*, user, pk, action="project.view"):
    return project_queryset(user=user, action=action).get(pk=pk)


# --- Derived figures --------------------------------------------------------------------------

def cumulative_for(project):
    """Per report of a project: this period, this year to date, cumulative (with investment_before).

    Returns the reports newest first, each with .year_to_date and .cumulative set. One query.
    """
    reports = list(project.reports.order_by("period_start").prefetch_related("photos"))
    running, year_running, year = project.investment_before, 0, None
    for report in reports:
        if report.period_start.year != year:
            year, year_running = report.period_start.year, 0
        running += report.invested
        year_running += report.invested
        report.year_to_date, report.cumulative = year_running, running
    return list(reversed(reports))


def missing_reports(project, rules, today=None):
    """Periods whose fill-in window has closed without a report, since the project started."""
    from zoneops.projects.services import report_deadline

    today = today or timezone.localdate()
    if project.stage not in REPORTING_STAGES or not project.actual_start:
        return []
    last_end = getattr(project, "last_report_end", None)
    period = period_containing(rules.report_frequency, max(project.actual_start, last_end or project.actual_start))
    if last_end and period.end <= last_end:
        period = period.next()
    missing = []
    while report_deadline(period.end, rules) < today and len(missing) < 24:
        missing.append(period)
        period = period.next()
    return missing


@dataclass(frozen=True)
class LightVerdict:
    light: str
    reasons: tuple

    @property
    def label(self):
        return Light(self.light).label

    def __str__(self):  # how exports and plain text show it
        return "；".join((self.label, *self.reasons))


def status_light(project, rules, today=None):
    """Green/yellow/red with the reasons, from the zone's rules. Needs project_queryset's annotations."""
    today = today or timezone.localdate()
    if project.stage in (Stage.CANCELLED, Stage.RESERVE, Stage.FULL_OUTPUT, Stage.OPERATING):
        return LightVerdict(Light.GREEN, ())
    red, yellow = [], []
    flags = project.black_flags
    if flags >= rules.red_overdue_milestones:
        red.append(f"逾期节点{flags}个")
    elif flags >= rules.yellow_overdue_milestones:
        yellow.append(f"逾期节点{flags}个")
    missing = len(missing_reports(project, rules, today))
    if missing >= rules.red_missing_reports:
        red.append(f"缺报{missing}期")
    elif missing >= rules.yellow_missing_reports:
        yellow.append(f"缺报{missing}期")
    lag = investment_lag_percent(project, today)
    if lag is not None:
        if lag >= rules.red_investment_lag_percent:
            red.append(f"投资滞后序时进度{lag}个百分点")
        elif lag >= rules.yellow_investment_lag_percent:
            yellow.append(f"投资滞后序时进度{lag}个百分点")
    if red:
        return LightVerdict(Light.RED, tuple(red + yellow))
    if yellow:
        return LightVerdict(Light.YELLOW, tuple(yellow))
    return LightVerdict(Light.GREEN, ())


def investment_lag_percent(project, today):
    """How many percentage points this year's investment is behind the time-proportional plan (序时进度)."""
    if not project.year_plan_investment or project.stage not in REPORTING_STAGES:
        return None
    # The year's plan runs from 1 January, or from the start date for a project started this year.
    begin = max(date(today.year, 1, 1), project.actual_start or date(today.year, 1, 1))
    year_end = date(today.year, 12, 31)
    if (today - begin).days < 30:
        return None  # too early in the plan to judge
    elapsed = (today - begin).days / max((year_end - begin).days, 1)
    done = project.invested_year / project.year_plan_investment
    lag = round((elapsed - done) * 100)
    return lag if lag > 0 else 0


def with_lights(projects, today=None):
    """Attach .verdict to each project (no queries beyond the one rules row)."""
    rules = ProjectRules.current()
    for project in projects:
        project.verdict = status_light(project, rules, today)
    return projects


# --- Battle map and summaries -----------------------------------------------------------------

BATTLE_MAP_LIMIT = 300


def battle_map_rows(*, queryset, limit=BATTLE_MAP_LIMIT, today=None):
    """Projects with their milestones for the Gantt: two queries whatever the number of rows.

    ``queryset`` is the ledger's, scoped and filtered (``filtersets.ProjectFilterSet``).
    """
    from django.db.models import Prefetch

    projects = list(
        queryset
        .exclude(stage=Stage.CANCELLED)
        .order_by("responsible_unit__path", "planned_start", "pk")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("seq")))[:limit]
    )
    return with_lights(projects, today)


def headline_figures(*, user):
    """The home page's numbers in one aggregate query: projects, under construction, this year's plan."""
    from django.db.models import Count, Sum

    return scope(Project.objects.exclude(stage=Stage.CANCELLED), user, "project.view").aggregate(
        projects=Count("pk"),
        building=Count("pk", filter=Q(stage__in=REPORTING_STAGES)),
        total_investment=Coalesce(Sum("total_investment"), 0),
        year_plan=Coalesce(Sum("year_plan_investment"), 0),
    )


def ledger_summary(*, user):
    """Counts and money by responsible unit and stage, aggregated by the database."""
    # From the plain scoped table: the list's per-row annotations have no place in a GROUP BY.
    rows = (
        scope(Project.objects.all(), user, "project.view").order_by()
        .values("responsible_unit__name", "responsible_unit__path", "stage")
        .annotate(count=Count("pk"), total_investment=Sum("total_investment"),
                  year_plan=Sum("year_plan_investment"))
        .order_by("responsible_unit__path", "stage")
    )
    return list(rows)


# --- Approvals and statistics inclusion -------------------------------------------------------

@dataclass(frozen=True)
class ApprovalSpan:
    label: str
    used: int
    allowed: int

    @property
    def over(self):
        return self.used > self.allowed


def approval_spans(project, rules, today=None):
    """Working days used vs allowed: each item, the pre-start stages together, and the whole process.

    Returns (items with .used_workdays and .over set, [ApprovalSpan for 开工前, 全流程]).
    """
    from zoneops.core.workdays import workdays_between
    from zoneops.projects.choices import PRE_START_APPROVAL_STAGES

    today = today or timezone.localdate()
    items = list(project.approvals.select_related("department").order_by("stage", "id"))
    for item in items:
        item.used_workdays = workdays_between(item.accepted_on, item.done_on or today) if item.accepted_on else 0
        item.over = item.used_workdays > item.limit_workdays

    def span(selected, label, allowed):
        started = [i.accepted_on for i in selected if i.accepted_on]
        if not started:
            return ApprovalSpan(label, 0, allowed)
        open_items = any(i.accepted_on and not i.done_on for i in selected)
        end = today if open_items else max(i.done_on for i in selected if i.done_on)
        return ApprovalSpan(label, workdays_between(min(started), end), allowed)

    pre_start = [i for i in items if i.stage in PRE_START_APPROVAL_STAGES]
    spans = [span(pre_start, "开工前审批", rules.pre_start_approval_workdays),
             span(items, "全流程审批", rules.whole_approval_workdays)]
    return items, spans


def stats_progress(*, user, year):
    """Per quarter of ``year``: the target, projects planned, and projects already included (cumulative)."""
    from zoneops.projects.models import StatsInclusion, StatsQuarterTarget

    targets = dict(StatsQuarterTarget.objects.filter(year=year).values_list("quarter", "target_count"))
    inclusions = scope(StatsInclusion.objects.filter(planned_year=year), user, "project.view")
    planned = dict(inclusions.order_by().values("planned_quarter").annotate(n=Count("pk"))
                   .values_list("planned_quarter", "n"))
    included = dict(inclusions.filter(status="included").order_by().values("planned_quarter")
                    .annotate(n=Count("pk")).values_list("planned_quarter", "n"))
    rows, running_planned, running_included = [], 0, 0
    for quarter in range(1, 5):
        running_planned += planned.get(quarter, 0)
        running_included += included.get(quarter, 0)
        rows.append({"quarter": quarter, "target": targets.get(quarter), "planned": running_planned,
                     "included": running_included})
    return rows


def stats_rows(*, user, year):
    from zoneops.projects.models import StatsInclusion

    return (scope(StatsInclusion.objects.filter(planned_year=year), user, "project.view")
            .select_related("project", "project__responsible_unit").order_by("planned_quarter", "project__name"))


def report_rows(*, user):
    """Scoped progress reports; the report list narrows them with ``filtersets.ReportFilterSet``."""
    return scope(ProgressReport.objects.all(), user, "project.view").select_related(
        "project", "project__responsible_unit", "submitted_by")


def projects_missing_reports(*, user, today=None):
    """Projects in a reporting stage whose latest closed period has no report (缺报), with the periods."""
    rules = ProjectRules.current()
    rows = []
    for project in project_queryset(user=user, today=today).filter(stage__in=REPORTING_STAGES).order_by(
            "responsible_unit__path", "name"):
        missing = missing_reports(project, rules, today)
        if missing:
            rows.append((project, missing))
    return rows


def stats_candidates(*, user):
    """Projects at or above the statistics threshold, not yet counted, with no 入库纳统 plan (应列未列)."""
    rules = ProjectRules.current()
    return (scope(Project.objects.all(), user, "project.view")
            .filter(total_investment__gte=rules.stats_threshold, stats__isnull=True,
                    stage__in=[Stage.PREPARING, Stage.STARTED, Stage.BUILDING])
            .select_related("responsible_unit").order_by("responsible_unit__path", "name"))
