import html

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record
from zhaoshang.common import exports
from zhaoshang.common.views import form_errors_to, is_fragment, render_list
from zhaoshang.org import roles
from zhaoshang.org.access import require
from zhaoshang.org.models import Department
from zhaoshang.reference.models import EconomicArea, KeyIndustry

from . import queries, services
from .forms import ContactForm, EnterpriseForm, FormerNameForm, RankingForm, amount_text
from .models import Ownership, RankingKind, Status, Tag

VIEW = roles.VIEW_ENTERPRISES
PROMOTING_UNITS = ["office", "department", "street", "zone"]
MANAGE = roles.MANAGE_ENTERPRISES
FILTERS = (
    "q",
    "industry",
    "key_industry",
    "region",
    "area",
    "ranking",
    "tag",
    "ownership",
    "listed",
    "department",
    "status",
)


def _filter_choices():
    """The filter lists (tags, key industries, areas, units): reference data, kept a
    minute in the cache so a list page does not spend four queries on them."""
    choices = cache.get("zs:enterprise-filters")
    if choices is None:
        units = Department.objects.filter(is_active=True, kind__in=PROMOTING_UNITS)
        choices = {
            "tags": list(Tag.objects.values_list("pk", "name")),
            "key_industries": list(KeyIndustry.objects.values_list("pk", "name")),
            "areas": list(EconomicArea.objects.values_list("code", "name")),
            "departments": list(units.values_list("pk", "name")),
        }
        cache.set("zs:enterprise-filters", choices, 60)
    return choices


def _options(blank, choices, selected, label_format="{}"):
    """A filter's <option>s in one piece: a list page has some sixty of them, and a
    template loop comparing each against the request costs more than the search."""
    parts = [f'<option value="">{html.escape(blank)}</option>'] if blank is not None else []
    for value, label in choices:
        value = str(value)
        mark = " selected" if value == selected else ""
        text = html.escape(label_format.format(label))
        parts.append(f'<option value="{html.escape(value)}"{mark}>{text}</option>')
    return mark_safe("".join(parts))  # noqa: S308 - every value and label escaped above


def _filter_selects(filters, sort):
    c = _filter_choices()
    return {
        "key_industry": _options("全部重点产业", c["key_industries"], filters["key_industry"]),
        "ranking": _options("全部榜单", RankingKind.choices, filters["ranking"]),
        "ownership": _options("全部企业性质", Ownership.choices, filters["ownership"]),
        "area": _options("全部来源区域", c["areas"], filters["area"]),
        "tag": _options("全部标签", c["tags"], filters["tag"]),
        "status": _options("目标与已落地", Status.choices, filters["status"]),
        "listed": _options("是否上市", [("1", "上市企业"), ("0", "非上市")], filters["listed"]),
        "department": _options("全部跟进单位", c["departments"], filters["department"]),
        "sort": _options(
            None, [(k, v[0]) for k, v in queries.SORTS.items()], sort, label_format="按{}排序"
        ),
    }


def _library_page_context(request):
    filters = {k: request.GET.get(k, "").strip() for k in FILTERS}
    qs = queries.apply_filters(queries.library(request.user), filters)
    error = None
    try:
        qs = queries.apply_search(qs, filters["q"])
    except queries.SearchTooShort as exc:
        error, qs = str(exc), qs.none()
    return filters, qs, error


@require(VIEW)
def enterprise_list(request):
    filters, qs, error = _library_page_context(request)
    sort = request.GET.get("sort") or queries.default_sort(filters["q"])
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "enterprises.library", request.GET)
    page = queries.page(queries.for_list_page(qs), sort=sort, cursor=request.GET.get("after"))
    query = request.GET.copy()
    query.pop("after", None)
    context = {
        "page": page,
        "rows": queries.list_rows(page.rows),
        "filters": filters,
        "error": error,
        "querystring": query.urlencode(),
    }
    if not is_fragment(request):  # the filter's own answer leaves the filter as it is
        context["selects"] = _filter_selects(filters, page.sort)
    return render_list(request, "enterprises/enterprise_list.html", context)


