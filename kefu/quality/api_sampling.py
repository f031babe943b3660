"""The sampling and roll-up API (Q1): propose the month's checks, and read the monthly roll-up per agent
and team. The same services, permission rules and Chinese refusals as the pages."""

from datetime import date

from django.urls import reverse
from ninja import Query, Router
from pydantic import Field

from kefu.core.permissions import require
from kefu.core.schemas import Schema
from kefu.quality import selectors_rollup as rollup
from kefu.quality import selectors_sampling as selectors
from kefu.quality.services import sampling as services

router = Router(tags=["质检与考核"])


class QaSamplingProposeIn(Schema):
    month: str = Field(..., max_length=7, description="月份 YYYY-MM")


class QaSamplingCheckOut(Schema):
    id: int
    number: str
    agent_id: int
    agent: str
    contact: str
    sample_reason: str
    url: str


class QaSamplingAgentOut(Schema):
    agent_id: int
    agent: str
    contacts: int = Field(..., description="本月受理量")
    existing: int = Field(..., description="抽样前已有的质检（不含放弃与校准）")
    quota: int = Field(..., description="本月应抽次数")
    new_staff: bool


class QaSamplingOut(Schema):
    month: str
    proposed: list[QaSamplingCheckOut]
    agents: list[QaSamplingAgentOut]


@router.post(
    "/sampling/propose",
    response=QaSamplingOut,
    summary="按规则抽样本月待质检记录（重复调用不重复抽样）",
)
def propose(request, payload: QaSamplingProposeIn):
    require(request.user, "quality.view_qacheck", selectors.READ, "quality.add_qacheck")
    month = selectors.month_from(payload.month)
    result = services.propose_month(month=month, actor=request.user)
    return {
        "month": f"{result.month:%Y-%m}",
        "proposed": [
            {
                "id": check.pk,
                "number": check.number,
                "agent_id": check.agent_id,
                "agent": str(check.agent),
                "contact": check.contact.number,
                "sample_reason": check.sample_reason,
                "url": reverse("quality:check", args=[check.pk]),
            }
            for check in result.proposed
        ],
        "agents": [
            {
                "agent_id": plan.agent.pk,
                "agent": str(plan.agent),
                "contacts": plan.contacts,
                "existing": plan.existing,
                "quota": plan.quota,
                "new_staff": plan.new_staff,
            }
            for plan in result.plans
        ],
    }


class QaRollupQuery(Schema):
    month: str = Field(..., max_length=7, description="月份 YYYY-MM")


class QaRollupWeakItemOut(Schema):
    item: str
    share: float = Field(..., description="平均得分率（%）")


class QaRollupRowOut(Schema):
    agent_id: int | None
    employee_no: str | None
    label: str
    team: str | None
    agents: int
    contacts: int
    scored: int = Field(..., description="已评分的质检（含申诉中、已定稿）")
    pending: int = Field(..., description="待质检")
    minimum: int
    target: int
    average: float | None
    pass_rate: float | None = Field(..., description="合格率（%）")
    critical: int
    appeals: int
    appeals_open: int
    appeals_upheld: int
    appeals_amended: int
    weakest: list[QaRollupWeakItemOut]


class QaRollupOut(Schema):
    month: str
    team: str | None = Field(..., description="班长只看本班组")
    note: str
    agents: list[QaRollupRowOut]
    teams: list[QaRollupRowOut]


def _row(row) -> dict:
    return {
        "agent_id": row.agent.pk if row.agent else None,
        "employee_no": row.agent.employee_no if row.agent else None,
        "label": row.label,
        "team": str(row.team) if row.team else None,
        "agents": row.agents,
        "contacts": row.contacts,
        "scored": row.scored,
        "pending": row.pending,
        "minimum": row.minimum,
        "target": row.target,
        "average": float(row.average) if row.average is not None else None,
        "pass_rate": float(row.pass_rate) if row.pass_rate is not None else None,
        "critical": row.critical,
        "appeals": row.appeals,
        "appeals_open": row.appeals_open,
        "appeals_upheld": row.appeals_upheld,
        "appeals_amended": row.appeals_amended,
        "weakest": [{"item": name, "share": share} for name, share in row.weakest],
    }


@router.get("/rollup", response=QaRollupOut, summary="质检月汇总（按人员、按班组）")
def month_rollup(request, filters: Query[QaRollupQuery]):
    team = rollup.rollup_team_scope(request.user)
    month: date = selectors.month_from(filters.month)
    rows = rollup.month_rollup(month=month, team=team)
    return {
        "month": f"{month:%Y-%m}",
        "team": str(team) if team else None,
        "note": rollup.rollup_due_note(month),
        "agents": [_row(row) for row in rows],
        "teams": [_row(row) for row in rollup.team_rows(rows)],
    }
