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


def write_sheet(sheet, *, title, header_rows, rows, footer_rows=()):
    """Write a government-style sheet: a merged title row, header rows, data, then footer rows.

    Merges of multi-level headers are the caller's (``sheet.merged_cells.add("B2:C2")``).
    """
    width = max(len(row) for row in header_rows)
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
        sheet.append([safe_cell_value(value) for value in row])
    for row in footer_rows:
        sheet.append([safe_cell_value(value) for value in row])


def xlsx_response(*, filename, title, header_rows, rows, footer_rows=(), merges=()):
    """Build the workbook into a temporary file and stream it back as a download."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for merge in merges:
        sheet.merged_cells.add(merge)
    write_sheet(sheet, title=title, header_rows=header_rows, rows=rows, footer_rows=footer_rows)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after streaming
    workbook.save(spool)
    spool.seek(0)
    response = FileResponse(spool, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
