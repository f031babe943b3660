"""Demo call history (issue 14 S5): one Call per ring with the volume of a water utility's hotline, only
when there is no history yet."""

from datetime import date, timedelta

import numpy as np

from kefu.telephony.demo import call_history, seed_call_history, seed_demo_calls
from kefu.telephony.models import Call


def test_a_fortnight_of_history_has_the_shape_of_the_hotline(db):
    # when (2026-03-02 is a Monday)
    calls = call_history(date(2026, 3, 2), 14, seed=5)
    # then each day brings a few hundred calls, Mondays more than Sundays
    per_day = np.bincount(
        [(c.ring_at.astimezone(c.ring_at.tzinfo).date() - date(2026, 3, 2)).days for c in calls]
    )
    assert all(150 <= n <= 900 for n in per_day)
    assert per_day[0] > per_day[6] and per_day[7] > per_day[13]
    # the mornings are busier than the nights, most calls are answered within 15 s, some callers give up
    hours = np.bincount([c.ring_at.hour for c in calls], minlength=24)
    assert hours[9:11].sum() > 5 * hours[2:4].sum()
    answered = [c for c in calls if c.answer_at]
    assert 0.85 < len(answered) / len(calls) < 0.98
    assert sum(c.answered_in_time for c in answered) / len(answered) > 0.9
    assert all(c.ring_at <= (c.answer_at or c.hangup_at) <= c.hangup_at for c in calls)


def test_the_history_is_seeded_once_and_not_without_calls(db):
    assert seed_demo_calls({"contacts": 0, "call_history_days": 7}) == []
    added = seed_call_history(10, today=date(2026, 3, 12))
    assert added == Call.objects.count() > 1000
    assert seed_call_history(10, today=date(2026, 3, 12) + timedelta(days=1)) == 0
