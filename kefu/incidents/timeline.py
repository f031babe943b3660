"""The incidents' part of the customer timeline (kefu.core.timeline, A2): the customer's calls that were
absorbed by an incident, with the incident and, once it is over, its final answer.

Visibility is the incident's (`IncidentContact.visible_to`); one bounded query, the newest `limit`."""

from django.urls import reverse

from kefu.core.timeline import TimelineEntry, TimelineKind, timeline_source
from kefu.incidents.models import IncidentContact
from kefu.incidents.permissions import READ

INCIDENT = TimelineKind("incident", "突发事件", 15)


@timeline_source(INCIDENT)
def customer_timeline(customer, user, *, kinds: set[str], limit: int) -> list[TimelineEntry]:
    if INCIDENT.code not in kinds or not user.has_perm(READ):
        return []
    links = (
        IncidentContact.objects.visible_to(user)
        .filter(contact__customer=customer)
        .select_related("incident", "contact", "linked_by")
        .order_by("-linked_at", "-id")[:limit]
    )
    return [_entry(link) for link in links]


def _entry(link: IncidentContact) -> TimelineEntry:
    incident = link.incident
    summary = (
        f"{link.contact.number} 来电关联突发事件{incident.number}"
        f"（{incident.get_kind_display()}：{incident.title}）"
    )
    if incident.final_answer:
        summary += f"，已恢复：{incident.final_answer[:60]}"
    if link.wants_callback:
        summary += "；客户要求恢复后回电"
    return INCIDENT.entry(
        at=link.linked_at,
        summary=summary,
        actor=str(link.linked_by),
        url=reverse("incidents:detail", args=[incident.pk]),
    )
