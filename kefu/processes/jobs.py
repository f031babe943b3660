"""The counter's background job: the 16:30 design batch and the 17:00 day's figures (P1, P11), run by
`manage.py worker` before the report documents (kefu.reports makes the day's report from the figures
stored here, later in the same pass)."""

from datetime import datetime

from kefu.core.registry import Job
from kefu.processes.schedule import run_due


def daily_jobs(now: datetime, *, verbose: bool = False) -> list[str]:
    return run_due(now)


JOBS = [Job("processes.daily", "窗口业务每日任务", daily_jobs, order=30)]
