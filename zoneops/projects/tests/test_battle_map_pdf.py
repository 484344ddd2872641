"""The A3 battle map drawn into a PDF: what each sheet shows, and a worker's memory after documents."""

import gc
import io
import os
from datetime import date, datetime
from types import SimpleNamespace

import pytest
import time_machine
from pypdf import PdfReader

from zoneops.audit.context import Actor
from zoneops.org.models import Scope
from zoneops.org.tests.factories import PersonFactory, grant
from zoneops.projects import services
from zoneops.projects.battle_map_pdf import draw_battle_map
from zoneops.projects.choices import Light, Stage
from zoneops.projects.gantt import build_chart
from zoneops.projects.selectors import LightVerdict
from zoneops.projects.tests.factories import ProjectFactory

SYSTEM = Actor.system()
TODAY = date(2026, 5, 15)


class _Milestones(list):
    def all(self):
        return self


def _project(pk, unit, milestones):
    return SimpleNamespace(
        pk=pk, name=f"项目{pk:02d}", planned_start=date(2026, 3, 1), planned_completion=date(2026, 12, 31),
        milestones=_Milestones(SimpleNamespace(name=name, planned_date=planned, actual_date=actual,
                                               baseline_date=planned) for name, planned, actual in milestones),
        responsible_unit=SimpleNamespace(pk=unit, name=f"{unit}号镇"), responsible_unit_id=unit, leader_id=None,
        leader=None, verdict=LightVerdict(Light.RED if pk % 2 else Light.GREEN, ()), last_percent=40 + pk,
        get_stage_display=lambda: Stage.BUILDING.label, get_absolute_url=lambda: f"/projects/{pk}/")


def test_sheets_show_title_rows_flags_legend_and_page_numbers():
    projects = [_project(pk, 1 if pk < 3 else 2, [("开工", date(2026, 3, 1), date(2026, 3, 1)),
                                                  ("主体封顶", date(2026, 5, 1), None),
                                                  ("竣工验收", date(2026, 11, 1), None)])
                for pk in range(1, 6)]
    chart = build_chart(projects, TODAY, sheet_rows=(2, 2))
    pdf = PdfReader(io.BytesIO(draw_battle_map(chart, title="重点项目挂图作战图（2026年5月15日）",
                                               subtitle="全部在库项目", truncated_to=300, footer="ZoneOps · 测试")))

    assert len(pdf.pages) == 3  # 2 + 2 + 1 rows
    first, second, last = (page.extract_text() for page in pdf.pages)
    assert "重点项目挂图作战图（2026年5月15日）" in first and "全部在库项目" in first
    assert "共 5 个项目，红旗 5 个，黑旗 5 个，未到期 5 个" in first
    assert "绿灯 2 个、黄灯 0 个、红灯 3 个" in first
    assert "只列出前300个" in first
    for legend in ("红旗（按期完成）", "黑旗（逾期或逾期完成）", "未到期", "计划工期", "今天"):
        assert legend in first
    assert "项目01" in first and "项目02" in first and "项目03" not in first
    assert "1号镇" in first and "2号镇" in second and "主体封顶" in first and "41%" in first
    assert "（续）· 第2页，共3页" in second and "项目03" in second
    assert "项目05" in last and "第 3 页，共 3 页" in last and "ZoneOps · 测试" in last
    assert "2026年" in last and "5月" in last


def test_an_empty_chart_says_so():
    chart = build_chart([], TODAY)
    text = PdfReader(io.BytesIO(draw_battle_map(chart, title="挂图", subtitle="全部在库项目"))).pages[0].extract_text()
    assert "没有符合条件的项目。" in text and "共 0 个项目" in text


def _rss_mib():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.django_db
@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="reads the resident size from /proc")
def test_a_worker_keeps_its_memory_after_pdfs(client, tree):
    """Drawing loads and subsets a 20 MB font (~25–50 MB in the process that does it); the worker
    that serves the PDF must come back to its baseline, document after document."""
    with time_machine.travel(datetime(2026, 11, 23, 10, 0), tick=False):
        leader = PersonFactory(unit=tree.zone)
        grant(leader, "leader", scope=Scope.ALL)
        for n in range(20):
            project = ProjectFactory(name=f"内存项目{n:02d}", responsible_unit=tree.town_a,
                                     planned_start=date(2026, 1 + n % 10, 1), planned_completion=date(2027, 12, 31))
            services.milestone_add(actor=SYSTEM, project=project, name="开工", planned_date=project.planned_start)
        client.force_login(leader)
        assert client.get("/projects/battle-map/").status_code == 200  # the same queries, code imported
        gc.collect()
        baseline = _rss_mib()
        sizes = []
        for _ in range(4):
            response = client.get("/projects/battle-map.pdf")
            assert response.status_code == 200 and response.content.startswith(b"%PDF")
            del response
            gc.collect()
            sizes.append(_rss_mib() - baseline)
    assert max(sizes) < 8, f"the worker grew by {', '.join(f'{size:.1f}' for size in sizes)} MiB"
