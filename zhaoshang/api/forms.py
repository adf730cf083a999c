from django import forms

from zhaoshang.common.forms import StyledFormMixin
from zhaoshang.org.queries import departments_for

from . import keys, queries
from .models import DEFAULT_RATE_PER_MINUTE, MAX_RATE_PER_MINUTE, ApiKey


class ApiKeyForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label="调用系统名称", max_length=100, help_text="例如：市招商引资平台、区税务局征管系统"
    )
    description = forms.CharField(label="用途说明", max_length=200, required=False)
    department = forms.ModelChoiceField(
        label="所属单位",
        queryset=None,
        help_text="密钥按这个单位的身份调用：数据范围为“本单位”“本单位及下级”时以它为准。",
    )
    role = forms.ModelChoiceField(
        label="角色（权限与数据范围）",
        queryset=None,
        help_text="与给人授权相同：角色决定能调用哪些接口、能看到哪些数据。",
    )
    access = forms.ChoiceField(
        label="读写权限",
        choices=ApiKey.Access.choices,
        initial=ApiKey.Access.READ,
        widget=forms.RadioSelect,
    )
    modules = forms.MultipleChoiceField(
        label="可调用的模块", choices=(), widget=forms.CheckboxSelectMultiple
    )
    rate_per_minute = forms.IntegerField(
        label="每分钟调用上限",
        min_value=1,
        max_value=MAX_RATE_PER_MINUTE,
        initial=DEFAULT_RATE_PER_MINUTE,
    )
    expires_on = forms.DateField(
        label="有效期至",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="含当日；不填为长期有效（可随时吊销）。",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_for(user).filter(is_active=True)
        roles = self.fields["role"]
        roles.queryset = queries.assignable_roles()
        roles.label_from_instance = lambda r: f"{r.name}（{r.get_data_scope_display()}）"
        self.fields["modules"].choices = list(keys.modules().items())
