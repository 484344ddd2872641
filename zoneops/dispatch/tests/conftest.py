"""Shared fixtures for the 督办调度 tests: the people of the ``tree`` and a frozen clock."""

from datetime import date, datetime

import pytest
import time_machine

from zoneops.audit.context import Actor
from zoneops.dispatch.tests.factories import MeetingFactory, TaskFactory
from zoneops.org.models import Scope
from zoneops.org.tests.factories import PersonFactory, grant


@pytest.fixture
def fixed_today():
    """Freeze the clock at 2026-09-28 10:00 (Asia/Shanghai), just before the National Day holiday."""
    with time_machine.travel(datetime(2026, 9, 28, 10, 0), tick=False):
        yield date(2026, 9, 28)


@pytest.fixture
def people(tree, fixed_today):
    """The project office (zone) runs meetings and issues; a leader issues and accepts; 招商局 and 甲镇 handle;
    乙镇 is outside every 甲镇/招商局 task."""
    office = PersonFactory(unit=tree.zone, name="项目办")
    grant(office, "projects", scope=Scope.UNIT_TREE)
    leader = PersonFactory(unit=tree.zone, name="区领导")
    grant(leader, "leader", scope=Scope.ALL)
    department = PersonFactory(unit=tree.bureau, name="招商局干部")
    grant(department, "department", scope=Scope.UNIT)
    township = PersonFactory(unit=tree.town_a, name="甲镇干部")
    grant(township, "township", scope=Scope.UNIT)
    outsider = PersonFactory(unit=tree.town_b, name="乙镇干部")
    grant(outsider, "township", scope=Scope.UNIT)
    return type("People", (), {"office": office, "leader": leader, "department": department,
                               "township": township, "outsider": outsider, "tree": tree})


def actor(person):
    return Actor(person=person, ip="127.0.0.1")


@pytest.fixture
def task(people):
    """The project office hands 招商局 a 督办事项 from the zone, due in two weeks."""
    return TaskFactory(actor=actor(people.office), issuing_unit=people.tree.zone, owner_unit=people.tree.bureau,
                       title="招商局签约项目落地", instruction="请于两周内落实签约项目用地。")


@pytest.fixture
def meeting(people):
    """The zone's weekly dispatch meeting (筹备中), organised by the project office."""
    return MeetingFactory(actor=actor(people.office), unit=people.tree.zone, title="第39周调度会")
