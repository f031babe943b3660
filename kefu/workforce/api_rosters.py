"""Roster API (个人排班, S1, S4): list the roster, put a person on a shift, take a shift off, and the
24-hour coverage of a period. The same services, checker and visibility rule as the month grid."""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from ninja import Query, Router, Status
from pydantic import Field

from kefu.accounts.models import Team, User
from kefu.core.params import object_id
from kefu.core.permissions import require
from kefu.core.schemas import Day, Schema
from kefu.workforce import selectors_rosters as selectors
from kefu.workforce.models import RosterEntry, Shift
from kefu.workforce.permissions_rosters import get_roster_entry_for, get_roster_entry_to_change
from kefu.workforce.services import rosters as services

router = Router(tags=["排班"])

MAX_LIST_DAYS = 92  # a quarter: the roster of a hundred people for three months is ~9,000 rows
MAX_COVERAGE_DAYS = 62


class RosterEntryOut(Schema):
    id: int
    person: str
    username: str
    employee_no: str
    team: str
    team_code: str
    day: date
    shift: str
    shift_code: str
    starts_at: datetime
    ends_at: datetime
    status: str
    status_label: str
    source: str
    note: str


class RosterFilters(Schema):
    start: Day | None = Field(None, description="起始日期（含），缺省为本月1日")
    end: Day | None = Field(None, description="截止日期（含），缺省为本月最后一天")
    person: str = Field("", description="人员账号或编号")
    team: str = Field("", description="班组编码")
    status: RosterEntry.Status | None = Field(None, description="状态；缺省列出除方案待发布外的全部")


class AssignIn(Schema):
    person: str = Field(..., description="人员账号或编号")
    day: Day = Field(..., description="班次开始的日期")
    shift: str = Field(..., description="班次代码，如 D 白班、E 中班、N 夜班")
    note: str = Field("", max_length=200)


class RosterCancelIn(Schema):
    reason: str = Field(..., max_length=200, description="撤销原因（必填）")


class CoverageQuery(Schema):
    start: Day | None = Field(None, description="起始日期，缺省为今天")
    days: int = Field(7, ge=1, le=MAX_COVERAGE_DAYS, description="天数")


class HourOut(Schema):
    at: datetime
    on_duty: int
    short: bool


class CoverageOut(Schema):
    start: date
    days: int
    min_staff: int = Field(..., description="每小时最少在岗人数（规则 workforce.min_staff_on_duty）")
    short_hours: int
    hours: list[HourOut]
    flags: list[str] = Field(..., description="在岗不足的时段，中文说明")


def out(entry: RosterEntry) -> dict:
    team = entry.person.team
    return {
        "id": entry.pk,
        "person": str(entry.person),
        "username": entry.person.username,
        "employee_no": entry.person.employee_no or "",
        "team": team.name if team else "",
        "team_code": team.code if team else "",
        "day": entry.day,
        "shift": entry.shift.name,
        "shift_code": entry.shift.code,
        "starts_at": entry.starts_at,
        "ends_at": entry.ends_at,
        "status": entry.status,
        "status_label": entry.get_status_display(),
        "source": entry.source,
        "note": entry.note,
    }


def _person(text: str, *, field: str = "person") -> User:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: "请填写人员账号或编号"})
    pk = object_id(text)
    person = User.objects.filter(Q(username=text) | Q(pk=pk) if pk else Q(username=text)).first()
    if person is None:
        raise ValidationError({field: f"人员不存在：{text}"})
    return person


@router.get("/roster", response=list[RosterEntryOut], summary="个人排班（按日期、人员、班组筛选）")
def list_roster(request, filters: Query[RosterFilters]):
    require(request.user, "workforce.view_rosterentry")
    today = timezone.localdate()
    start = filters.start or today.replace(day=1)
    end = filters.end or (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    if end < start:
        raise ValidationError({"end": "截止日期不能早于起始日期"})
    if (end - start).days + 1 > MAX_LIST_DAYS:
        raise ValidationError({"end": f"一次最多查询{MAX_LIST_DAYS}天的排班"})
    rows = selectors.entries_between(request.user, start, end)
    if filters.person:
        rows = rows.filter(person=_person(filters.person))
    if filters.team:
        team = Team.objects.filter(code=filters.team.strip()).first()
        if team is None:
            raise ValidationError({"team": f"班组编码不存在：{filters.team}"})
        rows = rows.filter(person__team=team)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return [out(entry) for entry in rows]


@router.get("/roster/{int:pk}", response=RosterEntryOut, summary="一条排班")
def read_roster_entry(request, pk: int):
    return out(get_roster_entry_for(request.user, pk))


@router.post(
    "/roster",
    response={201: RosterEntryOut},
    summary="排班：某人某日上某班（不符合排班规则时 400，列出全部原因）",
)
def assign(request, payload: AssignIn):
    require(request.user, "workforce.view_rosterentry", "workforce.change_rosterentry")
    person = _person(payload.person)
    shift = Shift.objects.filter(code=payload.shift.strip()).first()
    if shift is None:
        raise ValidationError({"shift": f"班次代码不存在：{payload.shift}"})
    entry = services.assign_shift(
        actor=request.user, person=person, day=payload.day, shift=shift, note=payload.note
    )
    return Status(201, out(get_roster_entry_for(request.user, entry.pk)))


@router.post(
    "/roster/{int:pk}/cancel", response=RosterEntryOut, summary="撤销排班（须填写原因；已签到的班不能撤销）"
)
def cancel(request, pk: int, payload: RosterCancelIn):
    entry = get_roster_entry_to_change(request.user, pk)
    services.cancel_entry(actor=request.user, entry=entry, reason=payload.reason)
    return out(get_roster_entry_for(request.user, pk))


@router.get("/coverage", response=CoverageOut, summary="24小时覆盖：每小时在岗人数与不足的时段")
def coverage(request, query: Query[CoverageQuery]):
    require(request.user, "workforce.view_rosterentry")
    start = query.start or timezone.localdate()
    cover = selectors.coverage_for(start, query.days)
    return {
        "start": start,
        "days": query.days,
        "min_staff": cover.min_staff,
        "short_hours": cover.short_hours,
        "hours": [
            {"at": at, "on_duty": count, "short": count < cover.min_staff} for at, count in cover.hours
        ],
        "flags": [breach.message for breach in cover.breaches],
    }
