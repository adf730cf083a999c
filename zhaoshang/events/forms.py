from django import forms

from zhaoshang.aftercare.forms import EnterpriseField
from zhaoshang.budget.forms import YuanField
from zhaoshang.budget.models import Category
from zhaoshang.common.forms import AttachmentField, StyledFormMixin
from zhaoshang.enterprises.forms import OfficeDateField
from zhaoshang.org import roles
from zhaoshang.org.models import Department, User
from zhaoshang.reference.models import Zone

from .models import EventType
from .queries import QUOTA_KINDS


def units():
    return Department.objects.filter(is_active=True, kind__in=QUOTA_KINDS).order_by("path")


class EventForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="活动名称", max_length=200)
    event_type = forms.ChoiceField(label="活动类型", choices=[("", "请选择"), *EventType.choices])
    organiser = forms.ModelChoiceField(label="主办单位", queryset=units())
    partners = forms.ModelMultipleChoiceField(
        label="协办单位",
        queryset=units(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = OfficeDateField(label="开始日期", required=True)
    ends_on = OfficeDateField(label="结束日期", required=True)
    city = forms.CharField(label="举办城市", max_length=50, help_text="网上招商填“线上”")
    venue = forms.CharField(label="地点", max_length=200, required=False)
    description = forms.CharField(
        label="活动内容", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    enterprise_names = forms.CharField(
        label="参会企业",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一家，填写企业库中的企业全称或统一社会信用代码",
    )
    officials = forms.ModelMultipleChoiceField(
        label="参加人员",
        queryset=User.objects.filter(is_active=True).select_related("department"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="按住 Ctrl 可多选",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # A unit registers its own events; the office may register any unit's.
        if not user.has_perm(roles.MANAGE_EVENT_QUOTA):
            self.fields["organiser"].queryset = units().filter(
                path__startswith=user.department.path
            )
        self.fields["officials"].label_from_instance = lambda u: f"{u.full_name}（{u.department}）"

    def clean_enterprise_names(self):
        found, field = [], EnterpriseField()
        for text in (self.cleaned_data.get("enterprise_names") or "").splitlines():
            if text.strip():
                found.append(field.find(self.user, text))
        return found

    def service_data(self):
        d = dict(self.cleaned_data)
        d["enterprises"] = d.pop("enterprise_names")
        return d


class MaterialForm(StyledFormMixin, forms.Form):
    id_prefix = "material"
    name = forms.CharField(label="材料名称", max_length=200, required=False)
    file = AttachmentField(label="文件")


class LeadForm(StyledFormMixin, forms.Form):
    id_prefix = "lead"
    enterprise = EnterpriseField(label="企业")
    name = forms.CharField(label="线索（项目）名称", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_enterprise(self):
        return self.fields["enterprise"].find(self.user, self.cleaned_data["enterprise"])


class CostForm(StyledFormMixin, forms.Form):
    id_prefix = "cost"
    category = forms.ChoiceField(label="经费科目", choices=Category.choices)
    amount = YuanField(label="金额")
    occurred_on = OfficeDateField(label="支出日期", required=True)
    summary = forms.CharField(label="摘要", max_length=150, help_text="如 场地租赁费、会务费")
    voucher = AttachmentField(label="凭证")


class QuotaForm(StyledFormMixin, forms.Form):
    id_prefix = "quota"
    department = forms.ModelChoiceField(label="单位", queryset=units())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quota = forms.IntegerField(label="活动指标（场）", min_value=0, max_value=50)
    reason = forms.CharField(label="说明", max_length=200, required=False)


class ZoneQuotaForm(StyledFormMixin, forms.Form):
    id_prefix = "zone"
    zone = forms.ModelChoiceField(label="功能区", queryset=Zone.objects.all())
    quota = forms.IntegerField(label="每年活动指标（场）", min_value=0, max_value=50, initial=4)
