"""The key cabinet's API (D4): keys (list with the cabinet's filters, one key), loans (lend, return), the
owner's keys issued, copy requests (request, consent or refuse, made). Same services, visibility
(`permissions.visible_keys` / `get_key_for`) and Chinese refusals as the pages."""

from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Status
from pydantic import Field

from kefu.accounts.models import User
from kefu.archives import selectors_keys as selectors
from kefu.archives.models import Key, KeyCopyRequest, KeyIssue, KeyLoan
from kefu.archives.permissions import get_key_for, visible_keys
from kefu.archives.services import keys as services
from kefu.core.params import object_id
from kefu.core.permissions import require
from kefu.core.schemas import Moment, ObjectId, PageNumber, Schema
from kefu.customers.masking import Masker
from kefu.customers.permissions import get_customer_for

router = Router(tags=["档案与钥匙"])
PER_PAGE = 30


class KeyLoanOut(Schema):
    id: int
    key_id: int
    key_label: str
    borrower: str
    borrower_username: str
    purpose: str
    work_reference: str
    lent_by: str
    lent_at: datetime
    borrower_signed_at: datetime | None
    due_at: datetime
    returned_at: datetime | None
    received_by: str | None
    overdue: bool = Field(..., description="未还且已过应还时间")


class KeyOut(Schema):
    id: int
    label: str
    estate: str
    kind: str
    kind_label: str
    owner_kind: str
    owner_kind_label: str
    building: str
    entrance: str
    floor: str
    room: str
    equipment_room: str
    copies: int
    state: str
    state_label: str
    holder_department: str
    custodian: str | None
    customer_number: str | None
    open_loan: KeyLoanOut | None = Field(None, description="借出中的借用记录")


class KeyLoanPageOut(Schema):
    items: list[KeyLoanOut]
    has_next: bool


class KeyLoanFiltersIn(Schema):
    q: str = Field("", max_length=50, description="标签、借用人、工作单号、事由")
    open_only: bool = Field(False, description="只看未还")
    page: PageNumber = 1


class KeyPageOut(Schema):
    items: list[KeyOut]
    has_next: bool


class KeyFiltersIn(Schema):
    q: str = Field("", max_length=50, description="标签")
    kind: Literal["", "owner", "public", "equipment"] = ""
    building: str = Field("", max_length=10)
    state: Literal["", "in_cabinet", "lent", "overdue", "issued", "lost"] = ""
    estate: str = Field("", max_length=60)
    page: PageNumber = 1


class KeyLoanIn(Schema):
    borrower: str = Field(..., max_length=150, description="借用人账号（在职员工）")
    purpose: str = Field(..., max_length=200, description="借用事由（工作需要）")
    work_reference: str = Field("", max_length=40, description="工作单号；业主钥匙、借给登记人本人时必填")
    due_at: Moment | None = Field(None, description="应还时间；不填按 archives.key_loan_hours")
    borrower_signed: bool = Field(False, description="借用人已在《房屋钥匙管理记录表》上签字")


class KeyIssueIn(Schema):
    customer: ObjectId = Field(..., description="业主（客户 id）")
    keys: list[ObjectId] = Field(..., max_length=10, description="同一户的业主钥匙 id")
    identity_document: str = Field(..., max_length=30, description="核验证件：居民身份证、入伙通知书…")
    identity_number: str = Field(..., max_length=30)
    owner_signed: bool = Field(False, description="业主已签领")


class KeyIssueOut(Schema):
    id: int
    customer_number: str
    customer_name: str
    keys: list[str]
    identity_document: str
    identity_number: str = Field(..., description="按查看权限遮蔽，如 330106********1234")
    identity_checked_by: str
    issued_at: datetime


class KeyCopyRequestIn(Schema):
    copies: int = Field(1, strict=True, ge=1, le=services.MAX_COPIES)
    reason: str = Field(..., max_length=200)


class KeyCopyDecisionIn(Schema):
    decision: Literal["consent", "refuse"]
    note: str = Field("", max_length=200, description="意见；不同意时必填")


class KeyCopyRequestOut(Schema):
    id: int
    key_id: int
    key_label: str
    state: str
    state_label: str
    copies: int
    reason: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    made_at: datetime | None


class KeyCopyRequestPageOut(Schema):
    items: list[KeyCopyRequestOut]
    has_next: bool


