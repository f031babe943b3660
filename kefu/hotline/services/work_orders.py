"""The work order's life (W1, H7, H8): transfer, accept, return, reply, close, reopen, hand-over.

Every function takes the acting user, checks that this user may take the step, refuses a step the
state does not allow with the reason in Chinese, and records the step on the order's timeline."""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import Role, Unit, User
from kefu.core.policies import get_policy
from kefu.fulltext.tokens import search_text_for
from kefu.hotline.events import (
    interim_reply_recorded_event,
    work_order_co_units_changed_event,
    work_order_handed_over_event,
    work_order_moved_event,
)
from kefu.hotline.models import Callback, InterimReply, WorkOrder
from kefu.hotline.services.alerts import AlertKind, notify
from kefu.hotline.services.routing import deadline_for
from kefu.hotline.signals import send_work_order_sent

S = WorkOrder.State

# action: (states it may start from, state it leads to, label)
TRANSITIONS: dict[str, tuple[set[str], str | None, str]] = {
    "transfer": ({S.NEW, S.RETURNED, S.REOPENED}, S.TRANSFERRED, "转办"),
    "reassign": ({S.TRANSFERRED, S.ACCEPTED, S.RETURNED, S.REOPENED}, S.TRANSFERRED, "改派"),
    # A reopened order with a unit is back in that unit's queue (W4): it accepts or returns it again.
    "accept": ({S.TRANSFERRED, S.REOPENED}, S.ACCEPTED, "受理"),
    "return": ({S.TRANSFERRED, S.ACCEPTED, S.REOPENED}, S.RETURNED, "退回"),
    "reply": ({S.ACCEPTED}, S.REPLIED, "回复办理结果"),
    "call_back": ({S.REPLIED}, S.CALLED_BACK, "登记回访客户结果"),
    "close": ({S.CALLED_BACK}, S.CLOSED, "办结"),
    "reopen": ({S.CLOSED}, S.REOPENED, "重新打开"),
}


class TransitionError(ValidationError):
    pass


def allowed(work_order: WorkOrder, action: str) -> bool:
    states, _target, _label = TRANSITIONS[action]
    return work_order.state in _states_for(work_order, action, states)


def _states_for(work_order: WorkOrder, action: str, states: set[str]) -> set[str]:
    # An order the agent follows up without a unit (a consultation to find out about) is replied to
    # by its owner straight from "new"/"reopened", and closed once replied: nobody else calls back.
    if work_order.unit_id is None:
        if action == "reply":
            return states | {S.NEW, S.REOPENED}
        if action == "close":
            return states | {S.REPLIED}
    return states


def _check(work_order: WorkOrder, action: str) -> str:
    states, target, label = TRANSITIONS[action]
    if work_order.state not in _states_for(work_order, action, states):
        raise TransitionError(
            f"工单{work_order.number}当前状态为「{work_order.get_state_display()}」，不能「{label}」"
        )
    return target


def is_manager(user) -> bool:
    return user.has_perm("hotline.manage_workorder")


def _require_owner_or_manager(user, work_order: WorkOrder, label: str) -> None:
    if user.pk != work_order.owner_id and not is_manager(user):
        raise PermissionDenied(f"只有首问责任人{work_order.owner}或班长以上可以{label}此工单")


def _require_unit_member(user, work_order: WorkOrder, label: str) -> None:
    if not user.has_perm("hotline.handle_workorder") or not work_order.unit_id:
        raise PermissionDenied(f"只有责任单位人员可以{label}工单")
    if user.unit_id != work_order.unit_id:
        raise PermissionDenied(f"此工单由{work_order.unit}办理，您不能{label}")


def _lock(work_order: WorkOrder) -> WorkOrder:
    # Re-read under a row lock so two people acting on one order at once cannot both pass the check.
    return (
        WorkOrder.objects.select_for_update(of=("self",))
        .select_related("owner", "unit", "contact")
        .get(pk=work_order.pk)
    )


def _move(actor, work_order: WorkOrder, action: str, note: str = "", **changes) -> WorkOrder:
    target = _check(work_order, action)
    old_state = work_order.state
    recorded = {"state": [old_state, target]}
    for field, value in changes.items():
        old = getattr(work_order, field)
        setattr(work_order, field, value)
        if old != value:
            recorded[field] = [_plain(old), _plain(value)]
    work_order.state = target
    work_order.save()
    work_order_moved_event(actor=actor, work_order=work_order, action=action, changes=recorded, note=note)
    return work_order