@exports.register("enterprises.library", object_type="enterprises.enterprise")
def enterprise_table(user, params):
    """The filtered library as .xlsx; contacts appear in full only where the user may
    see them, masked elsewhere."""
    filters = {k: params.get(k, "") for k in FILTERS}
    qs = queries.apply_filters(queries.library(user), filters)
    try:
        qs = queries.apply_search(qs, filters["q"])
    except queries.SearchTooShort:
        qs = qs.none()
    batch_size = 2000

    def batches():
        batch = []
        for e in (
            queries.with_list_relations(qs)
            .prefetch_related("contacts", "key_industries")
            .order_by("-id")
            .iterator(chunk_size=batch_size)
        ):
            batch.append(e)
            if len(batch) == batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def rows():
        # Whose contacts the user may read, a batch at a time (the file can be long).
        for batch in batches():
            visible = queries.confidential_ids(user, [e.pk for e in batch])
            for e in batch:
                yield e, e.pk in visible

    def contact(e, visible):
        people = list(e.contacts.all())
        if visible:
            return "；".join(f"{c.name} {c.phone}".strip() for c in people)
        return "；".join(
            f"{queries.mask_name(c.name)} {queries.mask_phone(c.phone)}".strip() for c in people
        )

    return exports.Table(
        "企业库",
        [
            (
                "企业",
                [
                    "企业名称",
                    "统一社会信用代码",
                    "法定代表人",
                    "注册资本",
                    "成立日期",
                    "企业性质",
                    "上市交易所",
                    "股票代码",
                    "总部所在地",
                    "重点产业",
                    "榜单",
                    "标签",
                    "状态",
                    "跟进单位",
                    "联系人",
                ],
                (
                    [
                        e.name,
                        e.credit_code or "",
                        e.legal_representative,
                        # As offices write it ("5000万元", "500万美元"): it imports back.
                        amount_text(e.registered_capital, e.registered_currency),
                        e.founded_on,
                        e.get_ownership_display(),
                        e.listing_exchange,
                        e.stock_code,
                        e.hq_region.name if e.hq_region else "",
                        "、".join(k.name for k in e.key_industries.all()),
                        "、".join(str(r) for r in e.rankings.all()),
                        "、".join(t.name for t in e.tags.all()),
                        e.get_status_display(),
                        e.department.name if e.department else "",
                        contact(e, visible),
                    ]
                    for e, visible in rows()
                ),
            )
        ],
        count=qs.count(),
    )


def _get(request, pk):
    return get_object_or_404(
        queries.library(request.user).select_related("hq_region", "department"), pk=pk
    )


def _may_edit(user, enterprise):
    return user.has_perm(MANAGE) and (
        enterprise.department_id is None or queries.may_see_confidential(user, enterprise)
    )


@require(VIEW)
def enterprise_detail(request, pk):
    enterprise = _get(request, pk)
    confidential = queries.may_see_confidential(request.user, enterprise)
    contacts = list(queries.contacts_for(request.user, enterprise)) if confidential else []
    if confidential and (contacts or enterprise.notes):
        # Reading a confidential record is logged.
        audit_record(
            AuditEvent.Action.VIEW,
            actor=request.user,
            obj=enterprise,
            detail="查阅联系人与跟进备注",
        )
    history = AuditEvent.objects.filter(
        object_type="enterprises.enterprise", object_id=str(enterprise.pk)
    )[:50]
    context = {
        "e": enterprise,
        "confidential": confidential,
        "contacts": contacts,
        "hidden_contacts": 0 if confidential else enterprise.contacts.count(),
        "history": history,
        # Confidential values never reach a reader through the change history either.
        "hidden_fields": "" if confidential else "notes,联系人",
        "may_edit": _may_edit(request.user, enterprise),
        # Its projects, as far as the reader's data scope goes.
        "projects": _projects_of(request.user, enterprise),
        "contact_form": ContactForm(),
        "ranking_form": RankingForm(),
        "former_form": FormerNameForm(),
        "duplicates": services.find_duplicates(enterprise.name, exclude=enterprise.pk)[:5]
        if request.user.has_perm(roles.MERGE_ENTERPRISES)
        else [],
    }
    return render(request, "enterprises/enterprise_detail.html", context)


