from django import forms


class StyledFormMixin:
    """Bootstrap classes on every widget, so templates render fields with one include."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(
                widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.HiddenInput
            ):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


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
    """The upload of a one-step import (carriers, targets): the file, nothing else."""

    file = forms.FileField(label="Excel 文件（.xlsx）")
