"""The mapping engine: any zone's sheet → a proposed mapping → records in catalogue fields.

:func:`read_sheet` measures the file against the import limits (``xlsx.inspect_workbook``) and reads
the first sheet with merged cells filled in (a merged 责任单位 applies to every row it spans) and the
cached value of each formula (a formula Excel or WPS never calculated reads as empty).
:func:`analyse` finds the header rows (one or two levels, flattened as “2026年/计划投资”), the title
lines above them, the money unit and the sheet's year, proposes a field for each column, and sorts the
rows under the header into records and skipped rows (空行, 分组行, 合计行, 注释行). :func:`records`
reads the mapped cells of each record with the field's parser. Nothing here touches the database.
"""

import dataclasses
import hashlib
import io
import re
from dataclasses import dataclass

from openpyxl import load_workbook

from zoneops.exchange.intake import normalize
from zoneops.exchange.intake.catalogue import (
    CHOICE,
    DATE,
    IGNORE,
    MONEY,
    NUMBER,
    normalize_label,
    signature_label,
)
from zoneops.exchange.xlsx import UNREADABLE, _Unreadable, inspect_workbook

HEADER_SEARCH_ROWS = 15
SAMPLE_ROWS = 3
UNMAPPABLE = ("无法识别表头：前{}行中找不到与“{}”字段对应的列（至少需要{}）。"
              "请确认第一个工作表是台账，表头在数据上方，或选择已保存的导入模板。")
UNCALCULATED = "是公式但没有计算结果：请在 Excel 或 WPS 中打开并保存后再导入，或“选择性粘贴 → 数值”"
NOT_XLSX = "仅支持 .xlsx 格式。.xls（Excel 97-2003）和 .et（WPS）文件请先在 Excel 或 WPS 中“另存为” .xlsx 后再上传。"
_NUMERAL = "[一二三四五六七八九十]+"
_SECTION = re.compile(rf"^(?:{_NUMERAL}[、.．]|[（(]{_NUMERAL}[）)]|第{_NUMERAL}[部类])")
_TOTAL = re.compile(r"^(?:合计|总计|小计|共计|总合计)|(?:合计|小计|总计)$")
_NOTE = re.compile(r"^(?:注|备注|说明|附注|填报人|填表人|制表|审核|联系人|填报单位|数据来源)[:：\s]?")


class SheetError(Exception):
    """The sheet cannot be read or mapped; the message is for the user (Chinese)."""


@dataclass
class Cell:
    value: object
    formula: bool = False  # a formula without a cached value (read as empty)
    spread: bool = False  # copied from a merged cell to its left (a header's span, a merged heading row)


@dataclass
class Column:
    index: int  # 0-based
    label: str  # flattened header, e.g. “2026年/计划投资”
    field: str = ""  # proposed or chosen catalogue field ("" = 不导入)
    samples: list = dataclasses.field(default_factory=list)


@dataclass
class Skipped:
    number: int
    reason: str  # 空行 / 分组行 / 合计行 / 注释行 / 无项目名称
    text: str = ""


@dataclass
class Record:
    number: int  # the sheet's row number
    cells: list  # raw values by column index
    section: str = ""  # the heading above it
    hints: dict = dataclasses.field(default_factory=dict)  # fields the section sets
    values: dict = dataclasses.field(default_factory=dict)  # parsed, by field key
    errors: dict = dataclasses.field(default_factory=dict)  # field key → message
    raw: dict = dataclasses.field(default_factory=dict)  # field key → the cell's text
    formulas: set = dataclasses.field(default_factory=set)  # column indexes of formulas never calculated


@dataclass
class Analysis:
    titles: list
    header_rows: list  # sheet row numbers
    columns: list
    money_unit: str
    money_unit_found: bool
    year: int | None
    records: list
    skipped: list
    totals: list  # (row number, {column index: value}) of 合计 rows
    formula_cells: int = 0

    @property
    def labels(self):
        return [column.label for column in self.columns]

    def mapping(self):
        return {column.index: column.field for column in self.columns if column.field}

    def signature(self):
        return header_signature(self.labels)


