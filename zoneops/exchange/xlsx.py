"""Excel in and out in the government layout: a title row, two header rows, data, a 合计 row.

A :class:`Layout` lists its :class:`Column` s. :func:`layout_response` writes it (through
zoneops.core.export, so text is escaped against formula injection). :func:`read_workbook` finds
the header rows, refuses formula cells, turns every cell into a Python value with its column's
parser and collects every problem as a :class:`RowError` instead of stopping at the first one.
The domain module then resolves references, checks uniqueness and writes only when
:attr:`DryRun.ok`.

Before anything is parsed, :func:`inspect_workbook` measures the file from the zip directory and a
streaming count of each sheet's rows and cells against the ZONEOPS_IMPORT_* settings, so a zip bomb
or an oversized sheet is refused in well under a second; then the sheet is read streaming (openpyxl
read-only), one row at a time.

A parser receives a non-empty cell value and returns a Python value, or raises ValueError whose
message is a Chinese predicate that reads on from the column name (“总投资”应为数字…).
"""

import os
import re
import warnings
import zipfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

from zoneops.core.export import plain_cell_value, write_xlsx, xlsx_response
from zoneops.core.money import wan_to_yuan

MB = 1024 * 1024
MAX_FILE_BYTES = settings.ZONEOPS_IMPORT_MAX_FILE_MB * MB  # for forms' help text; checks read the setting
HEADER_SEARCH_ROWS = 10
HEADER_ROWS = 3  # title + two header rows, as layout_response writes them
UNREADABLE = "文件无法读取，请确认是 .xlsx 格式"
FOOTER_MARKERS = {"合计", "总计", "小计"}
ROW_ALLOWANCE = HEADER_SEARCH_ROWS + 20  # rows beyond the data a sheet may hold (title, headers, 合计, notes)
TOO_LARGE = "文件内容过大，请拆分后分批导入"
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"


# --- Parsers --------------------------------------------------------------------------------

def as_text(value):
    """Any cell as text; whole numbers lose Excel's “.0”, dates print as 2026-03-01."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()
    return str(value).strip()


def money_wan(value):
    """A figure in 万元 (number or text, thousands separators allowed) → integer 元."""
    if isinstance(value, bool | date):
        raise ValueError(f"应为数字（万元），实为“{as_text(value)}”")
    # Excel keeps 15 significant digits; a float's longer tail (0.1+0.2) is binary noise, not data.
    text = f"{value:.15g}" if isinstance(value, float) else str(value).replace(",", "").replace("，", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"应为数字（万元），实为“{value}”") from None
    if not amount.is_finite():
        raise ValueError(f"应为数字（万元），实为“{value}”")
    if amount < 0:
        raise ValueError("不能为负数")
    try:
        return wan_to_yuan(amount)
    except ValueError:
        raise ValueError("最多保留四位小数（万元）") from None


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


def as_date(value):
    """A date cell, or text such as 2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(value, fmt).date()
            except ValueError:
                continue
    raise ValueError(f"应为日期（如 2026-03-01），实为“{as_text(value)}”")


def choice(choices):
    """A parser for a TextChoices that accepts the Chinese label (or the stored code)."""
    by_text = {label: value for value, label in choices.choices} | {value: value for value in choices.values}

    def parse(value):
        text = as_text(value)
        if text not in by_text:
            raise ValueError(f"应为{'、'.join(choices.labels)}之一，实为“{text}”")
        return by_text[text]

    return parse


# --- Layout and writing ---------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    header: str  # the second header row
    group: str  # the first header row, merged over neighbouring columns of the same group
    field: str = ""  # empty: written on export, ignored on import (序号, derived figures)
    parse: Callable = as_text
    required: bool = False
    default: object = ""  # the value of an empty optional cell
    number_format: str = ""
    width: int = 12


