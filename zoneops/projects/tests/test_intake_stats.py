"""The 入库纳统 plan read from a zone's sheet through the same engine, written by stats_inclusion_save."""

import io

import pytest
from openpyxl import Workbook

from zoneops.audit.context import Actor
from zoneops.exchange.intake import services as intake
from zoneops.projects import intake_stats
from zoneops.projects.choices import StatsStatus
from zoneops.projects.models import StatsInclusion
from zoneops.projects.tests.factories import ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]
SYSTEM = Actor.system()


def _sheet(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["经开区2026年入库纳统计划表"])
    sheet.append(["序号", "项目名称", "属地单位", "计划纳统时间", "纳统状态", "备注"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize(("value", "expected"), [
    ("2026年三季度", (2026, 3)), ("2026Q4", (2026, 4)), ("第二季度", (None, 2)), ("三季度", (None, 3)), (1, (None, 1)),
])
def test_quarters_as_zones_write_them(value, expected):
    assert intake_stats.parse_quarter(value) == expected


def test_a_stats_plan_sheet_sets_each_projects_plan(tree):
    first = ProjectFactory(name="甲镇食品项目", responsible_unit=tree.town_a)
    second = ProjectFactory(name="乙镇物流项目", responsible_unit=tree.town_b)
    sheet = _sheet([["一、工业项目"], [1, "甲镇食品项目", "甲镇", "三季度", "资料准备中", "缺用地"],
                    [2, "乙镇物流项目", "乙镇", "2026Q4", None, None], ["合计", "2个"]])
    analysis, _ = intake.prepare(sheet, kind="stats", actor=SYSTEM)
    dry = intake_stats.plan(analysis, actor=SYSTEM)
    assert dry.ok and not StatsInclusion.objects.exists()  # the dry run's writes are rolled back
    result = intake.confirm(analysis, kind="stats", actor=SYSTEM)
    assert result.updated == 2
    assert (first.stats.planned_year, first.stats.planned_quarter, first.stats.status, first.stats.note) == (
        2026, 3, StatsStatus.PREPARING, "缺用地")
    second.refresh_from_db()
    assert (second.stats.planned_quarter, second.stats.status) == (4, StatsStatus.PLANNED)


def test_an_unknown_project_is_listed_and_nothing_is_written(tree):
    ProjectFactory(name="甲镇食品项目", responsible_unit=tree.town_a)
    sheet = _sheet([[1, "甲镇食品项目", "甲镇", "三季度"], [2, "不存在的项目", "甲镇", "四季度"]])
    analysis, _ = intake.prepare(sheet, kind="stats", actor=SYSTEM)
    result = intake.confirm(analysis, kind="stats", actor=SYSTEM)
    assert not result.ok and result.updated == 0 and not StatsInclusion.objects.exists()
    assert [row.number for row in result.rows if row.issues] == [4]
