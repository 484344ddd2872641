"""督办调度 over JSON: the same scoped selectors and services as the pages."""

from datetime import date, datetime

from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from zoneops.api.pagination import BoundedPagination, Id
from zoneops.audit.context import Actor
from zoneops.dispatch import selectors, services
from zoneops.dispatch.choices import DecisionKind, MeetingKind, MeetingStatus, TaskSource, TaskStatus
from zoneops.dispatch.models import AgendaItem, Decision
from zoneops.dispatch.workflow import TASK_MACHINE
from zoneops.org.models import Person, Unit
from zoneops.org.scope import require_permission
from zoneops.problems.models import Problem
from zoneops.projects.models import Project

router = Router(tags=["督办调度"])


# --- 督办事项 --------------------------------------------------------------------------------------------------

class TaskOut(Schema):
    id: int
    title: str
    instruction: str
    source: str
    source_label: str
    issuing_unit_id: int
    issuing_unit_name: str = Field(alias="issuing_unit.name")
    issued_by_id: int | None
    owner_unit_id: int
    owner_unit_name: str = Field(alias="owner_unit.name")
    owner_person_id: int | None
    issued_on: date
    due_date: date
    deadline_state: str
    project_id: int | None
    problem_id: int | None
    decision_id: int | None
    meeting_id: int | None
    status: str
    status_label: str
    return_reason: str
    result: str
    closed_on: date | None

    @staticmethod
    def resolve_source_label(obj):
        return obj.get_source_display()

    @staticmethod
    def resolve_deadline_state(obj):
        return obj.deadline_state().value

    @staticmethod
    def resolve_meeting_id(obj):
        return obj.decision.meeting_id if obj.decision_id else None

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class TaskIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    instruction: str = Field(min_length=1, max_length=2000, description="批示或决定内容")
    owner_unit_id: Id
    owner_person_id: Id | None = Field(None, description="责任人（须是责任单位的人员）")
    due_date: date = Field(description="办结时限")
    issuing_unit_id: Id | None = Field(None, description="交办单位，空为本人所在单位")
    source: TaskSource = TaskSource.INSTRUCTION
    project_id: Id | None = None
    problem_id: Id | None = None


class TaskTransitionIn(Schema):
    to_status: TaskStatus = Field(description="目标状态。允许的变更：" + "；".join(
        f"{TASK_MACHINE.label(m.source)}→{TASK_MACHINE.label(m.target)}"
        + ("（须说明原因）" if m.reason else "") for m in TASK_MACHINE.transitions))
    reason: str = Field("", max_length=1000, description="退回原因、办结情况或不同意办结的原因")
    owner_unit_id: Id | None = Field(None, description="重新交办时可改派的责任单位")
    owner_person_id: Id | None = Field(None, description="重新交办时的责任人")
    due_date: date | None = Field(None, description="重新交办时的办结时限")


class TaskTransitionOut(Schema):
    from_state: str
    to_state: str
    from_label: str
    to_label: str
    reason: str
    actor_id: int | None
    at: datetime


class TaskEventOut(Schema):
    kind: str
    text: str
    actor_id: int | None
    at: datetime


class TaskNoteIn(Schema):
    text: str = Field(min_length=1, max_length=1000)


class TaskQuery(Schema):
    status: TaskStatus | None = None


def _task(request, task_id):
    return selectors.task_get(user=request.user, pk=task_id)


def _member(unit, person_id):
    """A person of ``unit`` (the unit was resolved through the caller's scope); 404 for anyone else."""
    return Person.objects.filter(unit=unit, is_active=True).get(pk=person_id) if person_id else None


@router.get("/tasks", response=list[TaskOut], summary="督办事项（按数据范围）")
@paginate(BoundedPagination)
def task_list(request, query: Query[TaskQuery]):
    require_permission(request.user, "task.view")
    rows = selectors.task_list(user=request.user)
    return rows.filter(status=query.status) if query.status else rows


@router.post("/tasks", response={201: TaskOut}, summary="交办督办事项")
def task_create(request, payload: TaskIn):
    require_permission(request.user, "task.issue")
    owner_unit = selectors.assignable_units(request.user).get(pk=payload.owner_unit_id)
    task = services.task_issue(
        actor=Actor.from_request(request), title=payload.title, instruction=payload.instruction,
        owner_unit=owner_unit, owner_person=_member(owner_unit, payload.owner_person_id), due_date=payload.due_date,
        issuing_unit=(Unit.objects.restrict(request.user, "task.issue").get(pk=payload.issuing_unit_id)
                      if payload.issuing_unit_id else None),
        source=payload.source,
        project=(Project.objects.restrict(request.user, "project.view").get(pk=payload.project_id)
                 if payload.project_id else None),
        problem=(Problem.objects.restrict(request.user, "problem.view").get(pk=payload.problem_id)
                 if payload.problem_id else None))
    return Reply(201, _task(request, task.pk))


