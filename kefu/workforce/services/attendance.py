"""Attendance and labour discipline (issue 14; seed 002 客服部交接班制度一, 请假制度八, 换班制度五).

Each person signs in for their own rostered shift and signs out at its end; the team leader calls the
roll `workforce.roll_call_minutes` (10) before the shift, corrects a sign-in with a reason and records
time away from the post. Arriving `workforce.late_case_minutes` (20) or more late, or away from the
post `workforce.away_case_minutes` (20) or more without the team leader's permission, opens a
discipline case (请假制度八); a shift nobody came to is 旷工, found by the job `detect_absences`
after the shift's end — for both parties when a swap left it empty (换班制度五).

A case is never deleted: a correction that removes the lateness closes it with the outcome 考勤更正
(kefu.workforce.selectors_attendance.WITHDRAWN_OUTCOME), which the appraisal leaves out.
"""

import math
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.core.alerts import send_alert
from kefu.core.permissions import require
from kefu.core.policies import policy
from kefu.workforce.events import AttendanceEvents, absence_event, attendance_event, discipline_case_event
from kefu.workforce.models import Attendance, DisciplineCase, PostAbsence, RosterEntry
from kefu.workforce.selectors import team_leaders_of
from kefu.workforce.selectors_attendance import WITHDRAWN_OUTCOME, entries_visible_to

ALERT_KIND = "workforce.discipline"
ALERT_KINDS = {ALERT_KIND: "违纪记录（迟到、擅离岗位、旷工）"}

# The absence job looks back this far only (the roster_period index on starts_at serves the range):
# a worker stopped for a long weekend still catches up, and old shifts are not re-read every pass.
LOOKBACK_DAYS = 3
# Sign-out stays open this long after the shift's end: the outgoing agent stays until relieved
# (客服部交接班制度四：接班人未到机台，交班人不得离台).
SIGN_OUT_GRACE = timedelta(hours=12)

SCHEDULED = RosterEntry.Status.SCHEDULED
LATE_RULE = "客服部请假制度八：班前未请假，迟到二十分钟及以上者按违纪处理"
AWAY_RULE = "客服部请假制度八：擅离值守脱岗二十分钟及以上者按违纪处理"
ABSENT_RULE = "客服部请假制度一、二：不能上班须提前请假，否则按旷工处理"
SWAP_RULE = "客服部换班制度五：交代不清造成误班、空班的按旷工处理，考核双方当事人"
OPENS_RULE = "规则 workforce.sign_in_opens_minutes"
ROLL_CALL_RULE = "客服部交接班制度一、规则 workforce.roll_call_minutes"
PERMIT_RULE = "客服部值班制度五：未经值班长批准不得擅离职守"


