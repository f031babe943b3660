"""The monthly close's API (Q2, Q4): the months, a month's sheets, opening and drafting a month, the
workflow (submit → review or return → approve and lock), and appeals on sheets (filed by the sheet's
person, decided by the department head). The same services, fetch helpers and Chinese refusals as the
pages."""

from datetime import date, datetime
from typing import Literal

from django.core.paginator import Paginator
from ninja import Query, Router, Status
from pydantic import Field

from kefu.core.params import parse_month
from kefu.core.permissions import require
from kefu.core.schemas import PageNumber, Schema
from kefu.quality import selectors_months as selectors
from kefu.quality.models import AppraisalMonth, SheetAppeal
from kefu.quality.services import months as services
from kefu.quality.services import sheet_appeals as appeal_services

router = Router()
PER_PAGE = 50


class AppraisalMonthOut(Schema):
    id: int
    month: str = Field(..., description="YYYY-MM")
    status: str
    stage: Literal["drafting", "submitted", "reviewed", "locked"]
    stage_label: str
    drafted_by: str | None
    drafted_at: datetime | None = Field(None, description="报主管审核时间")
    reviewed_by: str | None
    reviewed_at: datetime | None
    approved_by: str | None
    approved_at: datetime | None
    appeal_due: date | None = Field(None, description="员工考核申诉截止日（锁定后）")
    sheets: int
    grades: dict[str, int] = Field(..., description="各绩效等级人数，none 为无等级（低于60分）")
    flags: int = Field(..., description="解除合同提示人数")
    open_appeals: int


def month_out(m: AppraisalMonth) -> dict:
    counts = getattr(m, "sheet_count", None)
    if counts is None:
        m = selectors.months().get(pk=m.pk)
    stage = services.stage(m)
    return {
        "id": m.pk,
        "month": f"{m.month:%Y-%m}",
        "status": m.status,
        "stage": stage,
        "stage_label": services.STAGE_LABELS[stage],
        "drafted_by": str(m.drafted_by) if m.drafted_by_id else None,
        "drafted_at": m.drafted_at,
        "reviewed_by": str(m.reviewed_by) if m.reviewed_by_id else None,
        "reviewed_at": m.reviewed_at,
        "approved_by": str(m.approved_by) if m.approved_by_id else None,
        "approved_at": m.approved_at,
        "appeal_due": services.appeal_due(m),
        "sheets": m.sheet_count,
        "grades": {g or "none": getattr(m, f"grade_{g or 'none'}") for g in selectors.GRADES},
        "flags": m.flag_count,
        "open_appeals": m.open_appeals,
    }


class AppraisalMonthListQuery(Schema):
    page: PageNumber = 1


@router.get("/months", response=list[AppraisalMonthOut], summary="月度考核（状态与各等级人数）")
def list_months(request, filters: Query[AppraisalMonthListQuery]):
    require(request.user, selectors.READ_MONTH)
    page = Paginator(selectors.months(), PER_PAGE).get_page(filters.page)
    if filters.page > page.paginator.num_pages:
        return []
    return [month_out(m) for m in page.object_list]


@router.get("/months/{int:pk}", response=AppraisalMonthOut, summary="月度考核")
def read_month(request, pk: int):
    return month_out(selectors.fetch_month(request.user, pk))


class AppraisalMonthSheetsQuery(Schema):
    q: str = Field("", max_length=50, description="工号或姓名")
    grade: Literal["", "A", "B", "C", "D", "E", "none"] = ""
    flagged: bool = False
    sort: Literal[
        "no", "-no", "name", "-name", "team", "-team", "score", "-score", "pay", "-pay", "rank", "-rank"
    ] = "no"
    page: PageNumber = 1


class AppraisalMonthSheetOut(Schema):
    id: int
    person_id: int
    employee_no: str | None
    name: str
    team: str | None
    score: int
    grade: str | None = Field(None, description="无等级（低于60分）为 null")
    pay_delta: int = Field(..., description="工资浮动（元）")
    rank_in_team: int | None
    termination_flag: bool
    termination_reasons: list[str]
    appeals: int
    open_appeals: int


@router.get(
    "/months/{int:pk}/sheets",
    response=list[AppraisalMonthSheetOut],
    summary="月度考核的考核表（员工只见本人）",
)
def month_sheets(request, pk: int, filters: Query[AppraisalMonthSheetsQuery]):
    appraisal_month = selectors.fetch_month(request.user, pk)
    rows = selectors.month_sheets(
        appraisal_month,
        request.user,
        q=filters.q,
        grade=filters.grade,
        flagged=filters.flagged,
        sort=filters.sort,
    )
    start = (filters.page - 1) * PER_PAGE
    return [
        {
            "id": s.pk,
            "person_id": s.person_id,
            "employee_no": s.person.employee_no,
            "name": str(s.person),
            "team": s.team.name if s.team_id else None,
            "score": s.score,
            "grade": s.grade or None,
            "pay_delta": s.pay_delta,
            "rank_in_team": s.rank_in_team,
            "termination_flag": s.termination_flag,
            "termination_reasons": [str(r) for r in s.termination_reasons or []],
            "appeals": s.appeal_count,
            "open_appeals": s.open_appeal_count,
        }
        for s in rows[start : start + PER_PAGE]
    ]


class AppraisalMonthOpenIn(Schema):
    month: str = Field(..., max_length=20, description="YYYY-MM")