def header_signature(labels):
    """A sheet's headers, figures blurred, as a short hash: next month's sheet has the same one."""
    joined = "|".join(signature_label(label) for label in labels if label)
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


# --- Reading ----------------------------------------------------------------------------------

def read_sheet(file, *, name=""):
    """The first sheet as rows of :class:`Cell`, merged ranges filled. ``file`` is a path or a binary
    file. Raises SheetError for a file that is not .xlsx or is too large."""
    lower = (name or str(getattr(file, "name", file))).lower()
    if lower.endswith((".xls", ".et", ".ett", ".csv", ".wps")):
        raise SheetError(NOT_XLSX)
    if isinstance(file, str) or hasattr(file, "open") and not hasattr(file, "read"):
        with open(file, "rb") as handle:
            data = handle.read()
    else:
        file.seek(0)
        data = file.read()
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # the old binary format, whatever its name says
        raise SheetError(NOT_XLSX)
    try:
        inspect_workbook(io.BytesIO(data))
        values = load_workbook(io.BytesIO(data), data_only=True).worksheets[0]
        formulas = load_workbook(io.BytesIO(data), data_only=False).worksheets[0]
    except _Unreadable as error:
        raise SheetError(str(error)) from None
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise SheetError(UNREADABLE + "（.xls/.et 请先另存为 .xlsx）") from None
    width = values.max_column or 0
    rows = []
    for row_values, row_formulas in zip(values.iter_rows(values_only=True), formulas.iter_rows(values_only=True),
                                        strict=False):
        cells = []
        for index in range(width):
            value = row_values[index] if index < len(row_values) else None
            raw = row_formulas[index] if index < len(row_formulas) else None
            is_formula = isinstance(raw, str) and raw.startswith("=")
            cells.append(Cell(value, formula=is_formula and value is None))
        rows.append(cells)
    for merged in values.merged_cells.ranges:
        top = rows[merged.min_row - 1][merged.min_col - 1].value if merged.min_row - 1 < len(rows) else None
        for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
            for c in range(merged.min_col - 1, min(merged.max_col, width)):
                rows[r][c] = Cell(top, spread=c > merged.min_col - 1)
    return rows, [(m.min_row, m.min_col, m.max_row, m.max_col) for m in values.merged_cells.ranges]


# --- Analysis ---------------------------------------------------------------------------------

def _text(cell):
    return normalize.text(cell.value)


def _own(cells):
    """The row's texts, a merged cell's copies to the right left out."""
    return [("" if cell.spread else _text(cell)) for cell in cells]


def _score(label, catalogue_fields):
    """The best (score, field key) for one header: 3 exact name, 2 the last level is a name, 1 contains."""
    normal = normalize_label(label)
    leaf = normalize_label(label.split("/")[-1]) if "/" in label else normal
    best, best_key, best_length = 0, "", 0
    for spec in catalogue_fields:
        for name in spec.names():
            name = normalize_label(name)
            score = 3 if name == normal else 2 if name == leaf else 1 if len(name) >= 3 and name in normal else 0
            if score > best or (score and score == best and len(name) > best_length):
                best, best_key, best_length = score, spec.key, len(name)
    return best, best_key


def propose(labels, catalogue_fields):
    """{column index: field key}: each field to the column that matches it best (a field once)."""
    scored = sorted(((score, index, key) for index, label in enumerate(labels) if label
                     for score, key in [_score(label, catalogue_fields)] if score), key=lambda s: (-s[0], s[1]))
    taken, mapping = set(), {}
    for _score_value, index, key in scored:
        if key not in taken and index not in mapping:
            mapping[index] = key
            taken.add(key)
    return mapping


