"""People for the 等保2.0 level-3 probes: the three admins (三权分立) and business users."""

import pytest

from zoneops.org.models import Scope
from zoneops.org.tests.factories import PASSWORD, PersonFactory, grant


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


@pytest.fixture
def people(tree):
    def person(username, role, unit=tree.zone, scope=Scope.ALL):
        someone = PersonFactory(username=username, unit=unit)
        grant(someone, role, scope=scope)
        return someone

    return type("People", (), {
        "system_admin": person("sysadmin", "system_admin"),
        "security_admin": person("secadmin", "security_admin"),
        "auditor": person("auditor", "auditor"),
        "staff": person("staff", "projects"),
        "township": person("town", "township", unit=tree.town_a, scope=Scope.UNIT_TREE),
    })


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
