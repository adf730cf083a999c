from django.core.management.base import BaseCommand, CommandError

from zhaoshang.common.backup import BackupError, backup_restore, read_manifest


class Command(BaseCommand):
    help = (
        "从 manage.py backup 生成的归档恢复数据库与上传文件（覆盖现有数据）。"
        "恢复前请停止网页服务、后台任务与定时任务进程。"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="备份文件（zhaoshang-backup-….tar.gz）")
        parser.add_argument(
            "--noinput", "--no-input", dest="interactive", action="store_false", help="不询问确认"
        )

    def handle(self, *args, archive, interactive, **options):
        try:
            manifest = read_manifest(archive)
            if interactive:
                answer = input(
                    f"将用 {manifest['created_at']} 的备份覆盖当前数据库与全部上传文件，"
                    "此后的数据将丢失。请确认网页服务与后台任务已停止。继续请输入 yes："
                )
                if answer.strip().lower() != "yes":
                    raise CommandError("已取消，未做任何改动。")
            manifest, pending = backup_restore(actor=None, archive=archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = len(manifest["counts"])
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"恢复完成：{tables} 张表、{rows} 行与备份记录一致（备份时间 {manifest['created_at']}）。"
        )
        if pending:
            self.stdout.write(
                f"备份早于当前程序，尚有 {len(pending)} 项数据库迁移未执行：请运行 manage.py migrate。"
            )
