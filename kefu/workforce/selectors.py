"""Reads for the handover pages and API: who is on duty now, and the handover list."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from kefu.accounts.models import Team, User
from kefu.core.events import events_for, verb_label
from kefu.workforce.models import Handover


@dataclass
class OnDuty:
    team: Team
    members: list[User]
    started_at: datetime  # when the shift on now began (yesterday, for a night shift after midnight)


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
    """The active teams whose shift covers `at` (default now), each with its active members."""
    at = at or timezone.now()
    moment = timezone.localtime(at).time()
    teams = (
        Team.objects.filter(active=True, shift_start__isnull=False, shift_end__isnull=False)
        .select_related("department")
        .prefetch_related(
            Prefetch(
                "staff", queryset=User.objects.filter(is_active=True).order_by("employee_no", "username")
            )
        )
        .order_by("code")
    )
    return [
        OnDuty(team=team, members=list(team.staff.all()), started_at=shift_start_before(team.shift_start, at))
        for team in teams
        if shift_covers(team.shift_start, team.shift_end, moment)
    ]


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


@dataclass
class HistoryLine:
    occurred_at: datetime
    actor: str
    action: str
    details: list[str]
    note: str


def history_for(handover: Handover) -> list[HistoryLine]:
    lines = []
    for event in events_for(handover)[:50]:
        details = []
        for key, value in event.changes.items():
            label = FIELD_LABELS.get(key, key)
            if isinstance(value, list) and len(value) == 2:
                details.append(f"{label}：{value[0] or '（空）'} → {value[1] or '（空）'}")
            elif value:
                details.append(f"{label}：{value}")
        lines.append(
            HistoryLine(
                event.occurred_at,
                str(event.actor or "系统"),
                verb_label(event.verb),
                details,
                event.note,
            )
        )
    return lines
