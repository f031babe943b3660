"""Health check and the working-day calendar (W2) over HTTP."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.dateparse import parse_datetime
from ninja import Router, Status

from kefu.core.calendar import SHANGHAI, WorkingCalendar
from kefu.core.params import check_moment
from kefu.core.schemas import Day, Schema

router = Router(tags=["基础"])


class HealthOut(Schema):
    status: str
    database: str


@router.get("/health", auth=None, response={200: HealthOut, 503: HealthOut}, summary="健康检查（无需登录）")
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return Status(200, {"status": "ok", "database": connection.vendor})
    except Exception:  # any database failure means "not healthy", which is what a monitor wants to know
        return Status(503, {"status": "database_unavailable", "database": connection.vendor})


class DeadlineOut(Schema):
    start: datetime
    deadline: datetime
    deadline_date: date
    working_days: int | None = None
    hours: float | None = None
    calendar_complete: bool
    warnings: list[str]


class DayOut(Schema):
    date: date
    working_day: bool
    reason: str
    source: str
    calendar_complete: bool
    warnings: list[str]


def _parse_start(value: str) -> datetime:
    try:
        moment = parse_datetime(value.strip().replace(" ", "T")) if value else None
    except ValueError:  # well formed but impossible, such as month 13: a 400, not a 500
        moment = None
    if moment is None:
        raise ValidationError({"start": ["时间格式应为 ISO 8601，例如 2026-09-30T10:00:00"]})
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return check_moment(moment, field="start")


@router.get("/calendar/deadline", response=DeadlineOut, summary="按工作日或小时计算期限")
def deadline(request, start: str, working_days: int | None = None, hours: float | None = None):
    if (working_days is None) == (hours is None):
        raise ValidationError({"working_days": ["working_days 与 hours 须且只能提供一个"]})
    if working_days is not None and not 0 <= working_days <= 365:
        raise ValidationError({"working_days": ["应为0至365之间的整数"]})
    if hours is not None and not 0 <= hours <= 24 * 366:
        raise ValidationError({"hours": ["应为0至8784之间的数"]})
    calendar = WorkingCalendar()
    moment = _parse_start(start)
    result = (
        calendar.add_working_days(moment, working_days)
        if working_days is not None
        else calendar.add_hours(moment, hours)
    )
    return {
        "start": result.start.astimezone(SHANGHAI),
        "deadline": result.deadline,
        "deadline_date": result.deadline_date,
        "working_days": working_days,
        "hours": hours,
        "calendar_complete": not result.warnings,
        "warnings": result.warnings,
    }


@router.get("/calendar/day", response=DayOut, summary="某日是否工作日及原因")
def day(request, date: Day):
    info = WorkingCalendar().day(date)
    warnings = [] if info.known else [f"警告：{info.reason}"]
    return {
        "date": info.date,
        "working_day": info.working,
        "reason": info.reason,
        "source": info.source,
        "calendar_complete": info.known,
        "warnings": warnings,
    }
