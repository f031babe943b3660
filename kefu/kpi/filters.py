"""The dashboard's filters (date range, unit, area, category, channel), parsed from the query string,
and the scope a user is held to: a branch's staff see only their own unit's figures."""

from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kefu.accounts.models import Role, ServiceArea, Unit
from kefu.core.params import object_id, parse_day
from kefu.core.permissions import require
from kefu.core.policies import get_policy
from kefu.hotline.models import Category, Channel

DASHBOARD_PERMISSION = "kpi.view_dashboard"


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # inclusive: the reader picks the last day, not the day after
    unit_id: int | None = None
    area_id: int | None = None
    category_id: int | None = None
    channel: str = ""
    unit_locked: bool = False  # a branch's staff cannot look past their unit

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def last_year(self) -> "Filters":
        """The same period a year before (29 February falls back to the 28th)."""
        return replace(self, start=_year_before(self.start), end=_year_before(self.end))

    def query(self, **extra) -> str:
        params = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        for name in ("unit_id", "area_id", "category_id"):
            value = getattr(self, name)
            if value:
                params[name.removesuffix("_id")] = value
        if self.channel:
            params["channel"] = self.channel
        params.update({k: v for k, v in extra.items() if v not in (None, "")})
        return urlencode(params)

    def rollup_filter(self) -> dict:
        """Keyword filters on ContactDay."""
        return {"day__gte": self.start, "day__lte": self.end, **self.dimension_filter()}

    def narrow_orders(self, orders):
        """Work orders (or processes, by unit only) of the chosen unit, area and category."""
        if self.unit_id:
            orders = orders.filter(unit_id=self.unit_id)
        if self.area_id and hasattr(orders.model, "service_area_id"):
            orders = orders.filter(service_area_id=self.area_id)
        if self.category_id and hasattr(orders.model, "category_id"):
            orders = orders.filter(category_id=self.category_id)
        return orders

    def dimension_filter(self) -> dict:
        """The unit, area, category and channel chosen, as keyword filters on a rollup table."""
        where = {}
        if self.unit_id:
            where["unit_id"] = self.unit_id
        if self.area_id:
            where["area_id"] = self.area_id
        if self.category_id:
            where["category_id"] = self.category_id
        if self.channel:
            where["channel"] = self.channel
        return where


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _date(value: str, label: str) -> date:
    try:
        return parse_day(value)
    except ValueError:
        raise ValidationError(f"{label}“{value}”不是有效日期，请按 2026-03-01 的格式填写") from None


def _choice(params, name: str, label: str, model) -> int | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    pk = object_id(value)
    if pk is None or not model.objects.filter(pk=pk).exists():
        raise ValidationError(f"{label}“{value}”不存在，请从列表中选择")
    return pk


def parse(params, user, *, today: date | None = None) -> Filters:
    """Filters from a query string; ValidationError (Chinese, naming the field) when one is wrong.
    Without dates the dashboard shows this month so far."""
    require(user, DASHBOARD_PERMISSION)  # before any parsing: an outsider gets 403, not a form error
    today = today or timezone.localdate()
    start_text, end_text = (params.get("start") or "").strip(), (params.get("end") or "").strip()
    start = _date(start_text, "开始日期") if start_text else today.replace(day=1)
    end = _date(end_text, "结束日期") if end_text else today
    if end < start:
        raise ValidationError("结束日期不能早于开始日期")
    limit = int(get_policy("kpi.max_range_days"))
    if (end - start).days + 1 > limit:
        raise ValidationError(f"日期范围最多 {limit} 天，请缩小范围")
    channel = (params.get("channel") or "").strip()
    if channel and channel not in Channel.values:
        raise ValidationError(f"渠道“{channel}”不存在，请从列表中选择")
    filters = Filters(
        start=start,
        end=end,
        unit_id=_choice(params, "unit", "责任单位", Unit),
        area_id=_choice(params, "area", "服务片区", ServiceArea),
        category_id=_choice(params, "category", "类别", Category),
        channel=channel,
    )
    return scope_for(user, filters)


def scope_for(user, filters: Filters) -> Filters:
    """Hold a unit's staff to their own unit, whatever the query string says (parse has checked the
    permission)."""
    if getattr(user, "role", None) == Role.UNIT_STAFF:
        if not user.unit_id:
            raise PermissionDenied("您的账号未关联责任单位，不能查看指标")
        return replace(filters, unit_id=user.unit_id, unit_locked=True)
    return filters
