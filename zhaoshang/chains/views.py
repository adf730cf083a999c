"""Industry-chain pages: the chain list, a chain's map (ECharts, data from
``chain_data``) with its links, a link's panel (local enterprises, gap, ranked targets,
"登记线索"), the office's edits (chains, links, copy, placements, weights, import) and
the chain report (page and .xlsx). Thin: reads in queries.py, writes in services.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhaoshang.common import exports
from zhaoshang.common.views import form_errors_to, job_import_detail, job_import_list
from zhaoshang.enterprises.models import Enterprise, Status, Tag
from zhaoshang.enterprises.queries import library
from zhaoshang.org import roles
from zhaoshang.org.access import require
from zhaoshang.pipeline.leads.services import LeadHeld
from zhaoshang.reference.models import EconomicArea

from . import importing, queries, ranking, services
from .forms import ChainForm, CopyForm, LinkForm, PlacementForm, WeightsForm

# Every reader of the enterprise library reads chains; the office edits them.
VIEW = roles.VIEW_ENTERPRISES
MANAGE = roles.MANAGE_CHAINS


def _chain(request, pk):
    return get_object_or_404(queries.readable(request.user), pk=pk)


def _link(request, pk, link_pk):
    chain = _chain(request, pk)
    link = get_object_or_404(queries.links_of(chain), pk=link_pk)
    link.chain = chain
    return chain, link


# --- Chains ------------------------------------------------------------------------------
@require(VIEW)
def chain_list(request):
    return render(
        request,
        "chains/chain_list.html",
        {"rows": queries.chain_rows(request.user), "may_manage": queries.may_manage(request.user)},
    )


@require(MANAGE)
def chain_create(request):
    form = ChainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            chain = services.chain_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, f"已新建产业链“{chain.name}”，请添加环节。")
            return redirect("chains:chain_detail", pk=chain.pk)
    return render(request, "chains/chain_form.html", {"form": form})


@require(MANAGE)
def chain_edit(request, pk):
    chain = _chain(request, pk)
    form = ChainForm(request.POST or None, instance=chain)
    if request.method == "POST" and form.is_valid():
        try:
            services.chain_update(
                actor=request.user,
                chain=chain,
                data=form.cleaned_data,
                version=int(request.POST.get("version") or 0),
            )
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("chains:chain_detail", pk=chain.pk)
    return render(request, "chains/chain_form.html", {"form": form, "chain": chain})


@require(MANAGE)
def chain_copy(request, pk):
    chain = _chain(request, pk)
    form = CopyForm(request.POST or None, initial={"name": f"{chain.name}（副本）"})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.chain_copy(
                actor=request.user, source=chain, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, f"已复制为“{copy.name}”，可在此基础上修改。")
            return redirect("chains:chain_detail", pk=copy.pk)
    return render(request, "chains/chain_copy.html", {"form": form, "chain": chain})


@require_POST
@require(MANAGE)
def chain_delete(request, pk):
    chain = _chain(request, pk)
    try:
        services.chain_delete(actor=request.user, chain=chain)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("chains:chain_detail", pk=pk)
    messages.success(request, f"已删除产业链“{chain.name}”。")
    return redirect("chains:chain_list")


@require_POST
@require(MANAGE)
def chain_recompute(request, pk):
    chain = _chain(request, pk)
    counts = services.placements_recompute(actor=request.user, chain=chain)
    messages.success(
        request,
        f"已按行业代码和关键词重新匹配本地企业：新增{counts['added']}家次，"
        f"移出{counts['dropped']}家次（人工加入和人工移出的保持不变）。",
    )
    return redirect("chains:chain_detail", pk=pk)


@require(VIEW)
def chain_detail(request, pk):
    chain = _chain(request, pk)
    by_chain, year, totals = queries.strengths([chain])
    links = by_chain[chain.pk]
    by_id = {x.id: x for x in links}
    depth: dict[int, int] = {}
    for s in links:
        d, node = 0, s
        while node.parent_id in by_id and d < 50:
            d, node = d + 1, by_id[node.parent_id]
        depth[s.id] = d
    return render(
        request,
        "chains/chain_detail.html",
        {
            "chain": chain,
            "links": [(s, depth[s.id]) for s in _tree_order(links)],
            "year": year,
            "total": totals[chain.pk],
            "may_manage": queries.may_manage(request.user),
            "legend": [(k or "none", label) for k, label in queries.gaps.LABELS.items()],
        },
    )


def _tree_order(links):
    children: dict = {}
    ids = {s.id for s in links}
    for s in links:
        children.setdefault(s.parent_id if s.parent_id in ids else None, []).append(s)
    out = []

    def walk(parent):
        for s in children.get(parent, []):
            out.append(s)
            walk(s.id)

    walk(None)
    return out


@require(VIEW)
def chain_data(request, pk):
    chain = _chain(request, pk)
    data = queries.chain_map(request.user, chain)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


# --- Links -------------------------------------------------------------------------------
def _link_form_page(request, chain, link=None):
    form = LinkForm(request.POST or None, instance=link, chain=chain)
    if request.method == "POST" and form.is_valid():
        try:
            industries = services.parse_industry_codes(form.cleaned_data["industry_codes"])
            saved = services.link_save(
                actor=request.user,
                chain=chain,
                link=link,
                data=form.link_data(),
                industries=industries,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "industries" in exc.error_dict:
                form.add_error("industry_codes", exc.error_dict["industries"])
            else:
                form_errors_to(form, exc)
        else:
            messages.success(request, f"已保存环节“{saved.name}”，并按规则重新匹配了本地企业。")
            return redirect("chains:chain_detail", pk=chain.pk)
    return render(request, "chains/link_form.html", {"form": form, "chain": chain, "link": link})


@require(MANAGE)
def link_create(request, pk):
    return _link_form_page(request, _chain(request, pk))


@require(MANAGE)
def link_edit(request, pk, link_pk):
    chain, link = _link(request, pk, link_pk)
    return _link_form_page(request, chain, link)


@require_POST
@require(MANAGE)
def link_delete(request, pk, link_pk):
    chain, link = _link(request, pk, link_pk)
    try:
        services.link_delete(actor=request.user, link=link)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"已删除环节“{link.name}”。")
    return redirect("chains:chain_detail", pk=chain.pk)


@require(VIEW)
def link_panel(request, pk, link_pk):
    """A link's local enterprises, gap, ranked targets and leads; the map's click loads
    it into the page (htmx), a plain request gets the whole page."""
    chain, link = _link(request, pk, link_pk)
    leads, other_leads = queries.link_leads(request.user, link)
    context = {
        "chain": chain,
        "link": link,
        "strength": queries.link_strength(link),
        # The first 50: a link of a large district holds thousands (the count is above).
        "placements": queries.placements(link)[:50],
        "removed": queries.removed(link) if queries.may_manage(request.user) else [],
        "targets": queries.targets(request.user, link),
        "leads": leads,
        "other_leads": other_leads,
        "may_manage": queries.may_manage(request.user),
        "may_register": request.user.has_perm(roles.MANAGE_PIPELINE),
        "figures": queries.may_see_figures(request.user),
        "placement_form": PlacementForm(),
    }
    if request.htmx:
        return render(request, "chains/link_panel.html#panel", context)
    return render(request, "chains/link_panel.html", context)


@require_POST
@require(MANAGE)
def placement_add(request, pk, link_pk):
    chain, link = _link(request, pk, link_pk)
    form = PlacementForm(request.POST)
    if form.is_valid():
        text = form.cleaned_data["enterprise"].strip()
        found = library(request.user).filter(Q(name=text) | Q(credit_code=text.upper())).first()
        if found is None:
            messages.error(request, f"企业库中没有名称或信用代码为“{text}”的企业。")
        else:
            try:
                services.placement_add(
                    actor=request.user, link=link, enterprise=found, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
            else:
                messages.success(request, f"已将“{found.name}”加入环节“{link.name}”。")
    else:
        messages.error(request, "请填写企业全称或统一社会信用代码。")
    return redirect("chains:link_panel", pk=chain.pk, link_pk=link.pk)


@require_POST
@require(MANAGE)
def placement_remove(request, pk, link_pk):
    chain, link = _link(request, pk, link_pk)
    enterprise = get_object_or_404(
        Enterprise.objects.filter(chain_placements__link=link), pk=request.POST.get("enterprise")
    )
    services.placement_remove(
        actor=request.user, link=link, enterprise=enterprise, note=request.POST.get("note", "")
    )
    messages.success(
        request, f"已将“{enterprise.name}”移出环节“{link.name}”，今后重新匹配也不会再放入。"
    )
    return redirect("chains:link_panel", pk=chain.pk, link_pk=link.pk)


@require_POST
@require(roles.MANAGE_PIPELINE, VIEW)
def target_register(request, pk, link_pk):
    chain, link = _link(request, pk, link_pk)
    enterprise = get_object_or_404(
        library(request.user).filter(status=Status.TARGET), pk=request.POST.get("enterprise")
    )
    try:
        project = services.target_register_lead(
            actor=request.user, link=link, enterprise=enterprise, library=library(request.user)
        )
    except LeadHeld as exc:
        messages.warning(request, exc.messages[0])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request, f"已登记线索“{project.name}”（产业链招商：{chain.name}·{link.name}）。"
        )
        return redirect("pipeline:lead_detail", pk=project.pk)
    return redirect("chains:link_panel", pk=chain.pk, link_pk=link.pk)


# --- Weights -----------------------------------------------------------------------------
@require(MANAGE)
def weights(request):
    form = WeightsForm(
        request.POST or None,
        current=ranking.weights(),
        tags=list(Tag.objects.values_list("name", flat=True)),
        areas=list(EconomicArea.objects.values_list("code", "name")),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.weights_update(actor=request.user, weights=form.weights())
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, "已保存推荐权重，目标企业排序即按新权重计算。")
            return redirect("chains:weights")
    return render(request, "chains/weights.html", {"form": form})


# --- Report ------------------------------------------------------------------------------
def _year(params, today):
    value = str(params.get("year") or "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else today.year


@exports.register("chains.report", object_type="chains.chain")
def report_table(user, params):
    year = _year(params, timezone.localdate())
    chains = queries.chain_filter(user, params.get("chain"))
    rows = queries.report_rows(user, chains, year)
    return exports.Table(
        f"{year}年产业链招商情况表", [("产业链招商", queries.REPORT_HEADERS, rows)], count=len(rows)
    )


@require(VIEW)
def report(request):
    today = timezone.localdate()
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "chains.report", request.GET)
    year = _year(request.GET, today)
    chains = queries.chain_filter(request.user, request.GET.get("chain"))
    return render(
        request,
        "chains/report.html",
        {
            "year": year,
            "years": queries.report_years(today),
            "rows": queries.report_rows(request.user, chains, year),
            "headers": queries.REPORT_HEADERS,
            "chains": queries.readable(request.user),
            "chain_id": request.GET.get("chain", ""),
        },
    )


# --- Import ------------------------------------------------------------------------------
@require(MANAGE)
def import_list(request):
    return job_import_list(request, importing.CHAINS)


@require(MANAGE)
def import_detail(request, pk):
    return job_import_detail(request, importing.CHAINS, pk)
