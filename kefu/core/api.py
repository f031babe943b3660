"""Health check, the working-day calendar (W2) and the person's own alerts (H9, W3) over HTTP."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import connection
from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_datetime
from ninja import Field, Query, Router, Status

from kefu.core import alerts as alert_service
from kefu.core.calendar import SHANGHAI, WorkingCalendar
from kefu.core.params import check_moment
from kefu.core.registry import platform
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


# ---- alerts (提醒): a person sees and marks only their own (kefu.core.alerts.alerts_for) -------------

ALERTS_PER_PAGE = 50


class AlertOut(Schema):
    id: int
    kind: str
    kind_label: str
    level: int
    subject: str
    message: str
    url: str
    created_at: datetime
    read_at: datetime | None


class AlertPage(Schema):
    page: int
    has_next: bool
    unread: int
    results: list[AlertOut]


class AlertCount(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


class MarkAllIn(Schema):
    kind: str = Field("", max_length=64, description="只标记这一类型；空为全部")


def _alert_kind(kind: str, field: str = "kind") -> str:
    if kind and kind not in platform.alert_kinds:
        raise ValidationError({field: [f"提醒类型“{kind[:40]}”不存在"]})
    return kind


@router.get("/alerts", response=AlertPage, summary="我的提醒（新的在前）")
def list_alerts(
    request,
    unread: bool = False,
    kind: str = Query("", max_length=64),
    page: int = Query(1, ge=1, le=10000),
):
    mine = alert_service.alerts_for(request.user)
    rows = mine.filter(read_at__isnull=True) if unread else mine
    if _alert_kind(kind):
        rows = rows.filter(kind=kind)
    start = (page - 1) * ALERTS_PER_PAGE
    chunk = list(rows.order_by("-created_at", "-id")[start : start + ALERTS_PER_PAGE + 1])
    return {
        "page": page,
        "has_next": len(chunk) > ALERTS_PER_PAGE,
        "unread": mine.filter(read_at__isnull=True).count(),
        "results": chunk[:ALERTS_PER_PAGE],
    }


@router.get("/alerts/count", response=AlertCount, summary="未读提醒数（铃铛）")
def count_alerts(request):
    return {"unread": alert_service.unread_count(request.user)}


@router.post("/alerts/read", response=MarkedOut, summary="全部标为已读")
def read_all_alerts(request, payload: MarkAllIn | None = None):
    kind = _alert_kind(payload.kind if payload else "")
    return {"marked": alert_service.mark_all_read(user=request.user, kind=kind)}


@router.post("/alerts/{int:alert_id}/read", response=AlertOut, summary="标为已读")
def read_alert(request, alert_id: int):
    alert = get_object_or_404(alert_service.alerts_for(request.user), pk=alert_id)
    return alert_service.mark_read(user=request.user, alert=alert)
