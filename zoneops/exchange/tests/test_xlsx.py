"""The Excel import framework: layout detection, cell parsing, formulas, damaged files, writing."""

import io
import json
import os
import re
import struct
import subprocess
import sys
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import models
from openpyxl import Workbook, load_workbook

from zoneops.exchange import xlsx as xlsx_module
from zoneops.exchange.xlsx import (
    MONEY_FORMAT,
    UNREADABLE,
    Column,
    Layout,
    as_date,
    as_text,
    choice,
    layout_response,
    money_wan,
    read_workbook,
)


class Colour(models.TextChoices):
    RED = "red", "红色"
    BLUE = "blue", "蓝色"


LAYOUT = Layout(columns=(
    Column("序号", "基本情况"),
    Column("名称", "基本情况", "name", required=True),
    Column("颜色", "基本情况", "colour", parse=choice(Colour), default=Colour.RED),
    Column("金额", "金额（万元）", "amount", parse=money_wan, default=0, number_format=MONEY_FORMAT),
    Column("日期", "时间", "day", parse=as_date, default=None),
))
GROUPS = ["基本情况", None, None, "金额（万元）", "时间"]
LEAVES = ["序号", "名称", "颜色", "金额", "日期"]


def xlsx(*rows, above=(), sheets=None):
    """An .xlsx with a title row (after ``above``), the two header rows, then ``rows``."""
    workbook = Workbook()
    sheet = workbook.active
    for title, content in (sheets or {}).items():
        extra = workbook.create_sheet(title, 0)
        for row in content:
            extra.append(row)
    for row in above:
        sheet.append(row)
    sheet.append(["测试台账"])
    sheet.append(GROUPS)
    sheet.append(LEAVES)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def messages(result):
    return [str(error) for error in result.errors]


class TestReading:
    def test_rows_below_the_headers_are_parsed_with_their_sheet_row_numbers(self):
        result = read_workbook(xlsx([1, "甲", "蓝色", 12.5, date(2026, 3, 1)], [None] * 5,
                                    [2, "乙", None, "1,000", "2026年3月2日"], ["合计", None, None, 1012.5, None]),
                               LAYOUT)
        assert result.ok, messages(result)
        assert [row.number for row in result.rows] == [4, 6]
        assert result.rows[0].values == {"name": "甲", "colour": "blue", "amount": 125_000, "day": date(2026, 3, 1)}
        assert result.rows[1].values == {"name": "乙", "colour": "red", "amount": 10_000_000,
                                         "day": date(2026, 3, 2)}

    def test_headers_are_found_below_extra_rows_and_despite_spaces_and_bracket_widths(self):
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["填报单位：经开区"])
        sheet.append(["测试台账"])
        sheet.append(["基本 情况", None, None, "金额(万元)", "时间"])
        sheet.append(["序号", "名\n称", " 颜色 ", "金额", "日期"])
        sheet.append([1, "甲", "红色", 1, None])
        buffer = io.BytesIO()
        workbook.save(buffer)
        result = read_workbook(buffer, LAYOUT)
        assert result.ok, messages(result)
        assert result.rows[0].number == 5

    def test_a_cover_sheet_before_the_ledger_is_passed_over(self):
        result = read_workbook(xlsx([1, "甲", None, 1, None], sheets={"说明": [["填表说明"]]}), LAYOUT)
        assert result.ok and result.rows[0].values["name"] == "甲"

    def test_a_path_works_like_a_file(self, tmp_path):
        path = tmp_path / "台账.xlsx"
        path.write_bytes(xlsx([1, "甲", None, 1, None]).getvalue())
        assert read_workbook(path, LAYOUT).ok
        assert messages(read_workbook(tmp_path / "缺失.xlsx", LAYOUT)) == [f"无法打开文件“{tmp_path / '缺失.xlsx'}”"]

    def test_text_escaped_on_export_reads_back_as_it_was(self):
        result = read_workbook(xlsx([1, "'=HYPERLINK(\"http://x\")", None, 1, None]), LAYOUT)
        assert result.rows[0].values["name"] == '=HYPERLINK("http://x")'


