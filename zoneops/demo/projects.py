"""Demo projects (演示项目) of 渭南经济技术开发区: about 120 projects in every stage, with milestones,
monthly progress reports, approvals and statistics inclusion, all dated relative to ``today``.

Projects are entered through the services (as a ledger import would: at the stage reached, with the
stage history beside them), so the audit log shows them; milestones, reports, approvals and
statistics rows are bulk-inserted, with one audit row saying so, so the demo loads in about a
second. Deterministic: the same ``today`` gives the same zone. What the projects are is decided in
:mod:`.project_plans`.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from zoneops.audit.context import Actor
from zoneops.audit.services import audit_record
from zoneops.core.models import IndustryCode, TransitionRecord
from zoneops.core.workdays import add_workdays
from zoneops.core.workflow import Transition
from zoneops.demo import project_catalog as catalog
from zoneops.demo.project_plans import SEED, STAGE_COUNTS, STATS_TARGETS, plan_projects, progress_text
from zoneops.org import services as org_services
from zoneops.org.models import Person, Role, Scope, Unit
from zoneops.projects import services
from zoneops.projects.choices import STAGE_DATE_FIELD, STAGE_ORDER, STATS_DOCUMENTS, ReportStatus, Stage, StatsStatus
from zoneops.projects.models import (
    ApprovalItem,
    Milestone,
    MilestoneTemplate,
    MilestoneTemplateItem,
    ProgressReport,
    Project,
    ProjectRules,
    StatsInclusion,
)
from zoneops.projects.stages import STAGE_MACHINE
from zoneops.projects.templates_seed import INDUSTRIAL, INFRASTRUCTURE, seed_milestone_templates


class DemoZone:
    """The units, people and templates the demo projects are attached to, loaded once."""

    def __init__(self, actor):
        self.units = {unit.code: unit for unit in Unit.objects.filter(code__startswith="jkq-")}
        self.zone = Unit.objects.get(code="wn-jkq")
        self.people = {p.username: p for p in Person.objects.filter(username__startswith="demo-")}
        self.leaders = [self.people["demo-leader"], *_ensure_leaders(actor, self.zone)]
        self.industries = {code.code: code for code in IndustryCode.objects.filter(level=IndustryCode.Level.CLASS)}
        seed_milestone_templates(MilestoneTemplate, MilestoneTemplateItem)
        self.templates = {
            template.name: [(item.seq, item.name, item.offset_days) for item in template.items.order_by("seq")]
            for template in MilestoneTemplate.objects.filter(name__in=[INDUSTRIAL, INFRASTRUCTURE])
        }


def _ensure_leaders(actor, zone):
    role = Role.objects.get(code="leader")
    leaders = []
    for username, name, title, phone in catalog.LEADERS:
        person = Person.objects.filter(username=username).first()
        if person is None:
            person = org_services.person_create(actor=actor, username=username, name=name, unit=zone, title=title,
                                                phone=phone)
            org_services.grant_create(actor=actor, person=person, role=role, scope=Scope.UNIT_TREE)
        leaders.append(person)
    return leaders


# --- Rows derived from a saved project --------------------------------------------------------

def _milestone_rows(plan, project):
    return [Milestone(project=project, seq=seq, name=name, baseline_date=baseline, planned_date=planned,
                      actual_date=actual, replan_count=replans, note=note)
            for seq, name, baseline, planned, actual, replans, note in plan.milestones]


def _report_rows(plan, project, reviewer):
    filer = project.commissioner or reviewer
    return [
        ProgressReport(project=project, period_key=period.key, period_start=period.start, period_end=period.end,
                       invested=invested, progress_text=progress_text(percent), percent=percent, workers=workers,
                       status=status, submitted_at=submitted_at, submitted_by=filer, is_late=is_late,
                       reviewed_by=reviewer if status != ReportStatus.SUBMITTED else None,
                       review_comment=catalog.RETURN_COMMENT if status == ReportStatus.RETURNED else "")
        for period, invested, percent, workers, status, submitted_at, is_late in plan.reports
    ]


def _approval_rows(rng, plan, project, demo, today):
    rows = []
    for stage, name, department, limit, mode, anchor_name, before in catalog.APPROVALS:
        anchor = next((m[3] for m in plan.milestones if m[1] == anchor_name), None)
        if anchor is None or (stage == "acceptance" and not plan.actual("竣工验收")):
            continue
        submitted = anchor - timedelta(days=before + rng.randint(-3, 3))
        if submitted >= today:
            continue
        accepted = min(submitted + timedelta(days=rng.randint(0, 2)), today)
        took = limit + rng.randint(1, 6) if rng.random() < 0.12 else rng.randint(max(1, limit // 3), limit)
        done = add_workdays(accepted, took)
        rows.append(ApprovalItem(project=project, stage=stage, name=name, department=demo.units[department],
                                 limit_workdays=limit, mode=mode, submitted_on=submitted, accepted_on=accepted,
                                 done_on=done if done < today else None))
    return rows


def _stats_row(rng, plan, project, today):
    """入库纳统: included once in statistics; started projects on their way in; the next ones planned."""
    names = STATS_DOCUMENTS
    if project.in_stats_on:  # an inclusion and the stage never disagree
        quarter = (project.in_stats_on.month - 1) // 3 + 1
        return StatsInclusion(project=project, planned_year=project.in_stats_on.year, planned_quarter=quarter,
                              status=StatsStatus.INCLUDED, documents=dict.fromkeys(names, True),
                              included_on=project.in_stats_on)
    if plan.stage == Stage.STARTED:
        ready = rng.randint(2, 5)
        quarter = (today.month - 1) // 3 + 1
        status = StatsStatus.SUBMITTED if ready == 5 else StatsStatus.PREPARING
        return StatsInclusion(project=project, planned_year=today.year, planned_quarter=quarter, status=status,
                              documents={n: i < ready for i, n in enumerate(names)})
    planned = project.planned_start
    if plan.stage == Stage.PREPARING and planned and (planned - today).days < 120:
        quarter = (planned.month - 1) // 3 + 1
        return StatsInclusion(project=project, planned_year=planned.year, planned_quarter=quarter,
                              status=StatsStatus.PLANNED, documents={n: i < 2 for i, n in enumerate(names)})
    return None


# --- Writing -------------------------------------------------------------------------------------

def _create(actor, plan):
    """Enter the project at the stage it has reached, as a ledger import does, with its stage history
    (阶段变更) and dates; leaving the main line (停缓建, 终止) goes through the stage service.

    Walking every step through ``project_change_stage`` would audit ~440 more rows and triple the
    load time; the history rows say the same.
    """
    steps = [step for step in plan.stage_path if step[0] in STAGE_ORDER]
    dates = {STAGE_DATE_FIELD[stage]: day for stage, day, _reason in steps if stage in STAGE_DATE_FIELD}
    # The demo's history was kept in ZoneOps from the start: it reports from its start, nothing is 补录.
    project = services.project_create(actor=actor, co_units=plan.co_units, reporting_from=dates.get("actual_start"),
                                      **plan.fields)
    if steps:  # the stage reached and its dates, as recorded history, not as changes made today
        Project.objects.filter(pk=project.pk).update(stage=steps[-1][0], **dates)
    history, previous = [], Stage.RESERVE
    for stage, day, reason in steps:
        move = STAGE_MACHINE.find(previous, stage) or Transition(previous, stage)
        history.append(STAGE_MACHINE.history_row(project, move, reason=reason, effective_on=day))
        previous = stage
    TransitionRecord.objects.bulk_create(history)
    for stage, day, reason in plan.stage_path[len(steps):]:
        project = services.project_change_stage(actor=actor, project=project, to_stage=stage, reason=reason,
                                                effective_on=day)
    project.refresh_from_db()
    return project


def demo_projects():
    return Project.objects.filter(responsible_unit__path__startswith=Unit.objects.get(code="wn-jkq").path)


@transaction.atomic
def build_demo_projects(today=None):
    """Load the demo projects into the demo zone; does nothing when the zone already has projects.

    Returns the number of projects created. ``today`` must not be later than the real date (stage
    changes cannot be dated in the future).
    """
    if demo_projects().exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    actor = Actor.system()
    demo = DemoZone(actor)
    rules = ProjectRules.current()
    reviewer = demo.people["demo-xm"]
    milestones, reports, approvals, stats = [], [], [], []
    for plan in plan_projects(demo, today, rules, rng):
        project = _create(actor, plan)
        milestones += _milestone_rows(plan, project)
        reports += _report_rows(plan, project, reviewer)
        if plan.with_approvals:
            approvals += _approval_rows(rng, plan, project, demo, today)
        if row := _stats_row(rng, plan, project, today):
            stats.append(row)
    Milestone.objects.bulk_create(milestones, batch_size=500)
    ProgressReport.objects.bulk_create(reports, batch_size=500)
    ApprovalItem.objects.bulk_create(approvals, batch_size=500)
    # Projects moved off the main line by the stage service already have their inclusion.
    done = set(StatsInclusion.objects.filter(project__in=[row.project for row in stats])
               .values_list("project_id", flat=True))
    StatsInclusion.objects.bulk_create([row for row in stats if row.project_id not in done], batch_size=500)
    zone = Unit.objects.get(code="wn-jkq")
    for quarter, count in enumerate(STATS_TARGETS, start=1):
        services.stats_target_save(actor=actor, unit=zone, year=today.year, quarter=quarter, target_count=count)
    created = sum(STAGE_COUNTS.values())
    audit_record(actor, "demo.projects", ("projects.project", "", "演示项目"), changes={
        "projects": created, "milestones": len(milestones), "reports": len(reports),
        "approvals": len(approvals), "stats": len(stats)})
    return created

