"""The inspectors' attendance (seed 000 ch.7 第五条(四)：出勤率应达100%) from the workforce roster and
sign-ins, through workforce's own `attendance_summary`: shifts signed in ÷ shifts rostered (scheduled or
on leave) up to yesterday, red below the rule; "未排班" for an inspector without roster entries.

The workforce's roster service puts only agents and team leaders on the roster today, so these tests
write the inspectors' roster entries and sign-ins as rows (what a roster of inspectors would hold)."""

from datetime import date, timedelta

import pytest
import time_machine

from kefu.core.services import set_policy
from kefu.inspection import selectors_patrols as selectors
from kefu.inspection.tests.factories_patrols import at, patrol_world
from kefu.workforce.models import Attendance, RosterEntry, Shift

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw(world):
    return patrol_world(world)


def roster(person, first: date, days: int, *, signed: int, leave: int = 0):
    """`days` day shifts from `first`: the first `signed` signed in, the next `leave` on leave."""
    shift = Shift.objects.filter(active=True).order_by("starts_at").first() or Shift.objects.create(
        code="XC", name="巡查班", kind="day", starts_at="08:30", ends_at="17:30"
    )
    for n in range(days):
        day = first + timedelta(days=n)
        starts_at, ends_at = shift.span(day)
        on_leave = signed <= n < signed + leave
        entry = RosterEntry.objects.create(
            person=person,
            day=day,
            shift=shift,
            starts_at=starts_at,
            ends_at=ends_at,
            status=RosterEntry.Status.LEAVE if on_leave else RosterEntry.Status.SCHEDULED,
        )
        if n < signed:
            Attendance.objects.create(entry=entry, signed_in_at=starts_at)


def test_the_rate_is_days_present_over_rostered_days_and_red_below_the_rule(pw):
    # given November: inspector 1 rostered 10 days, all signed in; inspector 2 rostered 10 days, 8
    # signed in, one on leave, one absent; inspector 3 not on the roster
    first, second, third = pw.inspectors
    roster(first, date(2026, 11, 2), 10, signed=10)
    roster(second, date(2026, 11, 2), 10, signed=8, leave=1)
    # when the director reads the month on the 20th
    figures = selectors.attendance(pw.director, 2026, 11, today=date(2026, 11, 20))
    rows = {row.person: row for row in figures.rows}
    # then
    assert figures.until == date(2026, 11, 19) and figures.target == 100
    assert (rows[first].rostered, rows[first].present, rows[first].rate, rows[first].below) == (
        10,
        10,
        100,
        False,
    )
    assert (rows[second].rostered, rows[second].present, rows[second].on_leave) == (10, 8, 1)
    assert str(rows[second].rate) == "80.0" and rows[second].below
    assert rows[third].unrostered and rows[third].rate is None and not rows[third].below


def test_shifts_after_yesterday_are_not_counted_yet(pw):
    roster(pw.inspectors[0], date(2026, 11, 18), 5, signed=2)
    figures = selectors.attendance(pw.director, 2026, 11, today=date(2026, 11, 20))
    row = figures.rows[0]
    assert (row.rostered, row.present) == (2, 2)  # the 18th and 19th; the 20th onwards not yet


def test_the_target_is_the_rule(pw, administrator):
    roster(pw.inspectors[0], date(2026, 11, 2), 10, signed=9)
    set_policy(actor=administrator, key="inspection.patrol_attendance_target", value=90)
    row = selectors.attendance(pw.director, 2026, 11, today=date(2026, 11, 30)).rows[0]
    assert row.rate == 90 and not row.below


def test_an_inspector_sees_only_their_own_attendance(pw):
    figures = selectors.attendance(pw.inspectors[1], 2026, 11, today=date(2026, 11, 20))
    assert [row.person for row in figures.rows] == [pw.inspectors[1]] and not figures.everyone
    assert len(selectors.attendance(pw.head, 2026, 11, today=date(2026, 11, 20)).rows) == 3


def test_the_plan_page_shows_the_panel_with_unrostered_and_red(pw, client_for):
    roster(pw.inspectors[1], date(2026, 11, 2), 4, signed=3)
    with time_machine.travel(at(date(2026, 11, 20)), tick=False):
        html = client_for(pw.director).get("/inspection/patrols/plan/?year=2026&month=11").content.decode()
    assert "稽查员出勤（2026年11月）" in html and "出勤率应达100%" in html
    assert html.count("未排班") == 2  # inspectors 1 and 3
    assert "75.0%" in html and "低于100%" in html
