"""Reading a Word document the way its reader will: converted to PDF by LibreOffice
(Debian's package, headless; scripts/ensure_libreoffice.sh installs it) and read back with
poppler's pdfinfo, pdftotext and pdffonts. A module's test hands its documents to
``convert`` (all in one soffice run: it starts in seconds, converts in fractions of one)
and checks each with ``problems``; an empty list is a document an office can send."""

import os
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import pytest

from zhaoshang.common import officialdoc

TOOLS = ("soffice", "pdfinfo", "pdftotext", "pdffonts")
A4 = (595.3, 841.9)  # points
# A figure as a table prints it; a figure cut across two lines reads as two of these.
FIGURE = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?%?")
EAST_ASIA = re.compile(r'<w:rFonts [^>]*w:eastAsia="([^"]+)"')
REQUESTED_FONTS = {
    officialdoc.FANGSONG,
    officialdoc.KAITI,
    officialdoc.HEITI,
    officialdoc.SONGTI,
    officialdoc.XIAOBIAOSONG,
}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def require_libreoffice():
    """Skip (or, with CI=true, fail) when LibreOffice or poppler is missing, as the
    browser tests do for chromium."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(
            f"CI 要求运行文档转换测试，但未找到 {'、'.join(missing)}"
            "（scripts/ensure_libreoffice.sh 应已安装）"
        )
    pytest.skip(
        f"未安装 {'、'.join(missing)}，跳过文档转换测试（运行 scripts/ensure_libreoffice.sh 安装）"
    )


def convert(documents, workdir):
    """{name: .docx bytes} → {name: PDF path}, in one LibreOffice run with its own
    profile and HOME under ``workdir`` (LibreOffice writes both)."""
    workdir = Path(workdir)
    source, out, home = workdir / "docx", workdir / "pdf", workdir / "home"
    for d in (source, out, home):
        d.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in documents.items():
        path = source / f"{name}.docx"
        path.write_bytes(content)
        paths.append(str(path))
    env = dict(os.environ, HOME=str(home))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{home}/profile",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *paths,
        ],
        check=True,
        capture_output=True,
        env=env,
        timeout=300,
    )
    return {name: out / f"{name}.pdf" for name in documents}


def _run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout


@dataclass
class Pdf:
    pages: list  # (width, height) in points, per page
    text: list  # each page's text, laid out (pdftotext -layout)
    fonts: list = field(default_factory=list)  # (name, embedded)


def read_pdf(path):
    info = _run("pdfinfo", "-f", "1", "-l", "9999", str(path))
    pages = [
        (float(m.group(1)), float(m.group(2)))
        for m in re.finditer(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    ]
    text = _run("pdftotext", "-layout", str(path), "-").split("\f")[: len(pages)]
    fonts = []
    for line in _run("pdffonts", str(path)).splitlines()[2:]:
        parts = line.split()
        # name type... encoding emb sub uni object ID: emb is the 5th field from the end
        if len(parts) >= 6:
            fonts.append((parts[0], parts[-5] == "yes"))
    return Pdf(pages, text, fonts)


def is_a4(size):
    w, h = sorted(size)
    return abs(w - A4[0]) < 2 and abs(h - A4[1]) < 2


def table_figures(content):
    """Every figure in the document's table cells, counted: "1,170,800.00" twice …"""
    from docx import Document

    doc = Document(BytesIO(content))
    found = Counter()
    for table in doc.tables:
        for tr in table._tbl.tr_lst:
            for tc in tr.tc_lst:
                text = "".join(t.text or "" for t in tc.iter(f"{W}t"))
                found.update(FIGURE.findall(text))
    return found


def fonts_requested(content):
    """The East Asian font names the document asks for (its text, styles, defaults)."""
    archive = zipfile.ZipFile(BytesIO(content))
    names = set()
    for part in ("word/document.xml", "word/styles.xml", "word/footer1.xml"):
        if part in archive.namelist():
            names |= set(EAST_ASIA.findall(archive.read(part).decode("utf-8")))
    return names


def problems(content, pdf):
    """What keeps the document from going out as it is; empty when nothing does."""
    out = []
    if not pdf.pages:
        out.append("PDF 没有页面")
    for n, size in enumerate(pdf.pages, start=1):
        if not is_a4(size):
            out.append(f"第{n}页不是 A4：{size}")
    for n, text in enumerate(pdf.text, start=1):
        # The page number as the standard prints it: "— n —".
        if not re.search(rf"—\s*{n}\s*—", text):
            out.append(f"第{n}页没有页码“— {n} —”")
    printed = Counter()
    for text in pdf.text:
        for line in text.splitlines():
            printed.update(FIGURE.findall(line))
    for figure, count in table_figures(content).items():
        if printed[figure] < count:
            out.append(
                f"表中数字“{figure}”未完整印在一行（{count} 处，PDF 中 {printed[figure]} 处）"
            )
    requested = fonts_requested(content)
    if not requested or not requested <= REQUESTED_FONTS:
        out.append(f"文档所用字体不在规定之列：{sorted(requested - REQUESTED_FONTS)}")
    not_embedded = [name for name, embedded in pdf.fonts if not embedded]
    if not_embedded:
        out.append(f"PDF 未嵌入字体：{not_embedded}")
    return out
