"""Excel out: one writer for every list export, so that headers, widths, the frozen
header row and print set-up are the same everywhere, and no text a user typed becomes a
formula in the reader's spreadsheet.

Rows stream through openpyxl's write-only mode (cells are written as they come, never
held), so an export of any size costs the same memory. A sheet holds at most
``SHEET_ROWS`` rows, Excel's own limit; the rows past it continue on a next sheet named
"<title>续表1", "续表2" … with the header repeated, never cut off.

The rules every .xlsx the system writes follows (this writer and the monthly report's):
numbers stay numbers, shown with thousands separators (amounts ``#,##0.00``, counts
``#,##0``; a year, month or code column plain); rates (``formats.Rate``) are numeric
percentages formatted ``0.00%``; each column is as wide as its content (a Chinese
character counts double), so that no number shows as "###"."""

import datetime as dt
import itertools
import unicodedata
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from . import formats

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows per sheet, the header row included (Excel 2007+ and WPS: 1,048,576).
SHEET_ROWS = 1_048_576
# Excel's number format for amounts: thousands separators, two places.
AMOUNT_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
RATE_FORMAT = "0.00%"
# A column of whole numbers whose header says it holds years, months or codes is written
# without thousands separators (2026, not 2,026).
PLAIN_INT_EXACT = {"年", "月", "期", "年度", "年份", "月份", "期号", "季度"}
PLAIN_INT_ENDINGS = ("编号", "代码", "邮编", "电话", "号码", "（年）", "年度")
# Column widths (in Excel's units, about one Latin digit) and the rows read to find them.
MIN_WIDTH, MAX_WIDTH, HEADER_MAX_WIDTH = 6, 60, 16
WIDTH_SAMPLE_ROWS = 1000
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


def plain_int_header(header):
    """True when a column of whole numbers holds years, months or codes."""
    text = str(header or "").strip()
    return text in PLAIN_INT_EXACT or text.endswith(PLAIN_INT_ENDINGS)


def cell_value(value, plain_int=False):
    """(value, number format) as a cell holds it: an amount a number formatted
    1,170,800.00, a count 1,234, a rate the fraction 0.853 formatted 85.30%; anything
    else as it is with no format of its own (None)."""
    if isinstance(value, formats.Rate):
        fraction = value.fraction()
        return (formats.EMPTY, None) if fraction is None else (fraction, RATE_FORMAT)
    if isinstance(value, bool):
        return value, None
    if isinstance(value, Decimal | float):
        return value, AMOUNT_FORMAT
    if isinstance(value, int):
        return value, None if plain_int else COUNT_FORMAT
    return value, None


def display_width(text):
    """Width of ``text`` in Excel's units: a Chinese (full-width) character counts two,
    anything else one; the longest line of several."""
    return max(
        (
            sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in line)
            for line in str(text).split("\n")
        ),
        default=0,
    )


def shown_text(value, plain_int=False):
    """``value`` as the reader sees it in its cell (what its width must hold)."""
    if value is None:
        return ""
    if isinstance(value, formats.Rate):
        fraction = value.fraction()
        return formats.EMPTY if fraction is None else f"{fraction * 100:.2f}%"
    if isinstance(value, bool):
        return "TRUE"
    if isinstance(value, Decimal | float):
        return formats.number(value)
    if isinstance(value, int):
        return str(value) if plain_int else f"{value:,}"
    if isinstance(value, dt.datetime):
        return "2026-12-07 14:05:00"
    if isinstance(value, dt.date):
        return "2026-12-07"
    return str(value)


def column_widths(headers, rows):
    """Each column's width from its header (which wraps, so it counts up to
    ``HEADER_MAX_WIDTH``) and the widest value shown below it, with room for a digit
    more, between ``MIN_WIDTH`` and ``MAX_WIDTH``."""
    plain = [plain_int_header(h) for h in headers]
    widest = [min(display_width(h), HEADER_MAX_WIDTH) for h in headers]
    for row in rows:
        for i, value in enumerate(row[: len(headers)]):
            width = display_width(shown_text(value, plain[i]))
            if width > widest[i]:
                widest[i] = width
    return [max(MIN_WIDTH, min(MAX_WIDTH, w + 2)) for w in widest]


def _cell(ws, value, plain_int=False):
    if isinstance(value, str):
        return as_text(WriteOnlyCell(ws, value=value)) if value.startswith(FORMULA_START) else value
    shown, number_format = cell_value(value, plain_int)
    if number_format is None:
        return shown
    cell = WriteOnlyCell(ws, value=shown)
    cell.number_format = number_format
    return cell


def _row_cells(ws, row, plain):
    """A row for a write-only sheet: text as text (formula-like text too), amounts,
    counts and rates as numbers with their formats."""
    return [_cell(ws, v, plain[i] if i < len(plain) else False) for i, v in enumerate(row)]


def _sheet(wb, title, headers, widths):
    ws = wb.create_sheet(title=title)
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    head = []
    for header in headers:
        cell = as_text(WriteOnlyCell(ws, value=header))
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
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
        # Widths are stated before the rows stream: from the first rows (a list export
        # of a million rows is not read twice).
        rows = iter(rows)
        sample = [tuple(r) for r in itertools.islice(rows, WIDTH_SAMPLE_ROWS)]
        widths = column_widths(headers, sample)
        plain = [plain_int_header(h) for h in headers]
        ws, in_sheet, part = _sheet(wb, title, headers, widths), 0, 0
        for row in itertools.chain(sample, rows):
            if in_sheet == per_sheet:
                part += 1
                ws, in_sheet = _sheet(wb, _continued(title, part), headers, widths), 0
            ws.append(_row_cells(ws, row, plain))
            in_sheet += 1
            written += 1
            if progress is not None and written % PROGRESS_EVERY == 0:
                progress(written)
    wb.save(out)
    return written
