"""A zone's own 重点项目建设进度表 imported through the mapping engine and the project services."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from zoneops.audit.context import Actor
from zoneops.audit.models import AuditEntry
from zoneops.exchange.intake import services as intake
from zoneops.exchange.intake.engine import NOT_XLSX, SheetError
from zoneops.exchange.models import IntakeTemplate, UnitAlias
from zoneops.exchange.tests.sheets import ROWS, zone_sheet
from zoneops.org.models import Scope, UnitKind
from zoneops.org.tests.factories import PersonFactory, UnitFactory, grant
from zoneops.projects.choices import BuildNature, Stage
from zoneops.projects.models import Project

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]

SHEET_TOTAL = 185_005_000  # 12000 + 1500 + 5000.5 万元
SHEET_PLAN = 58_000_000  # 3000 + 800 + 2000 万元


@pytest.fixture
def zone(tree):
    park = UnitFactory(code="gxy", name="高新技术产业园", kind=UnitKind.DEPARTMENT, parent=tree.zone)
    zhang = PersonFactory(username="zhangwei", name="张伟", title="副主任", unit=tree.zone)
    li = PersonFactory(username="lisi", name="李四", unit=tree.zone)
    office = PersonFactory(username="office", unit=tree.zone)
    grant(office, "projects", scope=Scope.UNIT_TREE)
    grant(zhang, "leader", scope=Scope.ALL)
    return type("Zone", (), {"park": park, "zhang": zhang, "li": li, "office": office, "tree": tree,
                             "actor": Actor(person=office)})


def _prepare(data, actor, **options):
    return intake.prepare(io.BytesIO(data), kind="projects", actor=actor, filename="进度表.xlsx", **options)


def _plan(analysis, actor, **options):
    from zoneops.projects import intake as project_intake

    return project_intake.plan(analysis, actor=actor, **options)


def test_zone_sheet_is_mapped_and_imported_with_the_sheets_totals(zone):
    analysis, used = _prepare(zone_sheet(), zone.actor)
    assert used is None
    assert analysis.header_rows == [3, 4] and analysis.money_unit == "万元" and analysis.year == 2026
    mapping = {column.label: column.field for column in analysis.columns}
    assert mapping["2026年/计划投资"] == "year_plan_investment"
    assert mapping["建设单位"] == "enterprise" and mapping["属地单位"] == "responsible_unit"
    assert mapping["包抓领导"] == "leader" and mapping["开工时间"] == "planned_start"
    assert mapping["2026年/1-10月完成投资"] == "" and mapping["序号"] == ""
    assert [(row.number, row.reason) for row in analysis.skipped] == [
        (5, "分组行"), (8, "分组行"), (10, "合计行"), (11, "注释行")]

    plan = _plan(analysis, zone.actor)
    assert not plan.ok
    [park] = plan.unresolved
    assert (park.kind, park.text, park.rows) == ("unit", "高新园", [7])
    assert park.suggestions == [(zone.park.pk, "高新技术产业园")]

    decisions = {"unit:高新园": str(zone.park.pk)}
    result = intake.confirm(analysis, kind="projects", actor=zone.actor, decisions=decisions, template_name="月报")
    assert (result.created, result.updated) == (3, 0)
    projects = Project.objects.order_by("pk")
    assert sum(p.total_investment for p in projects) == SHEET_TOTAL
    assert sum(p.year_plan_investment for p in projects) == SHEET_PLAN
    assert result.totals == [("总投资", SHEET_TOTAL, SHEET_TOTAL), ("2026年/计划投资", SHEET_PLAN, SHEET_PLAN)]
    first, second, third = projects
    assert (first.responsible_unit, first.leader) == (zone.tree.town_a, zone.zhang)
    assert first.planned_start == date(2025, 3, 1)
    assert (second.responsible_unit, second.leader, second.planned_start) == (zone.park, zone.li, date(2025, 6, 1))
    assert third.planned_start == date(2026, 3, 15) and third.total_investment == 50_005_000
    # 续建 → 开工 (with its history), 新开工 → 新建 at 储备.
    assert (first.stage, second.stage, third.stage) == (Stage.STARTED, Stage.STARTED, Stage.RESERVE)
    assert third.build_nature == BuildNature.NEW
    assert AuditEntry.objects.filter(action="project.import").count() == 1
    assert UnitAlias.objects.get(alias="高新园").target == zone.park
    template = IntakeTemplate.objects.get()
    assert (template.unit, template.name, template.money_unit) == (zone.office.unit, "月报", "万元")


def test_next_months_sheet_imports_in_one_step_with_the_saved_template(zone):
    analysis, _used = _prepare(zone_sheet(), zone.actor)
    analysis.columns[4].field = ""  # 建设内容及规模 not imported: the template keeps the user's choices
    intake.confirm(analysis, kind="projects", actor=zone.actor, decisions={"unit:高新园": str(zone.park.pk)},
                   template_name="月报")
    rows = list(ROWS)
    rows[1] = rows[1][:5] + (13000,) + rows[1][6:]  # 总投资 adjusted in November
    analysis, used = _prepare(zone_sheet(month=11, rows=rows), zone.actor)
    assert used is not None and used.name == "月报"
    assert analysis.columns[4].field == "" and analysis.columns[5].field == "total_investment"
    plan = _plan(analysis, zone.actor)
    assert plan.ok and plan.unresolved == [] and (plan.new_count, plan.update_count) == (0, 3)
    result = intake.confirm(analysis, kind="projects", actor=zone.actor, versions=plan.versions())
    assert (result.created, result.updated, result.changed) == (0, 3, 1)
    assert Project.objects.count() == 3
    assert Project.objects.get(name="渭南智能装备产业园").total_investment == 130_000_000
    assert sum(Project.objects.values_list("total_investment", flat=True)) == result.totals[0][1]
    assert AuditEntry.objects.filter(action="project.import_update").count() == 1


def test_a_sheet_in_yi_yuan_reads_the_same_money(zone):
    analysis, _ = _prepare(zone_sheet(unit="亿元", scale=10_000), zone.actor)
    assert analysis.money_unit == "亿元"
    result = intake.confirm(analysis, kind="projects", actor=zone.actor, decisions={"unit:高新园": str(zone.park.pk)})
    assert result.created == 3
    assert sum(Project.objects.values_list("total_investment", flat=True)) == SHEET_TOTAL == result.totals[0][1]


def test_the_money_unit_can_be_changed(zone):
    analysis, _ = _prepare(zone_sheet(), zone.actor, money_unit="元")
    plan = _plan(analysis, zone.actor, decisions={"unit:高新园": str(zone.park.pk)})
    assert plan.rows[0].values["total_investment"] == 12000


def test_a_formula_without_a_cached_value_is_listed_on_its_row(zone):
    rows = list(ROWS)
    rows[4] = rows[4][:5] + ("=1000*5",) + rows[4][6:]
    analysis, _ = _prepare(zone_sheet(rows=rows), zone.actor)
    plan = _plan(analysis, zone.actor, decisions={"unit:高新园": str(zone.park.pk)})
    broken = [row for row in plan.rows if row.issues]
    assert [row.number for row in broken] == [9]
    assert "是公式但没有计算结果" in broken[0].issues[0]
    result = intake.confirm(analysis, kind="projects", actor=zone.actor, decisions={"unit:高新园": str(zone.park.pk)})
    assert not result.ok and result.created == 0 and not Project.objects.exists()
    # Excluding the row imports the rest.
    result = intake.confirm(analysis, kind="projects", actor=zone.actor, decisions={"unit:高新园": str(zone.park.pk)},
                            excluded={9})
    assert result.created == 2


def test_an_unmatched_person_can_be_left_empty_and_a_row_excluded(zone):
    rows = list(ROWS)
    rows[2] = rows[2][:10] + ("赵书记",)
    analysis, _ = _prepare(zone_sheet(rows=rows), zone.actor)
    plan = _plan(analysis, zone.actor)
    assert {(u.kind, u.text) for u in plan.unresolved} == {("unit", "高新园"), ("person", "赵书记")}
    assert [row.number for row in plan.rows if row.issues] == [7]
    result = intake.confirm(analysis, kind="projects", actor=zone.actor,
                            decisions={"person:赵书记": "", "unit:高新园": str(zone.park.pk)})
    assert result.created == 3
    assert Project.objects.get(name="高新园新材料项目").leader is None


def test_a_sheet_that_cannot_be_mapped_says_so_and_writes_nothing(zone):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["姓名", "电话", "地址"])
    book.active.append(["张三", "123", "某地"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(SheetError, match="无法识别表头"):
        _prepare(buffer.getvalue(), zone.actor)
    with pytest.raises(SheetError) as refused:
        intake.prepare(io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100), kind="projects",
                       actor=zone.actor, filename="台账.xls")
    assert str(refused.value) == NOT_XLSX and "另存为" in NOT_XLSX
    assert not Project.objects.exists() and not IntakeTemplate.objects.exists()


def test_names_are_resolved_within_the_importers_scope(zone):
    township = PersonFactory(unit=zone.tree.town_a)
    grant(township, "township", scope=Scope.UNIT)
    actor = Actor(person=township)
    analysis, _ = _prepare(zone_sheet(), actor)
    plan = _plan(analysis, actor)
    # 高新技术产业园 is outside 甲镇: not even suggested; the rows of 甲镇 pass.
    [park] = [entry for entry in plan.unresolved if entry.kind == "unit"]
    assert park.text == "高新园" and park.suggestions == []
    result = intake.confirm(analysis, kind="projects", actor=actor, decisions={"unit:高新园": str(zone.park.pk)})
    assert not result.ok and not Project.objects.exists()
    result = intake.confirm(analysis, kind="projects", actor=actor, excluded={7}, decisions={"person:张副主任": ""})
    assert result.created == 2
    # The township may not move stages: 续建 leaves its projects at 储备.
    assert set(Project.objects.values_list("stage", flat=True)) == {Stage.RESERVE}


def test_a_project_changed_after_the_dry_run_is_not_overwritten(zone):
    analysis, _ = _prepare(zone_sheet(), zone.actor)
    intake.confirm(analysis, kind="projects", actor=zone.actor, decisions={"unit:高新园": str(zone.park.pk)})
    analysis, _ = _prepare(zone_sheet(month=11), zone.actor)
    plan = _plan(analysis, zone.actor)
    versions = plan.versions()
    Project.objects.filter(name="冷链物流中心").update(version=99)
    result = intake.confirm(analysis, kind="projects", actor=zone.actor, versions=versions)
    assert not result.ok and result.updated == 0
    assert any("预检后已被他人修改" in issue for row in result.rows for issue in row.issues)


def test_the_command_prints_what_it_would_do(zone, capsys, tmp_path):
    path = tmp_path / "进度表.xlsx"
    path.write_bytes(zone_sheet())
    with pytest.raises(CommandError, match="未导入"):
        call_command("import", "projects", str(path), "--dry-run")
    assert "高新园" in capsys.readouterr().err
    UnitAlias.objects.create(unit=zone.tree.zone, alias="高新园", target=zone.park)
    call_command("import", "projects", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "自动识别" in out and "新建 3 个" in out and "跳过 4 行" in out and not Project.objects.exists()
    call_command("import", "projects", str(path))
    assert Project.objects.count() == 3
    intake.template_save(actor=Actor.system(), unit=zone.tree.zone, kind="projects", name="经开区月报",
                         labels=["项目名称"], mapping={0: "name"}, money_unit="万元")
    with pytest.raises(CommandError, match="找不到模板"):
        call_command("import", "projects", str(path), "--template", "没有")
