"""The hotline's part of each person's home page (`platform.home_panels`): their own open items, each
a count (capped, never a COUNT(*) over the whole table) and the queue it opens."""

from django.urls import reverse
from django.utils import timezone

from kefu.hotline import selectors
from kefu.hotline.models import Callback, WorkOrder

CAP = 99


def _count(queryset) -> int:
    return len(queryset.values_list("pk", flat=True)[: CAP + 1])


def _queue_url(name: str) -> str:
    return f"{reverse('hotline:work_orders')}?queue={name}"


def panel(user) -> list[tuple[str, int, str]]:
    """我的未办结工单, 我的到期待回电 (on orders I own), 本单位待办工单, 已超期 and 领导督办 for leaders."""
    if not user.has_perm("hotline.view_workorder"):
        return []
    items = []
    if user.has_perm("hotline.add_contact"):
        mine = WorkOrder.objects.filter(owner=user).open()
        items.append(("我的未办结工单", _count(mine), _queue_url("mine")))
        due = Callback.objects.filter(
            work_order__owner=user, done_at__isnull=True, due_at__lte=timezone.now()
        ).exclude(work_order__state=WorkOrder.State.CLOSED)
        items.append(("我的到期待回电", _count(due), _queue_url("callbacks")))
    if user.unit_id:
        items.append(("本单位待办工单", _count(selectors.unit_queue(user)), _queue_url("unit")))
    if user.has_perm("hotline.manage_workorder"):
        items.append(("已超期工单", _count(selectors.overdue_orders(user)), _queue_url("overdue")))
    if user.has_perm("hotline.view_escalated"):
        items.append(("领导督办工单", _count(selectors.escalated_orders(user)), _queue_url("escalated")))
    return items
