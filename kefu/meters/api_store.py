"""The store API (M2, M3 stocktake; seed 000 ch.4 §2–§3): the stock list and a stock meter's life,
goods-in, the month-end count sheet, the store keeper's desk and the monthly stock report. The same
services, fetch-and-check helpers and Chinese refusals as the pages."""

from datetime import date, datetime
from typing import Literal

from ninja import Query, Router, Status
from pydantic import Field

from kefu.core.params import parse_month
from kefu.core.permissions import require
from kefu.core.schemas import Day, ObjectId, PageNumber, Schema
from kefu.meters import selectors_store as selectors
from kefu.meters.models import GoodsReceipt, PurchasePlan, StockMeter, Stocktake
from kefu.meters.permissions import fetch
from kefu.meters.services import store as services

router = Router(tags=["水表"])
READ = "meters.view_stockmeter"


class StockQuery(Schema):
    q: str = Field("", max_length=30, description="表号开头")
    caliber: int | None = Field(None, ge=15, le=600, description="口径DN")
    state: Literal["", "in_stock", "issued", "fitted", "old_returned", "scrapped", "compensated"] = ""
    sort: Literal["caliber", "-caliber", "number", "-number", "received", "-received"] = "caliber"
    page: PageNumber = 1
    page_size: int = Field(50, ge=1, le=200, description="每页条数，最多200")


class StockMeterOut(Schema):
    id: int
    number: str
    caliber_dn: int
    model: str
    maker: str
    batch: str
    certificate_no: str
    certificate_date: date
    state: str
    state_label: str
    receipt: str
    received_on: date
    checked_by: str
    checked_at: datetime
    archive_meter: str | None


class StockPageOut(Schema):
    items: list[StockMeterOut]
    has_next: bool


class StoreHistoryOut(Schema):
    occurred_at: datetime
    record: str
    actor: str
    action: str
    details: list[str]
    note: str


class StockMeterDetailOut(StockMeterOut):
    issue: str | None = Field(None, description="领表单号")
    history: list[StoreHistoryOut]


def stock_out(meter: StockMeter) -> dict:
    return {
        "id": meter.pk,
        "number": meter.number,
        "caliber_dn": meter.caliber_dn,
        "model": meter.model,
        "maker": meter.maker,
        "batch": meter.batch,
        "certificate_no": meter.certificate_no,
        "certificate_date": meter.certificate_date,
        "state": meter.state,
        "state_label": meter.get_state_display(),
        "receipt": meter.receipt.number,
        "received_on": meter.receipt.received_on,
        "checked_by": str(meter.checked_by),
        "checked_at": meter.checked_at,
        "archive_meter": meter.archive_meter.number if meter.archive_meter_id else None,
    }


def _history(lines) -> list[dict]:
    return [
        {
            "occurred_at": line.occurred_at,
            "record": line.record,
            "actor": line.actor,
            "action": line.action,
            "details": line.details,
            "note": line.note,
        }
        for line in lines
    ]


@router.get("/store/stock", response=StockPageOut, summary="库存水表（按表号、口径、状态查询）")
def stock_list(request, filters: Query[StockQuery]):
    require(request.user, READ)
    rows = selectors.stock(q=filters.q, caliber=filters.caliber, state=filters.state, sort=filters.sort)
    rows = rows.select_related("archive_meter")
    start = (filters.page - 1) * filters.page_size
    found = list(rows[start : start + filters.page_size + 1])
    return {
        "items": [stock_out(m) for m in found[: filters.page_size]],
        "has_next": len(found) > filters.page_size,
    }


@router.get("/store/stock/{id}", response=StockMeterDetailOut, summary="库存水表及其全部履历")
def stock_meter(request, id: ObjectId):
    meter = fetch(
        StockMeter,
        request.user,
        id,
        permission=READ,
        label="库存水表",
        related=("receipt", "checked_by", "archive_meter"),
    )
    records = selectors.related_records(meter)
    issue = next((r for r in records if r._meta.model_name == "meterissue"), None)
    return {
        **stock_out(meter),
        "issue": issue.number if issue else None,
        "history": _history(selectors.history(records)),
    }


# ---- goods-in


class StoreGoodsMeterIn(Schema):
    number: str = Field(..., max_length=30, description="表号")
    caliber_dn: int = Field(..., ge=15, le=600, description="口径DN")
    model: str = Field("", max_length=50)
    maker: str = Field("", max_length=100)
    batch: str = Field("", max_length=50)
    certificate_no: str = Field("", max_length=50, description="检定合格证号；无合格证的水表拒收")
    certificate_date: Day | None = Field(None, description="检定日期")


