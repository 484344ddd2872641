"""Every read of the project module: scoped querysets, derived figures, lights and aggregates."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from zoneops.core.periods import missing_periods, period_containing
from zoneops.projects.choices import REPORTING_STAGES, UNJUDGED_STAGES, Light, ReportStatus, Stage
from zoneops.projects.figures import COUNTED_REPORTS, stock
from zoneops.projects.flags import black_flag_condition
from zoneops.projects.models import Milestone, ProgressReport, Project, ProjectRules


def _sum_reports(condition=None):
    """Accepted reports only (figures.COUNTED_REPORTS): submitted, returned or draft ones count nowhere."""
    reports = (ProgressReport.objects.filter(COUNTED_REPORTS, condition or Q(), project=OuterRef("pk")).order_by()
               .values("project").annotate(total=Sum("invested")).values("total"))
    return Coalesce(Subquery(reports, output_field=IntegerField()), Value(0))


def project_queryset(*, user, action="project.view", today=None):
    """Scoped projects with the derived figures every list and page needs, in one query."""
    today = today or timezone.localdate()
    year_start = date(today.year, 1, 1)
    latest = ProgressReport.objects.filter(project=OuterRef("pk")).order_by("-period_end")
    latest_counted = latest.filter(COUNTED_REPORTS)
    # Correlated subqueries, not joins: a join on milestones would multiply rows and force a GROUP BY
    # over every column before the page is cut (see docs/benchmarks.md).
    overdue = (Milestone.objects.filter(black_flag_condition(today), project=OuterRef("pk")).order_by()
               .values("project").annotate(n=Count("pk")).values("n"))
    return (
        Project.objects.restrict(user, action)
        .select_related("responsible_unit", "leader", "commissioner", "industry")
        .annotate(
            invested_total=_sum_reports(),
            invested_year=_sum_reports(Q(period_start__gte=year_start)),
            last_report_end=Subquery(latest.values("period_end")[:1]),
            last_percent=Subquery(latest_counted.values("percent")[:1]),  # the battle map's %
            black_flags=Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0)),
        )
    )


def project_leaders(*, user):
    """People who lead (包联) at least one project the user may see."""
    from zoneops.org.models import Person

    led = Project.objects.restrict(user, "project.view").filter(leader__isnull=False).values("leader_id")
    return Person.objects.unscoped().filter(pk__in=led).order_by("name")  # unscoped: a leader of a visible project


def project_get(*, user, pk, action="project.view"):
    return project_queryset(user=user, action=action).get(pk=pk)


# --- Derived figures --------------------------------------------------------------------------

def cumulative_for(project):
    """Per report of a project: this period, this year to date, cumulative (with investment_before).

    Returns the reports newest first, each with .year_to_date and .cumulative set. One query.
    Only accepted reports add to the running totals (figures.COUNTED_REPORTS).
    """
    reports = list(project.reports.order_by("period_start").prefetch_related("photos"))
    running, year_running, year = project.investment_before, 0, None
    for report in reports:
        if report.period_start.year != year:
            year, year_running = report.period_start.year, 0
        counted = report.status == ReportStatus.ACCEPTED
        running += report.invested if counted else 0
        year_running += report.invested if counted else 0
        report.year_to_date, report.cumulative = year_running, running
    return list(reversed(reports))


def rules_for(project):
    """The rules governing a project: its responsible unit's own or nearest ancestor's, else the default."""
    return ProjectRules.for_unit(project.responsible_unit)


def missing_reports(project, rules, today=None):
    """Periods whose fill-in window has closed without a report, from the project's start or its first
    reporting period (起报期间) whichever is later, after its latest report. At most
    ``rules.missing_reports_listed`` periods."""
    from zoneops.projects.services import first_report_period

    today = today or timezone.localdate()
    if project.stage not in REPORTING_STAGES or not project.actual_start:
        return []
    first = max(first_report_period(project, rules), period_containing(rules.report_frequency, project.actual_start))
    return missing_periods(first, last_filed_end=getattr(project, "last_report_end", None), today=today,
                           window_days=rules.report_window_days, limit=rules.missing_reports_listed)


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
    if project.stage in UNJUDGED_STAGES:
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
    lag = investment_lag_percent(project, today, rules)
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


def investment_lag_percent(project, today, rules):
    """How many percentage points this year's investment is behind the time-proportional plan (序时进度)."""
    if not project.year_plan_investment or project.stage not in REPORTING_STAGES:
        return None
    # The year's plan runs from 1 January, or from the start date for a project started this year.
    begin = max(date(today.year, 1, 1), project.actual_start or date(today.year, 1, 1))
    year_end = date(today.year, 12, 31)
    if (today - begin).days < rules.investment_lag_grace_days:
        return None  # too early in the plan to judge
    # 100 × (elapsed − done) rounded half up, in integers (lights.py compares the same in SQL):
    # elapsed = d / days_left, done = invested_year / plan.
    d, days_left, plan = (today - begin).days, max((year_end - begin).days, 1), project.year_plan_investment
    numerator = 200 * (d * plan - project.invested_year * days_left)
    lag = (numerator + days_left * plan) // (2 * days_left * plan)
    return lag if lag > 0 else 0


