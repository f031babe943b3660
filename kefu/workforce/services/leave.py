"""Leave (请假, issue 14 S2): asking, level-by-level decisions, withdrawal, the sick note, by 002
客服部请假制度汇编. Every write runs in one transaction with its event; alerts are written in it too
(kefu.core.alerts sends them on after commit).

The rules, each a catalogue rule in kefu/workforce/policies.py:
- 二 notice: ordinary personal leave by the previous day or 24 hours ahead (workforce.personal_leave_notice),
  special personal leave N minutes before the shift (workforce.special_leave_notice_minutes), sick leave
  before the shift. Asked later, the request is NOT refused: it is marked `late_notice` and is valid only
  once approved ("需经管理人员批准后方可生效，否则按旷工处理") — a shift that starts while it is still
  pending (or after it was refused) is absence, which the attendance job records as 旷工 for a SCHEDULED
  shift without sign-in.
- 六 night shift: only before the deadline (workforce.night_leave_deadline, 12:00) of "that day", the
  calendar day the night begins: for a night shift starting before noon (00:00–08:00) the previous day,
  otherwise the shift's own day. Later is refused (不允许).
- 七 holiday shift (a statutory holiday by kefu.core.calendar, not an ordinary weekend): only
  workforce.holiday_leave_notice_days days ahead (by calendar day). Later is refused.
  Sick and emergency sick leave are not refused by 六 and 七 (illness cannot be announced two days
  ahead; 五 lets an emergency be phoned in before the shift): missing them only marks `late_notice`.
- 三 levels, fixed when asked: 班长 (workforce.leave_team_leader_first), 客服部主任, and 中心主任 when the
  leave covers more than workforce.head_approves_up_to_days days (distinct days of the covered shifts)
  or is business/study leave (九). 逐级: the head signs before the director, also for business leave.
  A person's own level is skipped (a team leader does not approve their own leave; nor a head).
- 四 personal leave is asked by the person; sick and emergency sick leave may be asked by another.
- 五 sick leave of workforce.sick_certificate_days days or more needs a medical certificate (emergency
  sick leave is exempt), handed to the team leader on the first day back: the person's first scheduled
  shift after the leave, or the day after the leave when none is rostered.
- 换班制度六 no leave on a shift taken by a swap or given/returned by an approved swap.
"""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.core.alerts import send_alert
from kefu.core.calendar import is_working_day
from kefu.core.numbering import next_number, year_period
from kefu.core.policies import policy
from kefu.workforce.events import (
    LeaveEvents,
    entry_back_from_leave_event,
    entry_on_leave_event,
    leave_asked_event,
    leave_certificate_missing_event,
    leave_certificate_received_event,
    leave_decided_event,
    leave_withdrawn_event,
)
from kefu.workforce.models import LeaveDecision, LeaveKind, LeaveRequest, RosterEntry, ShiftKind, ShiftSwap
from kefu.workforce.selectors import team_leaders_of

SERIES = "workforce.leave"
SICK_KINDS = (LeaveKind.SICK, LeaveKind.EMERGENCY_SICK)
OPEN = (LeaveRequest.Status.REQUESTED, LeaveRequest.Status.APPROVED)
# The approvers in their order; a request's `levels` is a sub-list of these.
LEVEL_ORDER = (Role.TEAM_LEADER, Role.DEPARTMENT_HEAD, Role.CENTER_DIRECTOR)
LEVEL_LABELS = {role.value: str(role.label) for role in LEVEL_ORDER}
NOON = 12

ALERT_KINDS = {
    "workforce.leave_awaiting": "请假待审批",
    "workforce.leave_decided": "请假审批结果",
    "workforce.leave_certificate_missing": "病假证明到期未交",
}


def leave_number(day: date, sequence: int) -> str:
    """QJ2026-0001: 请假 and the year, like the incidents' TF2026-0001."""
    return f"QJ{day.year}-{sequence:04d}"


def night_leave_day(entry: RosterEntry) -> date:
    """The calendar day on which a night shift "begins" for 002 六 (当日十二点之前): a night shift starting
    in the morning hours (00:00–08:00) is the night of the previous day; one starting in the evening
    (22:00) is the night of its own day."""
    start = timezone.localtime(entry.starts_at)
    return start.date() - timedelta(days=1) if start.hour < NOON else start.date()


