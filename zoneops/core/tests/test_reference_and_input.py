import json

import pytest

from zoneops.core.models import IndustryCode, Region
from zoneops.org.tests.factories import PersonFactory, grant

pytestmark = pytest.mark.django_db


def test_industry_codes_loaded_with_hierarchy():
    assert IndustryCode.objects.filter(level="class").count() == 1381
    assert IndustryCode.objects.filter(level="section").count() == 20
    code = IndustryCode.objects.get(code="6513")
    assert code.name == "应用软件开发"
    assert code.parent.parent.parent.code == "I"


def test_regions_loaded_with_hierarchy():
    assert Region.objects.get(code="610500").name == "渭南市"
    assert Region.objects.get(code="610502").parent_id == "610500"
    assert Region.objects.filter(level="province").count() == 34


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


@pytest.fixture
def signed_in(client, tree):
    person = PersonFactory(unit=tree.zone)
    grant(person, "system_admin", scope="all")
    client.force_login(person)
    return client


def test_nul_byte_in_query_string_is_400(signed_in):
    assert signed_in.get("/org/people/?q=a%00b").status_code == 400


def test_nul_byte_in_form_is_400_and_nothing_written(signed_in, tree):
    response = signed_in.post(f"/org/units/{tree.zone.pk}/new/",
                              {"code": "x1", "name": "坏\x00名", "kind": "department", "sort_order": 0})
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_nul_byte_in_api_json_is_structured_400(signed_in, tree):
    body = json.dumps({"parent_id": tree.zone.pk, "code": "x2", "name": "坏\u0000名", "kind": "department"})
    response = signed_in.post("/api/v1/units", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


def test_over_long_fields_are_validation_errors_not_500(signed_in, tree):
    page = signed_in.post(f"/org/units/{tree.zone.pk}/new/",
                          {"code": "x3", "name": "长" * 500, "kind": "department", "sort_order": 0})
    assert page.status_code == 200 and "最多 100 个字（现有 500 个）。" in page.content.decode()
    api = signed_in.post("/api/v1/units", {"parent_id": tree.zone.pk, "code": "x4", "name": "长" * 500,
                                           "kind": "department"}, content_type="application/json")
    assert api.status_code == 422 and api.json()["code"] == "invalid"
    query = signed_in.get("/api/v1/units", {"q": "长" * 500})
    assert query.status_code == 422
