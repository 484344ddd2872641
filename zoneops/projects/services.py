"""Every write of the project module: validated, one transaction, audited, scope-checked."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from zoneops.audit.services import audit_record
from zoneops.core.errors import ConflictError, PermissionDenied, ValidationError
from zoneops.core.periods import parse_period
from zoneops.org.scope import has_permission, may_act_on
from zoneops.projects.choices import STAGE_DATE_FIELD, STAGE_ORDER, ReportStatus, Stage
from zoneops.projects.models import (
    ApprovalItem,
    Milestone,
    MilestoneTemplate,
    MilestoneTemplateItem,
    ProgressReport,
    Project,
    ProjectRules,
    ReportPhoto,
    StageChange,
    StatsInclusion,
    StatsQuarterTarget,
)
from zoneops.projects.photos import process_photo

PROJECT_FIELDS = (
    "name", "code", "enterprise", "responsible_unit", "task_force", "leader", "commissioner", "industry",
    "build_nature", "is_national_key", "is_provincial_key", "is_city_key", "is_district_key",
    "total_investment", "year_plan_investment", "investment_before", "planned_start", "planned_completion",
    "location", "content", "expected_output", "expected_tax", "expected_jobs", "measures", "standard",
    "reward_penalty",
)


def _require(actor, action, target, message="您无权操作该项目。"):
    if not may_act_on(actor, action, target):
        raise PermissionDenied(message)


def _check_unique_code(project):
    if project.code and Project.objects.filter(code=project.code).exclude(pk=project.pk).exists():
        raise ValidationError({"code": "该项目代码已被其他项目使用。"})


# --- Ledger ---------------------------------------------------------------------------------

@transaction.atomic
def project_create(*, actor, co_units=(), **fields):
    """A new project in the ledger (储备 stage unless a later stage is imported)."""
    unknown = set(fields) - set(PROJECT_FIELDS) - {"stage"}
    if unknown:
        raise ValidationError(f"未知字段：{'、'.join(sorted(unknown))}。")
    unit = fields.get("responsible_unit")
    if unit is None:
        raise ValidationError({"responsible_unit": "请选择责任单位。"})
    _require(actor, "project.edit", unit, "您无权在该责任单位下录入项目。")
    project = Project(created_by=actor.person, **fields)
    project.full_clean()
    _check_unique_code(project)
    project.save()
    if co_units:
        project.co_units.set(co_units)
    audit_record(actor, "project.create", project,
                 changes={name: getattr(project, name) for name in ("name", "responsible_unit", "stage")})
    return project


@transaction.atomic
def project_update(*, actor, project, expected_version, co_units=None, **fields):
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationError(f"不能修改字段：{'、'.join(sorted(unknown))}。")
    _require(actor, "project.edit", project)
    if "responsible_unit" in fields and fields["responsible_unit"] != project.responsible_unit:
        _require(actor, "project.edit", fields["responsible_unit"], "您无权把项目移交给目标责任单位。")
    before = {name: getattr(project, name) for name in fields}
    for name, value in fields.items():
        setattr(project, name, value)
    _check_unique_code(project)
    project.save_versioned(expected_version=expected_version, fields=list(fields))
    changes = {name: [before[name], getattr(project, name)]
               for name in fields if before[name] != getattr(project, name)}
    if co_units is not None:
        old = sorted(str(u) for u in project.co_units.all())
        project.co_units.set(co_units)
        new = sorted(str(u) for u in co_units)
        if old != new:
            changes["co_units"] = [old, new]
    audit_record(actor, "project.update", project, changes=changes)
    return project


def _stage_index(stage):
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else None


def check_stage_change(project, to_stage, reason):
    """The stage rules. Returns the kind of move ("forward", "skip", "back", "side", "resume")."""
    current = project.stage
    if to_stage not in Stage.values:
        raise ValidationError({"to_stage": "未知阶段。"})
    if to_stage == current:
        raise ValidationError({"to_stage": "项目已处于该阶段。"})
    if current == Stage.CANCELLED:
        raise ValidationError({"to_stage": "已终止的项目不能再变更阶段。"})
    reason = (reason or "").strip()
    if to_stage in (Stage.SUSPENDED, Stage.CANCELLED):
        if not reason:
            raise ValidationError({"reason": f"转为“{Stage(to_stage).label}”须说明原因。"})
        return "side"
    if current == Stage.SUSPENDED:
        if not reason:
            raise ValidationError({"reason": "停缓建项目恢复须说明原因。"})
        return "resume"
    step = _stage_index(to_stage) - _stage_index(current)
    if step < 0:
        if not reason:
            raise ValidationError({"reason": "阶段回退须说明原因。"})
        return "back"
    if step > 1 and not reason:
        skipped = "、".join(STAGE_ORDER[i].label for i in range(_stage_index(current) + 1, _stage_index(to_stage)))
        raise ValidationError({"reason": f"跳过阶段（{skipped}）须说明原因。"})
    return "forward" if step == 1 else "skip"


@transaction.atomic
def project_change_stage(*, actor, project, to_stage, reason="", effective_on=None):
    """Move a project to another stage, recording who/when/why and filling the matching actual date.

    Stepping back clears the actual dates of the stages the project no longer has reached.
    """
    _require(actor, "project.stage", project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    effective_on = effective_on or timezone.localdate()
    if effective_on > timezone.localdate():
        raise ValidationError({"effective_on": "发生日期不能晚于今天。"})
    move = check_stage_change(project, to_stage, reason)
    from_stage = project.stage
    changed = {"stage": [from_stage, to_stage]}
    fields = ["stage"]
    project.stage = to_stage
    if to_stage in STAGE_DATE_FIELD and not getattr(project, STAGE_DATE_FIELD[to_stage]):
        setattr(project, STAGE_DATE_FIELD[to_stage], effective_on)
        fields.append(STAGE_DATE_FIELD[to_stage])
        changed[STAGE_DATE_FIELD[to_stage]] = [None, effective_on]
    if move == "skip":
        # Stages passed on the way are taken to have happened on the same day.
        for stage in STAGE_ORDER[_stage_index(from_stage) + 1:_stage_index(to_stage)]:
            field = STAGE_DATE_FIELD.get(stage)
            if field and not getattr(project, field):
                setattr(project, field, effective_on)
                fields.append(field)
    if move == "back":
        for stage in STAGE_ORDER[_stage_index(to_stage) + 1:]:
            field = STAGE_DATE_FIELD.get(stage)
            if field and getattr(project, field):
                changed[field] = [getattr(project, field), None]
                setattr(project, field, None)
                fields.append(field)
    project.save_versioned(expected_version=None, fields=fields)
    StageChange.objects.create(project=project, from_stage=from_stage, to_stage=to_stage, effective_on=effective_on,
                               reason=reason.strip(), changed_by=actor.person)
    audit_record(actor, "project.stage", project, changes=changed, detail=reason)
    return project


# --- Milestones -----------------------------------------------------------------------------

@transaction.atomic
def milestones_from_template(*, actor, project, template, anchor=None):
    """Create the template's milestones, dated relative to the planned start (the baseline)."""
    _require(actor, "project.edit", project)
    anchor = anchor or project.planned_start
    if anchor is None:
        raise ValidationError({"planned_start": "请先填写计划开工日期，节点日期以此推算。"})
    if project.milestones.exists():
        raise ValidationError("该项目已有节点，不能重复套用模板。")
    items = list(MilestoneTemplate.objects.get(pk=template.pk).items.all())
    rows = [Milestone(project=project, seq=item.seq, name=item.name, baseline_date=anchor + timedelta(item.offset_days),
                      planned_date=anchor + timedelta(item.offset_days)) for item in items]
    Milestone.objects.bulk_create(rows)
    audit_record(actor, "milestone.template", project, changes={"template": template.name, "count": len(rows)})
    return rows


