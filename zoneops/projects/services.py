"""Every write of the project module: validated, one transaction, audited, scope-checked."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils import timezone

from zoneops.audit.services import audit_record
from zoneops.core.errors import ConflictError, PermissionDenied, ValidationError
from zoneops.core.models import UNCHECKED, TransitionRecord
from zoneops.core.periods import is_backfill, parse_period, period_containing, window_closes
from zoneops.org.models import Unit
from zoneops.org.scope import has_permission, may_act_on
from zoneops.projects.choices import FILING_STAGES, STAGE_DATE_FIELD, STAGE_ORDER, ReportStatus, Stage, StatsStatus
from zoneops.projects.models import (
    ApprovalItem,
    Milestone,
    MilestoneReplan,
    MilestoneTemplate,
    MilestoneTemplateItem,
    ProgressReport,
    ProgressReportRevision,
    Project,
    ProjectRules,
    ReplanStatus,
    ReportPhoto,
    StatsInclusion,
    StatsQuarterTarget,
)
from zoneops.projects.photos import process_photos
from zoneops.projects.stages import STAGE_MACHINE

PROJECT_FIELDS = (
    "name", "code", "enterprise", "responsible_unit", "task_force", "leader", "commissioner", "industry",
    "build_nature", "is_national_key", "is_provincial_key", "is_city_key", "is_district_key",
    "total_investment", "year_plan_investment", "investment_before", "planned_start", "planned_completion",
    "location", "content", "expected_output", "expected_tax", "expected_jobs", "measures", "standard",
    "reward_penalty", "reporting_from",
)
IMPORT_REASON = "Excel导入"


def _require(actor, action, target, message="您无权操作该项目。"):
    if not may_act_on(actor, action, target):
        raise PermissionDenied(message)


# --- Ledger ---------------------------------------------------------------------------------

_REFERENCES = ("responsible_unit", "task_force", "leader", "commissioner", "industry", "created_by")


def _allowed_units(actor, action, units):
    """The ids of ``units`` that the actor's grants for ``action`` reach: may_act_on for many, one query."""
    ids = {unit.pk for unit in units}
    if actor.is_system or not ids:
        return ids
    return set(Unit.objects.restrict(actor.person, action).filter(pk__in=ids).values_list("pk", flat=True))


def _validate(project):
    """The model's rules. References arrive as rows already read through a scoped queryset, so they
    are not looked up again (a query per row and field); uniqueness is checked for all rows at once
    by _check_unique."""
    exclude = {name for name in _REFERENCES if getattr(project, f"{name}_id") is not None}
    project.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _validate_into(project, index, add_error):
    """_validate for one of many rows: its messages through ``add_error(index, field, message)``."""
    try:
        _validate(project)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                add_error(index, name, message)


def _check_unique(projects, labels, add_error):
    """项目代码 is unique in the ledger; 项目名称 is unique within its 责任单位 (one rule for the form, the
    API and imports, checked in two queries however many projects)."""
    saved = [project.pk for project in projects if project.pk]
    others = Project.objects.exclude(pk__in=saved)
    codes = {project.code for project in projects if project.code}
    taken_codes = set(others.filter(code__in=codes).values_list("code", flat=True)) if codes else set()
    names = {project.name for project in projects if project.name and project.responsible_unit_id}
    taken_names = set(others.filter(
        responsible_unit__in={project.responsible_unit_id for project in projects if project.responsible_unit_id},
        name__in=names).values_list("responsible_unit_id", "name")) if names else set()
    first_code, first_name = {}, {}
    for index, project in enumerate(projects):
        if project.code:
            first = first_code.setdefault(project.code, index)
            if project.code in taken_codes:
                add_error(index, "code", "该项目代码已被其他项目使用。")
            elif first != index:
                add_error(index, "code", f"与{labels[first]}重复。")
        if project.name and project.responsible_unit_id:
            key = (project.responsible_unit_id, project.name)
            first = first_name.setdefault(key, index)
            if key in taken_names:
                add_error(index, "name", "该责任单位下已有同名项目。")
            elif first != index:
                add_error(index, "name", f"与{labels[first]}重复（同一责任单位下项目名称不能相同）。")


def _refuse_duplicates(project):
    """_check_unique for one project: a ValidationError on the field that collides."""
    errors = {}
    _check_unique([project], ["该项目"], lambda _index, name, message: errors.setdefault(name, []).append(message))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def project_create(*, actor, co_units=(), **fields):
    """A new project in the ledger, at 储备 (later stages through project_change_stage)."""
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationError(f"未知字段：{'、'.join(sorted(unknown))}。")
    unit = fields.get("responsible_unit")
    if unit is None:
        raise ValidationError({"responsible_unit": "请选择责任单位。"})
    _require(actor, "project.edit", unit, "您无权在该责任单位下录入项目。")
    if fields.get("reporting_from") is None:
        fields.pop("reporting_from", None)  # the model's default: the day it enters the ledger
    project = Project(created_by=actor.person, **fields)
    _validate(project)
    _refuse_duplicates(project)
    project.save()
    if co_units:
        project.co_units.set(co_units)
    audit_record(actor, "project.create", project,
                 changes={name: getattr(project, name) for name in ("name", "responsible_unit", "stage")})
    return project


