"""Every write of 督办调度: validated, one transaction, audited, on the timeline, notified.

Tasks (督办事项) move on :data:`zoneops.dispatch.workflow.TASK_MACHINE`. A meeting (调度会) is created
with its agenda built from the data (:func:`zoneops.dispatch.selectors.agenda_candidates`); during the
meeting its attendance and decisions are recorded, each decision becoming a task or a problem's progress
note; holding it generates the minutes (.docx and .pdf) in the worker, kept with the meeting.
"""

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from zoneops.audit.services import audit_record
from zoneops.core.errors import PermissionDenied, ValidationError
from zoneops.core.workflow import StateMachine, Transition
from zoneops.dispatch import selectors
from zoneops.dispatch.choices import (
    AgendaKind,
    DecisionKind,
    MeetingKind,
    MeetingStatus,
    TaskEventKind,
    TaskSource,
    TaskStatus,
)
from zoneops.dispatch.models import AgendaItem, Decision, Meeting, MeetingAttendee, Task, TaskEvent
from zoneops.dispatch.workflow import TASK_MACHINE
from zoneops.notifications.models import Kind
from zoneops.notifications.services import notify
from zoneops.org.scope import may_act_on
from zoneops.org.selectors import people_who_may


def _people(unit, person=None):
    """Who is told about a task of ``unit``: its people (and ``person``) whose task.view reaches the unit."""
    return people_who_may(unit, "task.view", extra=[person] if person is not None else [])


def _task_url(task):
    return reverse("dispatch:task_detail", args=[task.pk])


def _event(task, kind, text, actor):
    return TaskEvent.objects.create(task=task, kind=kind, text=text[:1000], actor=getattr(actor, "person", None))


# --- 督办事项 --------------------------------------------------------------------------------------------------

def _check_owner(actor, owner_unit, owner_person, errors):
    if not actor.is_system and owner_unit not in selectors.assignable_units(actor.person):
        errors["owner_unit"] = "不能交办给该单位。"
    if owner_person is not None and owner_person.unit_id != owner_unit.pk:
        errors["owner_person"] = "责任人须是责任单位的人员。"


