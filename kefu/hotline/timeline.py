"""The hotline's part of the customer timeline (kefu.core.timeline, A2): the customer's contacts (来电
来访), their work orders' key steps (created, transferred, returned, replied, closed, reopened,
escalated, a leader's 督办意见 or 批示, an interim reply) and the callbacks and return visits. Internal
notes are not steps of the customer's story: they stay on the order.

Only what the viewer may open, by the hotline's own rules: `Contact.objects.visible_to(user)` and
`WorkOrder.objects.visible_to(user)` (a unit sees its orders and those it co-handles, not the
complaint about its own staff that went to the discipline office), and nothing without the view
permission. One bounded query per kind: the newest `limit` rows, whatever the customer's history."""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from kefu.core.events import verb_label
from kefu.core.models import Event
from kefu.core.text import cut
from kefu.core.timeline import TimelineEntry, TimelineKind, timeline_source
from kefu.hotline.events import HotlineEvents
from kefu.hotline.models import Callback, Contact, ReturnVisit, WorkOrder


def _may_see_contacts(user) -> bool:
    return user.has_perm("hotline.view_contact")


def _may_see_orders(user) -> bool:
    return user.has_perm("hotline.view_workorder")


CONTACT = TimelineKind("contact", "来电来访", 10, _may_see_contacts)
WORK_ORDER = TimelineKind("work_order", "工单", 20, _may_see_orders)
FOLLOW_UP = TimelineKind("follow_up", "回电与回访", 30, _may_see_orders)
# The steps of an order worth a line in the customer's story; accepting, reassigning and the like are
# on the order's own page.
KEY_STEPS = [
    HotlineEvents.WORK_ORDER_CREATED,
    HotlineEvents.WORK_ORDER_TRANSFERRED,
    HotlineEvents.WORK_ORDER_RETURNED,
    HotlineEvents.WORK_ORDER_REPLIED,
    HotlineEvents.WORK_ORDER_CLOSED,
    HotlineEvents.WORK_ORDER_REOPENED,
    HotlineEvents.WORK_ORDER_ESCALATED,
    HotlineEvents.SUPERVISION_ISSUED,
    HotlineEvents.INSTRUCTION_RECORDED,
    HotlineEvents.INTERIM_REPLY_RECORDED,
]
# Steps whose words are in the note or, failing that, in what they recorded (the instruction's text,
# the interim reply's plan).
NOTED_STEPS = {
    HotlineEvents.WORK_ORDER_REOPENED,
    HotlineEvents.WORK_ORDER_ESCALATED,
    HotlineEvents.SUPERVISION_ISSUED,
    HotlineEvents.INSTRUCTION_RECORDED,
    HotlineEvents.INTERIM_REPLY_RECORDED,
}
EXCERPT = 60


@timeline_source(CONTACT, WORK_ORDER, FOLLOW_UP)
def customer_timeline(customer, user, *, kinds: set[str], limit: int) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    if CONTACT.code in kinds and CONTACT.visible_to(user):
        entries += [_contact(contact) for contact in _contacts(customer, user, limit)]
    if not _may_see_orders(user):
        return entries
    orders = WorkOrder.objects.visible_to(user).filter(customer=customer).values("pk")
    if WORK_ORDER.code in kinds:
        entries += [_step(event) for event in _steps(orders, limit)]
    if FOLLOW_UP.code in kinds:
        entries += [_callback(callback) for callback in _callbacks(orders, limit)]
        entries += [_visit(visit) for visit in _visits(orders, limit)]
    return entries


def _contacts(customer, user, limit: int):
    return (
        Contact.objects.visible_to(user)
        .filter(customer=customer)
        .select_related("category", "agent")
        .defer("search_text", "original_matter")
        .order_by("-received_at", "-id")[:limit]
    )


def _steps(orders, limit: int):
    # The events of the customer's visible orders: one query on the events' target index, the order's
    # number from target_repr (what the order was called when the step was taken, which never changes).
    return (
        Event.objects.filter(
            target_type=ContentType.objects.get_for_model(WorkOrder),
            target_id__in=orders,
            verb__in=KEY_STEPS,
        )
        .select_related("actor")
        .order_by("-occurred_at", "-id")[:limit]
    )


def _callbacks(orders, limit: int):
    return (
        Callback.objects.filter(work_order__in=orders, done_at__isnull=False)
        .select_related("work_order", "done_by")
        .order_by("-done_at", "-id")[:limit]
    )


def _visits(orders, limit: int):
    return (
        ReturnVisit.objects.filter(work_order__in=orders)
        .select_related("work_order", "visited_by")
        .order_by("-visited_at", "-id")[:limit]
    )


def _contact(contact: Contact) -> TimelineEntry:
    summary = (
        f"{contact.number} {contact.get_channel_display()} · {contact.category.name}："
        f"{_excerpt(contact.matter)}（{contact.get_disposition_display()}）"
    )
    return CONTACT.entry(
        at=contact.received_at,
        summary=summary,
        actor=str(contact.agent),
        url=reverse("hotline:contact", args=[contact.pk]),
    )


def _step(event: Event) -> TimelineEntry:
    changes = event.changes or {}
    summary = f"工单{event.target_repr} {verb_label(event.verb)}"
    detail = ""
    if event.verb in (HotlineEvents.WORK_ORDER_TRANSFERRED, HotlineEvents.WORK_ORDER_CREATED):
        unit = _new(changes.get("unit"))
        detail = f"至{unit}" if unit else ""
    elif event.verb == HotlineEvents.WORK_ORDER_REPLIED:
        detail = _new(changes.get("reply"))
    elif event.verb == HotlineEvents.WORK_ORDER_RETURNED:
        detail = _new(changes.get("return_reason")) or event.note
    elif event.verb in NOTED_STEPS:
        detail = event.note or next((_new(value) for value in changes.values() if _new(value)), "")
    if detail:
        summary += f"：{_excerpt(detail)}"
    return WORK_ORDER.entry(
        at=event.occurred_at,
        summary=summary,
        actor=str(event.actor or "系统"),
        url=reverse("hotline:work_order", args=[event.target_id]),
    )


def _callback(callback: Callback) -> TimelineEntry:
    summary = f"工单{callback.work_order.number} 第{callback.attempt}次回电：{callback.get_outcome_display()}"
    if callback.satisfied is not None:
        summary += "，客户满意" if callback.satisfied else "，客户不满意"
    if callback.feedback:
        summary += f"（{_excerpt(callback.feedback)}）"
    return FOLLOW_UP.entry(
        at=callback.done_at,
        summary=summary,
        actor=str(callback.done_by or "系统"),
        url=reverse("hotline:work_order", args=[callback.work_order_id]),
    )


def _visit(visit: ReturnVisit) -> TimelineEntry:
    summary = f"工单{visit.work_order.number} 回访：{visit.get_result_display()}"
    if visit.comment:
        summary += f"（{_excerpt(visit.comment)}）"
    return FOLLOW_UP.entry(
        at=visit.visited_at,
        summary=summary,
        actor=str(visit.visited_by),
        url=reverse("hotline:work_order", args=[visit.work_order_id]),
    )


def _new(change) -> str:
    """The new value of a recorded change ([old, new]), or the value itself."""
    if isinstance(change, list) and len(change) == 2:
        change = change[1]
    return "" if change in (None, "") else str(change)


def _excerpt(text: str) -> str:
    return cut(" ".join((text or "").split()), EXCERPT)