@transaction.atomic
def milestone_add(*, actor, project, name, planned_date, seq=None):
    _require(actor, "project.edit", project)
    seq = seq or (max(project.milestones.values_list("seq", flat=True), default=0) + 1)
    milestone = Milestone(project=project, seq=seq, name=name, baseline_date=planned_date, planned_date=planned_date)
    milestone.full_clean()
    milestone.save()
    audit_record(actor, "milestone.create", milestone, changes={"name": name, "planned_date": planned_date})
    return milestone


@transaction.atomic
def milestone_update(*, actor, milestone, planned_date=None, actual_date=None, note=None, reason=""):
    """Re-plan (the baseline stays) and/or record completion of a milestone."""
    _require(actor, "project.edit", milestone.project)
    changes = {}
    today = timezone.localdate()
    if planned_date and planned_date != milestone.planned_date:
        if not reason.strip():
            raise ValidationError({"reason": "调整节点计划须说明原因。"})
        changes["planned_date"] = [milestone.planned_date, planned_date]
        milestone.planned_date = planned_date
        milestone.replan_count += 1
    if actual_date is not None and actual_date != milestone.actual_date:
        if actual_date > today:
            raise ValidationError({"actual_date": "完成日期不能晚于今天。"})
        changes["actual_date"] = [milestone.actual_date, actual_date]
        milestone.actual_date = actual_date
    if note is not None:
        milestone.note = note
    milestone.full_clean()
    milestone.save()
    audit_record(actor, "milestone.update", milestone, changes=changes, detail=reason)
    return milestone


