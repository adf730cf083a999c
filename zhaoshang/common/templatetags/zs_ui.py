"""The list pages' one convention for htmx filters (``{% load zs_ui %}``).

``{% list_filter url %}…fields…{% endlist_filter %}`` renders the filter form: a GET
form that still works without scripts, whose htmx request replaces the ``#results``
region beside it (outerHTML, so the answer's own ``<div id="results">`` takes its place
instead of nesting inside it), pushes the URL (back and refresh keep the filter) and
fires on one event only: ``submit``. A select, date or checkbox that changes asks the
form to submit (``static/zs/app.js``); a text box submits on Enter as any form does.
Listening to ``change`` as well sent the same search twice on Enter.

``{% export_link %}`` is the 导出Excel button for the current filter. The results
partial repeats it with ``{% export_link oob=True %}``: on an htmx answer the button in
the page header is swapped out of band, so the file follows the filter just applied."""

from django import template
from django.template.base import token_kwargs
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

register = template.Library()

# Parameters of paging, not of the filter: an export is always the whole filtered list.
NOT_FILTERS = frozenset({"page", "after", "export"})


def filter_query(request):
    """The current filter as a query string (paging and the export flag left out)."""
    return urlencode(
        [(k, v) for k, values in request.GET.lists() if k not in NOT_FILTERS for v in values]
    )


def is_fragment(request):
    """Whether a list answers with its results region alone: an htmx request, but not
    htmx restoring a page of the history it no longer holds (that needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


class ListFilterNode(template.Node):
    def __init__(self, url, target, nodelist):
        self.url, self.target, self.nodelist = url, target, nodelist

    def render(self, context):
        url = self.url.resolve(context)
        target = self.target.resolve(context) if self.target else "results"
        return format_html(
            '<form class="zs-filter row g-2" method="get" action="{url}" hx-get="{url}"'
            ' hx-target="#{target}" hx-swap="outerHTML" hx-trigger="submit"'
            ' hx-sync="this:replace" hx-push-url="true" data-zs-filter>{fields}'
            '<div class="col-auto"><button class="btn btn-primary" type="submit">查询</button>'
            "</div></form>",
            url=url,
            target=target,
            fields=self.nodelist.render(context),
        )


@register.tag
def list_filter(parser, token):
    """``{% list_filter url [target="board"] %}`` … ``{% endlist_filter %}``."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("list_filter 需要列表地址：{% list_filter url %}")
    url = parser.compile_filter(bits[1])
    kwargs = token_kwargs(bits[2:], parser)
    if set(kwargs) - {"target"} or len(bits) - 2 != len(kwargs):
        raise template.TemplateSyntaxError("list_filter 只接受 target=…")
    nodelist = parser.parse(("endlist_filter",))
    parser.delete_first_token()
    return ListFilterNode(url, kwargs.get("target"), nodelist)


@register.simple_tag(takes_context=True)
def export_link(context, oob=False):
    request = context["request"]
    if oob and not is_fragment(request):
        return ""
    query = filter_query(request)
    return format_html(
        '<a id="zs-export" class="btn btn-outline-secondary btn-sm" href="?{query}"{oob}>'
        '<i class="bi bi-file-earmark-excel"></i> 导出Excel</a>',
        query=f"{query}&export=xlsx" if query else "export=xlsx",
        oob=mark_safe(' hx-swap-oob="true"') if oob else "",
    )


@register.filter
def bar(percent):
    """The class that sets a progress bar's width: ``zs-pct-0`` … ``zs-pct-100`` (app.css),
    for a percentage that may be above 100 (a target exceeded) or not a whole number.
    A class, not a style attribute: the content policy allows no inline styles."""
    try:
        value = round(float(percent))
    except (TypeError, ValueError):
        value = 0
    return f"zs-pct-{min(max(value, 0), 100)}"
