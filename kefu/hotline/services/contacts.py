"""Recording a contact (H1–H4): number it, route it by its category's rule, open its work order."""

import logging
import re
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.accounts.models import ServiceArea, Unit
from kefu.core.events import diff
from kefu.core.policies import get_policy
from kefu.core.validators import normalise_phone
from kefu.customers.models import Customer
from kefu.customers.services import limit_number_search
from kefu.fulltext.tokens import search_text_for
from kefu.hotline import selectors
from kefu.hotline.events import (
    contact_corrected_event,
    contact_opened_event,
    work_order_created_event,
    work_order_transferred_event,
)
from kefu.hotline.models import Callback, Category, Channel, Contact, Priority, WorkOrder
from kefu.hotline.services import repeats, work_orders
from kefu.hotline.services.alerts import raise_level
from kefu.hotline.services.numbering import contact_number, next_sequence, work_order_number
from kefu.hotline.services.routing import area_for_address, area_for_customer, deadline_for, route
from kefu.hotline.signals import send_work_order_sent

log = logging.getLogger(__name__)
D = Contact.Disposition
MATTER_MAX = 2000


def check_disposition(category: Category, disposition: str, result: str, errors: dict) -> None:
    if disposition not in D.values:
        errors["disposition"] = "请选择处理方式：当即答复、坐席跟进后答复、转办或记录后关闭"
    elif disposition == D.TRANSFERRED and not category.may_transfer:
        errors["disposition"] = (
            f"「{category.name}」类来电不转办：{category.description or '由坐席处理'}。"
            "当时无法解答的请选择「坐席跟进后答复」"
        )
    elif disposition == D.ANSWERED and not category.may_answer:
        errors["disposition"] = f"「{category.name}」类来电须转办：{category.description}"
    elif disposition == D.FOLLOW_UP and not category.may_follow_up:
        errors["disposition"] = f"「{category.name}」类来电不适用坐席跟进，请转办或当即答复"
    elif disposition == D.CLOSED and category.default_disposition != Category.Disposition.CLOSE:
        errors["disposition"] = f"「{category.name}」类来电不能直接关闭，请答复或转办"
    if disposition == D.ANSWERED and not result.strip():
        errors["result"] = (
            category.answer_hint and f"请填写答复内容（{category.answer_hint}）" or "请填写答复内容"
        )


IDEMPOTENCY_KEY = re.compile(r"[!-~]{1,64}")  # visible ASCII: a UUID, a client's request id


def open_contact(*, actor, call_id: str = "", idempotency_key: str = "", **fields) -> Contact:
    """Record one contact once (issue 11 item 13). A request repeated with the same call id, or by the
    same user with the same idempotency key, answers with the contact the first one recorded (and its
    work order), marked `replayed`, instead of sending the matter to a branch twice.

    Repeats in a row find the first contact before doing anything. Repeats at the same moment both
    miss it; the database's unique constraints let only one INSERT through, and the other, rolled
    back with the day number it took (numbers stay gap-free), then finds the winner's contact."""
    if not actor.has_perm("hotline.add_contact"):
        raise PermissionDenied("您的角色没有受理登记的权限")
    call_id, idempotency_key = (call_id or "").strip()[:64], _clean_key(idempotency_key)
    first = first_contact_for(actor, call_id=call_id, idempotency_key=idempotency_key)
    if first is not None:
        return first
    try:
        return _record_contact(actor=actor, call_id=call_id, idempotency_key=idempotency_key, **fields)
    except IntegrityError:
        first = first_contact_for(actor, call_id=call_id, idempotency_key=idempotency_key)
        if first is None:
            raise
        return first


def _clean_key(key: str) -> str:
    key = (key or "").strip()
    if key and not IDEMPOTENCY_KEY.fullmatch(key):
        raise ValidationError(
            {"idempotency_key": "幂等键（Idempotency-Key）应为1至64个可见英文字符，如 UUID"}
        )
    return key


def first_contact_for(actor, *, call_id: str, idempotency_key: str) -> Contact | None:
    """The contact an earlier request with this key (this user's) or this call id recorded, marked
    `replayed`; None when there is none."""
    if idempotency_key:
        first = Contact.objects.filter(agent=actor, idempotency_key=idempotency_key).first()
        if first is not None:
            first.replayed = True
            return first
    if call_id:
        first = Contact.objects.filter(call_id=call_id).first()
        if first is not None:
            if not Contact.objects.visible_to(actor).filter(pk=first.pk).exists():
                # Someone else's record the user may not read: refuse without showing its number.
                raise ValidationError({"call_id": "这通电话已由他人登记，不能重复登记"})
            first.replayed = True
            return first
    return None


