"""The counter's background jobs, run by `manage.py worker`: the 16:30 design batch and the 17:00 day's
figures (P1, P11; kefu.reports makes the day's report from the figures stored here, later in the same
pass), and once a day the scan for suspensions held past the rule (P9)."""

from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import User
from kefu.core import claims
from kefu.core.alerts import send_alert
from kefu.core.models import JobClaim
from kefu.core.numbering import day_period
from kefu.core.policies import DEFAULTS, policy
from kefu.core.registry import Job
from kefu.customers.models import Customer
from kefu.processes.events import suspension_overdue_event
from kefu.processes.hooks import branch_of
from kefu.processes.models import Process
from kefu.processes.schedule import run_due

SUSPENSION_SCAN = "suspension_overdue_scan"
SUSPENSION_OVERDUE = "processes.suspension_overdue"
# What ends a suspension: the customer resumes or cancels (either in hand stops the reminders).
ENDS_SUSPENSION = ("resumption", "cancellation", "renovation_cancellation")
ALERT_KINDS = {SUSPENSION_OVERDUE: "暂停用水超期未恢复或销户"}


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it has no such day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def overdue_suspensions(today: date) -> list[Process]:
    """Completed suspensions (the meter removed, supply suspended) of customers still suspended, older
    than processes.suspension_max_months, with neither a resumption nor a cancellation in hand."""
    cutoff = months_before(today, int(policy("processes.suspension_max_months")))
    busy = Process.objects.filter(
        definition__code__in=ENDS_SUSPENSION, state__in=[Process.State.ACTIVE, Process.State.SUSPENDED]
    ).values("customer_id")
    return list(
        Process.objects.filter(
            definition__code="suspension",
            state=Process.State.COMPLETED,
            completed_at__date__lte=cutoff,
            customer__status=Customer.Status.SUSPENDED,
        )
        .exclude(customer_id__in=busy)
        .select_related("customer__service_area__branch")
        .order_by("completed_at", "id")
    )


@transaction.atomic
def alert_overdue_suspensions(now: datetime) -> list[str]:
    """Once a day: each overdue suspension alerts the staff of the customer's branch (one alert per
    person and suspension, however many days it stays overdue) to resume the supply or cancel."""
    today = timezone.localdate(now)
    period = day_period(today)
    # the worker passes every minute: read before claiming, so that a day's claim is not retried
    if JobClaim.objects.filter(job=SUSPENSION_SCAN, period=period).exists() or (
        claims.claim(SUSPENSION_SCAN, period) is None
    ):
        return []
    months = int(policy("processes.suspension_max_months"))
    rule = DEFAULTS["processes.suspension_max_months"].label
    told = 0
    for process in overdue_suspensions(today):
        customer = process.customer
        branch = branch_of(customer)
        if branch is None:
            continue
        since = timezone.localtime(process.completed_at)
        message = (
            f"{customer.name}（{customer.number}）自{since:%Y年%m月%d日}暂停用水（{process.number}），"
            f"已超过{months}个月（业务规则“{rule}”，供水手册第四章5.4），请联系客户办理复水或销户"
        )
        new = send_alert(
            recipients=User.objects.filter(unit=branch, is_active=True),
            kind=SUSPENSION_OVERDUE,
            message=message,
            url=reverse("customers:detail", args=[customer.pk]),
            subject=f"processes.process:{process.pk}",
        )
        if new:
            suspension_overdue_event(process=process, months=months, told=new)
            told += 1
    return [f"暂停用水超期提醒：{told} 户"] if told else []


def daily_jobs(now: datetime, *, verbose: bool = False) -> list[str]:
    return run_due(now) + alert_overdue_suspensions(now)


JOBS = [Job("processes.daily", "窗口业务每日任务", daily_jobs, order=30)]
