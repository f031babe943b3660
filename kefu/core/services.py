"""Writes to the calendar overrides and policies, each with its event."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from kefu.core.events import (
    calendar_day_changed_event,
    calendar_day_set_event,
    calendar_day_withdrawn_event,
    calendar_year_marked_event,
    diff,
    policy_changed_event,
    policy_restored_event,
)
from kefu.core.models import CalendarDay, CalendarYear, Policy
from kefu.core.policies import DEFAULTS


@transaction.atomic
def set_calendar_day(*, actor, day: date, kind: str, name: str, note: str = "") -> CalendarDay:
    """Enter or change the override for one day (a holiday or a make-up working day)."""
    if kind not in CalendarDay.Kind.values:
        raise ValidationError({"kind": ["类型只能是“放假”或“调休上班”"]})
    if not (name or "").strip():
        raise ValidationError({"name": ["请填写节日名称，例如“春节”"]})
    existing = CalendarDay.objects.select_for_update().filter(date=day).first()
    values = {"kind": kind, "name": name.strip(), "note": note.strip(), "active": True}
    if existing is None:
        row = CalendarDay.objects.create(date=day, **values)
        calendar_day_set_event(actor=actor, day=row, changes=values | {"date": str(day)})
        return row
    changes = diff(existing, values)
    for field, value in values.items():
        setattr(existing, field, value)
    existing.save()
    if changes:
        calendar_day_changed_event(actor=actor, day=existing, changes=changes)
    return existing


@transaction.atomic
def withdraw_calendar_day(*, actor, row: CalendarDay, reason: str = "") -> CalendarDay:
    row.active = False
    row.save(update_fields=["active", "updated_at"])
    calendar_day_withdrawn_event(actor=actor, day=row, note=reason)
    return row


@transaction.atomic
def mark_year(*, actor, year: int, complete: bool, source: str = "") -> CalendarYear:
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": ["年份应在2000至2100之间"]})
    row, _ = CalendarYear.objects.select_for_update().get_or_create(year=year)
    changes = diff(row, {"complete": complete, "source": source})
    row.complete, row.source = complete, source
    row.save()
    calendar_year_marked_event(actor=actor, year=row, changes=changes)
    return row


@transaction.atomic
def set_policy(*, actor, key: str, value) -> Policy:
    if key not in DEFAULTS:
        raise ValidationError({"key": [f"没有名为 {key} 的业务规则"]})
    # Checked against the rule's kind and bounds and kept in its plain form: a value the callers could
    # not use ("abc" hours, -5 hours) is refused here, for the admin and every other caller alike.
    try:
        value = DEFAULTS[key].stored(value)
    except ValidationError as error:
        raise ValidationError({"value": error.messages}) from None
    row = Policy.objects.select_for_update().filter(key=key).first()
    old = row.value if row else DEFAULTS[key].default
    if row is None:
        row = Policy.objects.create(key=key, value=value, updated_by=actor)
    else:
        row.value, row.updated_by = value, actor
        row.save()
    policy_changed_event(actor=actor, policy=row, old=old, new=value)
    return row


@transaction.atomic
def restore_policy(*, actor, key: str) -> None:
    """Withdraw the administrator's value: the rule follows its default again (and any later change of
    the default in the catalogue). The row goes; the event, naming the rule, stays."""
    if key not in DEFAULTS:
        raise ValidationError({"key": [f"没有名为 {key} 的业务规则"]})
    row = Policy.objects.select_for_update().filter(key=key).first()
    if row is None:
        return  # already the default: nothing changed, nothing to record
    policy_restored_event(actor=actor, policy=row, old=row.value, new=DEFAULTS[key].default)
    row.delete()
