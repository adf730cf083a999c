from django import forms
from django.core.exceptions import ValidationError

from zhaoshang.common.forms import StyledFormMixin
from zhaoshang.org.forms import VersionedForm
from zhaoshang.org.models import Department
from zhaoshang.reference.models import Industry, Region

from .models import Contact, Enterprise, RankingKind
from .parsing import parse_amount, parse_date
from .services import clean_credit_code


class AmountField(forms.CharField):
    """An amount as offices write it ("5000万元", "500万美元"); cleans to (yuan, currency)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "如 5000万元、1.2亿元、500万美元")
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_amount(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class OfficeDateField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "如 2021-01-11、2021/1/11 或 2021年1月11日")
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_date(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


def amount_text(amount, currency):
    if amount is None:
        return ""
    unit = {
        "CNY": "万元",
        "USD": "万美元",
        "EUR": "万欧元",
        "HKD": "万港元",
        "JPY": "万日元",
        "GBP": "万英镑",
    }
    return f"{(amount / 10000).normalize():f}{unit.get(currency, '万元')}"


class EnterpriseForm(VersionedForm):
    registered_capital_text = AmountField(label="注册资本")
    paid_in_capital_text = AmountField(label="实缴资本")
    founded_on_text = OfficeDateField(label="成立日期")
    # Shown with the likely duplicates only (enterprises/duplicate_candidates.html).
    confirm_duplicates = forms.BooleanField(
        label="我已核对上述疑似重复企业，确认是不同的企业，仍要新增", required=False
    )
    placed_apart = ("confirm_duplicates",)

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "credit_code",
            "legal_representative",
            "ownership",
            "status",
            "department",
            "listing_exchange",
            "stock_code",
            "hq_region",
            "industries",
            "key_industries",
            "tags",
            "website",
            "description",
            "notes",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "industries": forms.SelectMultiple(attrs={"size": 6}),
            "key_industries": forms.CheckboxSelectMultiple,
            "tags": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        e = self.instance
        if e.pk:
            self.fields["registered_capital_text"].initial = amount_text(
                e.registered_capital, e.registered_currency
            )
            self.fields["paid_in_capital_text"].initial = amount_text(
                e.paid_in_capital, e.paid_in_currency
            )
            self.fields["founded_on_text"].initial = (
                e.founded_on.isoformat() if e.founded_on else ""
            )
            del self.fields["confirm_duplicates"]
        self.fields["industries"].queryset = Industry.objects.filter(level="division")
        self.fields["hq_region"].queryset = Region.objects.all()
        self.fields["department"].queryset = Department.objects.filter(is_active=True)
        self.fields["department"].label_from_instance = lambda d: "　" * d.depth + d.name

    def clean_credit_code(self):
        return clean_credit_code(self.cleaned_data.get("credit_code"))

    def _post_clean(self):
        # The service validates the whole record (and duplicates); the form only parses.
        pass

    def service_data(self):
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        for field, text in [
            ("registered", "registered_capital_text"),
            ("paid_in", "paid_in_capital_text"),
        ]:
            parsed = self.cleaned_data.get(text)
            data[f"{field}_capital"] = parsed[0] if parsed else None
            data[f"{field}_currency"] = parsed[1] if parsed else "CNY"
        data["founded_on"] = self.cleaned_data.get("founded_on_text")
        for key in (
            "listing_exchange",
            "stock_code",
            "website",
            "description",
            "notes",
            "legal_representative",
            "ownership",
        ):
            data[key] = data.get(key) or ""
        return data


class ContactForm(StyledFormMixin, forms.ModelForm):
    id_prefix = "contact"  # one of the enterprise page's forms

    class Meta:
        model = Contact
        fields = ["name", "title", "phone", "email"]


class RankingForm(StyledFormMixin, forms.Form):
    id_prefix = "ranking"  # one of the enterprise page's forms
    kind = forms.ChoiceField(label="榜单", choices=RankingKind.choices)
    year = forms.IntegerField(label="年份", min_value=1990, max_value=2100)
    rank = forms.IntegerField(label="名次", min_value=1, required=False)


class FormerNameForm(StyledFormMixin, forms.Form):
    id_prefix = "former"  # one of the enterprise page's forms
    name = forms.CharField(label="曾用名", max_length=200)


class MergeForm(StyledFormMixin, forms.Form):
    duplicate = forms.IntegerField(label="重复企业编号", widget=forms.HiddenInput)
