"""The hotline's verbs (contacts, work orders, their follow-up, categories), with the Chinese words
the timelines show, and one constructor per event."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from kefu.core.events import EventVerbs, record_event


class HotlineEvents(EventVerbs):
    CONTACT_OPENED = "contact.opened", _("受理登记")
    CONTACT_CORRECTED = "contact.corrected", _("更正登记")
    WORK_ORDER_CREATED = "work_order.created", _("创建工单")
    WORK_ORDER_TRANSFERRED = "work_order.transferred", _("转办")
    WORK_ORDER_REASSIGNED = "work_order.reassigned", _("改派")
    WORK_ORDER_ACCEPTED = "work_order.accepted", _("受理")
    WORK_ORDER_RETURNED = "work_order.returned", _("退回")
    WORK_ORDER_REPLIED = "work_order.replied", _("回复办理结果")
    WORK_ORDER_CALLED_BACK = "work_order.called_back", _("回访客户")
    WORK_ORDER_CLOSED = "work_order.closed", _("办结")
    WORK_ORDER_REOPENED = "work_order.reopened", _("重新打开")
    WORK_ORDER_ESCALATED = "work_order.escalated", _("上报督办")
    WORK_ORDER_HANDED_OVER = "work_order.handed_over", _("移交首问责任")
    WORK_ORDER_CO_UNITS_CHANGED = "work_order.co_units_changed", _("设置协办单位")
    WORK_ORDER_REPEAT_CONTACT = "work_order.repeat_contact", _("重复来电")
    WORK_ORDER_PRIORITY_RAISED = "work_order.priority_raised", _("提高紧急程度")
    INTERIM_REPLY_RECORDED = "interim_reply.recorded", _("阶段答复")
    CALLBACK_RECORDED = "callback.recorded", _("回电")
    RETURN_VISIT_RECORDED = "return_visit.recorded", _("回访")
    SUPERVISION_ISSUED = "supervision.issued", _("督办意见")
    INSTRUCTION_RECORDED = "instruction.recorded", _("领导批示")
    INSTRUCTION_ACKNOWLEDGED = "instruction.acknowledged", _("签收督办")
    NOTE_ADDED = "work_order_note.added", _("内部备注")
    CATEGORY_CREATED = "category.created", _("新建诉求类别")
    CATEGORY_CHANGED = "category.changed", _("修改诉求类别")


# The work order's steps (services.work_orders.TRANSITIONS) and the verb each is recorded under.
FOR_ACTION = {
    "transfer": HotlineEvents.WORK_ORDER_TRANSFERRED,
    "reassign": HotlineEvents.WORK_ORDER_REASSIGNED,
    "accept": HotlineEvents.WORK_ORDER_ACCEPTED,
    "return": HotlineEvents.WORK_ORDER_RETURNED,
    "reply": HotlineEvents.WORK_ORDER_REPLIED,
    "call_back": HotlineEvents.WORK_ORDER_CALLED_BACK,
    "close": HotlineEvents.WORK_ORDER_CLOSED,
    "reopen": HotlineEvents.WORK_ORDER_REOPENED,
}


def contact_opened_event(*, actor, contact, changes: dict[str, Any], note: str = ""):
    return record_event(
        actor=actor, target=contact, verb=HotlineEvents.CONTACT_OPENED, changes=changes, note=note
    )


def contact_corrected_event(*, actor, contact, changes: dict[str, Any], note: str = ""):
    return record_event(
        actor=actor, target=contact, verb=HotlineEvents.CONTACT_CORRECTED, changes=changes, note=note
    )


def work_order_created_event(*, actor, work_order, changes: dict[str, Any], note: str = ""):
    return record_event(
        actor=actor, target=work_order, verb=HotlineEvents.WORK_ORDER_CREATED, changes=changes, note=note
    )


def work_order_moved_event(*, actor, work_order, action: str, changes: dict[str, Any], note: str = ""):
    """One step of the work order's life (transfer, accept, reply, close, reopen…)."""
    return record_event(actor=actor, target=work_order, verb=FOR_ACTION[action], changes=changes, note=note)


