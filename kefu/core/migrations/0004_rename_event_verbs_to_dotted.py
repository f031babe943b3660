"""Rename the verbs stored in the event log to the one dotted style, `<noun>.<past participle>`
(issue 12, typed events): `transfer` becomes `work_order.transferred`, `collection.payment`
becomes `payment.recorded`. Each app's verbs are named in its `events.py`; the mapping is written
out here (no app code in a migration). Verbs already in that style (customer.opened, report.failed,
staff.created, handover.recorded, …) are not listed. The reverse restores the old names."""

from django.db import migrations

OLD_TO_NEW = {
    # hotline: contacts
    "contact_opened": "contact.opened",
    "corrected": "contact.corrected",
    # hotline: work orders
    "created": "work_order.created",
    "transfer": "work_order.transferred",
    "reassign": "work_order.reassigned",
    "accept": "work_order.accepted",
    "return": "work_order.returned",
    "reply": "work_order.replied",
    "call_back": "work_order.called_back",
    "close": "work_order.closed",
    "reopen": "work_order.reopened",
    "escalated": "work_order.escalated",
    "handed_over": "work_order.handed_over",
    "co_units": "work_order.co_units_changed",
    "interim_reply": "interim_reply.recorded",
    "callback": "callback.recorded",
    "return_visit": "return_visit.recorded",
    # hotline: categories
    "category_created": "category.created",
    "category_changed": "category.changed",
    # processes
    "process_started": "process.started",
    "facts_changed": "process.facts_changed",
    "document_received": "process.document_received",
    "advanced": "process.advanced",
    "returned": "process.returned",
    "rejected": "process.rejected",
    "fee_paid": "process.fee_paid",
    "resumed": "process.resumed",
    "approval_requested": "approval.requested",
    "approval_decided": "approval.decided",
    "form_printed": "form.printed",
    "meter_work_requested": "meter_work.requested",
    "design_batch_sent": "design_batch.sent",
    "daily_report_made": "daily_report.made",
    "definition_created": "definition.created",
    "definition_changed": "definition.changed",
    "stage_created": "stage.created",
    "stage_changed": "stage.changed",
    # collection
    "collection.payment": "payment.recorded",
    "collection.void": "payment.voided",
    "collection.vat_request": "vat_invoice.requested",
    "collection.vat_issue": "vat_invoice.issued",
    "collection.bank_cash": "cash.banked",
    # telephony (the PBX's event names)
    "call.ring": "call.rang",
    "call.answer": "call.answered",
    "call.hangup": "call.hung_up",
    # customers
    "customer.supply_status": "customer.supply_status_changed",
}


def _rename(apps, mapping: dict[str, str]) -> None:
    # One UPDATE per verb, on the whole log: the verb is not indexed, and each row moves once.
    Event = apps.get_model("core", "Event")
    for old, new in mapping.items():
        Event.objects.filter(verb=old).update(verb=new)


def forwards(apps, schema_editor):
    _rename(apps, OLD_TO_NEW)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in OLD_TO_NEW.items()})


class Migration(migrations.Migration):
    dependencies = [("core", "0003_carry_over_sequences_and_runs")]

    operations = [migrations.RunPython(forwards, backwards)]
