"""The purchase plans API (M1, seed 000 ch.4 §1): list, the computed needs, drafting, quantities, and
the approval chain (submit → center head approves or returns → 投资管理部 approval recorded → received).
The same services, fetch-and-check helper and Chinese refusals as the pages."""

from datetime import date, datetime
from typing import Literal

from ninja import Query, Router, Status
from pydantic import Field

from kefu.core.permissions import require
from kefu.core.schemas import Day, ObjectId, PageNumber, Schema
from kefu.meters import selectors_store as selectors
from kefu.meters.models import PurchasePlan
from kefu.meters.permissions import fetch
from kefu.meters.services import purchases as services
from kefu.meters.services.store import received_by_caliber

router = Router(tags=["水表"])
READ = "meters.view_purchaseplan"
PER_PAGE = 30
KINDS = Literal["yearly", "monthly", "supplementary"]


class PurchasePlanQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    kind: Literal["", "yearly", "monthly", "supplementary"] = ""
    state: Literal["", "draft", "submitted", "center_approved", "approved", "received", "returned"] = ""
    page: PageNumber = 1


class PurchasePlanLineOut(Schema):
    caliber_dn: int
    replacements: int = Field(..., description="逾龄换表到期只数")
    new_connections: int = Field(..., description="设计中的新装业务")
    renovations: int = Field(..., description="户表改造")
    stock_shortfall: int = Field(..., description="低于库存下限的差额")
    quantity: int = Field(..., description="计划数量")
    received: int = Field(0, description="关联入库单已入库只数")


class PurchasePlanOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    year: int
    month: int | None
    state: str
    state_label: str
    drafted_by: str
    center_approved_by: str | None
    center_approved_at: datetime | None
    approved_on: date | None
    approval_reference: str
    purchase_due: date | None
    received_on: date | None
    note: str
    total_quantity: int
    lines: list[PurchasePlanLineOut]


def plan_out(plan: PurchasePlan) -> dict:
    lines = list(plan.lines.all())
    received = received_by_caliber(plan) if plan.state in ("approved", "received") else {}
    return {
        "id": plan.pk,
        "number": plan.number,
        "kind": plan.kind,
        "kind_label": plan.get_kind_display(),
        "year": plan.year,
        "month": plan.month,
        "state": plan.state,
        "state_label": plan.get_state_display(),
        "drafted_by": str(plan.drafted_by),
        "center_approved_by": str(plan.center_approved_by) if plan.center_approved_by_id else None,
        "center_approved_at": plan.center_approved_at,
        "approved_on": plan.approved_on,
        "approval_reference": plan.approval_reference,
        "purchase_due": plan.purchase_due,
        "received_on": plan.received_on,
        "note": plan.note,
        "total_quantity": sum(line.quantity for line in lines),
        "lines": [
            {
                "caliber_dn": line.caliber_dn,
                "replacements": line.replacements,
                "new_connections": line.new_connections,
                "renovations": line.renovations,
                "stock_shortfall": line.stock_shortfall,
                "quantity": line.quantity,
                "received": received.get(line.caliber_dn, 0),
            }
            for line in lines
        ],
    }


def _plan(request, id) -> PurchasePlan:
    return fetch(
        PurchasePlan,
        request.user,
        id,
        permission=READ,
        label="购置计划",
        related=("drafted_by", "center_approved_by"),
    )


@router.get("/purchase-plans", response=list[PurchasePlanOut], summary="水表购置计划（按年度、类型、状态）")
def list_plans(request, filters: Query[PurchasePlanQuery]):
    require(request.user, READ)
    rows = selectors.plans(year=filters.year, kind=filters.kind, state=filters.state).prefetch_related(
        "lines"
    )
    start = (filters.page - 1) * PER_PAGE
    return [plan_out(plan) for plan in rows[start : start + PER_PAGE]]


class PurchasePlanNeedsQuery(Schema):
    year: int = Field(..., ge=2000, le=2100)
    month: int | None = Field(None, ge=1, le=12, description="月计划的月份；不填为全年")


class PurchasePlanNeedOut(Schema):
    caliber_dn: int
    replacements: int
    new_connections: int
    renovations: int
    stock_shortfall: int
    total: int


class PurchasePlanNeedsOut(Schema):
    year: int
    month: int | None
    lines: list[PurchasePlanNeedOut]
    defaulted: int = Field(..., description="未填水表口径、按DN20计入的业务数")