@dataclass
class NewProject:
    """One project for project_import: its ledger fields (PROJECT_FIELDS), the stage it enters the
    ledger at, and how messages name it (e.g. “第4行”)."""

    fields: dict
    stage: str = Stage.RESERVE
    label: str = ""


class ProjectRowsInvalid(ValidationError):
    """project_import refused some rows; ``rows`` maps a row's index to {field: [messages]}."""

    def __init__(self, rows):
        super().__init__(f"有{len(rows)}个项目未通过检查，未写入任何数据。")
        self.rows = rows


def project_import_check(*, actor, rows, reason=IMPORT_REASON, effective_on=None):
    """Check new projects the way project_create and project_change_stage would, for many rows at
    once: known fields, project.edit on each 责任单位, the model's rules, the uniqueness rules, and for a
    row past 储备 the stage machine's move from 储备 to that stage (with ``reason``), with its
    permission (project.stage) on the row's unit. The move fills the actual dates (actual_start …) as of
    ``effective_on`` (today), as project_change_stage does.

    Returns (projects, {index: transition} for the rows past 储备, {index: {field: [messages]}});
    writes nothing. A few queries whatever the number of rows.
    """
    effective_on = effective_on or timezone.localdate()
    errors = {}

    def add_error(index, name, message):
        errors.setdefault(index, {}).setdefault(name, []).append(message)

    units = {row.fields["responsible_unit"] for row in rows if row.fields.get("responsible_unit") is not None}
    may_edit = _allowed_units(actor, "project.edit", units)
    projects, moves = [], {}
    for index, row in enumerate(rows):
        unknown = set(row.fields) - set(PROJECT_FIELDS)
        project = Project(created_by=actor.person, **{n: v for n, v in row.fields.items() if n not in unknown})
        projects.append(project)
        if unknown:
            add_error(index, NON_FIELD_ERRORS, f"未知字段：{'、'.join(sorted(unknown))}。")
        unit = row.fields.get("responsible_unit")
        if unit is None:
            add_error(index, "responsible_unit", "请选择责任单位。")
        elif unit.pk not in may_edit:
            add_error(index, "responsible_unit", "您无权在该责任单位下录入项目。")
        _validate_into(project, index, add_error)
        if row.stage != Stage.RESERVE:
            try:
                moves[index] = _apply_stage_change(project, row.stage, reason, effective_on)[2]
            except ValidationError as error:
                for message in error.messages:
                    add_error(index, "stage", message)
    _authorize_moves(actor, projects, moves, add_error)
    _check_unique(projects, [row.label or f"第{index}个项目" for index, row in enumerate(rows, start=1)],
                  add_error)
    return projects, moves, errors


def _authorize_moves(actor, projects, moves, add_error):
    """STAGE_MACHINE.authorize for projects not yet saved: each transition's permission on the
    project's 责任单位, one query per permission code."""
    by_code = {}
    for index, move in moves.items():
        if move.permission is not None and projects[index].responsible_unit_id:
            by_code.setdefault(move.permission, []).append(index)
    for code, indexes in by_code.items():
        allowed = _allowed_units(actor, code, {projects[index].responsible_unit for index in indexes})
        for index in indexes:
            if projects[index].responsible_unit_id not in allowed:
                add_error(index, "stage", f"您无权直接录入“{STAGE_MACHINE.label(moves[index].target)}”阶段的项目"
                                          "（需要阶段变更权限），请按“储备”录入，再由有权限的人员变更阶段。")


@transaction.atomic
def project_import(*, actor, rows, reason=IMPORT_REASON, effective_on=None):
    """Create many projects (an Excel import): project_import_check's rules, then bulk inserts of the
    projects, their stage history (the stage machine's history rows) and the 入库纳统 rows of those
    already at 纳统 (as stats_follow_stage), and one audit row; all or nothing.

    Raises ProjectRowsInvalid (nothing written) when any row fails.
    """
    effective_on = effective_on or timezone.localdate()
    projects, moves, errors = project_import_check(actor=actor, rows=rows, reason=reason, effective_on=effective_on)
    if errors:
        raise ProjectRowsInvalid(errors)
    Project.objects.bulk_create(projects, batch_size=500)
    TransitionRecord.objects.bulk_create(
        [STAGE_MACHINE.history_row(projects[index], move, actor=actor, reason=reason, effective_on=effective_on)
         for index, move in moves.items()], batch_size=1000)
    included = StatsInclusion.objects.bulk_create(
        [_included(project) for project in projects if _reached_stats(project)], batch_size=1000)
    stages = {}
    for project in projects:
        stages[project.stage] = stages.get(project.stage, 0) + 1
    audit_record(actor, "project.import", ("projects.project", "", "项目库Excel导入"),
                 changes={"count": len(projects), "ids": [project.pk for project in projects], "stages": stages,
                          "stage_changes": len(moves), "stats_included": len(included)},
                 detail=f"导入项目{len(projects)}个")
    return projects


