"""The background worker: every job the apps register (kefu.core.registry), one pass every few seconds.

`manage.py worker` runs until stopped (the README's run command and deploy/kefu-worker.service start
it next to the web server); `--once` does one pass and exits (tests and cron use it); `--job NAME`
runs only the named jobs. Within a pass the jobs run in their registered order (the deadline scan, the
KPI rollups, the counter's daily jobs, then the report documents that read what those wrote). A job
that fails is logged and the pass goes on with the next one: a broken report must not stop the
hotline's deadline alerts. SIGTERM lets the current pass finish, then the worker leaves.
"""

import logging
import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kefu.core.registry import Job, platform

log = logging.getLogger("kefu.worker")


class Command(BaseCommand):
    help = "后台任务：工单时限与回电扫描、指标汇总、窗口业务每日任务、报表生成等各应用登记的任务"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只运行一轮后退出")
        parser.add_argument("--interval", type=float, default=30.0, help="两轮之间的秒数（默认30）")
        parser.add_argument(
            "--job",
            action="append",
            dest="jobs",
            metavar="NAME",
            help="只运行指定的任务（可重复）；可选：" + "、".join(j.name for j in platform.ordered_jobs()),
        )

    def handle(self, *args, once=False, interval=30.0, jobs=None, **options):
        chosen = self.chosen_jobs(jobs)
        verbose = once or options.get("verbosity", 1) > 1
        stopping: list[bool] = []
        previous = signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        try:
            while True:
                self.run_pass(chosen, verbose=verbose)
                if once or stopping or self.rest(interval, stopping):
                    return
        except KeyboardInterrupt:
            return
        finally:
            signal.signal(signal.SIGTERM, previous)

    def chosen_jobs(self, names: list[str] | None) -> list[Job]:
        jobs = platform.ordered_jobs()
        if not names:
            return jobs
        unknown = sorted(set(names) - {job.name for job in jobs})
        if unknown:
            known = "、".join(job.name for job in jobs)
            raise CommandError(f"没有这个后台任务：{'、'.join(unknown)}（可选：{known}）")
        return [job for job in jobs if job.name in names]

    def run_pass(self, jobs: list[Job], *, verbose: bool) -> None:
        for job in jobs:
            try:
                # Each job reads the clock when its turn comes: an earlier slow job must not make a
                # later one think it is earlier than it is.
                lines = job.run(timezone.now(), verbose=verbose)
            except Exception as error:  # noqa: BLE001 - one job's failure must not stop the others
                log.exception("worker job %s failed", job.name)
                self.stderr.write(f"{job.label}（{job.name}）失败：{error}")
                continue
            for line in lines:
                self.stdout.write(line)

    @staticmethod
    def rest(interval: float, stopping: list[bool]) -> bool:
        """Sleep until the next pass in short steps, so that SIGTERM is answered within a second.
        Returns whether to stop."""
        deadline = time.monotonic() + interval
        while not stopping:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(left, 1.0))
        return True
