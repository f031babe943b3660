"""Where a contact goes (H3, H4): the category's rule applied to the caller's service area."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from kefu.accounts.models import ServiceArea, Unit
from kefu.core.calendar import Deadline, WorkingCalendar
from kefu.customers.models import Customer
from kefu.hotline.models import Category

# The part of an address that identifies a building: road/street + house number (文三路100号).
_ADDRESS_STEM = re.compile(r"^(.*?(?:路|街|大道|巷|弄|道)\d+号)")


@dataclass(frozen=True)
class Routing:
    unit: Unit | None
    reason: str


def area_for_customer(customer: Customer) -> ServiceArea | None:
    """The area of the customer's connection point (接水点); the archive's own area otherwise."""
    point = (
        customer.service_points.filter(service_area__isnull=False)
        .select_related("service_area__branch")
        .order_by("id")
        .first()
    )
    return point.service_area if point else customer.service_area


def area_for_address(address: str) -> ServiceArea | None:
    """For anonymous callers: a customer on file at the same building, else an area named in the
    address (片区 name or a place listed in its description)."""
    address = (address or "").strip()
    if not address:
        return None
    stem = _ADDRESS_STEM.match(address)
    if stem and len(stem.group(1)) >= 4:
        neighbour = (
            Customer.objects.filter(address__startswith=stem.group(1), service_area__isnull=False)
            .select_related("service_area__branch")
            .only("service_area")
            .first()
        )
        if neighbour:
            return neighbour.service_area
    for area in ServiceArea.objects.filter(active=True).select_related("branch"):
        places = [area.name.removesuffix("片区")] + re.split(r"[、，,；;及和至\s]+", area.description)
        if any(len(place) >= 2 and place in address for place in places):
            return area
    return None


def route(category: Category, service_area: ServiceArea | None) -> Routing:
    """The unit a transfer of this category goes to. Raises ValidationError naming the missing piece."""
    Route = Category.Route
    if category.route == Route.NONE:
        return Routing(None, f"{category.name}：{category.description or '不转办'}")
    if category.route == Route.BRANCH_BY_AREA:
        if service_area is None:
            raise ValidationError(
                {"service_area": "无法确定服务片区：请选择客户，或填写地址/选择所属片区后再转办"}
            )
        return Routing(service_area.branch, f"按片区「{service_area.name}」转{service_area.branch.name}")
    kind = Unit.Kind.LEADERSHIP if category.route == Route.LEADERSHIP else category.target_unit_kind
    unit = Unit.objects.filter(kind=kind, active=True).order_by("code").first()
    if unit is None:
        label = Unit.Kind(kind).label if kind in Unit.Kind.values else kind
        raise ValidationError({"unit": f"没有启用的「{label}」类型责任单位，请先在组织人员中设置"})
    return Routing(unit, f"{category.name}转{unit.name}")


def deadline_for(category: Category, start, calendar: WorkingCalendar | None = None) -> Deadline:
    """The category's time limit from `start`, in hours or in working days on the Chinese calendar (W2)."""
    calendar = calendar or WorkingCalendar()
    if category.deadline_unit == "hours":
        return calendar.add_hours(start, category.deadline_amount)
    return calendar.add_working_days(start, category.deadline_amount)
