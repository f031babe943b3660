"""Report figures as JSON, for a dashboard or a spreadsheet that pulls them. Same selectors and the
same permission check as the pages; bad input raises ValidationError, which kefu.api turns into a
Chinese 400."""

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router

from kefu.core import periods
from kefu.core.schemas import Schema
from kefu.reports import selectors
from kefu.reports.permissions import require_reports

router = Router(tags=["报表"])


class TimelinessIn(Schema):
    # `from` is a Python keyword, hence the alias.
    start: str = Field("", alias="from", description="开始日期 YYYY-MM-DD，默认本月1日")
    to: str = Field("", description="结束日期 YYYY-MM-DD（含），默认今天")
    by: str = Field("agent", description="agent 按坐席，team 按班组")


class MonthIn(Schema):
    month: str = Field("", description="月份 YYYY-MM，默认本月（每月前3天默认上月）")


class WeekIn(Schema):
    week: str = Field("", description="该周任一天 YYYY-MM-DD，按周一起算，默认本周")


@router.get("/timeliness", summary="转办及时率")
def timeliness(request, params: Query[TimelinessIn]):
    require_reports(request.user)
    if params.by not in selectors.GROUPINGS:
        raise ValidationError({"by": "统计口径应为 agent（按坐席）或 team（按班组）"})
    period = periods.parse_range(params.start, params.to)
    return selectors.transfer_timeliness(period, by=params.by).as_dict()


@router.get("/monthly-summary", summary="月度汇总")
def monthly_summary(request, params: Query[MonthIn]):
    require_reports(request.user)
    return selectors.monthly_summary(periods.parse_month(params.month)).as_dict()


@router.get("/weekly-summary", summary="督办、反馈、回访周汇总")
def weekly_summary(request, params: Query[WeekIn]):
    require_reports(request.user)
    return selectors.weekly_summary(periods.parse_week(params.week)).as_dict()