@dataclass
class ProjectChange:
    """One existing project an import updates: the ledger fields (PROJECT_FIELDS) the sheet gives, the
    version the dry run read (None: not checked), and how messages name it (e.g. “第4行”)."""

    project: Project
    fields: dict
    expected_version: int | None = None
    label: str = ""


CHANGED_SINCE_CHECK = "该项目在预检后已被他人修改，请重新预检。"


def project_import_update_check(*, actor, changes):
    """project_update's rules for many projects at once: known fields, project.edit on each project's
    责任单位 (and on the new one when it moves), the version the dry run read, the model's rules and the
    uniqueness rules. Applies the fields to the instances in memory; returns {index: {field: [messages]}}."""
    errors = {}

    def add_error(index, name, message):
        errors.setdefault(index, {}).setdefault(name, []).append(message)

    units = {change.project.responsible_unit for change in changes} | {
        change.fields["responsible_unit"] for change in changes if change.fields.get("responsible_unit")}
    may_edit = _allowed_units(actor, "project.edit", units)
    for index, change in enumerate(changes):
        project = change.project
        unknown = set(change.fields) - set(PROJECT_FIELDS)
        if unknown:
            add_error(index, NON_FIELD_ERRORS, f"不能修改字段：{'、'.join(sorted(unknown))}。")
        if project.responsible_unit_id not in may_edit:
            add_error(index, NON_FIELD_ERRORS, "您无权修改该项目。")
        target = change.fields.get("responsible_unit")
        if target is not None and target.pk not in may_edit:
            add_error(index, "responsible_unit", "您无权把项目移交给目标责任单位。")
        if change.expected_version is not None and change.expected_version != project.version:
            add_error(index, NON_FIELD_ERRORS, CHANGED_SINCE_CHECK)
        for name, value in change.fields.items():
            if name not in unknown:
                setattr(project, name, value)
        _validate_into(project, index, add_error)
    _check_unique([change.project for change in changes],
                  [change.label or f"第{index}个项目" for index, change in enumerate(changes, start=1)], add_error)
    return errors


def project_import_update(*, actor, changes):
    """Update many existing projects from an import (the ledger fields only; stages move through the
    stage form): project_import_update_check's rules, then each saved against its version, and one
    audit row with what changed. All or nothing: the caller's transaction; raises ProjectRowsInvalid."""
    before = [{name: getattr(change.project, name) for name in change.fields} for change in changes]
    errors = project_import_update_check(actor=actor, changes=changes)
    if errors:
        raise ProjectRowsInvalid(errors)
    changed = {}
    with transaction.atomic():
        for index, change in enumerate(changes):
            project = change.project
            fields = [name for name in change.fields if before[index][name] != getattr(project, name)]
            if not fields:
                continue
            try:
                project.save_versioned(expected_version=project.version if change.expected_version is None
                                       else change.expected_version, fields=fields)
            except ConflictError:
                raise ProjectRowsInvalid({index: {NON_FIELD_ERRORS: [CHANGED_SINCE_CHECK]}}) from None
            changed[project.pk] = {name: [before[index][name], getattr(project, name)] for name in fields}
        audit_record(actor, "project.import_update", ("projects.project", "", "项目库Excel导入（更新）"),
                     changes={"count": len(changed), "projects": changed},
                     detail=f"导入更新项目{len(changed)}个")
    return changed


# The actual dates an import sets as data (the stage form fills them from the stage date otherwise).
IMPORT_DATE_FIELDS = ("signed_on", "actual_start", "actual_completion", "operating_on")
CHANGED_SINCE_EXPORT = "该项目在导出后已被他人修改（版本{}，现为{}），请重新导出后再编辑。"


@dataclass
class ProjectSync:
    """One existing project a ledger import matched, with only what differs from the database: ledger
    fields (PROJECT_FIELDS and IMPORT_DATE_FIELDS), the 配合单位 (None: unchanged), the stage (None:
    unchanged); the version the sheet was exported at (None: not checked) and how messages name it."""

    project: Project
    fields: dict
    co_units: list | None = None
    stage: str | None = None
    expected_version: int | None = None
    label: str = ""


