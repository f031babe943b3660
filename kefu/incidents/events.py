"""The incidents' verbs, with the Chinese words the timelines show, and one constructor per event."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from kefu.core.events import EventVerbs, record_event


class IncidentEvents(EventVerbs):
    DECLARED = "incident.declared", _("发布突发事件")
    SUSPECTED = "incident.suspected", _("系统发现疑似突发事件")
    CONFIRMED = "incident.confirmed", _("确认突发事件")
    DISMISSED = "incident.dismissed", _("排除疑似突发事件")
    ANSWER_CHANGED = "incident.answer_changed", _("修改统一答复口径")
    CLOSED = "incident.closed", _("突发事件已恢复")
    CONTACT_LINKED = "incident_contact.linked", _("来电关联突发事件")
    CONTACT_ANSWERED = "incident_contact.answered", _("按最终答复办结关联来电")


def _event(verb, *, actor, target, changes: dict[str, Any] | None = None, note: str = ""):
    return record_event(actor=actor, target=target, verb=verb, changes=changes or {}, note=note)


def incident_declared_event(*, actor, incident, changes: dict[str, Any], note: str = ""):
    return _event(IncidentEvents.DECLARED, actor=actor, target=incident, changes=changes, note=note)


def incident_suspected_event(*, incident, changes: dict[str, Any], note: str = ""):
    return _event(IncidentEvents.SUSPECTED, actor=None, target=incident, changes=changes, note=note)


def incident_confirmed_event(*, actor, incident, changes: dict[str, Any], note: str = ""):
    return _event(IncidentEvents.CONFIRMED, actor=actor, target=incident, changes=changes, note=note)


def incident_dismissed_event(*, actor, incident, note: str):
    return _event(IncidentEvents.DISMISSED, actor=actor, target=incident, note=note)


def incident_answer_changed_event(*, actor, incident, changes: dict[str, Any], note: str = ""):
    return _event(IncidentEvents.ANSWER_CHANGED, actor=actor, target=incident, changes=changes, note=note)


def incident_closed_event(*, actor, incident, changes: dict[str, Any], note: str = ""):
    return _event(IncidentEvents.CLOSED, actor=actor, target=incident, changes=changes, note=note)


def contact_linked_event(*, actor, link, note: str = ""):
    return _event(
        IncidentEvents.CONTACT_LINKED,
        actor=actor,
        target=link,
        changes={"incident": link.incident.number, "contact": link.contact.number},
        note=note,
    )


def contact_answered_event(*, actor, link, note: str = ""):
    return _event(
        IncidentEvents.CONTACT_ANSWERED,
        actor=actor,
        target=link,
        changes={"incident": link.incident.number, "contact": link.contact.number},
        note=note,
    )
