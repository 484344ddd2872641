"""The projects API: scope on every endpoint, version checks, derived figures, structured errors."""


from datetime import date

import pytest

from zoneops.audit.context import Actor
from zoneops.core.money import YUAN_PER_WAN
from zoneops.org.models import UnitKind
from zoneops.org.tests.factories import UnitFactory
from zoneops.projects import services
from zoneops.projects.api import ProjectIn, ProjectOut, ProjectPatch
from zoneops.projects.forms import ProjectForm
from zoneops.projects.models import ProgressReport, Project
from zoneops.projects.tests.factories import ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]
JSON = "application/json"



ENDPOINTS = ["/api/v1/projects/{id}", "/api/v1/projects/{id}/milestones", "/api/v1/projects/{id}/progress"]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_reads_are_scoped(client, world, url):
    client.force_login(world.township)
    assert client.get(url.format(id=world.ours.pk)).status_code == 200
    response = client.get(url.format(id=world.theirs.pk))
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_list_and_battle_map_are_scoped(client, world):
    client.force_login(world.township)
    assert [p["name"] for p in client.get("/api/v1/projects").json()["items"]] == ["甲镇食品项目"]
    assert [r["name"] for r in client.get("/api/v1/battle-map").json()["rows"]] == ["甲镇食品项目"]
    client.force_login(world.office)
    assert client.get("/api/v1/projects").json()["count"] == 2


def test_writes_are_scoped(client, world):
    client.force_login(world.township)
    patch = client.patch(f"/api/v1/projects/{world.theirs.pk}", {"version": 1, "name": "x"}, content_type=JSON)
    assert patch.status_code == 404
    stage = client.post(f"/api/v1/projects/{world.ours.pk}/stage", {"to_stage": "in_stats"}, content_type=JSON)
    assert stage.status_code == 404  # township has no project.stage
    created = client.post("/api/v1/projects", {"name": "越权", "enterprise": "x", "total_investment": 1,
                                               "responsible_unit_id": world.theirs.responsible_unit_id},
                          content_type=JSON)
    assert created.status_code == 404


def test_create_filters_and_update_with_version(client, world, tree):
    client.force_login(world.office)
    created = client.post("/api/v1/projects", {
        "name": "新能源汽车零部件项目", "enterprise": "某某汽车部件有限公司", "responsible_unit_id": tree.town_b.pk,
        "industry_id": "3670", "is_provincial_key": True, "total_investment": 50_000 * YUAN_PER_WAN,
    }, content_type=JSON)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["levels"] == ["provincial"] and body["stage"] == "reserve"
    assert [p["name"] for p in client.get("/api/v1/projects?level=provincial").json()["items"]] == [body["name"]]
    assert client.get("/api/v1/projects?industry=C").json()["count"] == 1
    ok = client.patch(f"/api/v1/projects/{body['id']}", {"version": body["version"], "location": "乙镇工业园"},
                      content_type=JSON)
    assert ok.status_code == 200 and ok.json()["version"] == body["version"] + 1
    stale = client.patch(f"/api/v1/projects/{body['id']}", {"version": body["version"], "location": "旧"},
                         content_type=JSON)
    assert stale.status_code == 409


def test_stage_change_and_its_rules(client, world):
    client.force_login(world.office)
    back = client.post(f"/api/v1/projects/{world.ours.pk}/stage", {"to_stage": "signed"}, content_type=JSON)
    assert back.status_code == 422 and "reason" in back.json()["errors"]
    forward = client.post(f"/api/v1/projects/{world.ours.pk}/stage", {"to_stage": "in_stats"}, content_type=JSON)
    assert forward.status_code == 200 and forward.json()["stage"] == "in_stats"


def test_progress_submit_derives_cumulative(client, world):
    client.force_login(world.township)
    url = f"/api/v1/projects/{world.ours.pk}/progress"
    first = client.post(url, {"period_key": "2026-09", "invested": 300 * YUAN_PER_WAN, "percent": 20,
                              "progress_text": "基础施工"}, content_type=JSON)
    assert first.status_code == 201 and first.json()["is_late"] is True
    services.progress_report_review(actor=Actor.system(), report=ProgressReport.objects.get(pk=first.json()["id"]),
                                    accept=True)
    second = client.post(url, {"period_key": "2026-10", "invested": 200 * YUAN_PER_WAN, "percent": 30,
                               "progress_text": "主体施工"}, content_type=JSON)
    assert second.json()["cumulative"] == 300 * YUAN_PER_WAN  # the new report counts once it is accepted
    services.progress_report_review(actor=Actor.system(), report=ProgressReport.objects.get(pk=second.json()["id"]),
                                    accept=True)
    bad = client.post(url, {"period_key": "2026-13", "invested": 1, "percent": 1, "progress_text": "x"},
                      content_type=JSON)
    assert bad.status_code == 422 and "period_key" in bad.json()["errors"]
    detail = client.get(f"/api/v1/projects/{world.ours.pk}").json()
    assert detail["invested_year"] == 500 * YUAN_PER_WAN


