"""The shift hand-over's verbs, and one constructor per event."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from kefu.core.events import EventVerbs, record_event


class HandoverEvents(EventVerbs):
    RECORDED = "handover.recorded", _("交班")
    RECEIVED = "handover.received", _("接班确认")
    CORRECTED = "handover.corrected", _("更正")


def handover_recorded_event(*, actor, handover, changes: dict[str, Any], note: str = ""):
    return record_event(
        actor=actor, target=handover, verb=HandoverEvents.RECORDED, changes=changes, note=note
    )


def handover_received_event(*, actor, handover, note: str = ""):
    return record_event(
        actor=actor,
        target=handover,
        verb=HandoverEvents.RECEIVED,
        changes={"received_by": str(actor)},
        note=note,
    )


def handover_corrected_event(*, actor, handover, changes: dict[str, Any], note: str = ""):
    return record_event(
        actor=actor, target=handover, verb=HandoverEvents.CORRECTED, changes=changes, note=note
    )