class KeyCopyFiltersIn(Schema):
    state: Literal["", "requested", "consented", "refused", "made"] = ""
    page: PageNumber = 1


def loan_out(loan: KeyLoan, now=None) -> dict:
    now = now or timezone.now()
    return {
        "id": loan.pk,
        "key_id": loan.key_id,
        "key_label": loan.key.label,
        "borrower": str(loan.borrower),
        "borrower_username": loan.borrower.username,
        "purpose": loan.purpose,
        "work_reference": loan.work_reference,
        "lent_by": str(loan.lent_by),
        "lent_at": loan.lent_at,
        "borrower_signed_at": loan.borrower_signed_at,
        "due_at": loan.due_at,
        "returned_at": loan.returned_at,
        "received_by": str(loan.received_by) if loan.received_by_id else None,
        "overdue": loan.returned_at is None and loan.due_at < now,
    }


def key_out(key: Key, open_loan: KeyLoan | None = None) -> dict:
    return {
        "id": key.pk,
        "label": key.label,
        "estate": key.estate,
        "kind": key.kind,
        "kind_label": key.get_kind_display(),
        "owner_kind": key.owner_kind,
        "owner_kind_label": key.get_owner_kind_display() if key.owner_kind else "",
        "building": key.building,
        "entrance": key.entrance,
        "floor": key.floor,
        "room": key.room,
        "equipment_room": key.equipment_room,
        "copies": key.copies,
        "state": key.state,
        "state_label": key.get_state_display(),
        "holder_department": key.holder_department,
        "custodian": str(key.custodian) if key.custodian_id else None,
        "customer_number": key.customer.number if key.customer_id else None,
        "open_loan": loan_out(open_loan) if open_loan else None,
    }


def _open_loans(keys: list[Key]) -> dict[int, KeyLoan]:
    loans = KeyLoan.objects.filter(key__in=keys, returned_at__isnull=True).select_related(
        *selectors.LOAN_RELATED
    )
    return {loan.key_id: loan for loan in loans}


def _key_answer(user, pk: int) -> dict:
    key = get_key_for(user, pk)
    return key_out(key, _open_loans([key]).get(key.pk))


def copy_out(c: KeyCopyRequest) -> dict:
    return {
        "id": c.pk,
        "key_id": c.key_id,
        "key_label": c.key.label,
        "state": c.state,
        "state_label": c.get_state_display(),
        "copies": c.copies,
        "reason": c.reason,
        "requested_by": str(c.requested_by),
        "requested_at": c.requested_at,
        "decided_by": str(c.decided_by) if c.decided_by_id else None,
        "decided_at": c.decided_at,
        "made_at": c.made_at,
    }


def _page(rows, page: int) -> tuple[list, bool]:
    start = (page - 1) * PER_PAGE
    found = list(rows[start : start + PER_PAGE + 1])
    return found[:PER_PAGE], len(found) > PER_PAGE


def _copy_request(user, pk: int) -> KeyCopyRequest:
    require(user, "archives.view_key", "archives.view_keycopyrequest")
    found = (
        KeyCopyRequest.objects.filter(key__in=visible_keys(user), pk=object_id(pk))
        .select_related("key", "requested_by", "decided_by")
        .first()
    )
    if found is None:
        raise Http404("配制申请不存在")
    return found


@router.get("/keys", response=KeyPageOut, summary="钥匙柜（按类别、栋号、状态筛选，按标签查找）")
def list_keys(request, filters: Query[KeyFiltersIn]):
    require(request.user, "archives.view_key")
    rows = selectors.cabinet(request.user, selectors.key_filters(filters.model_dump()))
    items, has_next = _page(rows, filters.page)
    loans = _open_loans(items)
    return {"items": [key_out(k, loans.get(k.pk)) for k in items], "has_next": has_next}


@router.get("/keys/{int:id}", response=KeyOut, summary="钥匙")
def read_key(request, id: int):
    return _key_answer(request.user, id)


@router.post("/keys/{int:id}/lend", response={201: KeyLoanOut}, summary="登记借出（工作需要，借用人签字）")
def lend_key(request, id: int, payload: KeyLoanIn):
    key = get_key_for(request.user, id)
    require(request.user, "archives.lend_key")
    borrower = User.objects.filter(username=payload.borrower.strip()).first()
    if borrower is None:
        raise ValidationError({"borrower": f"借用人账号不存在：{payload.borrower}"})
    loan = services.lend(
        actor=request.user,
        key=key,
        borrower=borrower,
        purpose=payload.purpose,
        work_reference=payload.work_reference,
        due_at=payload.due_at,
        borrower_signed=payload.borrower_signed,
    )
    loan = KeyLoan.objects.select_related(*selectors.LOAN_RELATED).get(pk=loan.pk)
    return Status(201, loan_out(loan))