def work_order_transferred_event(*, actor, work_order, changes: dict[str, Any] | None = None, note: str = ""):
    return work_order_moved_event(
        actor=actor, work_order=work_order, action="transfer", changes=changes or {}, note=note
    )


def work_order_escalated_event(*, actor, work_order, changes: dict[str, Any], note: str = ""):
    return record_event(
        actor=actor, target=work_order, verb=HotlineEvents.WORK_ORDER_ESCALATED, changes=changes, note=note
    )


def work_order_handed_over_event(*, actor, work_order, changes: dict[str, Any], note: str = ""):
    return record_event(
        actor=actor, target=work_order, verb=HotlineEvents.WORK_ORDER_HANDED_OVER, changes=changes, note=note
    )


def work_order_co_units_changed_event(*, actor, work_order, changes: dict[str, Any]):
    return record_event(
        actor=actor, target=work_order, verb=HotlineEvents.WORK_ORDER_CO_UNITS_CHANGED, changes=changes
    )


def work_order_repeat_contact_event(*, actor, work_order, contact, changes: dict[str, Any], note: str = ""):
    """Another contact about this open order (H16): on the order's timeline, naming the contact."""
    return record_event(
        actor=actor,
        target=work_order,
        verb=HotlineEvents.WORK_ORDER_REPEAT_CONTACT,
        changes={"contact": [None, contact.number], **changes},
        note=note,
    )


def work_order_priority_raised_event(*, actor, work_order, changes: dict[str, Any], note: str = ""):
    return record_event(
        actor=actor,
        target=work_order,
        verb=HotlineEvents.WORK_ORDER_PRIORITY_RAISED,
        changes=changes,
        note=note,
    )


def interim_reply_recorded_event(*, actor, work_order, changes: dict[str, Any], note: str = ""):
    return record_event(
        actor=actor, target=work_order, verb=HotlineEvents.INTERIM_REPLY_RECORDED, changes=changes, note=note
    )


def callback_recorded_event(*, actor, work_order, changes: dict[str, Any], note: str = ""):
    return record_event(
        actor=actor, target=work_order, verb=HotlineEvents.CALLBACK_RECORDED, changes=changes, note=note
    )


def return_visit_recorded_event(*, actor, work_order, changes: dict[str, Any], note: str = ""):
    return record_event(
        actor=actor, target=work_order, verb=HotlineEvents.RETURN_VISIT_RECORDED, changes=changes, note=note
    )


def instruction_written_event(*, actor, instruction, changes: dict[str, Any], note: str = ""):
    """A leader's 督办意见 or 批示, on the order's timeline with its text (H17)."""
    verb = (
        HotlineEvents.SUPERVISION_ISSUED
        if instruction.kind == "supervision"
        else HotlineEvents.INSTRUCTION_RECORDED
    )
    return record_event(actor=actor, target=instruction.work_order, verb=verb, changes=changes, note=note)


def instruction_acknowledged_event(*, actor, instruction, changes: dict[str, Any], note: str = ""):
    return record_event(
        actor=actor,
        target=instruction.work_order,
        verb=HotlineEvents.INSTRUCTION_ACKNOWLEDGED,
        changes=changes,
        note=note,
    )


def note_added_event(*, actor, note, changes: dict[str, Any]):
    """An internal note: the timeline says that one was added (and its attachments and mentions), not
    what it says; the text stays in the notes, which no customer-facing print shows."""
    return record_event(actor=actor, target=note.work_order, verb=HotlineEvents.NOTE_ADDED, changes=changes)


def category_saved_event(*, actor, category, created: bool, changes: dict[str, Any]):
    verb = HotlineEvents.CATEGORY_CREATED if created else HotlineEvents.CATEGORY_CHANGED
    return record_event(actor=actor, target=category, verb=verb, changes=changes)
