"""The project ledger in Excel: export layout and scope, import checks, round trip, pages and CLI."""

import io
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from zoneops.audit.context import Actor
from zoneops.audit.models import AuditEntry
from zoneops.core.errors import PermissionDenied
from zoneops.core.models import IndustryCode
from zoneops.core.money import YUAN_PER_WAN
from zoneops.exchange.xlsx import MONEY_FORMAT, UNREADABLE
from zoneops.org.models import Scope, UnitKind
from zoneops.org.tests.factories import PersonFactory, UnitFactory, grant
from zoneops.projects import selectors, services
from zoneops.projects.choices import BuildNature, Stage, StatsStatus
from zoneops.projects.exchange import LAYOUT, export_ledger, import_ledger, write_ledger
from zoneops.projects.models import Project, StatsInclusion
from zoneops.projects.stages import stage_history
from zoneops.projects.tests.factories import ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]
SYSTEM = Actor.system()
HEADERS = [column.header for column in LAYOUT.columns]


@pytest.fixture
def people(tree):
    leader = PersonFactory(username="wangqiang", name="王强", unit=tree.zone)
    commissioner = PersonFactory(username="lina", name="李娜", unit=tree.town_a)
    return leader, commissioner


@pytest.fixture
def ledger(tree, people):
    """Two projects of 甲镇 (one started, with reports) and one of 乙镇."""
    leader, commissioner = people
    started = ProjectFactory(
        name="年产10万吨电子材料项目", code="2603-610502-04-01-123456", enterprise="渭南新材料有限公司",
        responsible_unit=tree.town_a, industry=IndustryCode.objects.get(pk="3985"), build_nature=BuildNature.EXPANSION,
        is_provincial_key=True, is_city_key=True, total_investment=10_000 * YUAN_PER_WAN,
        year_plan_investment=1_200 * YUAN_PER_WAN, investment_before=200 * YUAN_PER_WAN,
        planned_start=date(2026, 3, 1), planned_completion=date(2027, 6, 30), location="经开区纬二路",
        content="新建厂房3万平方米", leader=leader, commissioner=commissioner)
    started = services.project_change_stage(actor=SYSTEM, project=started, to_stage=Stage.STARTED, reason="补录",
                                  effective_on=date(2025, 12, 1))
    for period, wan in (("2025-12", 300), ("2026-10", 800)):
        report = services.progress_report_submit(actor=SYSTEM, project=started, period_key=period,
                                                 invested=wan * YUAN_PER_WAN, progress_text="主体施工", percent=30)
        services.progress_report_review(actor=SYSTEM, report=report, accept=True)
    reserve = ProjectFactory(name="智能装备产业园", enterprise="秦东装备有限公司", responsible_unit=tree.town_a,
                             total_investment=50_005_678, year_plan_investment=0)
    other = ProjectFactory(name="乙镇物流园", responsible_unit=tree.town_b, total_investment=3_000 * YUAN_PER_WAN)
    return started, reserve, other


def admin(tree):
    person = PersonFactory(unit=tree.zone)
    grant(person, "projects", scope=Scope.ALL)
    return person


def township_user(tree):
    person = PersonFactory(unit=tree.town_a)
    grant(person, "township", scope=Scope.UNIT_TREE)
    return person


