"""Check or rebuild the monthly funds sums (月度到位资金汇总) against the entries.

    manage.py recount_funds --check   # list the months whose sums differ; exit 1 if any
    manage.py recount_funds           # recompute every sum from the entries

The sums are kept right by every write; a rebuild is for after a bulk load that wrote
entries directly (a migration from the old spreadsheets, a benchmark) or a repair."""

from django.core.management.base import BaseCommand, CommandError

from zhaoshang.reports.services import funds_month_drift, funds_month_rebuild


class Command(BaseCommand):
    help = "核对或重算月度到位资金汇总"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只核对，不修改")

    def handle(self, *args, check=False, **options):
        if not check:
            rows = funds_month_rebuild()
            self.stdout.write(f"已按到位资金明细重算月度汇总，共 {rows} 行。")
            return
        drift = funds_month_drift()
        for (unit, year, month, currency, source), stored, fresh in drift:
            self.stdout.write(
                f"单位 {unit} {year}年{month}月 {currency} {source}："
                f"汇总 {stored or '无'}，明细 {fresh or '无'}"
            )
        if drift:
            raise CommandError(f"月度到位资金汇总与明细不一致：{len(drift)} 处。")
        self.stdout.write("月度到位资金汇总与明细一致。")
