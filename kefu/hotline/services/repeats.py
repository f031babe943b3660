"""Repeat callers (重复来电, H16; W1): another contact from the number or the customer of an open order.

The e-commerce scripts (供水手册所附《客服工作手册》第一章客服话术1.1.3) ask the agent, when a user calls
again the same day saying the problem is not solved, to confirm the earlier matter first ("请问您之前
咨询的是……问题吗?"). So as soon as the agent has a number or a customer, the workspace asks
`find_open_order` whether this caller has an order still open whose last contact lies within the rule
`hotline.repeat_window_days`, and says "该客户就工单GD…第N次来电". Recording the contact then links it to
that order (`Contact.repeat_of`) instead of opening another one for the branch, unless the agent says it
is a new matter (新问题). The order counts its repeats (`WorkOrder.repeat_count`, for the lists); a
repeat on the same day as the previous contact raises the order's priority one step (the rule
`hotline.repeat_same_day_raises_priority`), and the unit working the order is told.

Only orders the agent may open are found (WorkOrder.objects.visible_to), so a unit never learns of
another unit's order through a caller's number.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from kefu.core.policies import policy
from kefu.core.validators import normalise_phone
from kefu.customers.services import limit_number_search
from kefu.hotline.events import work_order_priority_raised_event, work_order_repeat_contact_event
from kefu.hotline.models import Contact, Priority, WorkOrder
from kefu.hotline.services.alerts import notify, unit_staff

# The alert kind the unit and the owner get for a repeat (its label is registered with the hotline's).
REPEAT_ALERT = "hotline.repeat_contact"
# One step up; urgent stays urgent.
NEXT_PRIORITY = {Priority.NORMAL: Priority.IMPORTANT, Priority.IMPORTANT: Priority.URGENT}
SAME_DAY_NOTE = "当日再次来电，用户表示问题未解决"
# What the script (1.1.3) has the agent say to a caller calling again.
CONFIRM_SCRIPT = "请问您之前咨询的是……问题吗？"


@dataclass(frozen=True)
class RepeatMatch:
    """The open order a caller is calling about again, and what this call would be for it."""

    work_order: WorkOrder
    nth: int  # this call is the order's nth contact (the first is the one that opened it)
    last_contact_at: datetime
    same_day: bool

    @property
    def notice(self) -> str:
        return f"该客户就工单{self.work_order.number}第{self.nth}次来电"


def window_days() -> int:
    return int(policy("hotline.repeat_window_days"))


def _phone(phone: str) -> str:
    phone = (phone or "").strip()
    if not phone:
        return ""
    try:
        return normalise_phone(phone)
    except ValidationError:
        return ""  # a number still being typed matches nothing


def last_contact_at():
    """The time of an order's latest contact: its own, or its latest repeat's (annotation)."""
    last_repeat = (
        Contact.objects.filter(repeat_of=OuterRef("pk")).order_by("-received_at").values("received_at")[:1]
    )
    return Greatest(F("contact__received_at"), Coalesce(Subquery(last_repeat), F("contact__received_at")))


def find_open_order(
    *, user, phone: str = "", customer=None, at: datetime | None = None
) -> RepeatMatch | None:
    """The open order, among those `user` may open, that this number or customer last called about
    within the window (the most recent such call first); None when there is none."""
    phone = _phone(phone)
    if not phone and customer is None:
        return None
    at = at or timezone.now()
    since = at - timedelta(days=window_days())
    caller = Q()
    if phone:
        repeated_from = Contact.objects.filter(phone=phone, repeat_of__isnull=False).values("repeat_of")
        caller |= Q(contact__phone=phone) | Q(pk__in=repeated_from)
    if customer is not None:
        caller |= Q(customer=customer)
    order = (
        WorkOrder.objects.visible_to(user)
        .open()
        .filter(caller)
        .annotate(last_contact=last_contact_at())
        .filter(last_contact__gte=since, last_contact__lte=at)
        .select_related("contact", "category", "unit", "owner")
        .order_by("-last_contact", "-id")
        .first()
    )
    if order is None:
        return None
    same_day = timezone.localtime(order.last_contact).date() == timezone.localtime(at).date()
    return RepeatMatch(order, order.repeat_count + 2, order.last_contact, same_day)


def check_caller(*, user, phone: str = "", customer=None) -> RepeatMatch | None:
    """The workspace's and the API's look-up while the agent types: a complete phone number asked by
    someone who sees numbers masked counts against the number-search limit like the archive search
    (issue 11 item 1), so the box cannot be used to probe which numbers have orders."""
    number = _phone(phone)
    if number:
        limit_number_search(user=user, query=number)
    return find_open_order(user=user, phone=number, customer=customer)


def link(*, actor, contact: Contact, match: RepeatMatch) -> WorkOrder:
    """Count `contact` (already saved with repeat_of) on its order, inside the caller's transaction:
    the repeat on the order's timeline, the priority one step up for a same-day repeat when the rule
    says so, and the unit (or the owner, while no unit holds it) told. Returns the order."""
    work_order = (
        WorkOrder.objects.select_for_update(of=("self",))
        .select_related("owner", "unit", "category", "contact")
        .get(pk=match.work_order.pk)
    )
    old_count = work_order.repeat_count
    work_order.repeat_count = old_count + 1
    nth = work_order.repeat_count + 1
    raised = None
    if match.same_day and policy("hotline.repeat_same_day_raises_priority"):
        raised = NEXT_PRIORITY.get(work_order.priority)
    old_priority = work_order.get_priority_display()
    if raised:
        work_order.priority = raised
        work_order.save(update_fields=["repeat_count", "priority", "updated_at"])
    else:
        work_order.save(update_fields=["repeat_count", "updated_at"])
    work_order_repeat_contact_event(
        actor=actor,
        work_order=work_order,
        contact=contact,
        changes={"repeat_count": [old_count, work_order.repeat_count]},
        note=f"第{nth}次来电：{contact.matter[:80]}",
    )
    message = f"工单{work_order.number}的客户第{nth}次来电：{contact.matter[:60]}"
    if raised:
        work_order_priority_raised_event(
            actor=actor,
            work_order=work_order,
            changes={"priority": [old_priority, work_order.get_priority_display()]},
            note=f"{SAME_DAY_NOTE}（第{nth}次来电，{contact.number}）",
        )
        message = (
            f"工单{work_order.number}的客户当日再次来电（第{nth}次），"
            f"紧急程度提高为「{work_order.get_priority_display()}」：{contact.matter[:50]}"
        )
    people = unit_staff(work_order) or [work_order.owner]
    if actor is not None and actor.pk != work_order.owner_id:
        people = [*people, work_order.owner]
    # One alert per repeat: the level is the call's number on the order.
    notify(people, work_order, REPEAT_ALERT, message, nth)
    work_order.raised_priority = bool(raised)
    return work_order
