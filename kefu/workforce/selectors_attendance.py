"""Reads of attendance and discipline: who may see which rows, the team leader's day, and the two
selectors the quality and appraisal domain (issue 16) reads.

For the quality and appraisal domain
------------------------------------
- `discipline_cases(person=None, start=, end=)` — the discipline cases (迟到, 擅离岗位, 旷工) that
  occurred from `start` to `end` inclusive (local dates), oldest first, with person, entry, shift and
  swap loaded. Cases withdrawn by an attendance correction (closed with outcome 考勤更正: the lateness
  or absence did not happen) are left out unless `include_withdrawn=True`. Open and closed cases are
  both returned: a closed case is a handled breach, still a breach for the appraisal.
- `attendance_summary(person=, start=, end=)` — one person's figures for the period as a dict:
  shifts_rostered, shifts_on_leave, shifts_worked, late_count, minutes_late, late_cases,
  absences (旷工 cases), away_cases.
Both are unscoped: the caller checks who may read them (`discipline_visible_to`, or its own rule).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from kefu.accounts.models import Role, Team, User
from kefu.core.policies import policy
from kefu.workforce.models import Attendance, DisciplineCase, PostAbsence, RosterEntry

# A correction that removes the lateness (or the absence) closes the case with this outcome rather
# than deleting it; the appraisal leaves such cases out.
WITHDRAWN_OUTCOME = "考勤更正"

# Roles that see the attendance and discipline of everyone (the department, the center, quality).
SEE_ALL = (Role.DEPARTMENT_HEAD, Role.CENTER_DIRECTOR, Role.QA_INSPECTOR)


def sees_all(user) -> bool:
    return bool(user.is_superuser or user.role in SEE_ALL)


def leads_team(user) -> bool:
    return user.role == Role.TEAM_LEADER and bool(user.team_id)


def _scope(user, rows: QuerySet, person_field: str) -> QuerySet:
    """Own rows; a team leader's team's; everyone's for the department head, director and quality."""
    if sees_all(user):
        return rows
    mine = Q(**{person_field: user.pk})
    if leads_team(user):
        return rows.filter(mine | Q(**{f"{person_field}__team_id": user.team_id}))
    return rows.filter(mine)


def entries_visible_to(user) -> QuerySet[RosterEntry]:
    if not (user.has_perm("workforce.view_attendance") or user.has_perm("workforce.view_rosterentry")):
        raise PermissionDenied("您的角色没有此项权限")
    return _scope(user, RosterEntry.objects.all(), "person")


def attendance_visible_to(user) -> QuerySet[Attendance]:
    """The visibility rule for attendance rows, shared by the pages and the API."""
    if not user.has_perm("workforce.view_attendance"):
        raise PermissionDenied("您的角色没有此项权限")
    return _scope(user, Attendance.objects.select_related("entry__person", "entry__shift"), "entry__person")


def discipline_visible_to(user) -> QuerySet[DisciplineCase]:
    """The visibility rule for discipline cases: one's own (with view_attendance, on the sign-in
    page), the team leader's team, everyone for the head, the director and quality inspection."""
    if not (user.has_perm("workforce.view_disciplinecase") or user.has_perm("workforce.view_attendance")):
        raise PermissionDenied("您的角色没有此项权限")
    rows = DisciplineCase.objects.select_related("person", "entry__shift", "closed_by", "swap")
    if not user.has_perm("workforce.view_disciplinecase"):
        return rows.filter(person=user)
    return _scope(user, rows, "person")


def absences_visible_to(user) -> QuerySet[PostAbsence]:
    if not user.has_perm("workforce.view_attendance"):
        raise PermissionDenied("您的角色没有此项权限")
    return _scope(
        user,
        PostAbsence.objects.select_related("entry__person", "permitted_by", "recorded_by"),
        "entry__person",
    )


def teams_for(user) -> QuerySet[Team]:
    """The teams whose attendance this user manages or reads on the attendance page."""
    teams = Team.objects.filter(active=True)
    if sees_all(user):
        return teams
    if user.team_id:
        return teams.filter(pk=user.team_id)
    return teams.none()


# ---- the sign-in page


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def current_or_next_entry(person: User, at: datetime | None = None) -> RosterEntry | None:
    """The person's scheduled shift under way at `at`, else the next one within a week."""
    at = at or timezone.now()
    return (
        RosterEntry.objects.filter(
            person=person,
            status=RosterEntry.Status.SCHEDULED,
            ends_at__gt=at,
            starts_at__lt=at + timedelta(days=7),
        )
        .select_related("shift", "attendance")
        .order_by("starts_at")
        .first()
    )


def entry_to_sign_out(person: User, at: datetime | None = None) -> RosterEntry | None:
    """The person's shift signed in for and not yet signed out (the sign-out button's shift)."""
    at = at or timezone.now()
    return (
        RosterEntry.objects.filter(
            person=person,
            status=RosterEntry.Status.SCHEDULED,
            starts_at__lte=at,
            starts_at__gte=at - timedelta(days=2),
            attendance__signed_in_at__isnull=False,
            attendance__signed_out_at__isnull=True,
        )
        .select_related("shift", "attendance")
        .order_by("starts_at")
        .first()
    )