@router.post(
    "/months",
    response={200: AppraisalMonthOut, 201: AppraisalMonthOut},
    summary="开始编制月度考核（培训专员）",
)
def open_month(request, payload: AppraisalMonthOpenIn):
    require(request.user, selectors.READ_MONTH, services.DRAFT)
    year, month = parse_month(payload.month)
    existed = AppraisalMonth.objects.filter(month=date(year, month, 1)).exists()
    appraisal_month = services.open_month(month=date(year, month, 1), actor=request.user)
    return Status(200 if existed else 201, month_out(appraisal_month))


def _step(request, pk, run):
    appraisal_month = selectors.fetch_month(request.user, pk)
    run(appraisal_month)
    return month_out(appraisal_month)


@router.post("/months/{int:pk}/draft", response=AppraisalMonthOut, summary="从记录取数生成全部考核表并排名")
def draft_month(request, pk: int):
    require(request.user, services.DRAFT)
    return _step(request, pk, lambda m: services.draft_all(appraisal_month=m, actor=request.user))


@router.post("/months/{int:pk}/submit", response=AppraisalMonthOut, summary="编制完成，报主管审核")
def submit_month(request, pk: int):
    require(request.user, services.DRAFT)
    return _step(request, pk, lambda m: services.submit(appraisal_month=m, actor=request.user))


class AppraisalMonthReviewIn(Schema):
    note: str = Field("", max_length=300)


@router.post(
    "/months/{int:pk}/review", response=AppraisalMonthOut, summary="主管审核通过（审核人不能是编制人）"
)
def review_month(request, pk: int, payload: AppraisalMonthReviewIn):
    require(request.user, services.REVIEW)
    return _step(
        request, pk, lambda m: services.review(appraisal_month=m, actor=request.user, note=payload.note)
    )


class AppraisalMonthReturnIn(Schema):
    reason: str = Field(..., max_length=500)


@router.post("/months/{int:pk}/return", response=AppraisalMonthOut, summary="退回培训专员修改（须写明理由）")
def return_month(request, pk: int, payload: AppraisalMonthReturnIn):
    require(request.user, selectors.READ_MONTH)
    return _step(
        request,
        pk,
        lambda m: services.return_month(appraisal_month=m, actor=request.user, reason=payload.reason),
    )


@router.post("/months/{int:pk}/approve", response=AppraisalMonthOut, summary="客服部主任批准并锁定")
def approve_month(request, pk: int):
    require(request.user, services.APPROVE)
    return _step(request, pk, lambda m: services.approve(appraisal_month=m, actor=request.user))


class SheetAppealOut(Schema):
    id: int
    sheet_id: int
    person: str
    month: str
    reason: str
    status: str
    status_label: str
    filed_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str
    score: int = Field(..., description="考核表当前考核分")
    grade: str | None
    pay_delta: int


def appeal_out(appeal: SheetAppeal) -> dict:
    sheet = appeal.sheet
    sheet.refresh_from_db(fields=["score", "grade", "pay_delta"])
    return {
        "id": appeal.pk,
        "sheet_id": sheet.pk,
        "person": str(sheet.person),
        "month": f"{sheet.appraisal_month.month:%Y-%m}",
        "reason": appeal.reason,
        "status": appeal.status,
        "status_label": appeal.get_status_display(),
        "filed_at": appeal.created_at,
        "decided_by": str(appeal.decided_by) if appeal.decided_by_id else None,
        "decided_at": appeal.decided_at,
        "decision_note": appeal.decision_note,
        "score": sheet.score,
        "grade": sheet.grade or None,
        "pay_delta": sheet.pay_delta,
    }


class SheetAppealIn(Schema):
    reason: str = Field(..., max_length=appeal_services.MAX_REASON)


@router.post("/sheets/{int:pk}/appeals", response={201: SheetAppealOut}, summary="对本人考核表提出申诉")
def file_appeal(request, pk: int, payload: SheetAppealIn):
    sheet = selectors.fetch_sheet(request.user, pk)
    appeal = appeal_services.file_appeal(sheet=sheet, actor=request.user, reason=payload.reason)
    return Status(201, appeal_out(selectors.fetch_appeal(request.user, appeal.pk)))


class SheetAppealLineIn(Schema):
    item: int = Field(..., ge=1, le=2_147_483_647, description="考核项目 id")
    points: int = Field(..., ge=0, le=100)
    note: str = Field("", max_length=300)


class SheetAppealDecisionIn(Schema):
    outcome: Literal["upheld", "amended"]
    note: str = Field(..., max_length=2000)
    void_lines: list[int] = Field(default_factory=list, max_length=100, description="作废的考核明细 id")
    add_lines: list[SheetAppealLineIn] = Field(default_factory=list, max_length=20)


@router.post("/sheet-appeals/{int:pk}/decision", response=SheetAppealOut, summary="处理考核申诉：维持或更正")
def decide_appeal(request, pk: int, payload: SheetAppealDecisionIn):
    appeal = selectors.fetch_appeal(request.user, pk)
    require(request.user, appeal_services.DECIDE)
    appeal = appeal_services.decide_appeal(
        appeal=appeal,
        actor=request.user,
        outcome=payload.outcome,
        note=payload.note,
        void_lines=[pk for pk in payload.void_lines if 0 < pk < 2_147_483_647],
        add_lines=[line.dict() for line in payload.add_lines],
    )
    return appeal_out(selectors.fetch_appeal(request.user, appeal.pk))
