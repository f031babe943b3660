"""What inspection hears from other domains (issue 17): a case from each work order the hotline sends to
the inspection team (`kefu.hotline.signals.work_order_sent`; a theft report is a 偷盗水 case, anything else
a 社会举报), a verification case for each urgent meter replacement and a usage-tracking case after it
(`kefu.meters.signals.inspection_task_created`). Both signals are sent after commit; each receiver opens
its case in its own transaction, idempotently (one case per work order, one per task), and a failure is
logged, never raised into the hotline or the meters."""

import logging

from django.db import IntegrityError, transaction

log = logging.getLogger(__name__)
THEFT_CATEGORY = "theft_report"


def connect() -> None:
    from kefu.hotline.signals import work_order_sent
    from kefu.meters.signals import inspection_task_created

    work_order_sent.connect(on_work_order_sent, dispatch_uid="inspection.work_order_sent")
    inspection_task_created.connect(on_inspection_task_created, dispatch_uid="inspection.tracking_task")


def case_for_work_order(work_order):
    """The case opened from a work order sent to the inspection team (None when it is not theirs)."""
    from kefu.accounts.models import Unit
    from kefu.inspection.models import Case, CaseKind
    from kefu.inspection.services.cases import open_case

    if work_order.unit_id is None or work_order.unit.kind != Unit.Kind.INSPECTION:
        return None
    existing = Case.objects.filter(work_order=work_order).first()
    if existing is not None:
        return existing
    contact = work_order.contact
    kind = CaseKind.WATER_THEFT if work_order.category.code == THEFT_CATEGORY else CaseKind.PUBLIC_REPORT
    try:
        with transaction.atomic():
            return open_case(
                actor=None,
                kind=kind,
                source=Case.Source.HOTLINE,
                address=(contact.address or (work_order.customer.address if work_order.customer_id else ""))
                or "（举报未留地址，待核实）",
                summary=f"热线工单{work_order.number}：{contact.matter}"[:300],
                customer=work_order.customer,
                area=work_order.service_area,
                work_order=work_order,
            )
    except IntegrityError:  # another worker opened it first
        return Case.objects.filter(work_order=work_order).first()


def case_for_tracking_task(task):
    """The case opened from a meters' inspection task (急换核查 → 急换水表核实, 用水跟踪 → 运营水表跟踪)."""
    from kefu.inspection.models import Case, CaseKind
    from kefu.inspection.services.cases import open_case
    from kefu.meters.models import TrackingTask

    existing = Case.objects.filter(tracking_task=task).first()
    if existing is not None:
        return existing
    replacement = task.replacement
    meter = replacement.meter
    point = meter.service_point
    customer = getattr(point, "customer", None)
    address = getattr(point, "address", "") or (customer.address if customer is not None else "")
    if task.kind == TrackingTask.Kind.VERIFICATION:
        kind = CaseKind.URGENT_VERIFICATION
        summary = f"急换报核单{replacement.number}核实：水表{meter.number}{replacement.get_fault_display()}"
    else:
        kind = CaseKind.METER_TRACKING
        summary = f"换表单{replacement.number}换表后用水跟踪：原表{meter.number}"
    try:
        with transaction.atomic():
            return open_case(
                actor=None,
                kind=kind,
                source=Case.Source.METERS,
                address=address or f"水表{meter.number}安装地点",
                summary=summary[:300],
                customer=customer,
                area=meter.service_area,
                tracking_task=task,
                due_on=None,
            )
    except IntegrityError:
        return Case.objects.filter(tracking_task=task).first()


def on_work_order_sent(sender, work_order, **kwargs) -> None:
    try:
        case_for_work_order(work_order)
    except Exception:  # never break the hotline: the case can be opened by hand
        log.exception("inspection: no case opened for work order %s", getattr(work_order, "number", "?"))


def on_inspection_task_created(sender, task, **kwargs) -> None:
    try:
        case_for_tracking_task(task)
    except Exception:
        log.exception("inspection: no case opened for tracking task %s", getattr(task, "pk", "?"))
