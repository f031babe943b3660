"""Collection's verbs, and one constructor per event. Payments and invoice requests are recorded on
the customer's archive, so the archive's history shows them; cash banking on the banking row."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from kefu.core.events import EventVerbs, record_event


class CollectionEvents(EventVerbs):
    PAYMENT_RECORDED = "payment.recorded", _("收费")
    PAYMENT_VOIDED = "payment.voided", _("作废收费")
    VAT_INVOICE_REQUESTED = "vat_invoice.requested", _("申请增值税专用发票")
    VAT_INVOICE_ISSUED = "vat_invoice.issued", _("开具增值税专用发票")
    CASH_BANKED = "cash.banked", _("现金解款")


def payment_recorded_event(*, actor, customer, changes: dict[str, Any], note: str):
    return record_event(
        actor=actor, target=customer, verb=CollectionEvents.PAYMENT_RECORDED, changes=changes, note=note
    )


def payment_voided_event(*, actor, customer, changes: dict[str, Any], note: str):
    return record_event(
        actor=actor, target=customer, verb=CollectionEvents.PAYMENT_VOIDED, changes=changes, note=note
    )


def vat_invoice_requested_event(*, actor, customer, changes: dict[str, Any], note: str):
    return record_event(
        actor=actor, target=customer, verb=CollectionEvents.VAT_INVOICE_REQUESTED, changes=changes, note=note
    )


def vat_invoice_issued_event(*, actor, customer, changes: dict[str, Any], note: str):
    return record_event(
        actor=actor, target=customer, verb=CollectionEvents.VAT_INVOICE_ISSUED, changes=changes, note=note
    )


def cash_banked_event(*, actor, banking, changes: dict[str, Any], note: str = ""):
    return record_event(
        actor=actor, target=banking, verb=CollectionEvents.CASH_BANKED, changes=changes, note=note
    )
