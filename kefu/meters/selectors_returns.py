"""Reads of the old-meter returns, the store's tasks from counter business, the 赔表 cases and the
acceptances (M7, M8), shared by the pages, the Excel export and the API. Every list goes through
permissions.visible (a branch's staff see their branch only) and loads what it shows in one query."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from kefu.core.events import events_for, verb_label
from kefu.meters.models import Acceptance, CompensationCase, MeterWork, OldMeterReturn, Replacement
from kefu.meters.permissions import visible

RETURN_RELATED = (
    "meter__service_point__customer",
    "meter__service_point__service_area",
    "branch",
    "returned_by",
    "received_by",
    "replacement",
    "work__process",
)
WORK_RELATED = ("process", "customer", "branch", "meter", "old_return")
COMPENSATION_RELATED = ("old_return__meter__service_point__customer", "branch")
ACCEPTANCE_RELATED = ("issue__stock_meter", "issue__customer", "issue__process", "branch", "center_signer")


def returns(
    user, *, q: str = "", branch_id: int | None = None, late: bool = False, kept: bool = False
) -> QuerySet:
    rows = visible(OldMeterReturn.objects.select_related(*RETURN_RELATED), user)
    q = (q or "").strip()
    if q:
        rows = rows.filter(
            Q(number__startswith=q.upper())
            | Q(meter__number__startswith=q)
            | Q(meter__service_point__customer__name__contains=q)
            | Q(meter__service_point__connection_point_no__startswith=q)
        )
    if branch_id:
        rows = rows.filter(branch_id=branch_id)
    if late:
        rows = rows.filter(late_entry=True)
    if kept:
        rows = rows.filter(disposition=OldMeterReturn.Disposition.KEPT)
    return rows.order_by("-returned_on", "-id")


def works(user, *, q: str = "", state: str = "", kind: str = "", branch_id: int | None = None) -> QuerySet:
    rows = visible(MeterWork.objects.select_related(*WORK_RELATED), user)
    q = (q or "").strip()
    if q:
        rows = rows.filter(
            Q(process__number__startswith=q.upper())
            | Q(customer__name__contains=q)
            | Q(meter__number__startswith=q)
        )
    if state in MeterWork.State.values:
        rows = rows.filter(state=state)
    if kind in MeterWork.Kind.values:
        rows = rows.filter(kind=kind)
    if branch_id:
        rows = rows.filter(branch_id=branch_id)
    return rows.order_by("state", "due_on", "id")


def compensations(user, *, q: str = "", state: str = "") -> QuerySet:
    rows = visible(CompensationCase.objects.select_related(*COMPENSATION_RELATED), user)
    q = (q or "").strip()
    if q:
        rows = rows.filter(Q(number__startswith=q.upper()) | Q(old_return__meter__number__startswith=q))
    if state in CompensationCase.State.values:
        rows = rows.filter(state=state)
    return rows.order_by("state", "-id")


def acceptances(
    user, *, q: str = "", state: str = "", overdue: bool = False, branch_id: int | None = None
) -> QuerySet:
    rows = visible(Acceptance.objects.select_related(*ACCEPTANCE_RELATED), user)
    q = (q or "").strip()
    if q:
        rows = rows.filter(
            Q(issue__number__startswith=q.upper())
            | Q(issue__stock_meter__number__startswith=q)
            | Q(issue__customer__name__contains=q)
        )
    if state in Acceptance.State.values:
        rows = rows.filter(state=state)
    if overdue:
        rows = rows.filter(state=Acceptance.State.PENDING, due_on__lt=timezone.localdate())
    if branch_id:
        rows = rows.filter(branch_id=branch_id)
    return rows.order_by("state", "due_on", "id")


def awaiting_return(user) -> tuple[list[Replacement], list[MeterWork]]:
    """What the store may take an old meter back for: fitted replacements and open removal tasks."""
    replacements = visible(
        Replacement.objects.filter(state=Replacement.State.FITTED).select_related("meter", "branch"), user
    ).order_by("replace_due", "id")[:300]
    removals = visible(
        MeterWork.objects.filter(kind=MeterWork.Kind.REMOVE, state=MeterWork.State.OPEN).select_related(
            "meter", "customer", "process", "branch"
        ),
        user,
    ).order_by("due_on", "id")[:300]
    return list(replacements), list(removals)


@dataclass
class HistoryLine:
    occurred_at: datetime
    actor: str
    action: str
    details: list[str]
    note: str


LABELS = {
    "meter": "表号",
    "reading": "行度",
    "seal_state": "铅封",
    "returned_on": "交回日期",
    "disposition": "处置",
    "keep_until": "保存至",
    "late_entry": "录入",
    "returned_late": "交回",
    "state": "状态",
    "accepted_on": "验收日期",
    "branch_signer": "分公司验收人",
    "center_signer": "中心验收人",
    "late": "验收",
    "issue": "领表单",
    "due_on": "期限",
    "process": "业务",
    "kind": "类型",
    "old_return": "回收单",
    "damage": "损坏情况",
    "return": "回收单",
}


def history(target, *, most: int = 50) -> list[HistoryLine]:
    lines = []
    for event in events_for(target).select_related("actor")[:most]:
        details = []
        for key, value in event.changes.items():
            label = LABELS.get(key, key)
            if isinstance(value, list) and len(value) == 2:
                details.append(f"{label}：{value[0] or '（空）'} → {value[1] or '（空）'}")
            elif value:
                details.append(f"{label}：{value}")
        lines.append(
            HistoryLine(
                event.occurred_at, str(event.actor or "系统"), verb_label(event.verb), details, event.note
            )
        )
    return lines


def is_overdue(due_on: date | None, today: date | None = None) -> bool:
    return bool(due_on) and due_on < (today or timezone.localdate())
