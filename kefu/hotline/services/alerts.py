"""Alerts and escalation (H9, W3): who hears about a work order, level by level."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.core.alerts import mark_all_read, send_alert
from kefu.hotline.events import work_order_escalated_event
from kefu.hotline.models import WorkOrder


class AlertKind:
    """The hotline's alert kinds (codes of kefu.core.alerts.send_alert; labels registered in apps.py)."""

    DUE_SOON = "hotline.due_soon"
    OVERDUE = "hotline.overdue"
    ESCALATED = "hotline.escalated"
    REPORTED_AFTER = "hotline.reported_after"
    RETURNED = "hotline.returned"
    REOPENED = "hotline.reopened"
    CALLBACK_DUE = "hotline.callback_due"


ALERT_KINDS = {
    AlertKind.DUE_SOON: "工单即将到期",
    AlertKind.OVERDUE: "工单已超期",
    AlertKind.ESCALATED: "上报督办",
    AlertKind.REPORTED_AFTER: "越级上报事后报告",
    AlertKind.RETURNED: "工单被退回",
    AlertKind.REOPENED: "回访不满意重新打开",
    AlertKind.CALLBACK_DUE: "回电到期",
    "hotline.repeat_contact": "重复来电",  # kefu.hotline.services.repeats.REPEAT_ALERT
}

LEVEL_ROLES = {1: Role.TEAM_LEADER, 2: Role.DEPARTMENT_HEAD, 3: Role.CENTER_DIRECTOR}
LEVEL_NAMES = {0: "未上报", 1: "班长", 2: "客服部主任", 3: "中心主任"}


def level_recipients(work_order: WorkOrder, level: int) -> list[User]:
    """Level 1 is the owner's own team leader (any team leader if that team has none)."""
    people = User.objects.filter(is_active=True, role=LEVEL_ROLES[level])
    if level == 1 and work_order.owner.team_id:
        own_team = list(people.filter(team_id=work_order.owner.team_id))
        if own_team:
            return own_team
    return list(people)


def unit_staff(work_order: WorkOrder) -> list[User]:
    if not work_order.unit_id:
        return []
    return list(User.objects.filter(is_active=True, role=Role.UNIT_STAFF, unit_id=work_order.unit_id))


def subject_of(work_order: WorkOrder) -> str:
    """The stable key of an order's alerts (kefu.core.alerts: one per person, kind, subject and level)."""
    return f"hotline.workorder:{work_order.pk}"


def notify(
    recipients, work_order: WorkOrder, kind: str, message: str, level: int = 0, *, occasion: str = ""
) -> int:
    """One alert per active person, kind and level about this order (kefu.core.alerts.send_alert); a
    repeated scan adds nothing. `kind` is an AlertKind code ("hotline.overdue").

    `occasion` tells apart things that can happen to one order more than once: the deadline an order is
    due or overdue against (a reopened or promised order has a new one, and people must hear about it
    again), or the moment it was returned. The scan repeated over the same deadline still adds nothing."""
    subject = subject_of(work_order)
    return send_alert(
        recipients=recipients,
        kind=kind if "." in kind else f"hotline.{kind}",
        message=message,
        url=reverse("hotline:work_order", args=[work_order.pk]),
        subject=f"{subject}@{occasion}" if occasion else subject,
        level=level,
    )


def deadline_occasion(work_order: WorkOrder) -> str:
    """The deadline in force, as the occasion of a due-soon or overdue alert."""
    return f"{timezone.localtime(work_order.due_at):%Y%m%d%H%M}"


@transaction.atomic
def escalate(*, actor, work_order: WorkOrder, level: int, reason: str, emergency: bool = False) -> WorkOrder:
    """A leader reports an order upwards by hand (H9)."""
    if not actor.has_perm("hotline.manage_workorder"):
        raise PermissionDenied("只有班长以上可以上报督办")
    work_order = (
        WorkOrder.objects.select_for_update(of=("self",)).select_related("owner").get(pk=work_order.pk)
    )
    if not work_order.is_open:
        raise ValidationError({"level": f"工单{work_order.number}已办结，无需上报"})
    if level not in LEVEL_ROLES:
        raise ValidationError({"level": "上报级别应为1（班长）、2（客服部主任）或3（中心主任）"})
    if level <= work_order.escalation_level:
        raise ValidationError(
            {"level": f"工单已上报{LEVEL_NAMES[work_order.escalation_level]}，请选择更高级别"}
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": "请说明上报原因"})
    return raise_level(
        actor=actor, work_order=work_order, level=level, reason=reason.strip(), emergency=emergency
    )


def raise_level(
    *, actor, work_order: WorkOrder, level: int, reason: str, emergency: bool = False
) -> WorkOrder:
    """Raise the order to `level` inside the caller's transaction (the rules and the worker call this).
    Escalation goes one level at a time; an emergency may skip levels, and then the skipped levels are
    told afterwards (请示报告制度)."""
    if level not in LEVEL_ROLES or level <= work_order.escalation_level:
        return work_order
    if level > work_order.escalation_level + 1 and not emergency:
        level = work_order.escalation_level + 1
    skipped = range(work_order.escalation_level + 1, level)
    old = work_order.escalation_level
    work_order.escalation_level = level
    work_order.escalated_at = timezone.now()
    work_order.save(update_fields=["escalation_level", "escalated_at", "updated_at"])
    notify(
        level_recipients(work_order, level),
        work_order,
        AlertKind.ESCALATED,
        # 002 请示报告制度 7: the leader's instruction is to be written down, on the order (批示).
        f"工单{work_order.number}上报{LEVEL_NAMES[level]}：{reason}。请在工单上记录批示",
        level,
    )
    for passed in skipped:
        notify(
            level_recipients(work_order, passed),
            work_order,
            AlertKind.REPORTED_AFTER,
            f"工单{work_order.number}因紧急情况越级上报{LEVEL_NAMES[level]}，特此事后报告：{reason}",
            passed,
        )
    work_order_escalated_event(
        actor=actor,
        work_order=work_order,
        changes={"escalation_level": [old, level]},
        note=reason + ("（紧急，越级上报）" if skipped else ""),
    )
    return work_order


def mark_alerts_read(*, user) -> int:
    """Alerts are notices to one person, not part of a record's history: reading them is no event."""
    return mark_all_read(user=user)
