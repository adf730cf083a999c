"""Project pages: kanban, list and export, the project page as a timeline with its forms,
the overdue ledger, open problems, the funnel and the settings. Views are thin: reads in
queries.py, writes in services.py and workflow.py."""

import datetime as dt
from html import escape

from django.contrib import messages
from django.contrib.auth.context_processors import PermWrapper
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from zhaoshang.common import exports, formats
from zhaoshang.common.views import form_errors_to, render_list
from zhaoshang.org import roles
from zhaoshang.org.access import paginate, require
from zhaoshang.reference.calendar import fallback_notice
from zhaoshang.reference.models import KeyIndustry, Zone

from ..models import FundsEntry, MajorLevel, Method, PipelineConfig, Problem, ProjectMember, Stage
from . import queries, sections, services, workflow
from .forms import (
    ConfigForm,
    FundsForm,
    LedgerForm,
    MemberForm,
    MoveForm,
    ProblemActionForm,
    ProblemForm,
    ProjectForm,
    units,
)

VIEW = roles.VIEW_PIPELINE
MANAGE = roles.MANAGE_PIPELINE
COORDINATE = roles.COORDINATE_PIPELINE


def _filter_choices():
    """Units, key industries and zones: reference data kept a minute in the cache, so a
    list page does not spend three queries on its filter lists."""
    choices = cache.get("zs:pipeline-filters")
    if choices is None:
        choices = {
            "departments": list(units().values_list("pk", "name")),
            "key_industries": list(KeyIndustry.objects.values_list("pk", "name")),
            "zones": list(Zone.objects.values_list("pk", "name")),
        }
        cache.set("zs:pipeline-filters", choices, 60)
    return {
        **choices,
        "stages": Stage.choices,
        "methods": Method.choices,
        "levels": [c for c in MajorLevel.choices if c[0]],
    }


def _filters(request):
    return {k: request.GET.get(k, "").strip() for k in queries.FILTERS}


# --- Kanban and list ---------------------------------------------------------------------
@require(VIEW)
def kanban(request):
    filters = _filters(request)
    qs = queries.apply_filters(queries.projects(request.user), filters)
    columns = queries.kanban(qs)
    may_move = request.user.has_perm(MANAGE)
    _shape_cards(columns, may_move)
    context = {
        "columns": columns,
        "filters": filters,
        "may_move": may_move,
        **_filter_choices(),
    }
    return render_list(request, "pipeline/projects/kanban.html", context, region="board")


# A kanban card, as kanban.html printed it. 160 cards of a dozen values each cost the
# template engine about half of the page's CPU (one variable lookup and escape at a time);
# filled in Python, with every value escaped, the board prints the same HTML in a tenth of
# that. Change the card's markup here.
_CARD = """    <div class="zs-kcard">
      <a class="title" href="{url}">{name}</a>
      {level}
      {overdue}
      <div class="text-muted">{enterprise}</div>
      <div>{amount}</div>
      <div class="text-muted">{department}{industry}</div>
      {moves}
    </div>
"""
_CARD_LEVEL = '<span class="badge text-bg-danger">{}</span>'
_CARD_OVERDUE = '<span class="badge text-bg-warning">台账逾期</span>'
_CARD_MOVES = """
      <div class="dropdown mt-1"><button class="btn btn-outline-primary btn-sm py-0 dropdown-toggle" data-bs-toggle="dropdown" type="button">推进</button>
        <ul class="dropdown-menu">{}</ul></div>
      """
_CARD_MOVE = '<li><a class="dropdown-item" href="{}">{}</a></li>'


