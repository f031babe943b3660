"""The counter's daily jobs, run by the worker (P1, P11): at 16:30 every application waiting in
"design commission" is sent to the design office in one batch; at 17:00 the day's application report
is made. Each runs once per working day, claimed by a unique JobClaim row (kefu.core.claims). The
report as a document (Excel, PDF, printable page) is kefu.reports' own job, which the worker runs after
this one in the same pass, so that it reads the figures stored here (kefu.processes.jobs)."""

from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from kefu.core import claims
from kefu.core.calendar import WorkingCalendar
from kefu.core.models import JobClaim
from kefu.core.numbering import day_period
from kefu.core.policies import get_policy
from kefu.processes.events import daily_report_made_event, design_batch_sent_event
from kefu.processes.models import Process

DESIGN_BATCH = "design_commission_batch"
DAILY_REPORT = "daily_application_report"


def _at(policy_key: str) -> time:
    return get_policy(policy_key)  # a TIME rule: get_policy gives a datetime.time


def _claim(job: str, day) -> JobClaim | None:
    return claims.claim(job, day_period(day))


def run_due(now: datetime | None = None) -> list[str]:
    """Run the jobs whose time has come today (working days only); returns what ran, in Chinese."""
    now = timezone.localtime(now or timezone.now())
    if not WorkingCalendar().day(now.date()).working:
        return []
    done = []
    if now.time() >= _at("processes.design_batch_time"):
        done += send_design_commissions(now)
    if now.time() >= _at("processes.daily_report_time"):
        done += make_daily_report(now)
    return done


@transaction.atomic
def send_design_commissions(now: datetime) -> list[str]:
    claim = _claim(DESIGN_BATCH, now.date())
    if claim is None:
        return []
    from kefu.processes.services import advance_by_system

    waiting = Process.objects.filter(state=Process.State.ACTIVE, current_stage__code="design_commission")
    sent = [advance_by_system(process=p, note=f"{now:%H:%M}批量发送设计委托").number for p in waiting]
    claim.summary = {"sent": len(sent), "numbers": sent}
    claim.save(update_fields=["summary"])
    design_batch_sent_event(claim=claim, sent=len(sent))
    return [f"设计委托批量发送 {len(sent)} 件"]


@transaction.atomic
def make_daily_report(now: datetime) -> list[str]:
    claim = _claim(DAILY_REPORT, now.date())
    if claim is None:
        return []
    from kefu.processes.reports import daily_summary  # reports imports this module's job names

    day = now.date()
    claim.summary = daily_summary(day, now=now)
    claim.save(update_fields=["summary"])
    daily_report_made_event(claim=claim, day=day.isoformat())
    return [f"{day:%Y年%m月%d日}用水申请日报已生成"]
