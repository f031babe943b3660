"""The steps a work order may take (W1, H5–H9), in one table that the order's page and the API both use.

Each action name is the one vocabulary (`WorkOrderAction`): the page's URL, the API's `action` and the
detail's `allowed_actions` all say the same words. An entry gives the action's form (validation only),
the permission it needs beyond seeing the order, when it is offered to a user, and the step itself (a
service call and its success message). The order is fetched, and its visibility checked, by
`get_work_order_for` before `perform` is called; each service checks the finer rules again (who may,
which state) and refuses in Chinese."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction

from kefu.accounts.models import Role
from kefu.core.actions import unknown_action, validated
from kefu.core.permissions import require
from kefu.hotline import forms
from kefu.hotline.models import Callback, WorkOrder
from kefu.hotline.permissions import get_callback_for
from kefu.hotline.services import work_orders as services
from kefu.hotline.services.alerts import LEVEL_NAMES, escalate
from kefu.hotline.services.follow_up import record_callback, record_return_visit


class WorkOrderAction(models.TextChoices):
    ACCEPT = "accept", "受理工单"
    RETURN = "return", "退回工单"
    REPLY = "reply", "回复办理结果"
    TRANSFER = "transfer", "转办"
    REASSIGN = "reassign", "改派"
    CO_UNITS = "co_units", "协办单位"
    CALLBACK = "callback", "登记回电"
    CLOSE = "close", "办结"
    REOPEN = "reopen", "重新打开"
    RETURN_VISIT = "return_visit", "登记回访"
    INTERIM_REPLY = "interim_reply", "阶段答复（承诺时间无法兑现时）"
    HAND_OVER = "hand_over", "移交首问责任"
    ESCALATE = "escalate", "上报督办"


A = WorkOrderAction


@dataclass(frozen=True)
class Done:
    """What a step did: the order as it is now and the sentence the page shows."""

    work_order: WorkOrder
    message: str


@dataclass(frozen=True)
class Entry:
    form: type[forms.Form] | None
    step: Callable[..., Done]  # (actor, work_order, cleaned data) -> Done
    offered: Callable[..., bool]  # (user, work_order, pending callback or None) -> bool
    permission: str = ""  # needed beyond seeing the order; the services check the rest


# --- who may do what now (to offer the forms; the services check again on the step) -----------------


def is_owner_or_manager(user, work_order: WorkOrder) -> bool:
    return user.pk == work_order.owner_id or services.is_manager(user)


def is_unit_member(user, work_order: WorkOrder) -> bool:
    return bool(
        work_order.unit_id
        and user.unit_id == work_order.unit_id
        and user.has_perm("hotline.handle_workorder")
    )


def _may_reply(user, order, _pending) -> bool:
    if not services.allowed(order, A.REPLY):
        return False
    return is_unit_member(user, order) if order.unit_id else is_owner_or_manager(user, order)


def _may_interim_reply(user, order, _pending) -> bool:
    if not order.is_open:
        return False
    if is_unit_member(user, order):
        return True
    return user.role != Role.UNIT_STAFF and user.has_perm("hotline.add_interimreply")


# --- the steps ---------------------------------------------------------------------------------------


def _accept(actor, order, data) -> Done:
    order = services.accept(actor=actor, work_order=order)
    return Done(order, f"已受理工单 {order.number}")


def _return(actor, order, data) -> Done:
    order = services.return_order(actor=actor, work_order=order, reason=data["reason"])
    return Done(order, f"工单 {order.number} 已退回首问责任人")


def _reply(actor, order, data) -> Done:
    order = services.reply(actor=actor, work_order=order, result=data["result"])
    return Done(order, f"工单 {order.number} 已回复办理结果")


def _transfer(actor, order, data) -> Done:
    order = services.transfer(actor=actor, work_order=order, unit=data["unit"], note=data["reason"])
    return Done(order, f"工单 {order.number} 已转 {data['unit'].name}")


def _reassign(actor, order, data) -> Done:
    order = services.reassign(actor=actor, work_order=order, unit=data["unit"], reason=data["reason"])
    return Done(order, f"工单 {order.number} 已改派 {data['unit'].name}")


def _co_units(actor, order, data) -> Done:
    order = services.set_co_units(actor=actor, work_order=order, units=list(data["units"]))
    return Done(order, "协办单位已更新")


def _callback(actor, order, data) -> Done:
    callback = get_callback_for(actor, data["callback"])
    if callback.work_order_id != order.pk:
        raise ValidationError({"callback": "回电任务不属于此工单"})
    reached = data["reached"] == "yes"
    satisfied = {"yes": True, "no": False}.get(data["satisfied"])
    record_callback(
        actor=actor, callback=callback, reached=reached, feedback=data["feedback"], satisfied=satisfied
    )
    outcome = "已联系上" if reached else "未联系上，已安排下次回电"
    return Done(order, f"已登记第{callback.attempt}次回电：{outcome}")


def _close(actor, order, data) -> Done:
    order = services.close(actor=actor, work_order=order, note=data["note"])
    return Done(order, f"工单 {order.number} 已办结")


def _reopen(actor, order, data) -> Done:
    order = services.reopen(actor=actor, work_order=order, reason=data["reason"])
    return Done(order, f"工单 {order.number} 已重新打开")


def _return_visit(actor, order, data) -> Done:
    visit = record_return_visit(actor=actor, work_order=order, result=data["result"], comment=data["comment"])
    reopened = "，工单已重新打开" if visit.result == "dissatisfied" else ""
    return Done(order, f"已登记回访：{visit.get_result_display()}{reopened}")


def _interim_reply(actor, order, data) -> Done:
    services.interim_reply(actor=actor, work_order=order, plan=data["plan"], promised_at=data["promised_at"])
    return Done(order, "已登记阶段答复，承诺时间已更新")


def _hand_over(actor, order, data) -> Done:
    order = services.hand_over(
        actor=actor, work_order=order, new_owner=data["new_owner"], reason=data["reason"]
    )
    return Done(order, f"工单 {order.number} 已移交给 {data['new_owner']}")


def _escalate(actor, order, data) -> Done:
    order = escalate(
        actor=actor, work_order=order, level=data["level"], reason=data["reason"], emergency=data["emergency"]
    )
    return Done(order, f"工单 {order.number} 已上报{LEVEL_NAMES[order.escalation_level]}")


MANAGE = "hotline.manage_workorder"

ACTIONS: dict[WorkOrderAction, Entry] = {
    A.ACCEPT: Entry(None, _accept, lambda u, o, _p: is_unit_member(u, o) and services.allowed(o, A.ACCEPT)),
    A.RETURN: Entry(
        forms.ReasonForm, _return, lambda u, o, _p: is_unit_member(u, o) and services.allowed(o, A.RETURN)
    ),
    A.REPLY: Entry(forms.ReplyForm, _reply, _may_reply),
    A.TRANSFER: Entry(
        forms.TransferForm,
        _transfer,
        lambda u, o, _p: is_owner_or_manager(u, o) and services.allowed(o, A.TRANSFER),
    ),
    # The page offers one of transfer and reassign: reassign once the order has left "new".
    A.REASSIGN: Entry(
        forms.TransferForm,
        _reassign,
        lambda u, o, _p: (
            is_owner_or_manager(u, o)
            and services.allowed(o, A.REASSIGN)
            and not services.allowed(o, A.TRANSFER)
        ),
    ),
    A.CO_UNITS: Entry(forms.CoUnitsForm, _co_units, lambda u, o, _p: is_owner_or_manager(u, o) and o.is_open),
    A.CALLBACK: Entry(
        forms.CallbackForm,
        _callback,
        lambda u, o, p: p is not None and o.is_open and u.has_perm("hotline.add_callback"),
    ),
    A.CLOSE: Entry(
        forms.NoteForm, _close, lambda u, o, _p: is_owner_or_manager(u, o) and services.allowed(o, A.CLOSE)
    ),
    A.REOPEN: Entry(
        forms.ReasonForm,
        _reopen,
        lambda u, o, _p: u.has_perm(MANAGE) and services.allowed(o, A.REOPEN),
        permission=MANAGE,
    ),
    A.RETURN_VISIT: Entry(
        forms.ReturnVisitForm,
        _return_visit,
        lambda u, o, _p: not o.is_open and u.has_perm("hotline.add_returnvisit"),
    ),
    A.INTERIM_REPLY: Entry(forms.InterimReplyForm, _interim_reply, _may_interim_reply),
    A.HAND_OVER: Entry(
        forms.HandOverForm, _hand_over, lambda u, o, _p: is_owner_or_manager(u, o) and o.is_open
    ),
    A.ESCALATE: Entry(
        forms.EscalateForm,
        _escalate,
        lambda u, o, _p: o.is_open and u.has_perm(MANAGE) and o.escalation_level < 3,
        permission=MANAGE,
    ),
}


def offered(user, work_order: WorkOrder, pending_callback: Callback | None) -> list[WorkOrderAction]:
    """The actions this user may take on this order now, in the table's order."""
    return [name for name, entry in ACTIONS.items() if entry.offered(user, work_order, pending_callback)]


def entry_for(action: str) -> Entry:
    if action not in ACTIONS:
        raise unknown_action(action, A.values, "工单")
    return ACTIONS[WorkOrderAction(action)]


def perform(actor, work_order: WorkOrder, action: str, data) -> Done:
    """Take one step on an order already fetched for this actor: check the action's permission,
    validate `data` with its form (a ValidationError naming each field, in Chinese), then call the
    service in one transaction."""
    entry = entry_for(action)
    if entry.permission:
        require(actor, entry.permission)
    cleaned = validated(entry.form, data)
    with transaction.atomic():
        return entry.step(actor, work_order, cleaned)
