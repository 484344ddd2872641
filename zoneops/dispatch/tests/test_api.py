"""督办调度 over JSON: each operation as the role that may do it and refused for the others, scope (404),
invalid payloads (422, nothing written), the OpenAPI document and token sign-in."""

from datetime import date, timedelta

import pytest

from zoneops.accounts.services import token_create
from zoneops.audit.context import Actor
from zoneops.core.models import TransitionRecord
from zoneops.dispatch.choices import AgendaKind, MeetingStatus, TaskSource, TaskStatus
from zoneops.dispatch.models import AgendaItem, Decision, Meeting, MeetingAttendee, Task, TaskEvent
from zoneops.dispatch.tests.conftest import actor
from zoneops.jobs.models import Job
from zoneops.org.models import Scope
from zoneops.org.tests.factories import PersonFactory, grant
from zoneops.problems.choices import Status
from zoneops.problems.models import Problem
from zoneops.problems.tests.factories import ProblemFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 9, 28)  # fixed_today
JSON = "application/json"


def _as(client, person):
    client.force_login(person)
    return client


def _post(client, url, body):
    return client.post(url, body, content_type=JSON)


def _counts():
    return (Task.objects.unscoped().count(), TaskEvent.objects.count(), TransitionRecord.objects.count(),
            Meeting.objects.unscoped().count(), AgendaItem.objects.unscoped().count(),
            Decision.objects.unscoped().count(), MeetingAttendee.objects.unscoped().count())


# --- 督办事项 --------------------------------------------------------------------------------------------------