def sheet_of(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def values(sheet, row):
    return [cell.value for cell in sheet[row]]


def ledger_row(changes=None):
    """One valid row of the import layout, by header, with ``changes`` applied."""
    row = {"序号": 1, "项目名称": "新能源电池项目", "项目代码": None, "项目业主": "渭南储能科技有限公司",
           "责任单位": "甲镇", "国民经济行业": "3985", "建设性质": "新建", "项目级别": "市重点", "阶段": "签约",
           "总投资": 5000, "本年计划投资": 1000.5, "本年完成投资": None, "累计完成投资": None,
           "计划开工": date(2027, 3, 1), "计划竣工": date(2028, 6, 30), "建设地点": "甲镇工业园",
           "建设内容": "电池生产线", "包联领导": "王强", "项目专员": "lina"} | (changes or {})
    row = dict.fromkeys(HEADERS) | row
    return [row[header] for header in HEADERS]


def ledger_file(*rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["重点项目台账"])
    for header_row in LAYOUT.header_rows():
        sheet.append(header_row)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def errors(result):
    return [str(error) for error in result.errors]


def nothing_written(count_before=0):
    return Project.objects.count() == count_before and not AuditEntry.objects.filter(action="project.import").exists()


class TestExport:
    def test_government_layout_with_title_two_header_rows_and_a_total_row(self, tree, ledger):
        sheet = sheet_of(export_ledger(selectors.project_queryset(user=admin(tree))))
        assert sheet["A1"].value == "重点项目台账（截至2026年11月23日）"
        assert {str(merge) for merge in sheet.merged_cells.ranges} == {
            "A1:AE1", "A2:K2", "L2:P2", "Q2:V2", "W2:X2", "Y2:AA2", "AB2:AC2", "AD2:AE2"}
        assert values(sheet, 2)[:12] == ["基本情况"] + [None] * 10 + ["投资情况（万元）"]
        assert values(sheet, 3) == HEADERS
        started = ledger[0]
        assert dict(zip(HEADERS, values(sheet, 4), strict=True)) == {
            "序号": 1, "项目名称": "年产10万吨电子材料项目", "项目代码": "2603-610502-04-01-123456",
            "项目业主": "渭南新材料有限公司", "责任单位": "甲镇", "配合单位": None, "专班": None,
            "国民经济行业": "3985", "建设性质": "扩建", "项目级别": "省重点、市重点", "阶段": "开工", "总投资": 10000,
            "本年计划投资": 1200, "本年完成投资": 800, "以前年度累计完成投资": 200, "累计完成投资": 1300,
            "计划开工": datetime(2026, 3, 1), "计划竣工": datetime(2027, 6, 30), "签约日期": datetime(2025, 12, 1),
            "实际开工": datetime(2025, 12, 1), "实际竣工": None, "投产日期": None, "建设地点": "经开区纬二路",
            "建设内容": "新建厂房3万平方米", "预计年产值（万元）": None, "预计年税收（万元）": None,
            "预计带动就业（人）": None,
            "包联领导": "王强", "项目专员": "李娜", "系统编号": started.pk, "版本": started.version}
        assert values(sheet, 5)[1] == "智能装备产业园" and values(sheet, 5)[11] == pytest.approx(5000.5678)
        assert (values(sheet, 6)[1], values(sheet, 6)[4]) == ("乙镇物流园", "乙镇")
        total = values(sheet, 7)
        assert total[:2] == ["合计", "共3个项目"]
        assert total[11:16] == [pytest.approx(18000.5678), 2400, 800, 200, 1300]
        assert sheet.max_row == 7
        assert all(sheet.cell(row, column).number_format == MONEY_FORMAT for row in (4, 7) for column in range(12, 17))
        assert sheet["A7"].font.bold and sheet.freeze_panes == "C4"

    def test_text_that_would_run_as_a_formula_stays_text(self, tree):
        ProjectFactory(name='=HYPERLINK("http://evil.example","点击")', content="+cmd|' /C calc'!A0",
                       responsible_unit=tree.town_a)
        sheet = sheet_of(export_ledger(selectors.project_queryset(user=admin(tree))))
        assert sheet["B4"].value == "'=HYPERLINK(\"http://evil.example\",\"点击\")" and sheet["B4"].data_type == "s"
        assert sheet["X4"].value == "'+cmd|' /C calc'!A0" and sheet["X4"].data_type == "s"

    def test_round_trip_into_an_empty_ledger_recreates_the_projects(self, tree, ledger):
        ProjectFactory(name='=HYPERLINK("http://evil.example")', responsible_unit=tree.town_b)
        fields = ("name", "code", "enterprise", "responsible_unit_id", "industry_id", "build_nature",
                  "is_national_key", "is_provincial_key", "is_city_key", "is_district_key", "stage",
                  "total_investment", "year_plan_investment", "planned_start", "planned_completion", "location",
                  "content", "leader_id", "commissioner_id")
        before = sorted(Project.objects.values_list(*fields))
        sheet = sheet_of(export_ledger(selectors.project_queryset(user=admin(tree))))
        Project.objects.all().delete()
        for row in range(4, sheet.max_row):  # another ledger's 系统编号 means nothing here
            for header in ("系统编号", "版本"):
                sheet.cell(row, HEADERS.index(header) + 1).value = None
        buffer = io.BytesIO()
        sheet.parent.save(buffer)
        buffer.seek(0)

        result = import_ledger(buffer, actor=SYSTEM, commit=True)

        assert result.ok, errors(result)
        assert result.created == 4
        assert sorted(Project.objects.values_list(*fields)) == before


    def test_the_file_for_a_background_job_is_the_download(self, tree, ledger, tmp_path):
        queryset = selectors.project_queryset(user=admin(tree))
        assert write_ledger(queryset, tmp_path / "台账.xlsx") == 3
        written = load_workbook(tmp_path / "台账.xlsx").active
        downloaded = sheet_of(export_ledger(queryset))
        assert [values(written, row) for row in range(1, 8)] == [values(downloaded, row) for row in range(1, 8)]
        assert written.freeze_panes == "C4" and len(written.merged_cells.ranges) == 8

class TestImport:
    def test_dry_run_writes_nothing_and_commit_writes_every_row_with_one_audit_row(self, tree, people):
        leader, commissioner = people
        file = ledger_file(ledger_row(), ledger_row({"序号": 2, "项目名称": "仓储中心", "责任单位": "town-b",
                                                     "项目级别": "省重点、市重点", "包联领导": None, "项目专员": None}))
        dry = import_ledger(file, actor=SYSTEM, commit=False)
        assert dry.ok and dry.created == 0 and len(dry.rows) == 2 and nothing_written()

        result = import_ledger(file, actor=SYSTEM, commit=True)

        assert result.created == 2
        battery = Project.objects.get(name="新能源电池项目")
        assert (battery.responsible_unit, battery.industry_id, battery.build_nature, battery.stage) == (
            tree.town_a, "3985", BuildNature.NEW, Stage.SIGNED)
        assert (battery.total_investment, battery.year_plan_investment) == (50_000_000, 10_005_000)
        assert (battery.leader, battery.commissioner, battery.is_city_key, battery.is_provincial_key) == (
            leader, commissioner, True, False)
        storage = Project.objects.get(name="仓储中心")
        assert storage.responsible_unit == tree.town_b and storage.levels == ["provincial", "city"]
        [audit] = AuditEntry.objects.filter(action="project.import")
        assert audit.changes["count"] == 2 and audit.detail == "导入项目2个"
        assert not AuditEntry.objects.filter(action="project.create").exists()

    def test_a_row_past_reserve_enters_through_the_stage_rules_with_history_and_actual_dates(self, tree, people):
        office = admin(tree)
        file = ledger_file(ledger_row({"阶段": "在建"}),
                           ledger_row({"序号": 2, "项目名称": "储备项目", "阶段": "储备"}),
                           ledger_row({"序号": 3, "项目名称": "停建项目", "阶段": "停缓建"}))

        assert import_ledger(file, actor=Actor(person=office), commit=True).created == 3

        building = Project.objects.get(name="新能源电池项目")
        today = date(2026, 11, 23)
        assert building.stage == Stage.BUILDING
        # as project_change_stage moving from 储备 over the stages in between
        assert (building.signed_on, building.actual_start, building.in_stats_on) == (today, today, today)
        [change] = stage_history(building)
        assert (change.from_state, change.to_state, change.kind, change.effective_on, change.reason, change.actor) == (
            Stage.RESERVE, Stage.BUILDING, "skip", today, "Excel导入", office)
        assert building.reporting_from == today  # owes reports from now on, not for the years before
        assert building.stats.status == StatsStatus.INCLUDED and building.stats.included_on == today  # 已纳统
        reserve = Project.objects.get(name="储备项目")
        assert reserve.stage == Stage.RESERVE and stage_history(reserve) == [] and reserve.signed_on is None
        suspended = Project.objects.get(name="停建项目")
        assert suspended.stage == Stage.SUSPENDED and suspended.actual_start is None
        assert [row.to_state for row in stage_history(suspended)] == [Stage.SUSPENDED]
        assert not StatsInclusion.objects.filter(project=suspended).exists()
        [audit] = AuditEntry.objects.filter(action="project.import")
        assert audit.changes["stages"] == {"building": 1, "reserve": 1, "suspended": 1}
        assert audit.changes["stage_changes"] == 2 and audit.changes["stats_included"] == 1
        assert audit.actor == office

    def test_a_township_without_the_stage_permission_cannot_import_at_building(self, tree, people):
        me = township_user(tree)  # project.edit, no project.stage
        file = ledger_file(ledger_row({"阶段": "在建", "包联领导": None}),
                           ledger_row({"序号": 2, "项目名称": "储备项目", "阶段": "储备", "包联领导": None}))
        for commit in (False, True):
            result = import_ledger(file, actor=Actor(person=me), commit=commit)
            assert errors(result) == ["第4行“阶段”有误：您无权直接录入“在建”阶段的项目（需要阶段变更权限），"
                                      "请按“储备”录入，再由有权限的人员变更阶段。"]
            assert result.created == 0 and nothing_written()
        # the same file at 储备 is theirs to import
        file = ledger_file(ledger_row({"阶段": "储备", "包联领导": None}))
        assert import_ledger(file, actor=Actor(person=me), commit=True).created == 1

    def test_the_stage_permission_is_checked_on_the_rows_unit(self, tree, people):
        me = township_user(tree)
        grant(me, "projects", scope=Scope.UNIT, unit=tree.town_b)  # project.stage in 乙镇 only
        file = ledger_file(ledger_row({"阶段": "开工", "包联领导": None, "责任单位": "乙镇"}),
                           ledger_row({"序号": 2, "项目名称": "甲镇项目", "阶段": "开工", "包联领导": None}))
        result = import_ledger(file, actor=Actor(person=me), commit=True)
        assert [error.row_number for error in result.errors] == [5] and nothing_written()

    def test_wrong_types_are_reported_per_row_in_chinese(self, tree, people):
        result = import_ledger(ledger_file(
            ledger_row({"总投资": "十亿", "计划开工": "明年春天", "阶段": "开发中"}),
            ledger_row({"序号": 2, "项目名称": "二号项目", "建设性质": "翻建", "项目级别": "县重点",
                        "国民经济行业": 9999, "本年计划投资": -5}),
            ledger_row({"序号": 3, "项目名称": None, "项目业主": None})), actor=SYSTEM, commit=True)
        assert errors(result) == [
            "第4行“阶段”应为储备、签约、前期、开工、纳统、在建、竣工、投产、达产、停缓建、终止之一，实为“开发中”",
            "第4行“总投资”应为数字（万元），实为“十亿”",
            "第4行“计划开工”应为日期（如 2026-03-01），实为“明年春天”",
            "第5行“国民经济行业”找不到行业代码“9999”（GB/T 4754-2017）",
            "第5行“建设性质”应为新建、扩建、改建和技术改造、迁建、单纯购置之一，实为“翻建”",
            "第5行“项目级别”应为国家重点、省重点、市重点、区重点（可填多个，用顿号分隔），实为“县重点”",
            "第5行“本年计划投资”不能为负数",
            "第6行“项目名称”不能为空",
            "第6行“项目业主”不能为空",
        ]
        assert result.created == 0 and nothing_written()

    def test_model_rules_apply(self, tree, people):
        result = import_ledger(ledger_file(ledger_row({
            "项目代码": "2026-123", "计划开工": date(2029, 1, 1), "本年计划投资": 6000})), actor=SYSTEM, commit=True)
        assert errors(result) == [
            "第4行“项目代码”有误：项目代码应为24位，格式如 2611-610502-04-01-123456。",
            "第4行“本年计划投资”有误：本年计划投资不能大于总投资。",
            "第4行“计划竣工”有误：计划竣工日期不能早于计划开工日期。",
        ]
        assert nothing_written()

    def test_units_and_people_are_resolved_only_within_the_actors_scope(self, tree, people):
        PersonFactory(username="zhangwei1", name="张伟", unit=tree.town_a)
        PersonFactory(username="zhangwei2", name="张伟", unit=tree.town_a)
        me = township_user(tree)
        file = ledger_file(
            ledger_row({"责任单位": "乙镇", "包联领导": None, "阶段": "储备"}),
            ledger_row({"序号": 2, "项目名称": "二号项目", "责任单位": "丙镇", "包联领导": None, "阶段": "储备"}),
            ledger_row({"序号": 3, "项目名称": "三号项目", "责任单位": "town-a", "包联领导": "王强", "阶段": "储备"}),
            ledger_row({"序号": 4, "项目名称": "四号项目", "包联领导": None, "项目专员": "张伟", "阶段": "储备"}))
        result = import_ledger(file, actor=Actor(person=me), commit=True)
        hint = "请填写单位代码或单位全称，且须在您的数据范围内"
        assert errors(result) == [
            f"第4行“责任单位”找不到“乙镇”：{hint}",
            f"第5行“责任单位”找不到“丙镇”：{hint}",
            "第6行“包联领导”找不到“王强”：请填写登录名或姓名，且须在您的数据范围内",
            "第7行“项目专员”“张伟”有重名人员，请改填登录名",
        ]
        assert nothing_written()
        fixed = ledger_file(ledger_row({"包联领导": me.username, "项目专员": "zhangwei2", "阶段": "储备"}))
        assert import_ledger(fixed, actor=Actor(person=me), commit=True).created == 1

    def test_duplicates_within_the_file(self, tree, people):
        code = "2611-610502-04-01-000001"
        result = import_ledger(ledger_file(
            ledger_row({"项目代码": code}),
            ledger_row({"序号": 2, "项目代码": code, "项目名称": "另一个项目"}),
            ledger_row({"序号": 3}),
            ledger_row({"序号": 4, "责任单位": "乙镇"})), actor=SYSTEM, commit=True)
        assert errors(result) == ["第5行“项目代码”有误：与第4行重复。",
                                  "第6行“项目名称”有误：与第4行重复（同一责任单位下项目名称不能相同）。"]
        assert nothing_written()

    def test_duplicates_against_the_ledger(self, tree, people, ledger):
        started, reserve, _other = ledger
        result = import_ledger(ledger_file(  # a row with an existing 项目代码 updates that project (TestRoundTrip)
            ledger_row({"项目代码": started.code, "系统编号": reserve.pk}),
            ledger_row({"序号": 2, "项目名称": reserve.name}),
            ledger_row({"序号": 3, "项目名称": reserve.name, "责任单位": "乙镇"})), actor=SYSTEM, commit=True)
        assert errors(result) == ["第4行“项目代码”有误：该项目代码已被其他项目使用。",
                                  "第5行“项目名称”有误：该责任单位下已有同名项目。"]
        assert nothing_written(count_before=3)

    def test_formula_cells_are_refused(self, tree, people):
        file = ledger_file(ledger_row({"总投资": "=1000*5", "序号": "=ROW()-3"}),
                           ledger_row({"序号": 2, "项目名称": "乙"}))
        result = import_ledger(file, actor=SYSTEM, commit=True)
        assert errors(result) == ["第4行“总投资”为公式，请粘贴为数值"]
        assert nothing_written()

    def test_a_corrupted_file_gives_one_error(self, tree):
        data = ledger_file(ledger_row()).getvalue()
        for broken in (b"PK\x03\x04 garbage", data[:200], "名称,总投资".encode()):
            result = import_ledger(io.BytesIO(broken), actor=SYSTEM, commit=True)
            assert errors(result) == [UNREADABLE]
        assert nothing_written()

    def test_the_commit_checks_again_inside_the_write_transaction(self, tree, people):
        file = ledger_file(ledger_row({"项目专员": None}),
                           ledger_row({"序号": 2, "项目名称": "二号项目", "项目专员": "李娜"}))
        assert import_ledger(file, actor=SYSTEM, commit=False).ok
        ProjectFactory(name="新能源电池项目", responsible_unit=tree.town_a)  # someone else, meanwhile
        _leader, commissioner = people
        commissioner.is_active = False
        commissioner.save()

        result = import_ledger(file, actor=SYSTEM, commit=True)

        assert errors(result) == ["第4行“项目名称”有误：该责任单位下已有同名项目。",
                                  "第5行“项目专员”找不到“李娜”：请填写登录名或姓名，且须在您的数据范围内"]
        assert result.created == 0 and nothing_written(count_before=1)

    def test_a_constraint_hit_at_insert_rolls_everything_back(self, tree, people, monkeypatch):
        def collide(*args, **kwargs):
            raise IntegrityError("UNIQUE constraint failed: projects_project.code")

        monkeypatch.setattr(Project.objects, "bulk_create", collide)
        result = import_ledger(ledger_file(ledger_row()), actor=SYSTEM, commit=True)
        assert errors(result) == ["导入时发现项目代码已被他人占用，未写入任何数据，请重新预检。"]
        assert nothing_written()

    def test_queries_do_not_grow_with_the_rows(self, tree, people):
        def queries(count):
            rows = [ledger_row({"序号": n, "项目名称": f"{count}批项目{n}"}) for n in range(count)]
            with CaptureQueriesContext(connection) as captured:
                assert import_ledger(ledger_file(*rows), actor=SYSTEM, commit=True).created == count
            # bulk_create splits its INSERT into batches by the database's parameter limit
            return len([query for query in captured if not query["sql"].startswith("INSERT INTO \"projects_project\"")])

        assert queries(2) == queries(40)

    def test_import_needs_the_edit_permission(self, tree):
        viewer = PersonFactory(unit=tree.zone)
        grant(viewer, "leader", scope=Scope.ALL)
        with pytest.raises(PermissionDenied):
            import_ledger(ledger_file(ledger_row()), actor=Actor(person=viewer), commit=False)


class TestPages:
    @pytest.fixture(autouse=True)
    def _home(self, settings, tmp_path):
        settings.HOME = tmp_path

    def test_export_is_scoped_filtered_and_audited(self, client, tree, ledger):
        me = township_user(tree)
        client.force_login(me)
        response = client.get(reverse("projects:export"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = sheet_of(response)
        names = [sheet.cell(row, 2).value for row in range(4, sheet.max_row)]
        assert names == ["年产10万吨电子材料项目", "智能装备产业园"]
        assert sheet.cell(sheet.max_row, 2).value == "共2个项目"
        audit = AuditEntry.objects.get(action="export")
        assert audit.actor == me and audit.detail.startswith("导出2行")

        filtered = sheet_of(client.get(reverse("projects:export"), {"stage": Stage.STARTED, "q": "电子"}))
        assert filtered.max_row == 5 and filtered["B4"].value == "年产10万吨电子材料项目"

    def test_export_needs_the_view_permission(self, client, tree):
        client.force_login(PersonFactory(unit=tree.zone))
        assert client.get(reverse("projects:export")).status_code == 403

    def upload(self, client, file, name="台账.xlsx"):
        return client.post(reverse("projects:import"),
                           {"check": "1", "file": SimpleUploadedFile(name, file.getvalue())})

    def test_dry_run_lists_errors_and_keeps_nothing(self, client, tree, people, settings):
        client.force_login(township_user(tree))
        response = self.upload(client, ledger_file(ledger_row({"总投资": "十亿", "责任单位": "乙镇"})))
        assert response.status_code == 200
        page = response.content.decode()
        assert "预检未通过" in page and "应为数字（万元），实为“十亿”" in page and "找不到“乙镇”" in page
        assert 'name="confirm"' not in page and "projects_import" not in client.session
        assert not list((settings.HOME / "imports").iterdir()) and nothing_written()

    def test_a_township_is_told_it_cannot_import_at_building(self, client, tree, people):
        client.force_login(township_user(tree))
        page = self.upload(client, ledger_file(ledger_row({"阶段": "在建", "包联领导": None}))).content.decode()
        assert "预检未通过" in page and "您无权直接录入“在建”阶段的项目" in page and 'name="confirm"' not in page
        assert nothing_written()

    def test_preview_then_confirm_imports_the_checked_file(self, client, tree, people, settings):
        me = township_user(tree)
        client.force_login(me)
        response = self.upload(client, ledger_file(ledger_row({"包联领导": None, "阶段": "储备"})))
        page = response.content.decode()
        assert "预检通过" in page and "新能源电池项目" in page and "5,000.00" in page
        token = client.session["projects_import"]["token"]
        assert (settings.HOME / "imports" / f"{token}.xlsx").exists() and nothing_written()

        response = client.post(reverse("projects:import"), {"confirm": "1", "token": token})

        assert response.status_code == 302 and response["Location"] == reverse("projects:list")
        assert Project.objects.get().created_by == me
        assert AuditEntry.objects.get(action="project.import").actor == me
        assert not (settings.HOME / "imports" / f"{token}.xlsx").exists()
        assert "projects_import" not in client.session

    def test_confirm_without_a_current_dry_run_writes_nothing(self, client, tree, people):
        client.force_login(township_user(tree))
        response = client.post(reverse("projects:import"), {"confirm": "1", "token": "x" * 32}, follow=True)
        assert "预检结果已失效" in response.content.decode() and nothing_written()

    def test_only_xlsx_files_are_accepted(self, client, tree):
        client.force_login(township_user(tree))
        response = self.upload(client, io.BytesIO(b"a,b"), name="台账.csv")
        assert "请上传 .xlsx 格式的文件" in response.content.decode() and nothing_written()

    def test_import_needs_the_edit_permission(self, client, tree):
        viewer = PersonFactory(unit=tree.zone)
        grant(viewer, "leader", scope=Scope.ALL)
        client.force_login(viewer)
        assert client.get(reverse("projects:import")).status_code == 403


class TestCommand:
    def test_import_projects(self, tree, people, tmp_path, capsys):
        path = tmp_path / "台账.xlsx"
        path.write_bytes(ledger_file(ledger_row(), ledger_row({"序号": 2, "项目名称": "二号项目"})).getvalue())
        call_command("import", "projects", str(path), "--dry-run")
        assert "预检通过：2 行" in capsys.readouterr().out and nothing_written()
        call_command("import", "projects", str(path))
        assert "已导入 2 个项目。" in capsys.readouterr().out and Project.objects.count() == 2

    def test_errors_exit_non_zero_and_write_nothing(self, tree, people, tmp_path, capsys):
        path = tmp_path / "台账.xlsx"
        path.write_bytes(ledger_file(ledger_row({"总投资": "=1+1"})).getvalue())
        with pytest.raises(CommandError, match="发现 1 处问题"):
            call_command("import", "projects", str(path))
        assert "第4行“总投资”为公式，请粘贴为数值" in capsys.readouterr().err and nothing_written()


def export_sheet(user):
    return sheet_of(export_ledger(selectors.project_queryset(user=user)))


def saved(sheet):
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    buffer.seek(0)
    return buffer


def set_cell(sheet, project, header, value):
    """The cell under ``header`` in ``project``'s row (found by 系统编号)."""
    column = HEADERS.index(header) + 1
    row = next(row for row in range(4, sheet.max_row)
               if sheet.cell(row, HEADERS.index("系统编号") + 1).value == project.pk)
    sheet.cell(row, column).value = value


def database():
    """Every project field, and the 配合单位, field by field."""
    return {project["id"]: project | {"co_units": sorted(Project.objects.get(pk=project["id"]).co_units
                                                         .values_list("pk", flat=True))}
            for project in Project.objects.values()}


@pytest.fixture
def full_ledger(tree, ledger):
    """The ledger with every round-trip field filled on the started project."""
    started, reserve, _other = ledger
    task_force = UnitFactory(code="tf-1", name="新材料专班", kind=UnitKind.TASK_FORCE, parent=tree.zone)
    Project.objects.filter(pk=started.pk).update(
        signed_on=date(2025, 10, 8), task_force=task_force, expected_output=30_000 * YUAN_PER_WAN,
        expected_tax=1_234_5678, expected_jobs=300)
    started.refresh_from_db()
    started.co_units.set([tree.town_b])
    return started, reserve, task_force


class TestRoundTrip:
    def test_an_untouched_export_changes_nothing(self, tree, full_ledger):
        before = database()
        result = import_ledger(saved(export_sheet(admin(tree))), actor=SYSTEM, commit=True)
        assert result.ok, errors(result)
        assert (result.new, result.updated, result.unchanged, result.changes) == (0, 0, 3, [])
        assert database() == before
        assert not AuditEntry.objects.filter(action__startswith="project.import").exists()

    def test_edited_cells_change_exactly_those_fields_with_audit(self, tree, people, full_ledger):
        started, reserve, _task_force = full_ledger
        before = database()
        sheet = export_sheet(admin(tree))
        set_cell(sheet, started, "实际开工", date(2025, 11, 20))
        set_cell(sheet, started, "包联领导", "lina")
        set_cell(sheet, started, "配合单位", "乙镇、甲镇")
        set_cell(sheet, reserve, "预计带动就业（人）", 120)

        preview = import_ledger(saved(sheet), actor=SYSTEM, commit=False)
        assert preview.ok, errors(preview)
        assert (preview.new, preview.updated, preview.unchanged) == (0, 2, 1)
        assert sorted(preview.changes) == [(4, started.name, ["实际开工", "包联领导", "配合单位"]),
                                           (5, reserve.name, ["预计带动就业（人）"])]
        assert database() == before

        result = import_ledger(saved(sheet), actor=SYSTEM, commit=True)
        assert result.ok, errors(result)
        after = database()
        leader, commissioner = people
        assert after[started.pk] == before[started.pk] | {
            "actual_start": date(2025, 11, 20), "leader_id": commissioner.pk,
            "co_units": sorted([tree.town_a.pk, tree.town_b.pk]), "version": before[started.pk]["version"] + 1,
            "updated_at": after[started.pk]["updated_at"]}
        assert after[reserve.pk] == before[reserve.pk] | {
            "expected_jobs": 120, "version": before[reserve.pk]["version"] + 1,
            "updated_at": after[reserve.pk]["updated_at"]}
        other = next(pk for pk in before if pk not in (started.pk, reserve.pk))
        assert after[other] == before[other]
        entry = AuditEntry.objects.get(action="project.import_update")
        assert set(entry.changes["projects"]) == {str(started.pk), str(reserve.pk)}
        assert set(entry.changes["projects"][str(started.pk)]) == {"actual_start", "leader", "co_units"}

    def test_a_stage_moved_in_the_sheet_goes_through_the_stage_machine(self, tree, full_ledger):
        _started, reserve, _task_force = full_ledger
        sheet = export_sheet(admin(tree))
        set_cell(sheet, reserve, "阶段", "签约")
        set_cell(sheet, reserve, "签约日期", date(2026, 5, 6))
        result = import_ledger(saved(sheet), actor=SYSTEM, commit=True)
        assert result.ok, errors(result)
        reserve.refresh_from_db()
        assert (reserve.stage, reserve.signed_on) == (Stage.SIGNED, date(2026, 5, 6))
        assert [record.to_state for record in stage_history(reserve)] == [Stage.SIGNED]

    def test_a_row_changed_since_the_export_is_a_conflict(self, tree, full_ledger):
        started, _reserve, _task_force = full_ledger
        sheet = export_sheet(admin(tree))
        set_cell(sheet, started, "预计带动就业（人）", 999)
        services.project_update(actor=SYSTEM, project=started, expected_version=started.version, location="新地点")
        result = import_ledger(saved(sheet), actor=SYSTEM, commit=True)
        assert not result.ok and "导出后已被他人修改" in errors(result)[0]
        started.refresh_from_db()
        assert (started.expected_jobs, started.location) == (300, "新地点")

    def test_a_township_cannot_update_another_townships_project(self, tree, full_ledger, ledger):
        other = ledger[2]
        sheet = export_sheet(admin(tree))
        set_cell(sheet, other, "项目业主", "冒名业主")
        result = import_ledger(saved(sheet), actor=Actor(person=township_user(tree)), commit=True)
        assert not result.ok
        assert any("系统编号" in message for message in errors(result))
        other.refresh_from_db()
        assert other.enterprise != "冒名业主"

    def test_a_row_is_matched_by_its_project_code_without_a_system_number(self, tree, full_ledger):
        started, _reserve, _task_force = full_ledger
        sheet = export_sheet(admin(tree))
        set_cell(sheet, started, "预计带动就业（人）", 301)
        set_cell(sheet, started, "系统编号", None)
        result = import_ledger(saved(sheet), actor=SYSTEM, commit=True)
        assert result.ok, errors(result)
        started.refresh_from_db()
        assert started.expected_jobs == 301 and Project.objects.count() == 3

    def test_matching_unchanged_rows_costs_the_same_queries_for_any_number(self, tree, people):
        leader, commissioner = people

        def queries(count):
            Project.objects.all().delete()
            for n in range(count):
                project = ProjectFactory(name=f"项目{n}", code=f"2603-610502-04-01-{n:06d}",
                                         responsible_unit=tree.town_a, leader=leader, commissioner=commissioner)
                project.co_units.set([tree.town_b])
            file = saved(export_sheet(admin(tree)))
            with CaptureQueriesContext(connection) as captured:
                result = import_ledger(file, actor=SYSTEM, commit=True)
            assert result.ok and result.unchanged == count, errors(result)
            return len(captured)

        assert queries(2) == queries(20)

    def test_the_preview_page_lists_what_changes(self, client, tree, full_ledger, settings):
        started, _reserve, _task_force = full_ledger
        sheet = export_sheet(admin(tree))
        set_cell(sheet, started, "预计带动就业（人）", 350)
        client.force_login(admin(tree))
        upload = SimpleUploadedFile("台账.xlsx", saved(sheet).read())
        page = client.post(reverse("projects:import"), {"file": upload, "check": "1"}).content.decode()
        assert "确认后将新建 0 个项目，更新 1 个已有项目，2 个未变" in page
        assert started.name in page and "预计带动就业（人）" in page
        assert Project.objects.get(pk=started.pk).expected_jobs == 300  # a preview writes nothing