def _aware(value: datetime) -> datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _hm(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _shift_text(entry: RosterEntry) -> str:
    start, end = timezone.localtime(entry.starts_at), timezone.localtime(entry.ends_at)
    return f"{entry.day:%Y-%m-%d} {entry.shift.name}（{start:%H:%M}–{end:%H:%M}）"


def minutes_late(entry: RosterEntry, signed_in_at: datetime) -> int:
    """Whole minutes after the shift's start, rounded down: 08:19:59 is 19 minutes late."""
    return max(0, math.floor((signed_in_at - entry.starts_at).total_seconds() / 60))


# ---- discipline cases


def _told_about(person: User) -> list[User]:
    """Who hears of a person's case: their team's leaders, else the department heads."""
    leaders = list(team_leaders_of(person))
    return leaders or list(User.objects.filter(role=Role.DEPARTMENT_HEAD, is_active=True))


def _alert(case: DisciplineCase) -> None:
    shift = _shift_text(case.entry) if case.entry_id else f"{case.occurred_on:%Y-%m-%d}"
    send_alert(
        recipients=_told_about(case.person),
        kind=ALERT_KIND,
        message=f"{case.person}{case.get_kind_display()}：{shift}，{case.reason}",
        url=reverse("workforce:discipline") + f"?person={case.person_id}",
        subject=f"workforce.disciplinecase:{case.pk}",
    )


def _open_case(
    *, actor, person: User, entry: RosterEntry, kind: str, minutes: int, reason: str, swap=None
) -> tuple[DisciplineCase, bool]:
    """One case per person, shift and kind (constraint discipline_once_per_shift): get_or_create
    absorbs a second worker or a repeated request. The team leader is alerted when it opens."""
    case, created = DisciplineCase.objects.get_or_create(
        person=person,
        entry=entry,
        kind=kind,
        defaults={
            "occurred_on": entry.day,
            "minutes": minutes,
            "reason": reason[:300],
            "swap": swap,
        },
    )
    if created:
        discipline_case_event(
            actor=actor,
            case=case,
            verb=AttendanceEvents.CASE_OPENED,
            changes={"kind": case.get_kind_display(), "minutes": minutes, "reason": case.reason},
        )
        _alert(case)
    return case, created


def _withdraw(*, actor, case: DisciplineCase, note: str) -> None:
    """Close a case whose ground a correction removed: never deleted, the outcome says why."""
    old = [case.get_status_display(), case.outcome]
    case.status = DisciplineCase.Status.CLOSED
    case.outcome = WITHDRAWN_OUTCOME
    case.closed_by = actor if getattr(actor, "pk", None) else None
    case.save(update_fields=["status", "outcome", "closed_by", "updated_at"])
    discipline_case_event(
        actor=actor,
        case=case,
        verb=AttendanceEvents.CASE_CLOSED,
        changes={"status": [old[0], case.get_status_display()], "outcome": [old[1], WITHDRAWN_OUTCOME]},
        note=note,
    )


def _reopen_or_update(*, actor, case: DisciplineCase, minutes: int, reason: str, note: str) -> None:
    if case.status == DisciplineCase.Status.CLOSED and case.outcome == WITHDRAWN_OUTCOME:
        case.status, case.outcome, case.closed_by = DisciplineCase.Status.OPEN, "", None
        case.minutes, case.reason = minutes, reason[:300]
        case.save(update_fields=["status", "outcome", "closed_by", "minutes", "reason", "updated_at"])
        discipline_case_event(
            actor=actor,
            case=case,
            verb=AttendanceEvents.CASE_REOPENED,
            changes={"minutes": minutes, "reason": case.reason},
            note=note,
        )
        _alert(case)
    elif case.minutes != minutes:
        old = case.minutes
        case.minutes, case.reason = minutes, reason[:300]
        case.save(update_fields=["minutes", "reason", "updated_at"])
        discipline_case_event(
            actor=actor,
            case=case,
            verb=AttendanceEvents.CASE_UPDATED,
            changes={"minutes": [old, minutes], "reason": case.reason},
            note=note,
        )


def _late_reason(entry: RosterEntry, late: int) -> str:
    return f"迟到{late}分钟（{_shift_text(entry)}；{LATE_RULE}）"


def _judge_lateness(*, actor, attendance: Attendance, note: str = "") -> None:
    """Open, update, reopen or withdraw the shift's 迟到 case to match the attendance as it now is."""
    entry = attendance.entry
    limit = policy("workforce.late_case_minutes")
    case = DisciplineCase.objects.filter(
        person_id=entry.person_id, entry=entry, kind=DisciplineCase.Kind.LATE
    ).first()
    late = attendance.minutes_late if attendance.signed_in_at else 0
    if late >= limit:
        reason = _late_reason(entry, late)
        if case is None:
            _open_case(
                actor=actor,
                person=entry.person,
                entry=entry,
                kind=DisciplineCase.Kind.LATE,
                minutes=late,
                reason=reason,
            )
        else:
            _reopen_or_update(actor=actor, case=case, minutes=late, reason=reason, note=note)
    elif case is not None and not (
        case.status == DisciplineCase.Status.CLOSED and case.outcome == WITHDRAWN_OUTCOME
    ):
        _withdraw(actor=actor, case=case, note=note or f"更正后迟到{late}分钟，不足{limit}分钟")


# ---- sign-in and sign-out


def _opens() -> timedelta:
    return timedelta(minutes=policy("workforce.sign_in_opens_minutes"))


def _entry_to_sign_in(actor: User, at: datetime) -> RosterEntry:
    """The actor's scheduled shift under way at `at` or starting within the sign-in window; of two,
    the one not yet signed in."""
    candidates = list(
        RosterEntry.objects.filter(
            person=actor, status=SCHEDULED, starts_at__lte=at + _opens(), ends_at__gt=at
        )
        .select_related("attendance")
        .order_by("starts_at")
    )
    if not candidates:
        minutes = policy("workforce.sign_in_opens_minutes")
        raise ValidationError(
            {"entry": f"当前没有您的排班：班前{minutes}分钟起至下班前可以签到（{OPENS_RULE}）"},
            code="no_shift",
        )
    for entry in candidates:
        attendance = getattr(entry, "attendance", None)
        if attendance is None or attendance.signed_in_at is None:
            return entry
    return candidates[0]


@transaction.atomic
def sign_in(*, actor: User, entry: RosterEntry | None = None, at: datetime | None = None) -> Attendance:
    """The actor signs in for their own shift. Once only: signing in again answers with the record
    made the first time. Late by `workforce.late_case_minutes` or more opens a 迟到 case."""
    require(actor, "workforce.add_attendance")
    at = _aware(at) if at else timezone.now()
    if entry is None:
        entry = _entry_to_sign_in(actor, at)
    elif entry.person_id != actor.pk:
        raise PermissionDenied("只能为本人的班次签到")
    # Lock the shift: two clicks (or two devices) must not both sign in.
    entry = RosterEntry.objects.select_for_update().select_related("shift", "person").get(pk=entry.pk)
    if entry.status != SCHEDULED:
        raise ValidationError({"entry": f"{_shift_text(entry)}状态为{entry.get_status_display()}，不能签到"})
    attendance, _ = Attendance.objects.get_or_create(entry=entry)
    if attendance.signed_in_at is not None:
        return attendance  # answered, not duplicated
    if at < entry.starts_at - _opens():
        minutes = policy("workforce.sign_in_opens_minutes")
        raise ValidationError(
            {"entry": f"{_shift_text(entry)}尚未到签到时间：班前{minutes}分钟起方可签到（{OPENS_RULE}）"}
        )
    if at >= entry.ends_at:
        raise ValidationError({"entry": f"{_shift_text(entry)}已下班，不能补签；漏签请由班长更正考勤"})
    attendance.signed_in_at = at
    attendance.minutes_late = minutes_late(entry, at)
    attendance.save(update_fields=["signed_in_at", "minutes_late", "updated_at"])
    attendance_event(
        actor=actor,
        attendance=attendance,
        verb=AttendanceEvents.SIGNED_IN,
        changes={"signed_in_at": _hm(at), "minutes_late": attendance.minutes_late},
    )
    _judge_lateness(actor=actor, attendance=attendance)
    return attendance


def _entry_to_sign_out(actor: User, at: datetime) -> RosterEntry:
    rows = list(
        RosterEntry.objects.filter(
            person=actor,
            status=SCHEDULED,
            starts_at__lte=at,
            ends_at__gt=at - SIGN_OUT_GRACE,
            attendance__signed_in_at__isnull=False,
        )
        .select_related("attendance")
        .order_by("starts_at")
    )
    for entry in rows:
        if entry.attendance.signed_out_at is None:
            return entry
    if rows:
        return rows[-1]  # signed out already: answered with that record
    raise ValidationError({"entry": "当前没有您已签到未签退的班次"}, code="no_shift")


@transaction.atomic
def sign_out(*, actor: User, entry: RosterEntry | None = None, at: datetime | None = None) -> Attendance:
    """The actor signs out of the shift they signed in for; again, it answers with the first record."""
    require(actor, "workforce.add_attendance")
    at = _aware(at) if at else timezone.now()
    if entry is None:
        entry = _entry_to_sign_out(actor, at)
    elif entry.person_id != actor.pk:
        raise PermissionDenied("只能为本人的班次签退")
    entry = RosterEntry.objects.select_for_update().select_related("shift").get(pk=entry.pk)
    attendance = Attendance.objects.filter(entry=entry).first()
    if attendance is None or attendance.signed_in_at is None:
        raise ValidationError({"entry": f"{_shift_text(entry)}尚未签到，不能签退；漏签请由班长更正考勤"})
    if attendance.signed_out_at is not None:
        return attendance
    if at < attendance.signed_in_at:
        raise ValidationError({"entry": "签退时间不能早于签到时间"})
    attendance.signed_out_at = at
    attendance.save(update_fields=["signed_out_at", "updated_at"])
    early = at < entry.ends_at
    attendance_event(
        actor=actor,
        attendance=attendance,
        verb=AttendanceEvents.SIGNED_OUT,
        changes={"signed_out_at": _hm(at)},
        note=f"早于下班时间{timezone.localtime(entry.ends_at):%H:%M}签退" if early else "",
    )
    return attendance


# ---- roll call


@transaction.atomic
def call_roll(*, actor: User, entry_ids: Iterable[int], at: datetime | None = None) -> list[Attendance]:
    """The team leader ticks who is present at roll call (点名, 客服部交接班制度一): those ticked get
    roll_called_at (once). Roll call opens `workforce.roll_call_minutes` before the shift."""
    require(actor, "workforce.correct_attendance")
    at = _aware(at) if at else timezone.now()
    ids = sorted({int(pk) for pk in entry_ids})
    if not ids:
        raise ValidationError({"entries": "请勾选到场的人员"})
    entries = list(entries_visible_to(actor).filter(pk__in=ids).select_related("person", "shift"))
    missing = set(ids) - {e.pk for e in entries}
    if missing:
        raise ValidationError(
            {"entries": f"排班不存在或不在您管理的班组：{'、'.join(map(str, sorted(missing)))}"}
        )
    opens = policy("workforce.roll_call_minutes")
    problems = []
    for entry in entries:
        if entry.status != SCHEDULED:
            problems.append(f"{entry.person} {_shift_text(entry)}状态为{entry.get_status_display()}")
        elif at < entry.starts_at - timedelta(minutes=opens):
            problems.append(
                f"{entry.person} {_shift_text(entry)}尚未到点名时间（班前{opens}分钟，{ROLL_CALL_RULE}）"
            )
        elif at >= entry.ends_at:
            problems.append(f"{entry.person} {_shift_text(entry)}已下班，不能点名")
    if problems:
        raise ValidationError({"entries": problems})
    called = []
    for entry in entries:
        attendance, _ = Attendance.objects.get_or_create(entry=entry)
        # conditional update: a second submission of the same roll call changes nothing
        if Attendance.objects.filter(pk=attendance.pk, roll_called_at__isnull=True).update(
            roll_called_at=at, updated_at=timezone.now()
        ):
            attendance.roll_called_at = at
            attendance_event(
                actor=actor,
                attendance=attendance,
                verb=AttendanceEvents.ROLL_CALLED,
                changes={"roll_called_at": _hm(at)},
            )
        called.append(attendance)
    return called


# ---- corrections


@transaction.atomic
def correct_attendance(
    *,
    actor: User,
    attendance: Attendance | None = None,
    entry: RosterEntry | None = None,
    signed_in_at: datetime | None = None,
    signed_out_at: datetime | None = None,
    reason: str,
) -> Attendance:
    """A team leader corrects a sign-in or sign-out (a time not given stays as it is), with a reason;
    the event keeps old → new. Lateness is judged again: a correction that removes it withdraws the
    迟到 case (outcome 考勤更正), one that creates it opens one; a sign-in added to a shift recorded
    as 旷工 withdraws that case too. Give `attendance`, or `entry` for a shift with no record yet."""
    require(actor, "workforce.correct_attendance")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "更正考勤须填写更正原因"}, code="reason_required")
    if attendance is None and entry is None:
        raise ValidationError({"entry": "请指定要更正的班次"})
    entry_pk = attendance.entry_id if attendance is not None else entry.pk
    entry = RosterEntry.objects.select_for_update().select_related("shift", "person").get(pk=entry_pk)
    if entry.person_id == actor.pk:
        raise PermissionDenied("不能更正本人的考勤，请由其他班长或客服部主任更正")
    if entry.status != SCHEDULED:
        raise ValidationError(
            {"entry": f"{_shift_text(entry)}状态为{entry.get_status_display()}，没有考勤可更正"}
        )
    attendance, _ = Attendance.objects.get_or_create(entry=entry)
    new_in = _aware(signed_in_at) if signed_in_at else attendance.signed_in_at
    new_out = _aware(signed_out_at) if signed_out_at else attendance.signed_out_at
    errors = {}
    if new_in and not (entry.starts_at - _opens() <= new_in < entry.ends_at):
        errors["signed_in_at"] = (
            f"签到时间应在{_shift_text(entry)}班前{policy('workforce.sign_in_opens_minutes')}分钟至下班之间"
        )
    if new_out and new_in is None:
        errors["signed_out_at"] = "没有签到时间，不能只更正签退时间"
    elif new_out and new_in and new_out < new_in:
        errors["signed_out_at"] = "签退时间不能早于签到时间"
    elif new_out and new_out > entry.ends_at + SIGN_OUT_GRACE:
        errors["signed_out_at"] = "签退时间距下班时间过远，请核对日期"
    if errors:
        raise ValidationError(errors)
    late = minutes_late(entry, new_in) if new_in else 0
    changes = {}
    for field, old, new in (
        ("signed_in_at", attendance.signed_in_at, new_in),
        ("signed_out_at", attendance.signed_out_at, new_out),
    ):
        if old != new:
            changes[field] = [_hm(old), _hm(new)]
    if attendance.minutes_late != late:
        changes["minutes_late"] = [attendance.minutes_late, late]
    if not changes:
        raise ValidationError({"signed_in_at": "更正后的时间与原记录相同"})
    attendance.signed_in_at, attendance.signed_out_at, attendance.minutes_late = new_in, new_out, late
    attendance.corrected_by, attendance.correction_reason = actor, reason[:200]
    attendance.save()
    attendance_event(
        actor=actor, attendance=attendance, verb=AttendanceEvents.CORRECTED, changes=changes, note=reason
    )
    _judge_lateness(actor=actor, attendance=attendance, note=f"考勤更正：{reason}")
    if new_in is not None:
        absent = DisciplineCase.objects.filter(entry=entry, kind=DisciplineCase.Kind.ABSENT).exclude(
            status=DisciplineCase.Status.CLOSED, outcome=WITHDRAWN_OUTCOME
        )
        for case in absent:
            _withdraw(actor=actor, case=case, note=f"考勤更正：已到岗签到。{reason}")
    return attendance


