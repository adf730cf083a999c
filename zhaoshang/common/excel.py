"""Excel out: one helper for every list export, so that headers, widths, the frozen
header row and print set-up are the same everywhere."""

from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from zhaoshang.common.replica import replica_reads

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        from openpyxl.cell import WriteOnlyCell

        head = []
        for header in headers:
            cell = WriteOnlyCell(ws, value=header)
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(horizontal="center")
            head.append(cell)
        ws.append(head)
        for row in rows:
            ws.append(list(row))
    return wb


def xlsx_response(filename, sheets):
    # The rows are lazy querysets of the caller's list, read while the workbook is
    # written: a large read that may go to the replica (common/replica.py).
    with replica_reads():
        wb = build_workbook(sheets)
        buffer = BytesIO()
        wb.save(buffer)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    name = f"{filename}_{stamp}.xlsx"
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
