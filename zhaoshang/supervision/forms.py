"""The forms of supervision pages. They check the shape of the input; the rules (the
deadline, who may act, a closed item) are the services'."""

from django import forms

from zhaoshang.common.forms import AttachmentField, StyledFormMixin, _check_attachment
from zhaoshang.org.models import Department, User

from .models import Accountability, Item


def _units():
    return Department.objects.filter(is_active=True).order_by("sort_order", "pk")


class ItemForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="督办事项", max_length=200)
    requirement = forms.CharField(
        label="督办要求",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="写明须完成的工作与标准",
    )
    department = forms.ModelChoiceField(
        label="承办单位", queryset=Department.objects.none(), required=False
    )
    leader = forms.ModelChoiceField(
        label="责任领导",
        queryset=User.objects.none(),
        required=False,
        help_text="超期升级时一并提醒",
    )
    deadline_days = forms.IntegerField(
        label="办理时限（工作日）", required=False, min_value=1, help_text="与办结期限二选一"
    )
    due_on = forms.DateField(
        label="办结期限",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="须为今后的工作日",
    )

    def __init__(self, *args, department_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _units()
        self.fields["department"].required = department_required
        if not department_required:
            self.fields["department"].help_text = "不选则为督办对象的责任单位"
        self.fields["leader"].queryset = User.objects.filter(
            is_active=True, department__kind=Department.Kind.LEADERSHIP
        ).order_by("pk")


class ProgressForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label="办理进展", widget=forms.Textarea(attrs={"rows": 3}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several documents in one upload, each checked as every upload is."""

    def __init__(self, *args, **kwargs):
        from zhaoshang.common.uploads import ATTACHMENT_TYPES

        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(ATTACHMENT_TYPES)}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "可选多个文件：PDF、OFD、Word、WPS、Excel 或扫描图片")
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        out = []
        for f in files:
            f = super().clean(f, initial)
            _check_attachment(f)
            out.append(f)
        return out


class ProgressUploadForm(ProgressForm):
    files = AttachmentsField(label="附件")


class AccountabilityForm(StyledFormMixin, forms.Form):
    person = forms.CharField(label="问责对象", max_length=100, help_text="姓名及职务")
    department = forms.ModelChoiceField(label="所在单位", queryset=Department.objects.none())
    failure = forms.CharField(label="问责事由", widget=forms.Textarea(attrs={"rows": 3}))
    measure = forms.ChoiceField(label="问责方式", choices=Accountability.Measure.choices)
    decision_number = forms.CharField(label="决定文号", max_length=60)
    decided_on = forms.DateField(label="决定日期", widget=forms.DateInput(attrs={"type": "date"}))
    decision_file = AttachmentField(label="决定文书", required=False)

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _units()
        if item is not None:
            self.fields["department"].initial = item.department_id


SUBJECTS_BY_PARAM = {
    "project": Item.Subject.PROJECT,
    "problem": Item.Subject.PROBLEM,
    "ticket": Item.Subject.TICKET,
    "target": Item.Subject.TARGET,
    "department": Item.Subject.DEPARTMENT,
}