class StoreGoodsIn(Schema):
    supplier: str = Field("物贸公司", max_length=100)
    received_on: Day | None = Field(None, description="入库日期，不填为今天")
    purchase_plan: ObjectId | None = Field(None, description="对应的购置计划 id（已批准采购中）")
    note: str = Field("", max_length=200)
    meters: list[StoreGoodsMeterIn] = Field(..., min_length=1, max_length=services.MAX_METERS_PER_RECEIPT)


class StoreRefusedOut(Schema):
    number: str
    caliber_dn: int | None
    reason: str


class StoreReceiptOut(Schema):
    id: int
    number: str
    supplier: str
    received_on: date
    received_by: str
    purchase_plan: str | None
    note: str
    stocked: list[str] = Field(..., description="验收入库的表号")
    refused: list[StoreRefusedOut]


def receipt_out(receipt: GoodsReceipt) -> dict:
    return {
        "id": receipt.pk,
        "number": receipt.number,
        "supplier": receipt.supplier,
        "received_on": receipt.received_on,
        "received_by": str(receipt.received_by),
        "purchase_plan": receipt.purchase_plan.number if receipt.purchase_plan_id else None,
        "note": receipt.note,
        "stocked": list(receipt.meters.order_by("number").values_list("number", flat=True)),
        "refused": [
            {"number": r.get("number", ""), "caliber_dn": r.get("caliber_dn"), "reason": r.get("reason", "")}
            for r in receipt.refused
        ],
    }


@router.post(
    "/store/receipts", response={201: StoreReceiptOut}, summary="水表验收入库（逐只验收签字，无合格证拒收）"
)
def receive_goods(request, payload: StoreGoodsIn):
    require(request.user, READ, "meters.add_goodsreceipt")
    plan = None
    if payload.purchase_plan is not None:
        plan = fetch(
            PurchasePlan,
            request.user,
            payload.purchase_plan,
            permission="meters.view_purchaseplan",
            label="购置计划",
        )
    receipt = services.receive_goods(
        actor=request.user,
        meters=[m.model_dump() for m in payload.meters],
        supplier=payload.supplier,
        received_on=payload.received_on,
        purchase_plan=plan,
        note=payload.note,
    )
    return Status(201, receipt_out(receipt))


@router.get("/store/receipts/{id}", response=StoreReceiptOut, summary="入库单")
def read_receipt(request, id: ObjectId):
    receipt = fetch(
        GoodsReceipt,
        request.user,
        id,
        permission="meters.view_goodsreceipt",
        label="入库单",
        related=("received_by", "purchase_plan"),
    )
    return receipt_out(receipt)


# ---- stocktake


class StocktakeLineOut(Schema):
    caliber_dn: int
    book_count: int
    counted_count: int | None
    difference: int | None
    reason: str


class StocktakeOut(Schema):
    id: int
    month: date
    taken_on: date
    state: str
    state_label: str
    counted_by: str
    closed_at: datetime | None
    lines: list[StocktakeLineOut]


class StocktakeCountIn(Schema):
    caliber_dn: int = Field(..., ge=15, le=600)
    counted_count: int = Field(..., ge=0, le=1_000_000)
    reason: str = Field("", max_length=200, description="与账面数不符时必填")


class StocktakeCountsIn(Schema):
    counts: list[StocktakeCountIn] = Field(..., min_length=1, max_length=100)


def stocktake_out(stocktake: Stocktake) -> dict:
    return {
        "id": stocktake.pk,
        "month": stocktake.month,
        "taken_on": stocktake.taken_on,
        "state": stocktake.state,
        "state_label": stocktake.get_state_display(),
        "counted_by": str(stocktake.counted_by),
        "closed_at": stocktake.closed_at,
        "lines": [
            {
                "caliber_dn": line.caliber_dn,
                "book_count": line.book_count,
                "counted_count": line.counted_count,
                "difference": line.difference,
                "reason": line.reason,
            }
            for line in stocktake.lines.all()
        ],
    }


def _stocktake(request, id) -> Stocktake:
    return fetch(
        Stocktake,
        request.user,
        id,
        permission="meters.view_stocktake",
        label="盘存表",
        related=("counted_by",),
    )


class StocktakeQuery(Schema):
    page: PageNumber = 1


@router.get("/store/stocktakes", response=list[StocktakeOut], summary="月末盘存表（新→旧）")
def list_stocktakes(request, filters: Query[StocktakeQuery]):
    require(request.user, "meters.view_stocktake")
    start = (filters.page - 1) * 12
    rows = Stocktake.objects.select_related("counted_by").prefetch_related("lines")[start : start + 12]
    return [stocktake_out(s) for s in rows]


@router.post("/store/stocktakes", response={201: StocktakeOut}, summary="开始本月盘存（每月最后一个工作日）")
def open_stocktake(request):
    require(request.user, "meters.view_stocktake", "meters.add_stocktake")
    return Status(201, stocktake_out(services.open_stocktake(actor=request.user)))


