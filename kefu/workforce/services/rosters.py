"""The personal roster (个人排班, S1): putting a person on a shift, taking a shift off, changing one
cell of the month grid. Every change is checked by kefu/workforce/roster_rules.py, the one checker
leave, swaps and the generated plans use too; a refusal carries every reason at once."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from kefu.accounts.models import Role, User
from kefu.workforce.events import roster_assigned_event, roster_cancelled_event
from kefu.workforce.models import Attendance, RosterEntry, Shift
from kefu.workforce.roster_rules import Block, person_breaches_in_db

# Who is on the roster: the hotline's agents and their team leaders (a team leader takes calls too).
ROSTERED_ROLES = (Role.AGENT, Role.TEAM_LEADER)
LIVE = (RosterEntry.Status.SCHEDULED, RosterEntry.Status.LEAVE)
SEPARATOR = "；"


def can_be_rostered(person: User) -> bool:
    return bool(person.is_active and person.role in ROSTERED_ROLES)


def _check_person(person: User) -> None:
    if not person.is_active:
        raise ValidationError({"person": f"{person}已停用，不能排班"})
    if person.role not in ROSTERED_ROLES:
        role = person.role_label
        raise ValidationError({"person": f"{person}的角色是{role}，只有话务员和班长可以排班"})


def _lock_person(person: User) -> None:
    # Two changes to one person's roster at once would each pass the checker alone (two shifts
    # back to back): they queue on the person's row.
    User.objects.select_for_update().filter(pk=person.pk).first()


def _check_new_shift(
    *, person: User, day: date, shift: Shift, removing: tuple[int, ...] = ()
) -> tuple[Block, list[str]]:
    """The block the new shift would be, and every reason it cannot be (empty when it can)."""
    if not shift.active:
        raise ValidationError({"shift": f"班次“{shift.name}”已停用，不能排班"})
    starts_at, ends_at = shift.span(day)
    block = Block(person.pk, starts_at, ends_at, f"{day:%m-%d}{shift.name}")
    duplicate = (
        RosterEntry.objects.filter(person=person, starts_at=starts_at, status__in=LIVE)
        .exclude(pk__in=removing)
        .select_related("shift")
        .first()
    )
    if duplicate is not None:
        raise ValidationError(
            {
                "shift": f"{person}在{day:%Y-%m-%d}已排{duplicate.shift.name}"
                f"（{duplicate.get_status_display()}），不能重复排班"
            }
        )
    return block, [breach.message for breach in person_breaches_in_db(person.pk, [block], removing=removing)]


def _create(*, actor: User, person: User, day: date, shift: Shift, block: Block, note: str) -> RosterEntry:
    entry = RosterEntry.objects.create(
        person=person,
        day=day,
        shift=shift,
        starts_at=block.starts_at,
        ends_at=block.ends_at,
        status=RosterEntry.Status.SCHEDULED,
        source=RosterEntry.Source.MANUAL,
        note=note.strip()[:200],
    )
    roster_assigned_event(actor=actor, entry=entry, note=note.strip())
    return entry


@transaction.atomic
def assign_shift(*, actor: User, person: User, day: date, shift: Shift, note: str = "") -> RosterEntry:
    """Put a person on a shift on a day (the day the shift starts). Refused, with every reason, when
    the person cannot be rostered, already has that shift, or the rules say no (overlap, 连班, more
    than the continuous hours, too little rest, approved leave)."""
    _check_person(person)
    _lock_person(person)
    block, reasons = _check_new_shift(person=person, day=day, shift=shift)
    if reasons:
        raise ValidationError({"shift": SEPARATOR.join(reasons)})
    return _create(actor=actor, person=person, day=day, shift=shift, block=block, note=note)


def _lock_cancellable(entry: RosterEntry) -> RosterEntry:
    entry = (
        RosterEntry.objects.select_for_update(of=("self",)).select_related("person", "shift").get(pk=entry.pk)
    )
    if entry.status != RosterEntry.Status.SCHEDULED:
        raise ValidationError(
            {"entry": f"{entry}当前为“{entry.get_status_display()}”，只有在班的排班可以撤销或更改"}
        )
    if Attendance.objects.filter(entry=entry, signed_in_at__isnull=False).exists():
        raise ValidationError({"entry": f"{entry}已签到上班，不能撤销或更改"})
    return entry


def _cancel(*, actor: User, entry: RosterEntry, reason: str) -> RosterEntry:
    old_status = entry.get_status_display()
    entry.status = RosterEntry.Status.CANCELLED
    entry.save(update_fields=["status", "updated_at"])
    roster_cancelled_event(actor=actor, entry=entry, old_status=old_status, reason=reason)
    return entry


@transaction.atomic
def cancel_entry(*, actor: User, entry: RosterEntry, reason: str) -> RosterEntry:
    """Take a shift off the roster. The entry stays, marked 已撤销, with the reason in its history."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "撤销排班须填写原因"})
    entry = _lock_cancellable(entry)
    return _cancel(actor=actor, entry=entry, reason=reason)


@transaction.atomic
def replace_shift(*, actor: User, entry: RosterEntry, shift: Shift, reason: str = "") -> RosterEntry:
    """Change one cell of the grid (白班 → 夜班): the old entry is cancelled and the new one made in one
    transaction, the new shift checked as if the old one were already gone."""
    entry = _lock_cancellable(entry)
    if entry.shift_id == shift.pk:
        raise ValidationError({"shift": f"{entry}已是{shift.name}，无需更改"})
    person = entry.person
    _check_person(person)
    _lock_person(person)
    block, reasons = _check_new_shift(person=person, day=entry.day, shift=shift, removing=(entry.pk,))
    if reasons:
        raise ValidationError({"shift": SEPARATOR.join(reasons)})
    reason = (reason or "").strip() or f"改为{shift.name}"
    _cancel(actor=actor, entry=entry, reason=reason)
    return _create(actor=actor, person=person, day=entry.day, shift=shift, block=block, note=reason)
