"""The rows of an .xlsx sheet, read the way openpyxl's read-only mode reads them, faster.

openpyxl reads a 100,000-row sheet in read-only mode at about 75 µs a row: each cell
becomes a dict, an inline string a ``Text`` object, and a sheet that states no size (as
openpyxl's own write-only mode writes it) is parsed once more when it is opened, just to
find that out. An import only needs the values. Here openpyxl still reads everything but
the sheet (shared strings, styles and their date formats, the 1904 flag, which sheet is
first), and the sheet's cells are turned into values with openpyxl's own rules (the same
number casts, dates from date-formatted numbers, booleans, inline and shared strings,
cached formula results) straight from the XML events. A test holds it to
openpyxl's results on the kinds of files offices and programs write
(``enterprises/tests/test_xlsx.py``)."""

import re

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse  # defusedxml when installed, as openpyxl reads

_NS = f"{{{SHEET_MAIN_NS}}}"
ROW, CELL, VALUE, INLINE, TEXT, RUN = (
    f"{_NS}row",
    f"{_NS}c",
    f"{_NS}v",
    f"{_NS}is",
    f"{_NS}t",
    f"{_NS}r",
)
_COLUMNS = {}  # "AB" -> 28
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s[^>]*?ref="([^"]+)"')


class Sheet:
    """The first worksheet of a workbook: ``rows()`` yields its rows as tuples of values,
    ``max_row`` is the last row the sheet states (None when it states none), ``path`` its
    place in the archive."""

    def __init__(self, filename):
        reader = ExcelReader(str(filename), read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = [
            rel.target
            for _, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        ]
        if not sheets:
            raise ValueError("no worksheet")
        self.archive, self.path = reader.archive, sheets[0]
        self.strings = reader.shared_strings
        self.epoch = reader.wb.epoch
        self.date_formats = reader.wb._date_formats
        self.timedelta_formats = reader.wb._timedelta_formats
        self.max_col = self.max_row = None
        bounds = self._dimension()
        if bounds is not None:
            _, _, self.max_col, self.max_row = bounds

    def _dimension(self):
        """The <dimension ref> before the cells, as openpyxl reads it; None without one."""
        head = b""
        with self.archive.open(self.path) as source:
            while block := source.read(1 << 16):
                head += block
                found = _DIMENSION.search(head)
                if found:
                    return range_boundaries(found.group(1).decode())
                if b"sheetData" in head:
                    return None
        return None

    def close(self):
        self.archive.close()

    def rows(self):
        """As openpyxl's ``iter_rows(values_only=True)`` of a read-only sheet: missing rows
        as empty tuples, each row as wide as the sheet's dimension (or its last cell)."""
        max_col, max_row = self.max_col, self.max_row
        empty = (None,) * max_col if max_col is not None else []
        counter, idx, number = 1, 1, 0
        with self.archive.open(self.path) as source:
            for _, element in iterparse(source):
                if element.tag != ROW:
                    continue
                r = element.get("r")
                number = int(float(r)) if r is not None else number + 1
                idx = number
                if max_row is not None and idx > max_row:
                    break
                while counter < idx:
                    counter += 1
                    yield empty
                if counter <= idx:
                    counter += 1
                    yield self._row(element, max_col)
                element.clear()
        if max_row is not None and max_row < idx:
            for _ in range(counter, max_row + 1):
                yield empty

    def _row(self, element, max_col):
        cells, column = [], 0
        for cell in element.iter(CELL):
            ref = cell.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                column = _COLUMNS.get(letters) or _COLUMNS.setdefault(
                    letters, column_index_from_string(letters)
                )
            else:
                column += 1
            cells.append((column, self._value(cell)))
        if not cells and not max_col:
            return ()
        width = max_col or cells[-1][0]
        out = [None] * width
        for column, value in cells:
            if 1 <= column <= width:
                out[column - 1] = value
        return tuple(out)

    def _value(self, cell):
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = cell.find(INLINE)
            if inline is None:
                return None
            parts = [inline.findtext(TEXT)] + [run.findtext(TEXT) for run in inline.iter(RUN)]
            return "".join(p for p in parts if p is not None)
        value = cell.findtext(VALUE) or None
        if value is None:
            return None
        if kind == "n":
            value = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
            style = int(cell.get("s", 0) or 0)
            if style in self.date_formats:
                try:
                    return from_excel(value, self.epoch, timedelta=style in self.timedelta_formats)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return value
        if kind == "s":
            return self.strings[int(value)]
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return from_ISO8601(value)
        return value  # "str" (a formula's text), "e" (an error such as #N/A)
