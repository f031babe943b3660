"""The QA checks API (Q1, Q4): the list (paged, filtered, the same visibility as the desk), a check,
scoring it, the agent's appeal and the QA lead's decision. Same services and permission helpers as the
pages; bad input is a 400 naming the field."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Query, Router, Status
from pydantic import Field

from kefu.core.params import parse_month
from kefu.core.schemas import ObjectId, PageNumber, Schema
from kefu.quality import selectors_checks as selectors
from kefu.quality.models import QaAppeal, QaCheck
from kefu.quality.permissions_checks import get_check_for, require_checks
from kefu.quality.services import appeals as appeal_services
from kefu.quality.services import checks as services
from kefu.quality.services.scorecards import card_items

router = Router(tags=["质检与考核"])
PER_PAGE = 30


class QaItemScoreOut(Schema):
    item_id: int
    code: str
    name: str
    weight: int
    max_score: int
    critical: bool
    score: int | None
    remark: str


class QaRemarkOut(Schema):
    at_second: int
    at: str = Field(..., description="录音位置 mm:ss")
    text: str


class QaAppealOut(Schema):
    id: int
    status: str
    status_label: str
    reason: str
    filed_by: str
    filed_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str
    score_before: Decimal | None
    score_after: Decimal | None


class QaCheckOut(Schema):
    id: int
    number: str
    month: str = Field(..., description="YYYY-MM")
    agent_id: int
    agent: str
    inspector: str | None
    contact_id: int
    contact_number: str
    source: str
    source_label: str
    sample_reason: str
    status: str
    status_label: str
    scorecard: str | None
    pass_mark: int | None
    score: Decimal | None
    passed: bool | None
    critical_failed: bool
    comment: str
    coaching_note: str
    scored_at: datetime | None
    appeal_due: date | None
    finalised_at: datetime | None
    calibration_id: int | None


class QaCheckDetailOut(QaCheckOut):
    items: list[QaItemScoreOut]
    remarks: list[QaRemarkOut]
    appeals: list[QaAppealOut]


class QaCheckPageOut(Schema):
    items: list[QaCheckOut]
    has_next: bool


class QaCheckFilters(Schema):
    month: str = Field("", max_length=10, description="YYYY-MM")
    status: Literal["", "proposed", "scored", "appealed", "final", "dropped"] = ""
    agent: ObjectId | None = Field(None, description="被检人 id")
    inspector: ObjectId | None = Field(None, description="质检员 id")
    q: str = Field("", max_length=50, description="质检编号、被检人姓名、受理编号")
    sort: Literal[
        "", "number", "-number", "agent", "-agent", "score", "-score", "scored", "-scored", "month", "-month"
    ] = ""
    page: PageNumber = 1


class QaItemScoreIn(Schema):
    item: ObjectId = Field(..., description="评分项 id")
    score: int = Field(..., ge=0, le=100, description="0 至该项满分")
    remark: str = Field("", max_length=300)


class QaScoreIn(Schema):
    scores: list[QaItemScoreIn] = Field(..., max_length=30)
    comment: str = Field("", max_length=2000)
    coaching_note: str = Field("", max_length=2000)
    marks: str = Field("", max_length=20000, description="录音备注，每行“分:秒 内容”")


class QaAppealIn(Schema):
    reason: str = Field(..., max_length=2000)


class QaDecisionIn(Schema):
    decision: Literal["uphold", "amend"]
    note: str = Field("", max_length=2000)
    scores: list[QaItemScoreIn] | None = Field(None, max_length=30, description="改评时的各项得分")


def appeal_out(a: QaAppeal) -> dict:
    return {
        "id": a.pk,
        "status": a.status,
        "status_label": a.get_status_display(),
        "reason": a.reason,
        "filed_by": str(a.filed_by),
        "filed_at": a.created_at,
        "decided_by": str(a.decided_by) if a.decided_by_id else None,
        "decided_at": a.decided_at,
        "decision_note": a.decision_note,
        "score_before": a.score_before,
        "score_after": a.score_after,
    }


def check_out(c: QaCheck) -> dict:
    return {
        "id": c.pk,
        "number": c.number,
        "month": f"{c.month:%Y-%m}",
        "agent_id": c.agent_id,
        "agent": str(c.agent),
        "inspector": str(c.inspector) if c.inspector_id else None,
        "contact_id": c.contact_id,
        "contact_number": c.contact.number,
        "source": c.source,
        "source_label": c.get_source_display(),
        "sample_reason": c.sample_reason,
        "status": c.status,
        "status_label": c.get_status_display(),
        "scorecard": str(c.scorecard) if c.scorecard_id else None,
        "pass_mark": c.scorecard.pass_mark if c.scorecard_id else None,
        "score": c.score,
        "passed": c.passed,
        "critical_failed": c.critical_failed,
        "comment": c.comment,
        "coaching_note": c.coaching_note,
        "scored_at": c.scored_at,
        "appeal_due": c.appeal_due,
        "finalised_at": c.finalised_at,
        "calibration_id": c.calibration_id,
    }


def detail_out(c: QaCheck) -> dict:
    scores = selectors.scores_by_item(c)
    items = []
    for item in card_items(c.scorecard) if c.scorecard_id else []:
        row = scores.get(item.pk)
        items.append(
            {
                "item_id": item.pk,
                "code": item.code,
                "name": item.name,
                "weight": item.weight,
                "max_score": item.max_score,
                "critical": item.critical,
                "score": row.score if row else None,
                "remark": row.remark if row else "",
            }
        )
    return {
        **check_out(c),
        "items": items,
        "remarks": [
            {"at_second": m.at_second, "at": services.mm_ss(m.at_second), "text": m.text}
            for m in c.remarks.all()
        ],
        "appeals": [
            appeal_out(a) for a in c.appeals.select_related("filed_by", "decided_by").order_by("created_at")
        ],
    }


def _entries(scores) -> list[dict]:
    return [{"item": s.item, "score": s.score, "remark": s.remark} for s in scores or []]


@router.get("/checks", response=QaCheckPageOut, summary="质检记录（与质检台相同的可见范围）")
def list_checks(request, filters: Query[QaCheckFilters]):
    require_checks(request.user)
    month = None
    if filters.month.strip():
        year, number = parse_month(filters.month)
        month = date(year, number, 1)
    rows = selectors.checks(
        request.user,
        month=month,
        status=filters.status,
        agent_id=filters.agent,
        inspector_id=filters.inspector,
        q=filters.q,
        sort=filters.sort,
    )
    start = (filters.page - 1) * PER_PAGE
    found = list(rows[start : start + PER_PAGE + 1])
    return {"items": [check_out(c) for c in found[:PER_PAGE]], "has_next": len(found) > PER_PAGE}


@router.get("/checks/{int:pk}", response=QaCheckDetailOut, summary="质检记录详情（各项得分、录音备注、申诉）")
def read_check(request, pk: int):
    return detail_out(get_check_for(request.user, pk))


@router.post(
    "/checks/{int:pk}/score", response=QaCheckDetailOut, summary="质检评分（定稿前可修改，原评分留在履历中）"
)
def score_check(request, pk: int, payload: QaScoreIn):
    check = get_check_for(request.user, pk, write=True)
    services.score_check(
        actor=request.user,
        check=check,
        scores=_entries(payload.scores),
        comment=payload.comment,
        coaching_note=payload.coaching_note,
        marks=payload.marks,
    )
    return detail_out(get_check_for(request.user, pk))


@router.post("/checks/{int:pk}/appeal", response={201: QaAppealOut}, summary="被检人对质检结果申诉")
def appeal_check(request, pk: int, payload: QaAppealIn):
    check = get_check_for(request.user, pk)
    appeal = appeal_services.file_appeal(actor=request.user, check=check, reason=payload.reason)
    return Status(201, appeal_out(appeal))


@router.post("/checks/{int:pk}/appeal/decide", response=QaAppealOut, summary="质检组长处理申诉：维持或改评")
def decide_appeal(request, pk: int, payload: QaDecisionIn):
    check = get_check_for(request.user, pk)
    appeal = check.appeals.filter(status=QaAppeal.Status.OPEN).first()
    if appeal is None:
        if not request.user.has_perm("quality.decide_qaappeal"):
            raise PermissionDenied("只有质检组长（或客服部主任）可以处理质检申诉")
        raise ValidationError({"decision": f"质检{check.number}没有待处理的申诉"})
    if payload.decision == "amend" and not payload.scores:
        raise ValidationError({"scores": "改评须给出各项得分"})
    appeal = appeal_services.decide_appeal(
        actor=request.user,
        appeal=appeal,
        decision=payload.decision,
        note=payload.note,
        scores=_entries(payload.scores),
    )
    appeal.refresh_from_db()
    return appeal_out(QaAppeal.objects.select_related("filed_by", "decided_by").get(pk=appeal.pk))
