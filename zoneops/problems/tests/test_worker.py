"""The worker's sweeps: automatic escalation with its notice, and reminders that survive a restart."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.management import call_command

from zoneops.audit.context import Actor
from zoneops.notifications.models import Delivery, Notification
from zoneops.notifications.services import robot_save
from zoneops.problems import services
from zoneops.problems.choices import EventKind, Level, Status
from zoneops.problems.models import Problem, ProblemRules
from zoneops.problems.tests.conftest import actor
from zoneops.problems.tests.factories import CategoryFactory, ProblemFactory

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system()


@pytest.fixture
def assigned(people):
    """Raised and assigned on Monday 14 September 2026 with 5 working days: due Sunday 20 September,
    a 调休 working day before National Day."""
    with time_machine.travel(datetime(2026, 9, 14, 9, 0), tick=False):
        problem = ProblemFactory(actor=actor(people.township), category=CategoryFactory(default_workdays=5),
                                 raising_unit=people.tree.town_a, responsible_unit=people.tree.bureau)
        services.problem_transition(actor=actor(people.office), problem=problem, to_status=Status.ASSIGNED)
    problem.refresh_from_db()
    assert problem.due_date == date(2026, 9, 20)
    return problem


def _levels(problem):
    problem.refresh_from_db()
    return problem.level


def test_overdue_by_the_rule_escalates_one_level_and_notifies_the_new_level(people, assigned):
    ProblemRules.objects.create(unit=people.tree.zone, escalate_after_workdays=3)
    robot_save(actor=SYSTEM, unit=people.tree.zone, kind="wecom", webhook_url="https://qyapi.weixin.qq.com/x?key=1")
    task_force_person = people.office  # the bureau's parent is the zone: the office is notified
    assert services.escalate_overdue(actor=SYSTEM, today=date(2026, 9, 22)) == []  # overdue by 2 working days
    escalated = services.escalate_overdue(actor=SYSTEM, today=date(2026, 9, 23))  # overdue by 3
    assert [p.pk for p in escalated] == [assigned.pk]
    assert _levels(assigned) == Level.TASK_FORCE
    assert assigned.escalated_unit == people.tree.zone
    notice = Notification.objects.get(person=task_force_person, kind="escalated")
    assert "专班" in notice.title and assigned.title in notice.title
    assert Notification.objects.filter(person=people.department, kind="escalated").exists()
    assert assigned.events.filter(kind=EventKind.ESCALATED).count() == 1
    assert Delivery.objects.get(robot__unit=people.tree.zone).text.startswith("问题升级至专班督办")  # the group too
    # The same day again: nothing more; three working days after the last escalation (24, 28, 29:
    # Friday 25 September is 中秋节): the next level.
    assert services.escalate_overdue(actor=SYSTEM, today=date(2026, 9, 23)) == []
    assert services.escalate_overdue(actor=SYSTEM, today=date(2026, 9, 28)) == []
    assert len(services.escalate_overdue(actor=SYSTEM, today=date(2026, 9, 29))) == 1
    assert _levels(assigned) == Level.WEEKLY_MEETING
    assert Notification.objects.filter(person=people.office, kind="escalated").count() == 2


def test_escalation_follows_the_nearest_units_rule(people, assigned):
    ProblemRules.objects.create(unit=None, escalate_after_workdays=10)
    assert services.escalate_overdue(actor=SYSTEM, today=date(2026, 9, 23)) == []
    ProblemRules.objects.create(unit=people.tree.bureau, escalate_after_workdays=1)
    assert len(services.escalate_overdue(actor=SYSTEM, today=date(2026, 9, 23))) == 1


def test_closed_and_parked_problems_do_not_escalate(people, assigned):
    ProblemRules.objects.create(unit=None, escalate_after_workdays=1)
    Problem.objects.unscoped().filter(pk=assigned.pk).update(status=Status.PARKED)
    assert services.escalate_overdue(actor=SYSTEM, today=date(2026, 9, 30)) == []


def test_reminders_are_neither_lost_nor_repeated_when_the_worker_restarts(people, assigned, monkeypatch):
    other = ProblemFactory(actor=actor(people.township), raising_unit=people.tree.town_a,
                           responsible_unit=people.tree.bureau)
    services.problem_transition(actor=actor(people.office), problem=other, to_status=Status.ASSIGNED)
    Problem.objects.unscoped().filter(pk=other.pk).update(due_date=date(2026, 9, 29))  # due soon
    reminders = Notification.objects.filter(person=people.department, kind__in=["due_soon", "overdue"])
    real_notify = services.notify
    calls = []

    def crash_after_first(*args, **kwargs):
        if calls:
            raise SystemExit("worker killed")
        calls.append(1)
        return real_notify(*args, **kwargs)

    # The worker dies after the first reminder of its run ...
    monkeypatch.setattr(services, "notify", crash_after_first)
    with pytest.raises(SystemExit):
        services.remind_due()
    assert reminders.count() == 1
    # ... is restarted and runs the sweep (twice, as a restart queues the periodic tasks again).
    monkeypatch.setattr(services, "notify", real_notify)
    call_command("worker", batch=True)
    call_command("worker", batch=True)
    assert sorted(reminders.values_list("kind", flat=True)) == ["due_soon", "overdue"]
    # The next day is a new reminder.
    with time_machine.travel(datetime(2026, 9, 29, 9, 0), tick=False):
        call_command("worker", batch=True)
    assert reminders.count() == 4