def _projects_of(user, enterprise):
    from zhaoshang.pipeline.models import Project

    if not user.has_perm(roles.VIEW_PIPELINE):
        return []
    return list(
        Project.objects.for_user(user)
        .filter(enterprise=enterprise)
        .select_related("department")
        .order_by("-id")[:50]
    )


@require(MANAGE)
def enterprise_edit(request, pk=None):
    enterprise = _get(request, pk) if pk else None
    if enterprise is not None and not _may_edit(request.user, enterprise):
        raise PermissionDenied("该企业由其他单位跟进，您不能修改。")
    initial = {} if enterprise else {"department": request.user.department_id}
    form = EnterpriseForm(request.POST or None, instance=enterprise, initial=initial)
    candidates = []
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            if enterprise is None:
                enterprise = services.enterprise_create(
                    actor=request.user,
                    data=data,
                    confirm_duplicates=form.cleaned_data.get("confirm_duplicates"),
                )
            else:
                services.enterprise_update(
                    actor=request.user,
                    enterprise=enterprise,
                    data=data,
                    version=form.cleaned_data["version"],
                )
        except services.DuplicateFound as exc:
            candidates = exc.candidates
            form.add_error("confirm_duplicates", "请先核对下列疑似重复企业。")
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, f"企业“{enterprise.name}”已保存。")
            return redirect("enterprises:enterprise_detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/enterprise_form.html",
        {"form": form, "e": enterprise, "candidates": candidates},
    )


@require(VIEW)
def duplicate_check(request):
    """As the clerk types a name or code: the likely duplicates (an htmx fragment)."""
    name = request.GET.get("name", "").strip()
    try:
        code = services.clean_credit_code(request.GET.get("credit_code"))
    except ValidationError:
        code = None
    candidates = services.find_duplicates(name, code) if len(name) >= 2 or code else []
    return render(
        request,
        "enterprises/duplicate_candidates.html",
        {"candidates": candidates, "confirm": EnterpriseForm()["confirm_duplicates"]},
    )


def _sub_form(request, pk, form_class, apply, done):
    enterprise = _get(request, pk)
    if not _may_edit(request.user, enterprise):
        raise PermissionDenied("该企业由其他单位跟进，您不能修改。")
    form = form_class(request.POST)
    if form.is_valid():
        try:
            apply(enterprise, form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, done)
    else:
        messages.error(
            request,
            "；".join(f"{form.fields[f].label}：{'，'.join(e)}" for f, e in form.errors.items()),
        )
    return redirect("enterprises:enterprise_detail", pk=enterprise.pk)


@require(MANAGE)
@require_POST
def contact_add(request, pk):
    return _sub_form(
        request,
        pk,
        ContactForm,
        lambda e, d: services.contact_add(actor=request.user, enterprise=e, data=d),
        "联系人已添加。",
    )


@require(MANAGE)
@require_POST
def ranking_add(request, pk):
    return _sub_form(
        request,
        pk,
        RankingForm,
        lambda e, d: services.ranking_set(actor=request.user, enterprise=e, **d),
        "榜单排名已保存。",
    )


@require(MANAGE)
@require_POST
def former_name_add(request, pk):
    return _sub_form(
        request,
        pk,
        FormerNameForm,
        lambda e, d: services.former_name_add(actor=request.user, enterprise=e, name=d["name"]),
        "曾用名已添加。",
    )


@require(roles.MERGE_ENTERPRISES)
def merge(request, pk, other):
    """Side by side, then merge ``other`` into ``pk``."""
    survivor, duplicate = _get(request, pk), _get(request, other)
    if request.method == "POST":
        try:
            services.enterprise_merge(actor=request.user, survivor=survivor, duplicate=duplicate)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已将“{duplicate.name}”合并至“{survivor.name}”。")
            return redirect("enterprises:enterprise_detail", pk=survivor.pk)
    fields = [
        "name",
        "credit_code",
        "legal_representative",
        "registered_capital",
        "founded_on",
        "ownership",
        "hq_region",
        "department",
        "status",
    ]
    rows = [
        (survivor._meta.get_field(f).verbose_name, getattr(survivor, f), getattr(duplicate, f))
        for f in fields
    ]
    return render(
        request,
        "enterprises/merge.html",
        {"survivor": survivor, "duplicate": duplicate, "rows": rows},
    )
