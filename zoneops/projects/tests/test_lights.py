"""The status light in SQL (lights.py) agrees with the Python rule (selectors.status_light) on a crafted
set, and the ledger's FilterSet and API filter, sort and count by it."""

import itertools
from datetime import date, timedelta

import pytest
from django.utils import timezone

from zoneops.core.money import YUAN_PER_WAN
from zoneops.org.models import Scope
from zoneops.org.tests.factories import PersonFactory, grant
from zoneops.projects import lights, selectors
from zoneops.projects.choices import Light, ReportStatus, Stage
from zoneops.projects.filtersets import project_filterset
from zoneops.projects.models import Milestone, ProgressReport, Project, ProjectRules
from zoneops.projects.tests.factories import ProjectFactory

TODAY = date(2026, 11, 23)


def _crafted(tree):
    """Projects over every combination that moves a rule near its thresholds, under two rule sets:
    the default (monthly, window 5 days) and 甲镇's (旬, window 3, other thresholds, 30 grace days)."""
    ProjectRules.current()
    ProjectRules.objects.create(unit=tree.town_a, report_frequency="xun", report_window_days=3,
                                yellow_overdue_milestones=2, red_overdue_milestones=3, yellow_missing_reports=2,
                                red_missing_reports=4, missing_reports_listed=3,
                                yellow_investment_lag_percent=5, red_investment_lag_percent=20,
                                investment_lag_grace_days=30)
    template = ProjectFactory(responsible_unit=tree.town_b)
    plan = 1_200 * YUAN_PER_WAN
    combos = itertools.product(
        [tree.town_a, tree.town_b],
        [Stage.STARTED, Stage.BUILDING, Stage.PREPARING, Stage.OPERATING],
        [None, date(2025, 6, 1), date(2026, 1, 1), date(2026, 3, 1), date(2026, 10, 24), date(2026, 11, 10)],
        # ^ actual_start
        [date(2025, 1, 1), date(2026, 9, 15)],  # reporting_from
        [None, date(2026, 9, 30), date(2026, 10, 31), date(2026, 11, 10)],  # latest report ends
        [0, plan],  # year plan
        # per mille of the plan invested this year: on either side of lags 5, 10, 20 and 30 points
        [0, 599, 698, 798, 847, 1000],
        [0, 1, 2, 3],  # black flags
    )
    projects, reports, milestones = [], [], []
    for n, (unit, stage, start, rfrom, last_end, year_plan, mille, flags) in enumerate(combos):
        if n % 5:  # a fifth of the product keeps the set small and still crosses every threshold
            continue
        project = Project(
            **{f.attname: getattr(template, f.attname) for f in Project._meta.concrete_fields
               if f.attname not in ("id", "code", "name", "version")},
        )
        project.name, project.code = f"灯{n}", f"L{n:06d}"
        project.responsible_unit_id, project.stage, project.actual_start = unit.pk, stage, start
        project.reporting_from, project.year_plan_investment = rfrom, year_plan
        projects.append((project, last_end, mille, flags))
    Project.objects.bulk_create([p for p, *_ in projects])
    now = timezone.now()
    for project, last_end, mille, flags in projects:
        if last_end:
            reports.append(ProgressReport(
                project=project, period_key="x", period_start=last_end.replace(day=1), period_end=last_end,
                invested=plan * mille // 1000, progress_text="x", percent=10, status=ReportStatus.ACCEPTED,
                submitted_at=now))
        for seq in range(flags):
            milestones.append(Milestone(project=project, seq=seq + 1, name="节点",
                                        baseline_date=TODAY - timedelta(days=40),
                                        planned_date=TODAY - timedelta(days=40)))
    ProgressReport.objects.bulk_create(reports)
    Milestone.objects.bulk_create(milestones)
    return len(projects) + 1


@pytest.fixture
def leader(tree, fixed_today):
    person = PersonFactory(unit=tree.zone)
    grant(person, "leader", scope=Scope.ALL)
    return person


def test_sql_light_equals_python_rule_for_every_project(tree, leader):
    count = _crafted(tree)
    rows = list(lights.with_light(selectors.project_queryset(user=leader, today=TODAY), TODAY))
    assert len(rows) == count
    selectors.with_lights(rows, TODAY)
    disagree = [(p.name, p.light, p.verdict) for p in rows if p.light != p.verdict.light]
    assert disagree == []
    seen = {p.light for p in rows}
    assert seen == {Light.RED, Light.YELLOW, Light.GREEN}
    # Each rule, not just one of them, decides some red light.
    reasons = {reason[:2] for p in rows if p.verdict.light == Light.RED for reason in p.verdict.reasons}
    assert {"逾期", "缺报", "投资"} <= reasons


def test_light_filter_sort_and_count_in_sql(tree, leader, django_assert_max_num_queries):
    _crafted(tree)
    rows = selectors.with_lights(list(selectors.project_queryset(user=leader, today=TODAY)), TODAY)
    expected = {light: {p.pk for p in rows if p.verdict.light == light} for light in Light.values}
    for light in Light.values:
        with django_assert_max_num_queries(6):
            got = {p.pk for p in project_filterset({"light": light}, user=leader, today=TODAY).qs}
        assert got == expected[light]
    ordered = list(lights.with_light(selectors.project_queryset(user=leader, today=TODAY), TODAY)
                   .order_by("light_order", "pk").values_list("light", flat=True))
    assert ordered == sorted(ordered, key=lambda value: lights.LIGHT_ORDER[Light(value)])
    counts = {row["responsible_unit"]: row["red"]
              for row in lights.red_lights_by_unit(selectors.project_queryset(user=leader, today=TODAY), TODAY)}
    for unit in (tree.town_a, tree.town_b):
        assert counts[unit.pk] == sum(1 for p in rows if p.responsible_unit_id == unit.pk
                                      and p.verdict.light == Light.RED)


def test_api_light_filter(tree, leader, client):
    _crafted(tree)
    rows = selectors.with_lights(list(selectors.project_queryset(user=leader, today=TODAY)), TODAY)
    client.force_login(leader)
    got, page = set(), 1
    while True:
        response = client.get("/api/v1/projects", {"light": "red", "page_size": 200, "page": page})
        assert response.status_code == 200, response.content
        body = response.json()
        got |= {item["id"] for item in body["items"]}
        if len(got) >= body["count"]:
            break
        page += 1
    assert got == {p.pk for p in rows if p.verdict.light == Light.RED}


def test_api_and_page_sort_by_light(tree, leader, client):
    _crafted(tree)
    rows = selectors.with_lights(list(selectors.project_queryset(user=leader, today=TODAY)), TODAY)
    reds = sum(1 for p in rows if p.verdict.light == Light.RED)
    greens = sum(1 for p in rows if p.verdict.light == Light.GREEN)
    client.force_login(leader)
    first = client.get("/api/v1/projects", {"sort": "light", "page_size": 20}).json()["items"]
    assert reds >= 20 and {item["light"] for item in first} == {Light.RED}
    first = client.get("/api/v1/projects", {"sort": "-light", "page_size": 20}).json()["items"]
    assert greens >= 20 and {item["light"] for item in first} == {Light.GREEN}
    assert client.get("/api/v1/projects", {"sort": "name"}).status_code == 422
    page = client.get("/projects/", {"sort": "light_order"})
    assert page.status_code == 200
    shown = [obj.verdict.light for obj, _cells in page.context["rows"]]
    assert shown and shown == [Light.RED] * len(shown)