# ---- away from the post


def _check_permitter(permitted_by: User | None) -> None:
    if permitted_by is not None and not permitted_by.has_perm("workforce.correct_attendance"):
        raise ValidationError({"permitted_by": f"{permitted_by}不是班长，不能批准离岗（{PERMIT_RULE}）"})


def _judge_away(*, actor, entry: RosterEntry, now: datetime, note: str = "") -> None:
    """The shift's 擅离岗位 case from its stretches away without permission of the limit or more
    (one case per shift: a second stretch adds its minutes)."""
    limit = policy("workforce.away_case_minutes")
    stretches = []
    for absence in PostAbsence.objects.filter(entry=entry, permitted_by__isnull=True).order_by("left_at"):
        until = absence.returned_at or now
        minutes = math.floor((until - absence.left_at).total_seconds() / 60)
        if minutes >= limit:
            stretches.append((absence, minutes))
    if not stretches:
        return
    total = sum(minutes for _, minutes in stretches)
    parts = "、".join(
        f"{timezone.localtime(a.left_at):%H:%M}起{m}分钟{'' if a.returned_at else '（未返岗）'}"
        for a, m in stretches
    )
    reason = f"未经班长批准离岗{parts}（{AWAY_RULE}）"
    case = DisciplineCase.objects.filter(
        person_id=entry.person_id, entry=entry, kind=DisciplineCase.Kind.AWAY
    ).first()
    if case is None:
        _open_case(
            actor=actor,
            person=entry.person,
            entry=entry,
            kind=DisciplineCase.Kind.AWAY,
            minutes=total,
            reason=reason,
        )
    elif case.status == DisciplineCase.Status.OPEN or case.outcome == WITHDRAWN_OUTCOME:
        _reopen_or_update(actor=actor, case=case, minutes=total, reason=reason, note=note)