@router.get("/store/stocktakes/{id}", response=StocktakeOut, summary="盘存表")
def read_stocktake(request, id: ObjectId):
    return stocktake_out(_stocktake(request, id))


@router.post("/store/stocktakes/{id}/counts", response=StocktakeOut, summary="登记实盘数（有差异须填原因）")
def count_stocktake(request, id: ObjectId, payload: StocktakeCountsIn):
    stocktake = _stocktake(request, id)
    require(request.user, "meters.change_stocktake")
    services.record_counts(
        actor=request.user, stocktake=stocktake, counts=[c.model_dump() for c in payload.counts]
    )
    return stocktake_out(_stocktake(request, id))


@router.post("/store/stocktakes/{id}/close", response=StocktakeOut, summary="完成盘存")
def close_stocktake(request, id: ObjectId):
    stocktake = _stocktake(request, id)
    require(request.user, "meters.change_stocktake")
    services.close_stocktake(actor=request.user, stocktake=stocktake)
    return stocktake_out(_stocktake(request, id))


# ---- the desk and the monthly report


class StoreCaliberOut(Schema):
    caliber_dn: int
    in_stock: int
    issued_today: int
    minimum: int
    below_minimum: bool


class StoreDeskIssueOut(Schema):
    number: str
    branch: str
    purpose: str
    meter_number: str
    caliber_dn: int
    collector: str
    issued_at: datetime


class StoreDeskReturnOut(Schema):
    number: str
    branch: str
    meter_number: str
    caliber_dn: int
    seal_state: str
    damaged: bool


class StoreDeskOut(Schema):
    today: date
    stock: list[StoreCaliberOut]
    issues_today_count: int
    issues_today: list[StoreDeskIssueOut]
    returns_today_count: int
    returns_today: list[StoreDeskReturnOut]
    replacements_overdue: int = Field(..., description="已领表（或已换表）超过换表期限未交回旧表")
    works_overdue: int = Field(..., description="拆表任务单超过期限未交回旧表")
    acceptances_overdue: int
    acceptances_failed: int
    plans_overdue: int = Field(..., description="已批准超过采购期限未到货的购置计划")
    plans_waiting: int = Field(..., description="待审核或待投资管理部审批的购置计划")
    stocktake_day: date
    stocktake_state: str | None


@router.get(
    "/store/desk", response=StoreDeskOut, summary="表库工作台：分口径库存、今日领表与旧表回收、逾期事项"
)
def desk(request):
    require(request.user, READ)
    s = selectors.desk_summary()
    return {
        "today": s.today,
        "stock": [
            {
                "caliber_dn": c.caliber_dn,
                "in_stock": c.in_stock,
                "issued_today": c.issued_today,
                "minimum": c.minimum,
                "below_minimum": c.below_minimum,
            }
            for c in s.stock
        ],
        "issues_today_count": s.issues_today_count,
        "issues_today": [
            {
                "number": i.number,
                "branch": i.branch.name,
                "purpose": i.get_purpose_display(),
                "meter_number": i.stock_meter.number,
                "caliber_dn": i.stock_meter.caliber_dn,
                "collector": str(i.collector),
                "issued_at": i.issued_at,
            }
            for i in s.issues_today
        ],
        "returns_today_count": s.returns_today_count,
        "returns_today": [
            {
                "number": r.number,
                "branch": r.branch.name,
                "meter_number": r.meter.number,
                "caliber_dn": r.meter.caliber_dn,
                "seal_state": r.get_seal_state_display(),
                "damaged": r.damaged,
            }
            for r in s.returns_today
        ],
        "replacements_overdue": s.replacements_overdue,
        "works_overdue": s.works_overdue,
        "acceptances_overdue": s.acceptances_overdue,
        "acceptances_failed": s.acceptances_failed,
        "plans_overdue": s.plans_overdue,
        "plans_waiting": s.plans_waiting,
        "stocktake_day": s.stocktake_day,
        "stocktake_state": s.stocktake.state if s.stocktake else None,
    }


class StoreReportQuery(Schema):
    month: str = Field(..., max_length=7, description="月份 YYYY-MM")


class StoreReportLineOut(Schema):
    caliber_dn: int
    opening: int
    received: int
    issued: int
    closing: int


class StoreReportOut(Schema):
    year: int
    month: int
    lines: list[StoreReportLineOut]


@router.get("/store/stock-report", response=StoreReportOut, summary="水表库存月报（分口径入库、领出、结存）")
def stock_report(request, filters: Query[StoreReportQuery]):
    require(request.user, READ)
    year, month = parse_month(filters.month)
    lines = selectors.stock_report(year, month)
    return {"year": year, "month": month, "lines": [line.__dict__ for line in lines]}
