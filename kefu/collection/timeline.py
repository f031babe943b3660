"""The collection window's part of the customer timeline (kefu.core.timeline, A2): the customer's
payments, a voided one marked with its reason.

Only for viewers who may see payments (`collection.view_payment`, the same check as the payment's
own page); one bounded query, the newest `limit` payments."""

from django.urls import reverse

from kefu.collection.models import Payment
from kefu.core.timeline import TimelineEntry, TimelineKind, timeline_source


def _may_see_payments(user) -> bool:
    return user.has_perm("collection.view_payment")


PAYMENT = TimelineKind("payment", "收费", 50, _may_see_payments)


@timeline_source(PAYMENT)
def customer_timeline(customer, user, *, kinds: set[str], limit: int) -> list[TimelineEntry]:
    if PAYMENT.code not in kinds or not PAYMENT.visible_to(user):
        return []
    payments = (
        Payment.objects.filter(customer=customer)
        .select_related("account", "clerk")
        .order_by("-received_at", "-id")[:limit]
    )
    return [_payment(payment) for payment in payments]


def _payment(payment: Payment) -> TimelineEntry:
    summary = (
        f"{payment.number} 户号{payment.account.number} {payment.get_kind_display()} "
        f"{payment.amount}元（{payment.get_method_display()}）"
    )
    if payment.voided:
        summary += f"，已作废：{payment.void_reason}"
    return PAYMENT.entry(
        at=payment.received_at,
        summary=summary,
        actor=str(payment.clerk),
        url=reverse("collection:detail", args=[payment.pk]),
    )
