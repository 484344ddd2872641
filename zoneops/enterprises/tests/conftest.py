import pytest

from zoneops.enterprises.tests.factories import EnterpriseFactory
from zoneops.org.models import Scope
from zoneops.org.tests.factories import PersonFactory, grant


@pytest.fixture
def world(tree):
    """An enterprise in each township with a contact, and people who see one or both, with or
    without enterprise.contact (招商业务 has it; 乡镇园区业务 does not)."""
    ours = EnterpriseFactory(name="甲镇华阳食品有限公司", unit=tree.town_a, uscc="91110000600037341L", flags=(),
                             contacts=[{"name": "张经理", "title": "总经理", "phone": "13912345678"}])
    theirs = EnterpriseFactory(name="乙镇远航物流有限公司", unit=tree.town_b, uscc="91110108551385082Q", flags=(),
                               contacts=[{"name": "李主任", "title": "办公室主任", "phone": "13887654321"}])
    township = PersonFactory(unit=tree.town_a)
    grant(township, "township", scope=Scope.UNIT)
    investment = PersonFactory(unit=tree.bureau)
    grant(investment, "investment", scope=Scope.ALL)
    projects = PersonFactory(unit=tree.zone)
    grant(projects, "projects", scope=Scope.ALL)
    return type("World", (), {"ours": ours, "theirs": theirs, "township": township, "investment": investment,
                              "projects": projects})
