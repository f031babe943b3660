"""The customer archive's verbs, and one constructor per event. Every event's target is the customer:
the archive's history (selectors.history_for) reads them back from there."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from kefu.core.events import EventVerbs, record_event


class CustomerEvents(EventVerbs):
    OPENED = "customer.opened", _("建档")
    UPDATED = "customer.updated", _("修改档案")
    SUPPLY_STATUS_CHANGED = "customer.supply_status_changed", _("变更供水状态")
    CONTACT_ADDED = "customer.contact_added", _("添加联系人")
    DOCUMENT_ADDED = "customer.document_added", _("上传资料")
    CORRESPONDENCE_ADDED = "customer.correspondence_added", _("登记往来函件")
    ACCOUNT_ADDED = "customer.account_added", _("开立账户")
    SERVICE_POINT_ADDED = "customer.service_point_added", _("登记接水点")
    METER_ADDED = "customer.meter_added", _("登记水表")
    METER_REPLACED = "customer.meter_replaced", _("换表（旧表拆除、新表启用）")
    CONTRACT_ADDED = "customer.contract_added", _("登记合同")
    TRANSFERRED_OUT = "customer.transferred_out", _("过户转出")
    TRANSFERRED_IN = "customer.transferred_in", _("过户转入")
    STAFF_CONTACT_CHANGED = "customer.staff_contact_changed", _("更换中心联系人")


def customer_opened_event(*, actor, customer, changes: dict[str, Any]):
    return record_event(actor=actor, target=customer, verb=CustomerEvents.OPENED, changes=changes)


def customer_updated_event(*, actor, customer, changes: dict[str, Any], note: str = ""):
    return record_event(actor=actor, target=customer, verb=CustomerEvents.UPDATED, changes=changes, note=note)


def customer_supply_status_changed_event(*, actor, customer, old: str, new: str, note: str = ""):
    return record_event(
        actor=actor,
        target=customer,
        verb=CustomerEvents.SUPPLY_STATUS_CHANGED,
        changes={"status": [old, new]},
        note=note,
    )


def customer_part_added_event(*, actor, customer, verb: CustomerEvents, changes: dict[str, Any]):
    """A contact, document, account, service point, meter or contract added to the archive."""
    return record_event(actor=actor, target=customer, verb=verb, changes=changes)


def customer_correspondence_added_event(*, actor, customer, document):
    """A letter, fax, e-mail or a note of a call or meeting put in the archive (002 客户管理制度)."""
    return record_event(
        actor=actor,
        target=customer,
        verb=CustomerEvents.CORRESPONDENCE_ADDED,
        changes={
            "document": document.title,
            "channel": document.get_channel_display(),
            "direction": document.get_direction_display(),
            "dated_on": document.dated_on.isoformat(),
        },
    )


def customer_transferred_events(*, actor, old_holder, new_holder, moved: dict[str, Any], note: str = ""):
    """P7 (过户): both archives record the connection points and accounts that changed hands."""
    record_event(
        actor=actor,
        target=old_holder,
        verb=CustomerEvents.TRANSFERRED_OUT,
        changes={**moved, "to": new_holder.number},
        note=note,
    )
    record_event(
        actor=actor,
        target=new_holder,
        verb=CustomerEvents.TRANSFERRED_IN,
        changes={**moved, "from": old_holder.number},
        note=note,
    )


def customer_staff_contact_changed_event(*, actor, customer, old: str, new: str, what: str, note: str = ""):
    """A3, H7: the member of staff following the customer's matters (a work order's first-contact owner,
    a process's clerk) left or was absent and handed them to a colleague; the archive says who the
    customer's contact at the center is now, for which records (`what`: "工单GD…、GD…")."""
    return record_event(
        actor=actor,
        target=customer,
        verb=CustomerEvents.STAFF_CONTACT_CHANGED,
        changes={"staff_contact": [old, new], "records": what},
        note=note,
    )