@dataclass(frozen=True)
class Layout:
    """A sheet's columns, written and read as: title row, group header row, column header row, data."""

    columns: tuple[Column, ...]
    frozen_columns: int = 0  # columns that stay in view when scrolling right

    @property
    def width(self):
        return len(self.columns)

    def header_for(self, field_name):
        return next((column.header for column in self.columns if column.field == field_name), "")

    def _group_runs(self):
        """(group, first index, last index) for each run of neighbouring columns in one group."""
        runs = []
        for index, column in enumerate(self.columns):
            if runs and runs[-1][0] == column.group:
                runs[-1][2] = index
            else:
                runs.append([column.group, index, index])
        return runs

    def header_rows(self):
        groups = [None] * self.width
        for group, first, _last in self._group_runs():
            groups[first] = group
        return [groups, [column.header for column in self.columns]]

    def group_merges(self, row):
        return [f"{get_column_letter(first + 1)}{row}:{get_column_letter(last + 1)}{row}"
                for _group, first, last in self._group_runs() if last > first]


def _layout_options(layout):
    return {
        "header_rows": layout.header_rows(), "merges": layout.group_merges(row=2),
        "column_formats": {index: column.number_format for index, column in enumerate(layout.columns)
                           if column.number_format},
        "column_widths": [column.width for column in layout.columns],
        "freeze": f"{get_column_letter(layout.frozen_columns + 1)}{HEADER_ROWS + 1}",
    }


def write_layout(target, layout, *, title, rows, footer_rows=()):
    """Write ``rows`` (lists of values in column order) in the layout to ``target``, a path or a
    binary file; returns the number of data rows. ``rows`` may be a generator: it is consumed once."""
    return write_xlsx(target, title=title, rows=rows, footer_rows=footer_rows, **_layout_options(layout))


def layout_response(layout, *, filename, title, rows, footer_rows=()):
    """Stream ``rows`` (lists of values in column order) as a download in the layout."""
    return xlsx_response(filename=filename, title=title, rows=rows, footer_rows=footer_rows,
                         **_layout_options(layout))


# --- Reading --------------------------------------------------------------------------------

@dataclass(frozen=True)
class RowError:
    row_number: int | None  # as Excel numbers the row; None for a problem with the whole file
    column: str  # the column's header; empty for the whole row
    message: str

    def __str__(self):
        if self.row_number is None:
            return self.message
        if not self.column:
            return f"第{self.row_number}行：{self.message}"
        return f"第{self.row_number}行“{self.column}”{self.message}"


@dataclass
class ParsedRow:
    number: int
    values: dict = field(default_factory=dict)  # field → value, for the cells that parsed
    failed: set = field(default_factory=set)  # fields whose cell has an error
    instance: object = None  # what the domain module will write for this row


@dataclass
class DryRun:
    """The outcome of checking (and, when every row is valid, writing) one file."""

    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: int = 0  # rows written; 0 for a dry run or when any row is invalid

    @property
    def ok(self):
        return not self.errors

    @property
    def error_row_count(self):
        return len({error.row_number for error in self.errors if error.row_number is not None})

    def add_error(self, row_number, column, message):
        self.errors.append(RowError(row_number, column, message))

    def sort_errors(self, layout):
        """File problems first, then by row and by the layout's column order; whole-row problems last."""
        position = {column.header: index for index, column in enumerate(layout.columns)}
        self.errors.sort(key=lambda error: (error.row_number or 0, position.get(error.column, layout.width)))


class _Unreadable(Exception):
    pass


def read_workbook(file, layout, *, max_rows=None, progress=None):
    """Parse the first sheet that carries ``layout``'s headers. ``file`` is a path or a binary file.

    The file is inspected first (:func:`inspect_workbook`), so neither a zip bomb nor an oversized sheet
    is ever inflated into memory. A workbook without formulas or error cells (what people paste as
    values) is then read by calamine (Rust, ~25× faster); one with them by openpyxl read-only, streaming,
    which tells a formula cell from its cached value so that it can be refused by name. ``progress`` is called with
    the number of rows read so far every 1,000 rows. Never raises on bad input: every problem becomes
    a RowError of the returned DryRun.
    """
    max_rows = max_rows or settings.ZONEOPS_IMPORT_MAX_ROWS
    result = DryRun()
    try:
        with _opened(file) as handle:
            _rows, plain = _inspect(handle, max_rows)
            with (_calamine_sheets if plain else _openpyxl_sheets)(handle) as sheets:
                sheet, header_row = _find_sheet(sheets, layout)
                _read_rows(sheet, header_row, layout, result, max_rows, progress)
    except _Unreadable as error:
        return DryRun(errors=[RowError(None, "", str(error))])
    if not result.rows:
        result.add_error(None, "", "没有可导入的数据行")
    return result


