"""The deadline scanner (W3): due-soon and overdue alerts, and escalation of overdue work level by level.

Run by `manage.py worker` (the job kefu.hotline.jobs registers). Each order is claimed with a
conditional UPDATE (… WHERE due_soon_alerted_at IS NULL), so two workers, or a worker run twice, alert
each order once."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import CharField, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from kefu.core.models import Alert
from kefu.core.policies import get_policy
from kefu.hotline.models import Callback, WorkOrder
from kefu.hotline.services.alerts import (
    AlertKind,
    deadline_occasion,
    level_recipients,
    notify,
    raise_level,
    unit_staff,
)


@dataclass
class ScanResult:
    due_soon: int = 0
    overdue: int = 0
    escalated: int = 0
    callbacks_due: int = 0
    alerts: int = 0
    details: list[str] = field(default_factory=list)


def open_orders_due():
    return WorkOrder.objects.open().annotate(due=Coalesce("promised_at", "deadline"))


def scan(now=None, batch: int = 500) -> ScanResult:
    now = now or timezone.now()
    result = ScanResult()
    _due_soon(now, batch, result)
    _overdue(now, batch, result)
    _escalate_overdue(now, batch, result)
    _callbacks_due(now, batch, result)
    return result


def _claim(pk: int, column: str, now) -> bool:
    return bool(WorkOrder.objects.filter(pk=pk, **{f"{column}__isnull": True}).update(**{column: now}))


def _due_soon(now, batch, result):
    horizon = now + timedelta(hours=float(get_policy("hotline.due_soon_hours")))
    candidates = open_orders_due().filter(due__gt=now, due__lte=horizon, due_soon_alerted_at__isnull=True)
    for work_order in candidates.select_related("owner", "unit").order_by("due")[:batch]:
        with transaction.atomic():
            if not _claim(work_order.pk, "due_soon_alerted_at", now):
                continue
            due = timezone.localtime(work_order.due_at)
            message = f"工单{work_order.number}将于{due:%m月%d日 %H:%M}到期，请抓紧办理"
            result.alerts += notify(
                [work_order.owner, *unit_staff(work_order)],
                work_order,
                AlertKind.DUE_SOON,
                message,
                occasion=deadline_occasion(work_order),
            )
            result.due_soon += 1


def _overdue(now, batch, result):
    candidates = open_orders_due().filter(due__lte=now, overdue_alerted_at__isnull=True)
    for work_order in candidates.select_related("owner", "unit", "contact").order_by("due")[:batch]:
        with transaction.atomic():
            if not _claim(work_order.pk, "overdue_alerted_at", now):
                continue
            due = timezone.localtime(work_order.due_at)
            message = f"工单{work_order.number}已超过办理时限（{due:%m月%d日 %H:%M}）"
            people = [work_order.owner, *unit_staff(work_order), *level_recipients(work_order, 1)]
            result.alerts += notify(
                people, work_order, AlertKind.OVERDUE, message, 1, occasion=deadline_occasion(work_order)
            )
            if work_order.escalation_level < 1:
                raise_level(actor=None, work_order=work_order, level=1, reason="工单超期，班长督办")
                result.escalated += 1
            result.overdue += 1


def _escalate_overdue(now, batch, result):
    """Overdue longer than the policy's hours: one level up per step (班长 → 主任 → 中心主任)."""
    for level, key in (
        (2, "hotline.escalate_level2_after_hours"),
        (3, "hotline.escalate_level3_after_hours"),
    ):
        limit = now - timedelta(hours=float(get_policy(key)))
        stuck = open_orders_due().filter(due__lte=limit, escalation_level=level - 1)
        for work_order in stuck.select_related("owner", "unit", "contact").order_by("due")[:batch]:
            with transaction.atomic():
                claimed = WorkOrder.objects.filter(pk=work_order.pk, escalation_level=level - 1).update(
                    escalation_level=F("escalation_level")
                )
                if not claimed:
                    continue
                hours = int((now - work_order.due_at).total_seconds() // 3600)
                raise_level(
                    actor=None, work_order=work_order, level=level, reason=f"工单超期{hours}小时未办结"
                )
                result.escalated += 1


def _callbacks_due(now, batch, result):
    # Only callbacks not yet announced: otherwise the oldest `batch` would fill every scan and the
    # ones behind them would never be announced.
    announced = Alert.objects.filter(
        subject=Concat(Value("hotline.workorder:"), Cast(OuterRef("work_order_id"), CharField())),
        kind=AlertKind.CALLBACK_DUE,
        level=OuterRef("attempt"),
    )
    due = (
        Callback.objects.filter(done_at__isnull=True, due_at__lte=now)
        .filter(~Q(work_order__state=WorkOrder.State.CLOSED))
        .filter(~Exists(announced))
        .select_related("work_order__owner")
        .order_by("due_at")[:batch]
    )
    for callback in due:
        work_order = callback.work_order
        message = f"工单{work_order.number}第{callback.attempt}次回电已到期，请联系客户听取反馈"
        added = notify([work_order.owner], work_order, AlertKind.CALLBACK_DUE, message, callback.attempt)
        if added:
            result.callbacks_due += 1
            result.alerts += added