def _shape_cards(columns, may_move):
    """Give each card its HTML (``_CARD``): the link, the level, the overdue mark, the
    amount, the unit line and the moves it offers. Each link is built from one reversed
    prefix and each label looked up once; every value is escaped."""
    base = reverse("pipeline:project_detail", args=[0])[: -len("0/")]
    levels = dict(MajorLevel.choices)
    overdue = queries.overdue_test()
    for col in columns:
        for c in col["cards"]:
            pk = c["pk"]
            if c["agreed_investment"] is not None:
                amount = f"协议 {formats.wan_text(c['agreed_investment'])}"
            else:
                amount = f"预计 {formats.wan_text(c['estimated_investment'])}"
            moves = ""
            if may_move:
                moves = "".join(
                    _CARD_MOVE.format(
                        escape(f"{base}{pk}/move/?to={to}&next=kanban"), escape(m.label)
                    )
                    for to, m in workflow.moves_from(c["stage"], c["stage_before_hold"])
                )
            level = levels[c["major_level"]] if c["major_level"] else ""
            industry = c["key_industry__name"]
            c["html"] = mark_safe(  # noqa: S308 -- every value below is escaped
                _CARD.format(
                    url=escape(f"{base}{pk}/"),
                    name=escape(c["name"]),
                    level=_CARD_LEVEL.format(escape(level)) if level else "",
                    overdue=_CARD_OVERDUE
                    if overdue(c["stage"], c["last_ledger_on"], c["created_at"])
                    else "",
                    enterprise=escape(c["enterprise__name"]),
                    amount=escape(amount),
                    department=escape(c["department__name"]),
                    industry=f" · {escape(industry)}" if industry else "",
                    moves=_CARD_MOVES.format(moves) if moves else "",
                )
            )


@require(VIEW)
def project_list(request):
    filters = _filters(request)
    qs = queries.apply_filters(queries.projects(request.user), filters)
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "pipeline.projects", request.GET)
    page = paginate(request, queries.for_cards(qs).order_by("-id"))
    context = {
        "page": page,
        "filters": filters,
        "overdue": queries.overdue_ids(page.object_list),
        **_filter_choices(),
    }
    return render_list(request, "pipeline/projects/project_list.html", context)


@exports.register("pipeline.projects", object_type="pipeline.project")
def project_table(user, params):
    """The filtered project list, every row of it."""
    qs = queries.apply_filters(queries.projects(user), params)
    rows = queries.with_list_relations(qs).select_related("industry").order_by("-id")
    headers = [
        "项目名称",
        "投资企业",
        "阶段",
        "责任单位",
        "重点产业",
        "国民经济行业",
        "功能区",
        "招商方式",
        "项目等级",
        "预计投资额（万元）",
        "协议投资额（万元）",
        "签约日期",
        "注册日期",
        "开工日期",
        "投产运营日期",
        "最近台账日期",
    ]
    return exports.Table(
        "项目清单",
        [
            (
                "项目",
                headers,
                (
                    [
                        p.name,
                        p.enterprise.name,
                        p.get_stage_display(),
                        p.department.name,
                        p.key_industry.name if p.key_industry else "",
                        p.industry.name if p.industry else "",
                        p.zone.name if p.zone else "",
                        p.get_method_display(),
                        p.get_major_level_display() if p.major_level else "",
                        formats.wan(p.estimated_investment),
                        formats.wan(p.agreed_investment),
                        p.signed_on,
                        p.registered_on,
                        p.construction_on,
                        p.operating_on,
                        p.last_ledger_on,
                    ]
                    for p in rows.iterator(chunk_size=2000)
                ),
            )
        ],
        count=qs.count(),
    )


# --- One project -------------------------------------------------------------------------
def _get(request, pk):
    # The page's own relations: five joined, the three more often empty fetched apart
    # (and only when set). PostgreSQL's planning time grows steeply with the number of
    # joined tables: joining all eight cost 2.5 ms of planning for a 0.3 ms lookup.
    return get_object_or_404(
        queries.projects(request.user)
        .select_related("enterprise", "department", "registered_department", "key_industry", "zone")
        .prefetch_related("industry", "carrier", "origin_region"),
        pk=pk,
    )


# The timeline's length on the page: each of the page's own sources reads at most this
# many of its newest rows (one more tells there are older ones), so a project with years
# of weekly ledger entries opens as fast as a new one; "更多" shows the whole history.
TIMELINE_ITEMS = 50


