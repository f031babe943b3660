"""What an agent holds in the hotline (A3, H7) — the open work orders they own as first-contact owner
(首问负责制) and the callbacks due on them — and how they pass to a colleague when the agent leaves.

Registered with `platform.register_app(..., holdings=[HOLDING])`; accounts reads it before a member of
staff is deactivated and on the hand-over page, and has checked the actor's permission
(accounts.hand_over_user) before `hand_over` runs."""

from collections import defaultdict

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kefu.core.registry import Holding
from kefu.customers.events import customer_staff_contact_changed_event
from kefu.hotline.models import Callback, WorkOrder
from kefu.hotline.services.work_orders import move_owner, new_owner_refusal


def held(user) -> list[tuple[str, int, str]]:
    orders = WorkOrder.objects.filter(owner=user).open()
    callbacks = Callback.objects.filter(
        work_order__in=orders, done_at__isnull=True, due_at__lte=timezone.now()
    )
    return [
        ("未办结工单", orders.count(), reverse("hotline:work_orders") + "?queue=mine"),
        ("到期待回电", callbacks.count(), reverse("hotline:work_orders") + "?queue=callbacks"),
    ]


def refuse(successor) -> str:
    return new_owner_refusal(successor)


@transaction.atomic
def hand_over(*, actor, from_user, to_user, reason: str) -> int:
    """Each open order moves with its own timeline entry (its callbacks follow the order); each
    customer's archive records who follows their matters now."""
    by_customer = defaultdict(list)
    moved = 0
    for order in WorkOrder.objects.filter(owner=from_user).open().select_related("customer").order_by("id"):
        move_owner(actor=actor, work_order=order, new_owner=to_user, reason=reason)
        moved += 1
        if order.customer_id:
            by_customer[order.customer].append(order.number)
    for customer, numbers in by_customer.items():
        customer_staff_contact_changed_event(
            actor=actor,
            customer=customer,
            old=str(from_user),
            new=str(to_user),
            what="工单" + "、".join(numbers),
            note=reason,
        )
    return moved


HOLDING = Holding(name="hotline", held=held, hand_over=hand_over, refuse=refuse)