def with_lights(projects, today=None):
    """Attach .verdict to each project under its unit's rules (one query for every rules row).
    Needs ``responsible_unit`` loaded (``project_queryset`` selects it)."""
    book = ProjectRules.book()
    for project in projects:
        project.verdict = status_light(project, book.for_path(project.responsible_unit.path), today)
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

    return stock(Project.objects.restrict(user, "project.view")).aggregate(
        projects=Count("pk"),
        building=Count("pk", filter=Q(stage__in=REPORTING_STAGES)),
        total_investment=Coalesce(Sum("total_investment"), 0),
        year_plan=Coalesce(Sum("year_plan_investment"), 0),
    )


def ledger_summary(*, user):
    """Counts and money by responsible unit and stage, aggregated by the database."""
    # From the plain scoped table: the list's per-row annotations have no place in a GROUP BY.
    rows = (
        Project.objects.restrict(user, "project.view").order_by()
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
    from zoneops.core.deadlines import Deadline
    from zoneops.core.workdays import workdays_between
    from zoneops.projects.choices import PRE_START_APPROVAL_STAGES

    today = today or timezone.localdate()
    items = list(project.approvals.select_related("department").order_by("stage", "id"))
    for item in items:
        item.deadline = (Deadline.after(item.accepted_on, item.limit_workdays, item.done_on)
                         if item.accepted_on else None)
        item.used_workdays = item.deadline.used(today) if item.deadline else 0
        item.overdue_workdays = item.deadline.overdue_by(today) if item.deadline else 0
        item.over = item.overdue_workdays > 0

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
    """Per quarter of ``year``: projects planned for it (by planned quarter) and projects included in it
    (by inclusion date: a Q1-planned project included on 20 April is a Q2 inclusion), each cumulative."""
    from zoneops.projects.models import StatsInclusion

    inclusions = StatsInclusion.objects.restrict(user, "project.view")
    planned = dict(inclusions.filter(planned_year=year).order_by().values("planned_quarter")
                   .annotate(n=Count("pk")).values_list("planned_quarter", "n"))
    included = inclusions.filter(status="included").aggregate(**{
        f"q{quarter}": Count("pk", filter=Q(included_on__gte=date(year, 3 * quarter - 2, 1),
                                            included_on__lt=_quarter_after(year, quarter)))
        for quarter in range(1, 5)})
    rows, running_planned, running_included = [], 0, 0
    for quarter in range(1, 5):
        running_planned += planned.get(quarter, 0)
        running_included += included[f"q{quarter}"]
        rows.append({"quarter": quarter, "planned": running_planned, "included_in_quarter": included[f"q{quarter}"],
                     "included": running_included})
    return rows


def _quarter_after(year, quarter):
    return date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)


def stats_targets(*, user, year):
    """Each visible unit's quarter targets for ``year`` beside the inclusions of its projects (the unit and
    the units below it) up to each quarter's end, by inclusion date. One query for targets, one for counts."""
    from zoneops.projects.models import StatsInclusion, StatsQuarterTarget

    targets = list(StatsQuarterTarget.objects.filter(year=year).restrict(user, "project.view")
                   .select_related("unit").order_by("unit__path", "quarter"))
    units = {target.unit_id: target.unit for target in targets}
    counts = {}
    if units:
        counts = StatsInclusion.objects.filter(status="included").restrict(user, "project.view").aggregate(**{
            f"u{unit.pk}q{quarter}": Count("pk", filter=Q(project__responsible_unit__path__startswith=unit.path,
                                                        included_on__gte=date(year, 1, 1),
                                                        included_on__lt=_quarter_after(year, quarter)))
            for unit in units.values() for quarter in range(1, 5)})
    rows = {}
    for target in targets:
        row = rows.setdefault(target.unit_id, {"unit": target.unit, "quarters": {}})
        included = counts[f"u{target.unit_id}q{target.quarter}"]
        row["quarters"][target.quarter] = {"target": target.target_count, "included": included,
                                           "percent": round(100 * included / target.target_count)
                                           if target.target_count else None}
    return [{"unit": row["unit"], "quarters": [row["quarters"].get(q) for q in range(1, 5)]} for row in rows.values()]


