"""Check or rebuild the dashboard's monthly ticket sums (诉求办理月度汇总) against the tickets.

    manage.py recount_tickets --check   # list the months whose sums differ; exit 1 if any
    manage.py recount_tickets           # recompute every month from the tickets

The sums are kept right by every move of a ticket; a rebuild is for after a bulk load
that wrote tickets directly (a migration from the old spreadsheets, a benchmark) or a
repair."""

from django.core.management.base import BaseCommand, CommandError

from zhaoshang.aftercare.services import ticket_month_drift, ticket_month_rebuild


class Command(BaseCommand):
    help = "核对或重算诉求办理月度汇总"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只核对，不修改")

    def handle(self, *args, check=False, **options):
        if not check:
            rows = ticket_month_rebuild()
            self.stdout.write(f"已按诉求记录重算办理月度汇总，共 {rows} 行。")
            return
        drift = ticket_month_drift()
        for (unit, street, kind, year, month), stored, fresh in drift:
            self.stdout.write(
                f"单位 {unit} 街道 {street or '无'} 事项类型 {kind} {year}年{month}月："
                f"汇总 {stored or '无'}，明细 {fresh or '无'}"
            )
        if drift:
            raise CommandError(f"诉求办理月度汇总与诉求记录不一致：{len(drift)} 处。")
        self.stdout.write("诉求办理月度汇总与诉求记录一致。")
