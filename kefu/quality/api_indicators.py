"""The 考核指标 API (Q3): a role's month of hard figures and soft scores, and scoring a soft indicator.
Same selectors (who reads which tab, who scores whom) and service as the pages."""

from dataclasses import asdict, is_dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Query, Router, Status
from pydantic import Field

from kefu.accounts.models import User
from kefu.core import periods
from kefu.core.params import parse_month
from kefu.core.permissions import require
from kefu.core.schemas import ObjectId, Schema
from kefu.quality import selectors_indicators as selectors
from kefu.quality.services.indicators import score_soft_indicator

router = Router()


class IndicatorFilters(Schema):
    month: str = Field("", max_length=7, description="月份 YYYY-MM，默认本月（每月前3天默认上月）")
    role: Literal["", "agent", "supervisor", "manager"] = Field(
        "", description="岗位：agent 客服专员，supervisor 客服主管，manager 客服部经理；默认可查看的第一个"
    )
    team: ObjectId | None = Field(None, description="班组 id（客服专员、客服主管）")
    q: str = Field("", max_length=50, description="姓名、账号或工号（部分）")
    sort: str = Field(
        "name",
        max_length=40,
        description="排序：name、指标编码、soft:<软性编码>、soft_average；前加 - 倒序",
    )


class IndicatorCellOut(Schema):
    code: str
    name: str
    text: str = Field(..., description="页面显示的值")
    value: float | None = Field(None, description="该列排序所用的数值")


class IndicatorSoftScoreOut(Schema):
    code: str
    name: str
    score: int | None
    scored_by: str | None
    note: str


class IndicatorRowOut(Schema):
    person_id: int
    name: str
    employee_no: str | None
    role: str
    role_label: str
    team: str | None
    hard: list[IndicatorCellOut]
    figures: dict[str, float | int | str | bool | None] = Field(..., description="硬性指标的各项原始计数")
    soft: list[IndicatorSoftScoreOut]
    soft_average: float | None
    may_score: bool = Field(..., description="当前用户可否为其评分")


class IndicatorTableOut(Schema):
    month: str
    role: str
    role_label: str
    rows: list[IndicatorRowOut]


class IndicatorSoftIn(Schema):
    person: ObjectId = Field(..., description="被评人 id")
    month: str = Field(..., max_length=7, description="月份 YYYY-MM")
    indicator: str = Field(..., max_length=40, description="软性指标编码（见 GET 的 soft[].code）")
    score: int = Field(..., ge=0, le=100, description="得分，百分制 0–100 的整数")
    note: str = Field("", max_length=300)


class IndicatorScoreOut(Schema):
    id: int
    person_id: int
    month: str
    indicator: str
    score: int
    note: str
    scored_by: str
    created: bool = Field(..., description="首次评分")
    changed: bool = Field(..., description="有改动（同一分数重复提交为 false，不重复记录）")


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def figures_out(figures) -> dict:
    """The raw counts behind a row's cells, with the rates the page shows."""
    if figures is None:
        return {}
    if isinstance(figures, selectors.TeamFigures):
        out = figures_out(figures.people)
        out |= {
            "difficult": figures.difficult,
            "difficult_solved": figures.difficult_solved,
            "difficult_rate": figures.difficult_rate,
            "sheets": figures.sheets,
            "sheet_average": figures.sheet_average,
        }
        return out
    out = {k: _plain(v) for k, v in asdict(figures).items()} if is_dataclass(figures) else {}
    for name in (
        "solved_rate",
        "in_time_rate",
        "handling_seconds",
        "satisfaction",
        "attendance_rate",
        "qa_average",
        "orders_rate",
        "callbacks_rate",
        "appraisal_locked",
    ):
        if hasattr(figures, name):
            out[name] = getattr(figures, name)
    return out


def _month(text: str) -> periods.Period:
    if not text.strip():
        return periods.default_month()
    return periods.month(*parse_month(text))


@router.get("/indicators", response=IndicatorTableOut, summary="考核指标：某岗位当月的硬性指标与软性指标评分")
def list_indicators(request, filters: Query[IndicatorFilters]):
    require(request.user, selectors.VIEW)
    period = _month(filters.month)
    role = filters.role
    if not role:
        readable = selectors.readable_roles(request.user)
        if not readable:
            raise PermissionDenied("您的角色不能查看考核指标")
        role = readable[0]
    table = selectors.indicator_table(
        request.user, role=role, period=period, team_id=filters.team, sort=filters.sort, q=filters.q.strip()
    )
    names = {i.code: i.name for i in table.entry.hard}
    return {
        "month": f"{period.start:%Y-%m}",
        "role": role,
        "role_label": table.entry.label,
        "rows": [
            {
                "person_id": row.person.pk,
                "name": str(row.person),
                "employee_no": row.person.employee_no,
                "role": row.person.role,
                "role_label": row.person.role_label,
                "team": row.person.team.name if row.person.team_id else None,
                "hard": [
                    {"code": c.code, "name": names[c.code], "text": c.text, "value": c.value}
                    for c in row.cells
                ],
                "figures": figures_out(row.figures),
                "soft": [
                    {
                        "code": code,
                        "name": name,
                        "score": score.score if score else None,
                        "scored_by": str(score.scored_by) if score else None,
                        "note": score.note if score else "",
                    }
                    for code, name, score in row.soft_cells
                ],
                "soft_average": row.soft_average,
                "may_score": row.may_score,
            }
            for row in table.rows
        ],
    }


@router.post(
    "/indicators/soft",
    response={200: IndicatorScoreOut, 201: IndicatorScoreOut},
    summary="软性指标评分（同一指标再次评分为改评，保留历史）",
)
def score_indicator(request, payload: IndicatorSoftIn):
    require(request.user, selectors.VIEW, selectors.SCORE)
    year, month = parse_month(payload.month)
    person = User.objects.filter(pk=payload.person).first()
    if person is None:
        raise ValidationError({"person": f"被评人不存在：{payload.person}"})
    result = score_soft_indicator(
        actor=request.user,
        person=person,
        month=date(year, month, 1),
        indicator=payload.indicator.strip(),
        score=payload.score,
        note=payload.note,
    )
    s = result.score
    body = {
        "id": s.pk,
        "person_id": s.person_id,
        "month": f"{s.month:%Y-%m}",
        "indicator": s.indicator,
        "score": s.score,
        "note": s.note,
        "scored_by": str(s.scored_by),
        "created": result.created,
        "changed": result.changed,
    }
    return Status(201 if result.created else 200, body)