def _timeline(project, funds, limit=TIMELINE_ITEMS):
    """Everything that happened to the project, newest first: stage moves, ledger,
    problems and their steps, funds, owner changes, and what other modules add.

    Returns (items, more): with a ``limit``, the newest ``limit`` items and whether older
    ones were left out. ``funds`` are the project's funds entries, read once for the
    page's funds table and the timeline."""

    def newest(qs, *order):
        qs = qs.order_by(*order)
        return list(qs[: limit + 1] if limit else qs)

    more = False
    items = []
    rows = newest(project.stage_changes.select_related("actor"), "-occurred_on", "-at", "-id")
    more |= bool(limit) and len(rows) > limit
    for c in rows:
        text = (
            f"{Stage(c.from_stage).label if c.from_stage else '登记'} → {c.get_to_stage_display()}"
        )
        items.append((c.occurred_on, c.at, "阶段", text, c.reason, c.actor))
    rows = newest(
        project.ledger_entries.select_related("created_by"), "-occurred_on", "-created_at", "-id"
    )
    more |= bool(limit) and len(rows) > limit
    for e in rows:
        items.append(
            (
                e.occurred_on,
                e.created_at,
                "台账",
                e.content,
                e.next_step and f"下一步：{e.next_step}",
                e.created_by,
            )
        )
    for f in funds:
        amount = f"{f.amount / 10000:,.2f}万{'元' if f.currency == 'CNY' else f.currency}"
        items.append(
            (
                f.received_on,
                f.created_at,
                "到位资金",
                f"{f.get_source_display()}到位 {amount}",
                f.note,
                f.created_by,
            )
        )
    rows = newest(
        project.owner_changes.select_related("from_department", "to_department", "actor"),
        "-at",
        "-id",
    )
    more |= bool(limit) and len(rows) > limit
    for o in rows:
        text = f"{o.get_kind_display()}：{o.from_department.name + ' → ' if o.from_department else ''}{o.to_department.name}"
        items.append((timezone.localdate(o.at), o.at, "责任单位", text, o.reason, o.actor))
    steps = list(_problem_steps(project, limit))
    more |= bool(limit) and len(steps) > limit
    items.extend(steps)
    for t in sections.timeline_for(project):
        when = timezone.localdate(t.when) if isinstance(t.when, dt.datetime) else t.when
        at = t.when if isinstance(t.when, dt.datetime) else None
        items.append((when, at, t.kind, t.text, "", None, t.url))
    now = timezone.now()
    items.sort(key=lambda i: (i[0], i[1] or now), reverse=True)
    if limit and len(items) > limit:
        items, more = items[:limit], True
    return [
        {
            "on": i[0],
            "kind": i[2],
            "text": i[3],
            "note": i[4],
            "actor": i[5],
            "url": i[6] if len(i) > 6 else "",
        }
        for i in items
    ], more


def _problem_steps(project, limit=None):
    from ..models import ProblemStep

    steps = (
        ProblemStep.objects.filter(problem__project=project)
        .select_related("problem", "actor")
        .order_by("-at", "-id")
    )
    for s in steps[: limit + 1] if limit else steps:
        label = s.get_kind_display()
        if s.kind == ProblemStep.Kind.ESCALATE:
            label = f"升级至{Problem.Level(s.to_level).label}"
        yield (
            timezone.localdate(s.at),
            s.at,
            "问题",
            f"{s.problem.title}：{label}",
            s.note,
            s.actor,
        )


def _render_section(request, section):
    """A section's template with its own context, plus what a form or a permission test
    in it needs (request, user, perms, csrf_token). Rendered without the request's
    context processors: they already ran for the page, and the navigation menu they
    build is not a section's business."""
    return render_to_string(
        section["template"],
        {
            "request": request,
            "user": request.user,
            "perms": PermWrapper(request.user),
            "csrf_token": get_token(request),
            **section["context"],
        },
    )


@require(VIEW)
def project_detail(request, pk):
    project = _get(request, pk)
    today = timezone.localdate()
    may_edit = request.user.has_perm(MANAGE)
    problems = list(project.problems.select_related("owner_department"))
    for q in problems:  # the rules answer, the template only shows
        q.overdue = services.problem_overdue(q, today)
        q.may_escalate = services.problem_may_escalate(q, request.user)
    config = PipelineConfig.current()
    funds = list(project.funds_entries.select_related("created_by"))
    everything = request.GET.get("timeline") == "all"
    timeline, timeline_more = _timeline(
        project, funds, limit=None if everything else TIMELINE_ITEMS
    )
    context = {
        "p": project,
        "timeline": timeline,
        "timeline_more": timeline_more,
        "moves": workflow.allowed_moves(project) if may_edit else [],
        "problems": problems,
        "funds": funds,
        "members": list(project.members.all()),
        # Other modules' sections, each rendered with its own context.
        "sections": [
            {**s, "html": _render_section(request, s)}
            for s in sections.sections_for(request, project)
        ],
        "overdue": project.pk in queries.overdue_ids([project], today, config),
        "may_edit": may_edit,
        "ledger_form": LedgerForm(initial={"occurred_on": today.isoformat()}),
        "funds_form": FundsForm(initial={"received_on": today.isoformat()}),
        "problem_form": ProblemForm(
            initial={
                "owner_department": project.department_id,
                "deadline_days": config.problem_deadline_days,
            }
        ),
        "action_form": ProblemActionForm(),
        "member_form": MemberForm(),
        "command_team": project.major_level == MajorLevel.VERY_MAJOR,
    }
    return render(request, "pipeline/projects/project_detail.html", context)


