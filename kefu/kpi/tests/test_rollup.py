"""R1: the rollups equal the naive aggregates over the records, on random histories (hypothesis),
after the worker's incremental refresh and after a rebuild from scratch.

Each example is a timeline of real service calls at increasing (time-machine) moments: contacts
answered, followed up or transferred after a random wait, orders handled, callbacks reached or not,
orders closed, return visits of every result, PBX calls answered within or after three rings, with
refreshes in between. The expected figures are counted here in Python, record by record, independently
of the grouped SQL in kefu.kpi.rollup."""

from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.core import periods
from kefu.hotline.models import Callback, Contact, ReturnVisit, WorkOrder
from kefu.hotline.services.work_orders import TransitionError
from kefu.kpi import filters, rollup
from kefu.kpi import selectors as kpi
from kefu.kpi.models import AgentDay, ContactDay, HourDay
from kefu.reports import selectors
from kefu.telephony.models import Call
from kefu.telephony.services import record_call_event

from .conftest import at

D = Contact.Disposition
START = at(2026, 3, 2, 8, 0)  # a Monday

step = st.one_of(
    st.tuples(
        st.just("contact"),
        st.sampled_from(["repair", "repair", "consult", "billing"]),
        st.sampled_from([D.TRANSFERRED, D.TRANSFERRED, D.ANSWERED, D.FOLLOW_UP]),
        st.integers(min_value=0, max_value=90),  # minutes the caller waited for the transfer
        st.booleans(),  # the night agent
    ),
    st.tuples(st.just("handle")),
    st.tuples(st.just("callback"), st.booleans(), st.sampled_from([True, False, None])),
    st.tuples(st.just("close")),
    st.tuples(st.just("visit"), st.sampled_from(list(ReturnVisit.Result.values))),
    st.tuples(st.just("call"), st.integers(min_value=1, max_value=40), st.booleans()),
    st.tuples(st.just("refresh")),
)


def _contact_key(contact: Contact) -> tuple:
    order = WorkOrder.objects.filter(contact=contact).first()
    unit = (order.unit_id if order else None) or contact.transferred_to_id or 0
    return (contact.received_on, contact.channel, contact.category_id, contact.service_area_id or 0, unit)


def expected_contact_days() -> dict[tuple, Counter]:
    """ContactDay's measures counted one record at a time."""
    target = timedelta(minutes=30)  # hotline.transfer_target_minutes
    rows: dict[tuple, Counter] = defaultdict(Counter)
    for contact in Contact.objects.all():
        row = rows[_contact_key(contact)]
        row["contacts"] += 1
        row["answered"] += contact.disposition == D.ANSWERED
        row["followed"] += contact.disposition == D.FOLLOW_UP
        transferable = contact.disposition == D.TRANSFERRED or contact.transferred_at is not None
        if transferable:
            row["transfers"] += 1
            if contact.transferred_at is not None:
                row["transfers_timed"] += 1
                row["transfers_on_time"] += contact.transferred_at <= contact.received_at + target
        order = WorkOrder.objects.filter(contact=contact).first()
        if order is None:
            continue
        row["orders"] += 1
        if order.state == WorkOrder.State.CLOSED:
            row["orders_closed"] += 1
            row["orders_closed_late"] += order.closed_at > (order.promised_at or order.deadline)
        for callback in Callback.objects.filter(work_order=order):
            if callback.attempt == 1:
                row["callbacks_due"] += 1
                if callback.done_at is None:
                    row["callbacks_pending"] += 1
                elif callback.done_at <= callback.due_at:
                    row["callbacks_on_time"] += 1
                else:
                    row["callbacks_late"] += 1
            if callback.done_at is not None:
                row["callbacks_done"] += 1
                reached = callback.outcome == Callback.Outcome.REACHED
                row["callbacks_reached"] += reached
                row["callbacks_satisfied"] += reached and callback.satisfied is True
        for visit in ReturnVisit.objects.filter(work_order=order):
            row[VISIT_MEASURE[visit.result]] += 1
    return {key: +counts for key, counts in rows.items()}


