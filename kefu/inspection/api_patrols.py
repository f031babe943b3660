"""The patrol plans and patrols API (I4): the year's plan with planned and done per area, target type
and month, drafting, bulk edit, spreading a yearly count, the director's approval, the inspectors'
attendance of a month; the patrols (list with the page's filters, one, recording). The same services and
fetch-and-check helpers as the pages; a broken rule is a 400 with its Chinese message, a refusal a 403."""

from datetime import date, datetime, timedelta
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Router, Status
from pydantic import Field

from kefu.accounts.models import ServiceArea, User
from kefu.core.permissions import require
from kefu.core.schemas import Day, ObjectId, PageNumber, Schema
from kefu.inspection import selectors_patrols as selectors
from kefu.inspection.models import Patrol, PatrolPlan
from kefu.inspection.services import patrols as services

router = Router(tags=["供水稽查"])
PER_PAGE = 30
TargetCode = Literal["hydrant", "construction", "public_body", "estate", "factory", "hotel", "market"]


class PatrolCellOut(Schema):
    month: int
    planned: int
    done: int


class PatrolPlanRowOut(Schema):
    area_id: int
    area: str
    target_type: str
    target_label: str
    planned: int
    done: int
    percent: int | None = Field(None, description="全年完成率（%），无计划时为空")
    months: list[PatrolCellOut]


class PatrolPlanOut(Schema):
    id: int
    year: int
    state: str
    state_label: str
    drafted_by: str
    approved_by: str | None
    approved_at: datetime | None
    note: str
    planned: int
    done: int
    rows: list[PatrolPlanRowOut]


def plan_out(plan: PatrolPlan) -> dict:
    grid = selectors.plan_grid(plan.year, plan)
    return {
        "id": plan.pk,
        "year": plan.year,
        "state": plan.state,
        "state_label": plan.get_state_display(),
        "drafted_by": str(plan.drafted_by),
        "approved_by": str(plan.approved_by) if plan.approved_by_id else None,
        "approved_at": plan.approved_at,
        "note": plan.note,
        "planned": grid.planned,
        "done": grid.done,
        "rows": [
            {
                "area_id": block.area.pk,
                "area": str(block.area),
                "target_type": row.target_type,
                "target_label": row.label,
                "planned": row.planned,
                "done": row.done,
                "percent": row.percent,
                "months": [
                    {"month": m, "planned": c.planned, "done": c.done}
                    for m, c in zip(selectors.MONTHS, row.cells, strict=True)
                ],
            }
            for block in grid.areas
            for row in block.rows
        ],
    }


class PatrolPlanQuery(Schema):
    year: int = Field(..., ge=2000, le=2100, description="年度")


@router.get(
    "/patrol-plans", response=PatrolPlanOut, summary="某年度的巡查计划（片区×巡查对象×月份的计划与完成）"
)
def get_plan_of_year(request, filters: Query[PatrolPlanQuery]):
    plan = selectors.plan_of_year(request.user, filters.year)
    if plan is None:
        raise Http404(f"{filters.year}年还没有巡查年度计划")
    return plan_out(plan)


@router.get("/patrol-plans/{int:id}", response=PatrolPlanOut, summary="一份巡查年度计划")
def get_plan(request, id: int):
    return plan_out(selectors.plan_for(request.user, id))


class PatrolPlanLineIn(Schema):
    area_id: ObjectId
    target_type: TargetCode
    month: int = Field(..., strict=True, ge=1, le=12)
    planned: int = Field(..., strict=True, ge=0, le=services.MAX_PLANNED)


class PatrolPlanIn(Schema):
    year: int = Field(..., strict=True, ge=2000, le=2100)
    note: str = Field("", max_length=300)
    lines: list[PatrolPlanLineIn] | None = Field(
        None,
        max_length=5000,
        description="不填则每个启用片区按默认次数（业务规则 inspection.patrol_default_counts）",
    )


def _lines(lines: list[PatrolPlanLineIn]) -> list[services.Line]:
    return [services.Line(line.area_id, line.target_type, line.month, line.planned) for line in lines]


@router.post("/patrol-plans", response={201: PatrolPlanOut}, summary="编制巡查年度计划（每年一份）")
def draft_plan(request, payload: PatrolPlanIn):
    require(request.user, selectors.READ_PLAN)
    plan = services.draft_plan(
        actor=request.user,
        year=payload.year,
        note=payload.note,
        lines=None if payload.lines is None else _lines(payload.lines),
    )
    return Status(201, plan_out(plan))


class PatrolPlanLinesIn(Schema):
    lines: list[PatrolPlanLineIn] = Field(..., min_length=1, max_length=5000)
    note: str = Field("", max_length=300)


@router.post(
    "/patrol-plans/{int:id}/lines",
    response=PatrolPlanOut,
    summary="调整计划次数（批量；已批准的计划调整后须重新批准）",
)
def set_lines(request, id: int, payload: PatrolPlanLinesIn):
    plan = selectors.plan_for(request.user, id)
    return plan_out(
        services.set_lines(actor=request.user, plan=plan, lines=_lines(payload.lines), note=payload.note)
    )


class PatrolPlanSplitIn(Schema):
    area_id: ObjectId
    target_type: TargetCode
    yearly: int = Field(
        ..., ge=0, le=services.MAX_PLANNED * 12, description="全年次数，平均分到12个月，余数从1月起"
    )


def _area(pk: int) -> ServiceArea:
    area = ServiceArea.objects.filter(pk=pk).first()
    if area is None:
        raise ValidationError({"area_id": f"片区{pk}不存在"})
    return area


