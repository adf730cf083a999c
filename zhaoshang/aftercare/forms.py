from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from zhaoshang.common.forms import StyledFormMixin
from zhaoshang.enterprises.forms import AmountField, OfficeDateField
from zhaoshang.enterprises.queries import library, with_same_name
from zhaoshang.org.models import Department
from zhaoshang.reference.calendar import MAX_TIME_LIMIT

from .models import Expansion, Ticket, TicketType

SERVING_UNITS = ["office", "department", "street", "zone", "tax", "finance", "other"]


def units():
    return Department.objects.filter(is_active=True, kind__in=SERVING_UNITS)


def streets():
    return Department.objects.filter(is_active=True, kind=Department.Kind.STREET)


class EnterpriseField(forms.CharField):
    """The enterprise by its full name or credit code, not picked from the whole library."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "企业")
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("help_text", "填写企业库中的企业全称或统一社会信用代码")
        super().__init__(**kwargs)

    def find(self, user, text):
        text = text.strip()
        scoped = library(user)
        found = scoped.filter(Q(credit_code=text.upper()) | Q(name=text)).order_by(
            "pk"
        ).first() or with_same_name(scoped, text)
        if found is None:
            raise ValidationError(f"企业库中没有“{text}”，请核对名称或先在企业库中登记该企业。")
        return found


class TicketForm(StyledFormMixin, forms.Form):
    enterprise = EnterpriseField()
    ticket_type = forms.ModelChoiceField(
        label="事项类型", queryset=TicketType.objects.filter(is_active=True), empty_label="请选择"
    )
    title = forms.CharField(label="诉求事项", max_length=200)
    description = forms.CharField(
        label="具体情况", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    department = forms.ModelChoiceField(
        label="责任单位",
        queryset=units(),
        required=False,
        empty_label="按事项类型的默认责任单位",
    )
    street = forms.ModelChoiceField(
        label="所在街道（街道企业服务中心可见）", queryset=streets(), required=False
    )
    deadline_days = forms.IntegerField(
        label="办理时限（工作日）",
        required=False,
        min_value=1,
        max_value=MAX_TIME_LIMIT,
        help_text="不填则按事项类型的默认时限",
    )
    contact_name = forms.CharField(label="企业联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=40, required=False)
    source = forms.ChoiceField(
        label="来源",
        choices=[c for c in Ticket.Source.choices if c[0] != Ticket.Source.VISIT],
        initial=Ticket.Source.STAFF,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["department"].queryset = units()
        self.fields["street"].queryset = streets()

    def clean_enterprise(self):
        return self.fields["enterprise"].find(self.user, self.cleaned_data["enterprise"])


ACTIONS = [
    ("progress", "登记办理进展"),
    ("answer", "答复企业"),
    ("rate", "登记企业评价并办结"),
    ("reopen", "企业不满意，重新办理"),
    ("escalate", "升级协调"),
    ("transfer", "改派责任单位"),
    ("close", "撤销办结"),
]


class TicketActionForm(StyledFormMixin, forms.Form):
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    rating = forms.TypedChoiceField(
        choices=[("", "请选择")] + list(Ticket.Rating.choices),
        coerce=int,
        required=False,
        empty_value=None,
    )
    department = forms.ModelChoiceField(queryset=units(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = units()


class TicketTypeForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = TicketType
        fields = ["name", "group", "default_department", "deadline_days", "is_active", "sort_order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_department"].queryset = units()
        self.fields["deadline_days"].min_value = 1
        self.fields["deadline_days"].max_value = MAX_TIME_LIMIT

    def _post_clean(self):
        pass  # the service validates


class ConfigForm(StyledFormMixin, forms.Form):
    visit_interval_months = forms.IntegerField(
        label="重点企业至少每几个月走访一次", min_value=1, max_value=12
    )


class KeyEnterpriseForm(StyledFormMixin, forms.Form):
    enterprise = EnterpriseField()
    department = forms.ModelChoiceField(label="包联单位", queryset=units())
    street = forms.ModelChoiceField(label="所在街道", queryset=streets(), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["department"].queryset = units()
        self.fields["street"].queryset = streets()

    def clean_enterprise(self):
        return self.fields["enterprise"].find(self.user, self.cleaned_data["enterprise"])


class VisitPlanForm(StyledFormMixin, forms.Form):
    enterprise = EnterpriseField()
    planned_on = OfficeDateField(label="计划走访日期", required=True)
    visitors = forms.CharField(label="走访人员", max_length=200)
    purpose = forms.CharField(label="走访事由", max_length=200, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_enterprise(self):
        return self.fields["enterprise"].find(self.user, self.cleaned_data["enterprise"])


class VisitRecordForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    visited_on = OfficeDateField(label="走访日期", required=True)
    met_with = forms.CharField(label="企业接待人员", max_length=200)
    findings = forms.CharField(
        label="发现的问题与诉求", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class FindingForm(StyledFormMixin, forms.Form):
    id_prefix = "finding"  # one of the visit page's forms
    ticket_type = forms.ModelChoiceField(
        label="事项类型", queryset=TicketType.objects.filter(is_active=True), empty_label="请选择"
    )
    title = forms.CharField(label="诉求事项", max_length=200)
    description = forms.CharField(
        label="具体情况", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExpansionForm(StyledFormMixin, forms.Form):
    id_prefix = "expansion"  # one of the visit page's forms
    kind = forms.ChoiceField(label="增资类型", choices=Expansion.Kind.choices)
    amount = AmountField(label="预计新增投资", required=True)
    description = forms.CharField(label="增资扩产意向", widget=forms.Textarea(attrs={"rows": 2}))

    def clean_amount(self):
        value = self.cleaned_data["amount"]
        if value and value[1] != "CNY":
            raise ValidationError("请按人民币填写，如 5000万元。")
        return value[0] if value else None
