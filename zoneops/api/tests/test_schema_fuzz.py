"""Property-based API fuzzing from the OpenAPI document: no input may produce a server error, and a
township user never gets another township's project back, whatever the input."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from zoneops.accounts.services import token_create
from zoneops.api.urls import api
from zoneops.audit.context import Actor
from zoneops.dispatch.services import attendance_save
from zoneops.dispatch.tests.factories import MeetingFactory, TaskFactory
from zoneops.org.models import Scope
from zoneops.org.tests.factories import PersonFactory, grant
from zoneops.projects.tests.factories import ProjectFactory
from zoneops.wsgi import application

# The document itself needs sign-in (docs/security.md); the fuzzer takes it straight from the API object.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
schema.app = application


@pytest.fixture
def keep_test_connection():
    """Requests made straight through the WSGI app would close the test's database connection at
    request end (PostgreSQL); Django's own test client suspends this the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


OUT_OF_SCOPE = "乙镇外围项目"  # the township user's scope (甲镇, 本单位) never reaches it


@schemathesis.check
def no_out_of_scope_project(ctx, response, case):
    try:
        text = json.dumps(response.json(), ensure_ascii=False)
    except ValueError:
        text = response.text
    if OUT_OF_SCOPE in text:
        raise AssertionError(f"{case.operation.label} returned a project outside the user's scope")


@pytest.fixture(params=["projects-all", "township"])
def bearer(request, tree, keep_test_connection):
    """The project office with 全部, and a township user with 本单位 (as in the demo)."""
    person = PersonFactory(unit=tree.zone if request.param == "projects-all" else tree.town_a)
    if request.param == "projects-all":
        grant(person, "projects", scope=Scope.ALL)
    else:
        grant(person, "township", scope=Scope.UNIT)
    ProjectFactory(responsible_unit=tree.town_a)
    ProjectFactory(name=OUT_OF_SCOPE, responsible_unit=tree.town_b)
    # A task and a meeting of 甲镇 (ids 1, which the fuzzer tries first) so their operations reach the services.
    TaskFactory(issuing_unit=tree.zone, owner_unit=tree.town_a)
    meeting = MeetingFactory(unit=tree.town_a)
    attendance_save(actor=Actor.system(), meeting=meeting, rows=[{"unit": tree.town_a}])
    _token, raw = token_create(actor=Actor.system(), person=person)
    return {"Authorization": f"Bearer {raw}"}, request.param


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_gives_a_server_error(case, bearer):
    headers, persona = bearer
    checks = [not_a_server_error] + ([no_out_of_scope_project] if persona == "township" else [])
    case.call_and_validate(headers=headers, checks=checks)
