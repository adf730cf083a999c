from django import forms

from zhaoshang.common.forms import AttachmentField, StyledFormMixin
from zhaoshang.reference.models import KeyIndustry

from .models import Policy, normalize_doc_number, validate_doc_number


class PolicyForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Policy
        fields = [
            "title",
            "doc_number",
            "industries",
            "valid_from",
            "valid_until",
            "measures",
            "rules",
            "explanation",
        ]
        widgets = {
            "industries": forms.CheckboxSelectMultiple,
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
            "measures": forms.Textarea(attrs={"rows": 8}),
            "rules": forms.Textarea(attrs={"rows": 8}),
            "explanation": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {"doc_number": "如 津河西发改〔2020〕13号；年份用六角括号〔〕"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industries"].queryset = KeyIndustry.objects.all()

    def clean_doc_number(self):
        value = normalize_doc_number(self.cleaned_data.get("doc_number"))
        validate_doc_number(value)
        return value

    def policy_data(self):
        return {f: self.cleaned_data.get(f) for f in self.Meta.fields}


class NoteForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label="说明", required=False, max_length=500)


class AttachmentForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="附件名称", max_length=200, required=False)
    file = AttachmentField(label="文件")