# --- Progress reports -------------------------------------------------------------------------

def report_deadline(period_end, rules):
    return period_end + timedelta(days=rules.report_window_days)


@transaction.atomic
def progress_report_submit(*, actor, project, period_key, invested, progress_text, percent, workers=0,
                           photos=(), expected_version=None):
    """File (or re-file a returned) report for one period. Cumulative figures are derived elsewhere."""
    _require(actor, "project.report", project, "您无权填报该项目的进度。")
    rules = ProjectRules.current()
    try:
        period = parse_period(period_key)
    except ValueError as error:
        raise ValidationError({"period_key": str(error)}) from None
    if period.kind != rules.report_frequency:
        raise ValidationError({"period_key": f"本区按“{rules.get_report_frequency_display()}”填报。"})
    today = timezone.localdate()
    if period.start > today:
        raise ValidationError({"period_key": "不能填报未来期间。"})
    if project.stage not in {Stage.STARTED, Stage.IN_STATS, Stage.BUILDING, Stage.COMPLETED}:
        raise ValidationError({"period_key": f"“{project.get_stage_display()}”阶段的项目不需要填报进度。"})
    if invested is None or invested < 0:
        raise ValidationError({"invested": "本期完成投资不能为负数。"})
    processed = [process_photo(upload) for upload in photos]
    now = timezone.now()
    report = ProgressReport.objects.select_for_update().filter(project=project, period_key=period.key).first()
    fields = {"invested": invested, "progress_text": progress_text, "percent": percent, "workers": workers,
              "status": ReportStatus.SUBMITTED, "submitted_at": now, "submitted_by": actor.person,
              "is_late": today > report_deadline(period.end, rules)}
    if report is None:
        report = ProgressReport(project=project, period_key=period.key, period_start=period.start,
                                period_end=period.end, **fields)
        report.full_clean()
        report.save()
        action = "report.submit"
    else:
        if report.status == ReportStatus.ACCEPTED:
            raise ValidationError({"period_key": "该期进度已审核通过，不能再修改。"})
        if expected_version is None:  # a new filing met one filed meanwhile: never overwrite it
            raise ConflictError("该期进度已有填报（可能刚由他人提交）；请在项目页该期的“修改”中更改，不要重复填报。",
                                current_version=report.version)
        for name, value in fields.items():
            setattr(report, name, value)
        report.save_versioned(expected_version=expected_version, fields=list(fields))
        action = "report.resubmit"
    for content, taken_at, width, height in processed:
        photo = ReportPhoto(report=report, taken_at=taken_at, width=width, height=height)
        photo.image.save(content.name, content, save=False)
        photo.save()
    audit_record(actor, action, report, changes={"invested": invested, "percent": percent,
                                                 "photos": len(processed), "late": fields["is_late"]})
    return report


@transaction.atomic
def progress_report_review(*, actor, report, accept, comment=""):
    """Accept a report, or return it to the filer with a comment (退回须写意见)."""
    _require(actor, "project.review", report.project, "您无权审核该项目的进度。")
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError("只有已提交的填报可以审核。")
    if not accept and not comment.strip():
        raise ValidationError({"review_comment": "退回须填写意见。"})
    report.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
    report.reviewed_by = actor.person
    report.review_comment = comment.strip()
    report.save_versioned(expected_version=None, fields=["status", "reviewed_by", "review_comment"])
    audit_record(actor, "report.accept" if accept else "report.return", report, detail=comment)
    return report


