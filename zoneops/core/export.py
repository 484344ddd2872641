"""Excel output that is safe to open: written row by row, formula injection escaped, streamed back.

XlsxWriter in constant-memory mode writes each row to a temporary file as soon as the next one
starts, so a 20,000-row ledger needs a few megabytes and ~1 s (openpyxl's write-only mode took
~3.5 s for the same rows; docs/benchmarks.md, 文档). :func:`write_xlsx` writes to a path or a binary
file, for a download or a background job alike; :func:`xlsx_response` streams it as a download.
"""

import tempfile
from datetime import date, datetime, time
from decimal import Decimal
from urllib.parse import quote

import xlsxwriter
from django.http import FileResponse
from xlsxwriter.utility import xl_cell_to_rowcol, xl_range

# A cell that starts with one of these is run as a formula by Excel/WPS (CSV/formula injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_DATE_FORMAT = "yyyy-mm-dd"  # a date in a column without a number format still reads as a date
_NUMBERS = (int, float, Decimal)
_DATES = (date, datetime, time)


def safe_cell_value(value):
    """Text that would start a formula gets a leading apostrophe, so it stays text."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def plain_cell_value(value):
    """The inverse of :func:`safe_cell_value`, for reading back a sheet we wrote."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(_FORMULA_STARTS):
        return value[1:]
    return value


def _write_cells(sheet, row, values, formats, default=None):
    """One row; text is always written as text (never a formula or a link), then escaped.

    Calls XlsxWriter's row/column cell writers directly: its public ones only add a wrapper that
    also accepts "A1" notation, two more Python calls per cell (~8 % of a 20,000-row ledger).
    """
    for column, value in enumerate(values):
        cell_format = formats.get(column, default)
        if value is None:
            if default is not None:
                sheet._write_blank(row, column, None, cell_format)
            continue
        kind = type(value)
        if kind is str:
            sheet._write_string(row, column, safe_cell_value(value), cell_format)
        elif kind is bool:
            sheet._write_boolean(row, column, value, cell_format)
        elif isinstance(value, _NUMBERS):
            sheet._write_number(row, column, value, cell_format)
        elif isinstance(value, _DATES):
            sheet._write_datetime(row, column, value, cell_format)
        else:
            sheet._write_string(row, column, safe_cell_value(str(value)), cell_format)


def _merges_by_row(merges):
    """``["B2:C2", …]`` → {first row (0-based): [(row, col, last row, last col), …]}."""
    by_row = {}
    for merge in merges:
        first, last = merge.split(":")
        top, left = xl_cell_to_rowcol(first)
        bottom, right = xl_cell_to_rowcol(last)
        by_row.setdefault(top, []).append((top, left, bottom, right))
    return by_row


def write_xlsx(target, *, title, header_rows, rows, footer_rows=(), merges=(), column_formats=None,
               column_widths=None, freeze=None):
    """Write a government-style sheet to ``target`` (a path or a binary file opened for writing):
    a merged title row, header rows, data, then bold footer rows. Returns the number of data rows.

    ``rows`` may be any iterable (a generator over a queryset's ``iterator()`` keeps memory flat).
    ``merges`` lie within the header rows, e.g. ``"B2:C2"``; the merged cell shows the value of its
    first cell. ``column_formats`` maps a 0-based column index to an Excel number format (e.g.
    ``"#,##0.00"``); ``column_widths`` is a list of widths in characters; ``freeze`` is the top-left
    cell that stays scrollable, e.g. ``"C4"`` keeps the headers and two columns in view.
    """
    workbook = xlsxwriter.Workbook(target, {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False, "default_date_format": DEFAULT_DATE_FORMAT, "tmpdir": tempfile.gettempdir()})
    sheet = workbook.add_worksheet(title[:31])
    width = max(len(row) for row in header_rows)
    for index, column_width in enumerate(column_widths or ()):
        sheet.set_column(index, index, column_width)
    if freeze:
        sheet.freeze_panes(freeze)
    bold = workbook.add_format({"bold": True})
    data_formats = {index: workbook.add_format({"num_format": number_format})
                    for index, number_format in (column_formats or {}).items() if number_format}
    footer_formats = {index: workbook.add_format({"num_format": number_format, "bold": True})
                      for index, number_format in (column_formats or {}).items() if number_format}
    header_format = workbook.add_format({"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True})
    title_format = workbook.add_format({"bold": True, "font_size": 14, "align": "center"})

    sheet.merge_range(xl_range(0, 0, 0, width - 1), title, title_format)
    merges = _merges_by_row(merges)
    for number, header in enumerate(header_rows, start=1):
        _write_cells(sheet, number, header, {}, header_format)
        for top, left, bottom, right in merges.get(number, ()):
            sheet.merge_range(top, left, bottom, right, header[left], header_format)
    next_row = len(header_rows) + 1
    for row in rows:
        _write_cells(sheet, next_row, row, data_formats)
        next_row += 1
    data_rows = next_row - len(header_rows) - 1
    for row in footer_rows:
        _write_cells(sheet, next_row, row, footer_formats, bold)
        next_row += 1
    workbook.close()
    return data_rows


def xlsx_response(*, filename, title, header_rows, rows, footer_rows=(), merges=(), column_formats=None,
                  column_widths=None, freeze=None):
    """Build the workbook into a temporary file and stream it back as a download (see write_xlsx)."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after streaming
    write_xlsx(spool, title=title, header_rows=header_rows, rows=rows, footer_rows=footer_rows, merges=merges,
               column_formats=column_formats, column_widths=column_widths, freeze=freeze)
    spool.seek(0)
    response = FileResponse(spool, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