@router.get("/tasks/{task_id}", response=TaskOut, summary="督办事项详情")
def task_detail(request, task_id: Id):
    return _task(request, task_id)


@router.post("/tasks/{task_id}/transitions", response=TaskOut,
             summary="督办事项流转（办理、退回、重新交办、申请办结、办结）")
def task_transition(request, task_id: Id, payload: TaskTransitionIn):
    task = _task(request, task_id)
    owner_unit = (selectors.assignable_units(request.user).get(pk=payload.owner_unit_id)
                  if payload.owner_unit_id else None)
    services.task_transition(actor=Actor.from_request(request), task=task, to_status=payload.to_status,
                             reason=payload.reason, owner_unit=owner_unit,
                             owner_person=_member(owner_unit or task.owner_unit, payload.owner_person_id),
                             due_date=payload.due_date)
    return _task(request, task_id)


@router.get("/tasks/{task_id}/transitions", response=list[TaskTransitionOut], summary="状态变更记录")
def task_transitions(request, task_id: Id):
    return TASK_MACHINE.history(_task(request, task_id))


@router.get("/tasks/{task_id}/timeline", response=list[TaskEventOut], summary="督办动态（每一次变更和办理进展）")
def task_timeline(request, task_id: Id):
    return selectors.task_timeline(_task(request, task_id))


@router.post("/tasks/{task_id}/notes", response={201: TaskEventOut}, summary="填写办理进展")
def task_note(request, task_id: Id, payload: TaskNoteIn):
    event = services.task_note(actor=Actor.from_request(request), task=_task(request, task_id), text=payload.text)
    return Reply(201, event)


# --- 调度会 ---------------------------------------------------------------------------------------------------

class MeetingOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    held_on: date
    place: str
    chair_id: int | None
    status: str
    status_label: str
    summary: str
    minutes_at: datetime | None

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class AgendaItemOut(Schema):
    id: int
    seq: int
    kind: str
    kind_label: str
    title: str
    detail: str
    unit_id: int | None
    project_id: int | None
    problem_id: int | None
    task_id: int | None

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()


class DecisionOut(Schema):
    id: int
    seq: int
    kind: str
    kind_label: str
    text: str
    agenda_item_id: int | None
    owner_unit_id: int
    owner_unit_name: str = Field(alias="owner_unit.name")
    due_date: date | None
    problem_id: int | None
    task_id: int | None = Field(description="由该决定形成的督办事项")

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_task_id(obj):
        task = getattr(obj, "task", None)  # the reverse one-to-one raises an AttributeError when absent
        return task.pk if task is not None else None


class AttendeeOut(Schema):
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    person_id: int | None
    present: bool
    note: str


class MeetingDetailOut(MeetingOut):
    agenda: list[AgendaItemOut] = Field(alias="visible_agenda", description="调用者可见的议题")
    decisions: list[DecisionOut] = Field(alias="visible_decisions", description="调用者可见的会议决定")
    attendees: list[AttendeeOut] = Field(alias="visible_attendees", description="调用者可见的参会单位")


class MeetingIn(Schema):
    kind: MeetingKind = MeetingKind.WEEKLY
    title: str = Field(min_length=1, max_length=200)
    unit_id: Id = Field(description="组织单位")
    held_on: date
    place: str = Field("", max_length=200)
    chair_id: Id | None = Field(None, description="主持人")


class MeetingQuery(Schema):
    status: MeetingStatus | None = None
    kind: MeetingKind | None = None


class AgendaIn(Schema):
    title: str = Field(min_length=1, max_length=300)
    detail: str = Field("", max_length=1000)
    unit_id: Id | None = Field(None, description="涉及单位")


class AttendeeIn(Schema):
    unit_id: Id
    person_id: Id | None = Field(None, description="参会人（须是该单位的人员）")
    present: bool = True
    note: str = Field("", max_length=200, description="如请假事由、代会人")


class AttendanceIn(Schema):
    rows: list[AttendeeIn] = Field(max_length=200, description="参会单位（整体替换原名单）")


class DecisionIn(Schema):
    kind: DecisionKind = Field(DecisionKind.TASK, description="形成督办事项，或针对问题议题的办理意见")
    text: str = Field(min_length=1, max_length=1000)
    agenda_item_id: Id | None = None
    owner_unit_id: Id | None = Field(None, description="责任单位（形成督办事项时必填）")
    owner_person_id: Id | None = None
    due_date: date | None = Field(None, description="办结时限（形成督办事项时必填）")


class HoldIn(Schema):
    summary: str = Field("", max_length=4000)