# --- Statistics inclusion, approvals and rules ----------------------------------------------

@transaction.atomic
def stats_inclusion_save(*, actor, project, planned_year, planned_quarter, status, documents, included_on=None,
                         note=""):
    _require(actor, "project.edit", project)
    stats, _ = StatsInclusion.objects.get_or_create(
        project=project, defaults={"planned_year": planned_year, "planned_quarter": planned_quarter})
    before = {"status": stats.status, "planned": f"{stats.planned_year}Q{stats.planned_quarter}"}
    stats.planned_year, stats.planned_quarter, stats.status = planned_year, planned_quarter, status
    stats.documents = {name: bool(documents.get(name)) for name in stats.documents} | {
        name: bool(value) for name, value in documents.items() if name in stats.documents}
    stats.included_on, stats.note = included_on, note
    if status == "included" and not included_on:
        raise ValidationError({"included_on": "已入库须填写入库日期。"})
    stats.full_clean()
    stats.save()
    audit_record(actor, "stats.save", project, changes={"before": before, "status": status,
                                                         "planned": f"{planned_year}Q{planned_quarter}"})
    return stats


def _require_rules(actor, message="您无权维护节点模板。"):
    """The zone's rules (thresholds, targets, templates) need project.rules."""
    if not actor.is_system and not has_permission(actor.person, "project.rules"):
        raise PermissionDenied(message)


@transaction.atomic
def stats_target_save(*, actor, year, quarter, target_count):
    _require_rules(actor, "您无权维护纳统计划。")
    target, _ = StatsQuarterTarget.objects.update_or_create(year=year, quarter=quarter,
                                                            defaults={"target_count": target_count})
    audit_record(actor, "stats.target", ("projects.statsquartertarget", target.pk, str(target)),
                 changes={"target_count": target_count})
    return target


@transaction.atomic
def approval_save(*, actor, project, item=None, **fields):
    _require(actor, "project.approval", project, "您无权登记该项目的审批事项。")
    item = item or ApprovalItem(project=project)
    before = {name: getattr(item, name, None) for name in fields}
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    audit_record(actor, "approval.save", item,
                 changes={name: [before[name], value] for name, value in fields.items()
                          if before[name] != value})
    return item


@transaction.atomic
def rules_update(*, actor, **fields):
    _require_rules(actor, "您无权修改项目规则。")
    rules = ProjectRules.current()
    before = {name: getattr(rules, name) for name in fields}
    for name, value in fields.items():
        setattr(rules, name, value)
    rules.full_clean()
    rules.save()
    audit_record(actor, "projects.rules", rules,
                 changes={name: [before[name], value] for name, value in fields.items() if before[name] != value})
    return rules




# --- Milestone templates (rules of the zone, like ProjectRules) ----------------------------------

@transaction.atomic
def milestone_template_create(*, actor, name, description=""):
    _require_rules(actor)
    template = MilestoneTemplate(name=name.strip(), description=description)
    template.full_clean()
    template.save()
    audit_record(actor, "milestone_template.create", template)
    return template


@transaction.atomic
def milestone_template_set_items(*, actor, template, items):
    """Replace a template's items with ``items`` = [(name, offset_days), ...] in order.

    Projects that already applied the template keep their own milestones.
    """
    _require_rules(actor)
    items = [(name.strip(), int(offset)) for name, offset in items]
    names = [name for name, _offset in items]
    if not names or not all(names):
        raise ValidationError({"items": "每个节点都要有名称，且模板至少有一个节点。"})
    if len(set(names)) != len(names):
        raise ValidationError({"items": "同一模板中的节点名称不能重复。"})
    before = [list(row) for row in template.items.values_list("name", "offset_days")]
    template.items.all().delete()
    MilestoneTemplateItem.objects.bulk_create(
        MilestoneTemplateItem(template=template, seq=seq, name=name, offset_days=offset)
        for seq, (name, offset) in enumerate(items, start=1))
    audit_record(actor, "milestone_template.items", template,
                 changes={"items": [before, [list(item) for item in items]]})
    return template