def test_milestone_flags_in_api(client, world):
    services.milestone_add(actor=Actor.system(), project=world.ours, name="开工", planned_date=date(2026, 3, 1))
    client.force_login(world.township)
    milestones = client.get(f"/api/v1/projects/{world.ours.pk}/milestones").json()
    assert milestones[0]["flag"] == "black"


def test_list_query_count_is_constant(client, world, tree, django_assert_max_num_queries):
    client.force_login(world.office)
    client.get("/api/v1/projects")
    with django_assert_max_num_queries(12) as before:
        client.get("/api/v1/projects")
    for n in range(25):
        ProjectFactory(responsible_unit=tree.town_b, name=f"批量{n}")
    with django_assert_max_num_queries(len(before.captured_queries)):  # not one more for 25 more rows
        assert client.get("/api/v1/projects").json()["count"] == 27


def test_a_name_already_used_in_the_unit_is_a_422(client, world):
    client.force_login(world.office)
    payload = {"name": world.ours.name, "enterprise": "x", "total_investment": 1,
               "responsible_unit_id": world.ours.responsible_unit_id}
    response = client.post("/api/v1/projects", payload, content_type=JSON)
    assert response.status_code == 422 and response.json()["errors"] == {"name": ["该责任单位下已有同名项目。"]}
    payload["responsible_unit_id"] = world.theirs.responsible_unit_id  # another unit: a different project
    assert client.post("/api/v1/projects", payload, content_type=JSON).status_code == 201


def _api_name(form_field):
    """The API's name for a ProjectForm field: references by id."""
    if form_field == "co_units":
        return "co_unit_ids"
    is_reference = Project._meta.get_field(form_field).is_relation
    return f"{form_field}_id" if is_reference else form_field


@pytest.mark.parametrize("schema", [ProjectIn, ProjectPatch, ProjectOut])
def test_the_api_reads_and_sets_every_field_the_form_does(schema):
    missing = {_api_name(name) for name in ProjectForm.Meta.fields} - set(schema.model_fields)
    assert not missing, f"{schema.__name__} lacks {sorted(missing)}"


def test_patch_sets_and_get_reads_the_form_only_fields(client, world, tree):
    task_force = UnitFactory(code="tf-api", name="食品专班", kind=UnitKind.TASK_FORCE, parent=tree.zone)
    client.force_login(world.office)
    project = client.get(f"/api/v1/projects/{world.ours.pk}").json()
    values = {"co_unit_ids": [tree.town_b.pk], "task_force_id": task_force.pk, "leader_id": world.office.pk,
              "commissioner_id": world.office.pk, "investment_before": 300 * YUAN_PER_WAN,
              "expected_output": 9_000 * YUAN_PER_WAN, "expected_tax": 123_456, "expected_jobs": 80,
              "standard": "按期开工", "reward_penalty": "通报", "is_city_key": True, "build_nature": "expansion",
              "industry_id": "3670"}
    response = client.patch(f"/api/v1/projects/{world.ours.pk}", {"version": project["version"], **values},
                            content_type=JSON)
    assert response.status_code == 200, response.content
    read = client.get(f"/api/v1/projects/{world.ours.pk}").json()
    assert {name: read[name] for name in values} == values
    assert read["version"] == project["version"] + 1


def test_a_co_unit_outside_the_scope_is_a_422(client, world, tree):
    client.force_login(world.township)
    response = client.patch(f"/api/v1/projects/{world.ours.pk}", {"version": world.ours.version,
                                                                   "co_unit_ids": [tree.town_b.pk]},
                            content_type=JSON)
    assert response.status_code == 422 and "co_units" in response.json()["errors"]
    assert not world.ours.co_units.exists()
