"""The meters' dates on the working-day calendar (M3, M4, M8)."""

from datetime import date

import pytest

from kefu.meters.dates import last_working_day_of_month, months_after, working_days_after, years_after


@pytest.mark.django_db
def test_a_replacement_issued_before_the_spring_festival_is_due_after_it():
    # Thu 2026-02-12 + 5 working days: Fri 13, Sat 14 (worked), then 15–23 are holidays, Tue 24–Thu 26
    assert working_days_after(date(2026, 2, 12), 5) == date(2026, 2, 26)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "year, month, stocktake_day",
    [(2026, 2, date(2026, 2, 28)), (2026, 11, date(2026, 11, 30)), (2026, 5, date(2026, 5, 29))],
)
def test_the_stocktake_is_on_the_month_s_last_working_day(year, month, stocktake_day):
    # Sat 2026-02-28 is a make-up working day; 2026-05-30/31 are a weekend
    assert last_working_day_of_month(year, month) == stocktake_day


@pytest.mark.parametrize(
    "issued, due",
    [
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2026, 3, 15), date(2026, 4, 15)),
        (date(2026, 12, 31), date(2027, 1, 31)),
        (date(2028, 1, 30), date(2028, 2, 29)),
    ],
)
def test_one_calendar_month_after_an_issue_keeps_the_day_or_takes_the_month_s_last(issued, due):
    assert months_after(issued, 1) == due


def test_a_meter_fitted_on_29_february_is_due_on_28_february():
    assert years_after(date(2024, 2, 29), 6) == date(2030, 2, 28)
    assert years_after(date(2024, 2, 29), 4) == date(2028, 2, 29)
