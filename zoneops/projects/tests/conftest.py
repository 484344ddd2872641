from datetime import date, datetime

import pytest
import time_machine

from zoneops.audit.context import Actor
from zoneops.org.models import Scope
from zoneops.org.tests.factories import PersonFactory, grant
from zoneops.projects import services
from zoneops.projects.choices import Stage
from zoneops.projects.tests.factories import ProjectFactory


@pytest.fixture
def fixed_today():
    """Freeze the clock at 2026-11-23 10:00 (Asia/Shanghai): October's report window has closed."""
    with time_machine.travel(datetime(2026, 11, 23, 10, 0), tick=False):
        yield date(2026, 11, 23)


@pytest.fixture
def world(tree, fixed_today):
    """Two projects in two townships, and people who see one, both, or manage both."""
    ours = ProjectFactory(name="甲镇食品项目", responsible_unit=tree.town_a)
    theirs = ProjectFactory(name="乙镇物流项目", responsible_unit=tree.town_b)
    services.project_change_stage(actor=Actor.system(), project=ours, to_stage=Stage.STARTED, reason="补录",
                                  effective_on=date(2026, 3, 1))
    ours.refresh_from_db()
    township = PersonFactory(unit=tree.town_a)
    grant(township, "township", scope=Scope.UNIT)
    leader = PersonFactory(unit=tree.zone)
    grant(leader, "leader", scope=Scope.ALL)
    office = PersonFactory(unit=tree.zone)
    grant(office, "projects", scope=Scope.UNIT_TREE)
    return type("World", (), {"ours": ours, "theirs": theirs, "township": township, "leader": leader,
                              "office": office})
