"""Attendance API: sign in and out of one's own shift, the team leader's day (roll call, corrections,
absences from post) and the discipline cases. The same services and permission helpers as the pages."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Query, Router, Status
from pydantic import Field

from kefu.core.params import parse_month
from kefu.core.permissions import require
from kefu.core.schemas import Day, Moment, ObjectId, PageNumber, Schema
from kefu.workforce import selectors_attendance as selectors
from kefu.workforce.models import Attendance, DisciplineCase, PostAbsence
from kefu.workforce.permissions_attendance import get_absence_for, get_case_for, get_entry_for
from kefu.workforce.services import attendance as services

router = Router(tags=["考勤与违纪"])

PER_PAGE = 50


class AttendanceOut(Schema):
    entry_id: int
    person: str
    username: str
    day: date
    shift: str
    starts_at: datetime
    ends_at: datetime
    status: str = Field(..., description="排班状态：scheduled 在班，leave 请假")
    roll_called_at: datetime | None
    signed_in_at: datetime | None
    signed_out_at: datetime | None
    minutes_late: int
    corrected_by: str | None
    correction_reason: str


class AbsenceOut(Schema):
    id: int
    entry_id: int
    person: str
    left_at: datetime
    returned_at: datetime | None
    permitted_by: str | None
    recorded_by: str
    reason: str


class CaseOut(Schema):
    id: int
    person: str
    username: str
    kind: str
    kind_label: str
    occurred_on: date
    entry_id: int | None
    swap: str | None
    minutes: int
    reason: str
    status: str
    outcome: str
    closed_by: str | None


class DayQuery(Schema):
    day: Day | None = None
    team: str = Field("", description="班组编码；缺省为本人所在班组（主任、中心主任、质检员为全部）")


class SignIn(Schema):
    entry_id: ObjectId | None = Field(None, description="排班编号；缺省为当前或即将开始的本人班次")


class RollCallIn(Schema):
    entry_ids: list[ObjectId] = Field(..., max_length=500, description="到场人员的排班编号")


class AttendanceCorrectionIn(Schema):
    signed_in_at: Moment | None = None
    signed_out_at: Moment | None = None
    reason: str = Field(..., max_length=200, description="更正原因（必填）")


class AbsenceIn(Schema):
    entry_id: ObjectId
    left_at: Moment
    returned_at: Moment | None = None
    permitted: bool = Field(False, description="经本班长（当前用户）批准离岗")
    reason: str = Field("", max_length=200)


class ReturnIn(Schema):
    returned_at: Moment | None = None


class CaseQuery(Schema):
    person: str = Field("", description="当事人账号")
    kind: str = ""
    month: str = Field("", description="月份，如 2026-11")
    status: str = ""
    page: PageNumber = 1


class DisciplineCloseIn(Schema):
    outcome: str = Field(..., max_length=300)


def attendance_out(entry, attendance: Attendance | None) -> dict:
    return {
        "entry_id": entry.pk,
        "person": str(entry.person),
        "username": entry.person.username,
        "day": entry.day,
        "shift": entry.shift.name,
        "starts_at": entry.starts_at,
        "ends_at": entry.ends_at,
        "status": entry.status,
        "roll_called_at": attendance.roll_called_at if attendance else None,
        "signed_in_at": attendance.signed_in_at if attendance else None,
        "signed_out_at": attendance.signed_out_at if attendance else None,
        "minutes_late": attendance.minutes_late if attendance else 0,
        "corrected_by": str(attendance.corrected_by) if attendance and attendance.corrected_by_id else None,
        "correction_reason": attendance.correction_reason if attendance else "",
    }


def absence_out(absence: PostAbsence) -> dict:
    return {
        "id": absence.pk,
        "entry_id": absence.entry_id,
        "person": str(absence.entry.person),
        "left_at": absence.left_at,
        "returned_at": absence.returned_at,
        "permitted_by": str(absence.permitted_by) if absence.permitted_by_id else None,
        "recorded_by": str(absence.recorded_by),
        "reason": absence.reason,
    }


def case_out(case: DisciplineCase) -> dict:
    return {
        "id": case.pk,
        "person": str(case.person),
        "username": case.person.username,
        "kind": case.kind,
        "kind_label": case.get_kind_display(),
        "occurred_on": case.occurred_on,
        "entry_id": case.entry_id,
        "swap": case.swap.number if case.swap_id else None,
        "minutes": case.minutes,
        "reason": case.reason,
        "status": case.status,
        "outcome": case.outcome,
        "closed_by": str(case.closed_by) if case.closed_by_id else None,
    }


def _own_entry(request, entry_id: int | None):
    if entry_id is None:
        return None
    return get_entry_for(request.user, entry_id)


@router.post(
    "/attendance/sign-in",
    response=AttendanceOut,
    summary="签到（本人当前或即将开始的班次；重复签到返回原记录）",
)
def sign_in(request, payload: SignIn):
    attendance = services.sign_in(actor=request.user, entry=_own_entry(request, payload.entry_id))
    return attendance_out(attendance.entry, attendance)


@router.post("/attendance/sign-out", response=AttendanceOut, summary="签退（本人已签到未签退的班次）")
def sign_out(request, payload: SignIn):
    attendance = services.sign_out(actor=request.user, entry=_own_entry(request, payload.entry_id))
    return attendance_out(attendance.entry, attendance)


@router.get("/attendance", response=list[AttendanceOut], summary="某日各班次的点名、签到、签退与迟到")
def day_attendance(request, query: Query[DayQuery]):
    user = request.user
    require(user, "workforce.view_attendance")
    team = None
    if query.team:
        team = selectors.teams_for(user).filter(code=query.team.strip()).first()
        if team is None:
            raise ValidationError({"team": f"班组编码不存在或不在您的管理范围：{query.team}"})
    elif not selectors.sees_all(user) and user.team_id:
        team = user.team
    rows = selectors.day_rows(user, day=query.day or timezone.localdate(), team=team)
    return [attendance_out(row.entry, row.attendance) for row in rows]


@router.post(
    "/attendance/roll-call", response=list[AttendanceOut], summary="班前点名：记录到场人员（班前10分钟起）"
)
def roll_call(request, payload: RollCallIn):
    called = services.call_roll(actor=request.user, entry_ids=payload.entry_ids)
    return [attendance_out(a.entry, a) for a in called]


@router.post(
    "/attendance/{int:entry_id}/correct", response=AttendanceOut, summary="班长更正签到、签退时间（须填原因）"
)
def correct(request, entry_id: int, payload: AttendanceCorrectionIn):
    entry = get_entry_for(request.user, entry_id, manage=True)
    attendance = services.correct_attendance(actor=request.user, entry=entry, **payload.dict())
    return attendance_out(entry, attendance)


@router.post(
    "/attendance/absences", response={201: AbsenceOut}, summary="登记离岗（未经批准满20分钟按违纪处理）"
)
def record_absence(request, payload: AbsenceIn):
    entry = get_entry_for(request.user, payload.entry_id, manage=True)
    absence = services.record_absence(
        actor=request.user,
        entry=entry,
        left_at=payload.left_at,
        returned_at=payload.returned_at,
        permitted_by=request.user if payload.permitted else None,
        reason=payload.reason,
    )
    return Status(201, absence_out(get_absence_for(request.user, absence.pk)))


@router.post("/attendance/absences/{int:pk}/return", response=AbsenceOut, summary="登记返岗")
def record_return(request, pk: int, payload: ReturnIn):
    absence = get_absence_for(request.user, pk, manage=True)
    services.record_return(actor=request.user, absence=absence, returned_at=payload.returned_at)
    return absence_out(get_absence_for(request.user, pk))


@router.get("/discipline", response=list[CaseOut], summary="违纪记录（迟到、擅离岗位、旷工）")
def discipline(request, query: Query[CaseQuery]):
    require(request.user, "workforce.view_disciplinecase")
    rows = selectors.discipline_visible_to(request.user)
    if query.person:
        rows = rows.filter(person__username=query.person.strip())
    if query.kind:
        if query.kind not in DisciplineCase.Kind.values:
            raise ValidationError({"kind": f"类别应为 {'、'.join(DisciplineCase.Kind.values)} 之一"})
        rows = rows.filter(kind=query.kind)
    if query.status:
        if query.status not in DisciplineCase.Status.values:
            raise ValidationError({"status": f"状态应为 {'、'.join(DisciplineCase.Status.values)} 之一"})
        rows = rows.filter(status=query.status)
    if query.month:
        year, month = parse_month(query.month)
        first, following = date(year, month, 1), date(year + (month == 12), month % 12 + 1, 1)
        rows = rows.filter(occurred_on__gte=first, occurred_on__lt=following)
    start = (query.page - 1) * PER_PAGE
    return [case_out(c) for c in rows[start : start + PER_PAGE]]


@router.post("/discipline/{int:pk}/close", response=CaseOut, summary="处理违纪记录（填写处理意见）")
def close(request, pk: int, payload: DisciplineCloseIn):
    case = get_case_for(request.user, pk, close=True)
    services.close_case(actor=request.user, case=case, outcome=payload.outcome)
    return case_out(get_case_for(request.user, pk))