@transaction.atomic
def _record_contact(
    *,
    actor,
    matter: str,
    category: Category,
    disposition: str,
    channel: str = Channel.PHONE,
    customer: Customer | None = None,
    caller_name: str = "",
    phone: str = "",
    address: str = "",
    service_area: ServiceArea | None = None,
    priority: str = Priority.NORMAL,
    result: str = "",
    unit: Unit | None = None,
    suggested_category: Category | None = None,
    suggestion_confidence: float | None = None,
    call_id: str = "",
    idempotency_key: str = "",
    received_at: datetime | None = None,
    link_repeat: bool = False,
) -> Contact:
    """Record one contact; a transfer or follow-up also opens its work order, owned by `actor` (H7).

    With `link_repeat` (the workspace and the API, unless the agent says 新问题), a contact from the
    number or customer of an open order within hotline.repeat_window_days is linked to that order
    instead (disposition 并入在办工单, H16): no second order goes to the unit; see services.repeats."""
    now = timezone.now()
    received_at = received_at or now
    matter, result, address = (matter or "").strip(), (result or "").strip(), (address or "").strip()
    caller_name = (caller_name or "").strip() or (customer.name if customer else "")
    errors: dict[str, str] = {}
    if not matter:
        errors["matter"] = "请填写来电事项"
    elif len(matter) > MATTER_MAX:
        errors["matter"] = (
            f"来电事项不能超过{MATTER_MAX}字（现有{len(matter)}字），系统不会截断，请精简后再保存"
        )
    if channel not in Channel.values:
        errors["channel"] = "渠道无效"
    if priority not in Priority.values:
        errors["priority"] = "紧急程度无效"
    if not category.active:
        errors["category"] = f"类别「{category.name}」已停用"
    if received_at > now + timezone.timedelta(minutes=5):
        errors["received_at"] = "受理时间不能晚于现在"
    try:
        phone = normalise_phone(phone) if (phone or "").strip() else (customer.phone if customer else "")
    except ValidationError as exc:
        errors["phone"] = exc.messages[0]
    repeat = None
    if link_repeat and not errors:
        repeat = repeats.find_open_order(user=actor, phone=phone, customer=customer, at=received_at)
    if repeat is not None:
        # About the caller's open order: linked to it, whatever the form proposed for a new matter.
        disposition, unit = D.REPEAT, None
    elif disposition == D.REPEAT:
        days = repeats.window_days()
        errors["disposition"] = (
            f"此号码或客户{days}天内没有在办工单，不能并入；请选择当即答复、坐席跟进后答复、转办或记录后关闭"
        )
    else:
        check_disposition(category, disposition, result, errors)
    transfer = disposition == D.TRANSFERRED
    if transfer and not phone:
        hours = get_policy("hotline.callback_hours")  # the rule as the administrator set it, not "24"
        errors["phone"] = f"转办后须在{hours}小时内回电客户，请填写联系电话"
    if transfer and category.route == Category.Route.BRANCH_BY_AREA and not (address or customer):
        errors["address"] = "报修、争议等转分公司的事项须记录准确地址"
    if unit is not None and not transfer:
        errors["unit"] = "只有转办时才选择责任单位"
    if errors:
        raise ValidationError(errors)

    if service_area is None:
        service_area = area_for_customer(customer) if customer else area_for_address(address)
    routing = route(category, service_area) if transfer else None
    target_unit = unit or (routing.unit if routing else None)
    if transfer and target_unit is None:
        raise ValidationError({"unit": "请选择责任单位"})
    if target_unit is not None and not target_unit.active:
        raise ValidationError({"unit": f"{target_unit}已停用"})

    stored_address = address or (customer.address if customer else "")
    day = timezone.localtime(received_at).date()
    sequence = next_sequence(day)
    number = contact_number(day, sequence)
    contact = Contact.objects.create(
        number=number,
        received_on=day,
        sequence=sequence,
        received_at=received_at,
        channel=channel,
        agent=actor,
        team_id=actor.team_id,
        customer=customer,
        caller_name=caller_name[:100],
        phone=phone,
        address=stored_address,
        service_area=service_area,
        matter=matter,
        original_matter=matter,
        category=category,
        suggested_category=suggested_category,
        suggestion_confidence=suggestion_confidence,
        priority=priority,
        disposition=disposition,
        result=result,
        call_id=call_id,
        idempotency_key=idempotency_key,
        # Set in the one INSERT: every later UPDATE of a contact adds an entry to each of its indexes.
        transferred_at=now if transfer else None,
        transferred_to=target_unit if transfer else None,
        search_text=search_text_for(matter, caller_name[:100], stored_address, phone, number),
        repeat_of=repeat.work_order if repeat else None,
    )
    contact_opened_event(
        actor=actor,
        contact=contact,
        changes={"category": [None, category.name], "disposition": [None, contact.get_disposition_display()]},
        note=routing.reason if routing else (repeat.notice if repeat else ""),
    )
    contact.replayed = False
    contact.repeat_match = repeat
    if repeat is not None:
        order = repeats.link(actor=actor, contact=contact, match=repeat)
        contact.repeat_of, contact.raised_priority = order, order.raised_priority
        if order.raised_priority:
            _escalate_if_urgent(actor, order)
    if disposition in (D.TRANSFERRED, D.FOLLOW_UP):
        # Cached on the contact, so that callers read the order without another query.
        contact.work_order = _open_work_order(
            actor, contact, target_unit, routing.reason if routing else "坐席跟进后答复客户"
        )
    return contact


