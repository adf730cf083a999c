"""Template source rules that Django does not check itself."""

import re
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


# The content policy allows styles from our stylesheets only (no 'unsafe-inline'): a style
# attribute or a <style> element would be ignored by the browser, and the page would lose
# its layout without an error anywhere but the browser's console.
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^<>]*\sstyle\s*=", re.S)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)
# An inline script runs only with the request's nonce; a data block (json_script) is inert.
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\ssrc=)(?![^>]*\snonce=)(?![^>]*application/json)[^>]*>"
)


def test_no_inline_styles_or_scripts_in_templates():
    found = []
    for path in ROOT.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern, what in (
            (STYLE_ATTRIBUTE, "style 属性"),
            (STYLE_ELEMENT, "<style> 元素"),
            (INLINE_SCRIPT, "无 nonce 的内联脚本"),
        ):
            for m in pattern.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line} {what}")
    assert found == [], "样式须写入 static/zs/app.css：\n" + "\n".join(found)


def test_the_policy_allows_no_inline_styles(demo, client_for):
    for url in ("/login/", "/", "/pipeline/", "/reports/dashboard/"):
        response = client_for("office_staff").get(url)
        policy = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["style-src"] == "'self'", (url, policy)
        assert "unsafe-inline" not in policy, (url, policy)


def test_the_bar_filter_gives_a_width_class_for_any_percentage():
    from zhaoshang.common.templatetags.zs_ui import bar

    assert [bar(v) for v in (0, 37.4, 37.6, "55", 100, 260, -3, None, "")] == [
        "zs-pct-0",
        "zs-pct-37",
        "zs-pct-38",
        "zs-pct-55",
        "zs-pct-100",
        "zs-pct-100",
        "zs-pct-0",
        "zs-pct-0",
        "zs-pct-0",
    ]
    css = (ROOT / "static" / "zs" / "app.css").read_text(encoding="utf-8")
    assert all(f".zs-pct-{i} {{ width: {i}%; }}" in css for i in range(101))
