"""Roster plan API (S5): generate a plan (CP-SAT), read it with the solver's figures and the checker's
result, publish it, discard it. The same services, permission helpers and refusals as the pages."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from ninja import Query, Router, Status
from pydantic import Field

from kefu.accounts.models import Team
from kefu.core.permissions import require
from kefu.core.schemas import Day, PageNumber, Schema
from kefu.workforce.models import RosterPlan
from kefu.workforce.permissions_plans import get_plan_for, get_plan_to_discard, get_plan_to_publish
from kefu.workforce.selectors_plans import plan_entries, visible_to
from kefu.workforce.services import plans as services

router = Router(tags=["自动排班"])

PER_PAGE = 30


class PlanIn(Schema):
    first_day: Day = Field(..., description="起始日期（晚于今天）")
    weeks: int = Field(4, ge=1, le=6, description="周数，1至6")
    team: str = Field("", description="班组编码；空为全部班组")
    time_limit_s: int | None = Field(
        None, ge=1, le=600, description="求解时限（秒）；缺省为规则 workforce.solver_seconds"
    )


class DiscardIn(Schema):
    note: str = Field("", max_length=200)


class PlanEntryOut(Schema):
    person: str
    person_username: str
    day: date
    shift: str
    starts_at: datetime
    ends_at: datetime
    status: str


class PlanOut(Schema):
    id: int
    first_day: date
    days: int
    team: str
    status: str
    status_label: str
    solver_status: str = Field(..., description="OPTIMAL、FEASIBLE、INFEASIBLE 或 UNKNOWN（时限内未找到解）")
    solver_status_label: str
    objective: float | None
    best_bound: float | None
    gap: float | None = Field(..., description="（目标值−下界）÷ max(1, |目标值|)；0 为已证明最优")
    solve_seconds: float | None
    understaffed_half_hours: int
    under_total: int = Field(..., description="缺员合计（人·半小时）")
    over_total: int = Field(..., description="超配合计（人·半小时）")
    breaches: int = Field(..., description="独立排班检查发现的个人违规数（应为0）")
    breach_messages: list[str]
    coverage_flags: int
    created_by: str
    created_at: datetime
    published_by: str | None
    published_at: datetime | None


class PlanDetailOut(PlanOut):
    requirement: list[int]
    under: list[int]
    over: list[int]
    nights: dict[str, int]
    holiday_shifts: dict[str, int]
    entries: list[PlanEntryOut]


class PlanFilters(Schema):
    status: str = ""
    page: PageNumber = 1


def out(plan: RosterPlan) -> dict:
    summary = plan.summary or {}
    return {
        "id": plan.pk,
        "first_day": plan.first_day,
        "days": plan.days,
        "team": summary.get("team", ""),
        "status": plan.status,
        "status_label": plan.get_status_display(),
        "solver_status": plan.solver_status,
        "solver_status_label": services.status_label(plan),
        "objective": plan.objective,
        "best_bound": plan.best_bound,
        "gap": plan.gap,
        "solve_seconds": plan.solve_seconds,
        "understaffed_half_hours": sum(1 for n in summary.get("under", []) if n),
        "under_total": summary.get("under_total", 0),
        "over_total": summary.get("over_total", 0),
        "breaches": summary.get("breaches", 0),
        "breach_messages": summary.get("breach_messages", []),
        "coverage_flags": summary.get("coverage_flags", 0),
        "created_by": str(plan.created_by),
        "created_at": plan.created_at,
        "published_by": str(plan.published_by) if plan.published_by_id else None,
        "published_at": plan.published_at,
    }


def detail(plan: RosterPlan) -> dict:
    summary = plan.summary or {}
    entries = []
    for entry in plan_entries(plan).select_related("person"):
        entries.append(
            {
                "person": str(entry.person),
                "person_username": entry.person.username,
                "day": entry.day,
                "shift": entry.shift.code,
                "starts_at": entry.starts_at,
                "ends_at": entry.ends_at,
                "status": entry.status,
            }
        )
    return {
        **out(plan),
        "requirement": plan.requirement or [],
        "under": summary.get("under", []),
        "over": summary.get("over", []),
        "nights": summary.get("nights", {}),
        "holiday_shifts": summary.get("holiday_shifts", {}),
        "entries": entries,
    }


@router.get("/roster-plans", response=list[PlanOut], summary="排班方案列表（新生成的在前）")
def list_plans(request, filters: Query[PlanFilters]):
    require(request.user, "workforce.view_rosterplan")
    rows = visible_to(request.user)
    if filters.status:
        if filters.status not in RosterPlan.Status.values:
            raise ValidationError({"status": f"状态应为 {'、'.join(RosterPlan.Status.values)} 之一"})
        rows = rows.filter(status=filters.status)
    start = (filters.page - 1) * PER_PAGE
    return [out(plan) for plan in rows[start : start + PER_PAGE]]


@router.post(
    "/roster-plans",
    response={201: PlanDetailOut},
    summary="生成排班方案（CP-SAT 求解，耗时最长为求解时限）",
)
def create_plan(request, payload: PlanIn):
    require(request.user, "workforce.view_rosterplan", "workforce.add_rosterplan")
    team = None
    if payload.team:
        team = Team.objects.filter(code=payload.team.strip(), active=True).first()
        if team is None:
            raise ValidationError({"team": f"班组编码不存在：{payload.team}"})
    plan = services.generate_plan(
        actor=request.user,
        first_day=payload.first_day,
        days=7 * payload.weeks,
        team=team,
        time_limit_s=payload.time_limit_s,
    )
    return Status(201, detail(get_plan_for(request.user, plan.pk)))


@router.get(
    "/roster-plans/{int:pk}", response=PlanDetailOut, summary="排班方案：求解结果、各时段缺员与超配、方案排班"
)
def read_plan(request, pk: int):
    return detail(get_plan_for(request.user, pk))


@router.post("/roster-plans/{int:pk}/publish", response=PlanOut, summary="发布排班方案（排入排班表）")
def publish_plan(request, pk: int):
    plan = services.publish_plan(actor=request.user, plan=get_plan_to_publish(request.user, pk))
    return out(get_plan_for(request.user, plan.pk))


@router.post("/roster-plans/{int:pk}/discard", response=PlanOut, summary="放弃排班方案")
def discard_plan(request, pk: int, payload: DiscardIn):
    plan = get_plan_to_discard(request.user, pk)
    services.discard_plan(actor=request.user, plan=plan, note=payload.note)
    return out(get_plan_for(request.user, plan.pk))
