"""Every page of the access sweep, parsed: no element id twice on a page (a label's
``for`` and a script's getElementById find the first only), no empty choice reading
"---------", and the list filters keep
one convention (``common/templatetags/zs_ui.py``): the htmx answer is the region the form
swaps, not a copy of the form, and says it varies with HX-Request."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from zhaoshang.tests.test_access_sweep import TABLE

# The office clerk opens most pages; department and administrator pages need their own.
READERS = ("office_staff", "department_staff", "system_admin", "security_admin", "audit_admin")


class Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.seen, self.twice = set(), []
        self.filters = []  # (hx-target) of each list filter form

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        element_id = attrs.get("id")
        if element_id:
            if element_id in self.seen:
                self.twice.append(element_id)
            self.seen.add(element_id)
        if tag == "form" and "data-zs-filter" in attrs:
            self.filters.append(attrs)


def parsed(html):
    p = Ids()
    p.feed(html)
    p.close()
    return p


def pages(demo, clients):
    """(persona, url, response) of every page a reader gets as HTML."""
    for name, row in TABLE.items():
        if row is None:
            continue
        make_kwargs, _, _ = row
        url = reverse(name, kwargs=make_kwargs(demo) if make_kwargs else None)
        for role, c in clients.items():
            response = c.get(url)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                yield role, url, response


@pytest.mark.usefixtures("demo_district")  # a record of every kind to open, as the sweep
def test_no_id_twice_on_any_page_and_one_filter_convention(demo, client_for):
    clients = {role: client_for(role) for role in READERS}
    duplicates, filters, checked, dashes = [], [], set(), []
    for role, url, response in pages(demo, clients):
        checked.add(url)
        html = response.content.decode()
        page = parsed(html)
        if page.twice:
            duplicates.append(f"{role} {url}：{sorted(set(page.twice))}")
        # Empty choices read 请选择 on every form (common/forms.py), never Django's dashes.
        if re.search(r"<option[^>]*>\s*-{3,}\s*</option>", html):
            dashes.append(f"{role} {url}")
        for form in page.filters:
            filters.append((role, url, form))
    assert len(checked) > 60, f"只检查了 {len(checked)} 个页面"
    assert not duplicates, "页面中有重复的元素 id：\n" + "\n".join(duplicates)
    assert not dashes, "下拉框的空选项应为“请选择”：\n" + "\n".join(dashes)

    # Every htmx list filter: one trigger, swapping a region outside itself, URL pushed.
    assert len({u for _, u, _ in filters}) >= 8
    wrong = []
    for role, url, form in filters:
        target = form["hx-target"].lstrip("#")
        if (form["hx-trigger"], form["hx-swap"], form["hx-push-url"]) != (
            "submit",
            "outerHTML",
            "true",
        ):
            wrong.append(f"{url}：{form}")
            continue
        answer = clients[role].get(form["hx-get"], headers={"HX-Request": "true"})
        fragment = answer.content.decode().strip()
        root = re.match(r'<div id="([^"]+)"', fragment)
        if not root or root.group(1) != target or "data-zs-filter" in fragment:
            wrong.append(f"{url}：htmx 应答应为 #{target} 区域本身：{fragment[:80]}")
        if "HX-Request" not in answer.get("Vary", ""):
            wrong.append(f"{url}：应答未声明 Vary: HX-Request")
        if parsed(fragment).twice:
            wrong.append(f"{url}：htmx 应答中有重复 id")
    assert not wrong, "\n".join(wrong)