def _header_row(rows, catalogue):
    """The sheet row (0-based) that names most catalogue fields, among the first rows."""
    best = (0, None)
    for number, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        labels = [_text(cell) for cell in cells]
        if sum(1 for label in labels if label) < 2:
            continue
        score = len(propose(labels, catalogue.fields))
        if score > best[0]:
            best = (score, number)
    return best


def _header_block(rows, first, merged):
    """The header rows from ``first``: a row below belongs to the header when a merged range of the
    header reaches into it, or when it subdivides a horizontally merged header cell."""
    last = first
    while last + 1 < len(rows):
        below = last + 1
        reaches = any(r1 - 1 <= last < r2 - 1 and r2 - 1 >= below for r1, _c1, r2, _c2 in merged)
        splits = [(c1, c2) for r1, c1, r2, c2 in merged if r1 - 1 == last == r2 - 1 and c2 > c1]
        texts_below = [_text(rows[below][c - 1]) for c1, c2 in splits for c in range(c1, c2 + 1)]
        subdivides = bool(texts_below) and all(t and not _number_like(t) for t in texts_below)
        if not (reaches or subdivides):
            break
        last = below
    return list(range(first, last + 1))


def _number_like(text):
    return bool(re.fullmatch(r"[-+]?[\d,.]+", text))


def _flatten(rows, header_rows, width):
    labels = []
    for index in range(width):
        parts = []
        for number in header_rows:
            part = _text(rows[number][index])
            if part and (not parts or parts[-1] != part):
                parts.append(part)
        labels.append("/".join(parts))
    return labels


def analyse(rows, merged, catalogue, *, mapping=None, money_unit=None):
    """The sheet's structure and, unless ``mapping`` ({column index: field}) is given, a proposed one.
    Raises SheetError when no header row names enough of the catalogue's fields."""
    required = [f for f in catalogue.fields if f.required]
    score, first = _header_row(rows, catalogue)
    if first is None or score < 2:
        raise SheetError(UNMAPPABLE.format(HEADER_SEARCH_ROWS, catalogue.label,
                                           "、".join(f.label for f in required[:3]) or "两列"))
    width = len(rows[0]) if rows else 0
    header_rows = _header_block(rows, first, merged)
    labels = _flatten(rows, header_rows, width)
    titles = [" ".join(t for t in _own(rows[n]) if t) for n in range(first)]
    titles = [t for t in titles if t]
    proposed = propose(labels, catalogue.fields) if mapping is None else {int(k): v for k, v in mapping.items()}
    columns = [Column(index, label, proposed.get(index, "")) for index, label in enumerate(labels)]
    found_unit = normalize.detect_money_unit(*titles, *labels)
    analysis = Analysis(titles=titles, header_rows=[n + 1 for n in header_rows], columns=columns,
                        money_unit=money_unit or found_unit or "万元", money_unit_found=bool(found_unit),
                        year=normalize.sheet_year(*titles, *labels), records=[], skipped=[], totals=[])
    _classify(rows[header_rows[-1] + 1:], header_rows[-1] + 2, analysis, catalogue)
    for column in columns:
        column.samples = [normalize.text(record.cells[column.index]) for record in analysis.records[:SAMPLE_ROWS]]
    return analysis


