"""Every Word document the system writes (the monthly report, the bulletin, the
supervision notice, the dispatch pack, the assessment bulletin and annual report) as its
reader sees it: converted by LibreOffice to PDF, each page A4 with its page number,
every figure of every table whole on one line, the fonts GB/T 9704 names, all embedded.
(The .xlsx: test_issue_exports.py.)"""

import copy
import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.common import formats
from zhaoshang.tests import documents

RATES = {"rate", "yoy", "mom", "share"}


def _scaled(data, factor=10000):
    """The report with every amount and count ``factor`` times larger (a city's month, the
    widest figures a table must hold); rates, ranks and dates as they are."""

    def walk(value, key=None):
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if key in RATES or key in ("rank", "year", "month"):
            return value
        if isinstance(value, Decimal):
            return value * factor
        if isinstance(value, int) and not isinstance(value, bool):
            return value * 100
        return value

    return walk(copy.deepcopy(data))


def _other_documents(users, year, month, after):
    """The other modules' Word documents on the same demo: the supervision office's
    progress notice, the monthly dispatch pack, the demo's issued quarterly assessment
    bulletin and an annual assessment report computed here (the demo issues none)."""
    from zhaoshang.assessment import dispatch, documents, services
    from zhaoshang.assessment.models import Result, Scheme
    from zhaoshang.supervision import notice

    quarter = Result.objects.filter(kind="quarter", status="issued").first()
    scheme = Scheme.objects.order_by("-year", "-version").first()
    annual = Result.objects.create(year=scheme.year, kind="year", period=0, scheme=scheme)
    annual = services.result_run(annual.pk)
    assert quarter is not None and annual.status == Result.Status.READY
    leader = users["leader"]
    return {
        "supervision_notice": notice.notice_docx(
            notice.notice_data(leader, today=after, since=dt.date(after.year, 1, 1))
        ),
        "dispatch": dispatch.dispatch_docx(dispatch.dispatch_pack(year, month)),
        "assessment_quarter": documents.result_docx(quarter),
        "assessment_year": documents.result_docx(annual),
    }


@pytest.mark.django_db(transaction=False)
def test_every_word_document_converts_to_a_pdf_an_office_can_send(demo_district, tmp_path):
    documents.require_libreoffice()
    from zhaoshang.reports.exports import bulletin_docx_bytes, docx_bytes
    from zhaoshang.reports.models import Bulletin
    from zhaoshang.reports.monthly import monthly_report

    # The demo's issued bulletin and the monthly report of the same month.
    bulletin = Bulletin.objects.filter(kind="month").order_by("-year", "-period").first()
    year, month = bulletin.year, bulletin.period
    after = dt.date(year + month // 12, month % 12 + 1, 15)
    data = monthly_report(year, month, today=after)
    issued_on = dt.date(after.year, after.month, 5)
    docs = {
        "monthly": docx_bytes(data, issued_on=issued_on),
        "monthly_city": docx_bytes(_scaled(data), issued_on=issued_on, version=2),
        "bulletin": bulletin_docx_bytes(bulletin),
        **_other_documents(demo_district, year, month, after),
    }
    pdfs = documents.convert(docs, tmp_path)
    read = {name: documents.read_pdf(path) for name, path in pdfs.items()}
    found = {name: documents.problems(docs[name], pdf) for name, pdf in read.items()}
    assert found == {name: [] for name in docs}

    def flat(text):  # pdftotext spaces Chinese from digits: "2026 年 11 月"
        return "".join(text.split())

    for name in ("monthly", "monthly_city"):
        pdf = read[name]
        assert data["title"] in flat(pdf.text[0])
        # The by-unit table (17 columns) on landscape pages; the title page portrait.
        width, height = pdf.pages[0]
        assert width < height
        unit_pages = [n for n, text in enumerate(pdf.text) if "分单位完成情况" in text]
        assert unit_pages and all(pdf.pages[n][0] > pdf.pages[n][1] for n in unit_pages)
        # Signed at the end by the issuer, dated in full.
        assert formats.cn_date(issued_on) in flat(pdf.text[-1])
    assert "招商工作简报" in read["bulletin"].text[0]
    # Every figure of the widest report is on a page; its header rows repeat.
    assert sum("分单位完成情况" in t for t in read["monthly_city"].text) >= 2
    print({name: (len(pdf.pages), pdf.fonts) for name, pdf in read.items()})
