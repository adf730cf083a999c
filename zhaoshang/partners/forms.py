from django import forms

from zhaoshang.common.forms import AttachmentField, StyledFormMixin
from zhaoshang.org.forms import VersionedForm

from .models import FinderReward, Partner, PartnerContact, RewardRule

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PartnerForm(VersionedForm):
    appointment_letter = AttachmentField(label="聘书", required=False)
    contract_file = AttachmentField(label="委托合同", required=False)

    class Meta:
        model = Partner
        fields = [
            "kind",
            "name",
            "credit_code",
            "city",
            "phone",
            "fields_of_work",
            "declaration",
            "declared_on",
            "user",
            "appointed_from",
            "appointed_until",
            "appointment_letter",
            "contract_no",
            "contract_from",
            "contract_until",
            "contract_file",
            "fee_terms",
            "fee_cap",
            "is_active",
            "note",
        ]
        widgets = {
            "declared_on": DATE,
            "appointed_from": DATE,
            "appointed_until": DATE,
            "contract_from": DATE,
            "contract_until": DATE,
            "fee_terms": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "declaration": "个人或个人名义引荐的，请其书面声明是否为国家公职人员",
            "user": "引荐人本身是系统用户时选择，按其“国家公职人员”标记判断",
            "appointed_from": "招商顾问填写",
            "contract_no": "委托招商机构填写",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from zhaoshang.org.models import User

        self.fields["user"].queryset = User.objects.filter(is_active=True).order_by("username")
        self.fields["user"].label_from_instance = lambda u: f"{u.full_name}（{u.username}）"

    def _post_clean(self):
        pass  # the service validates the whole record

    def service_data(self):
        return {name: self.cleaned_data.get(name) for name in self._meta.fields}


class ContactForm(StyledFormMixin, forms.ModelForm):
    id_prefix = "contact"

    class Meta:
        model = PartnerContact
        fields = ["name", "title", "phone", "email"]


class RuleForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = RewardRule
        fields = [
            "name",
            "min_investment",
            "min_funds",
            "fixed_amount",
            "rate",
            "cap",
            "is_active",
        ]

    def _post_clean(self):
        pass


class ProposeForm(StyledFormMixin, forms.Form):
    """Propose the finder reward for a project: named by its id on the project's page."""

    project = forms.IntegerField(widget=forms.HiddenInput)


class RewardActionForm(StyledFormMixin, forms.Form):
    id_prefix = "action"
    to_status = forms.ChoiceField(choices=FinderReward.Status.choices, widget=forms.HiddenInput)
    expected_status = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    paid_on = forms.DateField(label="拨付日期", required=False, widget=DATE)
    voucher_no = forms.CharField(label="拨付凭证号", required=False, max_length=60)


class FeeForm(StyledFormMixin, forms.Form):
    id_prefix = "fee"
    amount = forms.DecimalField(label="金额（元）", max_digits=16, decimal_places=2)
    paid_on = forms.DateField(label="支付日期", widget=DATE)
    summary = forms.CharField(label="事由", max_length=200)
    voucher_no = forms.CharField(label="凭证号", max_length=60, required=False)
