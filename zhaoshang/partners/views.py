"""Partner pages: the registry (list, register, edit, the partner with its contacts,
referrals, rewards and fees), the reward rules, the rewards and their moves. Thin: reads
in queries.py, writes in services.py and workflow.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhaoshang.common.records import StaleEditError
from zhaoshang.common.views import form_errors_to
from zhaoshang.org import roles
from zhaoshang.org.access import paginate, require
from zhaoshang.pipeline.models.projects import LANDED_STAGES, Project

from . import queries, services
from .forms import ContactForm, FeeForm, PartnerForm, RewardActionForm, RuleForm
from .models import FinderReward, Partner, PartnerContact, RewardRule
from .workflow import REWARDS, reward_move

VIEW = roles.VIEW_PARTNERS
MANAGE = roles.MANAGE_PARTNERS


def _partner(request, pk):
    partner = queries.partner_for(request.user, pk)
    if partner is None:
        raise Http404("没有该合作机构，或您无权查看。")
    return partner


def _say(request, exc):
    messages.error(request, "；".join(exc.messages))


# --- The registry ---------------------------------------------------------------------------
@require(VIEW)
def partner_list(request):
    qs = queries.partner_filtered(request.user, request.GET)
    page = paginate(request, qs.order_by("-id").values(*queries.PARTNER_VALUES))
    counts = queries.referral_counts(request.user, [r["pk"] for r in page.object_list])
    for row in page.object_list:
        row["referrals"] = counts.get(row["pk"], 0)
    return render(
        request,
        "partners/partner_list.html",
        {
            "page": page,
            "filters": request.GET,
            "kinds": Partner.Kind.choices,
            "kind_labels": dict(Partner.Kind.choices),
            "may_manage": request.user.has_perm(MANAGE),
        },
    )


@require(MANAGE)
def partner_edit(request, pk=None):
    partner = _partner(request, pk) if pk else None
    form = PartnerForm(request.POST or None, request.FILES or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            if partner is None:
                partner = services.partner_create(actor=request.user, data=data)
                messages.success(request, f"已登记“{partner.name}”。")
            else:
                services.partner_update(
                    actor=request.user,
                    partner=partner,
                    data=data,
                    version=form.cleaned_data.get("version"),
                )
                messages.success(request, "已保存。")
            return redirect("partners:partner_detail", pk=partner.pk)
        except StaleEditError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form_errors_to(form, exc)
    return render(request, "partners/partner_form.html", {"form": form, "partner": partner})


@require(VIEW)
def partner_detail(request, pk):
    partner = _partner(request, pk)
    user = request.user
    referrals = list(queries.referrals_of(user, partner)[:50])
    rewards = []
    if user.has_perm(roles.VIEW_REWARDS):
        rewards = list(queries.rewards(user).filter(partner=partner).select_related("project"))
    rewarded = {r.project_id for r in rewards if r.status != FinderReward.Status.REJECTED}
    may_propose = user.has_perm(roles.MANAGE_REWARDS)
    for p in referrals:
        p.landed = p.stage in LANDED_STAGES
        p.may_propose = may_propose and p.landed and p.pk not in rewarded
    return render(
        request,
        "partners/partner_detail.html",
        {
            "partner": partner,
            "contacts": partner.contacts.all(),
            "referrals": referrals,
            "rewards": rewards,
            "fees": list(queries.fees_of(user, partner)),
            "public_reason": services.public_employee_reason(partner),
            "may_manage": user.has_perm(MANAGE),
            "contact_form": ContactForm() if user.has_perm(MANAGE) else None,
            "fee_form": (
                FeeForm()
                if partner.kind == Partner.Kind.AGENCY and user.has_perm(roles.PAY_REWARDS)
                else None
            ),
        },
    )


@require(MANAGE)
@require_POST
def contact_add(request, pk):
    partner = _partner(request, pk)
    form = ContactForm(request.POST)
    if form.is_valid():
        services.contact_add(actor=request.user, partner=partner, data=form.cleaned_data)
        messages.success(request, "已添加联系人。")
    else:
        messages.error(request, "联系人姓名必填；电子邮箱格式须正确。")
    return redirect("partners:partner_detail", pk=pk)


@require(MANAGE)
@require_POST
def contact_delete(request, pk, contact_pk):
    partner = _partner(request, pk)
    contact = get_object_or_404(PartnerContact, pk=contact_pk, partner=partner)
    services.contact_delete(actor=request.user, contact=contact)
    messages.success(request, "已删除联系人。")
    return redirect("partners:partner_detail", pk=pk)


@require(roles.PAY_REWARDS)
@require_POST
def fee_pay(request, pk):
    partner = _partner(request, pk)
    form = FeeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请完整填写金额、支付日期和事由。")
        return redirect("partners:partner_detail", pk=pk)
    try:
        services.fee_pay(actor=request.user, partner=partner, **form.cleaned_data)
        messages.success(request, "已登记委托招商费，并计入“委托招商费”经费科目。")
    except ValidationError as exc:
        _say(request, exc)
    return redirect("partners:partner_detail", pk=pk)


# --- Rules ----------------------------------------------------------------------------------
@require(roles.VIEW_REWARDS)
def rule_list(request):
    return render(
        request,
        "partners/rule_list.html",
        {"rules": queries.rules(), "may_manage": request.user.has_perm(MANAGE)},
    )


@require(MANAGE)
def rule_edit(request, pk=None):
    rule = get_object_or_404(RewardRule, pk=pk) if pk else None
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_save(actor=request.user, data=form.cleaned_data, rule=rule)
            messages.success(request, "已保存奖励规则。")
            return redirect("partners:rule_list")
        except ValidationError as exc:
            form_errors_to(form, exc)
    return render(request, "partners/rule_form.html", {"form": form, "rule": rule})


# --- Rewards --------------------------------------------------------------------------------
@require(roles.VIEW_REWARDS)
def reward_list(request):
    qs = queries.reward_filtered(request.user, request.GET)
    page = paginate(request, qs.order_by("-id").values(*queries.REWARD_VALUES), count=qs.count())
    return render(
        request,
        "partners/reward_list.html",
        {
            "page": page,
            "filters": request.GET,
            "statuses": FinderReward.Status.choices,
            "status_labels": dict(FinderReward.Status.choices),
        },
    )


@require(roles.MANAGE_REWARDS)
@require_POST
def reward_propose(request):
    project_id = request.POST.get("project", "")
    project = (
        Project.objects.for_user(request.user).filter(pk=int(project_id)).first()
        if project_id.isdigit()
        else None
    )
    if project is None:
        raise Http404("没有该项目，或您无权查看。")
    try:
        reward = services.reward_propose(actor=request.user, project=project)
    except ValidationError as exc:
        _say(request, exc)
        if project.referrer_id:
            return redirect("partners:partner_detail", pk=project.referrer_id)
        return redirect("partners:reward_list")
    messages.success(request, "已拟定中介奖励，请核对后提交审批。")
    return redirect("partners:reward_detail", pk=reward.pk)


def _reward(request, pk):
    reward = queries.reward_for(request.user, pk)
    if reward is None:
        raise Http404("没有该中介奖励，或您无权查看。")
    return reward


@require(roles.VIEW_REWARDS)
def reward_detail(request, pk):
    reward = _reward(request, pk)
    moves = []
    for dst, move in REWARDS.moves_from(reward.status):
        try:
            REWARDS.check(reward.status, dst, actor=request.user, record=reward, note="-")
        except ValidationError:
            continue
        moves.append({"to": dst, "label": move.label, "note": move.note})
    return render(
        request,
        "partners/reward_detail.html",
        {
            "reward": reward,
            "steps": queries.steps_of(reward),
            "moves": moves,
            "status_label": REWARDS.label(reward.status),
            "refusal": services.public_employee_reason(reward.partner),
        },
    )


@require(roles.VIEW_REWARDS)
@require_POST
def reward_action(request, pk):
    reward = _reward(request, pk)
    form = RewardActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "操作信息不完整，请刷新页面后重试。")
        return redirect("partners:reward_detail", pk=pk)
    d = form.cleaned_data
    try:
        reward_move(
            actor=request.user,
            reward=reward,
            to_status=d["to_status"],
            note=d["note"],
            paid_on=d["paid_on"],
            voucher_no=d["voucher_no"],
            expected_status=d["expected_status"],
        )
        messages.success(request, f"已办理：{REWARDS.label(d['to_status'])}。")
    except ValidationError as exc:
        _say(request, exc)
    return redirect("partners:reward_detail", pk=pk)