def task_issue(*, actor, title, instruction, owner_unit, due_date, issuing_unit=None, owner_person=None,
               project=None, problem=None, source=TaskSource.INSTRUCTION, issued_on=None, decision=None):
    """Hand a 督办事项 to ``owner_unit`` (已交办), due on ``due_date``. The issuing unit defaults to the
    actor's own; the actor's ``task.issue`` grant must reach it."""
    issuing_unit = issuing_unit or getattr(actor.person, "unit", None)
    if issuing_unit is None:
        raise ValidationError({"issuing_unit": "请指定交办单位。"})
    if not actor.is_system and not may_act_on(actor, "task.issue", issuing_unit):
        raise PermissionDenied("您无权以该单位名义交办督办事项。")
    if project is not None and not actor.is_system and not may_act_on(actor, "project.view", project):
        raise PermissionDenied("您无权查看该项目。")
    if problem is not None and not actor.is_system and not may_act_on(actor, "problem.view", problem):
        raise PermissionDenied("您无权查看该问题。")
    issued_on = issued_on or timezone.localdate()
    errors = {}
    if not (title or "").strip():
        errors["title"] = "请填写督办事项。"
    if not (instruction or "").strip():
        errors["instruction"] = "请填写批示或决定内容。"
    if due_date is None:
        errors["due_date"] = "请填写办结时限。"
    elif due_date < issued_on:
        errors["due_date"] = "办结时限不能早于交办日期。"
    if source not in TaskSource.values:
        errors["source"] = "未知的督办来源。"
    _check_owner(actor, owner_unit, owner_person, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        task = Task.objects.create(
            title=title.strip()[:200], instruction=instruction.strip()[:2000], source=source,
            issuing_unit=issuing_unit, issued_by=actor.person, owner_unit=owner_unit, owner_person=owner_person,
            issued_on=issued_on, due_date=due_date, project=project, problem=problem, decision=decision)
        audit_record(actor, "task.issue", task, changes={"owner_unit": owner_unit.name,
                                                         "due_date": due_date.isoformat()})
        _event(task, TaskEventKind.ISSUED, f"{issuing_unit.name}交办{owner_unit.name}"
                                           f"{'（' + owner_person.name + '）' if owner_person else ''}，"
                                           f"{due_date:%Y-%m-%d}前办结。", actor)
        notify(_people(owner_unit, owner_person), kind=Kind.ASSIGNED, key=f"task:{task.pk}:issued",
               url=_task_url(task), units=[owner_unit], title=f"督办事项：{task.title}",
               body=f"请于{due_date:%Y-%m-%d}前办结。{task.instruction[:200]}")
    return task


def task_transition(*, actor, task, to_status, reason="", owner_unit=None, owner_person=None, due_date=None,
                    on=None):
    """Move a task along its machine. Handing a returned task again may name another owner unit, person
    and deadline; 申请办结 takes ``reason`` as the 办结情况. ``on``: the day it happened (default today)."""
    with transaction.atomic():
        task = Task.objects.select_for_update(of=("self",)).select_related(
            "owner_unit", "issuing_unit", "owner_person").get(pk=task.pk)
        move = TASK_MACHINE.check(task.status, to_status, reason)
        TASK_MACHINE.authorize(actor, move, task)
        today = on or timezone.localdate()
        reason = (reason or "").strip()
        fields = ["status"]
        if to_status == TaskStatus.RETURNED:
            task.return_reason = reason[:500]
            fields.append("return_reason")
        if to_status == TaskStatus.ASSIGNED and (owner_unit or due_date):
            errors = {}
            owner_unit = owner_unit or task.owner_unit
            _check_owner(actor, owner_unit, owner_person, errors)
            if due_date is not None and due_date < today:
                errors["due_date"] = "办结时限不能早于今天。"
            if errors:
                raise ValidationError(errors)
            task.owner_unit, task.owner_person = owner_unit, owner_person
            task.due_date = due_date or task.due_date
            fields += ["owner_unit", "owner_person", "due_date"]
        if to_status == TaskStatus.DONE_REQUESTED:
            task.result = reason[:1000]
            fields.append("result")
        if to_status == TaskStatus.CLOSED:
            task.closed_on = today
            fields.append("closed_on")
        task.status = to_status
        task.save(update_fields=fields)
        TASK_MACHINE.record(task, move, actor=actor, reason=reason, effective_on=today, audit_action="task.transition")
        text = f"{TASK_MACHINE.label(move.source)} → {TASK_MACHINE.label(move.target)}"
        if to_status == TaskStatus.ASSIGNED:
            text += f"（{task.owner_unit.name}，{task.due_date:%Y-%m-%d}前）"
        _event(task, TaskEventKind.STATE, text + (f"：{reason}" if reason else ""), actor)
        _notify_transition(task, to_status, reason)
    return task


def _notify_transition(task, to_status, reason):
    key = f"task:{task.pk}:{to_status}:{TASK_MACHINE.history_queryset(task).count()}"
    issuer = [task.issued_by] if task.issued_by_id else []
    if to_status == TaskStatus.ASSIGNED:
        notify(_people(task.owner_unit, task.owner_person), kind=Kind.ASSIGNED, key=key, url=_task_url(task),
               units=[task.owner_unit], title=f"督办事项：{task.title}", body=f"请于{task.due_date:%Y-%m-%d}前办结。")
    elif to_status == TaskStatus.RETURNED:
        notify(issuer, kind=Kind.RETURNED, key=key, url=_task_url(task), title=f"督办事项被退回：{task.title}",
               body=reason)
    elif to_status == TaskStatus.DONE_REQUESTED:
        notify(issuer, kind=Kind.CLOSE_REQUESTED, key=key, url=_task_url(task), title=f"申请办结待审核：{task.title}",
               body=reason)
    elif to_status == TaskStatus.CLOSED:
        notify(_people(task.owner_unit, task.owner_person), kind=Kind.CLOSED, key=key, url=_task_url(task),
               title=f"督办事项已办结：{task.title}")
    elif to_status == TaskStatus.HANDLING and task.issued_by_id:  # sent back to work by the issuer
        notify(_people(task.owner_unit, task.owner_person), kind=Kind.RETURNED, key=key, url=_task_url(task),
               title=f"办结未通过：{task.title}", body=reason)


def task_note(*, actor, task, text):
    """A progress note (办理进展) on the timeline, by the owner unit or the issuing side."""
    if not (text or "").strip():
        raise ValidationError({"text": "请填写办理进展。"})
    if task.status == TaskStatus.CLOSED:
        raise ValidationError({"text": "督办事项已办结。"})
    if not actor.is_system and not (may_act_on(actor, "task.handle", task.owner_unit)
                                    or may_act_on(actor, "task.issue", task.issuing_unit)):
        raise PermissionDenied("您无权操作该督办事项。")
    with transaction.atomic():
        audit_record(actor, "task.note", task, detail=text.strip()[:500])
        return _event(task, TaskEventKind.NOTE, text.strip(), actor)


def remind_due_tasks(*, today=None, within=2):
    """Due-soon and overdue reminders to the owner unit, at most one of each per task and day: the key
    names the day, so re-running (a restarted worker) neither loses nor repeats one."""
    today = today or timezone.localdate()
    sent = 0
    for task in (Task.objects.unscoped()  # unscoped: the worker's sweep over every unit
                 .filter(status__in=[TaskStatus.ASSIGNED, TaskStatus.HANDLING])
                 .select_related("owner_unit", "owner_person")):
        state = task.deadline.state(today, within=within)
        if state.value not in ("due_soon", "overdue"):
            continue
        kind = Kind.OVERDUE if state.value == "overdue" else Kind.DUE_SOON
        text = (f"已超期{task.deadline.overdue_by(today)}个工作日" if kind == Kind.OVERDUE
                else f"将于{task.due_date:%Y-%m-%d}到期")
        sent += len(notify(_people(task.owner_unit, task.owner_person), kind=kind, url=_task_url(task),
                           units=[task.owner_unit], key=f"task:{task.pk}:{kind}:{today.isoformat()}",
                           title=f"督办事项{text}：{task.title}"))
    return sent


# --- 调度会 ---------------------------------------------------------------------------------------------------

MEETING_MACHINE = StateMachine(
    name="meeting.status", states=MeetingStatus.choices, order=[MeetingStatus.PLANNED, MeetingStatus.HELD],
    final=[MeetingStatus.HELD], field="status",
    transitions=[Transition(MeetingStatus.PLANNED, MeetingStatus.HELD, "forward")],
    messages={"final": "会议已召开。", "same": "会议已召开。"})


def _require_manage(actor, meeting_or_unit, message="您无权组织该单位的调度会。"):
    unit = meeting_or_unit.unit if isinstance(meeting_or_unit, Meeting) else meeting_or_unit
    if not actor.is_system and not may_act_on(actor, "meeting.manage", unit):
        raise PermissionDenied(message)


def meeting_create(*, actor, kind, title, unit, held_on, place="", chair=None, today=None):
    """Create a meeting (筹备中) and build its agenda from the data of ``unit`` and below."""
    _require_manage(actor, unit)
    errors = {}
    if kind not in MeetingKind.values:
        errors["kind"] = "未知的会议类型。"
    if not (title or "").strip():
        errors["title"] = "请填写会议名称。"
    if held_on is None:
        errors["held_on"] = "请填写会议日期。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = Meeting.objects.create(kind=kind, title=title.strip()[:200], unit=unit, held_on=held_on,
                                         place=(place or "").strip()[:200], chair=chair, created_by=actor.person)
        audit_record(actor, "meeting.create", meeting, changes={"kind": kind, "held_on": held_on.isoformat()})
        _build_agenda(actor, meeting, today)
    return meeting


