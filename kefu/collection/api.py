"""Collection window API: record, list and void payments; the monthly report as JSON."""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Query, Router, Status

from kefu.collection import selectors, services
from kefu.collection.models import Payment
from kefu.collection.permissions import get_account_for_payment, get_payment_for
from kefu.core.permissions import require
from kefu.core.schemas import Day, ObjectId, PageNumber, Schema

router = Router(tags=["收费"])

PAGE_SIZE = 50


class PaymentIn(Schema):
    account_id: ObjectId
    amount: Decimal
    kind: str
    method: str
    invoice_number: str = ""


class PaymentOut(Schema):
    id: int
    number: str
    account: str
    customer_id: int
    customer_name: str
    amount: Decimal
    kind: str
    kind_label: str
    method: str
    method_label: str
    received_at: datetime
    day: date
    clerk: str
    invoice_number: str
    arrears_before: Decimal
    arrears_after: Decimal
    voided: bool
    void_reason: str


class PaymentList(Schema):
    page: int
    has_next: bool
    results: list[PaymentOut]


class PaymentFilters(Schema):
    day: Day | None = None
    clerk: ObjectId | None = None
    customer: ObjectId | None = None
    page: PageNumber = 1


class VoidIn(Schema):
    reason: str


class ReportRowOut(Schema):
    key: str
    label: str
    count: int
    amount: Decimal


class ReportOut(Schema):
    year: int
    month: int
    count: int
    amount: Decimal
    voided_count: int
    voided_amount: Decimal
    current_collected: Decimal
    arrears_collected: Decimal
    by_kind: list[ReportRowOut]
    by_method: list[ReportRowOut]
    by_clerk: list[ReportRowOut]
    vat_issued_count: int
    vat_issued_amount: Decimal
    cash_collected: Decimal
    cash_banked: Decimal


class ReportIn(Schema):
    # Bounded here so that month=0 is a 400, not "this month" (issue 11 item 8).
    year: int | None = Field(None, ge=2000, le=2100, description="年份，省略为本年")
    month: int | None = Field(None, ge=1, le=12, description="月份，省略为本月")


def out(payment: Payment) -> dict:
    return {
        "id": payment.pk,
        "number": payment.number,
        "account": payment.account.number,
        "customer_id": payment.customer_id,
        "customer_name": payment.customer.name,
        "amount": payment.amount,
        "kind": payment.kind,
        "kind_label": payment.get_kind_display(),
        "method": payment.method,
        "method_label": payment.get_method_display(),
        "received_at": payment.received_at,
        "day": payment.day,
        "clerk": payment.clerk.name or payment.clerk.username,
        "invoice_number": payment.invoice_number,
        "arrears_before": payment.arrears_before,
        "arrears_after": payment.arrears_after,
        "voided": payment.voided,
        "void_reason": payment.void_reason,
    }


@router.post("/payments", response={201: PaymentOut}, summary="收费")
def record(request, payload: PaymentIn):
    account = get_account_for_payment(request.user, payload.account_id)
    payment = services.record_payment(
        actor=request.user,
        account=account,
        amount=payload.amount,
        kind=payload.kind,
        method=payload.method,
        invoice_number=payload.invoice_number,
    )
    return Status(201, out(get_payment_for(request.user, payment.pk)))


@router.get("/payments", response=PaymentList, summary="收费记录")
def payments(request, filters: Query[PaymentFilters]):
    require(request.user, "collection.view_payment")
    rows = Payment.objects.select_related("account", "customer", "clerk")
    if filters.day:
        rows = rows.filter(day=filters.day)
    if filters.clerk:
        rows = rows.filter(clerk_id=filters.clerk)
    if filters.customer:
        rows = rows.filter(customer_id=filters.customer)
    page = max(filters.page, 1)
    # One row more than a page tells whether there is a next page without counting the table.
    found = list(rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    return {"page": page, "has_next": len(found) > PAGE_SIZE, "results": [out(p) for p in found[:PAGE_SIZE]]}


@router.get("/payments/{int:pk}", response=PaymentOut, summary="收费记录详情")
def payment(request, pk: int):
    return out(get_payment_for(request.user, pk))


@router.post("/payments/{int:pk}/void", response=PaymentOut, summary="作废收费（领导）")
def void(request, pk: int, payload: VoidIn):
    payment = get_payment_for(request.user, pk, void=True)
    services.void_payment(actor=request.user, payment=payment, reason=payload.reason)
    return out(get_payment_for(request.user, pk))


@router.get("/report", response=ReportOut, summary="收费月报")
def report(request, filters: Query[ReportIn]):
    require(request.user, "collection.view_collection_report")
    today = timezone.localdate()
    year, month = filters.year or today.year, filters.month or today.month
    return selectors.monthly_report(year=year, month=month).as_dict()
