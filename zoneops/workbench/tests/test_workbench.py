"""The workbench lists what waits for me, from the providers modules register; leaders land elsewhere."""

from datetime import date, datetime

import pytest
import time_machine

from zoneops.core import workbench
from zoneops.org.models import Scope
from zoneops.org.tests.factories import PersonFactory, grant
from zoneops.problems import services
from zoneops.problems.choices import Status
from zoneops.problems.models import Problem
from zoneops.problems.tests.conftest import actor
from zoneops.problems.tests.factories import CategoryFactory, ProblemFactory

pytestmark = pytest.mark.django_db


def kinds(person, today):
    return sorted((item.kind, item.title) for item in workbench.items_for(person, today))


def test_problem_items_for_the_responsible_unit_the_raiser_and_the_assigner(people, fixed_today):
    category = CategoryFactory(default_workdays=5)

    def raised(title):
        return ProblemFactory(actor=actor(people.township), category=category, title=title,
                              raising_unit=people.tree.town_a, responsible_unit=people.tree.bureau)

    def move(person, problem, status, **kw):
        services.problem_transition(actor=actor(person), problem=problem, to_status=status, **kw)

    raised("待交办问题")
    due, late, later, returned, approve = (raised(t) for t in ("将到期问题", "超期问题", "新交办问题", "退回问题",
                                                                 "待销号问题"))
    for problem in (due, late, later, returned, approve):
        move(people.office, problem, Status.ASSIGNED)
    Problem.objects.unscoped().filter(pk=due.pk).update(due_date=date(2026, 9, 29))  # 1 working day left
    Problem.objects.unscoped().filter(pk=late.pk).update(due_date=date(2026, 9, 24))
    move(people.department, returned, Status.RETURNED, reason="非本单位职责")
    move(people.department, approve, Status.HANDLING)
    move(people.department, approve, Status.CLOSE_REQUESTED)

    assert kinds(people.department, fixed_today) == sorted([
        ("problem_due_soon", "将到期问题"), ("problem_overdue", "超期问题"), ("problem_assigned", "新交办问题")])
    assert kinds(people.township, fixed_today) == sorted([("problem_returned", "退回问题"),
                                                          ("problem_approve", "待销号问题")])
    # The same unit's colleague sees the returned problem but approves nothing: 销号 belongs to the raiser.
    assert kinds(people.other_township, fixed_today) == [("problem_returned", "退回问题")]
    office = kinds(people.office, fixed_today)
    assert ("problem_pending", "待交办问题") in office
    assert all(title != "待交办问题" for _kind, title in kinds(people.outsider, fixed_today))
    first = workbench.items_for(people.department, fixed_today)[0]
    assert first.kind == "problem_overdue"  # most urgent first


def test_the_page_shows_cards_and_the_api_the_same_items(client, people, problem):
    services.problem_transition(actor=actor(people.office), problem=problem, to_status=Status.ASSIGNED)
    client.force_login(people.department)
    page = client.get("/workbench/").content.decode()
    assert "甲镇项目用地问题" in page and 'data-kind="problem_assigned"' in page and "签收" in page
    body = client.get("/api/v1/workbench").json()
    assert [(row["kind"], row["title"]) for row in body] == [("problem_assigned", "甲镇项目用地问题")]


def test_project_reports_to_file_returned_and_to_review(client, tree):
    from zoneops.audit.context import Actor
    from zoneops.projects import services as project_services
    from zoneops.projects.choices import Stage
    from zoneops.projects.tests.factories import ProjectFactory

    with time_machine.travel(datetime(2026, 11, 3, 10, 0), tick=False):
        today = date(2026, 11, 3)
        township = PersonFactory(unit=tree.town_a)
        grant(township, "township", scope=Scope.UNIT)
        office = PersonFactory(unit=tree.zone)
        grant(office, "projects", scope=Scope.UNIT_TREE)
        project = ProjectFactory(name="甲镇食品项目", responsible_unit=tree.town_a)
        project_services.project_change_stage(actor=Actor.system(), project=project, to_stage=Stage.STARTED,
                                              reason="补录", effective_on=date(2026, 10, 10))
        project.refresh_from_db()
        assert ("report_due", "甲镇食品项目") in kinds(township, today)  # October's window is open
        project_services.progress_report_submit(actor=actor(township), project=project, period_key="2026-10",
                                                invested=1_000_000, progress_text="主体施工", percent=10, photos=[])
        assert ("report_due", "甲镇食品项目") not in kinds(township, today)
        assert ("report_review", "甲镇食品项目") in kinds(office, today)


def test_leaders_land_on_the_overview_others_on_the_workbench(client, people):
    client.force_login(people.department)
    assert client.get("/workbench/start/")["Location"] == "/workbench/"
    client.force_login(people.leader)
    assert client.get("/workbench/start/")["Location"] == "/"
    from zoneops.org.tests.factories import PersonFactory

    client.force_login(PersonFactory())  # no role yet: the home page says so
    assert client.get("/workbench/start/")["Location"] == "/"


def test_core_registry_takes_any_provider(people, fixed_today):
    item = workbench.WorkItem("测试", "test_item", "测试", "一项", "/", workbench.Urgency.OVERDUE)
    workbench.register("test", lambda user, today: [item])
    try:
        assert workbench.items_for(people.department, fixed_today)[0] == item
    finally:
        workbench._providers.pop("test")


def test_the_workbench_reads_the_calendar_once_whatever_the_number_of_deadlines(people, fixed_today):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            workbench.items_for(people.department, fixed_today)
        return len(captured)

    category = CategoryFactory(default_workdays=2)

    def raise_one(n):
        problem = ProblemFactory(actor=actor(people.township), raising_unit=people.tree.town_a, category=category,
                                 responsible_unit=people.tree.bureau, title=f"超期问题{n}", raised_on=date(2026, 9, 1))
        services.problem_transition(actor=actor(people.office), problem=problem, to_status=Status.ASSIGNED,
                                    on=date(2026, 9, 1))
    raise_one(0)
    queries()  # warm: the first call also loads what the process keeps (content types)
    few = queries()
    for n in range(1, 8):
        raise_one(n)
    assert len(workbench.items_for(people.department, fixed_today)) >= 8
    assert queries() == few
