"""One filter per list: the ledger page, its Excel export, the battle map, its PDF and the API show the
same rows for every filter the page offers (filtersets.ProjectFilterSet)."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from zoneops.audit.context import Actor
from zoneops.core.models import IndustryCode
from zoneops.org.models import Scope
from zoneops.org.tests.factories import PersonFactory, grant
from zoneops.projects import services
from zoneops.projects.choices import Stage
from zoneops.projects.filtersets import ProjectFilterSet
from zoneops.projects.models import Project
from zoneops.projects.tests.factories import ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]
SYSTEM = Actor.system()


def overdue(project, count):
    """``count`` milestones past their planned date and not done: black flags, which light the project."""
    for n in range(count):
        services.milestone_add(actor=SYSTEM, project=project, name=f"节点{n}", planned_date=date(2026, 6, 1 + n))


@pytest.fixture
def ledger(tree):
    """Projects that differ in every filtered field, and a leader who sees them all."""
    viewer = PersonFactory(unit=tree.zone, name="王包联")
    grant(viewer, "leader", scope=Scope.ALL)
    other_leader = PersonFactory(unit=tree.zone, name="李包联")
    food, logistics, power = (IndustryCode.objects.get(pk=code) for code in ("1311", "5411", "3985"))
    red = ProjectFactory(name="甲镇食品项目", enterprise="秦川食品有限公司", responsible_unit=tree.town_a,
                         is_provincial_key=True, industry=food, leader=viewer)
    services.project_change_stage(actor=SYSTEM, project=red, to_stage=Stage.STARTED, reason="补录",
                                  effective_on=date(2026, 3, 1))
    overdue(red, 2)
    yellow = ProjectFactory(name="乙镇物流项目", enterprise="渭南物流有限公司", responsible_unit=tree.town_b,
                            is_city_key=True, industry=logistics, leader=other_leader,
                            code="2603-610502-04-01-123456")
    services.project_change_stage(actor=SYSTEM, project=yellow, to_stage=Stage.SIGNED)
    overdue(yellow, 1)  # 储备 projects are always green
    green = ProjectFactory(name="招商局电子材料项目", enterprise="秦东电子有限公司", responsible_unit=tree.bureau,
                           is_city_key=True, is_provincial_key=True, industry=power)
    beijing = ProjectFactory(name="驻京组储能项目", enterprise="北京储能科技有限公司", responsible_unit=tree.beijing,
                             industry=power, leader=viewer)
    return type("Ledger", (), {"viewer": viewer, "other_leader": other_leader, "tree": tree, "red": red,
                               "yellow": yellow, "green": green, "beijing": beijing})


FILTERS = [
    ("", {"甲镇食品项目", "乙镇物流项目", "招商局电子材料项目", "驻京组储能项目"}),
    ("q=食品", {"甲镇食品项目"}),
    ("q=渭南物流", {"乙镇物流项目"}),  # the owner (项目业主)
    ("q=2603-610502-04-01-123456", {"乙镇物流项目"}),  # the project code, exactly
    ("stage=started", {"甲镇食品项目"}),
    ("stage=reserve", {"招商局电子材料项目", "驻京组储能项目"}),
    ("stage=signed", {"乙镇物流项目"}),
    ("unit={bureau}", {"招商局电子材料项目", "驻京组储能项目"}),  # and the units below it
    ("unit={town_b}", {"乙镇物流项目"}),
    ("level=provincial", {"甲镇食品项目", "招商局电子材料项目"}),
    ("level=city", {"乙镇物流项目", "招商局电子材料项目"}),
    ("industry=C", {"甲镇食品项目", "招商局电子材料项目", "驻京组储能项目"}),
    ("industry=13", {"甲镇食品项目"}),
    ("industry=54", {"乙镇物流项目"}),
    ("leader={viewer}", {"甲镇食品项目", "驻京组储能项目"}),
    ("light=red", {"甲镇食品项目"}),
    ("light=yellow", {"乙镇物流项目"}),
    ("light=green", {"招商局电子材料项目", "驻京组储能项目"}),
    ("industry=C&level=provincial&light=green", {"招商局电子材料项目"}),
    ("unit={bureau}&leader={viewer}&q=储能", {"驻京组储能项目"}),
]


def query_of(template, ledger):
    return template.format(bureau=ledger.tree.bureau.pk, town_b=ledger.tree.town_b.pk, viewer=ledger.viewer.pk)


def page_names(client, query):
    response = client.get(f"/projects/?size=200&{query}")
    assert response.status_code == 200
    return [obj.name for obj, _cells in response.context["rows"]]


def export_names(client, query):
    response = client.get(f"/projects/export.xlsx?{query}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [sheet.cell(row, 2).value for row in range(4, sheet.max_row)]  # below the headers, above the total


def api_names(client, query):
    response = client.get(f"/api/v1/projects?page_size=200&{query}")
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def battle_map_names(client, query):
    response = client.get(f"/projects/battle-map/?{query}")
    assert response.status_code == 200
    return [row.project.name for sheet in response.context["chart"].sheets for row in sheet.rows]


def battle_map_api_names(client, query):
    response = client.get(f"/api/v1/battle-map?{query}")
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["rows"]]


@pytest.mark.parametrize(("query", "expected"), FILTERS, ids=[query or "none" for query, _ in FILTERS])
def test_page_export_battle_map_and_api_show_the_same_rows(client, ledger, query, expected):
    client.force_login(ledger.viewer)
    query = query_of(query, ledger)
    page = page_names(client, query)
    assert set(page) == expected
    assert sorted(export_names(client, query)) == sorted(page)
    assert sorted(api_names(client, query)) == sorted(page)
    assert sorted(battle_map_names(client, query)) == sorted(page)  # no project here is 终止
    assert sorted(battle_map_api_names(client, query)) == sorted(page)


@pytest.mark.parametrize("query", ["light=red", "industry=13", "q=食品&leader={viewer}"])
def test_the_pdf_holds_the_pages_rows(client, ledger, query):
    client.force_login(ledger.viewer)
    response = client.get(f"/projects/battle-map.pdf?{query_of(query, ledger)}")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "甲镇食品项目" in text
    assert [name for name in ("乙镇物流项目", "招商局电子材料项目", "驻京组储能项目") if name in text] == []


def test_terminated_projects_only_when_asked_for_and_never_on_the_battle_map(client, ledger):
    services.project_change_stage(actor=SYSTEM, project=ledger.green, to_stage=Stage.CANCELLED, reason="企业撤资")
    client.force_login(ledger.viewer)
    for names in (page_names, export_names, api_names, battle_map_names, battle_map_api_names):
        assert names(client, "level=city") == ["乙镇物流项目"]
    for names in (page_names, export_names, api_names):
        assert names(client, "stage=cancelled") == ["招商局电子材料项目"]
    assert battle_map_names(client, "stage=cancelled") == battle_map_api_names(client, "stage=cancelled") == []


def test_a_summary_figures_drill_down_is_the_same_everywhere(client, ledger):
    client.force_login(ledger.viewer)
    query = "figure=new_start&period=2026"  # 新开工 in 2026: the started project
    assert page_names(client, query) == export_names(client, query) == api_names(client, query) == ["甲镇食品项目"]
    assert battle_map_names(client, query) == ["甲镇食品项目"]
    assert page_names(client, query + "&level=city") == []
    bad = "figure=new_start&period=20x6"
    assert page_names(client, bad) == export_names(client, bad) == []
    for url in ("/api/v1/projects", "/api/v1/battle-map"):
        response = client.get(f"{url}?{bad}")
        assert response.status_code == 422 and "figure" in response.json()["errors"]


def test_a_wrong_value_is_left_out_on_the_page_and_in_the_export_and_refused_by_the_api(client, ledger, tree):
    township = PersonFactory(unit=tree.town_a)
    grant(township, "township", scope=Scope.UNIT)
    client.force_login(township)
    for query in (f"unit={tree.town_b.pk}", "stage=building-ish", "industry=C3", "light=blue"):
        assert page_names(client, query) == ["甲镇食品项目"]
        assert export_names(client, query) == ["甲镇食品项目"]
        response = client.get(f"/api/v1/projects?{query}")
        assert response.status_code == 422, query
        body = response.json()
        assert body["code"] == "invalid" and list(body["errors"]) == [query.split("=")[0]]
    assert "行业代码为门类字母" in str(client.get("/api/v1/projects?industry=C3").json()["errors"]["industry"])


def test_the_api_keeps_the_old_parameter_names(client, ledger):
    client.force_login(ledger.viewer)
    assert set(api_names(client, f"unit_id={ledger.tree.bureau.pk}")) == {"招商局电子材料项目", "驻京组储能项目"}
    assert set(api_names(client, f"leader_id={ledger.viewer.pk}")) == {"甲镇食品项目", "驻京组储能项目"}


def test_the_api_takes_every_filter_of_the_filterset(client, ledger):
    client.force_login(ledger.viewer)  # the schema is behind sign-in
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/projects", "/api/v1/battle-map"):
        names = {parameter["name"] for parameter in schema["paths"][path]["get"]["parameters"]}
        assert set(ProjectFilterSet.base_filters) <= names


def test_the_export_audit_row_names_the_filters(client, ledger):
    from zoneops.audit.models import AuditEntry

    client.force_login(ledger.viewer)
    export_names(client, "light=red&industry=13")
    assert AuditEntry.objects.filter(action="export").latest("id").detail.startswith("导出1行：light=red&industry=13")


def test_the_report_list_filters_by_period_status_and_lateness(client, ledger):
    started = Project.objects.get(pk=ledger.red.pk)
    for period, text in (("2026-09", "九月"), ("2026-11", "十一月")):
        services.progress_report_submit(actor=SYSTEM, project=started, period_key=period, invested=100,
                                        progress_text=text, percent=10)
    client.force_login(ledger.viewer)

    def periods(query):
        response = client.get(f"/projects/reports/?{query}")
        assert response.status_code == 200
        return sorted(report.period_key for report in response.context["reports"])

    assert periods("") == ["2026-09", "2026-11"]
    assert periods("period=2026-09") == ["2026-09"]
    assert periods("late=true") == ["2026-09"] and periods("late=false") == ["2026-11"]
    assert periods("status=submitted") == ["2026-09", "2026-11"] and periods("status=accepted") == []


@pytest.mark.parametrize("query", ["light=red", "industry=C&level=provincial&light=green", "leader={viewer}",
                                   "stage=signed", "figure=new_start&period=2026"])
def test_an_export_written_by_the_worker_holds_the_pages_rows(client, ledger, query, settings, tmp_path,
                                                               django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from zoneops.jobs.models import Job

    settings.ZONEOPS_EXPORT_INLINE_ROWS = 0  # every export goes to the worker
    settings.MEDIA_ROOT = settings.HOME = tmp_path
    client.force_login(ledger.viewer)
    query = query_of(query, ledger)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(f"/projects/export.xlsx?{query}").status_code == 302
    call_command("worker", batch=True, verbosity=0)
    job = Job.objects.get(owner=ledger.viewer, kind="projects.export")
    assert job.status == Job.Status.DONE, job.message
    sheet = load_workbook(io.BytesIO(b"".join(client.get(f"/jobs/{job.pk}/download/").streaming_content))).active
    assert sorted(sheet.cell(row, 2).value for row in range(4, sheet.max_row)) == sorted(page_names(client, query))
