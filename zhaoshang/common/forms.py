import re

from django import forms

# What a list of choices shows before anything is picked, on every form.
EMPTY_CHOICE = "请选择"
# Django's own placeholder ("---------") and the bare dashes some forms wrote instead;
# an empty choice that says something ("—（评审打分时不填）") keeps its words.
_PLACEHOLDER = re.compile(r"^[-—–\s]*$")


def _empty_choice_reads_please_choose(field):
    if isinstance(field, forms.ModelChoiceField):
        # A model choice list is a query: only its empty label is set, nothing is read.
        if field.empty_label is not None and _PLACEHOLDER.match(str(field.empty_label)):
            field.empty_label = EMPTY_CHOICE
    elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
        choices = list(field.choices)
        if any(value == "" and _PLACEHOLDER.match(str(label)) for value, label in choices):
            field.choices = [
                (value, EMPTY_CHOICE if value == "" and _PLACEHOLDER.match(str(label)) else label)
                for value, label in choices
            ]


class StyledFormMixin:
    """Bootstrap classes on every widget, so templates render fields with one include,
    and the empty choice of every list reading 请选择 (never Django's "---------").
    ``placed_apart`` names fields the page renders in a place of their own, which
    form_fields.html leaves out. ``id_prefix`` starts the element ids of a form that
    shares its page with others (the project page's ledger and problem forms both have a
    field ``title`` or ``note``; an id may appear once on a page)."""

    placed_apart: tuple[str, ...] = ()
    id_prefix: str | None = None

    def __init__(self, *args, **kwargs):
        if self.id_prefix:
            kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(
                widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.HiddenInput
            ):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def __getitem__(self, name):
        # Here rather than in __init__: forms set their own choices and querysets after
        # this mixin's __init__ has run; every rendering of a field passes through here.
        _empty_choice_reads_please_choose(self.fields[name])
        return super().__getitem__(name)


def _check_attachment(upload):
    from django.conf import settings

    from zhaoshang.common import uploads

    try:
        uploads.check(
            upload, allowed=uploads.ATTACHMENT_TYPES, max_bytes=settings.MAX_ATTACHMENT_BYTES
        )
    except uploads.UploadError as exc:
        raise forms.ValidationError(str(exc), code="upload") from exc


class AttachmentField(forms.FileField):
    """A document attached to a record (agreement, terms, minutes): its size, and its type
    by its content, are checked as every upload's are (common/uploads.py)."""

    default_validators = [_check_attachment]

    def __init__(self, *args, **kwargs):
        from zhaoshang.common.uploads import ATTACHMENT_TYPES

        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": ",".join(ATTACHMENT_TYPES)})
        )
        kwargs.setdefault("help_text", "PDF、OFD、Word、WPS、Excel 或扫描图片（JPG、PNG）")
        super().__init__(*args, **kwargs)


class ImportUploadForm(StyledFormMixin, forms.Form):
    """The upload of an import (carriers, targets): the file, nothing else."""

    file = forms.FileField(label="Excel 或 CSV 文件（.xlsx 或 .csv，CSV 可为 UTF-8 或 GBK 编码）")
