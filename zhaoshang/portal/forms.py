"""The portal's two forms. Every field has a length limit (the database's and the
form's), text is kept as typed and escaped wherever shown (Django templates escape; the
staff pages and notifications print it as text, never ``|safe``), and the CAPTCHA is
django-simple-captcha's image, drawn on the server."""

from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.common.forms import StyledFormMixin

CONTENT_MAX = 2000


class _Base(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("联系人"), max_length=50)
    contact = forms.CharField(
        label=_("联系方式"), max_length=100, help_text=_("手机、固定电话或电子邮箱")
    )
    enterprise_name = forms.CharField(label=_("企业名称"), max_length=200)
    content = forms.CharField(
        label=_("内容"),
        max_length=CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": CONTENT_MAX}),
    )
    captcha = CaptchaField(
        label=_("验证码"),
        widget=CaptchaTextInput(attrs={"autocomplete": "off", "class": "form-control"}),
        error_messages={"invalid": _("验证码不正确，请重新输入图中的字符。")},
    )

    def clean_contact(self):
        value = self.cleaned_data["contact"].strip()
        digits = sum(ch.isdigit() for ch in value)
        if "@" not in value and digits < 7:
            raise forms.ValidationError(_("请填写可以联系到您的电话号码或电子邮箱。"))
        return value


class EnquiryForm(_Base):
    industry = forms.CharField(label=_("意向产业"), max_length=100, required=False)
    investment = forms.CharField(
        label=_("意向投资规模"), max_length=50, required=False, help_text=_("例如：5000万元")
    )
    opportunity = forms.IntegerField(required=False, widget=forms.HiddenInput)
    field_order = [
        "enterprise_name",
        "name",
        "contact",
        "industry",
        "investment",
        "content",
        "captcha",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["content"].label = _("咨询内容")


class ComplaintForm(_Base):
    field_order = ["name", "contact", "enterprise_name", "content", "captcha"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["content"].label = _("投诉事项")
