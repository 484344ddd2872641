"""督办调度 pages through the Django test client: who sees which page, issuing and moving a task, notes,
the meeting page (agenda, attendance, decisions, holding it, the minutes) and bounded query counts."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zoneops.audit.models import AuditEntry
from zoneops.core.models import TransitionRecord
from zoneops.dispatch import services
from zoneops.dispatch.choices import AgendaKind, DecisionKind, MeetingStatus, TaskStatus
from zoneops.dispatch.models import Decision, Meeting, Task, TaskEvent
from zoneops.dispatch.tests.conftest import actor
from zoneops.dispatch.tests.factories import MeetingFactory, TaskFactory
from zoneops.jobs.models import Job
from zoneops.org.models import Scope
from zoneops.org.tests.factories import PersonFactory, grant
from zoneops.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def issue(people, *, owner=None, **changes):
    values = {"title": "推进甲镇项目用地报批", "instruction": "请招商局牵头，月底前完成报批。",
              "owner_unit": owner or people.tree.bureau, "due_date": date(2026, 10, 16),
              "issuing_unit": people.tree.zone} | changes
    return TaskFactory(actor=actor(people.office), **values)


def page(client, person, url):
    client.force_login(person)
    response = client.get(url)
    return response, response.content.decode()


# --- 督办事项: list and detail ---------------------------------------------------------------------------------

def test_the_task_list_is_scoped_per_role_and_needs_task_view(client, people):
    issue(people, title="招商局的督办")
    issue(people, title="乙镇的督办", owner=people.tree.town_b)
    _, html = page(client, people.department, "/dispatch/tasks/")
    assert "招商局的督办" in html and "乙镇的督办" not in html and "交办督办</a>" not in html
    _, html = page(client, people.outsider, "/dispatch/tasks/")
    assert "乙镇的督办" in html and "招商局的督办" not in html
    _, html = page(client, people.leader, "/dispatch/tasks/")
    assert "招商局的督办" in html and "乙镇的督办" in html and "/dispatch/tasks/new/" in html
    nobody = PersonFactory(unit=people.tree.town_a)
    grant(nobody, "commissioner", scope=Scope.OWN)  # no task.view
    assert page(client, nobody, "/dispatch/tasks/")[0].status_code == 403
    assert page(client, nobody, "/dispatch/meetings/")[0].status_code == 403


def test_the_list_filters_mine_issued_and_overdue_with_a_deadline_badge(client, people):
    issue(people, title="已过期的督办", issued_on=date(2026, 9, 1), due_date=date(2026, 9, 10))
    issue(people, title="节前到期的督办", due_date=date(2026, 9, 30))
    issue(people, title="节后的督办", due_date=date(2026, 10, 16))
    TaskFactory(actor=actor(people.leader), title="领导交办甲镇", owner_unit=people.tree.town_a,
                issuing_unit=people.tree.zone, due_date=date(2026, 10, 16))
    _, html = page(client, people.office, "/dispatch/tasks/")
    assert '<span class="badge text-bg-danger">已超期</span>' in html
    assert '<span class="badge text-bg-warning">即将到期</span>' in html
    _, html = page(client, people.office, "/dispatch/tasks/?deadline=overdue")
    assert "已过期的督办" in html and "节前到期的督办" not in html and "节后的督办" not in html
    _, html = page(client, people.office, "/dispatch/tasks/?deadline=due_soon")
    assert "节前到期的督办" in html and "已过期的督办" not in html
    _, html = page(client, people.office, "/dispatch/tasks/?mine=issued")
    assert "节后的督办" in html and "领导交办甲镇" not in html
    _, html = page(client, people.township, "/dispatch/tasks/?mine=owner")
    assert "领导交办甲镇" in html and "节后的督办" not in html
    _, html = page(client, people.office, "/dispatch/tasks/?status=handling")
    assert "暂无数据" in html


def test_the_excel_export_holds_the_filtered_rows_with_the_deadline_as_text(client, people):
    issue(people, title="已过期的督办", issued_on=date(2026, 9, 1), due_date=date(2026, 9, 10))
    issue(people, title="节后的督办")
    client.force_login(people.office)
    response = client.get("/dispatch/tasks/?deadline=overdue&export=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                              if response.streaming else response.content)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    header = next(row for row in rows if "时限" in row)
    body = [dict(zip(header, row, strict=True)) for row in rows[rows.index(header) + 1:] if any(row)]
    assert [(row["督办事项"], row["时限"]) for row in body] == [("已过期的督办", "已超期")]
    assert AuditEntry.objects.filter(action="export").count() == 1


def test_another_townships_task_is_a_404_and_the_detail_offers_the_owners_moves(client, people):
    task = issue(people)
    client.force_login(people.outsider)
    assert client.get(f"/dispatch/tasks/{task.pk}/").status_code == 404
    assert client.post(f"/dispatch/tasks/{task.pk}/transition/", {"to_status": "handling"}).status_code == 404
    assert client.post(f"/dispatch/tasks/{task.pk}/note/", {"text": "路过"}).status_code == 404
    assert page(client, people.outsider, "/dispatch/tasks/999999/")[0].status_code == 404
    response, html = page(client, people.department, f"/dispatch/tasks/{task.pk}/")
    assert response.status_code == 200
    assert 'value="handling"' in html and "签收办理" in html and 'value="returned"' in html
    assert "请招商局牵头" in html and "交办" in html
    _, html = page(client, people.leader, f"/dispatch/tasks/{task.pk}/")  # issues, does not handle
    assert 'name="to_status"' not in html and "记录进展" in html
    assert Task.objects.get(pk=task.pk).status == TaskStatus.ASSIGNED


# --- 督办事项: issuing and moving through the pages ------------------------------------------------------------

def test_issuing_from_the_page_and_a_bad_date_beside_its_field_writes_nothing(client, people):
    client.force_login(people.office)
    form = {"title": "推进污水管网接入", "instruction": "请于国庆后完成方案比选。", "source": "instruction",
            "owner_unit": people.tree.bureau.pk, "owner_person": people.department.pk, "due_date": "2026-09-01"}
    response = client.post("/dispatch/tasks/new/", form)
    html = response.content.decode()
    assert response.status_code == 400 and "办结时限不能早于交办日期。" in html and 'class="invalid-feedback' in html
    response = client.post("/dispatch/tasks/new/", form | {"title": ""})
    assert response.status_code == 400 and "此项必填" in response.content.decode()
    assert not Task.objects.exists() and not TaskEvent.objects.exists()
    response = client.post("/dispatch/tasks/new/", form | {"due_date": "2026-10-16"})
    task = Task.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/dispatch/tasks/{task.pk}/"
    assert (task.owner_unit, task.owner_person, task.issued_by) == (
        people.tree.bureau, people.department, people.office)
    assert "已交办“推进污水管网接入”给招商局。" in client.get(response["Location"]).content.decode()


def test_the_issue_page_is_for_task_issue_and_offers_only_assignable_units(client, people):
    assert page(client, people.department, "/dispatch/tasks/new/")[0].status_code == 403
    response, html = page(client, people.office, "/dispatch/tasks/new/")
    assert response.status_code == 200 and "招商局" in html and "渭南市" not in html  # the city is above the zone
    client.post("/dispatch/tasks/new/", {"title": "x", "instruction": "y", "source": "instruction",
                                         "owner_unit": people.tree.city.pk, "due_date": "2026-10-16"})
    assert not Task.objects.exists()


def test_issuing_from_a_project_page_links_the_task_to_the_project(client, people):
    project = ProjectFactory(name="甲镇食品项目", responsible_unit=people.tree.town_a)
    _, html = page(client, people.office, f"/projects/{project.pk}/")
    assert f"/dispatch/tasks/new/project/{project.pk}/" in html and f"/dispatch/tasks/?project={project.pk}" in html
    _, html = page(client, people.township, f"/projects/{project.pk}/")  # handles tasks, does not issue
    assert "/dispatch/tasks/new/project/" not in html and f"/dispatch/tasks/?project={project.pk}" in html
    response, html = page(client, people.office, f"/dispatch/tasks/new/project/{project.pk}/")
    assert "甲镇食品项目" in html and f'<option value="{people.tree.town_a.pk}" selected>' in html
    client.post(f"/dispatch/tasks/new/project/{project.pk}/", {
        "title": "甲镇食品项目：加快设备进场", "instruction": "周五前设备进场。", "source": "instruction",
        "owner_unit": people.tree.town_a.pk, "due_date": "2026-10-16"})
    task = Task.objects.get()
    assert task.project == project
    _, html = page(client, people.township, f"/dispatch/tasks/?project={project.pk}")
    assert "加快设备进场" in html and "项目：甲镇食品项目" in html
    elsewhere = ProjectFactory(name="市级项目", responsible_unit=people.tree.city)  # outside the office's tree
    assert page(client, people.office, f"/dispatch/tasks/new/project/{elsewhere.pk}/")[0].status_code == 404


def test_a_move_through_the_page_and_a_replayed_form_is_refused_with_a_message(client, people):
    task = issue(people)
    client.force_login(people.department)
    form = {"to_status": "handling", "from_status": "assigned"}
    response = client.post(f"/dispatch/tasks/{task.pk}/transition/", form)
    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).status == TaskStatus.HANDLING
    replay = client.post(f"/dispatch/tasks/{task.pk}/transition/", form, follow=True)
    assert replay.status_code == 200 and "本次提交未执行" in replay.content.decode()
    bare = client.post(f"/dispatch/tasks/{task.pk}/transition/", {"to_status": "handling"})  # no from_status
    assert bare.status_code == 400 and "督办事项已处于该状态。" in bare.content.decode()
    assert TransitionRecord.objects.filter(machine="task.status", object_id=task.pk).count() == 1
    assert TaskEvent.objects.filter(task=task, kind="state").count() == 1


def test_a_move_without_its_reason_shows_the_error_and_writes_nothing(client, people):
    task = issue(people)
    client.force_login(people.department)
    response = client.post(f"/dispatch/tasks/{task.pk}/transition/", {"to_status": "returned",
                                                                        "from_status": "assigned"})
    assert response.status_code == 400 and "退回须说明原因。" in response.content.decode()
    refused = client.post(f"/dispatch/tasks/{task.pk}/transition/", {"to_status": "closed",
                                                                       "from_status": "assigned"})
    assert refused.status_code == 400 and "督办事项不能从“已交办”变更为“已办结”。" in refused.content.decode()
    unknown = client.post(f"/dispatch/tasks/{task.pk}/transition/", {"to_status": "nonsense"})
    assert unknown.status_code == 400 and "未知的操作。" in unknown.content.decode()
    assert Task.objects.get(pk=task.pk).status == TaskStatus.ASSIGNED
    assert not TransitionRecord.objects.filter(machine="task.status").exists()


def test_a_returned_task_is_handed_to_another_unit_from_the_page(client, people):
    task = issue(people)
    client.force_login(people.department)
    client.post(f"/dispatch/tasks/{task.pk}/transition/", {"to_status": "returned", "from_status": "assigned",
                                                           "reason": "属甲镇职责"})
    response, html = page(client, people.office, f"/dispatch/tasks/{task.pk}/")
    assert "重新交办" in html and "属甲镇职责" in html and 'name="owner_unit"' in html
    bad = client.post(f"/dispatch/tasks/{task.pk}/transition/", {
        "to_status": "assigned", "from_status": "returned", "owner_unit": people.tree.town_a.pk,
        "due_date": "2026-09-01"})
    assert bad.status_code == 400 and "办结时限不能早于今天。" in bad.content.decode()
    assert Task.objects.get(pk=task.pk).owner_unit == people.tree.bureau
    client.post(f"/dispatch/tasks/{task.pk}/transition/", {
        "to_status": "assigned", "from_status": "returned", "owner_unit": people.tree.town_a.pk,
        "owner_person": people.township.pk, "due_date": "2026-10-23"})
    task.refresh_from_db()
    assert (task.status, task.owner_unit, task.owner_person, task.due_date) == (
        TaskStatus.ASSIGNED, people.tree.town_a, people.township, date(2026, 10, 23))


def test_notes_through_the_page_and_an_empty_one_is_refused(client, people):
    task = issue(people)
    client.force_login(people.department)
    empty = client.post(f"/dispatch/tasks/{task.pk}/note/", {"text": "   "})
    assert empty.status_code == 400 and "请填写办理进展。" in empty.content.decode()
    assert not task.events.filter(kind="note").exists()
    response = client.post(f"/dispatch/tasks/{task.pk}/note/", {"text": "已对接自然资源局"})
    assert response.status_code == 302
    assert "已对接自然资源局" in client.get(f"/dispatch/tasks/{task.pk}/").content.decode()


def _tasks(people, n):
    for i in range(n):
        issue(people, title=f"批量督办{i}", owner=people.tree.bureau if i % 2 else people.tree.town_a,
              owner_person=people.department if i % 2 else None,
              project=ProjectFactory(responsible_unit=people.tree.town_a) if i % 3 == 0 else None)


def test_the_task_list_runs_a_bounded_number_of_queries(client, people, django_assert_max_num_queries):
    _tasks(people, 5)
    client.force_login(people.office)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/dispatch/tasks/?size=50").status_code == 200
    _tasks(people, 25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/dispatch/tasks/?size=50")
    assert response.content.decode().count("批量督办") == 30


# --- 调度会 -------------------------------------------------------------------------------------------------------

@pytest.fixture
def meeting(people):
    meeting = MeetingFactory(actor=actor(people.office), unit=people.tree.zone, title="第40周调度会",
                             held_on=date(2026, 9, 29))
    services.agenda_add(actor=actor(people.office), meeting=meeting, title="招商局议题", unit=people.tree.bureau)
    services.agenda_add(actor=actor(people.office), meeting=meeting, title="乙镇议题", unit=people.tree.town_b)
    return meeting


def test_creating_a_meeting_from_the_page(client, people):
    assert page(client, people.department, "/dispatch/meetings/new/")[0].status_code == 403
    grant(PersonFactory(unit=people.tree.zone, name="安全管理员甲"), "security_admin", scope=Scope.ALL)
    response, html = page(client, people.office, "/dispatch/meetings/new/")
    assert response.status_code == 200 and "经开区" in html
    assert "区领导" in html and "安全管理员甲" not in html  # the 主持人 choices never offer an administrator
    bad = client.post("/dispatch/meetings/new/", {"kind": "weekly", "title": " ", "unit": people.tree.zone.pk,
                                                  "held_on": "2026-09-29"})
    assert bad.status_code == 400 and not Meeting.objects.exists()
    response = client.post("/dispatch/meetings/new/", {"kind": "weekly", "title": "第40周调度会",
                                                       "unit": people.tree.zone.pk, "held_on": "2026-09-29",
                                                       "place": "管委会三楼会议室", "chair": people.leader.pk})
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/dispatch/meetings/{meeting.pk}/"
    assert (meeting.unit, meeting.chair, meeting.created_by) == (people.tree.zone, people.leader, people.office)
    _, html = page(client, people.office, "/dispatch/meetings/")
    assert "第40周调度会" in html and "新建调度会" in html


def test_the_meeting_page_is_scoped_and_an_attending_unit_sees_only_its_items(client, people, meeting):
    response, html = page(client, people.office, f"/dispatch/meetings/{meeting.pk}/")
    assert response.status_code == 200 and "招商局议题" in html and "乙镇议题" in html and "会议已召开" in html
    _, html = page(client, people.leader, f"/dispatch/meetings/{meeting.pk}/")
    assert "乙镇议题" in html and "记录决定" not in html and "刷新议程" not in html
    assert page(client, people.department, f"/dispatch/meetings/{meeting.pk}/")[0].status_code == 404
    assert "第40周调度会" not in page(client, people.department, "/dispatch/meetings/")[1]
    client.force_login(people.office)
    response = client.post(f"/dispatch/meetings/{meeting.pk}/attendance/", {
        "att-TOTAL_FORMS": "2", "att-INITIAL_FORMS": "0", "att-0-unit": people.tree.bureau.pk, "att-0-present": "on",
        "att-1-unit": "", "att-1-note": ""})
    assert response.status_code == 302
    response, html = page(client, people.department, f"/dispatch/meetings/{meeting.pk}/")
    assert response.status_code == 200 and "招商局议题" in html and "乙镇议题" not in html
    assert "第40周调度会" in page(client, people.department, "/dispatch/meetings/")[1]
    assert page(client, people.outsider, f"/dispatch/meetings/{meeting.pk}/")[0].status_code == 404
    client.force_login(people.department)
    refused = client.post(f"/dispatch/meetings/{meeting.pk}/agenda/refresh/", follow=True)  # not an organiser
    assert "您无权组织该单位的调度会。" in refused.content.decode()
    decided = client.post(f"/dispatch/meetings/{meeting.pk}/decisions/", {"item": "", "free-kind": "task",
                                                                            "free-text": "x"})
    assert decided.status_code == 400 and "您无权组织该单位的调度会。" in decided.content.decode()
    assert not Decision.objects.exists()


def test_the_agenda_is_grouped_by_kind_refreshed_and_added_to_while_planned(client, people, meeting):
    client.force_login(people.office)
    empty = client.post(f"/dispatch/meetings/{meeting.pk}/agenda/add/", {"title": " "})
    assert empty.status_code == 400 and "请填写议题" in empty.content.decode()
    assert meeting.agenda.count() == 2
    client.post(f"/dispatch/meetings/{meeting.pk}/agenda/add/", {"title": "园区道路施工协调", "detail": "占道审批"})
    refreshed = client.post(f"/dispatch/meetings/{meeting.pk}/agenda/refresh/", follow=True).content.decode()
    assert "议程已按当前数据更新" in refreshed and "园区道路施工协调" in refreshed
    assert f"{AgendaKind.OTHER.label} <span" in refreshed


def test_decisions_become_tasks_and_a_bad_one_is_refused_beside_its_field(client, people, meeting):
    item = meeting.agenda.get(title="招商局议题")
    client.force_login(people.office)
    prefix = f"item{item.pk}"
    bad = client.post(f"/dispatch/meetings/{meeting.pk}/decisions/", {
        "item": item.pk, f"{prefix}-kind": "task", f"{prefix}-text": "十月底前完成签约",
        f"{prefix}-owner_unit": people.tree.bureau.pk})
    assert bad.status_code == 400 and "督办事项须有办结时限。" in bad.content.decode()
    problem_kind = client.post(f"/dispatch/meetings/{meeting.pk}/decisions/", {
        "item": item.pk, f"{prefix}-kind": "problem", f"{prefix}-text": "x"})  # not a problem item
    assert problem_kind.status_code == 400
    stranger = client.post(f"/dispatch/meetings/{meeting.pk}/decisions/", {"item": "999999"}, follow=True)
    assert "该议题不存在或不属于本次会议。" in stranger.content.decode()
    assert not Decision.objects.exists() and not Task.objects.exists()
    response = client.post(f"/dispatch/meetings/{meeting.pk}/decisions/", {
        "item": item.pk, f"{prefix}-kind": "task", f"{prefix}-text": "十月底前完成签约",
        f"{prefix}-owner_unit": people.tree.bureau.pk, f"{prefix}-due_date": "2026-10-30"})
    assert response.status_code == 302
    decision = Decision.objects.get()
    task = Task.objects.get(decision=decision)
    assert (decision.agenda_item, decision.kind, task.owner_unit) == (item, DecisionKind.TASK, people.tree.bureau)
    html = client.get(f"/dispatch/meetings/{meeting.pk}/").content.decode()
    assert f'href="/dispatch/tasks/{task.pk}/"' in html and "十月底前完成签约" in html
    free = client.post(f"/dispatch/meetings/{meeting.pk}/decisions/", {
        "item": "", "free-kind": "task", "free-text": "各镇报送用工需求", "free-owner_unit": people.tree.town_a.pk,
        "free-due_date": "2026-10-16"})
    assert free.status_code == 302 and Task.objects.filter(title="各镇报送用工需求", decision__isnull=False).exists()


def test_holding_the_meeting_queues_the_minutes_and_freezes_the_agenda(client, people, meeting):
    client.force_login(people.office)
    response = client.post(f"/dispatch/meetings/{meeting.pk}/hold/", {"summary": "会议听取了各单位汇报。"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and meeting.summary == "会议听取了各单位汇报。"
    assert Job.objects.filter(kind="dispatch.minutes", params__meeting=meeting.pk).count() == 1
    html = client.get(f"/dispatch/meetings/{meeting.pk}/").content.decode()
    assert "纪要生成中" in html and "刷新议程" not in html and 'hx-trigger="every 3s"' in html
    partial = client.get(f"/dispatch/meetings/{meeting.pk}/", headers={"HX-Request": "true", "HX-Target": "minutes"})
    assert "纪要生成中" in partial.content.decode() and "<html" not in partial.content.decode()
    again = client.post(f"/dispatch/meetings/{meeting.pk}/hold/", {"summary": "再来一次"}, follow=True)
    assert [str(m) for m in again.context["messages"]] == ["会议已召开。"]
    assert Meeting.objects.get(pk=meeting.pk).summary == "会议听取了各单位汇报。"
    frozen = client.post(f"/dispatch/meetings/{meeting.pk}/agenda/refresh/", follow=True)
    assert "会议已召开，议程不能再更新。" in frozen.content.decode()


def test_the_minutes_download_is_for_the_organising_scope_and_audited(client, people, meeting, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    services.attendance_save(actor=actor(people.office), meeting=meeting,
                             rows=[{"unit": people.tree.bureau, "present": True}])
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.HELD)
    meeting.refresh_from_db()
    meeting.minutes_at = timezone.now()
    meeting.minutes_docx.save("m.docx", ContentFile(b"docx-bytes"), save=False)
    meeting.minutes_pdf.save("m.pdf", ContentFile(b"%PDF-1.7"), save=True)
    client.force_login(people.office)
    html = client.get(f"/dispatch/meetings/{meeting.pk}/").content.decode()
    assert f"/dispatch/meetings/{meeting.pk}/minutes/docx/" in html and "重新生成" in html
    response = client.get(f"/dispatch/meetings/{meeting.pk}/minutes/pdf/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.7"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert "%E4%BC%9A%E8%AE%AE%E7%BA%AA%E8%A6%81" in response["Content-Disposition"]  # 会议纪要
    assert client.get(f"/dispatch/meetings/{meeting.pk}/minutes/xlsx/").status_code == 404
    assert AuditEntry.objects.filter(action="meeting.minutes_download", object_id=str(meeting.pk)).count() == 1
    _, html = page(client, people.department, f"/dispatch/meetings/{meeting.pk}/")  # attends, sees its items
    assert "/minutes/docx/" not in html
    assert client.get(f"/dispatch/meetings/{meeting.pk}/minutes/docx/").status_code == 404
    client.force_login(people.outsider)
    assert client.get(f"/dispatch/meetings/{meeting.pk}/minutes/docx/").status_code == 404
    assert AuditEntry.objects.filter(action="meeting.minutes_download").count() == 1
    client.force_login(people.office)
    again = client.post(f"/dispatch/meetings/{meeting.pk}/minutes/", follow=True)
    assert "已重新生成纪要" in again.content.decode() and "纪要生成中" in again.content.decode()
    assert Job.objects.filter(kind="dispatch.minutes").count() == 1


def test_a_problem_item_takes_a_problem_decision_onto_the_problems_timeline(client, people):
    from zoneops.problems import services as problem_services
    from zoneops.problems.models import ProblemEvent
    from zoneops.problems.tests.factories import ProblemFactory

    problem = ProblemFactory(raising_unit=people.tree.town_a, responsible_unit=people.tree.bureau,
                             title="甲镇用地问题", workdays=5, raised_on=date(2026, 9, 1))
    problem_services.problem_transition(actor=actor(people.office), problem=problem, to_status="assigned",
                                        on=date(2026, 9, 2))  # due five working days later: overdue now
    meeting = MeetingFactory(actor=actor(people.office), unit=people.tree.zone, title="第40周调度会",
                             held_on=date(2026, 9, 29))
    item = meeting.agenda.get(problem=problem)
    assert item.kind == AgendaKind.PROBLEM_OVERDUE
    client.force_login(people.office)
    html = client.get(f"/dispatch/meetings/{meeting.pk}/").content.decode()
    assert f'name="item{item.pk}-kind"' in html and 'value="problem" selected' in html
    response = client.post(f"/dispatch/meetings/{meeting.pk}/decisions/", {
        "item": item.pk, f"item{item.pk}-kind": "problem", f"item{item.pk}-text": "国庆后一周内完成组卷"})
    assert response.status_code == 302
    note = ProblemEvent.objects.filter(problem=problem, kind="note").get()
    assert note.text == "第40周调度会决定：国庆后一周内完成组卷"
    assert not Task.objects.exists() and Decision.objects.get().owner_unit == people.tree.bureau
