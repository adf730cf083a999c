from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from zhaoshang.portal import dbrole


class Command(BaseCommand):
    help = (
        "创建或更新门户网站独立进程使用的 PostgreSQL 角色：只能读取已公开的数据、"
        "写入门户咨询和投诉。须以表的所有者（或超级用户）运行；可重复执行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", default="zs_portal", help="角色名（默认 zs_portal）")
        parser.add_argument("--password-file", help="从该文件读取角色密码（不在命令行出现）")

    def handle(self, *args, role, password_file=None, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "门户数据库角色仅适用于 PostgreSQL；SQLite 部署下门户与业务系统同进程运行。"
            )
        password = (
            Path(password_file).read_text(encoding="utf-8").strip() if password_file else None
        )
        with transaction.atomic(), connection.cursor() as cursor:
            dbrole.apply(cursor, role, password)
        self.stdout.write(
            f"已设置角色 {role}：可读取已公开的政策、招商项目、简报与基础数据，可写入门户咨询和投诉。"
        )