@router.post("/patrol-plans/{int:id}/split", response=PatrolPlanOut, summary="全年次数按月平均分配")
def split_year(request, id: int, payload: PatrolPlanSplitIn):
    plan = selectors.plan_for(request.user, id)
    area = _area(payload.area_id)
    return plan_out(
        services.split_year(
            actor=request.user, plan=plan, area=area, target_type=payload.target_type, yearly=payload.yearly
        )
    )


@router.post(
    "/patrol-plans/{int:id}/approve",
    response=PatrolPlanOut,
    summary="中心主任批准巡查年度计划（编制人不能批准）",
)
def approve_plan(request, id: int):
    plan = selectors.plan_for(request.user, id)
    return plan_out(services.approve_plan(actor=request.user, plan=plan))


class PatrolAttendanceQuery(Schema):
    year: int = Field(..., ge=2000, le=2100)
    month: int = Field(..., ge=1, le=12)


class PatrolAttendanceRowOut(Schema):
    person_id: int
    person: str
    rostered: int = Field(..., description="应出勤班次（排班及请假）；0为未排班")
    present: int
    on_leave: int
    rate: float | None = Field(None, description="出勤率（%），未排班为空")
    below_target: bool


class PatrolAttendanceOut(Schema):
    year: int
    month: int
    until: date | None
    target: int
    rows: list[PatrolAttendanceRowOut]


@router.get(
    "/patrol-attendance",
    response=PatrolAttendanceOut,
    summary="稽查员某月出勤率（取自排班与考勤，第五条(四)出勤率应达100%）",
)
def patrol_attendance(request, filters: Query[PatrolAttendanceQuery]):
    figures = selectors.attendance(request.user, filters.year, filters.month)
    return {
        "year": figures.year,
        "month": figures.month,
        "until": figures.until,
        "target": figures.target,
        "rows": [
            {
                "person_id": row.person.pk,
                "person": str(row.person),
                "rostered": row.rostered,
                "present": row.present,
                "on_leave": row.on_leave,
                "rate": float(row.rate) if row.rate is not None else None,
                "below_target": row.below,
            }
            for row in figures.rows
        ],
    }


# ---------------------------------------------------------------- patrols


class PatrolOut(Schema):
    id: int
    area_id: int
    area: str
    target_type: str
    target_label: str
    patrolled_on: date
    inspector_ids: list[int]
    inspectors: list[str]
    places: str
    findings: str
    recorded_by: str
    recorded_at: datetime


def patrol_out(patrol: Patrol) -> dict:
    people = list(patrol.inspectors.all())
    return {
        "id": patrol.pk,
        "area_id": patrol.area_id,
        "area": str(patrol.area),
        "target_type": patrol.target_type,
        "target_label": patrol.get_target_type_display(),
        "patrolled_on": patrol.patrolled_on,
        "inspector_ids": [p.pk for p in people],
        "inspectors": [str(p) for p in people],
        "places": patrol.places,
        "findings": patrol.findings,
        "recorded_by": str(patrol.recorded_by),
        "recorded_at": patrol.created_at,
    }


class PatrolListQuery(Schema):
    q: str = Field("", max_length=50)
    area_id: ObjectId | None = None
    target_type: Literal[
        "", "hydrant", "construction", "public_body", "estate", "factory", "hotel", "market"
    ] = ""
    start: Day | None = Field(None, description="巡查日期起（含）")
    end: Day | None = Field(None, description="巡查日期止（含）")
    inspector_id: ObjectId | None = None
    sort: Literal["-patrolled_on", "patrolled_on", "area", "target_type"] = "-patrolled_on"
    page: PageNumber = 1


@router.get("/patrols", response=list[PatrolOut], summary="巡查记录（每页30条）")
def list_patrols(request, filters: Query[PatrolListQuery]):
    rows = selectors.patrols(
        request.user,
        query=filters.q,
        area=filters.area_id,
        target_type=filters.target_type,
        start=filters.start,
        end=filters.end + timedelta(days=1) if filters.end else None,
        inspector=filters.inspector_id,
        order=filters.sort,
    )
    first = (filters.page - 1) * PER_PAGE
    return [patrol_out(p) for p in rows[first : first + PER_PAGE]]


@router.get("/patrols/{int:id}", response=PatrolOut, summary="一次巡查")
def get_patrol(request, id: int):
    return patrol_out(selectors.patrol_for(request.user, id))


class PatrolIn(Schema):
    area_id: ObjectId
    target_type: TargetCode
    patrolled_on: Day
    inspector_ids: list[ObjectId] = Field(
        ..., max_length=20, description="稽查人员（二人以上，均为在岗稽查员）"
    )
    places: str = Field(..., max_length=300)
    findings: str = Field("", max_length=5000)


@router.post("/patrols", response={201: PatrolOut}, summary="登记巡查（二人以上，日期不得晚于今天）")
def record_patrol(request, payload: PatrolIn):
    require(request.user, selectors.READ_PATROL)
    people = list(User.objects.filter(pk__in=payload.inspector_ids))
    missing = sorted(set(payload.inspector_ids) - {p.pk for p in people})
    if missing:
        raise ValidationError({"inspector_ids": "稽查人员不存在：" + "、".join(map(str, missing[:10]))})
    patrol = services.record_patrol(
        actor=request.user,
        area=_area(payload.area_id),
        target_type=payload.target_type,
        patrolled_on=payload.patrolled_on,
        inspectors=people,
        places=payload.places,
        findings=payload.findings,
    )
    return Status(201, patrol_out(patrol))