def _read_rows(sheet, header_row, layout, result, max_rows, progress):
    for number, cells in enumerate(sheet.rows(min_row=header_row + 1, width=layout.width), start=header_row + 1):
        if _is_blank(cells) or _is_footer(cells):
            continue
        if len(result.rows) == max_rows:
            raise _Unreadable(f"数据超过{max_rows}行，请拆分后分批导入")
        result.rows.append(_parse_row(number, cells, layout, result))
        if progress and len(result.rows) % 1000 == 0:
            progress(len(result.rows))


@dataclass(frozen=True)
class _Cell:
    value: object
    data_type: str = "s"  # openpyxl's code: f formula, e error (calamine's sheets hold neither)


class _Sheet:
    """One worksheet as rows of cells (``.value``, ``.data_type``), numbered as Excel numbers them."""

    def __init__(self, title, rows):
        self.title, self._rows = title, rows

    def rows(self, *, min_row=1, max_row=None, width):
        return self._rows(min_row, max_row, width)


@contextmanager
def _openpyxl_sheets(handle):
    workbook = _load(handle)
    try:
        sheets = []
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()  # a read-only sheet stops at its declared dimension, which may be wrong
            sheets.append(_Sheet(sheet.title, lambda min_row, max_row, width, sheet=sheet: _stream(
                sheet.iter_rows(min_row=min_row, max_row=max_row, max_col=width))))
        yield sheets
    finally:
        workbook.close()


@contextmanager
def _calamine_sheets(handle):
    try:
        workbook = CalamineWorkbook.from_filelike(handle)
        sheets = [_Sheet(name, _calamine_rows(workbook.get_sheet_by_name(name)))
                  for name, meta in zip(workbook.sheet_names, workbook.sheets_metadata, strict=True)
                  if meta.typ == SheetTypeEnum.WorkSheet]
    except (CalamineError, ValueError, OSError):
        raise _Unreadable(UNREADABLE) from None
    try:
        yield sheets
    finally:
        workbook.close()


def _calamine_rows(sheet):
    """calamine yields rows from the first (row 1) but columns from the first used one: pad them back."""
    left = sheet.start[1] if sheet.start else 0

    def rows(min_row, max_row, width):
        for number, values in enumerate(sheet.iter_rows(), start=1):
            if max_row is not None and number > max_row:
                return
            if number >= min_row:
                values = ([None] * left + [None if value == "" else value for value in values])[:width]
                yield [_Cell(value) for value in values] + [_Cell(None)] * (width - len(values))
    return rows


def _stream(rows):
    """openpyxl's rows, a damaged sheet's XML (found only while streaming) reported as unreadable."""
    iterator = iter(rows)
    while True:
        try:
            row = next(iterator)
        except StopIteration:
            return
        except Exception:  # noqa: BLE001 - lxml/expat/zipfile errors of a damaged member
            raise _Unreadable(UNREADABLE) from None
        yield row


class _opened:
    """A path opened for reading (closed afterwards), or a binary file passed through."""

    def __init__(self, file):
        self.file, self.handle = file, None

    def __enter__(self):
        if not isinstance(self.file, str | os.PathLike):
            return self.file
        try:
            self.handle = open(self.file, "rb")  # noqa: SIM115 - closed in __exit__
        except OSError:
            raise _Unreadable(f"无法打开文件“{self.file}”") from None
        return self.handle

    def __exit__(self, *exc):
        if self.handle:
            self.handle.close()


# --- Inspection before parsing ----------------------------------------------------------------

_SHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"(?:[A-Z]+\d+:)?([A-Z]+)(\d+)\"")
_TAGS = {False: (b"<row", b"<c "), True: (b":row", b":c ")}  # plain, or with a namespace prefix (<x:row>)
_FORMULA_TAGS = {False: (b"<f>", b"<f ", b't="e"'), True: (b":f>", b":f ", b't="e"')}  # formula, error cell
_CHUNK = 1024 * 1024


def inspect_workbook(file, *, max_rows=None):
    """Refuse a workbook that is too big to read safely, without inflating it into memory.

    Checks the archive's directory (file size, inflated size of each member and of all together,
    compression ratio), then each sheet's declared dimension and, streaming its XML in 1 MB chunks,
    the count of rows and cells (stopping at the first limit passed). Returns the largest number of
    rows a sheet holds (headers included), which tells an import whether it belongs in the worker.
    Raises _Unreadable with a Chinese message.
    """
    return _inspect(file, max_rows or settings.ZONEOPS_IMPORT_MAX_ROWS)[0]


def _inspect(file, max_rows):
    """(the most rows of a sheet, whether no sheet holds a formula or an error cell)."""
    row_limit = max_rows + ROW_ALLOWANCE
    file.seek(0, os.SEEK_END)
    if file.tell() > settings.ZONEOPS_IMPORT_MAX_FILE_MB * MB:
        raise _Unreadable(f"文件超过{settings.ZONEOPS_IMPORT_MAX_FILE_MB}MB，请拆分后分批导入")
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            _check_directory(members)
            counts = [_check_sheet(archive, info, row_limit, max_rows)
                      for info in members if _SHEET.match(info.filename)]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise _Unreadable(UNREADABLE) from None
    finally:
        file.seek(0)
    return max((rows for rows, _special in counts), default=0), not any(special for _rows, special in counts)


def sheet_rows(file):
    """The most rows a sheet of ``file`` (a path or a binary file) holds, headers included, counted
    without parsing; 0 when the file is unreadable or over a limit (read_workbook then says why)."""
    try:
        with _opened(file) as handle:
            return inspect_workbook(handle)
    except _Unreadable:
        return 0


def _check_directory(members):
    member_limit = settings.ZONEOPS_IMPORT_MAX_MEMBER_MB * MB
    if sum(info.file_size for info in members) > settings.ZONEOPS_IMPORT_MAX_INFLATED_MB * MB or any(
            info.file_size > member_limit for info in members):
        raise _Unreadable(TOO_LARGE)
    for info in members:
        if info.file_size > MB and info.file_size > settings.ZONEOPS_IMPORT_MAX_RATIO * max(info.compress_size, 1):
            raise _Unreadable("文件压缩比异常（疑似压缩炸弹），已拒绝读取；请用 Excel 另存后重新上传")


def _check_sheet(archive, info, row_limit, max_rows):
    """Count one sheet's rows and cells from its XML stream; returns (row count, formulas or errors seen).

    A row holds at most ZONEOPS_IMPORT_MAX_COLUMNS cells, so the cells seen so far never outnumber
    the rows seen so far times that: a sheet of millions of cells in a few rows stops at its first MB.
    """
    max_columns = settings.ZONEOPS_IMPORT_MAX_COLUMNS
    rows = cells = special = inflated = 0
    tail = b""
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            if not inflated:
                _check_dimension(chunk, row_limit, max_rows)
                prefixed = b":sheetData" in chunk
                row_tag, cell_tag = _TAGS[prefixed]
                formula_tags = _FORMULA_TAGS[prefixed]
            inflated += len(chunk)
            if inflated > settings.ZONEOPS_IMPORT_MAX_MEMBER_MB * MB:  # the directory may lie about sizes
                raise _Unreadable(TOO_LARGE)
            data = tail + chunk
            rows += data.count(row_tag)  # an upper bound: <rowBreaks> counts too
            cells += data.count(cell_tag)
            special = special or any(data.count(tag) for tag in formula_tags)
            tail = data[-3:]  # a tag cut by the chunk boundary still counts (one may count twice: an upper bound)
            if rows > row_limit:
                raise _Unreadable(f"数据超过{max_rows}行，请拆分后分批导入")
            if cells > (rows + 1) * max_columns:
                raise _Unreadable("单元格数量超过上限，请删除多余的行和列后再导入")
    return rows, special


