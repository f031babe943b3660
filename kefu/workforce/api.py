"""Handover API (H13): list, write and confirm handovers; who is on duty now."""

from datetime import datetime

from django.core.exceptions import ValidationError
from ninja import Query, Router, Status

from kefu.accounts.models import Team, User
from kefu.core.permissions import require
from kefu.core.schemas import Day, Moment, PageNumber, Schema
from kefu.workforce import selectors, services
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


@router.get("/on-duty", response=list[OnDutyOut], summary="当前值班班组与人员")
def on_duty(request):
    require(request.user, "workforce.view_handover")
    return [
        {
            "team": d.team.name,
            "team_code": d.team.code,
            "shift_start": f"{d.team.shift_start:%H:%M}",
            "shift_end": f"{d.team.shift_end:%H:%M}",
            "started_at": d.started_at,
            "members": [{"username": m.username, "name": m.name, "role": m.role} for m in d.members],
        }
        for d in selectors.on_duty_now()
    ]