@transaction.atomic
def record_absence(
    *,
    actor: User,
    entry: RosterEntry,
    left_at: datetime,
    returned_at: datetime | None = None,
    permitted_by: User | None = None,
    reason: str = "",
) -> PostAbsence:
    """The team leader records time away from the post (离岗). Away `workforce.away_case_minutes` or
    more without a team leader's permission opens a 擅离岗位 case (请假制度八)."""
    require(actor, "workforce.correct_attendance")
    entry = RosterEntry.objects.select_for_update().select_related("shift", "person").get(pk=entry.pk)
    if entry.person_id == actor.pk:
        raise PermissionDenied("不能登记本人的离岗，请由其他班长或客服部主任登记")
    now = timezone.now()
    left_at = _aware(left_at)
    returned_at = _aware(returned_at) if returned_at else None
    errors = {}
    if entry.status != SCHEDULED:
        errors["entry"] = f"{_shift_text(entry)}状态为{entry.get_status_display()}，不能登记离岗"
    if not entry.starts_at <= left_at < entry.ends_at:
        errors["left_at"] = f"离岗时间应在{_shift_text(entry)}的上下班时间之间"
    elif left_at > now + timedelta(minutes=5):
        errors["left_at"] = "离岗时间不能晚于当前时间"
    if returned_at is not None and returned_at < left_at:
        errors["returned_at"] = "返岗时间不能早于离岗时间"
    elif returned_at is not None and returned_at > now + timedelta(minutes=5):
        errors["returned_at"] = "返岗时间不能晚于当前时间"
    if errors:
        raise ValidationError(errors)
    _check_permitter(permitted_by)
    absence = PostAbsence.objects.create(
        entry=entry,
        left_at=left_at,
        returned_at=returned_at,
        permitted_by=permitted_by,
        recorded_by=actor,
        reason=(reason or "").strip()[:200],
    )
    absence_event(
        actor=actor,
        absence=absence,
        verb=AttendanceEvents.ABSENCE_RECORDED,
        changes={
            "left_at": _hm(left_at),
            "returned_at": _hm(returned_at),
            "permitted_by": str(permitted_by or ""),
            "reason": absence.reason,
        },
    )
    if returned_at is not None:
        _judge_away(actor=actor, entry=entry, now=now)
    return absence


