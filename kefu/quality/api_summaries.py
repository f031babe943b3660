"""The weekly summaries API (Q1, 002 质检员的职责5): list, read, the week's figures, write (one per
inspector and week: written again, the draft is brought up to date), submit to the department head,
and the head's reading. The same services and fetch-and-check helpers as the pages."""

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Query, Router, Status
from pydantic import Field

from kefu.accounts.models import User
from kefu.core.permissions import require
from kefu.core.schemas import Day, ObjectId, PageNumber, Schema
from kefu.quality import selectors_summaries as selectors
from kefu.quality.models import WeeklySummary
from kefu.quality.services import summaries as services

router = Router(tags=["质检与考核"])
PER_PAGE = 30


class QaSummaryQuery(Schema):
    q: str = Field("", max_length=50)
    status: Literal["", "draft", "submitted", "read"] = ""
    sort: Literal["-week_start", "week_start", "author"] = "-week_start"
    page: PageNumber = 1


class QaSummaryItemOut(Schema):
    name: str
    average: float = Field(..., description="平均得分率（%）")
    low: int = Field(..., description="低于满分60%的次数")


class QaSummaryFiguresOut(Schema):
    week_start: date
    scored: int
    average: float | None
    failed: int
    critical: int
    appeals: int
    appeals_open: int
    items: list[QaSummaryItemOut]
    most_low: list[str]


class QaSummaryOut(Schema):
    id: int
    week_start: date
    author_id: int
    author: str
    status: str
    status_label: str
    common_problems: str
    analysis: str
    training_plan: str
    training_scope: str
    trainee_ids: list[int]
    submitted_at: datetime | None
    read_by: str | None
    read_at: datetime | None
    head_comment: str
    figures: QaSummaryFiguresOut


def _figures(figures) -> dict:
    return {
        "week_start": figures.week_start,
        "scored": figures.scored,
        "average": float(figures.average) if figures.average is not None else None,
        "failed": figures.failed,
        "critical": figures.critical,
        "appeals": figures.appeals,
        "appeals_open": figures.appeals_open,
        "items": [{"name": i.name, "average": i.average, "low": i.low} for i in figures.items],
        "most_low": [i.name for i in figures.most_low],
    }


def summary_out(summary: WeeklySummary) -> dict:
    return {
        "id": summary.pk,
        "week_start": summary.week_start,
        "author_id": summary.author_id,
        "author": str(summary.author),
        "status": summary.status,
        "status_label": summary.get_status_display(),
        "common_problems": summary.common_problems,
        "analysis": summary.analysis,
        "training_plan": summary.training_plan,
        "training_scope": summary.training_scope,
        "trainee_ids": sorted(summary.trainees.values_list("pk", flat=True)),
        "submitted_at": summary.submitted_at,
        "read_by": str(summary.read_by) if summary.read_by_id else None,
        "read_at": summary.read_at,
        "head_comment": summary.head_comment,
        "figures": _figures(selectors.week_figures(week_start=summary.week_start, inspector=summary.author)),
    }


@router.get(
    "/summaries",
    response=list[QaSummaryOut],
    summary="质检周小结（本人的；可查看全部质检者看已提交的全部）",
)
def list_summaries(request, filters: Query[QaSummaryQuery]):
    rows = selectors.summaries(request.user, query=filters.q, status=filters.status, order=filters.sort)
    start = (filters.page - 1) * PER_PAGE
    return [summary_out(s) for s in rows[start : start + PER_PAGE]]


class QaSummaryWeekQuery(Schema):
    week: Day | None = Field(None, description="该周任一天；不填为本周")


@router.get(
    "/summaries/figures", response=QaSummaryFiguresOut, summary="本人某周评分的质检数字（周小结预填）"
)
def week_figures(request, filters: Query[QaSummaryWeekQuery]):
    require(request.user, selectors.READ, services.WRITE)
    from django.utils import timezone

    week = services.monday_of(filters.week or timezone.localdate())
    return _figures(selectors.week_figures(week_start=week, inspector=request.user))


@router.get("/summaries/{int:id}", response=QaSummaryOut, summary="一份质检周小结")
def get_summary(request, id: int):
    return summary_out(selectors.summary_for(request.user, id))


class QaSummaryIn(Schema):
    week_start: Day = Field(..., description="该周任一天（按所在周的周一登记）")
    common_problems: str = Field(..., max_length=5000)
    analysis: str = Field("", max_length=5000)
    training_plan: str = Field(..., max_length=5000)
    training_scope: Literal["all", "individual"] = "all"
    trainee_ids: list[ObjectId] = Field(default_factory=list, max_length=200)
    submit: bool = Field(False, description="保存后即提交客服部主任")


def _trainees(ids: list[int]) -> list[User]:
    people = list(User.objects.filter(pk__in=ids, is_active=True))
    missing = sorted(set(ids) - {p.pk for p in people})
    if missing:
        raise ValidationError({"trainee_ids": f"培训对象不存在：{'、'.join(map(str, missing[:10]))}"})
    return people


@router.post(
    "/summaries",
    response={200: QaSummaryOut, 201: QaSummaryOut},
    summary="编写（或更新本人该周草稿）质检周小结",
)
def write_summary(request, payload: QaSummaryIn):
    require(request.user, selectors.READ, services.WRITE)
    monday = services.monday_of(payload.week_start)
    existed = WeeklySummary.objects.filter(week_start=monday, author=request.user).exists()
    summary = services.write_summary(
        actor=request.user,
        week_start=payload.week_start,
        common_problems=payload.common_problems,
        analysis=payload.analysis,
        training_plan=payload.training_plan,
        training_scope=payload.training_scope,
        trainees=_trainees(payload.trainee_ids),
    )
    if payload.submit:
        summary = services.submit_summary(actor=request.user, summary=summary)
    return Status(200 if existed else 201, summary_out(summary))


@router.post("/summaries/{int:id}/submit", response=QaSummaryOut, summary="提交客服部主任（重复提交不重复）")
def submit_summary(request, id: int):
    summary = selectors.summary_for_author(request.user, id)
    return summary_out(services.submit_summary(actor=request.user, summary=summary))


class QaSummaryReadIn(Schema):
    head_comment: str = Field("", max_length=5000)


@router.post("/summaries/{int:id}/read", response=QaSummaryOut, summary="客服部主任阅示（重复阅示不重复）")
def read_summary(request, id: int, payload: QaSummaryReadIn):
    summary = selectors.summary_for(request.user, id)
    return summary_out(services.mark_read(actor=request.user, summary=summary, comment=payload.head_comment))
