"""Password rules of the security policy, as Django validators so that every way of
setting a password (forms, services, the shell's set_password via services) obeys them."""

import string

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

from . import policy

CLASSES = [
    ("小写字母", set(string.ascii_lowercase)),
    ("大写字母", set(string.ascii_uppercase)),
    ("数字", set(string.digits)),
    ("特殊符号", set(string.punctuation)),
]


class MinimumLengthValidator:
    def __init__(self, min_length=8):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                f"密码太短，至少需要 {self.min_length} 个字符。", code="password_too_short"
            )

    def get_help_text(self):
        return f"至少 {self.min_length} 个字符。"


class CharacterClassValidator:
    def validate(self, password, user=None):
        need = settings.SECURITY_POLICY["PASSWORD_MIN_CLASSES"]
        present = sum(1 for _, chars in CLASSES if chars & set(password))
        if present < need:
            raise ValidationError(
                f"密码须至少包含小写字母、大写字母、数字、特殊符号中的 {need} 类。",
                code="password_classes",
            )

    def get_help_text(self):
        need = settings.SECURITY_POLICY["PASSWORD_MIN_CLASSES"]
        return f"至少包含小写字母、大写字母、数字、特殊符号中的 {need} 类。"


class NoUsernameValidator:
    def validate(self, password, user=None):
        username = getattr(user, "username", "") or ""
        if len(username) >= 3 and username.lower() in password.lower():
            raise ValidationError("密码不能包含用户名。", code="password_has_username")

    def get_help_text(self):
        return "不能包含用户名。"


class HistoryValidator:
    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        keep = policy.current()["password_history"]
        recent = user.password_history.values_list("password", flat=True)[:keep]
        if any(check_password(password, old) for old in recent):
            raise ValidationError(
                f"新密码不能与最近 {keep} 次使用过的密码相同。", code="password_reused"
            )

    def get_help_text(self):
        keep = policy.current()["password_history"]
        return f"不能与最近 {keep} 次使用过的密码相同。"
