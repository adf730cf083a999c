from django import forms
from django.core.exceptions import ValidationError

from zhaoshang.common.forms import AttachmentField, StyledFormMixin
from zhaoshang.enterprises.forms import AmountField, OfficeDateField
from zhaoshang.org.models import Department

from . import queries
from .models import Category

# Units that hold promotion money: the office, departments, streets and zones.
BUDGET_UNITS = ["office", "department", "street", "zone"]


def units():
    return Department.objects.filter(is_active=True, kind__in=BUDGET_UNITS).order_by("path")


class YuanField(AmountField):
    """An amount in yuan as a clerk writes it ("12.5万元", "125000"); CNY only."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", True)
        kwargs.setdefault("help_text", "如 12.5万元 或 125000（元）")
        super().__init__(**kwargs)

    def clean(self, value):
        parsed = super().clean(value)
        if parsed is None:
            if self.required:
                raise ValidationError("请填写金额。")
            return None
        amount, currency = parsed
        if currency != "CNY":
            raise ValidationError("专项经费以人民币计，请填写元或万元。")
        return amount


class LineForm(StyledFormMixin, forms.Form):
    department = forms.ModelChoiceField(label="单位", queryset=units())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    category = forms.ChoiceField(label="科目", choices=[("", "请选择"), *Category.choices])
    approved = YuanField(label="批复金额")
    note = forms.CharField(label="说明（批复文号等）", max_length=200, required=False)


class AdjustForm(StyledFormMixin, forms.Form):
    id_prefix = "adjust"
    direction = forms.ChoiceField(label="调整方向", choices=[("add", "追加"), ("cut", "调减")])
    amount = YuanField(label="调整金额")
    reason = forms.CharField(label="调整理由（批复文号等）", max_length=300)

    def signed_amount(self):
        amount = self.cleaned_data["amount"]
        return -amount if self.cleaned_data["direction"] == "cut" else amount


def postable_lines(user, year=None):
    """The lines ``user`` may post to: those of the user's own unit (and the units below
    it), in the user's scope."""
    qs = queries.lines(user).filter(department__path__startswith=user.department.path)
    if year is not None:
        qs = qs.filter(year__gte=year - 1)
    return qs.order_by("-year", "department__path", "category")


class LineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        from zhaoshang.common.formats import wan_text

        return (
            f"{obj.year}年度 {obj.department.name}“{obj.get_category_display()}”"
            f"（余额 {wan_text(obj.balance)}）"
        )


class SpendingForm(StyledFormMixin, forms.Form):
    line = LineChoiceField(label="经费科目", queryset=None)
    amount = YuanField(label="支出金额")
    occurred_on = OfficeDateField(label="支出日期", required=True)
    summary = forms.CharField(label="摘要（用途）", max_length=200)
    voucher = AttachmentField(label="凭证（发票、合同或审批单扫描件）")

    def __init__(self, *args, user, year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = postable_lines(user, year)


class ReverseForm(StyledFormMixin, forms.Form):
    id_prefix = "reverse"
    reason = forms.CharField(label="冲销理由", max_length=200)