@transaction.atomic
def record_return(*, actor: User, absence: PostAbsence, returned_at: datetime | None = None) -> PostAbsence:
    """The person is back at the post: the stretch is judged against `workforce.away_case_minutes`."""
    require(actor, "workforce.correct_attendance")
    absence = (
        PostAbsence.objects.select_for_update()
        .select_related("entry__person", "entry__shift")
        .get(pk=absence.pk)
    )
    if absence.entry.person_id == actor.pk:
        raise PermissionDenied("不能登记本人的返岗，请由其他班长或客服部主任登记")
    if absence.returned_at is not None:
        raise ValidationError({"returned_at": f"已于{timezone.localtime(absence.returned_at):%H:%M}登记返岗"})
    now = timezone.now()
    returned_at = _aware(returned_at) if returned_at else now
    if returned_at < absence.left_at:
        raise ValidationError({"returned_at": "返岗时间不能早于离岗时间"})
    if returned_at > now + timedelta(minutes=5):
        raise ValidationError({"returned_at": "返岗时间不能晚于当前时间"})
    absence.returned_at = returned_at
    absence.save(update_fields=["returned_at", "updated_at"])
    absence_event(
        actor=actor,
        absence=absence,
        verb=AttendanceEvents.ABSENCE_RETURNED,
        changes={"returned_at": _hm(returned_at)},
    )
    _judge_away(actor=actor, entry=absence.entry, now=now)
    return absence


