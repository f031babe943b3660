"""The append-only change log shared by every domain (house style: an event with every write).

Each app names its verbs once, in its own `events.py`, as a subclass of `EventVerbs` (one dotted
style, `<noun>.<past participle>`: `work_order.transferred`) with a Chinese label for timelines,
and offers a small constructor per event. Core's own verbs (calendar, policy) are at the end here."""

from functools import cache
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from kefu.core.models import Event


class EventVerbs(models.TextChoices):
    """The base of every app's verbs; its subclasses are the whole catalogue of verbs."""


def record_event(
    *, actor, target: models.Model, verb: str, changes: dict[str, Any] | None = None, note: str = ""
) -> Event:
    """Write one event row. Call inside the service's transaction so both land or neither does.
    `verb` is a member of an app's `EventVerbs` (a plain string only for tests of this function)."""
    return Event.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        verb=str(verb),
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


def verb_labels() -> dict[str, str]:
    """Every verb of every app with its Chinese label (in the active language)."""
    return {verb: str(label) for verb, label in _catalogue().items()}


def verb_label(verb: str) -> str:
    # One lookup per timeline row: the catalogue is gathered once, the label translated when shown.
    label = _catalogue().get(verb)
    return verb if label is None else str(label)


@cache
def _catalogue() -> dict[str, Any]:
    """verb -> lazy label, gathered once: the apps' `events.py` are imported here (core names no
    domain), so a customer's history shows a payment recorded by collection in words."""
    autodiscover_modules("events")
    labels: dict[str, Any] = {}
    for verbs in EventVerbs.__subclasses__():
        labels.update(zip(verbs.values, verbs.labels, strict=True))
    return labels


class CoreEvents(EventVerbs):
    CALENDAR_DAY_SET = "calendar.day_set", _("设置节假日")
    CALENDAR_DAY_CHANGED = "calendar.day_changed", _("修改节假日")
    CALENDAR_DAY_WITHDRAWN = "calendar.day_withdrawn", _("撤销节假日")
    CALENDAR_YEAR_MARKED = "calendar.year_marked", _("标记年度节假日安排")
    POLICY_CHANGED = "policy.changed", _("修改业务规则")
    POLICY_RESTORED = "policy.restored", _("业务规则恢复默认")


def calendar_day_set_event(*, actor, day: models.Model, changes: dict[str, Any]) -> Event:
    return record_event(actor=actor, target=day, verb=CoreEvents.CALENDAR_DAY_SET, changes=changes)


def calendar_day_changed_event(*, actor, day: models.Model, changes: dict[str, Any]) -> Event:
    return record_event(actor=actor, target=day, verb=CoreEvents.CALENDAR_DAY_CHANGED, changes=changes)


def calendar_day_withdrawn_event(*, actor, day: models.Model, note: str = "") -> Event:
    return record_event(actor=actor, target=day, verb=CoreEvents.CALENDAR_DAY_WITHDRAWN, note=note)


def calendar_year_marked_event(*, actor, year: models.Model, changes: dict[str, Any]) -> Event:
    return record_event(actor=actor, target=year, verb=CoreEvents.CALENDAR_YEAR_MARKED, changes=changes)


def policy_changed_event(*, actor, policy: models.Model, old, new) -> Event:
    return record_event(
        actor=actor, target=policy, verb=CoreEvents.POLICY_CHANGED, changes={"value": [old, new]}
    )


def policy_restored_event(*, actor, policy: models.Model, old, new) -> Event:
    return record_event(
        actor=actor, target=policy, verb=CoreEvents.POLICY_RESTORED, changes={"value": [old, new]}
    )
