"""The demo's 督办调度: four weekly meetings in four weeks, tasks that mostly end closed, one overdue, history
in date order, and something on the workbench and in the inbox of every business login."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from zoneops.core import workbench
from zoneops.dispatch import selectors
from zoneops.dispatch.choices import AgendaKind, DecisionKind, MeetingKind, MeetingStatus, TaskSource, TaskStatus
from zoneops.dispatch.models import AgendaItem, Decision, Meeting, Task
from zoneops.dispatch.workflow import TASK_MACHINE
from zoneops.jobs.models import Job
from zoneops.notifications.models import Notification
from zoneops.org.models import Person
from zoneops.problems.choices import EventKind

pytestmark = pytest.mark.django_db

BUSINESS_LOGINS = ["demo-leader", "demo-zs", "demo-xm", "demo-town-a", "demo-town-b"]


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def demo(settings, today):
    settings.ZONEOPS_DEMO_PASSWORD = "Demo#2026zone"
    call_command("demo", no_minutes=True)
    return Meeting.objects.unscoped().order_by("held_on")


def test_four_weekly_meetings_one_a_week_held_with_agenda_attendance_and_decisions(demo, today):
    assert demo.count() == 4
    weeks = [meeting.held_on - timedelta(days=meeting.held_on.weekday()) for meeting in demo]
    assert len(set(weeks)) == 4 and weeks[-1] > today - timedelta(days=7) and weeks[0] >= today - timedelta(weeks=5)
    for meeting in demo:
        assert meeting.kind == MeetingKind.WEEKLY and meeting.status == MeetingStatus.HELD
        assert meeting.held_on <= today and meeting.unit.code == "wn-jkq" and meeting.chair.username == "demo-leader"
        assert meeting.agenda.filter(kind=AgendaKind.RED_LIGHT).exists() and meeting.summary.startswith(
            f"{meeting.held_on.month}月{meeting.held_on.day}日")
        assert f"形成决定{meeting.decisions.count()}项" in meeting.summary
        assert meeting.attendees.count() >= 10 and meeting.decisions.count() >= 4
        assert Job.objects.filter(kind=selectors.MINUTES_JOB, params__meeting=meeting.pk).count() == 1
    assert demo.filter(attendees__present=False).exists()  # someone sent apologies
    assert Decision.objects.filter(kind=DecisionKind.PROBLEM).count() >= 2  # opinions written on problems
    assert set(AgendaItem.objects.values_list("kind", flat=True)) >= {
        AgendaKind.RED_LIGHT, AgendaKind.BLACK_FLAG, AgendaKind.PROBLEM_ESCALATED, AgendaKind.OPEN_DECISION}


def test_decisions_became_tasks_most_closed_one_overdue(demo, today):
    tasks = Task.objects.unscoped()
    meeting_tasks = tasks.filter(source=TaskSource.MEETING)
    assert meeting_tasks.count() == Decision.objects.filter(kind=DecisionKind.TASK).count() >= 12
    assert all(task.issued_on == task.decision.meeting.held_on for task in meeting_tasks.select_related(
        "decision__meeting"))
    statuses = Counter(tasks.values_list("status", flat=True))
    assert statuses[TaskStatus.CLOSED] >= 7 and statuses[TaskStatus.RETURNED] == 1
    assert statuses[TaskStatus.DONE_REQUESTED] >= 2 and statuses[TaskStatus.ASSIGNED] >= 3
    open_tasks = tasks.filter(status__in=[TaskStatus.ASSIGNED, TaskStatus.HANDLING])
    overdue = [task for task in open_tasks if task.deadline.is_overdue(today)]
    assert len(overdue) == 1 and overdue[0].owner_unit.code == "jkq-lbz"
    late = [task for task in tasks.filter(status=TaskStatus.CLOSED) if task.deadline.is_overdue(today)]
    assert len(late) == 1  # closed, but after its deadline (超期办结)
    instructions = tasks.filter(source=TaskSource.INSTRUCTION)
    assert instructions.count() >= 2 and {task.issued_by.username for task in instructions} == {"demo-leader"}


def test_the_history_runs_in_date_order(demo, today):
    for task in Task.objects.unscoped():
        moves = list(TASK_MACHINE.history_queryset(task).order_by("pk"))
        days = [task.issued_on, *[move.effective_on for move in moves]]
        assert days == sorted(days) and days[-1] <= today, task
        assert [move.to_state for move in moves][-1:] == ([task.status] if moves else [])
        assert (task.closed_on is not None) == (task.status == TaskStatus.CLOSED)
        if task.closed_on:
            assert task.closed_on == moves[-1].effective_on
        events = list(task.events.all())
        assert [timezone.localtime(e.at).date() for e in events] == days, task
        assert [e.at for e in events] == sorted(e.at for e in events)
    assert not Notification.objects.filter(created_at__gt=timezone.now()).exists()


def test_each_agenda_shows_what_was_open_or_escalated_on_its_day(demo):
    meetings = list(demo)
    for previous, meeting in zip(meetings, meetings[1:], strict=False):
        carried = set(meeting.agenda.filter(kind=AgendaKind.OPEN_DECISION).values_list("task_id", flat=True))
        for task in Task.objects.unscoped().filter(decision__meeting=previous):
            if task.closed_on is None or task.closed_on > meeting.held_on:
                assert task.pk in carried, task
            elif task.closed_on < meeting.held_on:
                assert task.pk not in carried, task
    for item in AgendaItem.objects.filter(problem__isnull=False).select_related("meeting", "problem"):
        assert item.problem.raised_on <= item.meeting.held_on
        if item.kind == AgendaKind.PROBLEM_ESCALATED:  # up two levels (专班, then 周调度会) by the meeting day
            escalations = [e for e in item.problem.events.filter(kind=EventKind.ESCALATED)
                           if timezone.localtime(e.at).date() <= item.meeting.held_on]
            assert len(escalations) >= 2, item


@pytest.mark.parametrize("username", BUSINESS_LOGINS)
def test_every_business_login_has_work_on_the_workbench_and_messages(demo, username, client):
    person = Person.objects.get(username=username)
    items = workbench.items_for(person)
    assert items, username
    assert any(item.module == "督办调度" for item in items), username
    assert Notification.objects.filter(person=person).exists(), username
    client.force_login(person)
    page = client.get("/workbench/")
    assert page.status_code == 200 and items[0].title in page.content.decode()


def test_the_leader_has_an_instruction_to_accept_and_zs_one_to_handle(demo):
    kinds = {username: {item.kind for item in workbench.items_for(Person.objects.get(username=username))}
             for username in ("demo-leader", "demo-zs", "demo-xm")}
    assert "task_approve" in kinds["demo-leader"]
    assert {"task_assigned", "task_due_soon"} <= kinds["demo-zs"]
    assert {"task_approve", "task_returned"} <= kinds["demo-xm"]


def test_the_demo_command_writes_the_minutes_of_every_held_meeting(settings):
    settings.ZONEOPS_DEMO_PASSWORD = "Demo#2026zone"
    call_command("demo")
    meetings = list(Meeting.objects.unscoped())
    assert len(meetings) == 4
    for meeting in meetings:
        assert meeting.minutes_docx and meeting.minutes_pdf and selectors.minutes_state(meeting) == "ready"
        assert meeting.minutes_pdf.open("rb").read(5) == b"%PDF-"
    assert not Job.objects.filter(kind=selectors.MINUTES_JOB).exclude(status=Job.Status.DONE).exists()
    call_command("demo")  # idempotent: no second set of meetings, nothing queued again
    assert Meeting.objects.unscoped().count() == 4
    assert Job.objects.filter(kind=selectors.MINUTES_JOB).count() == 4
