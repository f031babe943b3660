"""Report periods from query parameters: a month (2026-11), a week (its Monday) or a date range.

Every report is about whole local days (Asia/Shanghai): a contact at 23:50 on 30 November belongs to
November even though it is already 1 December in UTC. Bad input raises ValidationError with a Chinese
message keyed by the parameter, which the pages show with a 400 and the API turns into its 400 body.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from kefu.core import params

# A month's records are handed in after its last shift (seed 000 ch.5 §3.4): in the first days of a
# month the report people want is usually the one for the month that just ended.
HAND_IN_DAYS = 3
MAX_RANGE_DAYS = 366
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Period:
    start: date  # first day, inclusive
    end: date  # the day after the last, exclusive
    label: str

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days)]

    def bounds(self) -> tuple[datetime, datetime]:
        """Aware datetimes [start, end) at local midnight: ranges on an indexed timestamp column."""
        tz = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=tz),
            datetime.combine(self.end, time.min, tzinfo=tz),
        )


def day(value: date) -> Period:
    return Period(value, value + timedelta(days=1), f"{value:%Y年%m月%d日}")


def month(year: int, month_number: int) -> Period:
    start = date(year, month_number, 1)
    end = date(year + 1, 1, 1) if month_number == 12 else date(year, month_number + 1, 1)
    return Period(start, end, f"{year}年{month_number}月")


def default_month(today: date | None = None) -> Period:
    today = today or timezone.localdate()
    if today.day <= HAND_IN_DAYS:
        previous = today.replace(day=1) - timedelta(days=1)
        return month(previous.year, previous.month)
    return month(today.year, today.month)


def parse_month(value: str | None, *, today: date | None = None) -> Period:
    if not (value or "").strip():
        return default_month(today)
    return month(*params.parse_month(value))


def week(monday: date) -> Period:
    sunday = monday + timedelta(days=6)
    return Period(monday, monday + timedelta(days=7), f"{monday:%Y年%m月%d日}—{sunday:%m月%d日}")


def parse_week(value: str | None, *, today: date | None = None) -> Period:
    """Any day of the week is accepted and taken to its Monday, so a link from a calendar just works."""
    day = _parse_day(value, "week") if (value or "").strip() else (today or timezone.localdate())
    return week(day - timedelta(days=day.weekday()))


def parse_range(start: str | None, end: str | None, *, today: date | None = None) -> Period:
    """`from`/`to` as dates, both inclusive; by default the current month up to today."""
    today = today or timezone.localdate()
    first = _parse_day(start, "from") if (start or "").strip() else today.replace(day=1)
    last = _parse_day(end, "to") if (end or "").strip() else today
    if first > last:
        raise ValidationError({"from": f"开始日期 {first} 晚于结束日期 {last}"})
    if (last - first).days >= MAX_RANGE_DAYS:
        raise ValidationError({"to": f"查询范围不能超过{MAX_RANGE_DAYS}天，请缩小日期范围"})
    return Period(first, last + timedelta(days=1), f"{first:%Y年%m月%d日}—{last:%Y年%m月%d日}")


def parse_day(value: str | None, *, field: str = "day", today: date | None = None) -> Period:
    """One day; by default today."""
    if not (value or "").strip():
        return day(today or timezone.localdate())
    return day(_parse_day(value, field))


def _parse_day(value: str | None, field: str) -> date:
    value = (value or "").strip()
    try:
        if not _DAY.match(value):
            raise ValueError
        return params.parse_day(value)
    except ValueError:
        raise ValidationError({field: f"日期「{value}」无效，应为“年-月-日”，例如 2026-11-16"}) from None
