"""Reads shared by the hotline pages, the API, the benchmarks and the reports."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import BigIntegerField, Q
from django.db.models.functions import Cast, Coalesce, Substr
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.core.alerts import alerts_for as core_alerts_for
from kefu.core.events import events_for
from kefu.core.permissions import require
from kefu.customers.masking import Masker
from kefu.customers.models import Customer
from kefu.hotline.models import Callback, Category, Contact, WorkOrder

PAGE_SIZE = 50
QUEUES = {
    "mine": "我的工单",
    "unit": "本单位工单",
    "callbacks": "待回电",
    "overdue": "已超期",
    "escalated": "领导督办",
    "all": "全部工单",
}
LIST_RELATED = ("contact", "category", "owner", "unit", "service_area")


@dataclass
class Page:
    rows: list
    has_next: bool
    page: int


def paged(queryset, page: int = 1, size: int = PAGE_SIZE) -> Page:
    """A page without a COUNT(*): fetch one row more than shown to know whether a next page exists."""
    page = max(int(page or 1), 1)
    start = (page - 1) * size
    rows = list(queryset[start : start + size + 1])
    return Page(rows[:size], len(rows) > size, page)


def _orders(user):
    require(user, "hotline.view_workorder")
    return WorkOrder.objects.visible_to(user).select_related(*LIST_RELATED)


def my_orders(user):
    return _orders(user).filter(owner=user).open().order_by("deadline", "id")


def unit_queue(user):
    """The unit's open orders, most urgent first (W1). Unit staff only see their own unit's."""
    if not user.unit_id:
        require(user, "hotline.view_workorder")
        return WorkOrder.objects.none()
    return _orders(user).filter(unit_id=user.unit_id).open().order_by("deadline", "id")


def overdue_orders(user, now=None):
    now = now or timezone.now()
    return (
        _orders(user)
        .open()
        .annotate(due=Coalesce("promised_at", "deadline"))
        .filter(due__lt=now)
        .order_by("due", "id")
    )


def escalated_orders(user):
    require(user, "hotline.view_escalated")
    return _orders(user).open().filter(escalation_level__gt=0).order_by("-escalation_level", "-escalated_at")


def all_orders(user):
    return _orders(user).order_by("-id")


def callbacks_due(user, now=None):
    """Pending callbacks, the most urgent first; agents see the whole center's (the owner may be off)."""
    require(user, "hotline.add_callback")
    callbacks = Callback.objects.filter(done_at__isnull=True)
    visible = WorkOrder.objects.visible_to(user)
    if visible.query.has_filters():
        # Only the orders the user may open (a unit given the callback right). For the center, whom the
        # rule does not narrow, no subquery over every order.
        callbacks = callbacks.filter(work_order__in=visible.values("pk"))
    return (
        callbacks.exclude(work_order__state=WorkOrder.State.CLOSED)
        .select_related(
            "work_order__contact", "work_order__unit", "work_order__owner", "work_order__category"
        )
        .order_by("due_at", "id")
    )


def queue(user, name: str):
    if name == "mine":
        return my_orders(user)
    if name == "unit":
        return unit_queue(user)
    if name == "overdue":
        return overdue_orders(user)
    if name == "escalated":
        return escalated_orders(user)
    if name == "callbacks":
        return callbacks_due(user)
    return all_orders(user)


def default_queue(user) -> str:
    return "unit" if user.role == Role.UNIT_STAFF else "mine"


def filter_orders(queryset, *, state: str = "", category: str = "", unit: str = "", q: str = ""):
    if state:
        queryset = queryset.filter(state=state)
    if category:
        queryset = queryset.filter(category__code=category)
    if unit:
        queryset = queryset.filter(unit_id=unit)
    if q:
        q = q.strip()
        queryset = queryset.filter(
            Q(number__icontains=q) | Q(contact__number__icontains=q) | Q(contact__phone=q)
        )
    return queryset


def customer_history(user, customer: Customer, limit: int = 10) -> dict:
    """The customer panel of the workspace: last contacts and open work orders (two queries), only
    those the user may open: a branch does not see the complaint about its own meter reader that
    went to the discipline office."""
    contacts = list(
        Contact.objects.visible_to(user)
        .filter(customer=customer)
        .select_related("category", "agent")
        .order_by("-received_at", "-id")[:limit]
    )
    orders = list(
        WorkOrder.objects.visible_to(user)
        .filter(customer=customer)
        .open()
        .select_related("category", "unit")
        .order_by("-id")[:limit]
    )
    return {"contacts": contacts, "open_orders": orders}


def timeline(work_order: WorkOrder):
    """The order's append-only timeline: its own events and its contact's, oldest first."""
    events = list(events_for(work_order)) + list(events_for(work_order.contact))
    return sorted(events, key=lambda event: (event.occurred_at, event.id))


def alerts_for(user, *, unread_only: bool = False):
    """The user's own alerts about work orders (kefu.core alerts of subject hotline.workorder:<pk>),
    each with its order's work_order_id."""
    prefix = "hotline.workorder:"
    alerts = core_alerts_for(user).filter(subject__startswith=prefix)
    alerts = alerts.annotate(work_order_id=Cast(Substr("subject", len(prefix) + 1), BigIntegerField()))
    return alerts.filter(read_at__isnull=True) if unread_only else alerts


def search_contacts(user, query: str):
    """The contact register's search. Phone numbers are matched as the archive search matches them
    (kefu.customers.masking). A read only: the search box counts the query against the number-search
    limit first (kefu.hotline.services.contacts.search_register)."""
    from kefu.fulltext.query import match_contacts

    require(user, "hotline.view_contact")
    base = Contact.objects.visible_to(user).select_related("category", "agent", "transferred_to")
    return match_contacts(base, query, Masker(user)).order_by("-received_at", "-id")


def transfer_category(code: str) -> Category:
    """The category another app opens transferred contacts under, named by a rule's code
    (processes.arrears_category): it must exist, be in use and allow transfer, or open_contact would
    refuse it. The rule's check when an administrator saves it, and the caller's fetch, so a code that
    went wrong since is a Chinese error, not a DoesNotExist."""
    category = Category.objects.filter(code=code).first()
    if category is None:
        raise ValidationError(f"没有编码为“{code}”的热线类别", code="unknown_category")
    if not category.active:
        raise ValidationError(f"热线类别“{category.name}”（{code}）已停用", code="inactive_category")
    if not category.may_transfer:
        raise ValidationError(f"热线类别“{category.name}”（{code}）不可转办", code="category_not_transferred")
    return category
