from django import forms

from zhaoshang.common.forms import StyledFormMixin
from zhaoshang.reference.models import KeyIndustry

from .models import Profile


class ProfileForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["intro", "strategy", "intro_en", "strategy_en", "address", "phone"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("intro", "strategy", "intro_en", "strategy_en")
        }


class ShowcaseForm(StyledFormMixin, forms.Form):
    enterprise = forms.CharField(
        label="企业统一社会信用代码或全称", max_length=200, help_text="须为企业库中的落地企业"
    )
    display_name = forms.CharField(label="展示名称", max_length=200, required=False)
    summary = forms.CharField(label="展示简介", widget=forms.Textarea(attrs={"rows": 3}))
    key_industry = forms.ModelChoiceField(
        label="产业", queryset=KeyIndustry.objects.all(), required=False
    )
    consent_on = forms.DateField(
        label="企业同意展示日期", widget=forms.DateInput(attrs={"type": "date"})
    )
