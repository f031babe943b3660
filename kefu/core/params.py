"""Numbers, ids and dates as people and programs type them into a query or a form: the ranges the
database and the working-day calendar can hold, checked in one place.

`str.isdigit()` is true for "¹" and "²", which `int()` refuses, and a 30-digit number overflows
PostgreSQL's bigint; a time in the year 184 with a -19:20 offset is refused by PostgreSQL. Each was a
500. Pages use the parsers here; the API uses the same limits through the types in kefu.core.schemas.
"""

import re
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError

# Pages beyond this are never meant (a list shows 20–50 rows a page); the offset would overflow bigint.
MAX_PAGE = 10_000
# Primary keys are BigAutoField: a larger number cannot name a row and overflows the database.
MAX_OBJECT_ID = 2**63 - 1
# The dates a water utility's records can carry; the database and the working-day calendar handle
# these, which year 1 or 9999 plus a few working days is not.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
# Monthly figures begin with the utility's records in this system: no report is for a month before 2000.
EARLIEST_MONTH_YEAR = 2000
# Real time zones lie between UTC-12 and UTC+14; PostgreSQL refuses offsets beyond ±15:59.
MAX_UTC_OFFSET = timedelta(hours=14)

YEAR_MESSAGE = f"年份应在{EARLIEST_YEAR}至{LATEST_YEAR}之间"
OFFSET_MESSAGE = "时区偏移应在 -12:00 至 +14:00 之间，例如 +08:00"
# ASCII digits only: \d would let "٢٠٢٦" through, and a longer year is not one people mean.
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{1,2})$")


def whole_number(value) -> int | None:
    """A non-negative whole number written in ASCII digits, else None."""
    text = str(value if value is not None else "").strip()
    return int(text) if text.isascii() and text.isdigit() else None


def object_id(value) -> int | None:
    """The id of a row as given in a query (?customer=12), or None when it cannot be one."""
    number = whole_number(value)
    return number if number is not None and 1 <= number <= MAX_OBJECT_ID else None


def page_number(value, *, last: int = MAX_PAGE) -> int:
    """A page of a list on a page: what cannot be a page number shows the first page, a page beyond
    the last the last (a link, not a form: there is no field to show an error under)."""
    number = whole_number(value)
    return min(max(number or 1, 1), last)


def day_problem(value: date) -> str | None:
    return None if EARLIEST_YEAR <= value.year <= LATEST_YEAR else YEAR_MESSAGE


def moment_problem(value: datetime) -> str | None:
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_UTC_OFFSET:
        return OFFSET_MESSAGE
    return day_problem(value)


def check_moment(value: datetime, *, field: str | None = None) -> datetime:
    """The moment itself, or a ValidationError (under `field` when given) saying what is wrong."""
    if problem := moment_problem(value):
        raise ValidationError({field: [problem]} if field else problem, code="moment_range")
    return value


def check_day(value: date, *, field: str | None = None) -> date:
    if problem := day_problem(value):
        raise ValidationError({field: [problem]} if field else problem, code="day_range")
    return value


def parse_day(text) -> date:
    """A date typed as YYYY-MM-DD within the supported years. Raises ValueError like
    date.fromisoformat, so that each caller keeps its own Chinese message for a date that is not one;
    year 1 or 9999 is "not one" too (a week or a day's range around it overflows)."""
    value = date.fromisoformat(str(text).strip())
    if problem := day_problem(value):
        raise ValueError(problem)
    return value


def parse_month(text, *, field: str = "month") -> tuple[int, int]:
    """A month typed as YYYY-MM (2026-11, or 2026-3) within the years of reports, as (year, month).
    The one month parser of pages, the API and commands: "9999-12" or "99999999999-01" made
    date() overflow. Raises a ValidationError keyed by `field`, in Chinese."""
    value = str(text if text is not None else "").strip()
    match = _MONTH.match(value)
    if not match:
        message = f"月份「{value}」格式不对，应为“年-月”，例如 2026-11"
        raise ValidationError({field: message}, code="month_format")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise ValidationError({field: f"月份「{value}」不存在：月份应在 1 到 12 之间"}, code="month_range")
    if not EARLIEST_MONTH_YEAR <= year <= LATEST_YEAR:
        message = f"年份「{year}」超出范围：应在{EARLIEST_MONTH_YEAR}至{LATEST_YEAR}之间"
        raise ValidationError({field: message}, code="month_range")
    return year, month