def month_entries(person: User, year: int, month: int) -> list[RosterEntry]:
    """The person's live shifts of the month, each with its attendance (or None)."""
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    rows = (
        RosterEntry.objects.filter(
            person=person,
            status__in=[RosterEntry.Status.SCHEDULED, RosterEntry.Status.LEAVE],
            starts_at__gte=_day_start(first),
            starts_at__lt=_day_start(following),
        )
        .select_related("shift")
        .order_by("starts_at")
    )
    attendance = {a.entry_id: a for a in Attendance.objects.filter(entry__in=rows)}
    entries = list(rows)
    for entry in entries:
        entry.attendance_row = attendance.get(entry.pk)
    return entries


# ---- the team leader's day


@dataclass
class DayRow:
    entry: RosterEntry
    attendance: Attendance | None
    absences: list[PostAbsence] = field(default_factory=list)
    cases: list[DisciplineCase] = field(default_factory=list)
    roll_call_open: bool = False
    late: bool = False  # late by the discipline limit or more (shown red)

    @property
    def person(self) -> User:
        return self.entry.person


def day_rows(user, *, day: date, team: Team | None, at: datetime | None = None) -> list[DayRow]:
    """The shifts starting on `day` (of one team, or all the user may see), with sign-in, roll call,
    absences and cases; roll call opens `workforce.roll_call_minutes` before each shift."""
    at = at or timezone.now()
    start = _day_start(day)
    entries = entries_visible_to(user).filter(
        starts_at__gte=start,
        starts_at__lt=start + timedelta(days=1),
        status__in=[RosterEntry.Status.SCHEDULED, RosterEntry.Status.LEAVE],
    )
    if team is not None:
        entries = entries.filter(person__team=team)
    entries = list(entries.select_related("person", "shift").order_by("starts_at", "person__employee_no"))
    ids = [e.pk for e in entries]
    attendance = {a.entry_id: a for a in Attendance.objects.filter(entry_id__in=ids)}
    absences: dict[int, list[PostAbsence]] = {}
    for absence in (
        PostAbsence.objects.filter(entry_id__in=ids).select_related("permitted_by").order_by("left_at")
    ):
        absences.setdefault(absence.entry_id, []).append(absence)
    cases: dict[int, list[DisciplineCase]] = {}
    for case in DisciplineCase.objects.filter(entry_id__in=ids).select_related("person"):
        cases.setdefault(case.entry_id, []).append(case)
    opens = timedelta(minutes=policy("workforce.roll_call_minutes"))
    late_limit = policy("workforce.late_case_minutes")
    rows = []
    for entry in entries:
        row = attendance.get(entry.pk)
        rows.append(
            DayRow(
                entry=entry,
                attendance=row,
                absences=absences.get(entry.pk, []),
                cases=cases.get(entry.pk, []),
                roll_call_open=entry.status == RosterEntry.Status.SCHEDULED
                and entry.starts_at - opens <= at < entry.ends_at,
                late=bool(row and row.minutes_late >= late_limit),
            )
        )
    return rows


# ---- for the quality and appraisal domain (issue 16)


def discipline_cases(
    *, person: User | None = None, start: date, end: date, include_withdrawn: bool = False
) -> QuerySet[DisciplineCase]:
    """The discipline cases that occurred from `start` to `end` (inclusive), of one person or all,
    oldest first. Unscoped: the caller decides who may read them (see the module's docstring)."""
    rows = DisciplineCase.objects.filter(occurred_on__gte=start, occurred_on__lte=end)
    if person is not None:
        rows = rows.filter(person=person)
    if not include_withdrawn:
        rows = rows.exclude(status=DisciplineCase.Status.CLOSED, outcome=WITHDRAWN_OUTCOME)
    return rows.select_related("person", "entry__shift", "swap", "closed_by").order_by("occurred_on", "id")


def attendance_summary(*, person: User, start: date, end: date) -> dict[str, int]:
    """One person's attendance from `start` to `end` (inclusive, by the day each shift begins):
    shifts_rostered (scheduled), shifts_on_leave, shifts_worked (signed in), late_count (signed in
    late by a minute or more), minutes_late, late_cases, absences (旷工), away_cases (擅离岗位)."""
    entries = RosterEntry.objects.filter(
        person=person, starts_at__gte=_day_start(start), starts_at__lt=_day_start(end + timedelta(days=1))
    )
    counts = entries.aggregate(
        rostered=Count("id", filter=Q(status=RosterEntry.Status.SCHEDULED)),
        on_leave=Count("id", filter=Q(status=RosterEntry.Status.LEAVE)),
    )
    worked = Attendance.objects.filter(
        entry__in=entries.filter(status=RosterEntry.Status.SCHEDULED), signed_in_at__isnull=False
    ).aggregate(
        worked=Count("id"),
        late=Count("id", filter=Q(minutes_late__gt=0)),
        minutes=Sum("minutes_late"),
    )
    kinds = dict(
        discipline_cases(person=person, start=start, end=end)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    return {
        "shifts_rostered": counts["rostered"],
        "shifts_on_leave": counts["on_leave"],
        "shifts_worked": worked["worked"],
        "late_count": worked["late"],
        "minutes_late": worked["minutes"] or 0,
        "late_cases": kinds.get(DisciplineCase.Kind.LATE, 0),
        "absences": kinds.get(DisciplineCase.Kind.ABSENT, 0),
        "away_cases": kinds.get(DisciplineCase.Kind.AWAY, 0),
    }
