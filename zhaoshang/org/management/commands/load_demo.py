from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from zhaoshang.org.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "载入演示区（河西区）：单位、各角色演示账号、重点产业、功能区与载体。可重复执行。"

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            # The demo accounts' password is printed in the README: in a real district
            # they would be open doors, the administrators among them.
            raise CommandError(
                "生产环境（DJANGO_ENV=production）不能载入演示数据：演示账号的密码是公开的。"
                "首次部署请运行 manage.py create_first_admin 创建管理员账号。"
            )
        users = load_demo()
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        self.stdout.write(f"  {'账号':<14}{'姓名':<8}{'单位':<16}角色")
        for username, full_name, unit, role in users:
            self.stdout.write(f"  {username:<16}{full_name:<8}{unit:<16}{role}")
        self.stdout.write(
            "系统管理员、安全管理员、审计管理员首次登录须绑定动态口令（手机身份验证器）。"
        )
