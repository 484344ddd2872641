"""Pages and API: raise from a project page, act on the detail page, the JSON transitions and timeline."""

import pytest

from zoneops.org.models import Scope
from zoneops.org.tests.factories import PersonFactory, grant
from zoneops.problems.choices import Status
from zoneops.problems.models import Problem, ProblemCategory
from zoneops.problems.tests.conftest import actor
from zoneops.problems.tests.factories import CategoryFactory, ProblemFactory
from zoneops.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_project_page_offers_raising_a_problem_that_is_linked_to_it(client, people):
    project = ProjectFactory(name="甲镇食品项目", responsible_unit=people.tree.town_a)
    client.force_login(people.township)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert f"/problems/new/project/{project.pk}/" in page
    category = CategoryFactory(name="测试资金", default_workdays=10)
    response = client.post(f"/problems/new/project/{project.pk}/", {
        "title": "配套资金未到位", "category": category.pk, "description": "二期配套资金缺口",
        "raising_unit": people.tree.town_a.pk, "responsible_unit": people.tree.bureau.pk})
    assert response.status_code == 302, response.content.decode()[-3000:]
    problem = Problem.objects.unscoped().get(title="配套资金未到位")
    assert response.status_code == 302 and response["Location"] == f"/problems/{problem.pk}/"
    assert problem.project == project and problem.raised_by == people.township
    detail = client.get(f"/problems/{problem.pk}/").content.decode()
    assert "甲镇食品项目" in detail and "提出问题" in detail


def test_detail_page_moves_the_problem_and_shows_refusals(client, people, problem):
    client.force_login(people.office)
    page = client.get(f"/problems/{problem.pk}/").content.decode()
    assert 'value="assigned"' in page
    client.post(f"/problems/{problem.pk}/transition/", {"to_status": "assigned"})
    client.force_login(people.department)
    response = client.post(f"/problems/{problem.pk}/transition/", {"to_status": "returned"}, follow=True)
    assert "退回须说明原因。" in response.content.decode()
    client.post(f"/problems/{problem.pk}/note/", {"text": "正在协调"})
    page = client.get(f"/problems/{problem.pk}/").content.decode()
    assert "正在协调" in page and "待交办 → 已交办" in page
    assert Problem.objects.unscoped().get(pk=problem.pk).status == Status.ASSIGNED


def test_the_list_and_detail_are_scoped_including_co_units(client, people, problem):
    co_person = PersonFactory(unit=people.tree.town_b)
    grant(co_person, "township", scope=Scope.UNIT)
    shared = ProblemFactory(actor=actor(people.township), raising_unit=people.tree.town_a, title="共同问题",
                            responsible_unit=people.tree.bureau, co_units=[people.tree.town_b])
    client.force_login(co_person)
    page = client.get("/problems/").content.decode()
    assert "共同问题" in page and "甲镇项目用地问题" not in page
    assert client.get(f"/problems/{problem.pk}/").status_code == 404
    assert client.get(f"/problems/{shared.pk}/").status_code == 200


def _api(client, person):
    client.force_login(person)
    return client


def test_api_raise_transition_timeline(client, people):
    category = CategoryFactory(name="测试水电", default_workdays=3)
    api = _api(client, people.township)
    created = api.post("/api/v1/problems", {
        "title": "供电线路未接入", "category_id": category.pk, "description": "10kV线路",
        "raising_unit_id": people.tree.town_a.pk, "responsible_unit_id": people.tree.bureau.pk,
        "co_unit_ids": [people.tree.town_b.pk]}, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "pending" and body["co_unit_ids"] == [people.tree.town_b.pk]
    pk = body["id"]
    refused = api.post(f"/api/v1/problems/{pk}/transitions", {"to_status": "closed", "rating": 5},
                       content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["errors"]["to_status"] == ["问题不能从“待交办”变更为“已销号”。"]
    api = _api(client, people.office)
    moved = api.post(f"/api/v1/problems/{pk}/transitions", {"to_status": "assigned"}, content_type="application/json")
    assert moved.status_code == 200 and moved.json()["status"] == "assigned"
    history = api.get(f"/api/v1/problems/{pk}/transitions").json()
    assert [(row["from_state"], row["to_state"]) for row in history] == [("pending", "assigned")]
    timeline = api.get(f"/api/v1/problems/{pk}/timeline").json()
    assert [row["kind"] for row in timeline] == ["raised", "state"]
    listed = api.get("/api/v1/problems?status=assigned").json()
    assert [row["id"] for row in listed["items"]] == [pk]


def test_api_refuses_units_and_problems_out_of_scope(client, people, problem):
    category = CategoryFactory(name="测试用工")
    api = _api(client, people.outsider)
    response = api.post("/api/v1/problems", {
        "title": "x", "category_id": category.pk, "description": "x", "raising_unit_id": people.tree.town_a.pk,
        "responsible_unit_id": people.tree.bureau.pk}, content_type="application/json")
    assert response.status_code == 404
    assert api.get(f"/api/v1/problems/{problem.pk}").status_code == 404
    assert api.post(f"/api/v1/problems/{problem.pk}/transitions", {"to_status": "assigned"},
                    content_type="application/json").status_code == 404


def test_categories_are_editable_data_for_holders_of_the_rules_permission(client, people):
    client.force_login(people.office)
    response = client.post("/problems/categories/", {"name": "安全生产", "default_workdays": 7, "sort_order": 20,
                                                     "is_active": "on"})
    assert response.status_code == 302
    category = ProblemCategory.objects.get(name="安全生产")
    assert category.default_workdays == 7
    client.post(f"/problems/categories/{category.pk}/", {"name": "安全生产", "default_workdays": 12,
                                                          "sort_order": 20})
    category.refresh_from_db()
    assert (category.default_workdays, category.is_active) == (12, False)
    assert "安全生产" not in client.get("/problems/new/").content.decode()  # inactive: not offered
    client.force_login(people.township)
    assert client.get("/problems/categories/").status_code == 403