def _plain(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value if value is None or isinstance(value, int | str) else str(value)


def first_callback(work_order: WorkOrder, at: datetime) -> Callback:
    """H6: the center calls the customer back within the policy's hours (24) of a transfer."""
    if work_order.callbacks.filter(done_at__isnull=True).exists():
        return work_order.callbacks.filter(done_at__isnull=True).first()
    attempt = (work_order.callbacks.order_by("-attempt").values_list("attempt", flat=True).first() or 0) + 1
    due = at + timedelta(hours=float(get_policy("hotline.callback_hours")))
    return Callback.objects.create(work_order=work_order, attempt=attempt, due_at=due)


@transaction.atomic
def transfer(*, actor, work_order: WorkOrder, unit: Unit, note: str = "") -> WorkOrder:
    work_order = _lock(work_order)
    _require_owner_or_manager(actor, work_order, "转办")
    now = timezone.now()
    action = "transfer" if work_order.state in TRANSITIONS["transfer"][0] else "reassign"
    _move(actor, work_order, action, note, unit=unit, transferred_at=now, return_reason="")
    contact = work_order.contact
    if contact.transferred_at is None:
        contact.transferred_at, contact.transferred_to = now, unit
        contact.save(update_fields=["transferred_at", "transferred_to", "updated_at"])
    first_callback(work_order, now)
    send_work_order_sent(work_order)
    return work_order


@transaction.atomic
def reassign(*, actor, work_order: WorkOrder, unit: Unit, reason: str) -> WorkOrder:
    work_order = _lock(work_order)
    _require_owner_or_manager(actor, work_order, "改派")
    if not reason.strip():
        raise ValidationError({"reason": "改派必须说明原因"})
    if unit.pk == work_order.unit_id and work_order.state != S.RETURNED:
        raise ValidationError({"unit": f"工单已在{unit}办理，无需改派"})
    work_order = _move(actor, work_order, "reassign", reason, unit=unit, transferred_at=timezone.now())
    send_work_order_sent(work_order)
    return work_order


@transaction.atomic
def set_co_units(*, actor, work_order: WorkOrder, units: list[Unit]) -> WorkOrder:
    work_order = _lock(work_order)
    _require_owner_or_manager(actor, work_order, "设置协办单位")
    old = sorted(str(u) for u in work_order.co_units.all())
    work_order.co_units.set([u for u in units if u.pk != work_order.unit_id])
    new = sorted(str(u) for u in work_order.co_units.all())
    work_order_co_units_changed_event(
        actor=actor,
        work_order=work_order,
        changes={"co_units": ["、".join(old), "、".join(new)]},
    )
    return work_order


@transaction.atomic
def accept(*, actor, work_order: WorkOrder) -> WorkOrder:
    work_order = _lock(work_order)
    _require_unit_member(actor, work_order, "受理")
    return _move(actor, work_order, "accept", accepted_at=timezone.now())


@transaction.atomic
def return_order(*, actor, work_order: WorkOrder, reason: str) -> WorkOrder:
    """The unit sends the order back (not ours, wrong address…); the owner must transfer it again."""
    work_order = _lock(work_order)
    _require_unit_member(actor, work_order, "退回")
    if not (reason or "").strip():
        raise ValidationError({"reason": "退回工单必须填写原因"})
    _move(actor, work_order, "return", reason, return_reason=reason.strip())
    notify(
        [work_order.owner],
        work_order,
        AlertKind.RETURNED,
        f"工单{work_order.number}被{work_order.unit}退回：{reason}",
        occasion=f"{timezone.localtime():%Y%m%d%H%M%S}",
    )
    return work_order


@transaction.atomic
def reply(*, actor, work_order: WorkOrder, result: str) -> WorkOrder:
    """The unit replies with its result; for a follow-up without a unit, the owner replies."""
    work_order = _lock(work_order)
    if work_order.unit_id is None:
        _require_owner_or_manager(actor, work_order, "答复")
    else:
        _require_unit_member(actor, work_order, "回复")
    if not (result or "").strip():
        raise ValidationError({"result": "请填写办理结果"})
    _move(actor, work_order, "reply", reply=result.strip(), replied_at=timezone.now())
    _refresh_search_text(work_order)
    return work_order


@transaction.atomic
def close(*, actor, work_order: WorkOrder, note: str = "") -> WorkOrder:
    """首问负责制: only the owner (or a leader) closes, after the customer has been called back."""
    work_order = _lock(work_order)
    _require_owner_or_manager(actor, work_order, "办结")
    return _move(actor, work_order, "close", note, closed_at=timezone.now())


@transaction.atomic
def reopen(*, actor, work_order: WorkOrder, reason: str) -> WorkOrder:
    """A dissatisfied return visit (W4), or a leader by hand, reopens a closed order. It goes back to
    the unit that handled it, in that unit's queue with its buttons (accept, return, then reply), and
    with a new deadline counted from now by the category's rule, as at a transfer (W2); the old
    deadline and promise stay on the timeline in the reopen event. An order no unit held goes back to
    its owner to reply. The unit and the owner are told; a callback is due again after the unit."""
    work_order = _lock(work_order)
    if not (reason or "").strip():
        raise ValidationError({"reason": "重新打开工单必须说明原因"})
    now = timezone.now()
    due = deadline_for(work_order.category, now)
    # The deadline alerts are about the new deadline now; these are not history, so not recorded.
    work_order.due_soon_alerted_at = work_order.overdue_alerted_at = None
    work_order.deadline_warnings = due.warnings
    _move(
        actor,
        work_order,
        "reopen",
        reason.strip(),
        closed_at=None,
        reopened_at=now,
        reopen_count=work_order.reopen_count + 1,
        deadline=due.deadline,
        # The earlier promise to the customer was kept or broken before the closure: not the due time now.
        promised_at=None,
    )
    if work_order.unit_id:
        first_callback(work_order, now)
    deadline = timezone.localtime(due.deadline)
    where = f"已退回{work_order.unit}重新办理" if work_order.unit_id else "请首问责任人重新答复"
    notify(
        [work_order.owner, *_unit_people(work_order)],
        work_order,
        AlertKind.REOPENED,
        f"工单{work_order.number}重新打开（第{work_order.reopen_count}次），{where}，"
        f"新办理时限{deadline:%m月%d日 %H:%M}：{reason.strip()}",
        work_order.reopen_count,
    )
    return work_order


def _unit_people(work_order):
    from kefu.hotline.services.alerts import unit_staff

    return unit_staff(work_order)


@transaction.atomic
def hand_over(*, actor, work_order: WorkOrder, new_owner: User, reason: str) -> WorkOrder:
    """The owner changes only by an explicit hand-over (a shift ends, someone leaves), recorded (H7)."""
    work_order = _lock(work_order)
    _require_owner_or_manager(actor, work_order, "移交")
    return move_owner(actor=actor, work_order=work_order, new_owner=new_owner, reason=reason)


def new_owner_refusal(new_owner: User) -> str:
    """Why this person cannot be an order's first-contact owner, or ""."""
    if not new_owner.is_active or new_owner.role not in (Role.AGENT, Role.TEAM_LEADER, Role.DEPARTMENT_HEAD):
        return "首问责任人须为在岗的话务员、班长或客服部主任"
    return ""


@transaction.atomic
def move_owner(*, actor, work_order: WorkOrder, new_owner: User, reason: str) -> WorkOrder:
    """The hand-over itself, for a caller that has checked who may do it: `hand_over` (the owner or a
    leader) and the departing-staff hand-over (accounts.hand_over_user, kefu/hotline/holdings.py)."""
    work_order = _lock(work_order)
    if not work_order.is_open:
        raise TransitionError(f"工单{work_order.number}已办结，无需移交")
    if refusal := new_owner_refusal(new_owner):
        raise ValidationError({"new_owner": refusal})
    if not (reason or "").strip():
        raise ValidationError({"reason": "移交必须说明原因"})
    old = work_order.owner
    work_order.owner = new_owner
    work_order.save(update_fields=["owner", "updated_at"])
    work_order_handed_over_event(
        actor=actor,
        work_order=work_order,
        changes={"owner": [str(old), str(new_owner)]},
        note=reason,
    )
    return work_order


@transaction.atomic
def interim_reply(*, actor, work_order: WorkOrder, plan: str, promised_at: datetime) -> InterimReply:
    """H8: the promised time cannot be met; the customer is told the plan and a new date in time."""
    work_order = _lock(work_order)
    if not work_order.is_open:
        raise TransitionError(f"工单{work_order.number}已办结，不能再登记阶段答复")
    if actor.role == Role.UNIT_STAFF:
        _require_unit_member(actor, work_order, "登记阶段答复")
    elif not actor.has_perm("hotline.add_interimreply"):
        raise PermissionDenied("您的角色没有此项权限")
    now = timezone.now()
    errors = {}
    if not (plan or "").strip():
        errors["plan"] = "请填写处理计划"
    if promised_at <= now:
        errors["promised_at"] = "新承诺时间必须晚于现在"
    if errors:
        raise ValidationError(errors)
    entry = InterimReply.objects.create(
        work_order=work_order, plan=plan.strip(), promised_at=promised_at, told_customer_at=now, author=actor
    )
    old = work_order.promised_at
    work_order.promised_at = promised_at
    # The alerts are about the new promise now.
    work_order.due_soon_alerted_at = work_order.overdue_alerted_at = None
    work_order.save(update_fields=["promised_at", "due_soon_alerted_at", "overdue_alerted_at", "updated_at"])
    interim_reply_recorded_event(
        actor=actor,
        work_order=work_order,
        changes={"promised_at": [_plain(old), _plain(promised_at)]},
        note=plan.strip(),
    )
    return entry


def _refresh_search_text(work_order: WorkOrder) -> None:
    contact = work_order.contact
    contact.search_text = search_text_for(
        contact.matter, contact.caller_name, contact.address, contact.phone, contact.number, work_order.reply
    )
    contact.save(update_fields=["search_text", "updated_at"])


@transaction.atomic
def hand_over_all(*, actor, from_owner: User, new_owner: User, reason: str) -> int:
    """A departing or absent agent's open orders all move to a colleague, each recorded on its own
    timeline (A3, H7: the owner is never empty). Returns how many moved."""
    if not is_manager(actor):
        raise PermissionDenied("只有班长以上可以批量移交工单")
    moved = 0
    for order in WorkOrder.objects.filter(owner=from_owner).open().order_by("id"):
        hand_over(actor=actor, work_order=order, new_owner=new_owner, reason=reason)
        moved += 1
    return moved