def test_a_task_goes_from_issue_to_close_over_the_api(client, people):
    api = _as(client, people.office)
    created = _post(api, "/api/v1/tasks", {
        "title": "落实签约项目用地", "instruction": "请招商局两周内落实用地。", "owner_unit_id": people.tree.bureau.pk,
        "owner_person_id": people.department.pk, "due_date": "2026-10-12"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["issuing_unit_id"], body["owner_unit_name"]) == ("assigned", people.tree.zone.pk,
                                                                                   "招商局")
    assert (body["owner_person_id"], body["issued_on"], body["source"]) == (people.department.pk, "2026-09-28",
                                                                            "instruction")
    pk = body["id"]
    api = _as(client, people.department)
    assert _post(api, f"/api/v1/tasks/{pk}/transitions", {"to_status": "handling"}).json()["status"] == "handling"
    note = _post(api, f"/api/v1/tasks/{pk}/notes", {"text": "已与自然资源局对接"})
    assert note.status_code == 201 and note.json()["kind"] == "note"
    done = _post(api, f"/api/v1/tasks/{pk}/transitions", {"to_status": "done_requested", "reason": "用地已落实"})
    assert done.status_code == 200 and done.json()["result"] == "用地已落实"
    refused = _post(api, f"/api/v1/tasks/{pk}/transitions", {"to_status": "closed"})  # its own task
    assert refused.status_code == 403 and refused.json() == {"code": "forbidden", "detail": "您无权进行该操作。"}
    api = _as(client, people.office)
    closed = _post(api, f"/api/v1/tasks/{pk}/transitions", {"to_status": "closed"})
    assert (closed.json()["status"], closed.json()["closed_on"]) == ("closed", "2026-09-28")
    history = api.get(f"/api/v1/tasks/{pk}/transitions").json()
    assert [(row["from_state"], row["to_state"]) for row in history] == [
        ("done_requested", "closed"), ("handling", "done_requested"), ("assigned", "handling")]
    assert history[0]["to_label"] == "已办结" and history[0]["actor_id"] == people.office.pk
    timeline = api.get(f"/api/v1/tasks/{pk}/timeline").json()
    assert [row["kind"] for row in timeline] == ["issued", "state", "note", "state", "state"]
    assert timeline[2]["text"] == "已与自然资源局对接" and timeline[2]["actor_id"] == people.department.pk
    assert [row["id"] for row in api.get("/api/v1/tasks?status=closed").json()["items"]] == [pk]
    assert api.get("/api/v1/tasks?status=handling").json()["items"] == []


def test_a_returned_task_is_handed_again_to_another_unit(client, people, task):
    api = _as(client, people.department)
    no_reason = _post(api, f"/api/v1/tasks/{task.pk}/transitions", {"to_status": "returned"})
    assert no_reason.status_code == 422 and no_reason.json()["errors"] == {"reason": ["退回须说明原因。"]}
    assert Task.objects.unscoped().get(pk=task.pk).status == TaskStatus.ASSIGNED
    _post(api, f"/api/v1/tasks/{task.pk}/transitions", {"to_status": "returned", "reason": "不属本局职责"})
    api = _as(client, people.office)
    again = _post(api, f"/api/v1/tasks/{task.pk}/transitions", {
        "to_status": "assigned", "owner_unit_id": people.tree.town_a.pk, "due_date": "2026-10-20"})
    assert again.status_code == 200, again.content
    assert (again.json()["owner_unit_id"], again.json()["due_date"]) == (people.tree.town_a.pk, "2026-10-20")
    assert again.json()["return_reason"] == "不属本局职责"


def test_another_units_task_is_not_found_and_nothing_is_written(client, people, task):
    before = _counts()
    api = _as(client, people.outsider)  # 乙镇: neither issuing nor owning unit
    assert api.get(f"/api/v1/tasks/{task.pk}").status_code == 404
    missing = api.get(f"/api/v1/tasks/{task.pk}/timeline")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert api.get(f"/api/v1/tasks/{task.pk}/transitions").status_code == 404
    assert _post(api, f"/api/v1/tasks/{task.pk}/transitions", {"to_status": "handling"}).status_code == 404
    assert _post(api, f"/api/v1/tasks/{task.pk}/notes", {"text": "越权进展"}).status_code == 404
    assert api.get("/api/v1/tasks").json()["items"] == []
    assert _counts() == before
    assert [row["id"] for row in _as(client, people.department).get("/api/v1/tasks").json()["items"]] == [task.pk]


def test_a_township_cannot_issue_and_nobody_issues_from_a_unit_out_of_reach(client, people):
    before = _counts()
    body = {"title": "越权交办", "instruction": "x", "owner_unit_id": people.tree.bureau.pk, "due_date": "2026-10-12",
            "issuing_unit_id": people.tree.zone.pk}
    refused = _post(_as(client, people.township), "/api/v1/tasks", body)  # no task.issue at all
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    town_leader = PersonFactory(unit=people.tree.town_a, name="甲镇镇长")
    grant(town_leader, "leader", scope=Scope.UNIT)
    assert _post(_as(client, town_leader), "/api/v1/tasks", body).status_code == 404  # the zone is out of reach
    own = _post(_as(client, town_leader), "/api/v1/tasks", body | {"issuing_unit_id": people.tree.town_a.pk,
                                                                     "owner_unit_id": people.tree.town_a.pk})
    assert own.status_code == 201 and own.json()["issuing_unit_id"] == people.tree.town_a.pk
    assert _counts()[0] == before[0] + 1


@pytest.mark.parametrize("body, field", [
    ({"title": ""}, "title"),  # the schema refuses it
    ({"due_date": "2026-09-01"}, "due_date"),  # the service refuses it
    ({"source": "rumour"}, "source"),
    ({"owner_unit_id": 0}, "owner_unit_id"),
])
def test_invalid_tasks_are_422_with_field_errors_and_write_nothing(client, people, body, field):
    before = _counts()
    valid = {"title": "落实用地", "instruction": "请落实。", "owner_unit_id": people.tree.bureau.pk,
             "due_date": "2026-10-12"}
    response = _post(_as(client, people.office), "/api/v1/tasks", valid | body)
    assert response.status_code == 422, response.content
    reply = response.json()
    assert reply["code"] == "invalid" and reply["detail"] == "输入有误。"
    assert field in str(reply["errors"])
    assert _counts() == before


def test_an_owner_person_of_another_unit_is_not_found(client, people):
    response = _post(_as(client, people.office), "/api/v1/tasks", {
        "title": "落实用地", "instruction": "请落实。", "owner_unit_id": people.tree.bureau.pk,
        "owner_person_id": people.township.pk, "due_date": "2026-10-12"})
    assert response.status_code == 404 and "甲镇干部" not in response.content.decode()
    assert not Task.objects.unscoped().exists()


def test_a_closed_task_takes_no_notes(client, people, task):
    Task.objects.unscoped().filter(pk=task.pk).update(status=TaskStatus.CLOSED)
    response = _post(_as(client, people.department), f"/api/v1/tasks/{task.pk}/notes", {"text": "补充"})
    assert response.status_code == 422 and response.json()["errors"] == {"text": ["督办事项已办结。"]}


# --- 调度会 ---------------------------------------------------------------------------------------------------

def _overdue_problem(person, unit, title):
    problem = ProblemFactory(actor=actor(person), raising_unit=unit, responsible_unit=unit, title=title)
    Problem.objects.filter(pk=problem.pk).update(status=Status.HANDLING, due_date=TODAY - timedelta(days=3))
    return problem


@pytest.fixture
def agenda_data(people):
    return (_overdue_problem(people.township, people.tree.town_a, "甲镇超期问题"),
            _overdue_problem(people.outsider, people.tree.town_b, "乙镇超期问题"))


def test_a_meeting_is_created_with_its_agenda_and_run_over_the_api(client, people, agenda_data):
    api = _as(client, people.office)
    created = _post(api, "/api/v1/meetings", {"kind": "weekly", "title": "第39周调度会", "unit_id": people.tree.zone.pk,
                                              "held_on": "2026-09-29", "place": "管委会三楼",
                                              "chair_id": people.leader.pk})
    assert created.status_code == 201, created.content
    meeting = created.json()
    assert (meeting["status"], meeting["chair_id"], meeting["unit_name"]) == ("planned", people.leader.pk, "经开区")
    assert [(item["kind"], item["title"]) for item in meeting["agenda"]] == [
        (AgendaKind.PROBLEM_OVERDUE, "甲镇超期问题"), (AgendaKind.PROBLEM_OVERDUE, "乙镇超期问题")]
    pk = meeting["id"]
    added = _post(api, f"/api/v1/meetings/{pk}/agenda", {"title": "国庆期间安全生产", "unit_id": people.tree.bureau.pk})
    assert added.status_code == 201 and (added.json()["seq"], added.json()["kind"]) == (3, "other")
    attendance = api.put(f"/api/v1/meetings/{pk}/attendance", {"rows": [
        {"unit_id": people.tree.town_a.pk, "person_id": people.township.pk},
        {"unit_id": people.tree.town_b.pk, "present": False, "note": "请假：外出招商"}]}, content_type=JSON)
    assert attendance.status_code == 200, attendance.content
    assert [(row["unit_name"], row["present"]) for row in attendance.json()] == [("甲镇", True), ("乙镇", False)]
    town_a_item = meeting["agenda"][0]
    decided = _post(api, f"/api/v1/meetings/{pk}/decisions", {
        "text": "甲镇10月9日前解决", "agenda_item_id": town_a_item["id"], "owner_unit_id": people.tree.town_a.pk,
        "due_date": "2026-10-09"})
    assert decided.status_code == 201, decided.content
    decision = decided.json()
    task = Task.objects.unscoped().get(pk=decision["task_id"])
    assert (task.source, task.issuing_unit, task.owner_unit) == (TaskSource.MEETING, people.tree.zone,
                                                                 people.tree.town_a)
    assert task.problem_id == town_a_item["problem_id"] and task.decision_id == decision["id"]
    assert _as(client, people.office).get(f"/api/v1/tasks/{task.pk}").json()["meeting_id"] == pk
    _post(api, f"/api/v1/meetings/{pk}/decisions", {"text": "乙镇同步推进", "owner_unit_id": people.tree.town_b.pk,
                                                    "due_date": "2026-10-09"})
    held = _post(api, f"/api/v1/meetings/{pk}/hold", {"summary": "通报超期问题"})
    assert held.status_code == 200 and held.json()["status"] == MeetingStatus.HELD
    assert Job.objects.filter(kind="dispatch.minutes", params={"meeting": pk}).count() == 1
    late = _post(api, f"/api/v1/meetings/{pk}/agenda/refresh", {})
    assert late.status_code == 422 and late.json()["errors"] == {"__all__": ["会议已召开，议程不能再更新。"]}
    detail = api.get(f"/api/v1/meetings/{pk}").json()
    assert [row["text"] for row in detail["decisions"]] == ["甲镇10月9日前解决", "乙镇同步推进"]
    assert len(detail["agenda"]) == 3 and len(detail["attendees"]) == 2
    listed = api.get("/api/v1/meetings?status=held").json()["items"]
    assert [row["id"] for row in listed] == [pk] and api.get("/api/v1/meetings?kind=topic").json()["items"] == []


def test_an_attending_unit_sees_only_what_concerns_it(client, people, agenda_data):
    from zoneops.dispatch import services

    office = actor(people.office)
    meeting = services.meeting_create(actor=office, kind="weekly", title="第39周调度会", unit=people.tree.zone,
                                      held_on=TODAY)
    items = list(meeting.agenda.order_by("seq"))
    services.attendance_save(actor=office, meeting=meeting, rows=[{"unit": people.tree.town_a}])
    services.decision_record(actor=office, meeting=meeting, text="甲镇限期解决", owner_unit=people.tree.town_a,
                             due_date=date(2026, 10, 9), agenda_item=items[0])
    services.decision_record(actor=office, meeting=meeting, text="乙镇限期解决", owner_unit=people.tree.town_b,
                             due_date=date(2026, 10, 9), agenda_item=items[1])
    seen = _as(client, people.township).get(f"/api/v1/meetings/{meeting.pk}")
    assert seen.status_code == 200
    body = seen.json()
    assert [item["title"] for item in body["agenda"]] == ["甲镇超期问题"]
    assert [row["text"] for row in body["decisions"]] == ["甲镇限期解决"]
    assert [row["unit_id"] for row in body["attendees"]] == [people.tree.town_a.pk]
    assert "乙镇" not in seen.content.decode()
    assert _as(client, people.department).get(f"/api/v1/meetings/{meeting.pk}").status_code == 404  # not attending
    assert [row["id"] for row in _as(client, people.township).get("/api/v1/meetings").json()["items"]] == [meeting.pk]


def test_only_the_organiser_manages_a_meeting(client, people, meeting):
    from zoneops.dispatch import services

    services.attendance_save(actor=actor(people.office), meeting=meeting, rows=[{"unit": people.tree.town_a}])
    before = _counts()
    api = _as(client, people.township)  # sees the meeting (attends), may not manage it
    for url, body in ((f"/api/v1/meetings/{meeting.pk}/agenda", {"title": "擅加议题"}),
                      (f"/api/v1/meetings/{meeting.pk}/agenda/refresh", {}),
                      (f"/api/v1/meetings/{meeting.pk}/hold", {}),
                      (f"/api/v1/meetings/{meeting.pk}/decisions",
                       {"text": "擅定", "owner_unit_id": people.tree.town_a.pk, "due_date": "2026-10-09"})):
        response = _post(api, url, body)
        assert response.status_code == 403, (url, response.content)
    assert api.put(f"/api/v1/meetings/{meeting.pk}/attendance", {"rows": []}, content_type=JSON).status_code == 403
    assert _post(api, "/api/v1/meetings", {"title": "甲镇调度会", "unit_id": people.tree.town_a.pk,
                                           "held_on": "2026-09-30"}).status_code == 403
    outsider = _as(client, people.outsider)
    assert _post(outsider, f"/api/v1/meetings/{meeting.pk}/hold", {}).status_code == 404
    assert outsider.get(f"/api/v1/meetings/{meeting.pk}").status_code == 404
    assert _counts() == before
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.PLANNED


@pytest.mark.parametrize("url, body, field", [
    ("/api/v1/meetings", {"title": "", "held_on": "2026-09-30"}, "title"),
    ("/api/v1/meetings", {"title": "例会", "kind": "party"}, "kind"),
    ("{meeting}/agenda", {"title": ""}, "title"),
    ("{meeting}/decisions", {"text": "无期限的决定", "owner_unit_id": "{bureau}"}, "due_date"),
    ("{meeting}/decisions", {"text": "无单位的决定", "due_date": "2026-10-09"}, "owner_unit"),
    ("{meeting}/decisions", {"text": "问题意见", "kind": "problem"}, "agenda_item"),
])
def test_invalid_meeting_payloads_are_422_and_write_nothing(client, people, meeting, url, body, field):
    url = url.replace("{meeting}", f"/api/v1/meetings/{meeting.pk}")
    body = {key: people.tree.bureau.pk if value == "{bureau}" else value for key, value in body.items()}
    if url == "/api/v1/meetings":
        body = {"unit_id": people.tree.zone.pk, "held_on": "2026-09-30"} | body
    before = _counts()
    response = _post(_as(client, people.office), url, body)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid" and field in str(response.json()["errors"])
    assert _counts() == before


def test_attendance_refuses_a_person_of_another_unit_without_naming_them(client, people, meeting):
    response = _as(client, people.office).put(f"/api/v1/meetings/{meeting.pk}/attendance", {"rows": [
        {"unit_id": people.tree.town_a.pk, "person_id": people.outsider.pk}]}, content_type=JSON)
    assert response.status_code == 404 and "乙镇干部" not in response.content.decode()
    duplicate = _as(client, people.office).put(f"/api/v1/meetings/{meeting.pk}/attendance", {"rows": [
        {"unit_id": people.tree.town_a.pk}, {"unit_id": people.tree.town_a.pk}]}, content_type=JSON)
    assert duplicate.status_code == 422 and duplicate.json()["errors"] == {"rows.1": ["甲镇重复。"]}
    assert not MeetingAttendee.objects.unscoped().exists()


# --- The document and token sign-in ------------------------------------------------------------------------------

def _bearer(person):
    _token, raw = token_create(actor=Actor.system(), person=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_openapi_document_describes_the_task_transitions(client, people):
    document = client.get("/api/v1/openapi.json", **_bearer(people.department)).json()
    schemas = document["components"]["schemas"]
    described = schemas["TaskTransitionIn"]["properties"]["to_status"]["description"]
    assert "已交办→办理中" in described and "办理中→退回（须说明原因）" in described and "申请办结→已办结" in described
    # The problems' own TransitionIn keeps its description (schemas of one name would overwrite each other).
    assert "已销号" in schemas["TransitionIn"]["properties"]["to_status"]["description"]
    assert {"/api/v1/tasks/{task_id}/transitions", "/api/v1/meetings/{meeting_id}/decisions",
            "/api/v1/meetings/{meeting_id}/attendance"} <= set(document["paths"])
    assert document["paths"]["/api/v1/tasks"]["get"]["tags"] == ["督办调度"]


def test_a_token_signs_in_without_a_session(client, people, task):
    headers = _bearer(people.department)
    assert client.get("/api/v1/tasks").status_code == 401
    listed = client.get("/api/v1/tasks", **headers)
    assert [row["title"] for row in listed.json()["items"]] == ["招商局签约项目落地"]
    moved = client.post(f"/api/v1/tasks/{task.pk}/transitions", {"to_status": "handling"}, content_type=JSON,
                        **headers)
    assert moved.status_code == 200 and moved.json()["status"] == "handling"
    assert TransitionRecord.objects.get(object_id=task.pk, machine="task.status").actor == people.department
