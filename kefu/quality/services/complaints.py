"""Complaint findings (Q2): whom a complaint work order is against and whether it stands (有效投诉),
decided by the QA lead or the training specialist. A valid finding is a line on the person's sheet —
the severe quarrel item when it was a quarrel with the customer, else the light complaint-reply item —
and takes away the month's zero-valid-complaints bonus (kefu.quality.collect)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kefu.core.permissions import require
from kefu.core.policies import policy
from kefu.hotline.models import WorkOrder
from kefu.quality.events import AppraisalEvents, quality_event
from kefu.quality.models import ComplaintFinding
from kefu.quality.services.exams import month_locked, refresh_sheet


def complaint_categories() -> list[str]:
    """The categories counted as complaints (rule reports.complaint_categories)."""
    value = policy("reports.complaint_categories")
    if isinstance(value, str):
        value = [code.strip() for code in value.replace("，", ",").split(",")]
    return [code for code in value if code]


def complaint_orders():
    return WorkOrder.objects.filter(category__code__in=complaint_categories())


@transaction.atomic
def record_finding(
    *, actor, work_order: WorkOrder, person, valid: bool, quarrel: bool = False, note: str
) -> ComplaintFinding:
    """Record (or change) the finding on `work_order` against `person`. The same finding again is
    answered with the row as it is."""
    require(actor, "quality.add_complaintfinding")
    errors: dict[str, list[str]] = {}
    codes = complaint_categories()
    if work_order.category.code not in codes:
        errors["work_order"] = [
            f"工单{work_order.number}的类别“{work_order.category.name}”不是投诉类别"
            f"（业务规则 reports.complaint_categories：{'、'.join(codes)}）"
        ]
    if quarrel and not valid:
        errors["quarrel"] = ["只有有效投诉才认定为与客户发生口角争执"]
    note = (note or "").strip()
    if not note:
        errors["note"] = ["请写明认定意见"]
    if person is None:
        errors["person"] = ["请选择被投诉人"]
    if errors:
        raise ValidationError(errors)
    occurred_on = timezone.localdate(work_order.contact.received_at)
    month = occurred_on.replace(day=1)
    if month_locked(month):
        raise ValidationError({"work_order": [f"{month:%Y年%m月}考核已锁定，投诉认定请通过考核申诉更正"]})
    finding = (
        ComplaintFinding.objects.select_for_update().filter(work_order=work_order, person=person).first()
    )
    if finding is not None and (finding.valid, finding.quarrel, finding.note) == (valid, quarrel, note):
        return finding
    before = {"valid": finding.valid, "quarrel": finding.quarrel} if finding else {}
    if finding is None:
        finding = ComplaintFinding.objects.create(
            work_order=work_order,
            person=person,
            valid=valid,
            quarrel=quarrel,
            occurred_on=occurred_on,
            note=note[:300],
            decided_by=actor,
        )
    else:
        finding.valid, finding.quarrel, finding.note, finding.decided_by = valid, quarrel, note[:300], actor
        finding.save(update_fields=["valid", "quarrel", "note", "decided_by", "updated_at"])
    quality_event(
        actor=actor,
        target=finding,
        verb=AppraisalEvents.COMPLAINT_FOUND,
        changes={
            "valid": [before.get("valid"), valid],
            "quarrel": [before.get("quarrel"), quarrel],
        },
        note=f"{work_order.number} {person}：{'有效投诉' if valid else '无效投诉'}；{note}",
    )
    refresh_sheet(person=person, month=month, actor=actor)
    return finding