def project_import_sync_check(*, actor, changes, reason=IMPORT_REASON, effective_on=None):
    """project_import_update_check's rules for the fields, and: the version exported, actual dates not
    in the future, 配合单位 within the actor's project.edit units, the stage through the stage machine
    (its rules and permission). Applies everything in memory; returns ({index: transition}, errors)."""
    effective_on = effective_on or timezone.localdate()
    errors = project_import_update_check(actor=actor, changes=[
        ProjectChange(change.project, {n: v for n, v in change.fields.items() if n not in IMPORT_DATE_FIELDS},
                      label=change.label) for change in changes])

    def add_error(index, name, message):
        errors.setdefault(index, {}).setdefault(name, []).append(message)

    may_co = _allowed_units(actor, "project.edit", {unit for change in changes for unit in change.co_units or ()})
    today, moves = timezone.localdate(), {}
    for index, change in enumerate(changes):
        project = change.project
        if change.expected_version is not None and change.expected_version != project.version:
            add_error(index, NON_FIELD_ERRORS, CHANGED_SINCE_EXPORT.format(change.expected_version, project.version))
        if any(unit.pk not in may_co for unit in change.co_units or ()):
            add_error(index, "co_units", "配合单位须在您的数据范围内。")
        for name in IMPORT_DATE_FIELDS:
            if name in change.fields:
                if change.fields[name] and change.fields[name] > today:
                    add_error(index, name, "实际日期不能晚于今天。")
                setattr(project, name, change.fields[name])
        if change.stage is not None and change.stage != project.stage:
            try:
                moves[index] = _apply_stage_change(project, change.stage, reason, effective_on)[2]
            except ValidationError as error:
                for message in error.messages:
                    add_error(index, "stage", message)
    _authorize_moves(actor, [change.project for change in changes], moves, add_error)
    return moves, errors


def project_import_sync(*, actor, changes, reason=IMPORT_REASON, effective_on=None):
    """Update existing projects from a ledger import: project_import_sync_check's rules, then each
    project saved against its version with only the fields that changed, its 配合单位, its stage history
    (the stage machine's rows) and 入库纳统 following the stage, and one audit row with each project's
    changes. All or nothing; raises ProjectRowsInvalid. Returns {project id: {field: [before, after]}}."""
    effective_on = effective_on or timezone.localdate()
    tracked = (*PROJECT_FIELDS, *IMPORT_DATE_FIELDS, "stage", *STAGE_DATE_FIELD.values())
    before = [{name: getattr(change.project, name) for name in dict.fromkeys(tracked)} for change in changes]
    moves, errors = project_import_sync_check(actor=actor, changes=changes, reason=reason, effective_on=effective_on)
    if errors:
        raise ProjectRowsInvalid(errors)
    changed, history = {}, []
    with transaction.atomic():
        for index, change in enumerate(changes):
            project = change.project
            diff = {name: [old, getattr(project, name)] for name, old in before[index].items()
                    if old != getattr(project, name)}
            if change.co_units is not None:
                old = sorted(str(unit) for unit in project.co_units.all())
                new = sorted(str(unit) for unit in change.co_units)
                if old != new:
                    diff["co_units"] = [old, new]
            if not diff:
                continue
            try:
                project.save_versioned(expected_version=project.version if change.expected_version is None
                                       else change.expected_version, fields=[n for n in diff if n != "co_units"])
            except ConflictError:
                raise ProjectRowsInvalid({index: {NON_FIELD_ERRORS: [CHANGED_SINCE_CHECK]}}) from None
            if "co_units" in diff:
                project.co_units.set(change.co_units)
            if index in moves:
                history.append(STAGE_MACHINE.history_row(project, moves[index], actor=actor, reason=reason,
                                                         effective_on=effective_on))
            if {"stage", "in_stats_on"} & set(diff):
                stats_follow_stage(actor=actor, project=project)
            changed[project.pk] = diff
        TransitionRecord.objects.bulk_create(history, batch_size=1000)
        audit_record(actor, "project.import_update", ("projects.project", "", "项目库Excel导入（更新）"),
                     changes={"count": len(changed), "stage_changes": len(history), "projects": changed},
                     detail=f"导入更新项目{len(changed)}个")
    return changed


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
    if {"code", "name", "responsible_unit"} & set(fields):
        _refuse_duplicates(project)
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
    """The stage rules (``stages.STAGE_MACHINE``). Returns the kind of move
    ("forward", "skip", "back", "side", "resume")."""
    return STAGE_MACHINE.check(project.stage, to_stage, reason).kind


