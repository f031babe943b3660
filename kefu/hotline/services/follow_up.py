"""Callbacks within 24 hours of a transfer (H6) and return visits after closure (W4)."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kefu.core.policies import get_policy
from kefu.hotline.events import callback_recorded_event, return_visit_recorded_event
from kefu.hotline.models import Callback, ReturnVisit, WorkOrder
from kefu.hotline.services import work_orders
from kefu.hotline.services.alerts import AlertKind, level_recipients, notify

S = WorkOrder.State


@transaction.atomic
def record_callback(
    *, actor, callback: Callback, reached: bool, feedback: str = "", satisfied: bool | None = None
) -> Callback:
    """Record one callback attempt. Not reached: the next attempt is scheduled (up to the policy's
    number of attempts, after which the team leader is told). Reached on a replied order: the order
    moves to 'called back', ready for its owner to close."""
    if not actor.has_perm("hotline.add_callback"):
        raise PermissionDenied("您的角色没有登记回电的权限")
    callback = (
        Callback.objects.select_for_update(of=("self",)).select_related("work_order").get(pk=callback.pk)
    )
    if callback.done_at:
        done = timezone.localtime(callback.done_at)
        raise ValidationError(
            {"callback": f"第{callback.attempt}次回电已于{done:%Y-%m-%d %H:%M}登记，不能重复登记"}
        )
    if reached and not (feedback or "").strip():
        raise ValidationError({"feedback": "联系上客户时请填写客户反馈"})
    now = timezone.now()
    callback.outcome = Callback.Outcome.REACHED if reached else Callback.Outcome.NOT_REACHED
    callback.feedback = (feedback or "").strip()
    callback.satisfied = satisfied if reached else None
    callback.done_at, callback.done_by = now, actor
    callback.save()
    work_order = callback.work_order
    callback_recorded_event(
        actor=actor,
        work_order=work_order,
        changes={"callback": [None, callback.get_outcome_display()]},
        note=f"第{callback.attempt}次回电：{callback.get_outcome_display()}"
        + (f"；{callback.feedback}" if callback.feedback else ""),
    )
    if not reached:
        _schedule_retry(work_order, callback, now)
    elif work_order.state == S.REPLIED:
        work_orders._move(actor, work_order, "call_back", callback.feedback)
    return callback


def _schedule_retry(work_order: WorkOrder, callback: Callback, now) -> None:
    if callback.attempt >= int(get_policy("hotline.callback_max_attempts")):
        notify(
            level_recipients(work_order, 1),
            work_order,
            AlertKind.ESCALATED,
            f"工单{work_order.number}已回电{callback.attempt}次仍未联系上客户，请班长安排",
            1,
        )
        return
    Callback.objects.create(
        work_order=work_order,
        attempt=callback.attempt + 1,
        due_at=now + timedelta(hours=float(get_policy("hotline.callback_retry_hours"))),
    )


@transaction.atomic
def record_return_visit(*, actor, work_order: WorkOrder, result: str, comment: str = "") -> ReturnVisit:
    """W4: after closure the customer rates the handling; 'dissatisfied' reopens the order."""
    if not actor.has_perm("hotline.add_returnvisit"):
        raise PermissionDenied("您的角色没有登记回访的权限")
    work_order = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
    if work_order.state != S.CLOSED:
        raise work_orders.TransitionError(f"工单{work_order.number}尚未办结，办结后才能回访")
    if result not in ReturnVisit.Result.values:
        raise ValidationError({"result": "请选择满意、基本满意或不满意"})
    if result == ReturnVisit.Result.DISSATISFIED and not (comment or "").strip():
        raise ValidationError({"comment": "客户不满意时请记录客户意见"})
    visit = ReturnVisit.objects.create(
        work_order=work_order,
        result=result,
        comment=(comment or "").strip(),
        visited_at=timezone.now(),
        visited_by=actor,
    )
    return_visit_recorded_event(
        actor=actor,
        work_order=work_order,
        changes={"return_visit": [None, visit.get_result_display()]},
        note=visit.comment,
    )
    if result == ReturnVisit.Result.DISSATISFIED:
        work_orders.reopen(actor=actor, work_order=work_order, reason=f"回访不满意：{visit.comment}")
    return visit
