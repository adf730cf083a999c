"""Template source rules that Django does not check itself."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_template_comment_spans_lines():
    # Django's {# … #} ends at the end of its line; one that goes on is printed on the page
    # as text (a comment in base.html once showed at the top of every page).
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in ROOT.rglob("*.html")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.count("{#") > line.count("#}")
    ]
    assert found == [], "多行注释须用 {% comment %}：" + "、".join(found)


def test_pages_show_no_template_syntax(demo, client_for):
    html = client_for("office_staff").get("/").content.decode()
    assert "{#" not in html and "{%" not in html
