"""Excel out: one helper for every list export, so that headers, widths, the frozen
header row and print set-up are the same everywhere, and no text a user typed becomes a
formula in the reader's spreadsheet."""

from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Text that Excel or WPS reads as a formula when it starts this way (CSV/formula
# injection): an enterprise named "=HYPERLINK(...)" or "@SUM(...)" typed into a form
# must reach the reader's spreadsheet as the text it is, never run there.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_text(cell):
    """Keep ``cell``'s text as text: openpyxl turns a string starting with "=" into a
    formula, and Excel re-reads a cell starting with +, - or @ as one when it is edited.
    The cell is written as a string and marked quote-prefixed (Excel's leading
    apostrophe), so it is shown, edited and saved as text. Numbers are left alone."""
    value = cell.value
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _row_cells(ws, row):
    """A row for a write-only sheet: values as they are, formula-like text as text."""
    return [
        as_text(WriteOnlyCell(ws, value=v))
        if isinstance(v, str) and v.startswith(FORMULA_START)
        else v
        for v in row
    ]


def build_workbook(sheets):
    """``sheets``: list of (title, headers, rows). Streams rows (write-only mode), so a
    large export never holds its cells in memory."""
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for title, headers, rows in sheets:
        ws = wb.create_sheet(title=title[:31])
        ws.freeze_panes = "A2"
        ws.print_title_rows = "1:1"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        for i, header in enumerate(headers, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(header) * 2 + 4))
        head = []
        for header in headers:
            cell = as_text(WriteOnlyCell(ws, value=header))
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(horizontal="center")
            head.append(cell)
        ws.append(head)
        for row in rows:
            ws.append(_row_cells(ws, row))
    return wb


def xlsx_response(filename, sheets):
    wb = build_workbook(sheets)
    buffer = BytesIO()
    wb.save(buffer)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    name = f"{filename}_{stamp}.xlsx"
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
