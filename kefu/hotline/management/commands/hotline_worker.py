"""The background worker of the hotline: scans deadlines and callbacks every few seconds.

`manage.py hotline_worker` runs until stopped (the README's run command starts it next to the web
server); `--once` does one scan and exits (tests and cron use it)."""

import signal
import time

from django.core.management.base import BaseCommand

from kefu.hotline.services.deadlines import scan
from kefu.kpi.rollup import refresh as refresh_kpi
from kefu.processes.schedule import run_due
from kefu.reports.schedule import run_due as run_reports_due


class Command(BaseCommand):
    help = "扫描工单时限与回电任务，发出到期、超期提醒并逐级上报"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只扫描一次后退出")
        parser.add_argument("--interval", type=float, default=30.0, help="两次扫描之间的秒数（默认30）")

    def handle(self, *args, once=False, interval=30.0, **options):
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        while True:
            result = scan()
            # The KPI rollups fold in the days whose records changed since the last pass (R1), before
            # the documents below read them.
            refreshed = refresh_kpi()
            if refreshed and options["verbosity"] > 1:
                self.stdout.write(f"指标汇总重算 {refreshed} 天")
            # The counter's daily jobs (16:30 design batch, 17:00 report) and the report documents
            # (scheduled, and those readers asked for) ride on the same loop.
            for line in run_due() + run_reports_due():
                self.stdout.write(line)
            if once or result.alerts or options["verbosity"] > 1:
                self.stdout.write(
                    f"即将到期 {result.due_soon} · 超期 {result.overdue} · 上报 {result.escalated} · "
                    f"回电到期 {result.callbacks_due} · 新提醒 {result.alerts}"
                )
            if once or stopping:
                return
            try:
                time.sleep(interval)
            except KeyboardInterrupt:
                return