# ---- handling a case


@transaction.atomic
def close_case(*, actor: User, case: DisciplineCase, outcome: str) -> DisciplineCase:
    """The team leader (or the head) records how a case was handled (批评教育, 考核扣分…)."""
    require(actor, "workforce.view_disciplinecase", "workforce.change_disciplinecase")
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": "请填写处理意见"}, code="outcome_required")
    case = DisciplineCase.objects.select_for_update().get(pk=case.pk)
    if case.person_id == actor.pk:
        raise PermissionDenied("不能处理本人的违纪记录")
    if case.status == DisciplineCase.Status.CLOSED:
        raise ValidationError({"outcome": f"该违纪记录已处理：{case.outcome}"})
    case.status, case.outcome, case.closed_by = DisciplineCase.Status.CLOSED, outcome[:300], actor
    case.save(update_fields=["status", "outcome", "closed_by", "updated_at"])
    discipline_case_event(
        actor=actor,
        case=case,
        verb=AttendanceEvents.CASE_CLOSED,
        changes={
            "status": [str(DisciplineCase.Status.OPEN.label), case.get_status_display()],
            "outcome": case.outcome,
        },
    )
    return case


# ---- the job: 旷工 and unreturned absences


def _absent_reason(entry: RosterEntry) -> str:
    if entry.source == RosterEntry.Source.SWAP and entry.swap_id:
        return f"换班后空班：{_shift_text(entry)}无人到岗签到（换班登记{entry.swap.number}；{SWAP_RULE}）"
    return f"{_shift_text(entry)}未到岗、未签到，亦无请假（{ABSENT_RULE}）"


