"""Reads shared by the pages, the API, the workspace panel, the dashboard tile and the register."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet

from kefu.accounts.models import ServiceArea
from kefu.core.events import verb_label
from kefu.core.models import Event
from kefu.core.periods import Period
from kefu.core.policies import policy
from kefu.hotline.models import Contact
from kefu.incidents.models import Incident, IncidentContact


def incidents(user, *, state: str = "", q: str = "") -> QuerySet[Incident]:
    rows = (
        Incident.objects.visible_to(user)
        .select_related("responsible_unit")
        .prefetch_related("service_areas")
        .annotate(linked=Count("links"))
    )
    if state:
        rows = rows.filter(state=state)
    if q:
        rows = rows.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(streets__icontains=q))
    return rows.order_by("-started_at", "-id")


def for_caller(*, service_area: ServiceArea | None, address: str = "") -> list[Incident]:
    """The live incidents that concern a caller: in the caller's service area, or naming a street or
    estate that appears in the caller's address. Open before suspected, newest first."""
    live = list(Incident.objects.live().prefetch_related("service_areas").order_by("-started_at"))
    address = (address or "").strip()
    found = []
    for incident in live:
        in_area = service_area is not None and any(
            a.pk == service_area.pk for a in incident.service_areas.all()
        )
        on_street = bool(address) and any(word in address for word in incident.street_list if len(word) >= 2)
        if in_area or on_street:
            found.append(incident)
    found.sort(key=lambda i: (i.state != Incident.State.OPEN, -i.started_at.timestamp()))
    return found


def linked_contacts(user, incident: Incident) -> QuerySet[IncidentContact]:
    return (
        IncidentContact.objects.visible_to(user)
        .filter(incident=incident)
        .select_related(
            "contact__category", "contact__agent", "contact__service_area", "linked_by", "callback_order"
        )
        .order_by("-linked_at", "-id")
    )


FIELD_LABELS = {
    "kind": "事件类型",
    "service_areas": "影响片区",
    "streets": "影响街道/小区",
    "agreed_answer": "统一答复口径",
    "expected_restoration_at": "预计恢复时间",
    "state": "状态",
    "final_answer": "最终答复",
    "contacts": "报修来电",
}


@dataclass
class HistoryLine:
    at: datetime
    actor: str
    action: str
    details: list[str]
    note: str


def history(incident: Incident) -> list[HistoryLine]:
    """The incident's own events, oldest first: declared, each agreed answer (old → new), closed."""
    rows = (
        Event.objects.filter(target_type=ContentType.objects.get_for_model(Incident), target_id=incident.pk)
        .select_related("actor")
        .order_by("occurred_at", "id")[:200]
    )
    lines = []
    for event in rows:
        details = []
        for key, value in event.changes.items():
            label = FIELD_LABELS.get(key, key)
            if isinstance(value, list) and len(value) == 2:
                details.append(f"{label}：{value[0] or '（空）'} → {value[1] or '（空）'}")
            elif value not in ("", None):
                details.append(f"{label}：{value}")
        lines.append(
            HistoryLine(
                event.occurred_at, str(event.actor or "系统"), verb_label(event.verb), details, event.note
            )
        )
    return lines


@dataclass
class Burst:
    service_area: ServiceArea
    contacts: list[Contact]


def bursts(now: datetime) -> list[Burst]:
    """Areas with at least `incidents.auto_contacts` repair contacts in the last
    `incidents.auto_window_minutes`, not yet linked to an incident, in an area with no live incident and
    none dismissed within the window (a leader who dismissed it is not asked again about the same calls)."""
    threshold = policy("incidents.auto_contacts")
    since = now - timedelta(minutes=policy("incidents.auto_window_minutes"))
    recent = Contact.objects.filter(
        received_at__gte=since,
        received_at__lte=now,
        category__code__in=policy("incidents.auto_categories"),
        service_area__isnull=False,
        incident_link__isnull=True,
    )
    busy = (
        recent.values("service_area")
        .annotate(n=Count("id"))
        .filter(n__gte=threshold)
        .values_list("service_area", flat=True)
    )
    covered = set(
        Incident.service_areas.through.objects.filter(
            Q(incident__state__in=(Incident.State.SUSPECTED, Incident.State.OPEN))
            | Q(incident__state=Incident.State.DISMISSED, incident__updated_at__gte=since)
        ).values_list("servicearea_id", flat=True)
    )
    found = []
    for area in (
        ServiceArea.objects.filter(pk__in=list(busy)).exclude(pk__in=covered).select_related("branch")
    ):
        contacts = list(recent.filter(service_area=area).order_by("received_at", "id"))
        found.append(Burst(area, contacts))
    return found


def dashboard(user) -> dict:
    """The KPI dashboard's tile: live incidents and the calls linked to them, in one query."""
    live = Incident.objects.visible_to(user).live()
    return live.aggregate(
        open=Count("id", filter=Q(state=Incident.State.OPEN), distinct=True),
        suspected=Count("id", filter=Q(state=Incident.State.SUSPECTED), distinct=True),
        linked=Count("links"),
    )


def register(period: Period, user=None) -> list[Incident]:
    """The month's register: every incident started in the period (dismissed ones too, marked), with
    its linked calls and callbacks."""
    start, end = period.bounds()
    rows = Incident.objects.all() if user is None else Incident.objects.visible_to(user)
    return list(
        rows.filter(started_at__gte=start, started_at__lt=end)
        .select_related("responsible_unit")
        .prefetch_related("service_areas")
        .annotate(
            linked=Count("links", distinct=True),
            callbacks=Count("links", filter=Q(links__wants_callback=True), distinct=True),
        )
        .order_by("started_at", "id")
    )