@router.post("/key-loans/{int:id}/return", response=KeyLoanOut, summary="登记归还")
def return_key(request, id: int):
    require(request.user, "archives.view_key", "archives.lend_key")
    loan = KeyLoan.objects.filter(key__in=visible_keys(request.user), pk=id).first()
    if loan is None:
        raise Http404("借用记录不存在")
    services.return_key(actor=request.user, loan=loan)
    return loan_out(KeyLoan.objects.select_related(*selectors.LOAN_RELATED).get(pk=loan.pk))


@router.get("/key-loans", response=KeyLoanPageOut, summary="房屋钥匙管理记录表（借用记录，新的在前）")
def list_key_loans(request, filters: Query[KeyLoanFiltersIn]):
    require(request.user, "archives.view_key", "archives.view_keyloan")
    rows = selectors.register(request.user, q=filters.q.strip(), open_only=filters.open_only)
    items, has_next = _page(rows, filters.page)
    return {"items": [loan_out(loan) for loan in items], "has_next": has_next}


@router.post("/keys/issue", response={201: KeyIssueOut}, summary="发放业主钥匙（先核验入住身份，业主签领）")
def issue_keys(request, payload: KeyIssueIn):
    require(request.user, "archives.view_key", "archives.issue_key")
    customer = get_customer_for(request.user, payload.customer)
    keys = list(visible_keys(request.user).filter(pk__in=payload.keys))
    if len(keys) != len(set(payload.keys)):
        raise ValidationError({"keys": "钥匙不存在"})
    issue = services.issue_to_owner(
        actor=request.user,
        customer=customer,
        keys=keys,
        identity_document=payload.identity_document,
        identity_number=payload.identity_number,
        owner_signed=payload.owner_signed,
    )
    return Status(201, issue_out(issue, request.user))


def issue_out(issue: KeyIssue, user) -> dict:
    return {
        "id": issue.pk,
        "customer_number": issue.customer.number,
        "customer_name": issue.customer.name,
        "keys": [f"{k.label} {k.get_owner_kind_display()}" for k in issue.keys.order_by("owner_kind")],
        "identity_document": issue.identity_document,
        "identity_number": Masker(user).id_number(issue.identity_number),
        "identity_checked_by": str(issue.identity_checked_by),
        "issued_at": issue.issued_at,
    }


@router.post("/keys/{int:id}/copy-requests", response={201: KeyCopyRequestOut}, summary="申请配制钥匙")
def request_key_copy(request, id: int, payload: KeyCopyRequestIn):
    key = get_key_for(request.user, id)
    copy = services.request_copy(actor=request.user, key=key, copies=payload.copies, reason=payload.reason)
    return Status(201, copy_out(_copy_request(request.user, copy.pk)))


@router.get("/key-copy-requests", response=KeyCopyRequestPageOut, summary="钥匙配制申请")
def list_key_copy_requests(request, filters: Query[KeyCopyFiltersIn]):
    require(request.user, "archives.view_key", "archives.view_keycopyrequest")
    items, has_next = _page(selectors.copy_requests(request.user, state=filters.state), filters.page)
    return {"items": [copy_out(c) for c in items], "has_next": has_next}


@router.post(
    "/key-copy-requests/{int:id}/decide", response=KeyCopyRequestOut, summary="工程部经理同意或不同意配制"
)
def decide_key_copy(request, id: int, payload: KeyCopyDecisionIn):
    copy = _copy_request(request.user, id)
    if payload.decision == "consent":
        services.consent(actor=request.user, request=copy, note=payload.note)
    else:
        services.refuse(actor=request.user, request=copy, reason=payload.note)
    return copy_out(_copy_request(request.user, id))


@router.post("/key-copy-requests/{int:id}/made", response=KeyCopyRequestOut, summary="登记已配制（计入把数）")
def key_copy_made(request, id: int):
    copy = _copy_request(request.user, id)
    services.record_copy_made(actor=request.user, request=copy)
    return copy_out(_copy_request(request.user, id))
