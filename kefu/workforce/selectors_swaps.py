"""Reads for the swap pages, the API and the attendance job: who sees which swap, what waits for whom,
the swap register (换班登记表) of a month, and the parties of a swapped shift."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.workforce.history import HistoryLine, history_lines
from kefu.workforce.models import RosterEntry, ShiftSwap

# Who sees every swap: the department head and the center director (they approve or oversee).
SEES_ALL = (Role.DEPARTMENT_HEAD, Role.CENTER_DIRECTOR)
# How far ahead the form offers shifts to swap.
OFFER_DAYS = 62


def span_text(entry: RosterEntry) -> str:
    """“16:00–24:00”: a shift's hours as the roster names them (an end at midnight is 24:00)."""
    start, end = timezone.localtime(entry.starts_at), timezone.localtime(entry.ends_at)
    until = "24:00" if end.hour == end.minute == 0 and end.date() > start.date() else f"{end:%H:%M}"
    return f"{start:%H:%M}–{until}"


def _with_relations(rows: QuerySet[ShiftSwap]) -> QuerySet[ShiftSwap]:
    return rows.select_related(
        "requester", "colleague", "given_entry__shift", "taken_entry__shift", "returns"
    )


def visible_to(user) -> QuerySet[ShiftSwap]:
    """The visibility rule for swaps, shared by pages and API: one's own (either party); a team leader's
    team's (either party in the team); the department head's and the center director's: all."""
    rows = _with_relations(ShiftSwap.objects.all())
    if not getattr(user, "is_authenticated", False):
        return rows.none()
    if user.role in SEES_ALL:
        return rows
    mine = Q(requester=user) | Q(colleague=user)
    if user.role == Role.TEAM_LEADER and user.team_id:
        mine |= Q(requester__team_id=user.team_id) | Q(colleague__team_id=user.team_id)
    return rows.filter(mine)


def mine(user) -> QuerySet[ShiftSwap]:
    return _with_relations(ShiftSwap.objects.filter(Q(requester=user) | Q(colleague=user)))


def awaiting(user) -> QuerySet[ShiftSwap]:
    """Swaps waiting for this user's approval (listed as an approver, not yet approved). The approvers
    are a JSON list, which SQLite cannot search: the few swaps still asked are read and sifted."""
    asked = ShiftSwap.objects.filter(status=ShiftSwap.Status.REQUESTED).values_list(
        "pk", "approvers", "approved_by"
    )
    ids = [pk for pk, approvers, approved in asked if user.pk in approvers and user.pk not in approved]
    return _with_relations(ShiftSwap.objects.filter(pk__in=ids)).order_by("given_entry__starts_at", "pk")


def month_range(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    return first, (first + timedelta(days=32)).replace(day=1)


def register(user, *, year: int, month: int, status: str = "") -> QuerySet[ShiftSwap]:
    """The swap register (换班登记表) of a month: the visible swaps whose given shift is in the month,
    in the order of the shifts."""
    first, following = month_range(year, month)
    rows = visible_to(user).filter(given_entry__day__gte=first, given_entry__day__lt=following)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("given_entry__starts_at", "pk")


def approver_names(swaps) -> dict[int, str]:
    """id → name of everyone who approves one of these swaps (one query for a page of them)."""
    ids = {pk for swap in swaps for pk in swap.approvers}
    return {user.pk: str(user) for user in User.objects.filter(pk__in=ids)}


@dataclass
class Approval:
    user: str
    user_id: int
    approved: bool


def approvals(swap: ShiftSwap, names: dict[int, str] | None = None) -> list[Approval]:
    names = names if names is not None else approver_names([swap])
    return [Approval(names.get(pk, f"#{pk}"), pk, pk in swap.approved_by) for pk in swap.approvers]


def swap_parties(entry: RosterEntry) -> list[User]:
    """The two people of the swap that made or moved this roster entry (换班制度五: an empty swapped
    shift is 旷工 for both); empty when the entry has nothing to do with a swap."""
    if not entry.swap_id:
        return []
    swap = ShiftSwap.objects.select_related("requester", "colleague").get(pk=entry.swap_id)
    return [swap.requester, swap.colleague]


def upcoming_entries(person: User, *, now: datetime | None = None) -> QuerySet[RosterEntry]:
    """A person's shifts still to come that a swap can give away (在班, not started)."""
    now = now or timezone.now()
    return (
        RosterEntry.objects.filter(
            person=person,
            status=RosterEntry.Status.SCHEDULED,
            starts_at__gt=now,
            starts_at__lt=now + timedelta(days=OFFER_DAYS),
        )
        .select_related("shift", "person")
        .order_by("starts_at")
    )


def colleagues_for(user) -> QuerySet[User]:
    """Whom the user may swap with: active people of the same role (换班制度四, 同工种)."""
    return (
        User.objects.filter(is_active=True, role=user.role)
        .exclude(pk=user.pk)
        .order_by("employee_no", "username")
    )


def colleagues_shifts(user, *, now: datetime | None = None) -> QuerySet[RosterEntry]:
    """The upcoming shifts of everyone the user may swap with, for the "换入的班" select."""
    now = now or timezone.now()
    return (
        RosterEntry.objects.filter(
            person__in=colleagues_for(user),
            status=RosterEntry.Status.SCHEDULED,
            starts_at__gt=now,
            starts_at__lt=now + timedelta(days=OFFER_DAYS),
        )
        .select_related("shift", "person")
        .order_by("person__name", "starts_at")
    )


def returnable(user) -> QuerySet[ShiftSwap]:
    """The approved swaps of this user not yet returned: what a return swap (还班) may point at."""
    live = (ShiftSwap.Status.REQUESTED, ShiftSwap.Status.APPROVED)
    returned = ShiftSwap.objects.filter(returns__isnull=False, status__in=live).values("returns_id")
    return (
        mine(user)
        .filter(status=ShiftSwap.Status.APPROVED, taken_entry__isnull=True)
        .exclude(pk__in=returned)
        .order_by("-created_at")
    )


FIELD_LABELS = {
    "colleague": "对方",
    "given_entry": "换出的班",
    "taken_entry": "换入的班",
    "returns": "所还的换班",
    "approvers": "批准人",
    "approved_by": "批准人",
    "reason": "事由",
    "status": "状态",
}


def history_for(swap: ShiftSwap) -> list[HistoryLine]:
    return history_lines(swap, FIELD_LABELS)