def _classify(rows, first_number, analysis, catalogue):
    section, hints = "", {}
    name_columns = [c.index for c in analysis.columns if c.field in catalogue.key_fields]
    footer = False
    for number, cells in enumerate(rows, start=first_number):
        texts = _own(cells)
        filled = [t for t in texts if t]
        if not filled:
            analysis.skipped.append(Skipped(number, "空行"))
            continue
        lead = next((t for t in texts[:4] if t and not _number_like(t)), "")
        joined = " ".join(filled)
        if _TOTAL.search(lead.replace(" ", "")) or any(_TOTAL.search(t.replace(" ", "")) for t in texts[:3] if t):
            analysis.skipped.append(Skipped(number, "合计行", joined[:60]))
            analysis.totals.append((number, {i: cell.value for i, cell in enumerate(cells)}))
            continue
        if _NOTE.match(lead) or footer and len(filled) <= 2:
            footer = True
            analysis.skipped.append(Skipped(number, "注释行", joined[:60]))
            continue
        if _SECTION.match(lead) and len(filled) <= 3 and not any(
                isinstance(cell.value, int | float) for cell in cells[1:]):
            section, hints = lead, _section_hints(lead, catalogue)
            analysis.skipped.append(Skipped(number, "分组行", lead[:60]))
            continue
        if name_columns and not any(texts[i] for i in name_columns):
            if len(filled) == 1 and len(joined) > 15:
                footer = True
                analysis.skipped.append(Skipped(number, "注释行", joined[:60]))
            else:
                analysis.skipped.append(Skipped(number, "无项目名称", joined[:60]))
            continue
        analysis.records.append(Record(number, [None if cell.spread else cell.value for cell in cells], section,
                                       dict(hints), formulas={i for i, cell in enumerate(cells) if cell.formula}))
        analysis.formula_cells += sum(1 for cell in cells if cell.formula)


def _section_hints(heading, catalogue):
    values = {}
    for pattern, sets in catalogue.section_hints:
        if re.search(pattern, heading):
            values.update(sets)
    return values


# --- Records ----------------------------------------------------------------------------------

def read_records(analysis, catalogue, parsers):
    """Parse each record's mapped cells. ``parsers`` maps a field kind to ``parse(value, analysis)``
    for the kinds the engine does not know (unit, person: resolved by the importer)."""
    for record in analysis.records:
        record.values, record.errors, record.raw = {}, {}, {}
        for column in analysis.columns:
            spec = catalogue.field(column.field) if column.field else None
            if spec is None or spec.kind == IGNORE:
                continue
            value = record.cells[column.index]
            if column.index in record.formulas:
                record.errors[spec.key] = f"“{spec.label}”{UNCALCULATED}"
                continue
            if normalize.is_empty(value):
                continue
            record.raw[spec.key] = normalize.text(value)
            try:
                record.values[spec.key] = _parse(spec, value, analysis, parsers)
            except ValueError as error:
                record.errors[spec.key] = f"“{spec.label}”{error}"
        for key, value in record.hints.items():
            record.values.setdefault(key, value)
    return analysis.records


def _parse(spec, value, analysis, parsers):
    if spec.kind == MONEY:
        return normalize.parse_money(value, analysis.money_unit)
    if spec.kind == DATE:
        return normalize.parse_date(value, analysis.year)
    if spec.kind == NUMBER:
        return int(normalize.parse_money(value, "元"))
    if spec.kind == CHOICE:
        return _choice(spec, value)
    if spec.kind in parsers:
        return parsers[spec.kind](spec, value)
    return normalize.text(value)


def _choice(spec, value):
    """A choice by its label (新建) or its stored code (new)."""
    text = normalize.text(value)
    for code, label in spec.choices:
        if text in (code, label):
            return code
    raise ValueError(f"应为{'、'.join(label for _code, label in spec.choices)}之一，实为“{text}”")


def money_totals(analysis, catalogue):
    """For each mapped money column with a 合计 row holding a number: (label, the 合计 in 元, the sum of
    the records in 元). The last 合计 row is the sheet's total (小计 rows come before it)."""
    if not analysis.totals:
        return []
    _number, cells = analysis.totals[-1]
    checks = []
    for column in analysis.columns:
        spec = catalogue.field(column.field) if column.field else None
        value = cells.get(column.index)
        if spec is None or spec.kind != MONEY or not isinstance(value, int | float):
            continue
        total = normalize.parse_money(value, analysis.money_unit)
        summed = sum(record.values.get(spec.key) or 0 for record in analysis.records
                     if isinstance(record.values.get(spec.key), int))
        checks.append((column.label, total, summed))
    return checks
