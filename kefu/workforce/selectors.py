"""Reads for the handover pages and API: who is on duty now (from the personal roster), and the
handover list. The roster's own reads are in kefu/workforce/selectors_rosters.py."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import F, QuerySet
from django.utils import timezone

from kefu.accounts.models import Role, Team, User
from kefu.workforce.history import HistoryLine, history_lines
from kefu.workforce.models import Handover, RosterEntry


def team_leaders_of(person: User) -> QuerySet[User]:
    """The active team leaders of the person's team, the person left out (a leader does not approve, or
    hear of, their own leave, swap or case). Empty for someone without a team."""
    if not person.team_id:
        return User.objects.none()
    return User.objects.filter(role=Role.TEAM_LEADER, team_id=person.team_id, is_active=True).exclude(
        pk=person.pk
    )


@dataclass
class OnDuty:
    team: Team | None  # None: rostered people who belong to no team
    members: list[User]
    started_at: datetime  # the earliest start among them (yesterday, for a night shift after midnight)
    ends_at: datetime | None = None  # the latest end among them
    entries: list[RosterEntry] = field(default_factory=list)  # the shifts on now, in members' order


def shift_covers(start: time, end: time, moment: time) -> bool:
    """Whether a shift from start to end covers the time of day. A shift whose end is not after its
    start crosses midnight (16:00–00:00, 22:00–06:00); equal start and end means around the clock."""
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def shift_start_before(start: time, at: datetime) -> datetime:
    """The latest start of this shift at or before `at` (local time)."""
    local = timezone.localtime(at)
    began = timezone.make_aware(datetime.combine(local.date(), start))
    return began if began <= local else began - timedelta(days=1)


def on_duty_now(at: datetime | None = None) -> list[OnDuty]:
    """Who is on duty at `at` (default now), from the personal roster (H13): the people whose scheduled
    shift covers that moment, grouped by team (by team code; people with no team last). Nobody
    rostered: an empty list, which the pages show as such (teams' hours no longer decide it)."""
    at = at or timezone.now()
    entries = (
        RosterEntry.objects.filter(status=RosterEntry.Status.SCHEDULED, starts_at__lte=at, ends_at__gt=at)
        .select_related("person", "person__team", "shift")
        # people without a number after those with one, on SQLite as on PostgreSQL
        .order_by(
            F("person__team__code").asc(nulls_last=True),
            F("person__employee_no").asc(nulls_last=True),
            "person__username",
            "starts_at",
        )
    )
    groups: dict[int | None, OnDuty] = {}
    for entry in entries:
        team = entry.person.team
        duty = groups.get(entry.person.team_id)
        if duty is None:
            duty = groups[entry.person.team_id] = OnDuty(team, [], entry.starts_at, entry.ends_at)
        if entry.person not in duty.members:
            duty.members.append(entry.person)
            duty.entries.append(entry)
        duty.started_at = min(duty.started_at, entry.starts_at)
        duty.ends_at = max(duty.ends_at, entry.ends_at)
    return sorted(groups.values(), key=lambda d: (d.team is None, d.team.code if d.team else ""))


def handovers(*, team: Team | int | None = None, day: date | None = None) -> QuerySet[Handover]:
    """Handovers newest first, those still waiting for the relieving agent at the top."""
    rows = Handover.objects.select_related("team", "handed_over_by", "received_by")
    if team:
        rows = rows.filter(team=team)
    if day:
        # a range on the local day, which the (team, -handed_over_at) index serves; __date would not
        start = timezone.make_aware(datetime.combine(day, time.min))
        rows = rows.filter(handed_over_at__gte=start, handed_over_at__lt=start + timedelta(days=1))
    return rows.pending_first()


FIELD_LABELS = {
    "team": "班组",
    "received_by": "接班人",
    "equipment_state": "设备状况",
    "open_cases": "未结疑难事项",
    "staffing_changes": "人员变动/请假",
    "notes": "其他事项",
}


def history_for(handover: Handover) -> list[HistoryLine]:
    return history_lines(handover, FIELD_LABELS)


# -- attendance and discipline: what the quality and appraisal domain reads (issue 16), defined in
# kefu/workforce/selectors_attendance.py and named here too, where the DisciplineCase model points.
from kefu.workforce.selectors_attendance import attendance_summary, discipline_cases  # noqa: E402, F401
