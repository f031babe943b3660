"""Rebuild the KPI rollups from the hotline's records, day by day, with a progress bar.

manage.py rebuild_kpi                      # every day from the first contact to today
manage.py rebuild_kpi --from 2026-01-01 --to 2026-03-31
manage.py rebuild_kpi --refresh            # only what changed since the last run (the worker's step)
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kefu.kpi import rollup


class Command(BaseCommand):
    help = "重建指标看板的汇总数据（按天重新计算）"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", help="开始日期，如 2026-01-01")
        parser.add_argument("--to", dest="end", help="结束日期（含）")
        parser.add_argument("--refresh", action="store_true", help="只重算上次以来有改动的日期")

    def handle(self, *args, start=None, end=None, refresh=False, **options):
        if refresh:
            days = rollup.refresh()
            self.stdout.write(f"已重算 {days} 天")
            return
        try:
            first = date.fromisoformat(start) if start else None
            last = date.fromisoformat(end) if end else None
        except ValueError as error:
            raise CommandError(f"日期格式应为 2026-01-01：{error}") from None
        days = rollup.all_days()
        if first or last:
            days = [d for d in days if (not first or d >= first) and (not last or d <= last)]
            if not days:
                raise CommandError("所选范围内没有日期")
        bar = tqdm(total=len(days), unit="天", desc="重建指标汇总", disable=options["verbosity"] == 0)
        written = rollup.rebuild(days if (first or last) else None, progress=lambda day, rows: bar.update(1))
        bar.close()
        self.stdout.write(f"已重建 {len(days)} 天，写入 {written} 行汇总")
