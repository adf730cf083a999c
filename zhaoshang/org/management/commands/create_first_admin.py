"""An empty district's first step: its three administrators, each with a one-time
password printed here once (README, "一个空的区从这里开始")."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from zhaoshang.org.services import FIRST_ADMINISTRATORS, first_administrators_create


class Command(BaseCommand):
    help = (
        "空库初始化：创建首个系统管理员（及安全管理员、审计管理员），"
        "并显示一次性密码（仅显示这一次）。系统已有管理员时拒绝执行。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--unit",
            default="区招商办",
            help="管理员所在单位名称；不存在时新建为招商办类单位（默认：区招商办）",
        )
        for code, username, full_name in FIRST_ADMINISTRATORS:
            parser.add_argument(
                f"--{code.replace('_', '-')}",
                dest=code,
                default=username,
                metavar="账号",
                help=f"{full_name}的登录账号（默认：{username}）",
            )

    def handle(self, *args, unit, **options):
        usernames = {code: options[code] for code, _, _ in FIRST_ADMINISTRATORS}
        try:
            created = first_administrators_create(actor=None, unit_name=unit, usernames=usernames)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        self.stdout.write(f"已在“{unit}”创建管理员账号（三员分立）：")
        self.stdout.write(f"  {'账号':<14}{'角色':<10}一次性密码")
        for user, role, password in created:
            self.stdout.write(f"  {user.username:<16}{role.name:<10}{password}")
        self.stdout.write(
            "以上密码只显示这一次，系统不保存明文，请分别交给本人。"
            "首次登录须修改密码，并绑定动态口令（手机身份验证器）后方可使用；"
            "此后由系统管理员创建单位和用户，由安全管理员授予角色。"
        )
