"""Shift swap API (换班, S3): list, ask, read, decide, withdraw; the same services, visibility rule and
fetch-and-check helpers as the pages."""

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Query, Router, Status
from pydantic import Field

from kefu.accounts.models import User
from kefu.core.params import parse_month
from kefu.core.permissions import require
from kefu.core.schemas import ObjectId, PageNumber, Schema
from kefu.workforce import selectors_swaps
from kefu.workforce.models import RosterEntry, ShiftSwap
from kefu.workforce.permissions_swaps import get_swap_for, get_swap_to_decide, get_swap_to_withdraw
from kefu.workforce.services import swaps as services

router = Router(tags=["换班"])

PER_PAGE = 30


class SwapShiftOut(Schema):
    entry: int
    person: str
    day: date
    shift: str
    starts_at: datetime
    ends_at: datetime


class SwapApprovalOut(Schema):
    user: str
    approved: bool


class SwapOut(Schema):
    id: int
    number: str
    requester: str
    requester_username: str
    colleague: str
    colleague_username: str
    given: SwapShiftOut
    taken: SwapShiftOut | None = Field(None, description="空表示对方替班，日后还班")
    returns: str | None = Field(None, description="所还的换班登记号")
    reason: str
    handover_note: str
    status: str
    status_label: str
    approvals: list[SwapApprovalOut]
    created_at: datetime
    decided_at: datetime | None


class SwapFilters(Schema):
    scope: Literal["mine", "awaiting", "all"] = Field(
        "mine", description="mine 本人的换班；awaiting 待我批准；all 我可见的全部"
    )
    month: str = Field("", description="换出的班所在月份 YYYY-MM（换班登记表）")
    status: Literal["", "requested", "approved", "refused", "withdrawn"] = ""
    page: PageNumber = 1


class SwapIn(Schema):
    given_entry: ObjectId = Field(..., description="换出的班（本人的排班 id）")
    colleague: str = Field(..., description="对方的账号（同工种）")
    taken_entry: ObjectId | None = Field(None, description="换入的班（对方的排班 id）；不填表示对方替班")
    returns: ObjectId | None = Field(None, description="还班时：所还的换班 id")
    reason: str = Field(..., max_length=200)
    handover_note: str = Field("", max_length=200)


class SwapDecideIn(Schema):
    approve: bool
    note: str = Field("", max_length=200)


class SwapWithdrawIn(Schema):
    note: str = Field("", max_length=200)


def _shift(entry: RosterEntry) -> dict:
    return {
        "entry": entry.pk,
        "person": str(entry.person),
        "day": entry.day,
        "shift": entry.shift.name,
        "starts_at": entry.starts_at,
        "ends_at": entry.ends_at,
    }


def out(swap: ShiftSwap, names: dict[int, str] | None = None) -> dict:
    return {
        "id": swap.pk,
        "number": swap.number,
        "requester": str(swap.requester),
        "requester_username": swap.requester.username,
        "colleague": str(swap.colleague),
        "colleague_username": swap.colleague.username,
        "given": _shift(swap.given_entry),
        "taken": _shift(swap.taken_entry) if swap.taken_entry_id else None,
        "returns": swap.returns.number if swap.returns_id else None,
        "reason": swap.reason,
        "handover_note": swap.handover_note,
        "status": swap.status,
        "status_label": swap.get_status_display(),
        "approvals": [
            {"user": a.user, "approved": a.approved} for a in selectors_swaps.approvals(swap, names)
        ],
        "created_at": swap.created_at,
        "decided_at": swap.decided_at,
    }


@router.get("/swaps", response=list[SwapOut], summary="换班（本人的、待我批准的，或按月的换班登记表）")
def list_swaps(request, filters: Query[SwapFilters]):
    require(request.user, "workforce.view_shiftswap")
    if filters.scope == "awaiting":
        rows = selectors_swaps.awaiting(request.user)
    elif filters.scope == "all":
        rows = selectors_swaps.visible_to(request.user).order_by("-created_at", "-id")
    else:
        rows = selectors_swaps.mine(request.user)
    if filters.month:
        year, month = parse_month(filters.month)
        first, following = selectors_swaps.month_range(year, month)
        rows = rows.filter(given_entry__day__gte=first, given_entry__day__lt=following)
    if filters.status:
        rows = rows.filter(status=filters.status)
    start = (filters.page - 1) * PER_PAGE
    swaps = list(rows[start : start + PER_PAGE])
    names = selectors_swaps.approver_names(swaps)
    return [out(swap, names) for swap in swaps]


def _entry(pk: int | None, field: str) -> RosterEntry | None:
    if pk is None:
        return None
    entry = RosterEntry.objects.select_related("shift", "person").filter(pk=pk).first()
    if entry is None:
        raise ValidationError({field: f"排班不存在：{pk}"})
    return entry


@router.post("/swaps", response={201: SwapOut}, summary="申请换班（换出本人的班，申请人为当前用户）")
def create_swap(request, payload: SwapIn):
    require(request.user, "workforce.view_shiftswap", "workforce.add_shiftswap")
    colleague = User.objects.filter(username=payload.colleague.strip()).first()
    if colleague is None:
        raise ValidationError({"colleague": f"对方账号不存在：{payload.colleague}"})
    returns = None
    if payload.returns is not None:
        returns = selectors_swaps.mine(request.user).filter(pk=payload.returns).first()
        if returns is None:
            raise ValidationError({"returns": f"所还的换班不存在或不是本人的换班：{payload.returns}"})
    swap = services.ask_swap(
        actor=request.user,
        given_entry=_entry(payload.given_entry, "given_entry"),
        colleague=colleague,
        taken_entry=_entry(payload.taken_entry, "taken_entry"),
        returns=returns,
        reason=payload.reason,
        handover_note=payload.handover_note,
    )
    return Status(201, out(get_swap_for(request.user, swap.pk)))


@router.get("/swaps/{int:pk}", response=SwapOut, summary="换班登记")
def read_swap(request, pk: int):
    return out(get_swap_for(request.user, pk))


@router.post("/swaps/{int:pk}/decide", response=SwapOut, summary="批准或不同意换班（批准人）")
def decide_swap(request, pk: int, payload: SwapDecideIn):
    swap = get_swap_to_decide(request.user, pk)
    services.decide_swap(actor=request.user, swap=swap, approve=payload.approve, note=payload.note)
    return out(get_swap_for(request.user, pk))


@router.post("/swaps/{int:pk}/withdraw", response=SwapOut, summary="撤回换班申请（申请人本人，待批准时）")
def withdraw_swap(request, pk: int, payload: SwapWithdrawIn):
    swap = get_swap_to_withdraw(request.user, pk)
    services.withdraw_swap(actor=request.user, swap=swap, note=payload.note)
    return out(get_swap_for(request.user, pk))
