"""The meters' deadlines: working days on the center's calendar (调休 included), calendar months and
years counted day for day, the last day of the month where the day does not exist (1-31 + 1 month →
2-28; 2024-02-29 + 6 years → 2030-02-28)."""

import calendar
from datetime import date, datetime, time

from kefu.core.calendar import SHANGHAI, add_working_days, is_working_day


def working_days_after(day: date, working_days: int) -> date:
    """The working day `working_days` after `day` (Thu 2026-02-12 + 5 → Thu 2026-02-26: Sat 02-14 is
    worked, 02-15–02-23 are the Spring Festival)."""
    start = datetime.combine(day, time(12, 0), tzinfo=SHANGHAI)
    return add_working_days(start, working_days).deadline_date


def months_after(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def years_after(day: date, years: int) -> date:
    return months_after(day, 12 * years)


def last_working_day_of_month(year: int, month: int) -> date:
    """The stocktake day (ch.4 §3.1): 2026-02-28 (a worked Saturday), 2026-11-30 (a Monday)."""
    day = date(year, month, calendar.monthrange(year, month)[1])
    while not is_working_day(day).working:
        day = date.fromordinal(day.toordinal() - 1)
    return day
