"""问题 → 调度会 → 督办事项 in a real browser: a township raises a problem from its project page, the
project office assigns it, the responsible department handles it and asks for 销号, the township approves
with a rating; the project office's weekly 调度会 then lists an overdue problem (not the closed one), its
decision becomes a 督办事项, and the department takes it up from its workbench on a phone."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from zoneops.audit.context import Actor
from zoneops.core.money import YUAN_PER_WAN
from zoneops.dispatch.models import Task
from zoneops.org.models import Person, Scope, Unit
from zoneops.org.services import grant_create, person_create
from zoneops.org.tests.factories import role
from zoneops.problems import services as problems
from zoneops.problems.choices import Status
from zoneops.problems.models import Problem, ProblemCategory
from zoneops.projects import services as projects
from zoneops.tests.browser.conftest import DEMO_PASSWORD, LAPTOP, PHONE, Tab
from zoneops.tests.browser.test_foundation import sign_in

PROJECT = "辛市镇新型建材产业园项目"
RAISED = "建材产业园二期用地报批材料退回"
OVERDUE = "建材产业园供水管线迁改超期未完成"
DEPARTMENT_PASSWORD = "Chubei#2026zone"
MEETING = "第40周项目建设调度会"
DECISION = "土地储备中心两周内完成管线迁改方案并报管委会"


@pytest.fixture
def world(demo_zone):
    """A 辛市镇 project, a 土地储备中心 clerk (部门业务), and a problem of that centre already overdue."""
    system = Actor.system()
    town, centre = Unit.objects.get(code="jkq-xsz"), Unit.objects.get(code="jkq-tc")
    clerk = person_create(actor=system, username="tc-clerk", name="郑储备", unit=centre, title="科员",
                          password=DEPARTMENT_PASSWORD)
    Person.objects.filter(pk=clerk.pk).update(must_change_password=False)
    grant_create(actor=system, person=clerk, role=role("department"), scope=Scope.UNIT)
    today = timezone.localdate()
    project = projects.project_create(
        actor=system, name=PROJECT, enterprise="渭南新型建材有限公司", responsible_unit=town,
        total_investment=36_000 * YUAN_PER_WAN, year_plan_investment=9_000 * YUAN_PER_WAN,
        planned_start=today - timedelta(days=60), planned_completion=today + timedelta(days=400))
    late = problems.problem_raise(
        actor=Actor(person=Person.objects.get(username="demo-town-a")), title=OVERDUE,
        category=ProblemCategory.objects.get(name="水电气"), description="供水管线迁改影响二期开工。",
        raising_unit=town, responsible_unit=centre, project=project, workdays=5,
        raised_on=today - timedelta(days=30))
    problems.problem_transition(actor=system, problem=late, to_status=Status.ASSIGNED,
                                on=today - timedelta(days=29))
    return type("World", (), {"project": project, "clerk": clerk, "centre": centre, "late": late})


@pytest.fixture
def shots(artifacts):
    """Where the screenshots go: test-artifacts/, or ZONEOPS_SCREENSHOTS to look at them elsewhere."""
    folder = Path(os.environ.get("ZONEOPS_SCREENSHOTS") or artifacts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _tab(browser, live_server, username, password=DEMO_PASSWORD, viewport=LAPTOP, **options):
    tab = Tab(browser, live_server, viewport=viewport, **options)
    sign_in(tab.page, username, password)
    expect(tab.page.locator(".zo-topbar")).to_be_visible()
    return tab


def _move(page, label, **fields):
    """Take a move on the problem page (its one form: 操作 + fields)."""
    page.locator("#to_status").select_option(label=label)
    for name, value in fields.items():
        page.locator(f"#{name}").fill(value)
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("已更新。")).to_be_visible()


def test_a_problem_goes_round_and_a_meeting_decision_reaches_the_departments_workbench(
        browser, live_server, world, shots):
    # 1. The township raises a problem from its project page.
    town_tab = _tab(browser, live_server, "demo-town-a")
    town = town_tab.page
    town.goto(world.project.get_absolute_url())
    town.get_by_role("link", name="提出问题").click()
    town.get_by_label("问题标题").fill(RAISED)
    town.get_by_label("分类").select_option(label="土地")
    town.get_by_label("问题描述").fill("二期用地报批材料被市局退回，需补充规划条件。")
    town.get_by_label("责任单位").select_option(label=world.centre.name)
    town.get_by_role("button", name="提交").click()
    expect(town.get_by_role("heading", name=re.compile(RAISED))).to_be_visible()
    problem = Problem.objects.unscoped().get(title=RAISED)
    assert problem.project_id == world.project.pk

    # 2. The project office assigns it.
    office_tab = _tab(browser, live_server, "demo-xm")
    office = office_tab.page
    office.goto(f"/problems/{problem.pk}/")
    _move(office, "已交办")

    # 3. The responsible department handles it and asks for 销号.
    clerk_tab = _tab(browser, live_server, "tc-clerk", DEPARTMENT_PASSWORD)
    clerk = clerk_tab.page
    clerk.goto(f"/problems/{problem.pk}/")
    _move(clerk, "办理中")
    _move(clerk, "申请销号", reason="已补充规划条件并重新报送，市局已受理。")
    clerk_tab.close()

    # 4. The township approves 销号 with a rating.
    town.goto(f"/problems/{problem.pk}/")
    _move(town, "已销号", rating="5", comment="办理及时")
    problem.refresh_from_db()
    assert (problem.status, problem.rating) == (Status.CLOSED, 5)
    town_tab.close()

    # 5. The project office creates the weekly meeting: the overdue problem is on its agenda, the closed one not.
    office.goto("/dispatch/meetings/")
    office.get_by_role("link", name="新建调度会").click()
    office.get_by_label("会议类型").select_option(label="周调度")
    office.get_by_label("会议名称").fill(MEETING)
    office.get_by_label("组织单位").select_option(value=str(Unit.objects.get(code="wn-jkq").pk))
    office.get_by_label("地点").fill("管委会三楼会议室")
    office.get_by_role("button", name="保存").click()
    expect(office.get_by_role("heading", name=re.compile(MEETING))).to_be_visible()
    agenda = office.locator("#agenda")
    expect(agenda).to_contain_text("超期问题")
    item = agenda.locator("li", has=office.get_by_role("link", name=OVERDUE))
    expect(item).to_have_count(1)
    expect(agenda).not_to_contain_text(RAISED)
    office.screenshot(path=shots / "laptop-meeting-agenda.png", full_page=True)

    # 6. A decision on that item becomes a 督办事项 of the responsible department.
    item.locator("summary").click()
    item.get_by_label("决定类型").select_option(label="形成督办事项")
    item.get_by_label("决定内容").fill(DECISION)
    item.get_by_label("责任单位").select_option(value=str(world.centre.pk))
    item.get_by_label("办结时限").fill((timezone.localdate() + timedelta(days=21)).isoformat())
    item.get_by_role("button", name="记录决定").click()
    expect(office.get_by_text("已记录决定，并形成督办事项。")).to_be_visible()
    decisions = office.locator("#decisions")
    expect(decisions).to_contain_text(DECISION)
    task = Task.objects.unscoped().get(decision__meeting__title=MEETING)
    assert (task.owner_unit_id, task.problem_id) == (world.centre.pk, world.late.pk)
    expect(decisions.get_by_role("link", name="已交办")).to_have_attribute("href", f"/dispatch/tasks/{task.pk}/")
    office.screenshot(path=shots / "laptop-meeting-decided.png", full_page=True)
    office.goto("/dispatch/tasks/")
    row = office.locator("#list-results tr", has=office.get_by_role("link", name=task.title))
    expect(row).to_contain_text("会议决定")
    expect(row).to_contain_text(world.centre.name)
    office.screenshot(path=shots / "laptop-task-list.png", full_page=True)
    office_tab.close()

    # 7. On a phone, the department finds it on its workbench and takes it up (办理中).
    phone_tab = _tab(browser, live_server, "tc-clerk", DEPARTMENT_PASSWORD, viewport=PHONE, device_scale_factor=2,
                     is_mobile=True, has_touch=True)
    phone = phone_tab.page
    phone.goto("/workbench/")
    card = phone.locator(".zo-work-item[data-kind=task_assigned]", has_text=task.title)
    expect(card).to_be_visible()
    phone.screenshot(path=shots / "phone-workbench.png", full_page=True)
    card.get_by_role("link").click()
    expect(phone.get_by_role("heading", name=re.compile(re.escape(task.title)))).to_be_visible()
    phone.get_by_role("button", name="签收办理").click()
    expect(phone.get_by_text("督办事项已变更为“办理中”。")).to_be_visible()
    expect(phone.locator("#task-status")).to_have_text("办理中")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the task page is {width}px wide on a phone"
    phone.screenshot(path=shots / "phone-task-handling.png", full_page=True)
    phone.goto("/dispatch/tasks/")
    expect(phone.locator("table.zo-cards")).to_have_count(1)  # one labelled card per row
    phone.screenshot(path=shots / "phone-task-list.png", full_page=True)
    task.refresh_from_db()
    assert task.status == "handling"
    phone_tab.close()
