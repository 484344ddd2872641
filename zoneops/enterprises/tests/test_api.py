"""The enterprises API: scope, masking by role, create with dedup, patch with version."""

import pytest

from zoneops.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db
JSON = "application/json"
FULL, MASKED = "13912345678", "139****5678"


def test_list_and_read_are_scoped_and_masked(client, world):
    client.force_login(world.township)
    listed = client.get("/api/v1/enterprises").json()
    assert [e["name"] for e in listed["items"]] == ["甲镇华阳食品有限公司"]
    assert listed["items"][0]["contacts"] == [{"name": "张经理", "title": "总经理", "phone": MASKED}]
    assert listed["items"][0]["phone_visible"] is False
    one = client.get(f"/api/v1/enterprises/{world.ours.pk}")
    assert FULL not in one.content.decode() and one.json()["contacts"][0]["phone"] == MASKED
    assert client.get(f"/api/v1/enterprises/{world.theirs.pk}").status_code == 404


def test_phone_with_the_grant(client, world):
    client.force_login(world.investment)
    listed = client.get("/api/v1/enterprises?q=華陽").json()
    assert listed["count"] == 1 and listed["items"][0]["contacts"][0]["phone"] == FULL
    assert client.get(f"/api/v1/enterprises/{world.theirs.pk}").json()["contacts"][0]["phone"] == "13887654321"


def test_no_grant_sees_nothing(client, world):
    client.force_login(world.projects)
    assert client.get("/api/v1/enterprises").json()["count"] == 0
    assert client.get(f"/api/v1/enterprises/{world.ours.pk}").status_code == 404


def test_create_dedup_and_errors(client, world, tree):
    client.force_login(world.investment)
    body = {"name": "甲鎮華陽食品有限責任公司", "uscc": "914403001922038216", "unit_id": tree.bureau.pk,
            "flags": ["china500"], "region_id": "440300", "industry_id": "3922",
            "contacts": [{"name": "王五", "title": "董事长", "phone": "13700000000"}],
            "former_names": ["深圳华阳"]}
    refused = client.post("/api/v1/enterprises", body, content_type=JSON)
    assert refused.status_code == 422 and f"/enterprises/{world.ours.pk}/" in refused.json()["errors"]["name"][0]
    created = client.post("/api/v1/enterprises", {**body, "confirm_similar": True}, content_type=JSON)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["flags"] == ["china500"] and data["former_names"] == ["深圳华阳"] and data["region_id"] == "440300"
    assert data["contacts"][0]["phone"] == "13700000000"
    same_code = client.post("/api/v1/enterprises", {**body, "name": "另一家", "confirm_similar": True},
                            content_type=JSON)
    assert same_code.status_code == 422 and "uscc" in same_code.json()["errors"]
    bad = client.post("/api/v1/enterprises", {**body, "uscc": "914403001922038217"}, content_type=JSON)
    assert bad.status_code == 422 and "uscc" in bad.json()["errors"]
    unknown_flag = client.post("/api/v1/enterprises", {**body, "flags": ["top10"]}, content_type=JSON)
    assert unknown_flag.status_code == 422


def test_create_outside_scope(client, world, tree):
    client.force_login(world.township)
    response = client.post("/api/v1/enterprises", {"name": "越权有限公司", "uscc": "914403001922038216",
                                                   "unit_id": tree.town_b.pk}, content_type=JSON)
    assert response.status_code == 404
    assert not Enterprise.objects.unscoped().filter(uscc="914403001922038216").exists()


def test_patch_needs_version_and_contact_grant(client, world):
    client.force_login(world.township)
    url = f"/api/v1/enterprises/{world.ours.pk}"
    ok = client.patch(url, {"version": 1, "note": "已走访", "flags": ["specialised"]}, content_type=JSON)
    assert ok.status_code == 200 and ok.json()["version"] == 2 and ok.json()["flags"] == ["specialised"]
    stale = client.patch(url, {"version": 1, "note": "x"}, content_type=JSON)
    assert stale.status_code == 409
    contacts = client.patch(url, {"version": 2, "contacts": [{"name": "x", "phone": "1"}]}, content_type=JSON)
    assert contacts.status_code == 403
    assert world.ours.contacts.get().phone == FULL
    assert client.patch(f"/api/v1/enterprises/{world.theirs.pk}", {"version": 1, "note": "x"},
                        content_type=JSON).status_code == 404
    client.force_login(world.investment)
    replaced = client.patch(url, {"version": 2, "contacts": [{"name": "赵六", "phone": "13600000000"}]},
                            content_type=JSON)
    assert replaced.status_code == 200 and replaced.json()["contacts"][0]["phone"] == "13600000000"
