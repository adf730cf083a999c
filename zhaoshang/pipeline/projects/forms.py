from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from zhaoshang.common import formats
from zhaoshang.common.forms import AttachmentField, StyledFormMixin
from zhaoshang.enterprises.forms import AmountField, OfficeDateField
from zhaoshang.enterprises.queries import library, with_same_name
from zhaoshang.org.forms import VersionedForm
from zhaoshang.org.models import Department
from zhaoshang.reference.calendar import MAX_TIME_LIMIT
from zhaoshang.reference.models import Industry

from ..models import (
    FundsEntry,
    PipelineConfig,
    ProblemCategory,
    Project,
    ProjectMember,
    ReferrerKind,
)
from .workflow import FIELDS

PROMOTING_UNITS = ["office", "department", "street", "zone"]


def units():
    return Department.objects.filter(is_active=True, kind__in=PROMOTING_UNITS)


class ProjectForm(VersionedForm):
    """Register or edit a project. The enterprise is named, not picked from a million-row
    list: by its credit code or its name as the library holds it."""

    enterprise_text = forms.CharField(
        label="投资企业",
        max_length=200,
        help_text="填写企业库中的企业全称或统一社会信用代码；库中没有的企业请先在企业库登记",
    )
    estimated_investment_text = AmountField(label="预计投资额")
    registered_capital_text = AmountField(label="注册资本")
    # The referrer: a registry organisation by name, or a person (registered on saving).
    referrer_kind = forms.ChoiceField(
        label="引荐方类型",
        choices=[("", "（无）"), *ReferrerKind.choices],
        required=False,
    )
    referrer_name = forms.CharField(
        label="引荐人 / 引荐机构",
        max_length=100,
        required=False,
        help_text="机构须是中介名录中已登记的名称；个人填写姓名",
    )

    class Meta:
        model = Project
        fields = [
            "name",
            "description",
            "method",
            "investor_origin",
            "capital_source",
            "industry",
            "key_industry",
            "strategic_emerging",
            "zone",
            "carrier",
            "land_area",
            "expected_jobs",
            "expected_tax",
            "expected_output",
            "investment_intensity",
            "output_per_mu",
            "tax_per_mu",
            "tech_content",
            "industry_linkage",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        p = self.instance
        if p.pk:
            self.fields["enterprise_text"].initial = p.enterprise.name
            self.fields["estimated_investment_text"].initial = formats.wan_exact(
                p.estimated_investment
            )
            self.fields["registered_capital_text"].initial = formats.wan_exact(p.registered_capital)
        self.fields["industry"].queryset = Industry.objects.filter(level="division")
        if p.pk and p.referrer_id:
            self.fields["referrer_name"].initial = p.referrer_name
            self.fields["referrer_kind"].initial = p.referrer_kind

    def clean_enterprise_text(self):
        text = self.cleaned_data["enterprise_text"].strip()
        scoped = library(self.user)
        found = scoped.filter(Q(credit_code=text.upper()) | Q(name=text)).order_by(
            "pk"
        ).first() or with_same_name(scoped, text)
        if found is None:
            raise ValidationError(f"企业库中没有“{text}”，请核对名称或先在企业库中登记该企业。")
        return found

    def _post_clean(self):
        pass  # the service validates the whole record

    def service_data(self):
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        data["description"] = data.get("description") or ""
        for key in ("referrer_name", "referrer_kind"):
            data[key] = (self.cleaned_data.get(key) or "").strip()
        data["enterprise"] = self.cleaned_data["enterprise_text"]
        for field in ("estimated_investment", "registered_capital"):
            parsed = self.cleaned_data.get(f"{field}_text")
            if parsed and parsed[1] != "CNY":
                self.add_error(
                    f"{field}_text", "请按人民币填写（外资部分在签约时单独填写美元数）。"
                )
            data[field] = parsed[0] if parsed else None
        return data


class MoveForm(StyledFormMixin, forms.Form):
    """What a move asks for; the fields shown depend on the target (workflow.FIELDS)."""

    to_stage = forms.CharField(widget=forms.HiddenInput)
    expected_stage = forms.CharField(widget=forms.HiddenInput)
    signed_on = OfficeDateField(label="签约日期")
    agreed_investment = AmountField(label="协议投资额", help_text="如 2.5亿元、8000万元")
    agreed_investment_foreign = AmountField(label="其中外资（美元）", help_text="如 500万美元")
    agreement_no = forms.CharField(label="协议编号", required=False, max_length=60)
    agreement_file = AttachmentField(label="协议文件", required=False)
    registered_credit_code = forms.CharField(
        label="注册企业统一社会信用代码", required=False, max_length=18
    )
    registered_on = OfficeDateField(label="注册日期")
    construction_on = OfficeDateField(label="开工日期")
    operating_on = OfficeDateField(label="投产运营日期")
    occurred_on = OfficeDateField(label="发生日期", help_text="不填为今天")
    reason = forms.CharField(
        label="原因 / 说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, to_stage, **kwargs):
        super().__init__(*args, **kwargs)
        wanted = {name for name, _ in FIELDS.get(to_stage, [])}
        for name in [n for n, _ in sum(FIELDS.values(), [])]:
            if name not in wanted:
                del self.fields[name]
        if wanted:
            del self.fields["occurred_on"]

    def move_data(self):
        data = dict(self.cleaned_data)
        for name in ("agreed_investment", "agreed_investment_foreign"):
            if name in data:
                parsed = data[name]
                data[name] = parsed[0] if parsed else None
        return data


class LedgerForm(StyledFormMixin, forms.Form):
    id_prefix = "ledger"  # one of the project page's forms
    occurred_on = OfficeDateField(label="日期", required=True)
    content = forms.CharField(label="推进情况", widget=forms.Textarea(attrs={"rows": 2}))
    next_step = forms.CharField(
        label="下一步工作", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FundsForm(StyledFormMixin, forms.Form):
    id_prefix = "funds"  # one of the project page's forms
    received_on = OfficeDateField(label="到位日期", required=True)
    amount = AmountField(label="到位金额", required=True, help_text="如 3000万元、200万美元")
    source = forms.ChoiceField(label="资金来源", choices=FundsEntry.Source.choices)
    note = forms.CharField(label="说明", required=False, max_length=200)


class ProblemForm(StyledFormMixin, forms.Form):
    id_prefix = "problem"  # one of the project page's forms
    category = forms.ChoiceField(label="类别", choices=ProblemCategory.choices)
    title = forms.CharField(label="问题", max_length=200)
    description = forms.CharField(
        label="具体情况", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner_department = forms.ModelChoiceField(label="责任单位", queryset=Department.objects.none())
    deadline_days = forms.IntegerField(
        label="办理时限（工作日）", min_value=1, max_value=MAX_TIME_LIMIT
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_department"].queryset = Department.objects.filter(is_active=True)
        if "deadline_days" not in self.initial:
            self.fields["deadline_days"].initial = PipelineConfig.current().problem_deadline_days


class ProblemActionForm(StyledFormMixin, forms.Form):
    ACTIONS = [
        ("reply", "办理回复"),
        ("escalate", "升级"),
        ("resolve", "已解决"),
        ("close", "关闭"),
        ("reopen", "重新打开"),
    ]
    action = forms.ChoiceField(label="办理", choices=ACTIONS)
    note = forms.CharField(label="说明 / 办理结果", widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Only for 重新打开: the new deadline; empty keeps the problem's own number of days.
    deadline_days = forms.IntegerField(
        label="办理时限（工作日）", min_value=1, max_value=MAX_TIME_LIMIT, required=False
    )


class MemberForm(StyledFormMixin, forms.Form):
    id_prefix = "member"  # one of the project page's forms
    role = forms.ChoiceField(label="职责", choices=ProjectMember.Role.choices)
    name = forms.CharField(
        label="姓名", max_length=50, widget=forms.TextInput(attrs={"placeholder": "姓名"})
    )
    title = forms.CharField(
        label="职务",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "职务，如 副区长"}),
    )


class ConfigForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = PipelineConfig
        fields = [
            "lead_lapse_days",
            "ledger_due_days",
            "major_threshold",
            "very_major_threshold",
            "evaluation_threshold",
            "problem_deadline_days",
        ]
