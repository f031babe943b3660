"""The cases API (I1, I3): the list (paged, filtered, the same visibility as the page), a case (its read
logged, 第三条(十一)), opening a case, the steps of the investigation, the leader's approval queue and
decision, the amounts. Same services and permission helpers as the pages; bad input is a 400 naming the
field, a refusal a 403."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Query, Router, Status
from pydantic import Field

from kefu.accounts.models import User
from kefu.core.permissions import require
from kefu.core.schemas import ObjectId, PageNumber, Schema
from kefu.customers.models import Customer
from kefu.inspection import selectors_cases as selectors
from kefu.inspection.models import Case, PenaltyApproval
from kefu.inspection.permissions import get_case_for
from kefu.inspection.services import cases as services

router = Router(tags=["供水稽查"])
PER_PAGE = 30


class InspectionCaseInspectorOut(Schema):
    inspector_id: int
    name: str
    lead: bool
    id_shown_at: datetime | None


class InspectionApprovalOut(Schema):
    id: int
    case_id: int
    case_number: str
    state: str
    state_label: str
    facts: str
    regulation: str
    proposed_penalty: Decimal
    proposed_recovery: Decimal
    proposal: str
    submitted_by: str
    submitted_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    opinion: str


class InspectionCaseOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    source: str
    source_label: str
    state: str
    state_label: str
    customer_id: int | None
    customer_number: str | None
    unregistered: bool
    address: str
    area: str | None
    summary: str
    opened_at: datetime
    due_on: date | None
    finding: str
    penalty_amount: Decimal | None
    recovery_amount: Decimal | None
    archive_file_id: int | None
    closed_at: datetime | None


class InspectionCaseDetailOut(InspectionCaseOut):
    conclusion: str
    inspectors: list[InspectionCaseInspectorOut]
    approvals: list[InspectionApprovalOut]
    evidence_count: int
    statement_count: int
    notice_count: int


class InspectionCasePageOut(Schema):
    items: list[InspectionCaseOut]
    has_next: bool


class InspectionCaseFilters(Schema):
    mine: bool = False
    state: str = Field("", max_length=20, description="状态（active 为未结案）")
    kind: str = Field("", max_length=24, description="案件类型")
    area: ObjectId | None = None
    q: str = Field("", max_length=50, description="案件编号、地点、客户编号或名称")
    page: PageNumber = 1


class InspectionCaseIn(Schema):
    kind: str = Field(..., max_length=24, description="案件类型（稽查范围内）")
    source: Literal["patrol", "referral", "manual"] = "manual"
    address: str = Field("", max_length=200)
    summary: str = Field(..., max_length=300)
    customer_number: str = Field("", max_length=20)
    unregistered: bool = False
    inspectors: list[ObjectId] = Field(default_factory=list, max_length=10)


class InspectionInspectorsIn(Schema):
    inspectors: list[ObjectId] = Field(..., min_length=1, max_length=10)


class InspectionConcludeIn(Schema):
    finding: Literal["violation", "no_violation", "confirmed", "not_confirmed"]
    conclusion: str = Field(..., max_length=2000)


class InspectionApprovalIn(Schema):
    facts: str = Field(..., max_length=5000)
    regulation: str = Field(..., max_length=300)
    proposed_penalty: Decimal = Field(Decimal("0"), ge=0, max_digits=12, decimal_places=2)
    proposed_recovery: Decimal = Field(Decimal("0"), ge=0, max_digits=12, decimal_places=2)
    proposal: str = Field(..., max_length=5000)


class InspectionDecisionIn(Schema):
    approve: bool
    opinion: str = Field("", max_length=300)


class InspectionAmountsIn(Schema):
    penalty: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)
    recovery: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)


def case_out(c: Case) -> dict:
    return {
        "id": c.pk,
        "number": c.number,
        "kind": c.kind,
        "kind_label": c.get_kind_display(),
        "source": c.source,
        "source_label": c.get_source_display(),
        "state": c.state,
        "state_label": c.get_state_display(),
        "customer_id": c.customer_id,
        "customer_number": c.customer.number if c.customer_id else None,
        "unregistered": c.unregistered,
        "address": c.address,
        "area": c.area.name if c.area_id else None,
        "summary": c.summary,
        "opened_at": c.opened_at,
        "due_on": c.due_on,
        "finding": c.finding,
        "penalty_amount": c.penalty_amount,
        "recovery_amount": c.recovery_amount,
        "archive_file_id": c.archive_file_id,
        "closed_at": c.closed_at,
    }


def approval_out(a: PenaltyApproval) -> dict:
    return {
        "id": a.pk,
        "case_id": a.case_id,
        "case_number": a.case.number,
        "state": a.state,
        "state_label": a.get_state_display(),
        "facts": a.facts,
        "regulation": a.regulation,
        "proposed_penalty": a.proposed_penalty,
        "proposed_recovery": a.proposed_recovery,
        "proposal": a.proposal,
        "submitted_by": str(a.submitted_by),
        "submitted_at": a.submitted_at,
        "decided_by": str(a.decided_by) if a.decided_by_id else None,
        "decided_at": a.decided_at,
        "opinion": a.opinion,
    }


def detail_out(c: Case) -> dict:
    return {
        **case_out(c),
        "conclusion": c.conclusion,
        "inspectors": [
            {
                "inspector_id": s.inspector_id,
                "name": str(s.inspector),
                "lead": s.lead,
                "id_shown_at": s.id_shown_at,
            }
            for s in c.inspectors.select_related("inspector")
        ],
        "approvals": [
            approval_out(a)
            for a in c.approvals.select_related("case", "submitted_by", "decided_by").order_by("id")
        ],
        "evidence_count": c.evidence.count(),
        "statement_count": c.statements.count(),
        "notice_count": c.notices.count(),
    }


def _people(ids) -> list[User]:
    people = list(User.objects.filter(pk__in=list(ids)))
    if len(people) != len(set(ids)):
        raise ValidationError({"inspectors": "所选稽查员不存在"})
    return people


def _fresh(request, pk: int) -> dict:
    return detail_out(Case.objects.select_related("customer", "area").get(pk=pk))


@router.get("/cases", response=InspectionCasePageOut, summary="稽查案件（仅稽查人员和中心领导可见）")
def list_cases(request, filters: Query[InspectionCaseFilters]):
    require(request.user, "inspection.view_case")
    rows = selectors.cases(
        request.user,
        mine=filters.mine,
        state=filters.state,
        kind=filters.kind,
        area_id=filters.area,
        q=filters.q,
    )
    start = (filters.page - 1) * PER_PAGE
    found = list(rows[start : start + PER_PAGE + 1])
    return {"items": [case_out(c) for c in found[:PER_PAGE]], "has_next": len(found) > PER_PAGE}


@router.get("/cases/{int:pk}", response=InspectionCaseDetailOut, summary="稽查案件详情（调阅留痕）")
def read_case(request, pk: int):
    return detail_out(get_case_for(request.user, pk, what="接口读取"))


@router.post(
    "/cases", response={201: InspectionCaseDetailOut}, summary="稽查立案（只限稽查范围内的案件类型）"
)
def create_case(request, payload: InspectionCaseIn):
    require(request.user, "inspection.view_case", "inspection.add_case")
    customer = None
    if payload.customer_number.strip():
        customer = Customer.objects.filter(number=payload.customer_number.strip()).first()
        if customer is None:
            raise ValidationError({"customer_number": "没有这个客户编号"})
    people = _people(payload.inspectors) if payload.inspectors else []
    case = services.open_case(
        actor=request.user,
        kind=payload.kind,
        source=payload.source,
        address=payload.address,
        summary=payload.summary,
        customer=customer,
        unregistered=payload.unregistered,
        inspectors=people,
    )
    return Status(201, _fresh(request, case.pk))


@router.post("/cases/{int:pk}/inspectors", response=InspectionCaseDetailOut, summary="指派稽查员")
def assign(request, pk: int, payload: InspectionInspectorsIn):
    case = get_case_for(request.user, pk, what="接口办理", write=True)
    services.assign_inspectors(actor=request.user, case=case, inspectors=_people(payload.inspectors))
    return _fresh(request, pk)


@router.post("/cases/{int:pk}/id-shown", response=InspectionCaseDetailOut, summary="登记本人已出示稽查证件")
def id_shown(request, pk: int):
    case = get_case_for(request.user, pk, what="接口办理", write=True)
    services.record_id_shown(actor=request.user, case=case)
    return _fresh(request, pk)


@router.post(
    "/cases/{int:pk}/start",
    response=InspectionCaseDetailOut,
    summary="开始调查取证（二人以上且均已出示证件）",
)
def start(request, pk: int):
    case = get_case_for(request.user, pk, what="接口办理", write=True)
    services.start_investigation(actor=request.user, case=case)
    return _fresh(request, pk)


@router.post("/cases/{int:pk}/conclude", response=InspectionCaseDetailOut, summary="调查结论")
def conclude(request, pk: int, payload: InspectionConcludeIn):
    case = get_case_for(request.user, pk, what="接口办理", write=True)
    services.conclude(actor=request.user, case=case, finding=payload.finding, conclusion=payload.conclusion)
    return _fresh(request, pk)


@router.post(
    "/cases/{int:pk}/approvals",
    response={201: InspectionApprovalOut},
    summary="违章登记表、违章审批表报领导审批",
)
def submit(request, pk: int, payload: InspectionApprovalIn):
    case = get_case_for(request.user, pk, what="接口办理", write=True)
    approval = services.submit_for_approval(
        actor=request.user,
        case=case,
        facts=payload.facts,
        regulation=payload.regulation,
        proposed_penalty=payload.proposed_penalty,
        proposed_recovery=payload.proposed_recovery,
        proposal=payload.proposal,
    )
    return Status(201, approval_out(approval))


@router.get("/approvals", response=list[InspectionApprovalOut], summary="待审批的违章处理（中心领导）")
def approval_queue(request):
    require(request.user, "inspection.view_case", "inspection.approve_case")
    return [approval_out(a) for a in selectors.approval_queue(request.user)[:200]]


@router.post("/approvals/{int:pk}/decide", response=InspectionApprovalOut, summary="中心领导批准或不予批准")
def decide(request, pk: int, payload: InspectionDecisionIn):
    require(request.user, "inspection.view_case")
    approval = PenaltyApproval.objects.filter(pk=pk).first()
    if approval is None:
        raise Http404("审批不存在")
    get_case_for(request.user, approval.case_id, what="接口审批")
    if not request.user.has_perm("inspection.approve_case"):
        raise PermissionDenied("违章处理须经客户服务中心领导审批，您没有审批权限")
    approval = services.decide(
        actor=request.user, approval=approval, approve=payload.approve, opinion=payload.opinion
    )
    return approval_out(
        PenaltyApproval.objects.select_related("case", "submitted_by", "decided_by").get(pk=pk)
    )


@router.post(
    "/cases/{int:pk}/amounts", response=InspectionCaseDetailOut, summary="登记违约金与追补水费（批准后）"
)
def amounts(request, pk: int, payload: InspectionAmountsIn):
    case = get_case_for(request.user, pk, what="接口办理", write=True)
    services.record_amounts(actor=request.user, case=case, penalty=payload.penalty, recovery=payload.recovery)
    return _fresh(request, pk)
