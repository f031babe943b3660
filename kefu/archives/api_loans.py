"""The reading and borrowing API (D2): the register (list, one line), a request, the manager's approval
or refusal, the desk's registration of a loan or a reading with the borrower's signature, the return and
the withdrawal. Same services, visibility (selectors_loans.visible_loans / get_loan_for,
permissions.get_file_for) and Chinese refusals as the pages."""

from datetime import date, datetime
from typing import Literal

from django.utils import timezone
from ninja import Query, Router, Status
from pydantic import Field

from kefu.archives import selectors_loans as selectors
from kefu.archives.models import FileLoan
from kefu.archives.permissions import get_file_for
from kefu.archives.services import loans as services
from kefu.core.permissions import require
from kefu.core.schemas import Day, ObjectId, PageNumber, Schema

router = Router(tags=["档案与钥匙"])
PER_PAGE = 30


class FileLoanOut(Schema):
    id: int
    file_id: int
    catalogue_number: str | None
    file_title: str
    confidential: bool = Field(..., description="保密档案：不得借出、复印，只可在档案室查阅")
    kind: str
    kind_label: str
    state: str
    state_label: str
    borrower: str
    borrower_id: int
    purpose: str
    for_work: bool
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str
    registered_by: str | None
    registered_at: datetime | None
    borrower_signed_at: datetime | None
    due_on: date | None
    overdue: bool
    returned_at: datetime | None
    received_by: str | None


class FileLoanPageOut(Schema):
    items: list[FileLoanOut]
    has_next: bool


class FileLoanFilters(Schema):
    q: str = Field("", max_length=50, description="档号（前缀）、题名、借阅人、事由")
    state: Literal["", "requested", "approved", "refused", "out", "reading", "returned", "cancelled"] = ""
    overdue: bool = Field(False, description="只看逾期未还")
    mine: bool = Field(False, description="只看本人的借阅")
    borrower: ObjectId | None = Field(None, description="借阅人 id")
    file: ObjectId | None = Field(None, description="档案 id")
    page: PageNumber = 1


class FileLoanIn(Schema):
    file: ObjectId = Field(..., description="档案 id")
    kind: Literal["read", "loan"] = Field(..., description="read 查阅（在档案室）；loan 借出")
    purpose: str = Field(..., max_length=200, description="借阅事由")
    for_work: bool = Field(True, description="因工作需要；非工作需要的查阅须经服务中心经理批准，不能借出")


class FileLoanDecisionIn(Schema):
    note: str = Field("", max_length=200, description="审批意见（不予批准须写明理由）")


class FileLoanLendIn(Schema):
    signed: bool = Field(..., description="借阅人已在《文件借阅登记表》上签字")
    due_on: Day | None = Field(None, description="应还日期；不填按借阅期限 archives.loan_days")


class FileLoanReadIn(Schema):
    signed: bool = Field(..., description="借阅人已在《文件借阅登记表》上签字")


def loan_out(loan: FileLoan, today: date) -> dict:
    return {
        "id": loan.pk,
        "file_id": loan.file_id,
        "catalogue_number": loan.file.catalogue_number,
        "file_title": loan.file.title,
        "confidential": loan.file.confidential,
        "kind": loan.kind,
        "kind_label": loan.get_kind_display(),
        "state": loan.state,
        "state_label": loan.get_state_display(),
        "borrower": str(loan.borrower),
        "borrower_id": loan.borrower_id,
        "purpose": loan.purpose,
        "for_work": loan.for_work,
        "requested_at": loan.requested_at,
        "decided_by": str(loan.decided_by) if loan.decided_by_id else None,
        "decided_at": loan.decided_at,
        "decision_note": loan.decision_note,
        "registered_by": str(loan.registered_by) if loan.registered_by_id else None,
        "registered_at": loan.registered_at,
        "borrower_signed_at": loan.borrower_signed_at,
        "due_on": loan.due_on,
        "overdue": loan.state in selectors.AWAY and loan.due_on is not None and loan.due_on < today,
        "returned_at": loan.returned_at,
        "received_by": str(loan.received_by) if loan.received_by_id else None,
    }


