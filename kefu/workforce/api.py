"""Handover API (H13): list, write and confirm handovers; who is on duty now."""

from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Query, Router, Status
from pydantic import Field

from kefu.accounts.models import Team, User
from kefu.core.permissions import require
from kefu.core.policies import policy
from kefu.core.schemas import Day, Moment, PageNumber, Schema
from kefu.workforce import selectors, services, staffing
from kefu.workforce.models import Handover
from kefu.workforce.permissions import get_handover_for

router = Router(tags=["交接班"])

PER_PAGE = 30


class HandoverOut(Schema):
    id: int
    team: str
    team_code: str
    handed_over_by: str
    received_by: str | None
    shift_started_at: datetime
    handed_over_at: datetime
    received_at: datetime | None
    pending: bool
    equipment_state: str
    open_cases: str
    staffing_changes: str
    notes: str


class HandoverFilters(Schema):
    team: str = ""
    date: Day | None = None
    pending: bool | None = None
    page: PageNumber = 1


class HandoverIn(Schema):
    team: str
    shift_started_at: Moment
    handed_over_at: Moment | None = None
    received_by: str = ""
    equipment_state: str = ""
    open_cases: str = ""
    staffing_changes: str = ""
    notes: str = ""


class ReceiveIn(Schema):
    note: str = ""


class MemberOut(Schema):
    username: str
    name: str
    role: str
    shift: str = ""


class OnDutyOut(Schema):
    team: str
    team_code: str
    shift_start: str
    shift_end: str
    started_at: datetime
    members: list[MemberOut]


def out(h: Handover) -> dict:
    return {
        "id": h.pk,
        "team": h.team.name,
        "team_code": h.team.code,
        "handed_over_by": str(h.handed_over_by),
        "received_by": str(h.received_by) if h.received_by_id else None,
        "shift_started_at": h.shift_started_at,
        "handed_over_at": h.handed_over_at,
        "received_at": h.received_at,
        "pending": h.pending,
        "equipment_state": h.equipment_state,
        "open_cases": h.open_cases,
        "staffing_changes": h.staffing_changes,
        "notes": h.notes,
    }


def _team(code: str, *, field: str = "team") -> Team:
    team = Team.objects.filter(code=code.strip()).first() if code else None
    if team is None:
        raise ValidationError({field: f"班组编码不存在：{code}" if code else "请填写班组编码"})
    return team


@router.get("/handovers", response=list[HandoverOut], summary="交接班记录（待确认的在前）")
def list_handovers(request, filters: Query[HandoverFilters]):
    require(request.user, "workforce.view_handover")
    if not 1 <= filters.page <= 500:
        raise ValidationError({"page": "页码应为1至500之间的整数"})
    rows = selectors.handovers(team=_team(filters.team) if filters.team else None, day=filters.date)
    if filters.pending is not None:
        rows = rows.filter(received_at__isnull=filters.pending)
    start = (filters.page - 1) * PER_PAGE
    return [out(h) for h in rows[start : start + PER_PAGE]]


@router.get("/handovers/{int:pk}", response=HandoverOut, summary="交接班记录")
def read_handover(request, pk: int):
    return out(get_handover_for(request.user, pk))


@router.post("/handovers", response={201: HandoverOut}, summary="填写交接班记录（交班人为当前用户）")
def create_handover(request, payload: HandoverIn):
    require(request.user, "workforce.view_handover", "workforce.add_handover")
    data = payload.dict()
    data["team"] = _team(data["team"])
    username = data.pop("received_by")
    received_by = None
    if username:
        received_by = User.objects.filter(username=username, is_active=True).first()
        if received_by is None:
            raise ValidationError({"received_by": f"接班人账号不存在：{username}"})
    handover = services.record_handover(actor=request.user, received_by=received_by, **data)
    return Status(201, out(get_handover_for(request.user, handover.pk)))


@router.post("/handovers/{int:pk}/receive", response=HandoverOut, summary="接班确认（不能确认自己的交班）")
def receive_handover(request, pk: int, payload: ReceiveIn):
    handover = get_handover_for(request.user, pk, receive=True)
    services.receive_handover(actor=request.user, handover=handover, note=payload.note)
    return out(get_handover_for(request.user, pk))


@router.get("/on-duty", response=list[OnDutyOut], summary="当前在岗人员（按个人排班，按班组分组）")
def on_duty(request):
    require(request.user, "workforce.view_handover")
    return [
        {
            "team": d.team.name if d.team else "未分班组",
            "team_code": d.team.code if d.team else "",
            "shift_start": f"{timezone.localtime(d.started_at):%H:%M}",
            "shift_end": f"{timezone.localtime(d.ends_at):%H:%M}",
            "started_at": d.started_at,
            "members": [
                {"username": m.username, "name": m.name, "role": m.role, "shift": e.shift.name}
                for m, e in zip(d.members, d.entries, strict=True)
            ],
        }
        for d in selectors.on_duty_now()
    ]