def covered_entries(person_id: int, starts_at: datetime, ends_at: datetime):
    """The person's scheduled shifts overlapping [starts_at, ends_at), in time order."""
    return (
        RosterEntry.objects.filter(
            person_id=person_id,
            status=RosterEntry.Status.SCHEDULED,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        .select_related("shift")
        .order_by("starts_at")
    )


def _label(entry: RosterEntry) -> str:
    return f"{entry.day:%Y-%m-%d}{entry.shift.name}"


def _aware(value: datetime) -> datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _refuse(field: str, message: str, code: str):
    raise ValidationError({field: ValidationError(message, code=code)})


def _swapped(entries: list[RosterEntry]) -> RosterEntry | None:
    """The first covered shift that came from a swap or was given or returned by an approved one."""
    ids = [e.pk for e in entries]
    by_swap = set(
        ShiftSwap.objects.filter(status=ShiftSwap.Status.APPROVED)
        .filter(Q(given_entry_id__in=ids) | Q(taken_entry_id__in=ids))
        .values_list("given_entry_id", "taken_entry_id")
        .iterator()
    )
    touched = {pk for pair in by_swap for pk in pair}
    for entry in entries:
        if entry.source == RosterEntry.Source.SWAP or entry.swap_id is not None or entry.pk in touched:
            return entry
    return None


def _late(kind: str, first: RosterEntry, now: datetime) -> bool:
    """Whether the request misses 002 二's notice for its kind (then it needs a manager's approval)."""
    start = first.starts_at
    if kind == LeaveKind.PERSONAL:
        if policy("workforce.personal_leave_notice") == "24_hours":
            return start - now < timedelta(hours=24)
        return timezone.localtime(now).date() >= timezone.localtime(start).date()
    if kind == LeaveKind.SPECIAL:
        return start - now < timedelta(minutes=policy("workforce.special_leave_notice_minutes"))
    if kind in SICK_KINDS:
        return now >= start  # 遇病…必须提前请假; 急诊必须在班前电话通知
    return False


def _deadlines(kind: str, entries: list[RosterEntry], now: datetime) -> tuple[str, str] | None:
    """The first of 002 六 (night shift) and 七 (holiday shift) that the request misses, as
    (code, message), or None."""
    deadline = policy("workforce.night_leave_deadline")
    days_ahead = policy("workforce.holiday_leave_notice_days")
    today = timezone.localtime(now).date()
    for entry in entries:
        if entry.shift.kind == ShiftKind.NIGHT:
            day = night_leave_day(entry)
            cutoff = timezone.make_aware(datetime.combine(day, deadline))
            if now >= cutoff:
                return (
                    "night_deadline",
                    f"{_label(entry)}：夜班原则上不允许请假，特殊情况须在当日（{day:%Y-%m-%d}）"
                    f"{deadline:%H:%M}之前提出（请假制度六），现已过时限",
                )
        if is_working_day(entry.day).holiday and (entry.day - today).days < days_ahead:
            return (
                "holiday_deadline",
                f"{_label(entry)}是节假日班次：节假日不允许请假，极特殊情况须提前{days_ahead}天提出"
                f"（即{entry.day - timedelta(days=days_ahead):%Y-%m-%d}或之前，请假制度七）",
            )
    return None


def leave_days(entries: list[RosterEntry]) -> int:
    """How many days a leave covers: the distinct days of its shifts (a shift is a day's work)."""
    return len({entry.day for entry in entries})


def approval_levels(*, person: User, kind: str, days: int) -> list[str]:
    """The approvers' roles in order (002 三, 九): 班长 → 客服部主任 → 中心主任."""
    levels = []
    # The team leader signs first when the person's team has one (a person without a team, or a team
    # without a leader, goes straight to the head rather than wait for nobody).
    if policy("workforce.leave_team_leader_first") and team_leaders_of(person).exists():
        levels.append(Role.TEAM_LEADER.value)
    levels.append(Role.DEPARTMENT_HEAD.value)
    if kind == LeaveKind.BUSINESS or days > policy("workforce.head_approves_up_to_days"):
        levels.append(Role.CENTER_DIRECTOR.value)
    # Nobody approves their own leave: their level is skipped, the next one signs (a team leader's
    # leave goes to the head; the head's own leave to the center director).
    if person.role in levels:
        position = levels.index(person.role)
        levels = levels[:position] + levels[position + 1 :]
        if not levels or position == len(levels):
            levels.append(LEVEL_ORDER[LEVEL_ORDER.index(person.role) + 1].value)
    return levels


def certificate_due_on(person_id: int, ends_at: datetime) -> date:
    """The first day back (五 假条必须在病假到期后第一天交给班长): the day of the person's first scheduled
    shift after the leave, or the day after the leave when none is rostered yet."""
    back = (
        RosterEntry.objects.filter(
            person_id=person_id, status=RosterEntry.Status.SCHEDULED, starts_at__gte=ends_at
        )
        .order_by("starts_at")
        .values_list("day", flat=True)
        .first()
    )
    if back is not None:
        return back
    last_day = timezone.localtime(ends_at - timedelta(microseconds=1)).date()
    return last_day + timedelta(days=1)


@transaction.atomic
def ask_leave(
    *,
    actor: User,
    person: User | None,
    kind: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    reason: str,
    now: datetime | None = None,
) -> LeaveRequest:
    """Ask for leave from the person's scheduled shifts in [starts_at, ends_at)."""
    now = now or timezone.now()
    person = person or actor
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if kind not in LeaveKind.values:
        errors["kind"] = "请选择假别：" + "、".join(str(label) for label in LeaveKind.labels)
    if starts_at is None:
        errors["starts_at"] = "请填写请假开始时间"
    if ends_at is None:
        errors["ends_at"] = "请填写请假结束时间"
    if not reason:
        errors["reason"] = "请填写请假事由"
    if errors:
        raise ValidationError(errors)
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    if ends_at <= starts_at:
        _refuse("ends_at", "结束时间须晚于开始时间", "ends_before_start")
    if ends_at <= now:
        _refuse("ends_at", "所请时段已经过去，不能补请假", "in_the_past")
    if person.pk != actor.pk and kind not in SICK_KINDS:
        _refuse("person", "事假必须由本人出面办理，不得由他人代请，病假除外（请假制度四）", "not_in_person")
    if person.role == Role.CENTER_DIRECTOR:
        _refuse("person", "中心主任的请假不在本系统逐级审批", "no_approver")
    entries = list(covered_entries(person.pk, starts_at, ends_at))
    if not entries:
        _refuse("starts_at", f"{person}在所请时段没有排班，没有排班的时段无需请假", "no_shift")
    swapped = _swapped(entries)
    if swapped is not None:
        _refuse(
            "starts_at",
            f"{_label(swapped)}是换班或还班的班次：换班和还班均不得请假，否则按旷工处理（换班制度六）",
            "swapped_shift",
        )
    clash = (
        LeaveRequest.objects.filter(
            person=person, status__in=OPEN, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        _refuse(
            "starts_at",
            f"该时段已有请假单{clash.number}（{clash.get_status_display()}）",
            "overlapping_leave",
        )
    late = _late(kind, entries[0], now)
    missed = _deadlines(kind, entries, now)
    if missed is not None:
        if kind not in SICK_KINDS:
            _refuse("starts_at", missed[1], missed[0])
        late = True
    if kind == LeaveKind.HOLIDAY and not any(is_working_day(e.day).holiday for e in entries):
        _refuse("kind", "所请时段没有节假日班次，请选择其他假别", "not_a_holiday")
    days = leave_days(entries)
    levels = approval_levels(person=person, kind=kind, days=days)
    certificate = kind == LeaveKind.SICK and days >= policy("workforce.sick_certificate_days")
    day = timezone.localtime(now).date()
    leave = LeaveRequest.objects.create(
        number=leave_number(day, next_number(SERIES, year_period(day))),
        person=person,
        asked_by=actor,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
        levels=levels,
        late_notice=late,
        certificate_required=certificate,
        certificate_due_on=certificate_due_on(person.pk, ends_at) if certificate else None,
    )
    leave_asked_event(
        actor=actor,
        leave=leave,
        changes={
            "person": str(person),
            "kind": leave.get_kind_display(),
            "shifts": "、".join(_label(e) for e in entries),
            "levels": " → ".join(LEVEL_LABELS[level] for level in levels),
            **({"late_notice": "未按规定提前请假，须经批准方可生效，否则按旷工处理"} if late else {}),
            **({"certificate_due_on": f"{leave.certificate_due_on:%Y-%m-%d}"} if certificate else {}),
        },
    )
    _tell_next_approvers(leave)
    return leave


def approvers_at(leave: LeaveRequest, index: int | None = None):
    """The people who may decide at a level (default: the current one): everyone active in the level's
    role, and for the team leader's level only leaders of the person's own team."""
    index = leave.level if index is None else index
    if index >= len(leave.levels):
        return User.objects.none()
    role = leave.levels[index]
    people = User.objects.filter(is_active=True, role=role).exclude(pk=leave.person_id)
    if role == Role.TEAM_LEADER:
        people = people.filter(team_id=leave.person.team_id)
    return people


def current_level_label(leave: LeaveRequest) -> str:
    if leave.status != LeaveRequest.Status.REQUESTED or leave.level >= len(leave.levels):
        return ""
    return LEVEL_LABELS.get(leave.levels[leave.level], leave.levels[leave.level])


def decide_refusal(actor: User, leave: LeaveRequest) -> str:
    """Why the actor may not decide the request now (empty when they may): 逐级, no 越级, no 交叉."""
    if leave.status != LeaveRequest.Status.REQUESTED:
        return f"该请假单{leave.get_status_display()}，不能再审批"
    if not actor.has_perm("workforce.approve_leaverequest"):
        return "您的角色没有审批请假的权限"
    if actor.pk == leave.person_id:
        return "不能审批本人的请假"
    role = leave.levels[leave.level]
    if actor.role != role:
        later = leave.levels[leave.level + 1 :]
        if actor.role in later:
            return f"请假须逐级审批，当前应由{LEVEL_LABELS[role]}审批，不允许越级（请假制度三）"
        return f"当前应由{LEVEL_LABELS[role]}审批，您不在该请假单的审批层级中"
    if role == Role.TEAM_LEADER and actor.team_id != leave.person.team_id:
        return "只能由请假人所在班组的班长审批，不允许交叉请假（请假制度三）"
    return ""


@transaction.atomic
def decide_leave(*, actor: User, leave: LeaveRequest, approve: bool, note: str = "") -> LeaveRequest:
    """The current level's approver approves or refuses. Refusing ends the request; the last approval
    takes the person's covered shifts off the roster (status LEAVE), which shows the gap."""
    leave = LeaveRequest.objects.select_for_update().select_related("person").get(pk=leave.pk)
    refusal = decide_refusal(actor, leave)
    if refusal:
        _refuse("approve", refusal, "not_your_level")
    note = (note or "").strip()[:200]
    role = leave.levels[leave.level]
    LeaveDecision.objects.create(leave=leave, level_role=role, decided_by=actor, approved=approve, note=note)
    now = timezone.now()
    changes = {"level": LEVEL_LABELS[role], "approved": "同意" if approve else "不同意"}
    if not approve:
        leave.status = LeaveRequest.Status.REFUSED
        leave.decided_at = now
        leave.save(update_fields=["status", "decided_at", "updated_at"])
        leave_decided_event(actor=actor, leave=leave, verb=LeaveEvents.REFUSED, changes=changes, note=note)
        _tell_person(
            leave,
            f"您的请假单{leave.number}未获{LEVEL_LABELS[role]}{actor}批准" + (f"：{note}" if note else ""),
        )
        return leave
    leave.level += 1
    if leave.level < len(leave.levels):
        leave.save(update_fields=["level", "updated_at"])
        leave_decided_event(actor=actor, leave=leave, verb=LeaveEvents.ENDORSED, changes=changes, note=note)
        _tell_next_approvers(leave)
        _tell_person(
            leave,
            f"您的请假单{leave.number}已经{LEVEL_LABELS[role]}{actor}同意，待{current_level_label(leave)}审批",
        )
        return leave
    leave.status = LeaveRequest.Status.APPROVED
    leave.decided_at = now
    leave.save(update_fields=["level", "status", "decided_at", "updated_at"])
    entries = list(
        covered_entries(leave.person_id, leave.starts_at, leave.ends_at).select_for_update(of=("self",))
    )
    for entry in entries:
        entry.status = RosterEntry.Status.LEAVE
        entry.leave = leave
        entry.save(update_fields=["status", "leave", "updated_at"])
        entry_on_leave_event(actor=actor, entry=entry, leave=leave)
    changes["shifts"] = "、".join(_label(e) for e in entries)
    leave_decided_event(actor=actor, leave=leave, verb=LeaveEvents.APPROVED, changes=changes, note=note)
    _tell_person(leave, f"您的请假单{leave.number}已批准（{LEVEL_LABELS[role]}{actor}）")
    return leave


@transaction.atomic
def withdraw_leave(
    *, actor: User, leave: LeaveRequest, note: str = "", now: datetime | None = None
) -> LeaveRequest:
    """The asker (or the person) withdraws a request under approval, or cancels an approved one before
    its first shift begins: the shifts go back on the roster as scheduled."""
    now = now or timezone.now()
    leave = LeaveRequest.objects.select_for_update().get(pk=leave.pk)
    if actor.pk not in (leave.person_id, leave.asked_by_id):
        _refuse("status", "只有请假人或代为提出的人可以撤回请假", "not_the_asker")
    if leave.status == LeaveRequest.Status.REQUESTED:
        leave.status = LeaveRequest.Status.WITHDRAWN
        leave.save(update_fields=["status", "updated_at"])
        leave_withdrawn_event(actor=actor, leave=leave, cancelled=False, note=note)
        return leave
    if leave.status != LeaveRequest.Status.APPROVED:
        _refuse("status", f"该请假单{leave.get_status_display()}，不能撤回", "closed")
    entries = list(
        leave.entries.filter(status=RosterEntry.Status.LEAVE).select_for_update().order_by("starts_at")
    )
    first = entries[0].starts_at if entries else leave.starts_at
    if now >= first:
        _refuse("status", "假期已经开始，不能再撤销已批准的请假", "already_started")
    leave.status = LeaveRequest.Status.WITHDRAWN
    leave.save(update_fields=["status", "updated_at"])
    for entry in entries:
        entry.status = RosterEntry.Status.SCHEDULED
        entry.leave = None
        entry.save(update_fields=["status", "leave", "updated_at"])
        entry_back_from_leave_event(actor=actor, entry=entry, leave=leave)
    leave_withdrawn_event(actor=actor, leave=leave, cancelled=True, note=note)
    return leave


def may_receive_certificate(actor: User, leave: LeaveRequest) -> bool:
    """The person's team leader takes the certificate (五 交给班长); the department head when the person
    is a team leader themselves or has no team."""
    if actor.pk == leave.person_id:
        return False
    if actor.role == Role.TEAM_LEADER:
        return actor.team_id is not None and actor.team_id == leave.person.team_id
    return actor.role == Role.DEPARTMENT_HEAD


@transaction.atomic
def hand_in_certificate(
    *, actor: User, leave: LeaveRequest, handed_in_at: datetime | None = None
) -> LeaveRequest:
    leave = LeaveRequest.objects.select_for_update().select_related("person").get(pk=leave.pk)
    now = timezone.now()
    handed_in_at = _aware(handed_in_at) if handed_in_at else now
    if not leave.certificate_required:
        _refuse("certificate_handed_in_at", "该请假单无需交医疗证明", "not_required")
    if leave.certificate_handed_in_at is not None:
        when = timezone.localtime(leave.certificate_handed_in_at)
        message = f"证明已于{when:%Y-%m-%d %H:%M}交给{leave.certificate_received_by}"
        _refuse("certificate_handed_in_at", message, "already_handed_in")
    if leave.status not in OPEN:
        _refuse("certificate_handed_in_at", f"该请假单{leave.get_status_display()}，无需交证明", "closed")
    if not may_receive_certificate(actor, leave):
        _refuse(
            "certificate_handed_in_at", "病假证明须交给请假人所在班组的班长（请假制度五）", "not_the_leader"
        )
    if handed_in_at > now + timedelta(minutes=5):
        _refuse("certificate_handed_in_at", "交回时间不能晚于当前时间", "in_the_future")
    leave.certificate_handed_in_at = handed_in_at
    leave.certificate_received_by = actor
    leave.save(update_fields=["certificate_handed_in_at", "certificate_received_by", "updated_at"])
    late = timezone.localtime(handed_in_at).date() > leave.certificate_due_on
    leave_certificate_received_event(
        actor=actor,
        leave=leave,
        changes={
            "certificate_handed_in_at": f"{timezone.localtime(handed_in_at):%Y-%m-%d %H:%M}",
            **({"late": f"晚于应交日期{leave.certificate_due_on:%Y-%m-%d}"} if late else {}),
        },
    )
    return leave


def flag_missing_certificates(now: datetime, *, verbose: bool = False) -> list[str]:
    """The job: a sick leave whose certificate was not handed in by the end of its due day is flagged
    once, and the team leader and the department head are told. Each row is claimed by a conditional
    UPDATE, so two workers running at once flag it once."""
    today = timezone.localtime(now).date()
    due = LeaveRequest.objects.filter(
        certificate_required=True,
        certificate_handed_in_at__isnull=True,
        certificate_missing_flagged_at__isnull=True,
        certificate_due_on__lt=today,
        status__in=OPEN,
    ).values_list("pk", flat=True)
    lines = []
    for pk in list(due[:500]):
        with transaction.atomic():
            claimed = LeaveRequest.objects.filter(pk=pk, certificate_missing_flagged_at__isnull=True).update(
                certificate_missing_flagged_at=now
            )
            if not claimed:
                continue
            leave = LeaveRequest.objects.select_related("person").get(pk=pk)
            leave_certificate_missing_event(
                leave=leave, changes={"certificate_due_on": f"{leave.certificate_due_on:%Y-%m-%d}"}
            )
            leaders = User.objects.filter(is_active=True, role=Role.DEPARTMENT_HEAD)
            if leave.person.team_id:
                leaders = leaders | User.objects.filter(
                    is_active=True, role=Role.TEAM_LEADER, team_id=leave.person.team_id
                )
            message = (
                f"{leave.person}的病假单{leave.number}应于{leave.certificate_due_on:%Y-%m-%d}交回医疗证明，"
                "到期未交（请假制度五：病假满一天须持医疗单位证明方可生效）"
            )
            send_alert(
                recipients=leaders.exclude(pk=leave.person_id),
                kind="workforce.leave_certificate_missing",
                message=message,
                url=_url(leave),
                subject=_subject(leave),
            )
            lines.append(f"病假证明到期未交：{leave.number} {leave.person}")
    if verbose and not lines:
        lines.append("病假证明：无到期未交")
    return lines


def _subject(leave: LeaveRequest) -> str:
    return f"workforce.leaverequest:{leave.pk}"


def _url(leave: LeaveRequest) -> str:
    return reverse("workforce:leave_detail", args=[leave.pk])


def _tell_next_approvers(leave: LeaveRequest) -> None:
    label = current_level_label(leave)
    if not label:
        return
    late = "（未按时提前请假，须经批准方可生效）" if leave.late_notice else ""
    send_alert(
        recipients=approvers_at(leave),
        kind="workforce.leave_awaiting",
        message=f"{leave.person}的{leave.get_kind_display()}单{leave.number}待您（{label}）审批{late}",
        url=_url(leave),
        subject=_subject(leave),
        level=leave.level,
    )


def _tell_person(leave: LeaveRequest, message: str) -> None:
    send_alert(
        recipients=[leave.person],
        kind="workforce.leave_decided",
        message=message,
        url=_url(leave),
        subject=_subject(leave),
        level=leave.decisions.count(),
    )
