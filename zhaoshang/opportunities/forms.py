from django import forms

from zhaoshang.common.forms import AttachmentField, StyledFormMixin
from zhaoshang.enterprises.forms import AmountField
from zhaoshang.reference.models import Carrier, Industry, KeyIndustry, Zone

from .models import Cooperation, Opportunity


class OpportunityForm(StyledFormMixin, forms.ModelForm):
    investment_text = AmountField(label="投资规模", required=True)
    cooperation = forms.MultipleChoiceField(
        label="合作方式", choices=Cooperation.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Opportunity
        fields = [
            "name",
            "summary",
            "key_industry",
            "industry",
            "zone",
            "carrier",
            "sought",
            "expected_returns",
            "contact",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "sought": forms.Textarea(attrs={"rows": 2}),
            "expected_returns": forms.Textarea(attrs={"rows": 2}),
        }

    field_order = ["name", "summary", "investment_text", "cooperation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = Industry.objects.filter(level="division")
        self.fields["key_industry"].queryset = KeyIndustry.objects.all()
        self.fields["zone"].queryset = Zone.objects.all()
        self.fields["carrier"].queryset = Carrier.objects.order_by("name")
        if self.instance.pk:
            self.initial.setdefault("cooperation", self.instance.cooperation)
            self.initial.setdefault("investment_text", f"{self.instance.investment / 10000}万元")

    def clean_investment_text(self):
        value = self.cleaned_data.get("investment_text")
        if value is None:
            raise forms.ValidationError("请填写投资规模，如 5000万元、1.2亿元。")
        amount, currency = value
        if currency != "CNY":
            raise forms.ValidationError("投资规模请以人民币填写。")
        return amount

    def opportunity_data(self):
        data = {f: self.cleaned_data.get(f) for f in self.Meta.fields}
        data["investment"] = self.cleaned_data["investment_text"]
        data["cooperation"] = self.cleaned_data["cooperation"]
        return data


class MoveForm(StyledFormMixin, forms.Form):
    to_status = forms.CharField(widget=forms.HiddenInput)
    expected = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label="说明", required=False, max_length=500)


class DocumentForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="文件名称", max_length=200, required=False)
    file = AttachmentField(label="文件")
    public = forms.BooleanField(label="随项目对外公开", required=False, initial=True)
