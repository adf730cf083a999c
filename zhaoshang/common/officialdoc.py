"""Every Word document the system writes, in the national format for official documents
(GB/T 9704-2012 《党政机关公文格式》), so that an office can send it as it is.

- A4 (210 × 297 mm); margins top 37 mm, bottom 35 mm, left (binding) 28 mm, right 26 mm:
  a type area of 156 × 225 mm, 22 lines of 28 characters in 3号 (16 pt).
- Title in 2号 (22 pt) 小标宋, centred; body in 3号 仿宋, first line indented two
  characters, lines at a fixed 28.95 pt (225 mm over 22 lines); first-level headings 3号
  黑体, second-level 3号 楷体; page numbers "— 1 —" in 4号 宋体, odd pages right, even
  pages left, one character in from the edge.
- The issuer line (发文机关署名) one line below the body, two characters in from the
  right, and the date (成文日期) below it, its first character two to the right of the
  issuer's first, in Arabic numerals with the year in full and no padding
  (2026年12月7日, 7.3.5.1 of the standard).
- Fonts as offices name them. A run names one East Asian font; each font is also written
  into the document's font table with its usual alternative name (``w:altName``), its
  GB2312 character set and its PANOSE class, which is what Word and WPS use to choose a
  substitute on a machine without it: 仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体,
  方正小标宋简体 → 华文中宋/宋体. Latin text and digits in Times New Roman.
- Tables: a number (an int, a Decimal, "1,234.50", "85.3%") is right-aligned, written
  with thousands separators and never wraps (``w:noWrap`` and a column at least as wide
  as its widest number); column widths come from the content; header rows repeat on
  every page (``w:tblHeader``) and a row is never split across pages. A table too wide
  for the portrait page goes on landscape pages of its own (a section), and one too wide
  even for those is cut into column groups, each repeating the key columns (续表).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

from zhaoshang.common import formats

# --- The standard's measures -------------------------------------------------------------
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TEXT_WIDTH_PT = (210 - 28 - 26) / 25.4 * 72  # 156 mm
LANDSCAPE_TEXT_WIDTH_PT = (297 - 37 - 35) / 25.4 * 72  # 225 mm
LINE_PITCH = Pt(28.95)  # 225 mm / 22 lines

# 字号 (Chinese point sizes)
SIZE_2 = 22  # 二号: the title
SIZE_3 = 16  # 三号: body and headings
SIZE_4 = 14  # 四号: page numbers, notes
SIZE_SMALL_4 = 12  # 小四: tables
SIZE_5 = 10.5  # 五号: wide tables

# --- Fonts -------------------------------------------------------------------------------
LATIN = "Times New Roman"
FANGSONG = "仿宋_GB2312"
KAITI = "楷体_GB2312"
HEITI = "黑体"
SONGTI = "宋体"
XIAOBIAOSONG = "方正小标宋简体"


@dataclass(frozen=True)
class FontEntry:
    """A font as the document's font table states it: the alternative a reader without
    the font uses, its PANOSE class and its character set (86: GB2312)."""

    name: str
    alt: str
    panose: str
    family: str = "modern"
    pitch: str = "fixed"


FONT_TABLE = (
    FontEntry(FANGSONG, "仿宋", "02010609030101010101"),
    FontEntry("仿宋", "FangSong", "02010609060101010101"),
    FontEntry(KAITI, "楷体", "02010609030101010101"),
    FontEntry("楷体", "KaiTi", "02010609060101010101"),
    FontEntry(HEITI, "SimHei", "02010609060101010101"),
    FontEntry(SONGTI, "SimSun", "02010600030101010101", pitch="variable"),
    FontEntry(XIAOBIAOSONG, "华文中宋", "02000000000000000000", family="script"),
    FontEntry("华文中宋", "宋体", "02010600040101010101", pitch="variable"),
)

# --- Tables ------------------------------------------------------------------------------
CELL_MARGIN_PT = 5.4  # Word's default left and right cell margin (0.075 in)
NUMBER = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$")
DATE = re.compile(r"^\d{4}年\d{1,2}月(\d{1,2}日)?$")
# A run Word does not break inside: Latin letters, digits and their separators (a credit
# code, an amount inside a sentence).
UNBROKEN = re.compile(r"[\x21-\x7e]+")
EMPTY_MARKS = {"", formats.EMPTY, "-", "/"}
TEXT_COLUMN_MAX_EM = 16  # a text column wider than this wraps
TEXT_COLUMN_MIN_EM = 4


def cell_text(value: Any) -> str:
    """A table cell as printed: an amount 1,170,800.00, a count 1,234, a rate 85.3%."""
    if value is None:
        return formats.EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return formats.number(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return formats.number(Decimal(str(value)))
    return str(value)


def is_number(value: Any) -> bool:
    """True for a figure a table right-aligns and never wraps."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, Decimal)):
        return True
    if isinstance(value, formats.Rate):
        return True
    return bool(NUMBER.match(str(value).strip()))


