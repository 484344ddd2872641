"""Excel output that is safe to open: streamed from a temporary file, formula injection escaped."""

import tempfile
from urllib.parse import quote

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

# A cell that starts with one of these is run as a formula by Excel/WPS (CSV/formula injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def _styled_row(sheet, values, formats, font=None):
    """Escaped values; cells with a number format (by column index) or a font become styled cells."""
    cells = []
    for index, value in enumerate(values):
        value = safe_cell_value(value)
        number_format = formats.get(index)
        if number_format is None and font is None:
            cells.append(value)
            continue
        cell = WriteOnlyCell(sheet, value=value)
        if number_format:
            cell.number_format = number_format
        if font is not None:
            cell.font = font
        cells.append(cell)
    return cells


def write_sheet(sheet, *, title, header_rows, rows, footer_rows=(), column_formats=None, column_widths=None):
    """Write a government-style sheet: a merged title row, header rows, data, then bold footer rows.

    Merges of multi-level headers are the caller's (``sheet.merged_cells.add("B2:C2")``).
    ``column_formats`` maps a 0-based column index to an Excel number format (e.g. ``"#,##0.00"``);
    ``column_widths`` is a list of widths in characters.
    """
    formats = column_formats or {}
    width = max(len(row) for row in header_rows)
    for index, column_width in enumerate(column_widths or (), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column_width
    sheet.merged_cells.add(f"A1:{get_column_letter(width)}1")
    title_cell = WriteOnlyCell(sheet, value=title)
    title_cell.font = Font(bold=True, size=14)
    title_cell.alignment = Alignment(horizontal="center")
    sheet.append([title_cell])
    for header in header_rows:
        cells = []
        for value in header:
            cell = WriteOnlyCell(sheet, value=value)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cells.append(cell)
        sheet.append(cells)
    for row in rows:
        sheet.append(_styled_row(sheet, row, formats))
    for row in footer_rows:
        sheet.append(_styled_row(sheet, row, formats, font=Font(bold=True)))


def xlsx_response(*, filename, title, header_rows, rows, footer_rows=(), merges=(), column_formats=None,
                  column_widths=None, freeze=None):
    """Build the workbook into a temporary file and stream it back as a download.

    ``freeze`` is the top-left cell that stays scrollable, e.g. ``"C4"`` keeps the headers in view.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for merge in merges:
        sheet.merged_cells.add(merge)
    if freeze:
        sheet.freeze_panes = freeze
    write_sheet(sheet, title=title, header_rows=header_rows, rows=rows, footer_rows=footer_rows,
                column_formats=column_formats, column_widths=column_widths)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after streaming
    workbook.save(spool)
    spool.seek(0)
    response = FileResponse(spool, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