def _apply_stage_change(project, to_stage, reason, effective_on):
    """The stage machine's rules applied to ``project`` in memory: the new stage and its actual dates.
    Who may take the transition is the caller's to check (``STAGE_MACHINE.authorize``, or per unit in bulk).

    Returns (changed fields, the audit's changes, the transition).
    """
    if effective_on > timezone.localdate():
        raise ValidationError({"effective_on": "发生日期不能晚于今天。"})
    transition = STAGE_MACHINE.check(project.stage, to_stage, reason)
    move = transition.kind
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
    return fields, changed, transition


@transaction.atomic
def project_change_stage(*, actor, project, to_stage, reason="", effective_on=None):
    """Move a project to another stage, recording who/when/why and filling the matching actual date.

    Stepping back clears the actual dates of the stages the project no longer has reached.
    """
    _require(actor, "project.stage", project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    effective_on = effective_on or timezone.localdate()
    fields, changed, transition = _apply_stage_change(project, to_stage, reason, effective_on)
    STAGE_MACHINE.authorize(actor, transition, project)
    project.save_versioned(expected_version=UNCHECKED, fields=fields)
    STAGE_MACHINE.record(project, transition, actor=actor, reason=reason, effective_on=effective_on,
                         audit_action="project.stage", changes=changed)
    stats_follow_stage(actor=actor, project=project)
    _complete_stage_milestone(actor, project, to_stage, effective_on)
    return project


# The milestone a stage completes (by its name in the templates): 开工 → 开工, 竣工 → 竣工验收, 投产 → 投产.
STAGE_MILESTONE = {Stage.STARTED: "开工", Stage.COMPLETED: "竣工验收", Stage.OPERATING: "投产"}


def _complete_stage_milestone(actor, project, to_stage, effective_on):
    """Moving the stage to 开工/竣工/投产 completes the matching open milestone with the stage date."""
    name = STAGE_MILESTONE.get(to_stage)
    if not name:
        return None
    milestone = project.milestones.filter(name=name, actual_date__isnull=True).order_by("seq").first()
    if milestone is None:
        return None
    milestone.actual_date = effective_on
    milestone.save(update_fields=["actual_date"])
    audit_record(actor, "milestone.update", milestone, changes={"actual_date": [None, effective_on]},
                 detail=f"阶段变更为“{Stage(to_stage).label}”")
    return milestone


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


def may_replan(actor, project):
    """Whether the actor approves plan adjustments of ``project``'s milestones (the project office)."""
    return may_act_on(actor, "project.replan", project)


@transaction.atomic
def milestone_update(*, actor, milestone, planned_date=None, actual_date=None, note=None, reason=""):
    """Record completion of a milestone and/or ask to move its plan date.

    A plan change is a :class:`MilestoneReplan` request with a reason: approved at once when the actor holds
    ``project.replan`` (the project office), else left pending for it (a township proposes). The baseline
    never moves, so neither does the flag. Completed milestones cannot be re-planned.
    Returns the milestone (its plan unchanged while a request is pending).
    """
    _require(actor, "project.edit", milestone.project)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    changes = {}
    today = timezone.localdate()
    replan = None
    if planned_date and planned_date != milestone.planned_date:
        if milestone.actual_date is not None or actual_date:
            raise ValidationError({"planned_date": "已完成的节点不能调整计划。"})
        if not reason.strip():
            raise ValidationError({"reason": "调整节点计划须说明原因。"})
        if milestone.replans.filter(status=ReplanStatus.PENDING).exists():
            raise ValidationError({"planned_date": "该节点已有待审批的计划调整，请等待项目办审批。"})
        replan = MilestoneReplan.objects.create(
            milestone=milestone, from_date=milestone.planned_date, proposed_date=planned_date, reason=reason.strip(),
            proposed_by=actor.person, proposed_at=timezone.now())
        audit_record(actor, "milestone.replan_propose", replan,
                     changes={"planned_date": [milestone.planned_date, planned_date]}, detail=reason)
    if actual_date is not None and actual_date != milestone.actual_date:
        if actual_date > today:
            raise ValidationError({"actual_date": "完成日期不能晚于今天。"})
        changes["actual_date"] = [milestone.actual_date, actual_date]
        milestone.actual_date = actual_date
    if note is not None:
        milestone.note = note
    milestone.full_clean()
    milestone.save()
    if changes or note is not None:
        audit_record(actor, "milestone.update", milestone, changes=changes, detail=reason)
    if replan is not None and may_replan(actor, milestone.project):
        milestone = _replan_decide(actor, replan, milestone, approve=True, comment="")
    return milestone


def _replan_decide(actor, replan, milestone, *, approve, comment):
    replan.status = ReplanStatus.APPROVED if approve else ReplanStatus.REJECTED
    replan.decided_by = actor.person
    replan.decided_at = timezone.now()
    replan.decision_comment = comment.strip()
    replan.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
    if approve:
        milestone.planned_date = replan.proposed_date
        milestone.replan_count += 1
        milestone.save(update_fields=["planned_date", "replan_count"])
    audit_record(actor, "milestone.replan_approve" if approve else "milestone.replan_reject", replan,
                 changes={"planned_date": [replan.from_date, replan.proposed_date]} if approve else {},
                 detail=comment or replan.reason)
    return milestone


@transaction.atomic
def milestone_replan_decide(*, actor, replan, approve, comment=""):
    """The project office approves (the plan date moves) or rejects (须写意见) a pending plan adjustment."""
    replan = MilestoneReplan.objects.select_for_update().select_related("milestone__project").get(pk=replan.pk)
    _require(actor, "project.replan", replan.milestone.project, "您无权审批节点计划调整。")
    if replan.status != ReplanStatus.PENDING:
        raise ValidationError("该计划调整已审批。")
    milestone = Milestone.objects.select_for_update().get(pk=replan.milestone_id)
    if approve and milestone.actual_date is not None:
        raise ValidationError("节点已完成，不能再调整计划。")
    if not approve and not comment.strip():
        raise ValidationError({"comment": "驳回须填写意见。"})
    _replan_decide(actor, replan, milestone, approve=approve, comment=comment)
    return replan


# --- Progress reports -------------------------------------------------------------------------

def report_deadline(period, rules):
    """The last day ``period`` can be filed on time under ``rules`` (the fill-in window)."""
    return window_closes(period, rules.report_window_days)


def first_report_period(project, rules):
    """The project's first reporting period (起报期间): earlier periods are 补录, never late or missing."""
    return period_containing(rules.report_frequency, project.reporting_from)


def earliest_report_period(project, rules):
    """The first period a report may be filed for: the one the project started in (开工), or — for a project
    without a start date — its first reporting period. Periods before ``first_report_period`` are 补录."""
    if project.actual_start:
        return period_containing(rules.report_frequency, project.actual_start)
    return first_report_period(project, rules)


def open_report_period(rules, today=None):
    """The period whose fill-in window is open today: the last one ended while its window runs, else the
    current one."""
    today = today or timezone.localdate()
    current = period_containing(rules.report_frequency, today)
    previous = current.previous()
    return previous if today <= report_deadline(previous, rules) else current


def fileable_periods(project, rules, today=None):
    """Periods the form offers, newest first: from ``earliest_report_period`` to the current period, without
    the ones already accepted (审核通过的期间不能再改)."""
    from zoneops.core.periods import periods_between

    today = today or timezone.localdate()
    first = earliest_report_period(project, rules)
    accepted = set(project.reports.filter(status=ReportStatus.ACCEPTED).values_list("period_key", flat=True))
    periods = [p for p in periods_between(rules.report_frequency, first.start, today) if p.key not in accepted]
    return periods[::-1]


def progress_report_submit(*, actor, project, photos=(), **fields):
    """File (or re-file a returned) report for one period. Cumulative figures are derived elsewhere.

    Photos are decoded and resized first, outside the transaction: on SQLite the transaction holds
    the write lock from its first statement, and decoding takes seconds (docs/benchmarks.md).
    """
    _require(actor, "project.report", project, "您无权填报该项目的进度。")
    processed = process_photos(list(photos))
    return _progress_report_save(actor=actor, project=project, processed=processed, **fields)


@transaction.atomic
def _progress_report_save(*, actor, project, period_key, invested, progress_text, percent, workers=0,
                          processed=(), expected_version=None):
    _require(actor, "project.report", project, "您无权填报该项目的进度。")
    rules = ProjectRules.for_unit(project.responsible_unit)
    try:
        period = parse_period(period_key)
    except ValueError as error:
        raise ValidationError({"period_key": str(error)}) from None
    if period.kind != rules.report_frequency:
        raise ValidationError({"period_key": f"本区按“{rules.get_report_frequency_display()}”填报。"})
    today = timezone.localdate()
    if period.start > today:
        raise ValidationError({"period_key": "不能填报未来期间。"})
    if project.stage not in FILING_STAGES:
        raise ValidationError({"period_key": f"“{project.get_stage_display()}”阶段的项目不需要填报进度。"})
    if period.start < earliest_report_period(project, rules).start:
        raise ValidationError({"period_key": "该期间早于项目开工（或起报期间），不能填报。"})
    if invested is None or invested < 0:
        raise ValidationError({"invested": "本期完成投资不能为负数。"})
    now = timezone.now()
    backfill = is_backfill(period, first_report_period(project, rules))
    report = ProgressReport.objects.select_for_update().filter(project=project, period_key=period.key).first()
    fields = {"invested": invested, "progress_text": progress_text, "percent": percent, "workers": workers,
              "status": ReportStatus.SUBMITTED, "submitted_at": now, "submitted_by": actor.person,
              "is_late": not backfill and today > report_deadline(period, rules), "is_backfill": backfill}
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
        ProgressReportRevision.objects.create(
            report=report, version=report.version, invested=report.invested, progress_text=report.progress_text,
            percent=report.percent, workers=report.workers, status=report.status, submitted_at=report.submitted_at,
            submitted_by=report.submitted_by, review_comment=report.review_comment, replaced_at=now,
            replaced_by=actor.person)
        for name, value in fields.items():
            setattr(report, name, value)
        report.save_versioned(expected_version=expected_version, fields=list(fields))
        action = "report.resubmit"
    if processed and report.photos.count() + len(processed) > settings.ZONEOPS_PHOTO_MAX_PER_REPORT:
        raise ValidationError({"photos": f"每期填报最多{settings.ZONEOPS_PHOTO_MAX_PER_REPORT}张照片，"
                                         f"已有{report.photos.count()}张。"})
    for content, taken_at, width, height in processed:
        photo = ReportPhoto(report=report, taken_at=taken_at, width=width, height=height)
        photo.image.save(content.name, content, save=False)
        photo.save()
    audit_record(actor, action, report, changes={"invested": invested, "percent": percent,
                                                 "photos": len(processed), "late": fields["is_late"],
                                                 "backfill": backfill})
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
    report.save_versioned(expected_version=UNCHECKED, fields=["status", "reviewed_by", "review_comment"])
    audit_record(actor, "report.accept" if accept else "report.return", report, detail=comment)
    return report


@transaction.atomic
def progress_report_review_batch(*, actor, reports, accept, comment=""):
    """Accept or return many reports at once (批量审核): every row is checked first, then all are written in
    one transaction, one audit row each. One bad row (not submitted, outside the actor's scope) writes none."""
    if not accept and not comment.strip():
        raise ValidationError({"comment": "退回须填写意见。"})
    ids = [report.pk for report in reports]
    if not ids:
        raise ValidationError("请选择要审核的填报。")
    rows = list(ProgressReport.objects.select_for_update().filter(pk__in=ids).select_related("project"))
    denied = [report for report in rows if not may_act_on(actor, "project.review", report.project)]
    if denied:
        raise PermissionDenied(f"您无权审核“{denied[0].project.name}”的进度。")
    problems = []
    for report in rows:
        if report.status != ReportStatus.SUBMITTED:
            problems.append(f"{report.project.name} {report.period_key}：{report.get_status_display()}，不能审核")
    if len(rows) != len(set(ids)):
        problems.append("部分填报不存在或已删除")
    if problems:
        raise ValidationError(problems)
    for report in rows:
        progress_report_review(actor=actor, report=report, accept=accept, comment=comment)
    return rows


# --- Statistics inclusion, approvals and rules ----------------------------------------------

def _reached_stats(project):
    """At or past 纳统 on the main line: the project carries its 纳统 date."""
    return project.in_stats_on is not None


def _included(project):
    """A new 入库纳统 row for a project that has reached 纳统: 已入库 on its 纳统 date."""
    day = project.in_stats_on
    return StatsInclusion(project=project, planned_year=day.year, planned_quarter=(day.month - 1) // 3 + 1,
                          status=StatsStatus.INCLUDED, included_on=day)


def stats_follow_stage(*, actor, project):
    """Keep the inclusion in line with the project's stage: 已入库 ⇔ the project has a 纳统 date, and
    included_on = in_stats_on. Called by every write that moves either side."""
    stats = StatsInclusion.objects.filter(project=project).first()
    if _reached_stats(project):
        if stats and stats.status == StatsStatus.INCLUDED and stats.included_on == project.in_stats_on:
            return stats
        stats = stats or _included(project)
        before = [stats.status, stats.included_on]
        stats.status, stats.included_on = StatsStatus.INCLUDED, project.in_stats_on
    elif stats and stats.status == StatsStatus.INCLUDED:
        before = [stats.status, stats.included_on]
        stats.status, stats.included_on = StatsStatus.SUBMITTED, None
    else:
        return stats
    stats.full_clean()
    stats.save()
    audit_record(actor, "stats.follow_stage", project,
                 changes={"stats": [before, [stats.status, stats.included_on]]})
    return stats


@transaction.atomic
def stats_inclusion_save(*, actor, project, planned_year, planned_quarter, status, documents, included_on=None,
                         note=""):
    """Plan or record a project's 入库纳统. Marking it 已入库 brings the project to 纳统 on the inclusion date
    (or moves its 纳统 date there); a project at or past 纳统 cannot be marked anything but 已入库."""
    _require(actor, "project.edit", project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if status == StatsStatus.INCLUDED:
        if not included_on:
            raise ValidationError({"included_on": "已入库须填写入库日期。"})
        if included_on > timezone.localdate():
            raise ValidationError({"included_on": "入库日期不能晚于今天。"})
        if project.stage in (Stage.CANCELLED, Stage.SUSPENDED) and not _reached_stats(project):
            raise ValidationError({"status": f"“{project.get_stage_display()}”的项目不能登记入库。"})
        if not _reached_stats(project) and _stage_index(project.stage) < _stage_index(Stage.IN_STATS):
            project = project_change_stage(actor=actor, project=project, to_stage=Stage.IN_STATS,
                                           reason="登记入库纳统", effective_on=included_on)
        elif project.in_stats_on != included_on:
            audit_record(actor, "project.in_stats_on", project, changes={"in_stats_on": [project.in_stats_on,
                                                                                        included_on]})
            project.in_stats_on = included_on
            project.save_versioned(expected_version=UNCHECKED, fields=["in_stats_on"])
    else:
        if _reached_stats(project):
            raise ValidationError({"status": f"项目已于{project.in_stats_on:%Y年%m月%d日}纳统，状态只能是“已入库”；"
                                             "如确属误报，请先回退项目阶段。"})
        included_on = None  # only an inclusion has a date
    stats, _ = StatsInclusion.objects.get_or_create(
        project=project, defaults={"planned_year": planned_year, "planned_quarter": planned_quarter})
    before = {"status": stats.status, "planned": f"{stats.planned_year}Q{stats.planned_quarter}"}
    stats.planned_year, stats.planned_quarter, stats.status = planned_year, planned_quarter, status
    stats.documents = {name: bool(documents.get(name)) for name in stats.documents} | {
        name: bool(value) for name, value in documents.items() if name in stats.documents}
    stats.included_on, stats.note = included_on, note
    stats.full_clean()
    stats.save()
    audit_record(actor, "stats.save", project, changes={"before": before, "status": status,
                                                         "planned": f"{planned_year}Q{planned_quarter}",
                                                         "included_on": included_on})
    return stats


def _require_rules(actor, message="您无权维护节点模板。"):
    """The zone's rules (thresholds, targets, templates) need project.rules."""
    if not actor.is_system and not has_permission(actor.person, "project.rules"):
        raise PermissionDenied(message)


@transaction.atomic
def stats_target_save(*, actor, unit, year, quarter, target_count):
    """A unit's 开工纳统 target for a quarter (one per unit, year and quarter)."""
    _require_rules(actor, "您无权维护纳统计划。")
    _require(actor, "project.rules", unit, "您无权为该单位设定纳统目标。")
    target, _ = StatsQuarterTarget.objects.update_or_create(unit=unit, year=year, quarter=quarter,
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


def may_edit_rules(actor, unit):
    """``project.rules`` reaching ``unit``; the platform default (``unit=None``) needs it over every top unit."""
    from zoneops.org.models import Unit

    if unit is not None:
        return may_act_on(actor, "project.rules", unit)
    if actor.is_system:
        return True
    tops = Unit.objects.filter(parent__isnull=True)
    return tops.restrict(actor.person, "project.rules").count() == tops.count()


RULE_FIELDS = tuple(f.name for f in ProjectRules._meta.fields if f.name not in ("id", "unit"))


@transaction.atomic
def rules_update(*, actor, unit=None, **fields):
    """Set the project rules of ``unit`` (None: the platform default). A unit without rules of its own
    gets a row starting from what it inherits, so only what is changed differs from its parent's."""
    if not may_edit_rules(actor, unit):
        raise PermissionDenied("您无权修改该单位的项目规则。")
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError(f"未知规则：{'、'.join(sorted(unknown))}。")
    if unit is None:
        rules = ProjectRules.current()
    else:
        rules = ProjectRules.objects.filter(unit=unit).first()
        if rules is None:
            inherited = ProjectRules.for_unit(unit)
            rules = ProjectRules(unit=unit, **{name: getattr(inherited, name) for name in RULE_FIELDS})
    before = {name: getattr(rules, name) for name in fields}
    for name, value in fields.items():
        setattr(rules, name, value)
    rules.full_clean()
    rules.save()
    audit_record(actor, "projects.rules", rules,
                 changes={name: [before[name], value] for name, value in fields.items() if before[name] != value})
    return rules


@transaction.atomic
def rules_inherit(*, actor, unit):
    """Drop ``unit``'s own rules: it follows its parent's (nearest ancestor's, or the default) again."""
    if not may_edit_rules(actor, unit):
        raise PermissionDenied("您无权修改该单位的项目规则。")
    rules = ProjectRules.objects.filter(unit=unit).first()
    if rules is not None:
        audit_record(actor, "projects.rules_inherit", rules,
                     changes={name: getattr(rules, name) for name in RULE_FIELDS})
        rules.delete()


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
