from datetime import timedelta

import time_machine

from kefu.core import periods
from kefu.hotline.models import Contact
from kefu.reports.selectors import weekly_summary
from kefu.reports.tests.conftest import at

WEEK = periods.parse_week("2026-11-18")  # any day: the week starting Monday 16 November
TUESDAY = at(2026, 11, 17, 10, 0)


def test_a_day_of_the_week_is_taken_to_its_monday():
    assert (WEEK.start.isoformat(), WEEK.end.isoformat()) == ("2026-11-16", "2026-11-23")


def test_the_week_counts_supervision_callbacks_return_visits_and_reopened_orders(world):
    # given a 上级督办 call this week (escalated at once: its rule escalates every priority)
    world.record(
        TUESDAY, code="supervision", matter="市长热线督办：城东停水", customer=None, phone="057187654321"
    )
    # and a repair from last week, called back, closed and visited this week: dissatisfied, so reopened
    old = world.record(at(2026, 11, 13, 9, 0), waited=5).work_order
    world.handle(old, at(2026, 11, 13, 10, 0))
    world.call_back(old, TUESDAY, satisfied=False)
    world.close(old, TUESDAY + timedelta(hours=1))
    world.visit(old, TUESDAY + timedelta(hours=2), "dissatisfied")
    # and a repair this week whose first callback is done in time but not reached
    fresh = world.record(TUESDAY, waited=5).work_order
    world.call_back(fresh, TUESDAY + timedelta(hours=3), reached=False)

    # when the week is summarised on the following Monday
    with time_machine.travel(at(2026, 11, 23, 9, 0), tick=False):
        s = weekly_summary(WEEK)

    # then 督办: the call, still open, escalated to the department head
    assert s.contacts == 2 and s.transferred == 2
    assert (s.supervision.contacts, s.supervision.orders_open, s.supervision.orders_closed) == (1, 1, 0)
    assert s.supervision.escalated == {2: 1} and s.supervision.escalated_open == 1
    # 反馈: two callbacks made this week, one reached; of the two first callbacks due this week (the
    # repair's and the supervision order's) one was done in time, the other not yet
    c = s.callbacks
    assert (c.done, c.reached, c.satisfied) == (2, 1, 0)
    assert (c.due, c.on_time, c.pending) == (2, 1, 1)
    # 回访: one, dissatisfied; the order was reopened
    v = s.return_visits
    assert (v.satisfied, v.basically, v.dissatisfied, v.satisfaction_rate) == (0, 0, 1, 0.0)
    assert s.reopened == 1
    # open past their limit at the week's end: the reopened repair, this week's repair and the
    # supervision order (one working day)
    assert s.overdue_at_end == 3


def test_an_empty_week_is_all_zeros(db):
    s = weekly_summary(WEEK)

    assert s.contacts == 0 and s.supervision.escalated_total == 0 and s.return_visits.total == 0
    assert s.callbacks.reached_rate is None and s.reopened == 0 and s.overdue_at_end == 0


def test_a_contact_of_the_previous_week_is_not_counted(world):
    world.record(at(2026, 11, 15, 23, 59), code="consult", disposition=Contact.Disposition.ANSWERED)

    assert weekly_summary(WEEK).contacts == 0
