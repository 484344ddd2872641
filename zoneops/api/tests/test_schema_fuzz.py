"""Property-based API fuzzing from the OpenAPI document: no input may produce a server error."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from zoneops.accounts.services import token_create
from zoneops.audit.context import Actor
from zoneops.org.models import Scope
from zoneops.org.tests.factories import PersonFactory, grant
from zoneops.projects.tests.factories import ProjectFactory
from zoneops.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def bearer(tree):
    person = PersonFactory(unit=tree.zone)
    grant(person, "projects", scope=Scope.ALL)
    ProjectFactory(responsible_unit=tree.town_a)
    _token, raw = token_create(actor=Actor.system(), person=person)
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_gives_a_server_error(case, bearer):
    case.call_and_validate(headers=bearer, checks=[not_a_server_error])