def _one(user, pk: int) -> dict:
    return loan_out(selectors.get_loan_for(user, pk), timezone.localdate())


@router.get("/loans", response=FileLoanPageOut, summary="文件借阅登记表（按申请倒序）")
def list_file_loans(request, filters: Query[FileLoanFilters]):
    require(request.user, "archives.view_fileloan")
    rows = selectors.loans(
        request.user,
        q=filters.q,
        state=filters.state,
        overdue=filters.overdue,
        mine=filters.mine,
        borrower_id=filters.borrower,
        file_id=filters.file,
    )
    start = (filters.page - 1) * PER_PAGE
    found = list(rows[start : start + PER_PAGE + 1])
    today = timezone.localdate()
    return {"items": [loan_out(loan, today) for loan in found[:PER_PAGE]], "has_next": len(found) > PER_PAGE}


@router.get("/loans/{int:id}", response=FileLoanOut, summary="借阅单")
def read_file_loan(request, id: int):
    return _one(request.user, id)


@router.post("/loans", response={201: FileLoanOut}, summary="申请查阅或借出档案")
def request_file_loan(request, payload: FileLoanIn):
    require(request.user, "archives.add_fileloan")
    file = get_file_for(request.user, payload.file)
    loan = services.request(
        actor=request.user, file=file, kind=payload.kind, purpose=payload.purpose, for_work=payload.for_work
    )
    return Status(201, _one(request.user, loan.pk))


@router.post(
    "/loans/{int:id}/approve", response=FileLoanOut, summary="批准借阅（服务中心经理，不能审批本人的）"
)
def approve_file_loan(request, id: int, payload: FileLoanDecisionIn):
    require(request.user, "archives.approve_fileloan")
    loan = selectors.get_loan_for(request.user, id)
    services.approve(actor=request.user, loan=loan, note=payload.note)
    return _one(request.user, id)


@router.post("/loans/{int:id}/refuse", response=FileLoanOut, summary="不予批准借阅（须写明理由）")
def refuse_file_loan(request, id: int, payload: FileLoanDecisionIn):
    require(request.user, "archives.approve_fileloan")
    loan = selectors.get_loan_for(request.user, id)
    services.refuse(actor=request.user, loan=loan, note=payload.note)
    return _one(request.user, id)


@router.post("/loans/{int:id}/lend", response=FileLoanOut, summary="登记借出（借阅人签字、应还日期）")
def lend_file_loan(request, id: int, payload: FileLoanLendIn):
    require(request.user, "archives.register_fileloan")
    loan = selectors.get_loan_for(request.user, id)
    services.lend(actor=request.user, loan=loan, signed=payload.signed, due_on=payload.due_on)
    return _one(request.user, id)


@router.post("/loans/{int:id}/read", response=FileLoanOut, summary="登记查阅（在档案室阅看，当日归还）")
def read_on_site_file_loan(request, id: int, payload: FileLoanReadIn):
    require(request.user, "archives.register_fileloan")
    loan = selectors.get_loan_for(request.user, id)
    services.start_reading(actor=request.user, loan=loan, signed=payload.signed)
    return _one(request.user, id)


@router.post("/loans/{int:id}/return", response=FileLoanOut, summary="登记归还")
def return_file_loan(request, id: int):
    require(request.user, "archives.register_fileloan")
    loan = selectors.get_loan_for(request.user, id)
    services.return_file(actor=request.user, loan=loan)
    return _one(request.user, id)


@router.post("/loans/{int:id}/cancel", response=FileLoanOut, summary="撤回借阅申请")
def cancel_file_loan(request, id: int, payload: FileLoanDecisionIn):
    require(request.user, "archives.view_fileloan")
    loan = selectors.get_loan_for(request.user, id)
    services.cancel(actor=request.user, loan=loan, reason=payload.note)
    return _one(request.user, id)
