"""A contact answered later for many callers at once (issue 13 item 5, incidents).

When an outage is declared, agents record each caller's contact as answered with the agreed answer
(统一答复口径) instead of opening a branch order. When it is over, `give_final_answer` records the final
answer on each contact, and `queue_callback` gives a caller who asked to be called back an agent
follow-up order owned by the agent who took the call (首问负责制): already replied with the final
answer, with its first callback due within `hotline.callback_hours`, so it sits in the ordinary callback
queue and closes like any follow-up order once the customer has been reached."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kefu.core.policies import get_policy
from kefu.fulltext.tokens import search_text_for
from kefu.hotline.events import contact_corrected_event, work_order_created_event, work_order_moved_event
from kefu.hotline.models import Callback, Contact, WorkOrder
from kefu.hotline.services.numbering import work_order_number


@transaction.atomic
def give_final_answer(*, actor, contact: Contact, answer: str, note: str) -> Contact:
    """Record `answer` as the contact's result (the earlier one stays in the event)."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"final_answer": "请填写最终答复"})
    contact = Contact.objects.select_for_update(of=("self",)).get(pk=contact.pk)
    if contact.result == answer:
        return contact
    old = contact.result
    contact.result = answer
    contact.search_text = search_text_for(
        contact.matter, contact.caller_name, contact.address, contact.phone, contact.number, answer
    )
    contact.save(update_fields=["result", "search_text", "updated_at"])
    contact_corrected_event(actor=actor, contact=contact, changes={"result": [old, answer]}, note=note)
    return contact


@transaction.atomic
def queue_callback(*, actor, contact: Contact, answer: str, note: str) -> WorkOrder:
    """Open the follow-up order that carries a callback to tell the caller `answer`; the contact's own
    order if it has one already."""
    existing = WorkOrder.objects.filter(contact=contact).first()
    if existing is not None:
        return existing
    now = timezone.now()
    due = now + timedelta(hours=float(get_policy("hotline.callback_hours")))
    work_order = WorkOrder.objects.create(
        number=work_order_number(contact.number),
        contact=contact,
        category=contact.category,
        state=WorkOrder.State.REPLIED,
        owner=contact.agent,
        unit=None,
        customer=contact.customer,
        service_area=contact.service_area,
        priority=contact.priority,
        deadline=due,
        reply=answer,
        replied_at=now,
    )
    work_order_created_event(
        actor=actor, work_order=work_order, changes={"owner": [None, str(contact.agent)]}, note=note
    )
    work_order_moved_event(
        actor=actor,
        work_order=work_order,
        action="reply",
        changes={"state": [WorkOrder.State.NEW, WorkOrder.State.REPLIED]},
        note=answer,
    )
    Callback.objects.create(work_order=work_order, attempt=1, due_at=due)
    return work_order
