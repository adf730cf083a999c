from django import forms

from zhaoshang.common.forms import StyledFormMixin
from zhaoshang.org.forms import VersionedForm
from zhaoshang.org.models import Department

from .models import CalendarDay, Carrier, Industry, KeyIndustry, Zone


def _unit_choices(field):
    field.queryset = Department.objects.filter(is_active=True)
    field.label_from_instance = lambda d: "　" * d.depth + d.name


class KeyIndustryForm(VersionedForm):
    class Meta:
        model = KeyIndustry
        fields = [
            "name",
            "department",
            "strategic_emerging",
            "divisions",
            "description",
            "sort_order",
        ]
        widgets = {
            "divisions": forms.SelectMultiple(attrs={"size": 12}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _unit_choices(self.fields["department"])
        self.fields["divisions"].queryset = Industry.objects.filter(level="division")
        self.fields["divisions"].help_text = "按住 Ctrl 可多选"


class ZoneForm(VersionedForm):
    class Meta:
        model = Zone
        fields = ["name", "positioning", "key_industries", "department", "area_km2", "description"]
        widgets = {
            "key_industries": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _unit_choices(self.fields["department"])


class CarrierForm(VersionedForm):
    class Meta:
        model = Carrier
        fields = [
            "kind",
            "name",
            "address",
            "zone",
            "total_area",
            "vacant_area",
            "leading_industries",
            "operator",
            "contact_name",
            "contact_phone",
            "idle_reserve",
            "reserved_for_major",
            "description",
        ]
        widgets = {
            "leading_industries": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"total_area": "楼宇、园区以平方米计，土地以亩计", "idle_reserve": "仅土地"}


class CalendarDayForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="类型", choices=CalendarDay.Kind.choices)
    note = forms.CharField(
        label="说明", max_length=50, required=False, help_text="如：春节、国庆节调休"
    )
    notice = forms.CharField(
        label="依据通知",
        max_length=200,
        help_text="如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕X号）",
    )


class CalendarImportForm(StyledFormMixin, forms.Form):
    notice = forms.CharField(
        label="依据通知", max_length=200, help_text="文件中各日期均记为依据此通知"
    )
    file = forms.FileField(label="Excel 文件（.xlsx）")
