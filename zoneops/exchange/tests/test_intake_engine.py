"""The mapping engine and its normalisers on their own (no database)."""

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from zoneops.exchange.intake import engine, normalize
from zoneops.exchange.intake.catalogue import catalogue, normalize_label
from zoneops.exchange.tests.sheets import zone_sheet


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-03-15", date(2026, 3, 15)), ("2026/3/5", date(2026, 3, 5)), ("2026.3.15", date(2026, 3, 15)),
    ("2026年3月15日", date(2026, 3, 15)), ("2026.3", date(2026, 3, 1)), ("2026.10", date(2026, 10, 1)),
    ("2026年3月", date(2026, 3, 1)), ("2026-03", date(2026, 3, 1)), ("3月中旬", date(2025, 3, 11)),
    ("3月下旬", date(2025, 3, 21)), ("3月", date(2025, 3, 1)), ("2026年底", date(2026, 12, 31)),
    ("2026年3月上旬", date(2026, 3, 1)), (2026.3, date(2026, 3, 1)), (2026.12, date(2026, 12, 1)),
    (datetime(2026, 3, 15), date(2026, 3, 15)), (46096, date(2026, 3, 15)),
])
def test_dates_in_the_forms_zones_write(value, expected):
    assert normalize.parse_date(value, year=2025) == expected


@pytest.mark.parametrize("value", ["下月", "2026.13", "3月中旬x"])
def test_what_is_not_a_date_says_so(value):
    with pytest.raises(ValueError, match="日期"):
        normalize.parse_date(value, year=2026)


def test_a_month_without_a_year_needs_the_sheets_year():
    with pytest.raises(ValueError, match="未写年份"):
        normalize.parse_date("3月中旬", year=None)


@pytest.mark.parametrize(("value", "unit", "yuan"), [
    (12000, "万元", 120_000_000), ("1,500", "万元", 15_000_000), ("1，500.5", "万元", 15_005_000),
    (1.2, "亿元", 120_000_000), ("1.2亿元", "万元", 120_000_000), ("3000万", "亿元", 30_000_000),
    ("500元", "万元", 500), (5000.5, "万元", 50_005_000), (0.1 + 0.2, "万元", 3000),
])
def test_money_in_the_sheets_unit_or_the_cells_own(value, unit, yuan):
    assert normalize.parse_money(value, unit) == yuan


@pytest.mark.parametrize("value", ["约5000", "-3", True])
def test_what_is_not_money_says_so(value):
    with pytest.raises(ValueError):
        normalize.parse_money(value, "万元")


def test_money_unit_from_title_or_header():
    assert normalize.detect_money_unit("渭南经开区重点项目表", "单位：亿元") == "亿元"
    assert normalize.detect_money_unit("总投资（万元）") == "万元"
    assert normalize.detect_money_unit("项目名称") is None


def test_people_and_abbreviations():
    assert normalize.split_person("张副主任") == ("张", "副主任")
    assert normalize.split_person("王书记") == ("王", "书记")
    assert normalize.split_person("李四") == ("李四", "")
    assert normalize.abbreviation_of("高新园", "高新技术产业园")
    assert not normalize.abbreviation_of("园高新", "高新技术产业园")


def test_two_level_headers_are_flattened_and_matched():
    assert normalize_label("2026年/计划投资") == "本年计划投资"
    assert normalize_label("总投资\n（万元）") == "总投资"
    rows, merged = engine.read_sheet(io.BytesIO(zone_sheet()))
    analysis = engine.analyse(rows, merged, catalogue("projects"))
    assert analysis.labels[6:9] == ["2026年/计划投资", "2026年/1-10月完成投资", "2026年/形象进度"]
    assert analysis.titles == ["渭南经开区2026年重点项目建设进度表（截至10月底）", "单位：万元"]
    assert [record.number for record in analysis.records] == [6, 7, 9]
    assert analysis.records[0].section == "一、续建项目（2个）"


def test_next_months_headers_have_the_same_signature():
    one = engine.analyse(*engine.read_sheet(io.BytesIO(zone_sheet(month=10))), catalogue("projects"))
    two = engine.analyse(*engine.read_sheet(io.BytesIO(zone_sheet(month=11))), catalogue("projects"))
    other = engine.analyse(*engine.read_sheet(io.BytesIO(zone_sheet(extra_column=True))), catalogue("projects"))
    assert one.signature() == two.signature() != other.signature()


def test_subtotals_notes_and_empty_rows_are_skipped():
    book = Workbook()
    sheet = book.active
    sheet.append(["重点项目表"])
    sheet.append(["项目名称", "项目业主", "责任单位", "总投资（亿元）"])
    sheet.append(["（一）工业项目"])
    sheet.append(["甲项目", "甲公司", "甲镇", 1.5])
    sheet.append(["小计", None, None, 1.5])
    sheet.append([None, None, None, None])
    sheet.append([None, "乙公司", "甲镇", 2])
    sheet.append(["总计", None, None, 3.5])
    sheet.append(["备注：数据截至10月底"])
    sheet.append(["填报人：王五"])
    buffer = io.BytesIO()
    book.save(buffer)
    analysis = engine.analyse(*engine.read_sheet(buffer), catalogue("projects"))
    assert analysis.money_unit == "亿元" and analysis.header_rows == [2]
    assert [(row.number, row.reason) for row in analysis.skipped] == [
        (3, "分组行"), (5, "合计行"), (6, "空行"), (7, "无项目名称"), (8, "合计行"), (9, "注释行"), (10, "注释行")]
    assert [record.number for record in analysis.records] == [4]


def test_old_excel_files_are_refused_with_a_clear_message():
    for name in ("台账.xls", "台账.et"):
        with pytest.raises(engine.SheetError, match="另存为"):
            engine.read_sheet(io.BytesIO(b"PK"), name=name)


def test_a_unit_merged_down_several_rows_applies_to_each():
    book = Workbook()
    sheet = book.active
    sheet.append(["项目名称", "建设单位", "责任单位", "总投资"])
    sheet.append(["甲项目", "甲公司", "甲镇", 100])
    sheet.append(["乙项目", "乙公司", None, 200])
    sheet.merge_cells("C2:C3")
    buffer = io.BytesIO()
    book.save(buffer)
    analysis = engine.analyse(*engine.read_sheet(buffer), catalogue("projects"))
    records = engine.read_records(analysis, catalogue("projects"), {})
    assert [record.values["responsible_unit"] for record in records] == ["甲镇", "甲镇"]
    assert [record.values["total_investment"] for record in records] == [1_000_000, 2_000_000]  # 万元 by default
    assert not analysis.money_unit_found
