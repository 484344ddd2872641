"""The demo problem ledger: history, most closed, one at 主要领导, a workbench item for each business login."""

import pytest
from django.core.management import call_command

from zoneops.core import workbench
from zoneops.notifications.models import Notification
from zoneops.org.models import Person
from zoneops.problems.choices import Level, Status
from zoneops.problems.models import Problem

pytestmark = pytest.mark.django_db


def test_demo_problems_tell_a_story(settings):
    settings.ZONEOPS_DEMO_PASSWORD = "Demo#2026zone"
    call_command("demo")
    problems = Problem.objects.unscoped()
    assert problems.count() == 15 and problems.filter(status=Status.CLOSED).count() == 7
    assert problems.filter(status=Status.CLOSED, rating__isnull=False).count() == 7
    assert problems.filter(level=Level.HEAD).exists()
    for username in ("demo-xm", "demo-town-a", "demo-town-b"):
        person = Person.objects.get(username=username)
        assert workbench.items_for(person), username
        assert Notification.objects.filter(person=person).exists(), username
    count = problems.count()
    call_command("demo")
    assert Problem.objects.unscoped().count() == count
