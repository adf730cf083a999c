from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from zhaoshang.common.forms import StyledFormMixin

from . import policy
from .models import Department, Role, SecurityPolicy, User


class VersionedForm(StyledFormMixin, forms.ModelForm):
    """A model form that carries the version it was built on, for stale-edit refusal."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["version"].initial = self.instance.version

    def changed_data_dict(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class LoginForm(StyledFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。连续失败 %(limit)s 次，账号将被锁定 %(minutes)s 分钟。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def get_invalid_login_error(self):
        current = policy.current()
        return forms.ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={"limit": current["lockout_failures"], "minutes": current["lockout_minutes"]},
        )


class PasswordChangeForm(StyledFormMixin, forms.Form):
    old_password = forms.CharField(
        label="当前密码", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password1 = forms.CharField(
        label="新密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    new_password2 = forms.CharField(
        label="确认新密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields[
            "new_password1"
        ].help_text = password_validation.password_validators_help_text_html()

    def clean_old_password(self):
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError("当前密码不正确。")
        return value

    def clean(self):
        data = super().clean()
        new1, new2 = data.get("new_password1"), data.get("new_password2")
        if new1 and new2 and new1 != new2:
            self.add_error("new_password2", "两次输入的新密码不一致。")
        if new1 and data.get("old_password") == new1:
            self.add_error("new_password1", "新密码不能与当前密码相同。")
        if new1 and not self.errors:
            try:
                password_validation.validate_password(new1, self.user)
            except forms.ValidationError as exc:
                self.add_error("new_password1", exc)
        return data


class TokenForm(StyledFormMixin, forms.Form):
    token = forms.CharField(
        label="动态口令",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={
            "min_length": "动态口令为 6 位数字。",
            "max_length": "动态口令为 6 位数字。",
        },
    )

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError("动态口令为 6 位数字。")
        return token


class DepartmentForm(VersionedForm):
    class Meta:
        model = Department
        fields = [
            "name",
            "short_name",
            "kind",
            "parent",
            "code",
            "sort_order",
            "phone",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Department.objects.filter(is_active=True)
        if self.instance.pk:
            parents = parents.exclude(path__startswith=self.instance.path)
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = lambda d: "　" * d.depth + d.name


class UserForm(VersionedForm):
    class Meta:
        model = User
        fields = [
            "username",
            "full_name",
            "department",
            "title",
            "phone",
            "email",
            "is_civil_servant",
            "is_active",
        ]
        labels = {"username": "登录账号", "email": "电子邮箱", "is_active": "启用"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(is_active=True)
        self.fields["department"].label_from_instance = lambda d: "　" * d.depth + d.name
        self.fields["username"].help_text = "字母、数字及 @/./+/-/_"
        self.fields["full_name"].required = True


class UserCreateForm(UserForm):
    password = forms.CharField(
        label="初始密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="用户首次登录时须修改。",
    )

    class Meta(UserForm.Meta):
        fields = [f for f in UserForm.Meta.fields if f != "is_active"]

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if password:
            candidate = User(
                username=data.get("username") or "", full_name=data.get("full_name") or ""
            )
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class ResetPasswordForm(StyledFormMixin, forms.Form):
    password = forms.CharField(
        label="临时密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="用户下次登录时须修改。",
    )


class RoleForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Role
        fields = ["code", "name", "data_scope", "permissions", "description"]
        widgets = {"permissions": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .queries import grantable_permissions

        self.fields["permissions"].queryset = grantable_permissions()
        self.fields["permissions"].label_from_instance = lambda p: p.name


class GrantForm(StyledFormMixin, forms.Form):
    role = forms.ModelChoiceField(label="角色", queryset=Role.objects.all())


class PolicyForm(VersionedForm):
    class Meta:
        model = SecurityPolicy
        fields = [*policy.BOUNDS, *policy.TEXTS]
        widgets = {"webhook_allowed_hosts": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (_, low, high) in policy.BOUNDS.items():
            self.fields[name].help_text = f"允许范围 {low}–{high}"
            self.fields[name].widget.attrs.update(min=low, max=high)
