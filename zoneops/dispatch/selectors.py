"""Reads of 督办调度: scoped tasks and meetings, the moves an actor may take, and the agenda a meeting
builds from the data (red lights and black flags, problems escalated, overdue or due this week, reports
missing, the last meeting's open decisions)."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from zoneops.core.dates import cn_month_day
from zoneops.dispatch.choices import OPEN_TASK_STATUSES, AgendaKind, MeetingStatus
from zoneops.dispatch.models import AgendaItem, Decision, Meeting, MeetingAttendee, Task
from zoneops.dispatch.workflow import TASK_MACHINE


def task_list(*, user, action="task.view"):
    return (Task.objects.restrict(user, action)
            .select_related("owner_unit", "issuing_unit", "owner_person", "issued_by", "project", "problem",
                            "decision__meeting"))


def task_get(*, user, pk, action="task.view"):
    return task_list(user=user, action=action).get(pk=pk)


def task_timeline(task):
    """Every change of the task, oldest first."""
    return list(task.events.select_related("actor"))


def task_moves(actor, task):
    """[(status, label)] the actor may take from the task's status now."""
    return [(target, TASK_MACHINE.label(target)) for target in TASK_MACHINE.targets(task.status)
            if TASK_MACHINE.may_take(actor, TASK_MACHINE.find(task.status, target), task)]


def assignable_units(user):
    """Units a task may be handed to: as for problems (the units in scope, the zone and its direct units)."""
    from zoneops.problems.selectors import assignable_units as units

    return units(user)


def meeting_list(*, user, action="meeting.view"):
    return Meeting.objects.restrict(user, action).select_related("unit", "chair")


def meeting_get(*, user, pk, action="meeting.view"):
    return meeting_list(user=user, action=action).get(pk=pk)


def agenda_for(meeting, *, user):
    """The meeting's agenda items the user may see (all of them through the organising unit; an attending
    unit the items that concern it)."""
    return list(AgendaItem.objects.restrict(user, "meeting.view").filter(meeting=meeting)
                .select_related("unit", "project", "problem", "task"))


def decisions_for(meeting, *, user):
    return list(Decision.objects.restrict(user, "meeting.view").filter(meeting=meeting)
                .select_related("owner_unit", "agenda_item", "problem", "task"))


def attendees_for(meeting, *, user):
    """The attendance rows the user may see: all of them through the organising unit; an attending unit its own."""
    return list(MeetingAttendee.objects.restrict(user, "meeting.view").filter(meeting=meeting)
                .select_related("unit", "person"))


def previous_meeting(meeting):
    """The same unit's last meeting of the same kind before this one (unscoped: its open decisions are
    part of this meeting's agenda, shown through this meeting's own scope)."""
    return (Meeting.objects.unscoped().filter(unit=meeting.unit, kind=meeting.kind)
            .filter(Q(held_on__lt=meeting.held_on) | Q(held_on=meeting.held_on, pk__lt=meeting.pk))
            .order_by("-held_on", "-pk").first())


def week_end(day):
    """The Sunday of ``day``'s week."""
    return day + timedelta(days=6 - day.weekday())


def agenda_candidates(meeting, *, user, today=None):
    """The agenda a meeting of ``meeting.unit`` builds from today's data, as field dicts for AgendaItem, in
    agenda order. ``user`` is the organiser: only what the organiser may see is put on the agenda."""
    from zoneops.problems.choices import OPEN_STATUSES, Level
    from zoneops.problems.selectors import problem_list
    from zoneops.projects.choices import Light
    from zoneops.projects.lights import missing_last_period, with_light
    from zoneops.projects.selectors import project_queryset

    today = today or timezone.localdate()
    day = max(meeting.held_on, today)  # what is overdue or due by the day of the meeting
    path = meeting.unit.path
    items = []
    projects = with_light(project_queryset(user=user, today=today), today).filter(
        responsible_unit__path__startswith=path).order_by("responsible_unit__path", "name")
    for project in projects.filter(Q(light=Light.RED.value) | Q(black_flags__gt=0)):
        red = project.light == Light.RED.value
        flags = f"黑旗{project.black_flags}个" if project.black_flags else ""
        items.append(_item(AgendaKind.RED_LIGHT if red else AgendaKind.BLACK_FLAG, project.name,
                           "，".join(text for text in ("红灯" if red else "", flags) if text),
                           project.responsible_unit, project=project))
    problems = (problem_list(user=user).filter(status__in=OPEN_STATUSES)
                .filter(Q(responsible_unit__path__startswith=path) | Q(escalated_unit__path__startswith=path))
                .order_by("due_date", "pk"))
    listed = set()
    for kind, condition in (
            (AgendaKind.PROBLEM_ESCALATED, Q(level__gte=Level.WEEKLY_MEETING, escalated_unit__path__startswith=path)),
            (AgendaKind.PROBLEM_OVERDUE, Q(due_date__lt=day)),
            (AgendaKind.PROBLEM_DUE, Q(due_date__gte=day, due_date__lte=week_end(day)))):
        for problem in problems.filter(condition):
            if problem.pk in listed:
                continue
            listed.add(problem.pk)
            items.append(_item(kind, problem.title,
                               f"{problem.responsible_unit.name}，{cn_month_day(problem.due_date)}到期，"
                               f"{problem.get_status_display()}，{problem.get_level_display()}督办",
                               problem.responsible_unit, problem=problem))
    for project in missing_last_period(projects, today):
        items.append(_item(AgendaKind.REPORT_MISSING, project.name, "上期进度未填报", project.responsible_unit,
                           project=project))
    last = previous_meeting(meeting)
    if last is not None:
        for task in (task_list(user=user).filter(decision__meeting=last, status__in=OPEN_TASK_STATUSES)
                     .order_by("due_date", "pk")):
            items.append(_item(AgendaKind.OPEN_DECISION, task.title,
                               f"{last.title}决定，{task.owner_unit.name}，{cn_month_day(task.due_date)}前，"
                               f"{task.get_status_display()}", task.owner_unit, task=task))
    order = list(AgendaKind.values)
    return sorted(items, key=lambda item: order.index(item["kind"]))  # stable: each kind keeps its own order


def _item(kind, title, detail, unit, *, project=None, problem=None, task=None):
    return {"kind": kind, "title": title[:300], "detail": detail[:1000], "unit": unit, "project": project,
            "problem": problem, "task": task}


MINUTES_JOB = "dispatch.minutes"  # the job kind services.minutes_request submits


def minutes_state(meeting):
    """Where the meeting's minutes stand: "" (not held), "ready" (files written since the last request),
    "failed" (the last request failed) or "pending" (the worker has yet to write them). Jobs are their
    owner's; this reads only the state of this meeting's minutes jobs, whoever asked for them."""
    from zoneops.jobs.models import Job

    if meeting.status != MeetingStatus.HELD:
        return ""
    last = (Job.objects.filter(kind=MINUTES_JOB, params__meeting=meeting.pk)
            .only("status", "created_at").order_by("-created_at", "-pk").first())
    since_last = last is None or (meeting.minutes_at is not None and meeting.minutes_at > last.created_at)
    if meeting.minutes_docx and since_last:
        return "ready"
    if last is not None and last.status == Job.Status.FAILED:
        return "failed"
    return "pending"