class TestTwoReaders:
    """calamine reads what people paste as values; openpyxl read-only whatever holds a formula or an error."""

    def parity_workbook(self):
        workbook = Workbook()
        workbook.create_sheet("说明", 0).append(["填表说明"])
        sheet = workbook["Sheet"]
        sheet.append([])
        sheet.append(["测试台账"])
        sheet.append(GROUPS)
        sheet.append(LEAVES)
        sheet.append([1, "  甲 ", "蓝色", 12.5, datetime(2026, 3, 1)])
        sheet.append([None, None, None, None, None])
        sheet.append([2, 20260301, "紫色", "1,000", "2026年3月2日"])
        sheet.append([3, "丙", None, True, date(2026, 3, 3)])
        sheet.append([None, "'=1+2", None, 0.1 + 0.2, None])
        sheet.append(["合计", None, None, 1012.5, None])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer

    def test_both_readers_give_the_same_rows_and_errors(self, monkeypatch):
        by_calamine = read_workbook(self.parity_workbook(), LAYOUT)
        monkeypatch.setattr("zoneops.exchange.xlsx._calamine_sheets", xlsx_module._openpyxl_sheets)
        by_openpyxl = read_workbook(self.parity_workbook(), LAYOUT)
        assert [(row.number, row.values, row.failed) for row in by_calamine.rows] == [
            (row.number, row.values, row.failed) for row in by_openpyxl.rows]
        assert messages(by_calamine) == messages(by_openpyxl) == [
            "第7行“颜色”应为红色、蓝色之一，实为“紫色”", "第8行“金额”应为数字（万元），实为“True”"]
        assert [row.number for row in by_calamine.rows] == [5, 7, 8, 9]
        assert by_calamine.rows[3].values["name"] == "=1+2"  # our export's escaped text reads back as it was

    def test_a_workbook_with_a_formula_goes_to_openpyxl(self, monkeypatch):
        monkeypatch.setattr("zoneops.exchange.xlsx._calamine_sheets", lambda handle: pytest.fail("calamine"))
        workbook = load_workbook(xlsx([1, "甲", None, 1, None]))
        workbook.active["D4"] = "=1+2"
        buffer = io.BytesIO()
        workbook.save(buffer)
        assert messages(read_workbook(buffer, LAYOUT)) == ["第4行“金额”为公式，请粘贴为数值"]


