"""Forecast API (S5): GET /api/workforce/forecast?start=&days= — the coming days' calls and required agents
per half hour (the staffing calculator itself is GET /api/workforce/staffing in api.py)."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from ninja import Query, Router
from pydantic import Field

from kefu.core.permissions import require
from kefu.core.schemas import Day, Schema
from kefu.workforce import selectors_forecast

router = Router(tags=["话务预测与人员测算"])

MAX_DAYS = 56
MAX_OFFSET_DAYS = 366  # a forecast is for the coming weeks (or a check of the past year), not a decade


class ForecastQuery(Schema):
    start: Day | None = Field(None, description="预测起始日（缺省为明天）")
    days: int = Field(28, ge=1, le=MAX_DAYS, description="预测天数（1至56）")


class HalfHourOut(Schema):
    start: str = Field(..., description="半小时时段的开始时刻，如 09:30")
    calls: float = Field(..., description="预测来电量")
    agents: int = Field(..., description="所需在线座席数（Erlang C，不少于最少在岗人数）")


class ForecastDayOut(Schema):
    date: date
    kind: str = Field(..., description="日类型：mon…sun、holiday、makeup、after_break、after_long_break")
    kind_label: str
    calls: float
    peak_agents: int
    half_hours: list[HalfHourOut]


class ForecastOut(Schema):
    start: date
    history_days: int = Field(..., description="用于拟合的有来电天数")
    excluded_days: list[date] = Field(..., description="判为突发（如爆管）而未参与拟合的日期")
    average_handling_seconds: int
    service_level_percent: int
    answer_within_seconds: int
    min_staff_on_duty: int
    days: list[ForecastDayOut]


@router.get("/forecast", response=ForecastOut, summary="分时段话务量预测与所需座席数（每半小时）")
def forecast_for(request, query: Query[ForecastQuery]):
    require(request.user, "workforce.view_rosterplan")
    start = query.start or selectors_forecast.default_first_day()
    today = selectors_forecast.default_first_day() - timedelta(days=1)
    if abs((start - today).days) > MAX_OFFSET_DAYS:
        raise ValidationError({"start": f"起始日应在今天前后{MAX_OFFSET_DAYS}天之内"})
    result = selectors_forecast.coming_days(start, query.days)
    return {
        "start": result.first_day,
        "history_days": result.history_days,
        "excluded_days": result.excluded_days,
        "average_handling_seconds": result.aht_s,
        "service_level_percent": result.service_level_percent,
        "answer_within_seconds": result.answer_within_s,
        "min_staff_on_duty": result.min_staff,
        "days": [
            {
                "date": d.day,
                "kind": d.kind,
                "kind_label": d.kind_label,
                "calls": d.calls,
                "peak_agents": d.peak_agents,
                "half_hours": [
                    {"start": h.start, "calls": h.calls, "agents": h.agents} for h in d.half_hours
                ],
            }
            for d in result.days
        ],
    }
