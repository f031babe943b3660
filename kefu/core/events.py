"""The append-only change log shared by every domain (house style: an event with every write)."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from kefu.core.models import Event


def record_event(
    *, actor, target: models.Model, verb: str, changes: dict[str, Any] | None = None, note: str = ""
) -> Event:
    """Write one event row. Call inside the service's transaction so both land or neither does."""
    return Event.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=True),
        target_id=target.pk,
        target_repr=str(target)[:200],
        changes=changes or {},
        note=note,
    )


def diff(instance: models.Model, new_values: dict[str, Any]) -> dict[str, list]:
    """{field: [old, new]} for the fields whose value changes, as JSON-safe strings."""
    changed = {}
    for field, new in new_values.items():
        old = getattr(instance, field)
        if old != new:
            changed[field] = [_plain(old), _plain(new)]
    return changed


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


def events_for(target: models.Model):
    return Event.objects.filter(
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=True), target_id=target.pk
    ).select_related("actor")
