from django import forms

from zhaoshang.common.forms import AttachmentField, StyledFormMixin
from zhaoshang.enterprises.forms import OfficeDateField
from zhaoshang.org.models import User

from ..models import (
    COMPUTED_SOURCES,
    Evaluation,
    EvaluationCriterion,
    EvaluationTemplate,
    MeetingRecord,
    Project,
)
from .services import parse_thresholds


def source_choices():
    return [("", "—（评审打分时不填）")] + [
        (name, Project._meta.get_field(name).verbose_name) for name in COMPUTED_SOURCES
    ]


class TemplateForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = EvaluationTemplate
        fields = ["name", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class CriterionForm(StyledFormMixin, forms.Form):
    dimension = forms.ChoiceField(
        label="评估维度", choices=EvaluationCriterion._meta.get_field("dimension").choices
    )
    name = forms.CharField(label="评估内容", max_length=200)
    weight = forms.DecimalField(label="权重", min_value=0.01, max_digits=6, decimal_places=2)
    rule = forms.ChoiceField(label="计分方式", choices=EvaluationCriterion.Rule.choices)
    max_score = forms.DecimalField(
        label="满分", initial=10, min_value=0.01, max_digits=6, decimal_places=2
    )
    source_field = forms.ChoiceField(label="取值指标", choices=source_choices, required=False)
    thresholds = forms.CharField(
        label="计分档次",
        required=False,
        help_text="自动计分时填写“指标值:得分”，高档在前，用分号隔开，如“300:10；200:6；100:3”（达到300得10分，低于最低档得0分）",
    )

    def clean(self):
        data = super().clean()
        if data.get("rule") == EvaluationCriterion.Rule.COMPUTED and "thresholds" in data:
            try:
                data["thresholds"] = parse_thresholds(data["thresholds"])
            except forms.ValidationError as exc:
                self.add_error("thresholds", exc.message_dict["thresholds"])
        return data


def reviewer_queryset():
    # Business users only: administrators (system, security, audit) do not review projects.
    return (
        User.objects.filter(is_active=True, grants__role__kind="business")
        .select_related("department")
        .distinct()
        .order_by("department__sort_order", "department_id", "username")
    )


class ReviewerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return f"{user.full_name or user.username}（{user.department.name}{'·' + user.title if user.title else ''}）"


class EvaluationCreateForm(StyledFormMixin, forms.Form):
    template = forms.ModelChoiceField(
        label="评估模板", queryset=EvaluationTemplate.objects.filter(is_active=True)
    )
    reviewers = ReviewerChoiceField(
        label="评审人",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="被指定的评审人可查阅本项目的评估页（含评分所需的项目信息），即使项目不在其单位的数据范围内",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = reviewer_queryset()


class DecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="评估结论",
        choices=[c for c in Evaluation.Decision.choices if c[0]],
    )
    conditions = forms.CharField(
        label="准入条件",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="有条件准入时必填",
    )
    reasons = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}))


class DocumentForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 14}))
    file = AttachmentField(label="附件（可选）", required=False)
    note = forms.CharField(label="修改说明", required=False, max_length=300)


class MeetingForm(StyledFormMixin, forms.Form):
    held_on = OfficeDateField(label="会议日期", required=True)
    session = forms.CharField(
        label="会次", max_length=40, help_text="如“第138次常务会议”，也可只填编号“138”"
    )
    attendees = forms.CharField(label="出席人员", widget=forms.Textarea(attrs={"rows": 2}))
    decision = forms.ChoiceField(label="审议结果", choices=MeetingRecord.Decision.choices)
    opinion = forms.CharField(
        label="审议意见 / 退回理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="退回修改时必填",
    )
    minutes = forms.CharField(
        label="会议纪要", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    minutes_file = AttachmentField(label="纪要文件（可选）", required=False)