@require(MANAGE)
def project_edit(request, pk=None):
    project = _get(request, pk) if pk else None
    form = ProjectForm(
        request.POST or None,
        instance=project,
        user=request.user,
        # Only a new project takes its enterprise from the link; an edit shows its own
        # (a form-level initial would override the field's and blank it).
        initial=None if project else {"enterprise_text": request.GET.get("enterprise_name", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if not form.errors:
            try:
                if project is None:
                    project = services.project_create(actor=request.user, data=data)
                else:
                    project = services.project_update(
                        actor=request.user,
                        project=project,
                        data=data,
                        version=form.cleaned_data["version"],
                    )
            except ValidationError as exc:
                form_errors_to(form, exc)
            else:
                messages.success(request, f"项目“{project.name}”已保存。")
                return redirect("pipeline:project_detail", pk=project.pk)
    return render(request, "pipeline/projects/project_form.html", {"form": form, "p": project})


@require(MANAGE)
def project_move(request, pk):
    project = _get(request, pk)
    to_stage = request.POST.get("to_stage") or request.GET.get("to", "")
    if to_stage not in Stage.values:
        messages.error(request, "请选择要转入的阶段。")
        return redirect("pipeline:project_detail", pk=pk)
    form = MoveForm(
        request.POST or None,
        request.FILES or None,
        to_stage=to_stage,
        initial={"to_stage": to_stage, "expected_stage": project.stage},
    )
    move = workflow.TRANSITIONS.get((project.stage, to_stage))
    if request.method == "POST" and form.is_valid():
        try:
            workflow.project_move(
                actor=request.user,
                project=project,
                to_stage=to_stage,
                data=form.move_data(),
                reason=form.cleaned_data.get("reason", ""),
                expected_stage=form.cleaned_data["expected_stage"],
            )
        except workflow.MoveConflict as exc:
            messages.error(request, exc.messages[0])
            return redirect("pipeline:project_detail", pk=pk)
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, f"项目“{project.name}”已转入“{Stage(to_stage).label}”。")
            if request.POST.get("next") == "kanban":
                return redirect("pipeline:kanban")
            return redirect("pipeline:project_detail", pk=pk)
    context = {
        "p": project,
        "form": form,
        "to_stage": Stage(to_stage),
        "move": move,
        "next": request.GET.get("next", ""),
    }
    template = (
        "pipeline/projects/move_form.html#form"
        if request.htmx
        else "pipeline/projects/move_form.html"
    )
    return render(request, template, context)


def _form_messages(request, form):
    messages.error(
        request,
        "；".join(
            f"{form.fields[f].label + '：' if f in form.fields else ''}{'，'.join(e)}"
            for f, e in form.errors.items()
        ),
    )


def _sub_action(request, pk, form_class, apply, done):
    project = _get(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            apply(project, form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, done)
    else:
        _form_messages(request, form)
    return redirect("pipeline:project_detail", pk=pk)


@require(MANAGE)
@require_POST
def ledger_add(request, pk):
    return _sub_action(
        request,
        pk,
        LedgerForm,
        lambda p, d: services.ledger_entry_add(actor=request.user, project=p, **d),
        "推进台账已登记。",
    )


@require(MANAGE)
@require_POST
def funds_add(request, pk):
    def apply(project, d):
        amount, currency = d["amount"]
        services.funds_entry_add(
            actor=request.user,
            project=project,
            received_on=d["received_on"],
            amount=amount,
            currency=currency,
            source=d["source"],
            note=d["note"],
        )

    return _sub_action(request, pk, FundsForm, apply, "到位资金已登记。")


@require(MANAGE)
@require_POST
def funds_delete(request, pk, entry):
    project = _get(request, pk)
    row = get_object_or_404(FundsEntry, pk=entry, project=project)
    services.funds_entry_delete(actor=request.user, entry=row)
    messages.success(request, "到位资金记录已删除。")
    return redirect("pipeline:project_detail", pk=pk)


@require(MANAGE)
@require_POST
def problem_add(request, pk):
    return _sub_action(
        request,
        pk,
        ProblemForm,
        lambda p, d: services.problem_raise(actor=request.user, project=p, **d),
        "问题已登记，办结期限按工作日计算。",
    )


@require(MANAGE)
@require_POST
def problem_action(request, pk, problem):
    project = _get(request, pk)
    row = get_object_or_404(Problem, pk=problem, project=project)
    form = ProblemActionForm(request.POST)
    if not form.is_valid():
        _form_messages(request, form)
        return redirect("pipeline:project_detail", pk=pk)
    d = form.cleaned_data
    common = {"actor": request.user, "problem": row, "version": d["version"]}
    try:
        if d["action"] == "reply":
            services.problem_reply(note=d["note"], **common)
        elif d["action"] == "escalate":
            services.problem_escalate(note=d["note"], **common)
        elif d["action"] == "resolve":
            services.problem_resolve(resolution=d["note"], **common)
        elif d["action"] == "reopen":
            step = services.problem_reopen(
                note=d["note"], deadline_days=d["deadline_days"], **common
            )
        else:
            services.problem_close(note=d["note"], **common)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        done = f"问题“{row.title}”：{dict(form.ACTIONS)[d['action']]}已记录。"
        if d["action"] == "reopen":
            due = step.problem.due_on
            done += f"新的办结期限为{formats.cn_date(due)}。"
            if notice := fallback_notice(due):
                done += f"（{notice}）"
        messages.success(request, done)
    return redirect("pipeline:project_detail", pk=pk)


@require(MANAGE)
@require_POST
def member_add(request, pk):
    return _sub_action(
        request,
        pk,
        MemberForm,
        lambda p, d: services.member_add(actor=request.user, project=p, **d),
        "项目专班成员已添加。",
    )


@require(MANAGE)
@require_POST
def member_remove(request, pk, member):
    project = _get(request, pk)
    row = get_object_or_404(ProjectMember, pk=member, project=project)
    services.member_remove(actor=request.user, member=row)
    messages.success(request, f"已移除{row.get_role_display()}{row.name}。")
    return redirect("pipeline:project_detail", pk=pk)


# --- Follow-up lists ---------------------------------------------------------------------
@require(VIEW)
def overdue_ledgers(request):
    config = PipelineConfig.current()
    cutoff = queries.ledger_cutoff(config=config)
    qs = queries.apply_filters(
        queries.projects(request.user).filter(queries.overdue_q(cutoff)), _filters(request)
    )
    page = paginate(request, queries.with_list_relations(qs).order_by("last_ledger_on", "id"))
    return render_list(
        request,
        "pipeline/projects/overdue_ledgers.html",
        {
            "page": page,
            "config": config,
            "cutoff": cutoff,
            "filters": _filters(request),
            **_filter_choices(),
        },
    )


@require(VIEW)
def problem_list(request):
    today = timezone.localdate()
    overdue_only = request.GET.get("overdue") == "1"
    qs = queries.open_problems(request.user, today, overdue_only)
    if (unit := request.GET.get("department", "")).isdigit():
        qs = qs.filter(owner_department_id=int(unit))
    if (level := request.GET.get("level", "")) in Problem.Level.values:
        qs = qs.filter(level=level)
    page = paginate(request, qs.order_by("due_on", "id"))
    for q in page.object_list:
        q.overdue = services.problem_overdue(q, today)
    return render_list(
        request,
        "pipeline/projects/problem_list.html",
        {
            "page": page,
            "overdue_only": overdue_only,
            "levels": Problem.Level.choices,
            "filters": {"department": unit, "level": level},
            **_filter_choices(),
        },
    )


@require(VIEW)
def funnel(request):
    department = request.GET.get("department", "")
    rows = queries.funnel(request.user, int(department) if department.isdigit() else None)
    return render(
        request,
        "pipeline/projects/funnel.html",
        {"rows": rows, "department": department, **_filter_choices()},
    )


@require(COORDINATE)
def config_edit(request):
    config = PipelineConfig.current()
    form = ConfigForm(request.POST or None, instance=config)
    if request.method == "POST" and form.is_valid():
        try:
            services.config_update(
                actor=request.user, data={f: form.cleaned_data[f] for f in ConfigForm.Meta.fields}
            )
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, "项目管理设置已保存，项目等级已按新标准重新核定。")
            return redirect("pipeline:config")
    return render(request, "pipeline/projects/config.html", {"form": form})