def _build_agenda(actor, meeting, today):
    """Replace the agenda items built from data; items added by hand stay, numbered after them."""
    candidates = selectors.agenda_candidates(meeting, user=actor.person, today=today)
    manual = list(meeting.agenda.filter(kind=AgendaKind.OTHER).order_by("seq", "pk"))
    meeting.agenda.exclude(kind=AgendaKind.OTHER).delete()
    rows = [AgendaItem(meeting=meeting, seq=i, **item) for i, item in enumerate(candidates, start=1)]
    AgendaItem.objects.bulk_create(rows)
    for i, item in enumerate(manual, start=len(rows) + 1):
        item.seq = i
    AgendaItem.objects.bulk_update(manual, ["seq"])
    return len(rows)


def agenda_refresh(*, actor, meeting, today=None):
    """Build the agenda again from today's data (only before the meeting is held)."""
    _require_manage(actor, meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError("会议已召开，议程不能再更新。")
    with transaction.atomic():
        count = _build_agenda(actor, meeting, today)
        audit_record(actor, "meeting.agenda_refresh", meeting, changes={"items": count})
    return count


def agenda_add(*, actor, meeting, title, detail="", unit=None):
    """An agenda item added by hand (其他议题)."""
    _require_manage(actor, meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError("会议已召开，议程不能再更新。")
    if not (title or "").strip():
        raise ValidationError({"title": "请填写议题。"})
    if unit is not None and not actor.is_system and not may_act_on(actor, "unit.view", unit):
        raise PermissionDenied("您无权选择该单位。")
    with transaction.atomic():
        seq = (meeting.agenda.aggregate(top=Max("seq"))["top"] or 0) + 1
        item = AgendaItem.objects.create(meeting=meeting, seq=seq, kind=AgendaKind.OTHER, title=title.strip()[:300],
                                         detail=(detail or "").strip()[:1000], unit=unit)
        audit_record(actor, "meeting.agenda_add", meeting, detail=item.title)
    return item


def attendance_save(*, actor, meeting, rows):
    """Set who was asked and who came: ``rows`` [{"unit", "person", "present", "note"}] replace the list."""
    _require_manage(actor, meeting)
    seen, errors = set(), {}
    for i, row in enumerate(rows):
        unit, person = row["unit"], row.get("person")
        if unit.pk in seen:
            errors[f"rows.{i}"] = f"{unit.name}重复。"
        seen.add(unit.pk)
        if not actor.is_system and not may_act_on(actor, "unit.view", unit):
            errors[f"rows.{i}"] = "您无权选择该单位。"
        if person is not None and person.unit_id != unit.pk:
            errors[f"rows.{i}"] = f"{person.name}不是{unit.name}的人员。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting.attendees.all().delete()
        MeetingAttendee.objects.bulk_create([
            MeetingAttendee(meeting=meeting, unit=row["unit"], person=row.get("person"),
                            present=row.get("present", True), note=(row.get("note") or "").strip()[:200])
            for row in rows])
        audit_record(actor, "meeting.attendance", meeting,
                     changes={"present": sum(1 for r in rows if r.get("present", True)), "asked": len(rows)})
    return list(meeting.attendees.select_related("unit", "person"))


def decision_record(*, actor, meeting, text, owner_unit=None, kind=DecisionKind.TASK, due_date=None,
                    agenda_item=None, owner_person=None):
    """Record a decision of the meeting. A task decision becomes a 督办事项 for ``owner_unit`` due on
    ``due_date`` (linked to the item's project or problem); a problem decision is written on the
    problem's timeline as 调度会 opinion. Returns the decision."""
    _require_manage(actor, meeting)
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": "议题不属于本次会议。"})
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = "请填写决定内容。"
    if kind not in DecisionKind.values:
        errors["kind"] = "未知的决定类型。"
    problem = agenda_item.problem if agenda_item is not None else None
    if kind == DecisionKind.PROBLEM:
        if problem is None:
            errors["agenda_item"] = "问题办理意见须针对一个问题议题。"
        else:
            owner_unit = problem.responsible_unit
    elif owner_unit is None:
        errors["owner_unit"] = "请选择责任单位。"
    if kind == DecisionKind.TASK and due_date is None:
        errors["due_date"] = "督办事项须有办结时限。"
    if errors:
        raise ValidationError(errors)
    from zoneops.problems.services import problem_note

    with transaction.atomic():
        seq = (meeting.decisions.aggregate(top=Max("seq"))["top"] or 0) + 1
        decision = Decision.objects.create(meeting=meeting, seq=seq, kind=kind, text=text[:1000],
                                           agenda_item=agenda_item, owner_unit=owner_unit, due_date=due_date,
                                           problem=problem, created_by=actor.person)
        audit_record(actor, "meeting.decision", meeting, detail=text[:500])
        if kind == DecisionKind.TASK:
            task_issue(actor=actor, title=(agenda_item.title if agenda_item else text)[:200], instruction=text,
                       owner_unit=owner_unit, owner_person=owner_person, due_date=due_date,
                       issuing_unit=meeting.unit, source=TaskSource.MEETING, decision=decision,
                       project=agenda_item.project if agenda_item else None, problem=problem,
                       issued_on=min(meeting.held_on, timezone.localdate()))
        else:
            problem_note(actor=actor, problem=problem, text=f"{meeting.title}决定：{text}")
    return decision


def meeting_hold(*, actor, meeting, summary=""):
    """Mark the meeting held with its summary and have the worker write its minutes."""
    _require_manage(actor, meeting)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        move = MEETING_MACHINE.check(meeting.status, MeetingStatus.HELD)
        meeting.status, meeting.summary = MeetingStatus.HELD, (summary or "").strip()[:4000]
        meeting.save(update_fields=["status", "summary"])
        MEETING_MACHINE.record(meeting, move, actor=actor, audit_action="meeting.hold")
        minutes_request(actor=actor, meeting=meeting)
    return meeting


def minutes_request(*, actor, meeting):
    """Queue the minutes (.docx and .pdf) for the worker; the files are kept with the meeting."""
    from zoneops.jobs.services import job_submit

    _require_manage(actor, meeting)
    if actor.is_system:
        return minutes_write(meeting=meeting)
    return job_submit(actor=actor, kind="dispatch.minutes", title=f"{meeting.title}纪要",
                      run="zoneops.dispatch.jobs.write_minutes", params={"meeting": meeting.pk})


def minutes_write(*, meeting):
    """Render and keep the minutes of ``meeting`` (the worker, or the command line directly)."""
    from zoneops.dispatch.minutes import minutes_docx, minutes_pdf

    docx, pdf = minutes_docx(meeting), minutes_pdf(meeting)
    stamp = f"{meeting.held_on:%Y%m%d}-{meeting.pk}"
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        for field in (meeting.minutes_docx, meeting.minutes_pdf):
            if field:
                field.delete(save=False)
        meeting.minutes_docx.save(f"会议纪要-{stamp}.docx", ContentFile(docx), save=False)
        meeting.minutes_pdf.save(f"会议纪要-{stamp}.pdf", ContentFile(pdf), save=False)
        meeting.minutes_at = timezone.now()
        meeting.save(update_fields=["minutes_docx", "minutes_pdf", "minutes_at"])
    return meeting