def _meeting(request, meeting_id):
    return selectors.meeting_get(user=request.user, pk=meeting_id)


def _detail(request, meeting_id):
    """The meeting with what of its agenda, decisions and attendance the caller may see."""
    meeting = _meeting(request, meeting_id)
    meeting.visible_agenda = selectors.agenda_for(meeting, user=request.user)
    meeting.visible_decisions = selectors.decisions_for(meeting, user=request.user)
    meeting.visible_attendees = selectors.attendees_for(meeting, user=request.user)
    return meeting


@router.get("/meetings", response=list[MeetingOut], summary="调度会（按数据范围）")
@paginate(BoundedPagination)
def meeting_list(request, query: Query[MeetingQuery]):
    require_permission(request.user, "meeting.view")
    rows = selectors.meeting_list(user=request.user)
    if query.status:
        rows = rows.filter(status=query.status)
    return rows.filter(kind=query.kind) if query.kind else rows


@router.post("/meetings", response={201: MeetingDetailOut}, summary="新建调度会（自动生成议程）")
def meeting_create(request, payload: MeetingIn):
    require_permission(request.user, "meeting.manage")
    meeting = services.meeting_create(
        actor=Actor.from_request(request), kind=payload.kind, title=payload.title,
        unit=Unit.objects.restrict(request.user, "meeting.manage").get(pk=payload.unit_id),
        held_on=payload.held_on, place=payload.place,
        chair=(Person.objects.restrict(request.user, "meeting.manage").get(pk=payload.chair_id, is_active=True)
               if payload.chair_id else None))
    return Reply(201, _detail(request, meeting.pk))


@router.get("/meetings/{meeting_id}", response=MeetingDetailOut, summary="调度会详情（议程、决定、出席）")
def meeting_detail(request, meeting_id: Id):
    return _detail(request, meeting_id)


@router.post("/meetings/{meeting_id}/decisions", response={201: DecisionOut},
             summary="记录会议决定（形成督办事项或问题办理意见）")
def meeting_decision(request, meeting_id: Id, payload: DecisionIn):
    meeting = _meeting(request, meeting_id)
    owner_unit = (selectors.assignable_units(request.user).get(pk=payload.owner_unit_id)
                  if payload.owner_unit_id else None)
    decision = services.decision_record(
        actor=Actor.from_request(request), meeting=meeting, text=payload.text, kind=payload.kind,
        owner_unit=owner_unit, owner_person=_member(owner_unit, payload.owner_person_id) if owner_unit else None,
        due_date=payload.due_date,
        agenda_item=(AgendaItem.objects.restrict(request.user, "meeting.view").filter(meeting=meeting)
                     .get(pk=payload.agenda_item_id) if payload.agenda_item_id else None))
    return Reply(201, Decision.objects.restrict(request.user, "meeting.view").select_related("owner_unit", "task")
                 .get(pk=decision.pk))


@router.put("/meetings/{meeting_id}/attendance", response=list[AttendeeOut], summary="登记参会单位和出席情况")
def meeting_attendance(request, meeting_id: Id, payload: AttendanceIn):
    meeting = _meeting(request, meeting_id)
    units = Unit.objects.restrict(request.user, "unit.view")
    rows = []
    for row in payload.rows:
        unit = units.get(pk=row.unit_id)
        rows.append({"unit": unit, "person": _member(unit, row.person_id), "present": row.present, "note": row.note})
    return services.attendance_save(actor=Actor.from_request(request), meeting=meeting, rows=rows)


@router.post("/meetings/{meeting_id}/agenda", response={201: AgendaItemOut}, summary="增加议题")
def meeting_agenda_add(request, meeting_id: Id, payload: AgendaIn):
    item = services.agenda_add(
        actor=Actor.from_request(request), meeting=_meeting(request, meeting_id), title=payload.title,
        detail=payload.detail,
        unit=Unit.objects.restrict(request.user, "unit.view").get(pk=payload.unit_id) if payload.unit_id else None)
    return Reply(201, item)


@router.post("/meetings/{meeting_id}/agenda/refresh", response=MeetingDetailOut, summary="按当前数据重新生成议程")
def meeting_agenda_refresh(request, meeting_id: Id):
    services.agenda_refresh(actor=Actor.from_request(request), meeting=_meeting(request, meeting_id))
    return _detail(request, meeting_id)


@router.post("/meetings/{meeting_id}/hold", response=MeetingDetailOut, summary="会议召开（生成会议纪要）")
def meeting_hold(request, meeting_id: Id, payload: HoldIn):
    services.meeting_hold(actor=Actor.from_request(request), meeting=_meeting(request, meeting_id),
                          summary=payload.summary)
    return _detail(request, meeting_id)