def text_em(text: str) -> float:
    """Width of ``text`` in ems: a Chinese (full-width) character is one, a Latin letter,
    digit or separator half of one."""
    width = 0.0
    for ch in text:
        width += 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.55
    return width


def _longest_line_em(text: str) -> float:
    return max((text_em(line) for line in text.split("\n")), default=0.0)


def _longest_run_em(text: str) -> float:
    return max((text_em(run) for run in UNBROKEN.findall(text)), default=0.0)


def is_date(value: Any) -> bool:
    """True for a date as tables print it (2026年12月7日), kept on one line."""
    return isinstance(value, str) and bool(DATE.match(value.strip()))


@dataclass
class Column:
    numeric: bool  # figures: right-aligned, never wrapped
    min_pt: float
    natural_pt: float
    dates: bool = False  # dates: centred, never wrapped


def measure(headers: Sequence[str], rows: Sequence[Sequence[Any]], size: float) -> list[Column]:
    """Each column's kind and its smallest and natural widths at ``size`` points."""
    columns = []
    pad = 2 * CELL_MARGIN_PT + 1
    for i, header in enumerate(headers):
        values = [row[i] for row in rows]
        shown = [cell_text(v) for v in values]
        filled = [
            (v, s) for v, s in zip(values, shown, strict=True) if s.strip() not in EMPTY_MARKS
        ]
        numeric = bool(filled) and all(is_number(v) for v, _ in filled)
        dates = bool(filled) and not numeric and all(is_date(s) for _, s in filled)
        widest = max((_longest_line_em(s) for s in shown), default=0.0)
        header_em = _longest_line_em(str(header))
        # A header wraps into lines of at least two characters, never inside a number.
        header_min = max(min(header_em, 2.0), _longest_run_em(str(header)))
        if numeric or dates:
            min_em = max(widest, header_min)
            natural_em = max(widest, min(header_em, max(widest, 4.0)))
        else:
            natural_em = min(max(widest, header_em), TEXT_COLUMN_MAX_EM)
            unbroken = max((_longest_run_em(s) for s in shown), default=0.0)
            min_em = max(min(natural_em, TEXT_COLUMN_MIN_EM), header_min, unbroken)
        columns.append(
            Column(numeric, min_em * size + pad, max(natural_em, min_em) * size + pad, dates)
        )
    return columns


def fit(columns: Sequence[Column], available: float) -> list[float]:
    """Widths in points filling ``available``: each column its natural width when all
    fit, else its smallest plus a share of the rest in proportion to what it lacks."""
    natural = sum(c.natural_pt for c in columns)
    smallest = sum(c.min_pt for c in columns)
    if natural <= available:
        return [c.natural_pt * available / natural for c in columns]
    lacking = natural - smallest
    spare = max(available - smallest, 0)
    return [c.min_pt + (c.natural_pt - c.min_pt) * spare / lacking for c in columns]


