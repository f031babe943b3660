"""Telephony's verbs: one audit event per PBX event on the call, in the PBX account's name."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from kefu.core.events import EventVerbs, record_event
from kefu.telephony.models import EventType


class CallEvents(EventVerbs):
    RANG = "call.rang", _("振铃")
    ANSWERED = "call.answered", _("接听")
    HUNG_UP = "call.hung_up", _("挂机")


# The PBX's own event names (CallEvent.event_type) and the verb each is recorded under.
FOR_PBX_EVENT = {
    EventType.RING: CallEvents.RANG,
    EventType.ANSWER: CallEvents.ANSWERED,
    EventType.HANGUP: CallEvents.HUNG_UP,
}


def call_event_recorded_event(*, actor, call, pbx_event: str, changes: dict[str, Any]):
    return record_event(actor=actor, target=call, verb=FOR_PBX_EVENT[pbx_event], changes=changes)