def stats_rows(*, user, year):
    from zoneops.projects.models import StatsInclusion

    return (StatsInclusion.objects.filter(planned_year=year).restrict(user, "project.view")
            .select_related("project", "project__responsible_unit").order_by("planned_quarter", "project__name"))


def report_rows(*, user):
    """Scoped progress reports; the report list narrows them with ``filtersets.ReportFilterSet``."""
    return ProgressReport.objects.restrict(user, "project.view").select_related(
        "project", "project__responsible_unit", "submitted_by")


def projects_missing_reports(*, user, today=None):
    """Projects in a reporting stage whose latest closed period has no report (缺报), with the periods."""
    book = ProjectRules.book()
    rows = []
    for project in project_queryset(user=user, today=today).filter(stage__in=REPORTING_STAGES).order_by(
            "responsible_unit__path", "name"):
        missing = missing_reports(project, book.for_path(project.responsible_unit.path), today)
        if missing:
            rows.append((project, missing))
    return rows


def stats_candidates(*, user):
    """Projects at or above the statistics threshold, not yet counted, with no 入库纳统 plan (应列未列)."""
    over_threshold = Q(pk__in=[])
    for rules, governed in ProjectRules.book().partition("responsible_unit__path"):
        over_threshold |= governed & Q(total_investment__gte=rules.stats_threshold)
    return (Project.objects.restrict(user, "project.view")
            .filter(over_threshold, stats__isnull=True,
                    stage__in=[Stage.PREPARING, Stage.STARTED, Stage.BUILDING])
            .select_related("responsible_unit").order_by("responsible_unit__path", "name"))


@dataclass
class QueueRow:
    """One project in a filer's queue (我的填报): the open period, its report if any, and missing periods."""

    project: Project
    period: object
    report: ProgressReport | None
    missing: list

    @property
    def filed(self):
        return self.report is not None


def report_queue(*, user, today=None):
    """The filer's queue: 本期应报 (every project to report for the period whose window is open), 未报 (of
    those, not filed yet, plus closed periods missing), 被退回 (returned reports, with the reason)."""
    from zoneops.projects.choices import FILING_STAGES
    from zoneops.projects.services import open_report_period

    today = today or timezone.localdate()
    book = ProjectRules.book()
    projects = list(project_queryset(user=user, action="project.report", today=today)
                    .filter(stage__in=FILING_STAGES, actual_start__isnull=False)
                    .order_by("responsible_unit__path", "name"))
    periods = {project.pk: open_report_period(book.for_path(project.responsible_unit.path), today)
               for project in projects}
    filed = {(r.project_id, r.period_key): r for r in ProgressReport.objects.filter(
        project__in=projects, period_key__in={p.key for p in periods.values()})}
    due = [QueueRow(project, periods[project.pk], filed.get((project.pk, periods[project.pk].key)),
                    missing_reports(project, book.for_path(project.responsible_unit.path), today))
           for project in projects]
    returned = list(ProgressReport.objects.restrict(user, "project.report").filter(status=ReportStatus.RETURNED)
                    .select_related("project", "project__responsible_unit", "reviewed_by")
                    .order_by("-period_start", "project__name"))
    return {"due": due, "unfiled": [row for row in due if not row.filed or row.missing], "returned": returned}


def review_queue(*, user):
    """Reports waiting for review (待审核) that the user may review, oldest first."""
    return (ProgressReport.objects.restrict(user, "project.review").filter(status=ReportStatus.SUBMITTED)
            .select_related("project", "project__responsible_unit", "submitted_by")
            .order_by("submitted_at", "pk"))


def pending_replans(*, user):
    """Plan adjustments waiting for the project office (待审批的节点计划调整)."""
    from zoneops.projects.models import MilestoneReplan, ReplanStatus

    return (MilestoneReplan.objects.restrict(user, "project.replan").filter(status=ReplanStatus.PENDING)
            .select_related("milestone", "milestone__project", "proposed_by").order_by("proposed_at"))


def report_revisions(project):
    """Earlier versions of the project's reports (修改留痕), by report id, newest first."""
    from zoneops.projects.models import ProgressReportRevision

    rows = {}
    for revision in (ProgressReportRevision.objects.filter(report__project=project)
                     .select_related("submitted_by", "replaced_by").order_by("report", "-version")):
        rows.setdefault(revision.report_id, []).append(revision)
    return rows


def milestone_replans(project):
    """The project's plan adjustments (计划调整), newest first."""
    from zoneops.projects.models import MilestoneReplan

    return list(MilestoneReplan.objects.filter(milestone__project=project)
                .select_related("milestone", "proposed_by", "decided_by"))