def _open_work_order(actor, contact: Contact, unit: Unit | None, reason: str) -> WorkOrder:
    """The new order is written once, already transferred when it goes to a unit (the hotline's
    busiest write: no row is inserted and then updated), with the same timeline as a later transfer."""
    due = deadline_for(contact.category, contact.received_at)
    transferred = unit is not None
    work_order = WorkOrder.objects.create(
        number=work_order_number(contact.number),
        contact=contact,
        category=contact.category,
        state=WorkOrder.State.TRANSFERRED if transferred else WorkOrder.State.NEW,
        owner=actor,
        unit=unit,
        transferred_at=contact.transferred_at,
        customer=contact.customer,
        service_area=contact.service_area,
        priority=contact.priority,
        deadline=due.deadline,
        deadline_warnings=due.warnings,
    )
    work_order_created_event(
        actor=actor,
        work_order=work_order,
        changes={"owner": [None, str(actor)], "deadline": [None, work_orders._plain(due.deadline)]},
        note="；".join(due.warnings),
    )
    if transferred:
        work_order_transferred_event(
            actor=actor,
            work_order=work_order,
            changes={"state": [WorkOrder.State.NEW, WorkOrder.State.TRANSFERRED], "unit": [None, str(unit)]},
            note=reason,
        )
        Callback.objects.create(
            work_order=work_order,
            attempt=1,
            due_at=work_order.transferred_at + timedelta(hours=float(get_policy("hotline.callback_hours"))),
        )
        send_work_order_sent(work_order)
    _escalate_if_urgent(actor, work_order)
    return work_order


def _escalate_if_urgent(actor, work_order: WorkOrder) -> None:
    """H9: important or urgent complaints reach the leaders at once. Important ones go up level by
    level to the department head; an urgent one goes straight to the center director (an emergency
    may skip levels) and the skipped levels are told afterwards."""
    if work_order.priority not in (work_order.category.escalate_priorities or []):
        return
    reason = (
        f"{work_order.category.name}（{work_order.get_priority_display()}）：{work_order.contact.matter[:60]}"
    )
    if work_order.priority == Priority.URGENT:
        raise_level(actor=actor, work_order=work_order, level=3, reason=reason, emergency=True)
        return
    for level in (1, 2):
        raise_level(actor=actor, work_order=work_order, level=level, reason=reason)


CORRECTABLE = ("matter", "caller_name", "phone", "address", "result")


@transaction.atomic
def correct_contact(*, actor, contact: Contact, reason: str, **values) -> Contact:
    """H2: a correction is a new entry in the history; `original_matter` keeps the first wording."""
    if actor.pk != contact.agent_id and not actor.has_perm("hotline.manage_workorder"):
        raise PermissionDenied("只有受理坐席或班长以上可以更正登记内容")
    if not actor.has_perm("hotline.change_contact"):
        raise PermissionDenied("您的角色没有更正登记的权限")
    unknown = set(values) - set(CORRECTABLE)
    if unknown:
        raise ValidationError({field: "此项不能更正" for field in unknown})
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写更正原因"})
    cleaned = {k: (v or "").strip() for k, v in values.items()}
    if "matter" in cleaned and not cleaned["matter"]:
        raise ValidationError({"matter": "来电事项不能为空"})
    if cleaned.get("phone"):
        try:
            cleaned["phone"] = normalise_phone(cleaned["phone"])
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages[0]}) from None
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    changes = diff(contact, cleaned)
    if not changes:
        return contact
    for field, value in cleaned.items():
        setattr(contact, field, value)
    reply = getattr(getattr(contact, "work_order", None), "reply", "")
    contact.search_text = search_text_for(
        contact.matter, contact.caller_name, contact.address, contact.phone, contact.number, reply
    )
    contact.save()
    contact_corrected_event(actor=actor, contact=contact, changes=changes, note=reason.strip())
    return contact


def search_register(*, user, query: str):
    """The contact register's search as its page and API run it: a phone-number query by a user who
    sees numbers masked counts against the same limit as the archive search (issue 11 item 1), then the
    rows are read through selectors.search_contacts. SearchRateLimited past the limit."""
    limit_number_search(user=user, query=query)
    return selectors.search_contacts(user, query)