# --- Staffing (S5): Erlang C, kefu/workforce/staffing.py ---------------------------------------------------

MAX_TRAFFIC_ERLANGS = 5000  # far above any center; keeps the search for N bounded


class StaffingQuery(Schema):
    calls: float = Field(..., ge=0, le=1_000_000, description="一个时段内的来电量（件）")
    interval_s: int = Field(1800, ge=60, le=86_400, description="时段长度（秒），默认半小时")
    aht_s: float = Field(..., gt=0, le=36_000, description="平均处理时长（秒）")
    service_level: float | None = Field(
        None, gt=0, lt=1, description="服务水平目标（小数，如0.8）；缺省按规则workforce.service_level_percent"
    )
    answer_within_s: float | None = Field(
        None, ge=0, le=3600, description="接听时限（秒）；缺省为规则 workforce.answer_within_seconds"
    )
    shrinkage: float | None = Field(None, ge=0, lt=0.95, description="缺勤与非话务时间占比（小数）；缺省不计")
    model: Literal["erlang_c", "erlang_a"] = Field(
        "erlang_c", description="测算模型：erlang_c（不计放弃，默认）或 erlang_a（等待耐心服从指数分布）"
    )
    patience_s: float | None = Field(
        None, gt=0, le=86_400, description="平均等待耐心（秒），model=erlang_a 时必填"
    )


class StaffingOut(Schema):
    agents: int = Field(..., description="达到服务水平目标所需的最少在线座席数")
    service_level: float = Field(..., description="该座席数下接听时限内接起的比例")
    occupancy: float
    average_speed_of_answer_s: float
    probability_of_waiting: float
    traffic_erlangs: float
    rostered: int = Field(..., description="计入缺勤与非话务时间后应排班人数（未给 shrinkage 时等于 agents）")
    abandon_probability: float | None = Field(None, description="放弃率（仅 model=erlang_a）")


@router.get(
    "/staffing",
    response=StaffingOut,
    summary="Erlang C 座席测算：一个时段的来电量、平均处理时长与服务水平目标 → 最少座席数",
    exclude_none=True,
)
def staffing_for(request, query: Query[StaffingQuery]):
    require(request.user, "workforce.view_handover")
    if staffing.traffic(query.calls, query.interval_s, query.aht_s) > MAX_TRAFFIC_ERLANGS:
        message = f"话务量超过{MAX_TRAFFIC_ERLANGS}爱尔兰，请核对来电量、时段与处理时长"
        raise ValidationError({"calls": message})
    target = query.service_level
    if target is None:
        target = policy("workforce.service_level_percent") / 100
    within = query.answer_within_s
    if within is None:
        within = policy("workforce.answer_within_seconds")
    abandon = None
    if query.model == "erlang_a":
        if query.patience_s is None:
            raise ValidationError({"patience_s": "Erlang A 测算须填写平均等待耐心（秒）"})
        result, erlang_a = staffing.staffing_a(
            calls=query.calls,
            interval_s=query.interval_s,
            aht_s=query.aht_s,
            target=target,
            answer_within_s=within,
            patience_s=query.patience_s,
            shrinkage=query.shrinkage or 0.0,
        )
        abandon = round(erlang_a.abandon_probability, 6)
    else:
        result = staffing.staffing(
            calls=query.calls,
            interval_s=query.interval_s,
            aht_s=query.aht_s,
            target=target,
            answer_within_s=within,
            shrinkage=query.shrinkage or 0.0,
        )
    answer = {
        "agents": result.agents,
        "service_level": round(result.service_level, 6),
        "occupancy": round(result.occupancy, 6),
        "average_speed_of_answer_s": round(result.average_speed_of_answer_s, 3),
        "probability_of_waiting": round(result.probability_of_waiting, 6),
        "traffic_erlangs": round(result.traffic_erlangs, 6),
        "rostered": result.rostered,
    }
    if abandon is not None:
        answer["abandon_probability"] = abandon
    return answer


# Each subject's endpoints live in kefu/workforce/api_<subject>.py with a router of its own:
# -- rosters
from kefu.workforce.api_rosters import router as rosters_router  # noqa: E402

router.add_router("", rosters_router)
# -- leave
from kefu.workforce.api_leave import router as leave_router  # noqa: E402

router.add_router("", leave_router)
# -- swaps
from kefu.workforce.api_swaps import router as swaps_router  # noqa: E402

router.add_router("", swaps_router)
# -- attendance and discipline
from kefu.workforce.api_attendance import router as attendance_router  # noqa: E402

router.add_router("", attendance_router)
# -- forecast and staffing
from kefu.workforce.api_staffing import router as staffing_router  # noqa: E402

router.add_router("", staffing_router)
# -- roster plans
from kefu.workforce.api_plans import router as plans_router  # noqa: E402

router.add_router("", plans_router)
