"""The demo problem ledger: months of history, most closed, some overdue, one at 主要领导, timelines dated."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from zoneops.core import workbench
from zoneops.notifications.models import Notification
from zoneops.org.models import Person
from zoneops.problems.choices import OPEN_STATUSES, EventKind, Level, Status
from zoneops.problems.models import Problem
from zoneops.problems.workflow import PROBLEM_MACHINE

pytestmark = pytest.mark.django_db


@pytest.fixture
def problems(settings):
    settings.ZONEOPS_DEMO_PASSWORD = "Demo#2026zone"
    call_command("demo", no_minutes=True)
    return Problem.objects.unscoped()


def test_demo_problems_tell_a_story(problems):
    today = timezone.localdate()
    closed = problems.filter(status=Status.CLOSED)
    assert problems.count() == 25 and closed.count() == 15  # most are closed
    assert closed.filter(rating__isnull=False).count() == 15
    assert sum(1 for problem in closed if problem.deadline.is_overdue(today)) == 2  # 超期办结
    assert (today - min(problems.values_list("raised_on", flat=True))).days > 150  # months of history
    overdue = [problem for problem in problems.filter(status__in=OPEN_STATUSES) if problem.deadline.is_overdue(today)]
    assert len(overdue) >= 3
    assert problems.filter(level=Level.HEAD).count() == 1
    for username in ("demo-xm", "demo-zs", "demo-town-a", "demo-town-b"):
        person = Person.objects.get(username=username)
        assert any(item.module == "问题台账" for item in workbench.items_for(person)), username
        assert Notification.objects.filter(person=person).exists(), username
    count = problems.count()
    call_command("demo", no_minutes=True)
    assert Problem.objects.unscoped().count() == count


def test_demo_problem_timelines_are_dated_when_things_happened(problems):
    for problem in problems:
        events = list(problem.events.all())
        days = [timezone.localtime(event.at).date() for event in events]
        assert days[0] == problem.raised_on and days == sorted(days), problem
        moves = sorted(move.effective_on for move in PROBLEM_MACHINE.history_queryset(problem))
        assert [day for day, e in zip(days, events, strict=True) if e.kind == EventKind.STATE] == moves, problem
        if problem.closed_on:
            assert problem.closed_on == moves[-1]
        escalations = [e for e in events if e.kind == EventKind.ESCALATED]
        assert len(escalations) == problem.level
        if escalations:
            assert timezone.localtime(escalations[-1].at).date() == problem.escalated_on