VISIT_MEASURE = {
    ReturnVisit.Result.SATISFIED: "visits_satisfied",
    ReturnVisit.Result.BASICALLY_SATISFIED: "visits_basically",
    ReturnVisit.Result.DISSATISFIED: "visits_dissatisfied",
}
MEASURES = [
    "contacts", "answered", "followed", "transfers", "transfers_on_time", "transfers_timed", "orders",
    "orders_closed", "orders_closed_late", "callbacks_due", "callbacks_on_time", "callbacks_late",
    "callbacks_pending", "callbacks_done", "callbacks_reached", "callbacks_satisfied", "visits_satisfied",
    "visits_basically", "visits_dissatisfied",
]  # fmt: skip


def rolled_up_contact_days() -> dict[tuple, Counter]:
    rows = {}
    for r in ContactDay.objects.all():
        counts = Counter({m: getattr(r, m) for m in MEASURES})
        rows[(r.day, r.channel, r.category_id, r.area_id, r.unit_id)] = +counts
    return {k: v for k, v in rows.items() if v}


def expected_agent_days() -> dict[tuple, Counter]:
    rows: dict[tuple, Counter] = defaultdict(Counter)
    for contact in Contact.objects.all():
        rows[(contact.received_on, contact.agent_id or 0)]["contacts"] += 1
    tz = timezone.get_current_timezone()
    for call in Call.objects.all():
        row = rows[(call.started_at.astimezone(tz).date(), call.agent_id or 0)]
        row["calls"] += 1
        row["calls_answered"] += call.answer_at is not None
        row["calls_in_time"] += call.answered_in_time is True
    return {k: +v for k, v in rows.items()}


def rolled_up_agent_days() -> dict[tuple, Counter]:
    rows: dict[tuple, Counter] = defaultdict(Counter)
    for r in AgentDay.objects.all():
        rows[(r.day, r.agent_id)] += Counter(
            contacts=r.contacts, calls=r.calls, calls_answered=r.calls_answered, calls_in_time=r.calls_in_time
        )
    return {k: +v for k, v in rows.items()}


def assert_rollups_match():
    assert rolled_up_contact_days() == expected_contact_days()
    # whole months come from ContactMonth, the edges from ContactDay: any range adds up to its days
    ranges = [
        (date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 2, 15), date(2026, 3, 10)),
        (date(2026, 3, 2), date(2026, 4, 30)), (date(2026, 1, 1), date(2026, 6, 30)),
    ]  # fmt: skip
    for start, end in ranges:
        chosen = filters.Filters(start=start, end=end)
        by_days = ContactDay.objects.filter(**chosen.rollup_filter()).aggregate(
            **{m: Coalesce(Sum(m), 0) for m in MEASURES}
        )
        assert {m: kpi.totals(chosen)[m] for m in MEASURES} == by_days
    assert rolled_up_agent_days() == expected_agent_days()
    hours = Counter()
    tz = timezone.get_current_timezone()
    for contact in Contact.objects.all():
        hours[(contact.received_on, contact.received_at.astimezone(tz).hour, contact.channel)] += 1
    assert {(r.day, r.hour, r.channel): r.contacts for r in HourDay.objects.all()} == dict(hours)


class Timeline:
    def __init__(self, world, pbx):
        self.world, self.pbx, self.now, self.calls = world, pbx, START, 0

    def tick(self, minutes: int = 37):
        self.now += timedelta(minutes=minutes)
        return self.now

    def _open(self, *states):
        return WorkOrder.objects.filter(state__in=states, unit__isnull=False).order_by("id").first()

    def run(self, action, *args):
        w = self.world
        when = self.tick()
        if action == "contact":
            code, disposition, waited, night = args
            agent = w.night_agent if night else w.agent
            w.record(when, waited=waited, code=code, disposition=disposition, actor=agent)
        elif action == "handle":
            order = self._open(WorkOrder.State.TRANSFERRED)
            if order:
                w.handle(order, when)
        elif action == "callback":
            reached, satisfied = args
            pending = Callback.objects.filter(done_at__isnull=True).order_by("id").first()
            if pending:
                w.call_back(
                    pending.work_order, when, reached=reached, satisfied=satisfied if reached else None
                )
        elif action == "close":
            order = self._open(WorkOrder.State.CALLED_BACK)
            if order:
                w.close(order, when)
        elif action == "visit":
            order = (
                WorkOrder.objects.filter(state=WorkOrder.State.CLOSED, return_visits__isnull=True)
                .order_by("id")
                .first()
            )
            if order:
                w.visit(order, when, args[0])
        elif action == "call":
            ring_seconds, answered = args
            self.calls += 1
            call_id = f"C{START:%m%d}-{self.calls}-{when.timestamp():.0f}"
            with time_machine.travel(when, tick=False):
                record_call_event(actor=self.pbx, call_id=call_id, event="ring", agent_code=w.agent.username,
                                  caller="13812345678", timestamp=when)  # fmt: skip
                if answered:
                    record_call_event(actor=self.pbx, call_id=call_id, event="answer",
                                      agent_code=w.agent.username, caller="13812345678",
                                      timestamp=when + timedelta(seconds=ring_seconds))  # fmt: skip
        elif action == "refresh":
            rollup.refresh(now=when)


