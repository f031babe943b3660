"""When the worker makes each report (R1), and the loop step that does it.

The times are policies an administrator can change (kefu.core.policies, `reports.*`): the day's
reports after the day has ended (00:30 for yesterday; the hotline works around the clock), the week's
on Monday morning for the week before, the month's on the 1st for the month before. The counter's
application report keeps its own 17:00 on working days (processes.daily_report_time): the worker runs
the counter's job, which stores the day's figures, before this one in the same pass.

A job is due from its time until it has been made: a worker that was down at 00:30 makes yesterday's
report when it comes back, and the month's report is made on the 3rd if the 1st was missed. The claim
is the scheduled GeneratedReport row itself (unique per kind and period), so two workers, or the loop
running every 30 seconds, make each report once."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from kefu.core import periods
from kefu.core.calendar import WorkingCalendar
from kefu.core.periods import Period
from kefu.core.policies import get_policy
from kefu.reports import services
from kefu.reports.models import GeneratedReport

log = logging.getLogger(__name__)


def clock(policy_key: str) -> time:
    """A policy holding a time of day. get_policy checks it and falls back to the shipped time when a
    stored value is not one, so an administrator's typo cannot stop the worker (which also runs the
    hotline's deadlines)."""
    return get_policy(policy_key)


def whole(policy_key: str, lowest: int, highest: int) -> int:
    """A policy holding a whole number (checked by get_policy), kept within [lowest, highest]."""
    return min(max(get_policy(policy_key), lowest), highest)


def _daily(now: datetime) -> Period | None:
    if now.time() < clock("reports.daily_time"):
        return None
    return periods.day(now.date() - timedelta(days=1))


def _weekly(now: datetime) -> Period | None:
    monday = now.date() - timedelta(days=now.weekday())
    weekday = whole("reports.weekly_weekday", 1, 7)
    due = datetime.combine(
        monday + timedelta(days=weekday - 1), clock("reports.weekly_time"), tzinfo=now.tzinfo
    )
    if now < due:
        return None
    return periods.week(monday - timedelta(days=7))


def _monthly(now: datetime) -> Period | None:
    # A day past the month's end (29–31) means its last day.
    first = now.date().replace(day=1)
    last_day = ((first + timedelta(days=32)).replace(day=1) - timedelta(days=1)).day
    day = whole("reports.monthly_day", 1, last_day)
    due = datetime.combine(first.replace(day=day), clock("reports.monthly_time"), tzinfo=now.tzinfo)
    if now < due:
        return None
    previous = first - timedelta(days=1)
    return periods.month(previous.year, previous.month)


def _counter_daily(now: datetime) -> Period | None:
    # The application report of the day itself, at 17:00 on working days (counter hours).
    if now.time() < clock("processes.daily_report_time"):
        return None
    if not WorkingCalendar().day(now.date()).working:
        return None
    return periods.day(now.date())


@dataclass(frozen=True)
class Job:
    kind: str
    due: Callable[[datetime], Period | None]  # the period to make at `now`, or None when nothing is due


JOBS = [
    Job("daily_workload", _daily),
    Job("weekly_supervision", _weekly),
    Job("monthly_register", _monthly),
    Job("monthly_quality", _monthly),
    Job("counter_monthly", _monthly),
    Job("collection_monthly", _monthly),
    Job("counter_daily", _counter_daily),
]


def due_jobs(now: datetime, *, kinds: list[str] | None = None) -> list[tuple[str, Period]]:
    """The jobs whose time has come and whose period has not been made (one query for all of them)."""
    jobs = [job for job in JOBS if kinds is None or job.kind in kinds]
    periods_due: dict[Callable, Period | None] = {}
    for job in jobs:  # the monthly jobs share one rule: read its policies once
        if job.due not in periods_due:
            periods_due[job.due] = job.due(now)
    wanted = [(job.kind, periods_due[job.due]) for job in jobs if periods_due[job.due] is not None]
    if not wanted:
        return []
    claimed = Q()
    for kind, period in wanted:
        claimed |= Q(kind=kind, period_start=period.start)
    made = set(
        GeneratedReport.objects.filter(
            claimed, trigger=GeneratedReport.Trigger.SCHEDULE, unit__isnull=True
        ).values_list("kind", "period_start")
    )
    return [(kind, period) for kind, period in wanted if (kind, period.start) not in made]


def _run(kind: str, period: Period) -> list[str]:
    report = services.generate(kind, period, trigger=GeneratedReport.Trigger.SCHEDULE)
    if report is None:
        return []  # another worker claimed it
    if report.state == GeneratedReport.State.FAILED:
        return [f"{report.title}生成失败：{report.error}"]
    return [f"{report.title}已生成"]


def run_due(now: datetime | None = None) -> list[str]:
    """One round of the worker: give up on abandoned documents, make the reports readers asked for,
    then the scheduled ones that are due. Returns what was done, in Chinese."""
    now = timezone.localtime(now or timezone.now())
    done = []
    if stale := services.fail_stale(now):
        done.append(f"{stale}份报表生成中断，已标记为失败")
    for report in services.run_requests():
        done.append(f"{report.title}{'已生成' if report.is_ready else '生成失败：' + report.error}")
    for kind, period in due_jobs(now):
        done += _run(kind, period)
    return done
