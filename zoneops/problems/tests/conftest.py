from datetime import date, datetime

import pytest
import time_machine

from zoneops.audit.context import Actor
from zoneops.org.models import Scope
from zoneops.org.tests.factories import PersonFactory, grant
from zoneops.problems.tests.factories import ProblemFactory


@pytest.fixture
def fixed_today():
    """Freeze the clock at 2026-09-28 10:00 (Asia/Shanghai), just before the National Day holiday."""
    with time_machine.travel(datetime(2026, 9, 28, 10, 0), tick=False):
        yield date(2026, 9, 28)


@pytest.fixture
def people(tree, fixed_today):
    """甲镇 raises, 招商局 handles, the project office (zone) assigns, a leader sees everything."""
    township = PersonFactory(unit=tree.town_a, name="甲镇干部")
    grant(township, "township", scope=Scope.UNIT)
    other_township = PersonFactory(unit=tree.town_a, name="甲镇另一干部")
    grant(other_township, "township", scope=Scope.UNIT)
    department = PersonFactory(unit=tree.bureau, name="招商局干部")
    grant(department, "department", scope=Scope.UNIT)
    office = PersonFactory(unit=tree.zone, name="项目办")
    grant(office, "projects", scope=Scope.UNIT_TREE)
    leader = PersonFactory(unit=tree.zone, name="区领导")
    grant(leader, "leader", scope=Scope.ALL)
    outsider = PersonFactory(unit=tree.town_b, name="乙镇干部")
    grant(outsider, "township", scope=Scope.UNIT)
    return type("People", (), {"township": township, "other_township": other_township, "department": department,
                               "office": office, "leader": leader, "outsider": outsider, "tree": tree})


def actor(person):
    return Actor(person=person, ip="127.0.0.1")


@pytest.fixture
def problem(people):
    return ProblemFactory(actor=actor(people.township), raising_unit=people.tree.town_a,
                          responsible_unit=people.tree.bureau, title="甲镇项目用地问题")