@pytest.fixture
def pbx(db):
    return UserFactory(role=Role.ADMINISTRATOR, username="pbx", is_superuser=True)


@settings(
    max_examples=10, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(step, min_size=5, max_size=20))
def test_rollups_equal_the_records_after_refreshes_and_after_a_rebuild(world, pbx, steps):
    # Each example runs in a savepoint rolled back at its end, so that examples (and shrinking) do not
    # see each other's records.
    with transaction.atomic():
        timeline = Timeline(world, pbx)
        for action, *args in steps:
            try:
                with transaction.atomic():
                    timeline.run(action, *args)
            except (TransitionError, ValidationError, PermissionDenied):
                # a step the rules, the order's state or 首问负责制 (only the owner closes) do not
                # allow is refused, as in the app
                pass
        rollup.refresh(now=timeline.tick(1))
        assert_rollups_match()
        # the H14 summary read from the rollups is the one counted from the records
        march = periods.month(2026, 3)
        with time_machine.travel(timeline.now, tick=False):
            assert (
                selectors.monthly_summary(march).as_dict()
                == selectors.monthly_summary_from_records(march).as_dict()
            )
        rollup.rebuild()
        assert_rollups_match()
        transaction.set_rollback(True)


def test_the_monthly_summary_and_the_dashboard_agree(world, pbx):
    """The dashboard's totals for a month are the H14 summary's figures for the same cohort."""
    timeline = Timeline(world, pbx)
    plan = [
        ("contact", "repair", D.TRANSFERRED, 5, False), ("contact", "repair", D.TRANSFERRED, 80, True),
        ("contact", "consult", D.ANSWERED, 0, False), ("handle",), ("callback", True, True), ("close",),
        ("visit", "dissatisfied"), ("handle",), ("callback", False, None), ("refresh",),
    ]  # fmt: skip
    for action, *args in plan:
        timeline.run(action, *args)
    rollup.refresh(now=timeline.tick(1))

    month = periods.month(2026, 3)
    summary = selectors.monthly_summary(month)
    dashboard = kpi.totals(filters.Filters(start=month.start, end=month.last_day))
    assert dashboard["contacts"] == summary.total == 3
    assert dashboard["callbacks_due"] == summary.callbacks.due
    assert dashboard["callbacks_on_time"] == summary.callbacks.on_time
    assert dashboard["visits_dissatisfied"] == summary.return_visits.dissatisfied == 1
    assert dashboard["transfers"] - dashboard["transfers_on_time"] == summary.timeliness.total.late == 1


def test_a_change_to_an_old_contact_reaches_its_own_day_at_the_next_refresh(world, pbx):
    """A work order closed weeks after the call moves the figures of the day the call came in."""
    timeline = Timeline(world, pbx)
    contact = world.record(START, code="repair")
    rollup.refresh(now=START + timedelta(minutes=1))
    row = ContactDay.objects.get(day=contact.received_on)
    assert (row.orders, row.orders_closed) == (1, 0)
    order = contact.work_order
    later = START + timedelta(days=20)
    world.handle(order, later)
    world.call_back(order, later + timedelta(hours=1), reached=True, satisfied=True)
    world.close(order, later + timedelta(hours=2))
    assert ContactDay.objects.get(day=contact.received_on).orders_closed == 0  # not folded in yet
    rollup.refresh(now=later + timedelta(hours=3))
    row = ContactDay.objects.get(day=contact.received_on)
    assert (row.orders, row.orders_closed, row.orders_closed_late) == (1, 1, 1)
    assert timeline  # the timeline's pbx fixture keeps the same users as the other tests