def _color(color: str | None) -> str:
    return f'<w:color w:val="{color}"/>' if color else ""


def _rpr(font: str, size: float, bold: bool = False, color: str | None = None) -> str:
    return (
        f'<w:rPr><w:rFonts w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:eastAsia="{font}" '
        f'w:cs="{LATIN}" w:hint="eastAsia"/>{"<w:b/>" if bold else ""}'
        f"{_color(color)}"
        f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/></w:rPr>'
    )


def set_run_font(run: Any, font: str, size: float, *, bold: bool = False) -> None:
    """A python-docx run in ``font`` (East Asian) and Times New Roman (Latin, digits)."""
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = LATIN
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), font)
    fonts.set(qn("w:hint"), "eastAsia")


class OfficialDocument:
    """A Word document in the national format, built top to bottom:

    >>> doc = OfficialDocument()
    >>> doc.title("2026年10月招商引资统计月报")
    >>> doc.paragraph("1—10月，全区新签约项目……")
    >>> doc.table(["单位", "签约项目（个）"], rows, caption="二、分单位完成情况")
    >>> doc.signature("河西区投资促进局", datetime.date(2026, 11, 5))
    >>> content = doc.to_bytes()
    """

    def __init__(self) -> None:
        self.doc = Document()
        self._landscape = False
        self._styles()
        self._fonts()
        section = self.doc.sections[0]
        self._page(section, landscape=False)
        self._page_numbers()

    # --- set-up --------------------------------------------------------------------------
    def _styles(self) -> None:
        normal = self.doc.styles["Normal"]
        normal.font.name = LATIN
        normal.font.size = Pt(SIZE_3)
        fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), FANGSONG)
        fonts.set(qn("w:hint"), "eastAsia")
        fmt = normal.paragraph_format
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        fmt.line_spacing = LINE_PITCH
        fmt.widow_control = False
        # The document's own defaults too, so that WPS (which reads docDefaults before
        # styles for some runs) uses the same fonts.
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
            if rpr is not None:
                fonts = rpr.find(qn("w:rFonts"))
                if fonts is None:
                    fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
                    rpr.insert(0, fonts)
                for attr in list(fonts.attrib):
                    del fonts.attrib[attr]
                for key, value in (
                    ("w:ascii", LATIN),
                    ("w:hAnsi", LATIN),
                    ("w:eastAsia", FANGSONG),
                    ("w:cs", LATIN),
                ):
                    fonts.set(qn(key), value)
        # Chinese as the document's East Asian language (line breaking, punctuation).
        lang = parse_xml(f'<w:lang {nsdecls("w")} w:val="en-US" w:eastAsia="zh-CN"/>')
        normal_rpr = normal.element.get_or_add_rPr()
        old = normal_rpr.find(qn("w:lang"))
        if old is not None:
            normal_rpr.remove(old)
        normal_rpr.append(lang)

    def _fonts(self) -> None:
        """The font table with each font's alternative, charset and class."""
        part = next(
            p for p in self.doc.part.package.iter_parts() if p.partname == "/word/fontTable.xml"
        )
        entries = "".join(
            f'<w:font w:name="{f.name}"><w:altName w:val="{f.alt}"/>'
            f'<w:panose1 w:val="{f.panose}"/><w:charset w:val="86"/>'
            f'<w:family w:val="{f.family}"/><w:pitch w:val="{f.pitch}"/></w:font>'
            for f in FONT_TABLE
        )
        blob = part.blob.decode("utf-8")
        part._blob = blob.replace("</w:fonts>", entries + "</w:fonts>").encode("utf-8")

    def _page(self, section: Any, *, landscape: bool) -> None:
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = PAGE_HEIGHT, PAGE_WIDTH
            # The sheet turned: the binding edge (left) is now at the top.
            section.top_margin, section.bottom_margin = MARGIN_LEFT, MARGIN_RIGHT
            section.left_margin, section.right_margin = MARGIN_TOP, MARGIN_BOTTOM
        else:
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
            section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
            section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
        section.header_distance = Mm(15)
        section.footer_distance = Mm(21)  # the page number 7 mm below the type area

    def _page_numbers(self) -> None:
        """ "— 1 —" in 4号 宋体: odd pages on the right, even pages on the left."""
        self.doc.settings.odd_and_even_pages_header_footer = True
        section = self.doc.sections[0]
        for footer, align, indent in (
            (section.footer, "right", "w:right"),
            (section.even_page_footer, "left", "w:left"),
        ):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0]._p
            run = _rpr(SONGTI, SIZE_4)
            field = (
                f'<w:r>{run}<w:t xml:space="preserve">— </w:t></w:r>'
                f'<w:r>{run}<w:fldChar w:fldCharType="begin"/></w:r>'
                f'<w:r>{run}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
                f'<w:r>{run}<w:fldChar w:fldCharType="separate"/></w:r>'
                f"<w:r>{run}<w:t>1</w:t></w:r>"
                f'<w:r>{run}<w:fldChar w:fldCharType="end"/></w:r>'
                f'<w:r>{run}<w:t xml:space="preserve"> —</w:t></w:r>'
            )
            xml = (
                f'<w:p {nsdecls("w")}><w:pPr><w:spacing w:line="240" w:lineRule="auto"/>'
                f'<w:ind {indent}="{SIZE_4 * 20}"/><w:jc w:val="{align}"/></w:pPr>{field}</w:p>'
            )
            p.addnext(parse_xml(xml))
            p.getparent().remove(p)

    def _orientation(self, landscape: bool) -> None:
        """Continue on a new section of the given orientation when it differs."""
        if landscape == self._landscape:
            return
        body = self.doc.element.body
        if len(body) <= 1:  # nothing written yet: turn the first section
            self._page(self.doc.sections[0], landscape=landscape)
        else:
            self._page(self.doc.add_section(WD_SECTION.NEW_PAGE), landscape=landscape)
        self._landscape = landscape

    # --- content -------------------------------------------------------------------------
    def _paragraph(
        self,
        text: str,
        font: str,
        size: float,
        *,
        bold: bool = False,
        align: str | None = None,
        indent_chars: float = 0,
        right_chars: float = 0,
        exact: bool = True,
        color: str | None = None,
        space_after_pt: float = 0,
    ) -> Any:
        p = self.doc.add_paragraph()
        fmt = p.paragraph_format
        if align == "center":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif align == "right":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif align == "justify":
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent_chars:
            fmt.first_line_indent = Pt(size * indent_chars)
        if right_chars:
            fmt.right_indent = Pt(SIZE_3 * right_chars)
        if not exact:
            fmt.line_spacing = 1.0
        if space_after_pt:
            fmt.space_after = Pt(space_after_pt)
        run = p.add_run(text)
        set_run_font(run, font, size, bold=bold)
        if color:
            run.font.color.rgb = RGBColor.from_string(color)
        return p

    def portrait(self) -> None:
        """Go back to portrait pages (a new section) after a landscape table; text after
        a landscape table does so by itself."""
        self._orientation(False)

    def title(self, text: str) -> Any:
        """The title: 2号 小标宋, centred, with a blank line below."""
        self.portrait()
        p = self._paragraph(text, XIAOBIAOSONG, SIZE_2, align="center", exact=False)
        p.paragraph_format.line_spacing = Pt(35)
        p.paragraph_format.space_after = LINE_PITCH
        return p

    def subtitle(self, text: str) -> Any:
        """A line under the title (a version, a period): 3号 楷体, centred."""
        self.portrait()
        return self._paragraph(text, KAITI, SIZE_3, align="center")

    def _heading(self, text: str, level: int = 1) -> Any:
        font, bold = {1: (HEITI, False), 2: (KAITI, False)}.get(level, (FANGSONG, True))
        p = self._paragraph(text, font, SIZE_3, bold=bold, indent_chars=2)
        p.paragraph_format.keep_with_next = True
        return p

    def heading(self, text: str, level: int = 1) -> Any:
        """一、 in 3号 黑体; （一） in 3号 楷体; 1. in 3号 仿宋 bold; indented two
        characters as the body."""
        self.portrait()
        return self._heading(text, level)

    def paragraph(self, text: str) -> Any:
        """Body text: 3号 仿宋, first line indented two characters, justified."""
        self.portrait()
        return self._paragraph(text, FANGSONG, SIZE_3, align="justify", indent_chars=2)

    def note(self, text: str, *, align: str = "center") -> Any:
        """A line of 3号 仿宋 without indent (centred by default)."""
        self.portrait()
        return self._paragraph(text, FANGSONG, SIZE_3, align=align)

    def blank(self) -> Any:
        self.portrait()
        return self._paragraph("", FANGSONG, SIZE_3)

    def signature(self, issuer: str, day: Any) -> None:
        """发文机关署名 and 成文日期 as the standard sets them for a document without a
        seal: one blank line after the body; the issuer two characters in from the
        right; the date below it, its first character two to the right of the issuer's
        (when the date is the longer, the date sits two in and the issuer moves left)."""
        date = formats.cn_date(day) if day else ""
        issuer_em, date_em = text_em(issuer), text_em(date)
        issuer_right = 2 + date_em + 2 - issuer_em
        date_right = 2.0
        if issuer_right < 2:
            issuer_right = 2
            date_right = max(2 + issuer_em - 2 - date_em, 0)
        self.blank()
        for text, right in ((issuer, issuer_right), (date, date_right)):
            if text:
                self._paragraph(text, FANGSONG, SIZE_3, align="right", right_chars=right)

    def masthead(self, name: str, number: str, issuer: str, day: Any) -> None:
        """The head of a 简报: its name in red 小标宋, the issue number, the issuer on the
        left and the date on the right, above a red rule."""
        self.portrait()
        self._paragraph(name, XIAOBIAOSONG, 36, align="center", exact=False, color="C00000")
        self._paragraph(number, FANGSONG, SIZE_3, align="center")
        date = formats.cn_date(day) if day else ""
        p = self.doc.add_paragraph()
        fmt = p.paragraph_format
        fmt.tab_stops.add_tab_stop(Pt(TEXT_WIDTH_PT), alignment=WD_TAB_ALIGNMENT.RIGHT)
        for text in (issuer, "\t", date):
            set_run_font(p.add_run(text), FANGSONG, SIZE_3)
        ppr = p._p.get_or_add_pPr()
        ppr.append(
            parse_xml(
                f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="18" w:space="4" '
                'w:color="C00000"/></w:pBdr>'
            )
        )
        fmt.space_after = LINE_PITCH

    # --- tables --------------------------------------------------------------------------
    def table(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        caption: str | None = None,
        key_columns: int = 1,
        bands: Sequence[Sequence[int]] | None = None,
        empty: str = "（无）",
    ) -> None:
        """``rows`` under ``headers``, after its ``caption`` (a heading). Wide tables go
        landscape; too wide for that, they are cut into parts repeating the first
        ``key_columns`` columns, keeping each of ``bands`` (groups of column indexes,
        e.g. an indicator's target, done and rate) in one part."""
        rows = [list(r) for r in rows]
        headers = [str(h) for h in headers]
        for size, landscape in (
            (SIZE_SMALL_4, False),
            (SIZE_5, False),
            (SIZE_SMALL_4, True),
            (SIZE_5, True),
        ):
            columns = measure(headers, rows, size)
            available = LANDSCAPE_TEXT_WIDTH_PT if landscape else TEXT_WIDTH_PT
            if sum(c.min_pt for c in columns) <= available:
                self._orientation(landscape)
                if caption:
                    self._heading(caption)
                self._table(headers, rows, columns, size, available)
                if not rows:
                    self._paragraph(empty, FANGSONG, SIZE_3, align="center")
                return
        # Too wide even for a landscape page: parts of columns, the key ones in each.
        size, available = SIZE_5, LANDSCAPE_TEXT_WIDTH_PT
        columns = measure(headers, rows, size)
        keys = list(range(min(key_columns, len(headers))))
        rest = bands or [[i] for i in range(len(keys), len(headers))]
        key_width = sum(columns[i].min_pt for i in keys)
        parts: list[list[int]] = []
        for band in rest:
            width = sum(columns[i].min_pt for i in band)
            if parts and key_width + sum(columns[i].min_pt for i in parts[-1]) + width <= available:
                parts[-1].extend(band)
            else:
                parts.append(list(band))
        self._orientation(True)
        for n, part in enumerate(parts):
            chosen = keys + part
            if caption:
                self._heading(caption if n == 0 else f"{caption}（续表{n}）")
            self._table(
                [headers[i] for i in chosen],
                [[row[i] for i in chosen] for row in rows],
                [columns[i] for i in chosen],
                size,
                available,
            )
            if n < len(parts) - 1:
                self._paragraph("", FANGSONG, SIZE_3)
        if not rows:
            self._paragraph(empty, FANGSONG, SIZE_3, align="center")

    def _table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[Any]],
        columns: Sequence[Column],
        size: float,
        available: float,
    ) -> None:
        """The table as one XML string (python-docx's own per-cell calls take seconds for
        the thousands of rows of a city's month)."""
        widths = [round(w * 20) for w in fit(columns, available)]  # twips
        total = sum(widths)
        head_rpr, body_rpr = _rpr(FANGSONG, size, bold=True), _rpr(FANGSONG, size)
        ppr = (
            '<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
            '<w:ind w:firstLine="0" w:left="0" w:right="0"/><w:jc w:val="{}"/></w:pPr>'
        )

        def cell(text: str, width: int, align: str, rpr: str, nowrap: bool) -> str:
            lines = text.split("\n")
            runs = "".join(
                f'<w:r>{rpr}{"<w:br/>" if i else ""}<w:t xml:space="preserve">'
                f"{escape(line)}</w:t></w:r>"
                for i, line in enumerate(lines)
            )
            return (
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
                f'{"<w:noWrap/>" if nowrap else ""}<w:vAlign w:val="center"/></w:tcPr>'
                f"<w:p>{ppr.format(align)}{runs}</w:p></w:tc>"
            )

        head = (
            "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
            + "".join(
                cell(h, w, "center", head_rpr, False) for h, w in zip(headers, widths, strict=True)
            )
            + "</w:tr>"
        )
        body = []
        for row in rows:
            cells = []
            for value, width, column in zip(row, widths, columns, strict=True):
                text = cell_text(value)
                numeric = column.numeric and (is_number(value) or text in EMPTY_MARKS)
                if numeric:
                    align = "right"
                elif column.dates or text in EMPTY_MARKS:
                    align = "center"
                else:
                    align = "left"
                cells.append(cell(text, width, align, body_rpr, numeric or column.dates))
            body.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>" + "".join(cells) + "</w:tr>")
        border = '<w:{} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        borders = "".join(
            border.format(side) for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        xml = (
            f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{total}" w:type="dxa"/>'
            f'<w:jc w:val="center"/><w:tblBorders>{borders}</w:tblBorders>'
            '<w:tblLayout w:type="fixed"/>'
            '<w:tblCellMar><w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
            "</w:tblCellMar>"
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
            'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{head}{''.join(body)}</w:tbl>"
        )
        body_el = self.doc.element.body
        body_el.insert(len(body_el) - 1, parse_xml(xml))  # before the last sectPr

    # --- out -----------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        buffer = BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()
