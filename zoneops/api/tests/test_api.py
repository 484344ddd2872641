"""The JSON API: authentication, scoping, structured errors and the OpenAPI document."""

import pytest
from django.core.management import call_command

from zoneops.accounts.services import token_create
from zoneops.audit.context import Actor
from zoneops.org.models import Scope
from zoneops.org.tests.factories import PersonFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(tree):
    person = PersonFactory(username="api-admin", unit=tree.zone)
    grant(person, "system_admin", scope=Scope.UNIT_TREE)
    return person


@pytest.fixture
def bearer(admin):
    _token, raw = token_create(actor=Actor.system(), person=admin)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_openapi_document_is_json_for_a_signed_in_caller(client, bearer):
    assert client.get("/api/v1/openapi.json").status_code == 401
    doc = client.get("/api/v1/openapi.json", **bearer).json()
    assert doc["openapi"].startswith("3.")
    for path in ["/api/v1/me", "/api/v1/units", "/api/v1/units/{unit_id}", "/api/v1/people"]:
        assert path in doc["paths"]


def test_anonymous_is_401_with_structured_body(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401


def test_bad_token_is_401(client, admin):
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer zo_nonsense").status_code == 401


def test_token_gives_the_person_and_their_scope(client, tree, bearer):
    me = client.get("/api/v1/me", **bearer).json()
    assert me["username"] == "api-admin" and me["grants"][0]["role"] == "system_admin"
    codes = {unit["code"] for unit in client.get("/api/v1/units", **bearer).json()["items"]}
    assert codes == {"zone", "zsj", "zs-bj", "town-a", "town-b"}
    assert client.get(f"/api/v1/units/{tree.city.pk}", **bearer).status_code == 404


def test_create_and_update_unit_with_version_check(client, tree, bearer):
    created = client.post("/api/v1/units", {"parent_id": tree.zone.pk, "code": "new-dept", "name": "新部门",
                                            "kind": "department"}, content_type="application/json", **bearer)
    assert created.status_code == 201
    unit = created.json()
    ok = client.patch(f"/api/v1/units/{unit['id']}", {"version": unit["version"], "name": "新部门（改）"},
                      content_type="application/json", **bearer)
    assert ok.status_code == 200 and ok.json()["version"] == unit["version"] + 1
    stale = client.patch(f"/api/v1/units/{unit['id']}", {"version": unit["version"], "name": "旧版本"},
                         content_type="application/json", **bearer)
    assert stale.status_code == 409
    assert stale.json() == {"code": "conflict", "detail": stale.json()["detail"], "current_version": 2}


def test_create_outside_scope_is_404_and_bad_kind_is_422(client, tree, bearer):
    outside = client.post("/api/v1/units", {"parent_id": tree.city.pk, "code": "x", "name": "x",
                                            "kind": "department"}, content_type="application/json", **bearer)
    assert outside.status_code == 404
    bad = client.post("/api/v1/units", {"parent_id": tree.zone.pk, "code": "x", "name": "x", "kind": "castle"},
                      content_type="application/json", **bearer)
    assert bad.status_code == 422 and bad.json()["code"] == "invalid"


def test_duplicate_code_is_422_with_field_errors(client, tree, bearer):
    response = client.post("/api/v1/units", {"parent_id": tree.zone.pk, "code": "zsj", "name": "重复",
                                             "kind": "department"}, content_type="application/json", **bearer)
    assert response.status_code == 422
    assert "code" in response.json()["errors"]


def test_create_person_with_weak_password_is_422(client, tree, bearer):
    response = client.post("/api/v1/people", {"username": "n1", "name": "新人", "unit_id": tree.town_a.pk,
                                              "password": "password"}, content_type="application/json", **bearer)
    assert response.status_code == 422
    assert client.post("/api/v1/people", {"username": "n2", "name": "新人", "unit_id": tree.town_a.pk,
                                          "password": "Kaifaqu#2026"}, content_type="application/json",
                       **bearer).status_code == 201


def test_session_writes_need_csrf(tree, admin):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin)
    response = strict.post("/api/v1/units", {"parent_id": tree.zone.pk, "code": "c1", "name": "c",
                                             "kind": "department"}, content_type="application/json")
    assert response.status_code in (401, 403)


def test_token_command_prints_a_working_token(client, admin, capsys):
    call_command("token", "create", "api-admin")
    raw = capsys.readouterr().out.strip()
    assert raw.startswith("zo_")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").json()["username"] == "api-admin"
