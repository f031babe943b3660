"""The issues API (M3): 领表单 (list, one, issue a meter), what blocks a branch's issue (M6, M8), and bulk
collection appointments (list, book, cancel). The same services, visibility and Chinese refusals as the
pages; a refused issue is a 400 with the rule's message under its field."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Query, Router, Status
from pydantic import Field

from kefu.accounts.models import Unit, User
from kefu.core.permissions import require
from kefu.core.schemas import Day, ObjectId, PageNumber, Schema
from kefu.meters import papers as paper_rules
from kefu.meters import selectors_issues as selectors
from kefu.meters.models import IssueAppointment, MeterIssue, MeterWork, Purpose, Replacement, StockMeter
from kefu.meters.permissions import fetch, require_branch, visible
from kefu.meters.services import issues as services
from kefu.processes.models import Process

router = Router(tags=["水表"])

PER_PAGE = 30
READ = "meters.view_meterissue"


class MeterIssueOut(Schema):
    id: int
    number: str = Field(..., description="领表单号 LB+日期+当日序号")
    purpose: str
    purpose_label: str
    branch_id: int
    branch: str
    collector: str
    collector_username: str
    stock_meter_number: str
    caliber_dn: int
    application_card: str
    papers: list[str] = Field(..., description="已核验凭据（代码）")
    paper_names: list[str]
    replacement_number: str | None
    process_number: str | None
    appointment_id: int | None
    issued_by: str
    issued_at: datetime
    note: str


class MeterIssueFilters(Schema):
    q: str = Field("", max_length=40, description="领表单号、申请卡号或表号")
    branch_id: ObjectId | None = None
    purpose: Purpose | None = None
    start: Day | None = Field(None, description="领表日期起（含）")
    end: Day | None = Field(None, description="领表日期止（含）")
    page: PageNumber = 1


class MeterIssuePageOut(Schema):
    items: list[MeterIssueOut]
    has_next: bool


class MeterIssueIn(Schema):
    branch_id: ObjectId
    collector_id: ObjectId = Field(..., description="领表人（本分公司人员）")
    stock_meter_number: str = Field(..., max_length=30, description="领出的新表表号（须在库）")
    purpose: Purpose
    application_card: str = Field("", max_length=40, description="申请卡/换表单编号（换表不填时取换表单号）")
    papers: list[str] = Field(default_factory=list, max_length=20, description="已核验凭据的代码")
    replacement_id: ObjectId | None = Field(None, description="换表单（逾龄换表、急换）")
    process_number: str = Field("", max_length=20, description="窗口业务编号（改表领表单）")
    note: str = Field("", max_length=200)


class MeterIssueBlocksOut(Schema):
    branch_id: int
    branch: str
    day: date
    blocked: bool
    reasons: list[str]
    issued_today: int


class MeterIssueBlocksQuery(Schema):
    branch_id: ObjectId


class IssueAppointmentOut(Schema):
    id: int
    branch_id: int
    branch: str
    collect_on: date
    quantity: int
    issued: int
    state: str
    state_label: str
    booked_by: str
    booked_at: datetime
    note: str


class IssueAppointmentFilters(Schema):
    branch_id: ObjectId | None = None
    page: PageNumber = 1


class IssueAppointmentIn(Schema):
    branch_id: ObjectId
    collect_on: Day
    quantity: int = Field(..., ge=1, le=1000)
    note: str = Field("", max_length=200)


class IssueAppointmentCancelIn(Schema):
    reason: str = Field("", max_length=200)


class MeterIssuePaperOut(Schema):
    purpose: str
    purpose_label: str
    required: list[str]
    optional: list[str]


def issue_out(issue: MeterIssue) -> dict:
    replacement = getattr(issue, "replacement", None) if hasattr(issue, "replacement") else None
    return {
        "id": issue.pk,
        "number": issue.number,
        "purpose": issue.purpose,
        "purpose_label": issue.get_purpose_display(),
        "branch_id": issue.branch_id,
        "branch": str(issue.branch),
        "collector": str(issue.collector),
        "collector_username": issue.collector.username,
        "stock_meter_number": issue.stock_meter.number,
        "caliber_dn": issue.stock_meter.caliber_dn,
        "application_card": issue.application_card,
        "papers": issue.papers,
        "paper_names": paper_rules.names(issue.papers),
        "replacement_number": replacement.number if replacement is not None else None,
        "process_number": issue.process.number if issue.process_id else None,
        "appointment_id": issue.appointment_id,
        "issued_by": str(issue.issued_by),
        "issued_at": issue.issued_at,
        "note": issue.note,
    }


def appointment_out(row: IssueAppointment) -> dict:
    issued = getattr(row, "issued_count", None)
    return {
        "id": row.pk,
        "branch_id": row.branch_id,
        "branch": str(row.branch),
        "collect_on": row.collect_on,
        "quantity": row.quantity,
        "issued": issued if issued is not None else row.issues.count(),
        "state": row.state,
        "state_label": row.get_state_display(),
        "booked_by": str(row.booked_by),
        "booked_at": row.created_at,
        "note": row.note,
    }


def _issue(request, issue_id: int) -> MeterIssue:
    return fetch(
        MeterIssue,
        request.user,
        issue_id,
        permission=READ,
        label="领表单",
        related=("branch", "collector", "stock_meter", "issued_by", "process", "replacement"),
    )


def _branch(branch_id: int, field: str = "branch_id") -> Unit:
    branch = Unit.objects.filter(pk=branch_id, kind=Unit.Kind.BRANCH).first()
    if branch is None:
        raise ValidationError({field: "供水分公司不存在"})
    return branch


@router.get("/issues", response=MeterIssuePageOut, summary="领表单（按单号、申请卡号、表号查找）")
def list_issues(request, filters: Query[MeterIssueFilters]):
    require(request.user, READ)
    rows = selectors.search_issues(
        visible(selectors.issues_for_list().select_related("replacement"), request.user),
        q=filters.q.strip(),
        branch_id=filters.branch_id,
        purpose=filters.purpose or "",
        start=filters.start,
        end=filters.end,
    )
    start = (filters.page - 1) * PER_PAGE
    page = list(rows[start : start + PER_PAGE + 1])
    return {"items": [issue_out(issue) for issue in page[:PER_PAGE]], "has_next": len(page) > PER_PAGE}


@router.get("/issues/papers", response=list[MeterIssuePaperOut], summary="各用途领表须凭的凭据")
def issue_papers(request):
    require(request.user, READ)
    return [
        {
            "purpose": purpose,
            "purpose_label": str(label),
            "required": paper_rules.required_for(purpose),
            "optional": paper_rules.OPTIONAL.get(purpose, []),
        }
        for purpose, label in Purpose.choices
    ]


@router.get("/issues/{int:id}", response=MeterIssueOut, summary="领表单")
def read_issue(request, id: int):
    return issue_out(_issue(request, id))


@router.post("/issues", response={201: MeterIssueOut}, summary="领表（表库发出一只新表）")
def create_issue(request, payload: MeterIssueIn):
    require(request.user, READ, "meters.add_meterissue")
    branch = _branch(payload.branch_id)
    collector = User.objects.filter(pk=payload.collector_id).first()
    if collector is None:
        raise ValidationError({"collector_id": "领表人不存在"})
    stock_meter = StockMeter.objects.filter(number=payload.stock_meter_number.strip()).first()
    if stock_meter is None:
        raise ValidationError(
            {"stock_meter_number": f"表号{payload.stock_meter_number}不在表库（未验收入库）"}
        )
    replacement = None
    if payload.replacement_id is not None:
        replacement = Replacement.objects.filter(pk=payload.replacement_id).first()
        if replacement is None:
            raise ValidationError({"replacement_id": "换表单不存在"})
    process = customer = None
    if payload.process_number.strip():
        process = Process.objects.filter(number=payload.process_number.strip()).first()
        if process is None:
            raise ValidationError({"process_number": f"窗口业务{payload.process_number}不存在"})
        work = MeterWork.objects.filter(process=process, kind=MeterWork.Kind.ISSUE).first()
        customer = work.customer if work is not None else None
    issue = services.issue_meter(
        actor=request.user,
        branch=branch,
        collector=collector,
        stock_meter=stock_meter,
        purpose=payload.purpose,
        application_card=payload.application_card,
        papers=payload.papers,
        replacement=replacement,
        process=process,
        customer=customer,
        note=payload.note,
    )
    return Status(201, issue_out(_issue(request, issue.pk)))


@router.get("/issue-blocks", response=MeterIssueBlocksOut, summary="分公司今天能否领表：暂停领表的原因")
def issue_blocks(request, query: Query[MeterIssueBlocksQuery]):
    require(request.user, READ)
    branch = _branch(query.branch_id)
    require_branch(request.user, branch)
    today = timezone.localdate()
    reasons = selectors.blocking_reasons(branch, today)
    return {
        "branch_id": branch.pk,
        "branch": str(branch),
        "day": today,
        "blocked": bool(reasons),
        "reasons": reasons,
        "issued_today": selectors.issued_on(branch, today),
    }


@router.get("/issue-appointments", response=list[IssueAppointmentOut], summary="批量领表预约")
def list_appointments(request, filters: Query[IssueAppointmentFilters]):
    require(request.user, "meters.view_issueappointment")
    rows = visible(selectors.appointments_for_list(), request.user).order_by("-collect_on", "branch__code")
    if filters.branch_id:
        rows = rows.filter(branch_id=filters.branch_id)
    start = (filters.page - 1) * PER_PAGE
    return [appointment_out(row) for row in rows[start : start + PER_PAGE]]


@router.post("/issue-appointments", response={201: IssueAppointmentOut}, summary="预约批量领表（提前一天）")
def book_appointment(request, payload: IssueAppointmentIn):
    require(request.user, "meters.view_issueappointment")
    appointment = services.book_appointment(
        actor=request.user,
        branch=_branch(payload.branch_id),
        collect_on=payload.collect_on,
        quantity=payload.quantity,
        note=payload.note,
    )
    return Status(201, appointment_out(appointment))


@router.post("/issue-appointments/{int:id}/cancel", response=IssueAppointmentOut, summary="取消领表预约")
def cancel_appointment(request, id: int, payload: IssueAppointmentCancelIn):
    appointment = fetch(
        IssueAppointment,
        request.user,
        id,
        permission="meters.view_issueappointment",
        label="领表预约",
        related=("branch", "booked_by"),
    )
    appointment = services.cancel_appointment(
        actor=request.user, appointment=appointment, reason=payload.reason
    )
    return appointment_out(appointment)
