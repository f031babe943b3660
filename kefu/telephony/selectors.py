"""Reads for the screen pop (the agent's ringing call and who is calling) and the answer-time statistics.

The screen pop is polled every two seconds by every agent, against a million customers and millions of
contacts: each step is one lookup on an index, and the number of queries does not grow with what is
found (asserted in the tests).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Avg, Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from kefu.accounts.models import User
from kefu.core.policies import policies
from kefu.customers.masking import Masker
from kefu.customers.models import ContactPerson, Customer
from kefu.hotline.models import Contact, WorkOrder
from kefu.telephony.models import Call
from kefu.telephony.services import ANSWER_LIMIT_RULE

# A call shows while it rings or is in progress, and a little after the hangup, while the agent
# finishes the registration. Older calls without a hangup (a lost event) stop showing after a while.
# Both windows are rules (telephony.pop_ringing_minutes, telephony.pop_after_hangup_minutes).
POP_WINDOW_RULES = ("telephony.pop_ringing_minutes", "telephony.pop_after_hangup_minutes")
# A number shared by many customers (a property company, a landlord) shows the first few only.
POP_MAX_CUSTOMERS = 5
POP_MAX_WORK_ORDERS = 20
CANDIDATES = 100  # rows read at most per step before sorting in Python
POP_RECENT_CONTACTS = 5
MATTER_LENGTH = 40
# Only what the pop shows: a contact row also carries its search tokens, which are long.
CONTACT_FIELDS = ("id", "number", "received_at", "matter", "customer_id", "category__name")


@dataclass
class PopCustomer:
    customer: Customer  # with phone_shown set by the Masker
    via_contact_person: str  # the contact person whose phone matched, or "" for the customer's own
    work_orders: list[WorkOrder] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)


@dataclass
class ScreenPop:
    call: Call
    limit_seconds: float
    ring_seconds: int | None  # so far while ringing; until the answer once answered
    late: bool  # not answered within the limit: the agent opens with an apology (H10)
    customers: list[PopCustomer]
    more_customers: bool
    # Earlier contacts from this number when it matches no customer in the archive.
    contacts_by_phone: list[Contact]

    @property
    def state_label(self) -> str:
        if self.call.hangup_at and not self.call.answer_at:
            return "未接听已挂机"
        if self.call.hangup_at:
            return "已挂机"
        if self.call.answer_at:
            return "通话中"
        return "振铃中"


def current_call_for(
    agent: User, *, now: datetime | None = None, windows: tuple[int, int] | None = None
) -> Call | None:
    """The agent's call on the pop: (ringing, after hangup) minutes from the rules unless given."""
    now = now or timezone.now()
    ringing, after_hangup = windows or policies(*POP_WINDOW_RULES)
    return (
        Call.objects.filter(agent=agent, started_at__gte=now - timedelta(minutes=ringing))
        .filter(Q(hangup_at__isnull=True) | Q(hangup_at__gte=now - timedelta(minutes=after_hangup)))
        .order_by("-started_at", "-id")
        .first()
    )


def screen_pop_for(agent: User, *, now: datetime | None = None) -> ScreenPop | None:
    """The agent's current call and who is calling, or None when nobody is."""
    now = now or timezone.now()
    # The pop's three rules in one query: it is polled every two seconds by every agent.
    limit, *windows = policies(ANSWER_LIMIT_RULE, *POP_WINDOW_RULES)
    call = current_call_for(agent, now=now, windows=tuple(windows))
    if call is None:
        return None
    limit = float(limit)
    ring_seconds, late = _ringing(call, limit, now)
    masker = Masker(agent)
    customers, more = _customers_calling(agent, call.caller_number, masker)
    ids = [c.customer.pk for c in customers]
    if ids:
        _attach_work_orders(agent, customers)
        _attach_contacts(agent, customers)
    contacts_by_phone = []
    if not ids and call.caller_number:
        contacts_by_phone = list(
            Contact.objects.visible_to(agent)
            .filter(phone=call.caller_number)
            .select_related("category")
            .only(*CONTACT_FIELDS)
            .order_by("-received_at", "-id")[:POP_RECENT_CONTACTS]
        )
        _shorten(contacts_by_phone)
    return ScreenPop(
        call=call,
        limit_seconds=limit,
        ring_seconds=ring_seconds,
        late=late,
        customers=customers,
        more_customers=more,
        contacts_by_phone=contacts_by_phone,
    )


def contact_form_url(call: Call, customer: Customer | None = None) -> str:
    """The agent workspace with the contact form filled from the call (the workspace reads these)."""
    try:
        base = reverse("hotline:workspace")
    except NoReverseMatch:  # the workspace is not wired yet; this is where it will be
        base = "/hotline/"
    params = {"customer": customer.pk} if customer is not None else {}
    params |= {"phone": call.caller_number, "call_id": call.call_id}
    return f"{base}?{urlencode(params)}"


def _ringing(call: Call, limit: float, now: datetime) -> tuple[int | None, bool]:
    if call.answer_at:
        if call.ring_seconds is None:
            return None, False  # answered, and the ring has not arrived yet
        return int(call.ring_seconds), call.answered_in_time is False
    if call.ring_at is None:
        return None, False
    until = call.hangup_at or now
    seconds = max((until - call.ring_at).total_seconds(), 0.0)
    return int(seconds), seconds > limit