@router.get("/purchase-plans/needs", response=PurchasePlanNeedsOut, summary="购置需求（系统按四项来源计算）")
def plan_needs(request, filters: Query[PurchasePlanNeedsQuery]):
    require(request.user, READ)
    processes = selectors.process_needs()
    needs = selectors.purchase_needs(year=filters.year, month=filters.month, processes=processes)
    return {
        "year": filters.year,
        "month": filters.month,
        "lines": [{"caliber_dn": c, **need, "total": sum(need.values())} for c, need in needs.items()],
        "defaulted": processes.defaulted,
    }


class PurchasePlanQuantityIn(Schema):
    caliber_dn: int = Field(..., ge=15, le=600)
    quantity: int = Field(..., ge=0, le=services.MAX_QUANTITY)


class PurchasePlanIn(Schema):
    kind: KINDS
    year: int = Field(..., ge=2000, le=2100)
    month: int | None = Field(None, ge=1, le=12)
    quantities: list[PurchasePlanQuantityIn] = Field(
        default_factory=list,
        max_length=100,
        description="各口径计划数量；不填的口径取系统计算数（追加计划为0）",
    )
    note: str = Field("", max_length=500)


@router.post(
    "/purchase-plans", response={201: PurchasePlanOut}, summary="编制购置计划（年计划、月计划、追加计划）"
)
def create_plan(request, payload: PurchasePlanIn):
    require(request.user, READ, "meters.add_purchaseplan")
    plan = services.draft_plan(
        actor=request.user,
        kind=payload.kind,
        year=payload.year,
        month=payload.month,
        quantities={q.caliber_dn: q.quantity for q in payload.quantities} or None,
        note=payload.note,
    )
    return Status(201, plan_out(_plan(request, plan.pk)))


@router.get("/purchase-plans/{id}", response=PurchasePlanOut, summary="购置计划")
def read_plan(request, id: ObjectId):
    return plan_out(_plan(request, id))


class PurchasePlanQuantitiesIn(Schema):
    quantities: list[PurchasePlanQuantityIn] = Field(..., min_length=1, max_length=100)
    note: str | None = Field(None, max_length=500)


@router.post(
    "/purchase-plans/{id}/quantities", response=PurchasePlanOut, summary="修改计划数量（草稿或退回时）"
)
def set_quantities(request, id: ObjectId, payload: PurchasePlanQuantitiesIn):
    plan = _plan(request, id)
    services.set_quantities(
        actor=request.user,
        plan=plan,
        quantities={q.caliber_dn: q.quantity for q in payload.quantities},
        note=payload.note,
    )
    return plan_out(_plan(request, id))


@router.post("/purchase-plans/{id}/submit", response=PurchasePlanOut, summary="报中心负责人审核")
def submit_plan(request, id: ObjectId):
    services.submit_plan(actor=request.user, plan=_plan(request, id))
    return plan_out(_plan(request, id))


class PurchasePlanApproveIn(Schema):
    note: str = Field("", max_length=200)


@router.post("/purchase-plans/{id}/approve", response=PurchasePlanOut, summary="中心负责人审核通过")
def approve_plan(request, id: ObjectId, payload: PurchasePlanApproveIn):
    services.center_approve(actor=request.user, plan=_plan(request, id), note=payload.note)
    return plan_out(_plan(request, id))


class PurchasePlanReturnIn(Schema):
    reason: str = Field(..., max_length=500)


@router.post(
    "/purchase-plans/{id}/return", response=PurchasePlanOut, summary="退回表库管理员修改（须写原因）"
)
def return_plan(request, id: ObjectId, payload: PurchasePlanReturnIn):
    services.return_plan(actor=request.user, plan=_plan(request, id), reason=payload.reason)
    return plan_out(_plan(request, id))


class PurchasePlanInvestmentIn(Schema):
    approved_on: Day = Field(..., description="投资管理部批准日期")
    reference: str = Field(..., max_length=50, description="批文号")


@router.post(
    "/purchase-plans/{id}/investment-approval",
    response=PurchasePlanOut,
    summary="登记投资管理部审批（日期、批文号）",
)
def record_investment_approval(request, id: ObjectId, payload: PurchasePlanInvestmentIn):
    services.record_investment_approval(
        actor=request.user,
        plan=_plan(request, id),
        approved_on=payload.approved_on,
        reference=payload.reference,
    )
    return plan_out(_plan(request, id))


@router.post("/purchase-plans/{id}/received", response=PurchasePlanOut, summary="登记采购到货")
def mark_received(request, id: ObjectId):
    services.mark_received(actor=request.user, plan=_plan(request, id))
    return plan_out(_plan(request, id))
