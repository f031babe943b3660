"""Fetch hotline records only if the user may see them: one helper each for pages and API (house style)."""

from django.http import Http404

from kefu.core.permissions import require
from kefu.hotline.models import Callback, Contact, WorkOrder


def _pk(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404("记录不存在") from None


def get_work_order_for(user, pk) -> WorkOrder:
    require(user, "hotline.view_workorder")
    work_order = (
        WorkOrder.objects.visible_to(user)
        .select_related("contact", "category", "owner", "unit", "customer", "service_area")
        .filter(pk=_pk(pk))
        .first()
    )
    if work_order is None:
        raise Http404("工单不存在或不在您的权限范围内")
    return work_order


def get_contact_for(user, pk) -> Contact:
    require(user, "hotline.view_contact")
    contact = (
        Contact.objects.visible_to(user)
        .select_related(
            "category", "agent", "customer", "service_area", "transferred_to", "suggested_category"
        )
        .filter(pk=_pk(pk))
        .first()
    )
    if contact is None:
        raise Http404("登记记录不存在或不在您的权限范围内")
    return contact


def get_callback_for(user, pk) -> Callback:
    require(user, "hotline.add_callback")
    callback = Callback.objects.select_related("work_order__contact").filter(pk=_pk(pk)).first()
    if callback is None or not WorkOrder.objects.visible_to(user).filter(pk=callback.work_order_id).exists():
        raise Http404("回电任务不存在或不在您的权限范围内")
    return callback