def _customers_calling(user: User, number: str, masker: Masker) -> tuple[list[PopCustomer], bool]:
    if not number:
        return [], False
    # Two indexed lookups (contact_phone, then customer_phone OR primary key) rather than one OR across
    # the join, which PostgreSQL can only answer by reading every customer.
    persons: dict[int, str] = {}
    people = ContactPerson.objects.filter(phone=number).order_by().values_list("customer_id", "name")
    for customer_id, name in people[:CANDIDATES]:
        persons.setdefault(customer_id, name)
    # No ORDER BY in SQL: with one and a LIMIT, the planner may walk the primary key looking for matches.
    found = list(
        Customer.objects.visible_to(user)
        .filter(Q(phone=number) | Q(pk__in=list(persons)))
        .select_related("service_area")
        .order_by()[:CANDIDATES]
    )
    # The customer whose own phone it is first, then those reached through a contact person; newest first.
    found.sort(key=lambda c: (c.phone != number, -c.pk))
    result = []
    for customer in found[:POP_MAX_CUSTOMERS]:
        masker.apply(customer)
        result.append(
            PopCustomer(
                customer=customer, via_contact_person="" if customer.phone == number else persons[customer.pk]
            )
        )
    return result, len(found) > POP_MAX_CUSTOMERS


def _attach_work_orders(user: User, customers: list[PopCustomer]) -> None:
    by_customer = {c.customer.pk: c for c in customers}
    # Sorted here, not in SQL, for the same reason as the customers: the open-deadline index is tempting.
    orders = list(
        WorkOrder.objects.visible_to(user)
        .open()
        .filter(customer_id__in=list(by_customer))
        .select_related("category")
        .only("id", "number", "state", "deadline", "customer_id", "category__name")
        .order_by()[:CANDIDATES]
    )
    orders.sort(key=lambda o: (o.deadline, o.pk))
    for order in orders[:POP_MAX_WORK_ORDERS]:
        by_customer[order.customer_id].work_orders.append(order)


def _attach_contacts(user: User, customers: list[PopCustomer]) -> None:
    by_customer = {c.customer.pk: c for c in customers}
    contacts = Contact.objects.visible_to(user).select_related("category").only(*CONTACT_FIELDS)
    if len(by_customer) == 1:
        # The usual case, one customer: read the newest five off the (customer, -received_at) index.
        (only,) = by_customer
        rows = list(contacts.filter(customer_id=only).order_by("-received_at", "-id")[:POP_RECENT_CONTACTS])
    else:
        # Several: still one query, the newest five of each.
        rows = list(
            contacts.filter(customer_id__in=list(by_customer))
            .annotate(
                newest=Window(
                    RowNumber(),
                    partition_by=[F("customer_id")],
                    order_by=[F("received_at").desc(), F("id").desc()],
                )
            )
            .filter(newest__lte=POP_RECENT_CONTACTS)
            .order_by("customer_id", "-received_at", "-id")
        )
    _shorten(rows)
    for contact in rows:
        by_customer[contact.customer_id].contacts.append(contact)


def _shorten(contacts: list[Contact]) -> None:
    for contact in contacts:
        matter = " ".join(contact.matter.split())
        contact.matter_short = matter if len(matter) <= MATTER_LENGTH else matter[:MATTER_LENGTH] + "…"


# Answer-time statistics (H10)


@dataclass
class AnswerStats:
    agent: User | None  # None on the total row
    rung: int
    answered: int
    in_time: int
    late: int  # answered after the limit, or rang past it unanswered
    avg_ring_seconds: float | None

    @property
    def judged(self) -> int:
        return self.in_time + self.late

    @property
    def percentage(self) -> float | None:
        """及时接听率: in time among the calls judged (a caller who hung up before the limit is not)."""
        return round(self.in_time * 100 / self.judged, 1) if self.judged else None


def local_day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in local time."""
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz),
    )


def answer_stats(start: date, end: date, *, agent: User | None = None) -> list[AnswerStats]:
    """Per agent, the calls that rang between the two dates (inclusive, local time), in agent order."""
    since, until = local_day_bounds(start, end)
    calls = Call.objects.filter(ring_at__gte=since, ring_at__lt=until, agent__isnull=False)
    if agent is not None:
        calls = calls.filter(agent=agent)
    rows = (
        calls.values("agent_id")
        .annotate(
            rung=Count("id"),
            answered=Count("id", filter=Q(answer_at__isnull=False)),
            in_time=Count("id", filter=Q(answered_in_time=True)),
            late=Count("id", filter=Q(answered_in_time=False)),
            avg_ring_seconds=Avg("ring_seconds"),
        )
        .order_by()
    )
    rows = list(rows)
    agents = User.objects.in_bulk([r["agent_id"] for r in rows])
    stats = [
        AnswerStats(
            agent=agents[r["agent_id"]],
            rung=r["rung"],
            answered=r["answered"],
            in_time=r["in_time"],
            late=r["late"],
            avg_ring_seconds=r["avg_ring_seconds"],
        )
        for r in rows
    ]
    stats.sort(key=lambda s: (s.agent.employee_no or "", s.agent.username))
    return stats


def total_of(stats: list[AnswerStats]) -> AnswerStats:
    answered_seconds = [(s.avg_ring_seconds, s.answered) for s in stats if s.avg_ring_seconds is not None]
    weight = sum(n for _, n in answered_seconds)
    return AnswerStats(
        agent=None,
        rung=sum(s.rung for s in stats),
        answered=sum(s.answered for s in stats),
        in_time=sum(s.in_time for s in stats),
        late=sum(s.late for s in stats),
        avg_ring_seconds=sum(a * n for a, n in answered_seconds) / weight if weight else None,
    )
