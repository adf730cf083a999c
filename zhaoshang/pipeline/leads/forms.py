from django import forms
from django.core.exceptions import ValidationError

from zhaoshang.common.forms import EMPTY_CHOICE, StyledFormMixin
from zhaoshang.enterprises.forms import AmountField
from zhaoshang.opportunities import queries as opportunity_queries
from zhaoshang.reference.models import Industry, KeyIndustry, Region

from ..models import Method, Project, ReferrerKind
from .queries import promoting_units


class LeadForm(StyledFormMixin, forms.ModelForm):
    """Registration: an enterprise from the library (``enterprise`` is set by the search
    box) or a new one (name and, if known, credit code, through duplicate control)."""

    new_enterprise_name = forms.CharField(
        label="新企业名称", max_length=200, required=False, help_text="企业库中没有时填写"
    )
    new_enterprise_credit_code = forms.CharField(
        label="新企业统一社会信用代码", max_length=18, required=False
    )
    # Shown (as a checkbox) only once the library has found likely duplicates.
    confirm_duplicates = forms.BooleanField(
        label="我已核对疑似重复企业，确认是另一家企业", required=False, widget=forms.HiddenInput
    )
    estimated_investment_text = AmountField(label="预计投资额")
    # No default: the method is what reports count by (M19), so the clerk picks it.
    method = forms.ChoiceField(label="招商方式", choices=[("", EMPTY_CHOICE), *Method.choices])
    # The referrer: an organisation of the partner registry (中介名录) by its name, or a
    # person, registered there on saving (partners.services.referrer_resolve).
    referrer_kind = forms.ChoiceField(
        label="引荐方类型", choices=[("", EMPTY_CHOICE), *ReferrerKind.choices], required=False
    )
    referrer_name = forms.CharField(
        label="引荐人 / 引荐机构名称",
        max_length=100,
        required=False,
        help_text="机构须是中介名录中已登记的名称；个人填写姓名",
    )

    class Meta:
        model = Project
        fields = [
            "name",
            "description",
            "industry",
            "key_industry",
            "origin_region",
            "method",
            "investor_origin",
            "capital_source",
            "opportunity",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Picked in the search box (not a form field: the htmx partial carries it).
        self.enterprise = enterprise
        self.fields["name"].required = False
        self.fields["name"].help_text = "留空则为“企业名称+投资项目”"
        self.fields["description"].label = "投资意向（计划做什么）"
        self.fields["industry"].queryset = Industry.objects.filter(level="division")
        self.fields["key_industry"].queryset = KeyIndustry.objects.select_related("department")
        self.fields["origin_region"].queryset = Region.objects.all()
        self.fields["origin_region"].label = "来源地（省份或国家）"
        # The new-enterprise inputs sit in the left column, outside the <form>.
        for name in self.ENTERPRISE_FIELDS:
            self.fields[name].widget.attrs["form"] = "lead-form"
        # The promotion project (招商项目库) the lead came from, when it came from one.
        self.fields["opportunity"].queryset = opportunity_queries.choices_for_lead()
        self.fields["opportunity"].empty_label = "（不是来自招商项目库）"
        # Often unknown at first contact: the model's defaults (内资, 民资) apply.
        for name in ("investor_origin", "capital_source"):
            self.fields[name].required = False

    ENTERPRISE_FIELDS = ("new_enterprise_name", "new_enterprise_credit_code", "confirm_duplicates")
    LEAD_ORDER = (
        "name",
        "description",
        "estimated_investment_text",
        "key_industry",
        "industry",
        "origin_region",
        "method",
        "referrer_kind",
        "referrer_name",
        "investor_origin",
        "capital_source",
        "opportunity",
    )

    def enterprise_fields(self):
        return [self[f] for f in self.ENTERPRISE_FIELDS]

    def lead_fields(self):
        return [self[f] for f in self.LEAD_ORDER]

    def clean(self):
        data = super().clean()
        if not self.enterprise and not (data.get("new_enterprise_name") or "").strip():
            raise ValidationError("请在企业库中检索并选择企业；企业库中没有时，填写新企业名称。")
        if data.get("referrer_name") and not data.get("referrer_kind"):
            self.add_error("referrer_kind", "填写了引荐方时，请选择是个人还是机构。")
        return data

    def lead_data(self):
        data = {f: self.cleaned_data.get(f) for f in self.Meta.fields}
        data["referrer_name"] = (self.cleaned_data.get("referrer_name") or "").strip()
        data["referrer_kind"] = self.cleaned_data.get("referrer_kind") or ""
        amount = self.cleaned_data.get("estimated_investment_text")
        if amount is not None:
            value, currency = amount
            if currency != "CNY":
                raise ValidationError({"estimated_investment_text": "预计投资额请以人民币填写。"})
            data["estimated_investment"] = value
        for name in ("investor_origin", "capital_source"):
            if not data[name]:
                data[name] = Project._meta.get_field(name).default
        return data

    def new_enterprise_data(self):
        if self.enterprise is not None:
            return None
        return {
            "name": self.cleaned_data["new_enterprise_name"].strip(),
            "credit_code": self.cleaned_data.get("new_enterprise_credit_code") or None,
        }


class PushForm(StyledFormMixin, forms.Form):
    to_department = forms.ModelChoiceField(label="推送给", queryset=promoting_units())
    reason = forms.CharField(label="推送理由", widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReassignForm(StyledFormMixin, forms.Form):
    to_department = forms.ModelChoiceField(label="改派给", queryset=promoting_units())
    reason = forms.CharField(label="改派原因", widget=forms.Textarea(attrs={"rows": 3}))
