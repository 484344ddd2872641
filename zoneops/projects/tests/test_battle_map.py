"""The battle map page and its A3 PDF: scope, filters, flags, bounded queries, a PDF that opens."""

import io
import time
from datetime import date, datetime
from urllib.parse import quote

import pytest
import time_machine
from pypdf import PdfReader

from zoneops.audit.context import Actor
from zoneops.audit.models import AuditEntry
from zoneops.core.models import IndustryCode
from zoneops.org.models import Scope
from zoneops.org.tests.factories import PersonFactory, grant
from zoneops.projects import selectors, services
from zoneops.projects.choices import Stage
from zoneops.projects.models import Project
from zoneops.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system()
URL = "/projects/battle-map/"
PDF_URL = "/projects/battle-map.pdf"
A3_LANDSCAPE = (1190.55, 841.89)  # points


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 23, 10, 0), tick=False):
        yield


def add_milestone(project, name, planned, actual=None):
    milestone = services.milestone_add(actor=SYSTEM, project=project, name=name, planned_date=planned)
    if actual:
        services.milestone_update(actor=SYSTEM, milestone=milestone, actual_date=actual)
    return milestone


@pytest.fixture
def world(tree):
    leader = PersonFactory(unit=tree.zone, name="王包联")
    grant(leader, "leader", scope=Scope.ALL)
    food, logistics = IndustryCode.objects.get(pk="1311"), IndustryCode.objects.get(pk="5411")
    ours = ProjectFactory(name="甲镇食品项目", responsible_unit=tree.town_a, is_provincial_key=True, industry=food,
                          leader=leader)
    theirs = ProjectFactory(name="乙镇物流项目", responsible_unit=tree.town_b, is_city_key=True, industry=logistics)
    services.project_change_stage(actor=SYSTEM, project=ours, to_stage=Stage.STARTED, reason="补录",
                                  effective_on=date(2026, 3, 1))
    add_milestone(ours, "开工", date(2026, 3, 1), actual=date(2026, 3, 1))  # 红旗
    add_milestone(ours, "主体封顶", date(2026, 9, 1))  # 黑旗: overdue
    add_milestone(ours, "竣工验收", date(2027, 3, 1))  # not due
    add_milestone(theirs, "签约", date(2026, 4, 1), actual=date(2026, 4, 20))  # 黑旗: done late
    township = PersonFactory(unit=tree.town_a)
    grant(township, "township", scope=Scope.UNIT)
    nobody = PersonFactory(unit=tree.town_a)
    return type("World", (), {"ours": ours, "theirs": theirs, "township": township, "leader": leader,
                               "nobody": nobody, "tree": tree})


def page(client, user, query=""):
    client.force_login(user)
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


# --- The page -------------------------------------------------------------------------------

def test_township_sees_only_its_own_projects(client, world):
    html = page(client, world.township)
    assert "甲镇食品项目" in html and "乙镇物流项目" not in html
    assert "共 <b>1</b> 个项目，红旗 <b class=\"zo-bm-red\">1</b> 个，黑旗 <b>1</b> 个" in html
    html = page(client, world.leader)
    assert "甲镇食品项目" in html and "乙镇物流项目" in html
    assert "共 <b>2</b> 个项目，红旗 <b class=\"zo-bm-red\">1</b> 个，黑旗 <b>2</b> 个" in html


def test_page_draws_the_chart(client, world):
    html = page(client, world.leader)
    assert "重点项目挂图作战图（2026年11月23日）" in html
    assert f'href="{world.ours.get_absolute_url()}"' in html
    assert "<svg" in html and ">今天</text>" in html
    assert "主体封顶（黑旗）" in html and "开工（红旗）" in html and "竣工验收（未到期）" in html
    assert "签约（黑旗）" in html and "完成 2026年4月20日" in html
    # The legend always names every light: check the counts and the lit row (甲镇 is late, 乙镇 is fine).
    assert "绿灯 1 个、黄灯 0 个、红灯 1 个" in html
    assert "<title>红灯；" in html and "逾期节点1个</title>" in html
    assert "1,4" not in html  # coordinates are never localised
    assert f'{"/projects/battle-map.pdf"}' in html and "data-zo-print" in html


