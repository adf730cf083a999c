from decimal import Decimal

from django import forms

from zhaoshang.common.forms import StyledFormMixin

from .importing import UNIT_LABEL
from .models import INDICATORS


class TargetForm(StyledFormMixin, forms.Form):
    """A unit's targets as offices write them: amounts in 万元 (foreign investment in 万美元)."""

    def __init__(self, *args, target=None, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label, kind in INDICATORS:
            field_label = f"{label}（{UNIT_LABEL[kind]}）"
            if kind == "count":
                field = forms.IntegerField(label=field_label, min_value=0, initial=0)
                initial = getattr(target, code, 0)
            else:
                field = forms.DecimalField(
                    label=field_label, min_value=0, max_digits=14, decimal_places=2, initial=0
                )
                initial = (Decimal(getattr(target, code, 0)) / 10000).quantize(Decimal("0.01"))
            self.fields[code] = field
            self.initial[code] = initial

    def values(self):
        out = {}
        for code, _, kind in INDICATORS:
            value = self.cleaned_data[code]
            out[code] = value if kind == "count" else (value * 10000).quantize(Decimal("0.01"))
        return out
