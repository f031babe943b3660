"""The roster's rules (S1, S4), one checker for every way a roster changes: the month grid, approved
leave, a swap, the generated plan and its publication.

Pure functions over `Block`s (one person's stretch of work) so that the generator's proposal can be
re-checked without touching the database; `person_breaches_in_db` reads what a person already has.

What is refused for one person (each message names the day, the shift and the rule):
- two shifts that overlap;
- back-to-back shifts (连班: one starts when the other ends; 换班制度三);
- a stretch of continuous work longer than `workforce.max_continuous_hours` (exactly 8 is allowed);
- less rest between two shifts than `workforce.min_rest_hours`;
- a shift during approved leave;
- fewer days off than `workforce.days_off_per_week` in some 7 consecutive days (a sliding window, as
  the generator counts them: nobody works ten days in a row across a weekend).
What is flagged for the whole roster: a clock hour with fewer people on duty than
`workforce.min_staff_on_duty` (24-hour coverage).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from kefu.core.policies import policy

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Block:
    """One shift of one person: the label names it in messages (“11-24 中班”)."""

    person_id: int
    starts_at: datetime
    ends_at: datetime
    label: str = ""
    entry_id: int | None = None


@dataclass(frozen=True)
class Breach:
    code: str  # overlap, back_to_back, continuous, rest, leave, coverage
    message: str
    person_id: int | None = None
    at: datetime | None = None
    blocks: tuple[Block, ...] = ()  # the shifts involved


@dataclass(frozen=True)
class Limits:
    max_continuous: timedelta
    min_rest: timedelta
    min_staff: int
    days_off: int = 0  # in every 7 consecutive days; 0 = not checked

    @classmethod
    def from_rules(cls) -> "Limits":
        return cls(
            max_continuous=timedelta(hours=policy("workforce.max_continuous_hours")),
            min_rest=timedelta(hours=policy("workforce.min_rest_hours")),
            min_staff=policy("workforce.min_staff_on_duty"),
            days_off=policy("workforce.days_off_per_week"),
        )


def _hours(span: timedelta) -> str:
    value = span.total_seconds() / 3600
    return f"{value:g}"


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%m-%d %H:%M}"


def person_breaches(
    blocks: Iterable[Block], *, limits: Limits, leave: Iterable[tuple[datetime, datetime]] = ()
) -> list[Breach]:
    """What is wrong with one person's shifts, in time order (the blocks must be one person's)."""
    ordered = sorted(blocks, key=lambda b: (b.starts_at, b.ends_at))
    breaches: list[Breach] = []
    for block in ordered:
        if block.ends_at - block.starts_at > limits.max_continuous:
            breaches.append(
                Breach(
                    "continuous",
                    f"{block.label}连续工作{_hours(block.ends_at - block.starts_at)}小时，"
                    f"超过规定的{_hours(limits.max_continuous)}小时",
                    block.person_id,
                    block.starts_at,
                    (block,),
                )
            )
        for start, end in leave:
            if block.starts_at < end and start < block.ends_at:
                breaches.append(
                    Breach(
                        "leave",
                        f"{block.label}与已批准的请假（{_when(start)}至{_when(end)}）冲突，请假期间不能排班",
                        block.person_id,
                        block.starts_at,
                        (block,),
                    )
                )
                break
    breaches += _days_off_breaches(ordered, limits)
    stretch_start = None
    for previous, block in zip(ordered, ordered[1:], strict=False):
        stretch_start = stretch_start or previous.starts_at
        gap = block.starts_at - previous.ends_at
        if gap < timedelta(0):
            breaches.append(
                Breach(
                    "overlap",
                    f"{block.label}与{previous.label}时间重叠",
                    block.person_id,
                    block.starts_at,
                    (previous, block),
                )
            )
        elif gap == timedelta(0):
            breaches.append(
                Breach(
                    "back_to_back",
                    f"{previous.label}下班即接{block.label}，不允许连班",
                    block.person_id,
                    block.starts_at,
                    (previous, block),
                )
            )
            if block.ends_at - stretch_start > limits.max_continuous:
                breaches.append(
                    Breach(
                        "continuous",
                        f"{previous.label}接{block.label}"
                        f"连续工作{_hours(block.ends_at - stretch_start)}小时，"
                        f"超过规定的{_hours(limits.max_continuous)}小时",
                        block.person_id,
                        block.starts_at,
                        (previous, block),
                    )
                )
            continue  # the stretch goes on
        elif gap < limits.min_rest:
            breaches.append(
                Breach(
                    "rest",
                    f"{previous.label}与{block.label}之间只休息{_hours(gap)}小时，"
                    f"少于规定的{_hours(limits.min_rest)}小时",
                    block.person_id,
                    block.starts_at,
                    (previous, block),
                )
            )
        stretch_start = None
    return breaches


def _days_off_breaches(ordered: list[Block], limits: Limits) -> list[Breach]:
    """Each 7-day window with more days worked than 7 − days off, reported at its last day."""
    if not limits.days_off or not ordered:
        return []
    most = 7 - limits.days_off
    by_day: dict[date, list[Block]] = {}
    for block in ordered:
        by_day.setdefault(timezone.localtime(block.starts_at).date(), []).append(block)
    days = sorted(by_day)
    found = []
    for index, day in enumerate(days):
        window = [d for d in days[: index + 1] if d > day - timedelta(days=7)]
        if len(window) > most:
            block = by_day[day][0]
            found.append(
                Breach(
                    "days_off",
                    f"{block.label}使{window[0]:%m-%d}至{day:%m-%d}的7天内上班{len(window)}天，"
                    f"每7天至少休息{limits.days_off}天",
                    block.person_id,
                    block.starts_at,
                    # every shift of the window is involved: taking any of them away mends it
                    tuple(b for d in window for b in by_day[d]),
                )
            )
    return found


def roster_breaches(
    blocks: Iterable[Block],
    *,
    limits: Limits,
    leave: dict[int, list[tuple[datetime, datetime]]] | None = None,
) -> list[Breach]:
    """Every person's breaches in a set of blocks (the generator's proposal, a month of the roster)."""
    by_person: dict[int, list[Block]] = {}
    for block in blocks:
        by_person.setdefault(block.person_id, []).append(block)
    leave = leave or {}
    found: list[Breach] = []
    for person_id, own in by_person.items():
        found += person_breaches(own, limits=limits, leave=leave.get(person_id, ()))
    return found


def coverage(blocks: Iterable[Block], first_day: date, days: int) -> list[tuple[datetime, int]]:
    """People on duty for the whole of each clock hour of the days (local time), in order."""
    start = timezone.make_aware(datetime.combine(first_day, datetime.min.time()))
    hours = days * 24
    counts = [0] * hours
    for block in blocks:
        first = max(0, _ceil_hours(block.starts_at - start))
        last = min(hours, int((block.ends_at - start) // HOUR))
        for index in range(first, last):
            counts[index] += 1
    return [(start + index * HOUR, counts[index]) for index in range(hours)]


def _ceil_hours(span: timedelta) -> int:
    whole, rest = divmod(span, HOUR)
    return int(whole) + (1 if rest else 0)


def coverage_breaches(blocks: Iterable[Block], first_day: date, days: int, *, limits: Limits) -> list[Breach]:
    """Clock hours with fewer people on duty than the minimum, as flags (not refusals): a roster being
    drawn up is incomplete until the last shift is placed."""
    return [
        Breach(
            "coverage",
            f"{timezone.localtime(hour):%m-%d %H:%M}–{timezone.localtime(hour + HOUR):%H:%M} 在岗{count}人，"
            f"少于最低{limits.min_staff}人（24小时不能空岗）",
            None,
            hour,
        )
        for hour, count in coverage(blocks, first_day, days)
        if count < limits.min_staff
    ]


def block_for(entry, label: str = "") -> Block:
    """A roster entry as a block (entry is a RosterEntry with its shift loaded)."""
    return Block(
        entry.person_id,
        entry.starts_at,
        entry.ends_at,
        label or f"{timezone.localtime(entry.starts_at):%m-%d}{entry.shift.name}",
        entry.pk,
    )


# wider than the longest stretch and rest the rules can ask for, and than the 7 days of the days-off rule
WINDOW = timedelta(days=7)


def person_breaches_in_db(
    person_id: int, adding: Iterable[Block], *, removing: Iterable[int] = (), limits: Limits | None = None
) -> list[Breach]:
    """What would be wrong with a person's roster after adding some shifts and taking others off (by
    entry id): the person's live shifts around the change and their approved leave are read from the
    database. Only the breaches that involve an added shift are returned, so an old problem elsewhere
    does not block a new, correct change."""
    from kefu.workforce.models import LeaveRequest, RosterEntry

    adding = list(adding)
    if not adding:
        return []
    limits = limits or Limits.from_rules()
    first = min(b.starts_at for b in adding) - WINDOW
    last = max(b.ends_at for b in adding) + WINDOW
    removing = set(removing)
    existing = [
        block_for(entry)
        for entry in RosterEntry.objects.filter(
            person_id=person_id,
            status=RosterEntry.Status.SCHEDULED,
            starts_at__lt=last,
            ends_at__gt=first,
        ).select_related("shift")
        if entry.pk not in removing
    ]
    leave = list(
        LeaveRequest.objects.filter(
            person_id=person_id, status=LeaveRequest.Status.APPROVED, starts_at__lt=last, ends_at__gt=first
        ).values_list("starts_at", "ends_at")
    )
    found = [
        breach
        for breach in person_breaches(existing + adding, limits=limits, leave=leave)
        if any(block in adding for block in breach.blocks)
    ]
    # one added day can overfill several overlapping 7-day windows: the first says it
    days_off = [breach for breach in found if breach.code == "days_off"][:1]
    return [breach for breach in found if breach.code != "days_off"] + days_off