def test_people_without_the_permission_get_403(client, world):
    client.force_login(world.nobody)
    assert client.get(URL).status_code == 403
    assert client.get(PDF_URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize(("query", "shown", "hidden"), [
    ("unit={town_b}", "乙镇物流项目", "甲镇食品项目"),
    ("unit={zone}", "乙镇物流项目", "nothing hidden"),
    ("level=provincial", "甲镇食品项目", "乙镇物流项目"),
    ("stage=started", "甲镇食品项目", "乙镇物流项目"),
    ("industry=C", "甲镇食品项目", "乙镇物流项目"),
    ("industry=54", "乙镇物流项目", "甲镇食品项目"),
    ("leader={leader}", "甲镇食品项目", "乙镇物流项目"),
])
def test_filters(client, world, query, shown, hidden):
    query = query.format(town_b=world.tree.town_b.pk, zone=world.tree.zone.pk, leader=world.leader.pk)
    html = page(client, world.leader, "?" + query)
    assert shown in html and hidden not in html


def test_filter_choices_are_scoped(client, world):
    # The unit and leader filters are searchable pickers (projects/pickers.py): their choices come from
    # scoped endpoints, and the page renders only the chosen option.
    page(client, world.township)

    def texts(url):
        return [row["text"] for row in client.get(url).json()["results"]]

    assert "甲镇" in texts("/projects/pick/units/") and "乙镇" not in texts("/projects/pick/units/")
    assert "王包联" in texts("/projects/pick/people/?led=1")
    ours = Project.objects.get(pk=world.ours.pk)
    services.project_update(actor=SYSTEM, project=ours, expected_version=ours.version, leader=None)
    assert "王包联" not in texts("/projects/pick/people/?led=1")


def test_an_out_of_scope_unit_is_refused_not_used(client, world):
    html = page(client, world.township, f"?unit={world.tree.town_b.pk}")
    assert "甲镇食品项目" in html and "乙镇物流项目" not in html


def test_month_window(client, world):
    html = page(client, world.leader, "?from=2026-01&to=2026-06")
    assert ">2026年</text>" in html and ">6月</text>" in html and ">7月</text>" not in html
    assert ">今天</text>" not in html  # November is outside the window
    html = page(client, world.leader, "?from=2026-06&to=2026-01")
    assert "截止月份不能早于起始月份" in html and "甲镇食品项目" in html
    assert "请按 YYYY-MM 填写月份" in page(client, world.leader, "?from=2026-13")
    assert "不能超过36个月" in page(client, world.leader, "?from=2020-01&to=2026-01")


def test_truncation_is_announced(client, world, monkeypatch):
    monkeypatch.setattr(selectors, "BATTLE_MAP_LIMIT", 1)
    html = page(client, world.leader)
    assert "只显示前1个" in html and "共 <b>1</b> 个项目" in html
    assert "只显示前" not in page(client, world.township)  # exactly at the limit is not cut


def make_projects(count, unit, leader):
    for n in range(count):
        project = ProjectFactory(name=f"批量项目{n:03d}", responsible_unit=unit, leader=leader,
                                 planned_start=date(2026, 1 + n % 10, 1), planned_completion=date(2027, 12, 31))
        add_milestone(project, "开工", project.planned_start, actual=project.planned_start)
        add_milestone(project, "竣工验收", date(2027, 6, 1))


def test_queries_do_not_grow_with_rows(client, world, django_assert_max_num_queries):
    client.force_login(world.leader)
    client.get(URL)  # the rules row is created on first use
    make_projects(3, world.tree.town_a, world.leader)  # 5 projects in all
    with django_assert_max_num_queries(9) as few:
        assert client.get(URL).status_code == 200
    make_projects(45, world.tree.town_b, world.leader)  # 50
    with django_assert_max_num_queries(len(few)) as many:
        html = client.get(URL).content.decode()
    assert "共 <b>50</b> 个项目" in html
    assert len(many) == len(few)


# --- The PDF --------------------------------------------------------------------------------

def read_pdf(response):
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def test_pdf_is_a3_landscape_with_the_projects(client, world):
    client.force_login(world.leader)
    response = client.get(PDF_URL + "?level=provincial")
    pdf = read_pdf(response)
    box = pdf.pages[0].mediabox
    assert (float(box.width), float(box.height)) == (pytest.approx(A3_LANDSCAPE[0], abs=1),
                                                     pytest.approx(A3_LANDSCAPE[1], abs=1))
    text = pdf.pages[0].extract_text()
    assert "甲镇食品项目" in text and "乙镇物流项目" not in text
    assert "重点项目挂图作战图" in text
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" + quote("重点项目挂图作战图（2026年11月23日）.pdf") in disposition
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert entry.object_type == "projects.battle_map" and entry.object_repr == "挂图作战图"
    assert entry.actor_id == world.leader.pk and "1个项目" in entry.detail and "省重点" in entry.detail


def test_pdf_is_scoped(client, world):
    client.force_login(world.township)
    text = read_pdf(client.get(PDF_URL)).pages[0].extract_text()
    assert "甲镇食品项目" in text and "乙镇物流项目" not in text


def test_pdf_of_300_rows(client, world, capsys):
    """The full battle map (the row limit) on A3 sheets; the time is reported, not asserted tightly."""
    unit = world.tree.town_b
    for n in range(selectors.BATTLE_MAP_LIMIT):
        project = ProjectFactory(name=f"满载项目{n:03d}", responsible_unit=unit,
                                 planned_start=date(2026, 1 + n % 10, 1), planned_completion=date(2027, 12, 31))
        services.milestone_add(actor=SYSTEM, project=project, name="开工", planned_date=project.planned_start)
        services.milestone_add(actor=SYSTEM, project=project, name="竣工验收", planned_date=date(2027, 6, 1))
    client.force_login(world.leader)
    started = time.perf_counter()
    response = client.get(PDF_URL)
    elapsed = time.perf_counter() - started
    pdf = read_pdf(response)
    with capsys.disabled():
        print(f"\nbattle map PDF: {selectors.BATTLE_MAP_LIMIT} rows, {len(pdf.pages)} A3 pages, "
              f"{len(response.content) / 1024:.0f} KiB, {elapsed:.2f} s")
    assert len(pdf.pages) == 10  # 28 rows on the first sheet, 31 on the others
    assert "甲镇食品项目" in pdf.pages[0].extract_text() and "满载项目" in pdf.pages[-1].extract_text()
    assert "只列出前300个" in pdf.pages[0].extract_text()  # 302 projects in scope
    assert elapsed < 60
