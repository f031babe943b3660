"""The acceptance API (M8, ch.4 §6): list, read and record the joint acceptance (the center's signer
is the caller, who holds meters.change_acceptance). Same services and refusals as the pages."""

from datetime import date, datetime
from typing import Literal

from ninja import Query, Router
from pydantic import Field

from kefu.core.permissions import require
from kefu.core.schemas import Day, ObjectId, PageNumber, Schema
from kefu.meters import selectors_returns as selectors
from kefu.meters.models import Acceptance
from kefu.meters.permissions import fetch
from kefu.meters.services import acceptance as services

router = Router(tags=["水表"])
PER_PAGE = 30


class MeterAcceptanceOut(Schema):
    id: int
    issue_number: str
    purpose: str
    purpose_label: str
    meter_number: str
    caliber_dn: int
    customer_name: str | None
    process_id: int | None
    process_number: str | None
    branch: str
    issued_at: datetime
    due_on: date
    overdue: bool = Field(..., description="待验收且已过期限")
    state: str
    state_label: str
    accepted_on: date | None
    branch_signer: str
    center_signer: str | None
    note: str
    old_meter_outstanding: bool | None = Field(None, description="拆除的旧表尚未交回（仅详情给出）")


class MeterAcceptancePageOut(Schema):
    items: list[MeterAcceptanceOut]
    has_next: bool


class MeterAcceptanceFilters(Schema):
    q: str = Field("", max_length=50, description="领表单号、表号、客户")
    state: Literal["", "pending", "passed", "failed"] = ""
    overdue: bool = Field(False, description="只看逾期未验收")
    branch: ObjectId | None = None
    page: PageNumber = 1


class MeterAcceptanceIn(Schema):
    passed: bool
    branch_signer: str = Field(..., max_length=50, description="分公司验收人")
    accepted_on: Day | None = Field(None, description="验收日期，默认今天")
    note: str = Field("", max_length=200, description="验收意见；不合格时必填")


def acceptance_out(a: Acceptance, *, detail: bool = False) -> dict:
    issue = a.issue
    out = {
        "id": a.pk,
        "issue_number": issue.number,
        "purpose": issue.purpose,
        "purpose_label": issue.get_purpose_display(),
        "meter_number": issue.stock_meter.number,
        "caliber_dn": issue.stock_meter.caliber_dn,
        "customer_name": issue.customer.name if issue.customer_id else None,
        "process_id": issue.process_id,
        "process_number": issue.process.number if issue.process_id else None,
        "branch": str(a.branch),
        "issued_at": issue.issued_at,
        "due_on": a.due_on,
        "overdue": a.state == Acceptance.State.PENDING and selectors.is_overdue(a.due_on),
        "state": a.state,
        "state_label": a.get_state_display(),
        "accepted_on": a.accepted_on,
        "branch_signer": a.branch_signer,
        "center_signer": str(a.center_signer) if a.center_signer_id else None,
        "note": a.note,
    }
    if detail:
        out["old_meter_outstanding"] = services.old_meter_outstanding(a) is not None
    return out


def _acceptance(user, pk: int, permission: str = "meters.view_acceptance") -> Acceptance:
    return fetch(
        Acceptance, user, pk, permission=permission, label="水表验收", related=selectors.ACCEPTANCE_RELATED
    )


@router.get("/acceptances", response=MeterAcceptancePageOut, summary="水表验收（待验收、逾期、合格、不合格）")
def list_acceptances(request, filters: Query[MeterAcceptanceFilters]):
    require(request.user, "meters.view_acceptance")
    rows = selectors.acceptances(
        request.user, q=filters.q, state=filters.state, overdue=filters.overdue, branch_id=filters.branch
    )
    start = (filters.page - 1) * PER_PAGE
    found = list(rows[start : start + PER_PAGE + 1])
    return {"items": [acceptance_out(a) for a in found[:PER_PAGE]], "has_next": len(found) > PER_PAGE}


@router.get("/acceptances/{int:id}", response=MeterAcceptanceOut, summary="水表验收")
def read_acceptance(request, id: int):
    return acceptance_out(_acceptance(request.user, id), detail=True)


@router.post("/acceptances/{int:id}/record", response=MeterAcceptanceOut, summary="登记联合验收结果")
def record_acceptance(request, id: int, payload: MeterAcceptanceIn):
    acceptance = _acceptance(request.user, id, "meters.change_acceptance")
    services.record_acceptance(
        actor=request.user,
        acceptance=acceptance,
        passed=payload.passed,
        branch_signer=payload.branch_signer,
        note=payload.note,
        accepted_on=payload.accepted_on,
    )
    return acceptance_out(_acceptance(request.user, id), detail=True)
