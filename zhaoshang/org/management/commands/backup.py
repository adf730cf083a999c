from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from zhaoshang.common.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "备份：数据库（SQLite 在线备份或 pg_dump）与上传文件打包为一个带日期的归档，"
        "系统运行中即可执行。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default=None, help="备份目录（默认 ZS_BACKUP_DIR，即 var/backups）"
        )
        parser.add_argument(
            "--keep", type=int, default=None, metavar="N", help="只保留该目录中最新的 N 份备份"
        )

    def handle(self, *args, output, keep, **options):
        if keep is not None and keep < 1:
            raise CommandError("--keep 至少为 1：不能把刚做好的备份也删掉。")
        try:
            path = backup_create(actor=None, directory=output or settings.ZS_BACKUP_DIR, keep=keep)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"备份完成：{path}（{path.stat().st_size / 1024 / 1024:.1f} MB）")