class TestHeaderErrors:
    def test_a_renamed_column_is_named(self):
        workbook = load_workbook(xlsx([1, "甲", None, 1, None]))
        workbook.active["B3"] = "项目"
        buffer = io.BytesIO()
        workbook.save(buffer)
        assert messages(read_workbook(buffer, LAYOUT)) == ["第3行表头与模板不一致：B列应为“名称”，实为“项目”"]

    def test_a_wrong_group_row_is_named(self):
        workbook = load_workbook(xlsx([1, "甲", None, 1, None]))
        workbook.active["D2"] = "金额"
        buffer = io.BytesIO()
        workbook.save(buffer)
        assert messages(read_workbook(buffer, LAYOUT)) == ["第2行表头与模板不一致：D列应为“金额（万元）”，实为“金额”"]

    def test_a_sheet_of_something_else_has_no_header(self):
        workbook = Workbook()
        workbook.active.append(["姓名", "电话"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        [error] = messages(read_workbook(buffer, LAYOUT))
        assert error.startswith("未找到表头") and "序号、名称、颜色、金额、日期" in error

    def test_no_data_rows(self):
        assert messages(read_workbook(xlsx(["合计", None, None, 0, None]), LAYOUT)) == ["没有可导入的数据行"]

    def test_too_many_rows(self):
        result = read_workbook(xlsx(*[[n, f"项目{n}", None, 1, None] for n in range(3)]), LAYOUT, max_rows=2)
        assert messages(result) == ["数据超过2行，请拆分后分批导入"] and result.rows == []


class TestCellErrors:
    def test_every_bad_cell_of_every_row_is_reported(self):
        result = read_workbook(xlsx([1, None, "紫色", "十万", "下周"], [2, "乙", "蓝色", -1, 20260301],
                                    [3, "丙", None, "1.23456", None]), LAYOUT)
        assert messages(result) == [
            "第4行“名称”不能为空",
            "第4行“颜色”应为红色、蓝色之一，实为“紫色”",
            "第4行“金额”应为数字（万元），实为“十万”",
            "第4行“日期”应为日期（如 2026-03-01），实为“下周”",
            "第5行“金额”不能为负数",
            "第5行“日期”应为日期（如 2026-03-01），实为“20260301”",
            "第6行“金额”最多保留四位小数（万元）",
        ]
        assert result.error_row_count == 3
        assert result.rows[0].failed == {"name", "colour", "amount", "day"}
        assert result.rows[1].values == {"name": "乙", "colour": "blue"}

    def test_formula_cells_are_refused_but_ignored_columns_may_hold_formulas(self):
        workbook = load_workbook(xlsx([1, "甲", None, 1, None]))
        sheet = workbook.active
        sheet["A4"] = "=ROW()-3"  # 序号 is not imported
        sheet["D4"] = "=1+2"
        sheet["B4"] = "=A1"
        sheet["B4"].data_type = "s"  # text that looks like a formula is refused too
        sheet["E4"] = "#N/A"
        buffer = io.BytesIO()
        workbook.save(buffer)
        result = read_workbook(buffer, LAYOUT)
        assert load_workbook(buffer)["Sheet"]["B4"].data_type == "s"
        assert messages(result) == ["第4行“名称”为公式，请粘贴为数值", "第4行“金额”为公式，请粘贴为数值",
                                    "第4行“日期”为错误值“#N/A”"]


class TestDamagedFiles:
    def zip_with(self, name, content):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(name, content)
        buffer.seek(0)
        return buffer

    @pytest.mark.parametrize("content", [
        b"", b"not a spreadsheet", "项目名称,总投资\n甲,1\n".encode("gbk"), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" * 64,
    ], ids=["empty", "text", "csv", "xls"])
    def test_anything_but_xlsx_gives_one_clear_error(self, content):
        assert messages(read_workbook(io.BytesIO(content), LAYOUT)) == [UNREADABLE]

    def test_a_zip_that_is_not_a_workbook(self):
        assert messages(read_workbook(self.zip_with("word/document.xml", "<w/>"), LAYOUT)) == [UNREADABLE]

    def test_a_truncated_workbook(self):
        data = xlsx([1, "甲", None, 1, None]).getvalue()
        assert messages(read_workbook(io.BytesIO(data[: len(data) // 2]), LAYOUT)) == [UNREADABLE]

    def test_a_zip_bomb_is_refused_before_it_is_inflated(self, settings):
        settings.ZONEOPS_IMPORT_MAX_INFLATED_MB = 1
        result = read_workbook(self.zip_with("xl/big.xml", os.urandom(700_000) * 2), LAYOUT)
        assert messages(result) == ["文件内容过大，请拆分后分批导入"]


def _rezip(buffer, edit):
    """A copy of an .xlsx whose first sheet's XML went through ``edit``."""
    source, out = zipfile.ZipFile(buffer), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, edit(data) if info.filename == "xl/worksheets/sheet1.xml" else data)
    out.seek(0)
    return out


def _write_bomb(path, *, chunks):
    """A sheet of one row holding millions of identical cells, deflated (788 KB for 310 chunks)."""
    cell = b'<c r="A1" t="n"><v>1</v></c>'
    chunk = cell * (1024 * 1024 // len(cell))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            member.write(b'<worksheet><sheetData><row r="1">')
            for _ in range(chunks):
                member.write(chunk)
            member.write(b"</row></sheetData></worksheet>")


_MEASURE = r"""
import json, re, sys, time
import django
django.setup()
from zoneops.exchange.xlsx import Column, Layout, read_workbook
start = time.perf_counter()
result = read_workbook(sys.argv[1], Layout(columns=(Column("名称", "基本情况", "name"),)))
seconds = time.perf_counter() - start
# VmHWM is this process's peak resident memory (ru_maxrss would carry the forking parent's over exec).
with open("/proc/self/status") as status:
    peak_kb = int(re.search(r"VmHWM:\s+(\d+)", status.read())[1])
print(json.dumps({"seconds": seconds, "errors": [str(e) for e in result.errors], "peak_mb": peak_kb / 1024}))
"""


class TestLimitsBeforeParsing:
    """Spreadsheets are measured from the zip directory and a streaming count before openpyxl reads them."""

    @pytest.fixture
    def no_parsing(self, monkeypatch):
        def refuse(*args, **kwargs):
            raise AssertionError("the workbook was parsed")
        monkeypatch.setattr("zoneops.exchange.xlsx.load_workbook", refuse)

    def test_rows_declared_by_the_dimension_are_refused_unparsed(self, settings, no_parsing):
        settings.ZONEOPS_IMPORT_MAX_ROWS = 10
        declared = _rezip(xlsx([1, "甲", None, 1, None]),
                          lambda xml: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:E99999"', xml))
        assert messages(read_workbook(declared, LAYOUT)) == ["数据超过10行，请拆分后分批导入"]

    def test_rows_are_counted_before_parsing(self, settings, no_parsing):
        settings.ZONEOPS_IMPORT_MAX_ROWS = 10
        result = read_workbook(xlsx(*[[n, f"项目{n}", None, 1, None] for n in range(41)]), LAYOUT)
        assert messages(result) == ["数据超过10行，请拆分后分批导入"]

    def test_rows_are_counted_when_the_dimension_lies(self, settings, no_parsing):
        settings.ZONEOPS_IMPORT_MAX_ROWS = 10
        buffer = xlsx(*[[n, f"项目{n}", None, 1, None] for n in range(41)])
        lying = _rezip(buffer, lambda xml: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:E5"', xml))
        assert messages(read_workbook(lying, LAYOUT)) == ["数据超过10行，请拆分后分批导入"]

    def test_columns_declared_by_the_dimension_are_refused(self, settings, no_parsing):
        settings.ZONEOPS_IMPORT_MAX_COLUMNS = 20
        workbook = load_workbook(xlsx([1, "甲", None, 1, None]))
        workbook.active["U4"] = "多余"
        buffer = io.BytesIO()
        workbook.save(buffer)
        assert messages(read_workbook(buffer, LAYOUT)) == ["表格超过20列，请删除多余的列后再导入"]

    def test_cells_are_counted_when_no_dimension_is_declared(self, settings, no_parsing):
        settings.ZONEOPS_IMPORT_MAX_ROWS, settings.ZONEOPS_IMPORT_MAX_COLUMNS = 10, 5
        wide = xlsx([1, "甲", None, 1, None] + ["x"] * 300)
        undeclared = _rezip(wide, lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml))
        assert messages(read_workbook(undeclared, LAYOUT)) == ["单元格数量超过上限，请删除多余的行和列后再导入"]

    def test_an_absurd_compression_ratio_is_refused(self, settings, no_parsing):
        settings.ZONEOPS_IMPORT_MAX_RATIO = 50
        result = read_workbook(self.zip_with_member(b"<c/>" * 1_000_000), LAYOUT)
        assert messages(result) == ["文件压缩比异常（疑似压缩炸弹），已拒绝读取；请用 Excel 另存后重新上传"]

    def test_a_directory_that_understates_sizes_is_caught_while_streaming(self, settings, no_parsing):
        settings.ZONEOPS_IMPORT_MAX_MEMBER_MB = 1
        settings.ZONEOPS_IMPORT_MAX_RATIO = 10_000
        data = self.zip_with_member(b"<x/>" * 600_000).getvalue()
        forged = data.replace(struct.pack("<I", 2_400_000), struct.pack("<I", 1000))  # local and central headers
        assert messages(read_workbook(io.BytesIO(forged), LAYOUT)) in (["文件内容过大，请拆分后分批导入"], [UNREADABLE])

    def test_a_ledger_within_the_limits_is_read_streaming(self, settings):
        settings.ZONEOPS_IMPORT_MAX_ROWS = 10
        assert len(read_workbook(xlsx(*[[n, f"项目{n}", None, 1, None] for n in range(10)]), LAYOUT).rows) == 10

    @staticmethod
    def zip_with_member(content):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", content)
        buffer.seek(0)
        return buffer

    @pytest.mark.parametrize("env", [{}, {"ZONEOPS_IMPORT_MAX_INFLATED_MB": "2000", "ZONEOPS_IMPORT_MAX_MEMBER_MB":
                                          "2000", "ZONEOPS_IMPORT_MAX_RATIO": "100000"}],
                             ids=["directory", "streaming-count"])
    def test_a_788_kb_bomb_is_refused_in_under_2_s_and_200_mb(self, tmp_path, env):
        bomb = tmp_path / "bomb.xlsx"
        _write_bomb(bomb, chunks=310)
        assert bomb.stat().st_size < 800 * 1024
        run = subprocess.run(  # noqa: S603 - our own interpreter and code
            [sys.executable, "-c", _MEASURE, str(bomb)], capture_output=True, text=True, check=True, timeout=60,
            env=os.environ | {"DJANGO_SETTINGS_MODULE": "zoneops.settings", "ZONEOPS_HOME": str(tmp_path)} | env)
        measured = json.loads(run.stdout.strip().splitlines()[-1])
        assert measured["errors"] and "过大" in measured["errors"][0] or "超过上限" in measured["errors"][0] \
            or "压缩比" in measured["errors"][0]
        assert measured["seconds"] < 2, measured
        assert measured["peak_mb"] < 200, measured


class TestParsers:
    @pytest.mark.parametrize(("value", "yuan"), [
        (1, 10_000), (12.5, 125_000), (0.1 + 0.2, 3_000), ("1,234.5678", 12_345_678), (Decimal("0.0001"), 1),
        (" 3 ", 30_000),
    ])
    def test_money_in_wan_becomes_integer_yuan(self, value, yuan):
        assert money_wan(value) == yuan

    @pytest.mark.parametrize(("value", "message"), [
        ("abc", "应为数字（万元），实为“abc”"), (True, "应为数字（万元），实为“True”"),
        (datetime(2026, 1, 1), "应为数字（万元），实为“2026-01-01”"), ("NaN", "应为数字（万元），实为“NaN”"),
        (-0.5, "不能为负数"), (0.00001, "最多保留四位小数（万元）"),
    ])
    def test_money_errors(self, value, message):
        with pytest.raises(ValueError, match=message):
            money_wan(value)

    @pytest.mark.parametrize("value", [datetime(2026, 3, 1, 0, 0), date(2026, 3, 1), "2026-03-01", "2026/3/1",
                                       "2026.3.1", "2026年3月1日"])
    def test_dates(self, value):
        assert as_date(value) == date(2026, 3, 1)

    def test_choice_takes_the_label_or_the_code(self):
        parse = choice(Colour)
        assert parse("蓝色") == parse("blue") == Colour.BLUE

    def test_text_drops_excels_trailing_zero(self):
        assert as_text(3612.0) == "3612" and as_text(1.5) == "1.5" and as_text(datetime(2026, 3, 1)) == "2026-03-01"


class TestWriting:
    def test_layout_response_writes_title_two_header_rows_and_reads_back(self):
        response = layout_response(LAYOUT, filename="测试.xlsx", title="测试台账",
                                   rows=[[1, "=cmd", "蓝色", Decimal("12.3456"), date(2026, 3, 1)]],
                                   footer_rows=[["合计", None, None, Decimal("12.3456"), None]])
        data = b"".join(response.streaming_content)
        sheet = load_workbook(io.BytesIO(data)).active
        assert {str(merge) for merge in sheet.merged_cells.ranges} == {"A1:E1", "A2:C2"}
        assert [cell.value for cell in sheet[2]] == GROUPS and [cell.value for cell in sheet[3]] == LEAVES
        assert sheet["B4"].value == "'=cmd" and sheet["B4"].data_type == "s"
        assert sheet["D4"].number_format == MONEY_FORMAT and sheet["D5"].font.bold
        assert sheet.freeze_panes == "A4"
        result = read_workbook(io.BytesIO(data), LAYOUT)
        assert [row.values for row in result.rows] == [
            {"name": "=cmd", "colour": "blue", "amount": 123_456, "day": date(2026, 3, 1)}]
