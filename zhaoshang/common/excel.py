"""Excel out: one writer for every list export, so that headers, widths, the frozen
header row and print set-up are the same everywhere, and no text a user typed becomes a
formula in the reader's spreadsheet.

Rows stream through openpyxl's write-only mode (cells are written as they come, never
held), so an export of any size costs the same memory. A sheet holds at most
``SHEET_ROWS`` rows, Excel's own limit; the rows past it continue on a next sheet named
"<title>续表1", "续表2" … with the header repeated, never cut off."""

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows per sheet, the header row included (Excel 2007+ and WPS: 1,048,576).
SHEET_ROWS = 1_048_576
# Excel's number format for amounts: thousands separators, two places.
AMOUNT_FORMAT = "#,##0.00"
# How often a long export reports its progress.
PROGRESS_EVERY = 1000

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


def _amount(ws, value):
    """A Decimal (an amount) stays a number the reader can sum, shown with thousands
    separators and two places as Chinese tables print it (``formats.number``)."""
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = AMOUNT_FORMAT
    return cell


def _row_cells(ws, row):
    """A row for a write-only sheet: values as they are, formula-like text as text,
    amounts as numbers formatted 1,170,800.00."""
    return [
        as_text(WriteOnlyCell(ws, value=v))
        if isinstance(v, str) and v.startswith(FORMULA_START)
        else _amount(ws, v)
        if isinstance(v, Decimal)
        else v
        for v in row
    ]


def _sheet(wb, title, headers):
    ws = wb.create_sheet(title=title)
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for i, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(header) * 2 + 4))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    head = []
    for header in headers:
        cell = as_text(WriteOnlyCell(ws, value=header))
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center")
        head.append(cell)
    ws.append(head)
    return ws


def _continued(title, n):
    suffix = f"续表{n}"
    return title[: 31 - len(suffix)] + suffix


def write_workbook(out, sheets, progress=None):
    """Write ``sheets`` — a list of (title, headers, rows) — to the file object ``out``
    and return the number of data rows written. ``progress(done)`` is called every
    ``PROGRESS_EVERY`` rows."""
    wb = Workbook(write_only=True)
    written = 0
    per_sheet = SHEET_ROWS - 1  # the header takes a row of every sheet
    for title, headers, rows in sheets:
        title = title[:31]
        ws, in_sheet, part = _sheet(wb, title, headers), 0, 0
        for row in rows:
            if in_sheet == per_sheet:
                part += 1
                ws, in_sheet = _sheet(wb, _continued(title, part), headers), 0
            ws.append(_row_cells(ws, row))
            in_sheet += 1
            written += 1
            if progress is not None and written % PROGRESS_EVERY == 0:
                progress(written)
    wb.save(out)
    return written
