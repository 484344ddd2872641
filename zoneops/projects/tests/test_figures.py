"""Period figures (口径): events counted by their dates, accepted reports only, one definition behind the
summary page, its export, the API and the ledger's drill-down."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from zoneops.audit.context import Actor
from zoneops.core.money import YUAN_PER_WAN, YUAN_PER_YI
from zoneops.org.models import Scope
from zoneops.org.tests.factories import PersonFactory, grant
from zoneops.projects import figures, selectors, services
from zoneops.projects.choices import Stage
from zoneops.projects.figures import FIGURES, figure_table, period_from
from zoneops.projects.tests.factories import ProjectFactory

SYSTEM = Actor.system()
pytestmark = pytest.mark.usefixtures("fixed_today")


def _walk(project, *steps):
    for stage, day in steps:
        project = services.project_change_stage(actor=SYSTEM, project=project, to_stage=stage, reason="补录",
                                                effective_on=day)
    return project


def _report(project, period, wan, percent, accept):
    report = services.progress_report_submit(actor=SYSTEM, project=project, period_key=period,
                                             invested=wan * YUAN_PER_WAN, progress_text="施工", percent=percent)
    if accept is not None:
        services.progress_report_review(actor=SYSTEM, report=report, accept=accept, comment="" if accept else "数不对")
    return report


@pytest.fixture
def data(tree):
    """甲镇: a Q1 2026 start now 在建 (included 20 April, planned Q1) and a Q1 start later terminated;
    乙镇: a 2025 start (12亿, signed 2025) completed in Q1 2026 and put into production in June, and a
    reserve project planned to start in August 2026."""
    q1 = ProjectFactory(name="一季度开工项目", responsible_unit=tree.town_a, total_investment=12_000 * YUAN_PER_WAN)
    q1 = _walk(q1, (Stage.SIGNED, date(2026, 1, 5)), (Stage.PREPARING, date(2026, 1, 20)),
               (Stage.STARTED, date(2026, 2, 10)))
    services.stats_inclusion_save(actor=SYSTEM, project=q1, planned_year=2026, planned_quarter=1, status="included",
                                  documents={}, included_on=date(2026, 4, 20))
    q1 = _walk(q1, (Stage.BUILDING, date(2026, 5, 1)))
    _report(q1, "2026-03", 100, 10, accept=True)
    _report(q1, "2026-04", 999, 90, accept=False)  # returned: counts nowhere
    _report(q1, "2026-06", 200, 40, accept=True)
    _report(q1, "2026-07", 50, 55, accept=None)  # submitted, not yet accepted: counts nowhere

    old = ProjectFactory(name="上年开工项目", responsible_unit=tree.town_b, total_investment=12 * YUAN_PER_YI,
                         year_plan_investment=0, planned_start=date(2025, 5, 1), planned_completion=date(2026, 3, 1))
    old = _walk(old, (Stage.SIGNED, date(2025, 3, 1)), (Stage.PREPARING, date(2025, 4, 1)),
                (Stage.STARTED, date(2025, 6, 1)), (Stage.IN_STATS, date(2025, 9, 1)),
                (Stage.BUILDING, date(2025, 10, 1)), (Stage.COMPLETED, date(2026, 3, 15)),
                (Stage.OPERATING, date(2026, 6, 1)))

    cancelled = ProjectFactory(name="终止项目", responsible_unit=tree.town_a)
    cancelled = _walk(cancelled, (Stage.STARTED, date(2026, 3, 1)), (Stage.CANCELLED, date(2026, 4, 10)))

    planned = ProjectFactory(name="计划开工项目", responsible_unit=tree.town_b, planned_start=date(2026, 8, 1),
                             planned_completion=date(2027, 12, 31))
    office = PersonFactory(unit=tree.zone)
    grant(office, "projects", scope=Scope.UNIT_TREE)
    return type("Data", (), {"q1": q1, "old": old, "cancelled": cancelled, "planned": planned, "office": office,
                             "tree": tree})


def total(data, key, code):
    return figure_table(user=data.office, period=period_from(key=key)).total.values[code]


def test_a_q1_start_now_building_counts_in_q1_whatever_its_stage(data):
    assert data.q1.stage == Stage.BUILDING
    value = total(data, "2026-Q1", "new_start")
    assert value.count == 2  # the 在建 one and the one terminated since: the starts happened
    assert value.amount == 12_000 * YUAN_PER_WAN + 10_000 * YUAN_PER_WAN
    assert total(data, "2026-Q2", "new_start").count == 0
    assert total(data, "2025", "new_start").count == 1
    by_unit = {u.name: u.values["new_start"].count for u in
               figure_table(user=data.office, period=period_from(key="2026-Q1")).units}
    assert by_unit == {"甲镇": 2, "乙镇": 0}


def test_the_20_april_inclusion_counts_in_q2_not_its_planned_q1(data):
    assert total(data, "2026-Q1", "included").count == 0
    assert total(data, "2026-Q2", "included").count == 1
    assert total(data, "2026-04", "included").count == 1
    assert total(data, "2025", "included").count == 1  # the 2025 start, included on 1 September 2025
    progress = selectors.stats_progress(user=data.office, year=2026)
    assert [row["included_in_quarter"] for row in progress] == [0, 1, 0, 0]
    assert progress[0]["planned"] == 1


def test_events_of_other_kinds_and_signing_bands(data):
    assert (total(data, "2026-Q1", "completed").count, total(data, "2026-Q2", "operating").count) == (1, 1)
    # The terminated project skipped to 开工 on 1 March: the stages it passed are dated that day (签约 too).
    assert total(data, "2026", "signed").count == 2
    assert (total(data, "2026", "signed_major").count, total(data, "2026", "signed_huge").count) == (2, 0)
    assert (total(data, "2025", "signed_major").count, total(data, "2025", "signed_huge").count) == (1, 1)
    services.rules_update(actor=SYSTEM, signing_major_threshold=20 * YUAN_PER_YI)  # a rule, not a constant
    assert total(data, "2025", "signed_major").count == 0


def test_three_batches_of_the_year_leave_terminated_projects_out(data):
    assert total(data, "2026", "plan_start").count == 2  # 一季度开工项目, 计划开工项目 (not the terminated one)
    assert total(data, "2026-Q3", "plan_start").count == 2  # the plan is the year's, whatever the period
    assert total(data, "2026", "continuing").count == 1  # started 2025, completed in 2026
    assert total(data, "2027", "continuing").count == 1  # the Q1 start, not completed
    assert total(data, "2026", "plan_complete").count == 1


def test_returned_and_submitted_reports_count_in_no_figure(data):
    invested = total(data, "2026", "invested")
    assert (invested.count, invested.amount) == (1, 300 * YUAN_PER_WAN)
    assert total(data, "2026-04", "invested").count == 0  # only a returned report in April
    assert total(data, "2026-Q2", "invested").amount == 200 * YUAN_PER_WAN
    assert total(data, "2026-Q2", "invested_ytd").amount == 300 * YUAN_PER_WAN
    row = selectors.project_queryset(user=data.office).get(pk=data.q1.pk)
    assert (row.invested_year, row.invested_total) == (300 * YUAN_PER_WAN, 300 * YUAN_PER_WAN)
    assert row.last_percent == 40  # the battle map's %: the latest accepted report, not the returned 90%
    newest = selectors.cumulative_for(data.q1)[0]
    assert (newest.period_key, newest.year_to_date, newest.cumulative) == ("2026-07", 300 * YUAN_PER_WAN,
                                                                            300 * YUAN_PER_WAN)
    battle = {p.pk: p for p in selectors.battle_map_rows(queryset=selectors.project_queryset(user=data.office))}
    assert battle[data.q1.pk].last_percent == 40


def test_battle_map_page_shows_the_accepted_percent(client, data):
    client.force_login(data.office)
    page = client.get("/projects/battle-map/").content.decode()
    assert "40%" in page and "90%" not in page and "55%" not in page


PERIODS = ("2026-Q1", "2026-Q2", "2026-04", "2026", "2025")


@pytest.mark.parametrize("key", PERIODS)
def test_every_figure_drills_down_to_ledger_rows_with_the_same_count_and_total(client, data, key):
    client.force_login(data.office)
    table = figure_table(user=data.office, period=period_from(key=key))
    for figure in FIGURES:
        response = client.get("/projects/", {"figure": figure.code, "period": key, "size": 200})
        footer = response.context["footer"]
        expected = table.total.values[figure.code]
        assert (footer["count"], footer["amount"]) == (expected.count, expected.amount), figure.code
        assert response.context["page"].paginator.count == expected.count
        for unit in table.units:  # and each unit's cell
            cell = client.get("/projects/", {"figure": figure.code, "period": key, "figure_unit": unit.unit_id})
            value = unit.values[figure.code]
            assert (cell.context["footer"]["count"], cell.context["footer"]["amount"]) == (value.count, value.amount)


def test_summary_links_each_figure_to_its_drill_down(client, data):
    client.force_login(data.office)
    page = client.get("/projects/summary/", {"year": 2026, "quarter": 1}).content.decode()
    assert "/projects/?figure=new_start&period=2026-Q1" in page
    assert figures.FIGURES_BY_CODE["new_start"].definition in page  # the 口径 beside the figures


def test_a_bad_figure_or_period_shows_no_rows_and_says_why(client, data):
    client.force_login(data.office)
    response = client.get("/projects/", {"figure": "nonsense", "period": "2026"})
    assert response.context["footer"]["count"] == 0 and "未知的统计口径" in response.content.decode()
    assert client.get("/projects/", {"figure": "new_start", "period": "2026-W01"}).context["footer"]["count"] == 0
    api = client.get("/api/v1/projects", {"figure": "new_start", "period": "20x6"})
    assert api.status_code == 422


def _sheet_cells(response):
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]


@pytest.mark.parametrize(("params", "key"), [({"year": 2026}, "2026"), ({"year": 2026, "quarter": 2}, "2026-Q2"),
                                             ({"year": 2026, "month": 3}, "2026-03"), ({"year": 2025}, "2025")])
def test_api_equals_page_equals_export(client, data, params, key):
    client.force_login(data.office)
    api = client.get("/api/v1/projects/summary", params).json()
    assert api["period"]["key"] == key
    page = client.get("/projects/summary/", params).context["table"]
    assert page.period.key == key
    sheet = _sheet_cells(client.get("/projects/summary/", {**params, "export": "xlsx"}))
    api_rows = [*api["units"], api["total"]]
    page_rows = [*page.units, page.total]
    assert len(sheet) == len(api_rows) == len(page_rows)
    for api_row, page_row, sheet_row in zip(api_rows, page_rows, sheet, strict=True):
        assert api_row["name"] == page_row.name == sheet_row[0]
        for index, figure in enumerate(FIGURES):
            api_cell, page_cell = api_row["figures"][figure.code], page_row.values[figure.code]
            count, yi = sheet_row[1 + 2 * index], sheet_row[2 + 2 * index]
            assert api_cell["count"] == page_cell.count == count
            assert api_cell["amount"] == page_cell.amount
            assert Decimal(str(yi)) * YUAN_PER_YI == pytest.approx(page_cell.amount)


def test_summary_defaults_to_the_current_year(client, data):
    client.force_login(data.office)
    assert client.get("/projects/summary/").context["table"].period.key == "2026"
    assert client.get("/api/v1/projects/summary").json()["period"]["key"] == "2026"
    assert client.get("/api/v1/projects/summary", {"quarter": 1, "month": 2}).status_code == 422


def test_home_summary_and_ledger_agree_on_the_stock_leaving_terminated_projects_out(client, data):
    client.force_login(data.office)
    home = selectors.headline_figures(user=data.office)
    summary = client.get("/projects/summary/").context
    ledger = client.get("/projects/").context
    assert home["projects"] == summary["grand_count"] == ledger["footer"]["count"] == 3
    assert ledger["footer"]["amount"] == home["total_investment"]
    assert summary["grand_cancelled"] == 1
    assert client.get("/projects/", {"stage": "cancelled"}).context["footer"]["count"] == 1
    api = client.get("/api/v1/projects").json()
    assert api["count"] == 3


def test_figures_follow_the_users_scope(client, data, tree):
    township = PersonFactory(unit=tree.town_a)
    grant(township, "township", scope=Scope.UNIT)
    table = figure_table(user=township, period=period_from(key="2026"))
    assert [unit.name for unit in table.units] == ["甲镇"]
    client.force_login(township)
    assert client.get("/api/v1/projects/summary", {"year": 2025}).json()["total"]["figures"]["new_start"]["count"] == 0


def test_figure_table_runs_a_bounded_number_of_queries(data, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        figure_table(user=data.office, period=period_from(key="2026"))


def test_period_picker():
    assert period_from(year=2026, quarter=2).key == "2026-Q2"
    assert period_from(year=2026, month=4).key == "2026-04"
    assert period_from(key="2025").key == "2025"
    with pytest.raises(ValueError):
        period_from(year=2026, quarter=5)
    with pytest.raises(ValueError):
        period_from(key="2026-11-X1")