def _record_absent(entry: RosterEntry) -> list[DisciplineCase]:
    """旷工 for the person of a shift nobody signed in for; a shift a swap left empty is 旷工 for
    both parties of the swap (换班制度五), each case pointing at the swap."""
    swap = entry.swap if entry.source == RosterEntry.Source.SWAP and entry.swap_id else None
    people = [swap.requester, swap.colleague] if swap else [entry.person]
    reason = _absent_reason(entry)
    opened = []
    with transaction.atomic():
        for person in people:
            case, created = _open_case(
                actor=None,
                person=person,
                entry=entry,
                kind=DisciplineCase.Kind.ABSENT,
                minutes=round((entry.ends_at - entry.starts_at).total_seconds() / 60),
                reason=reason,
                swap=swap,
            )
            if created:
                opened.append(case)
    return opened


def detect_absences(now: datetime, *, verbose: bool = False, lookback_days: int = LOOKBACK_DAYS) -> list[str]:
    """Every scheduled shift that ended before `now` (within LOOKBACK_DAYS) with no sign-in and no
    roll call → 旷工;
    a stretch away from the post without permission, not yet returned, past the limit → 擅离岗位.
    Shifts on approved leave are not scheduled, so never absences. Idempotent: running twice, or in
    two workers at once, records each case once (constraint discipline_once_per_shift). The demo
    seeder passes a longer `lookback_days` to judge a whole month at once."""
    since = now - timedelta(days=lookback_days)
    missed = (
        RosterEntry.objects.filter(
            status=SCHEDULED, starts_at__gte=since, starts_at__lt=now, ends_at__lte=now
        )
        # present at roll call is present, though the sign-in was forgotten (the leader corrects it)
        .filter(
            Q(attendance__isnull=True)
            | Q(attendance__signed_in_at__isnull=True, attendance__roll_called_at__isnull=True)
        )
        .exclude(discipline_cases__kind=DisciplineCase.Kind.ABSENT)
        .select_related("person", "shift", "swap__requester", "swap__colleague")
        .order_by("starts_at", "person_id")
    )
    lines = []
    for entry in missed:
        for case in _record_absent(entry):
            lines.append(f"旷工：{case.person} {_shift_text(entry)}")
    limit = timedelta(minutes=policy("workforce.away_case_minutes"))
    away = (
        PostAbsence.objects.filter(
            returned_at__isnull=True, permitted_by__isnull=True, left_at__gte=since, left_at__lte=now - limit
        )
        .exclude(entry__discipline_cases__kind=DisciplineCase.Kind.AWAY)
        .select_related("entry__person", "entry__shift")
    )
    for absence in away:
        with transaction.atomic():
            _judge_away(actor=None, entry=absence.entry, now=now)
        lines.append(f"擅离岗位：{absence.entry.person} {_shift_text(absence.entry)}未返岗")
    if verbose and not lines:
        lines.append("未发现旷工或擅离岗位")
    return lines