def _check_dimension(head, row_limit, max_rows):
    """The sheet's own <dimension ref="A1:P5003"/>, when it declares one, before anything else is read."""
    match = _DIMENSION.search(head)
    if not match:
        return
    if int(match[2]) > row_limit:
        raise _Unreadable(f"数据超过{max_rows}行，请拆分后分批导入")
    if column_index_from_string(match[1].decode()) > settings.ZONEOPS_IMPORT_MAX_COLUMNS:
        raise _Unreadable(f"表格超过{settings.ZONEOPS_IMPORT_MAX_COLUMNS}列，请删除多余的列后再导入")


def _load(handle):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about Excel features it drops (validation, styles)
            # read_only streams each sheet's XML; data_only=False keeps formulas visible
            return load_workbook(handle, read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds of errors on a damaged workbook
        raise _Unreadable(UNREADABLE) from None


def _norm(value):
    """Header text without spaces or line breaks, with half-width brackets made full-width."""
    if value is None:
        return ""
    return "".join(str(value).split()).replace("(", "（").replace(")", "）")


def _find_sheet(sheets, layout):
    first_problem = _Unreadable(UNREADABLE)
    for sheet in sheets:
        try:
            return sheet, _find_header(sheet, layout)
        except _Unreadable as problem:
            prefix = f"工作表“{sheet.title}”：" if len(sheets) > 1 else ""
            if first_problem.args == (UNREADABLE,):
                first_problem = _Unreadable(f"{prefix}{problem}")
    raise first_problem


def _find_header(sheet, layout):
    """The sheet row number of the second header row, or _Unreadable saying what does not match."""
    top = [[_norm(cell.value) for cell in row] for row in sheet.rows(max_row=HEADER_SEARCH_ROWS, width=layout.width)]
    leaves = [_norm(column.header) for column in layout.columns]
    groups = [_norm(column.group) for column in layout.columns]
    best_row, best_hits = None, 0
    for number in range(2, len(top) + 1):
        hits = sum(found == wanted for found, wanted in zip(top[number - 1], leaves, strict=True))
        if hits == layout.width:
            _check_header_row(number - 1, _fill_right(top[number - 2]), groups)
            return number
        if hits > best_hits:
            best_row, best_hits = number, hits
    if best_hits * 2 >= layout.width:
        _check_header_row(best_row, top[best_row - 1], leaves)
    names = "、".join(column.header for column in layout.columns)
    raise _Unreadable(f"未找到表头，请以系统导出的台账为模板填写（第二行表头依次为：{names}）")


def _fill_right(values):
    """Group headers are merged across columns: an empty cell belongs to the group on its left."""
    filled, last = [], ""
    for value in values:
        last = value or last
        filled.append(last)
    return filled


def _check_header_row(number, found, wanted):
    wrong = [f"{get_column_letter(index + 1)}列应为“{expected}”，实为“{actual or '空'}”"
             for index, (actual, expected) in enumerate(zip(found, wanted, strict=True)) if actual != expected]
    if wrong:
        raise _Unreadable(f"第{number}行表头与模板不一致：{'；'.join(wrong[:3])}")


def _is_blank(cells):
    return all(cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()) for cell in cells)


def _is_footer(cells):
    first = next(cell.value for cell in cells if cell.value is not None and str(cell.value).strip())
    return _norm(first) in FOOTER_MARKERS


def _parse_row(number, cells, layout, result):
    row = ParsedRow(number)
    for column, cell in zip(layout.columns, cells, strict=True):
        if not column.field:
            continue
        try:
            row.values[column.field] = _parse_cell(column, cell)
        except ValueError as error:
            row.failed.add(column.field)
            result.add_error(number, column.header, str(error))
    return row


def _parse_cell(column, cell):
    value = cell.value
    if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=")):
        raise ValueError("为公式，请粘贴为数值")
    if cell.data_type == "e":
        raise ValueError(f"为错误值“{value}”")
    value = plain_cell_value(value)
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        if column.required:
            raise ValueError("不能为空")
        return column.default
    return column.parse(value)
