"""Fetch an incident only for a user allowed to see it (or to lead it): one pair for pages and API."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from kefu.core.params import object_id
from kefu.core.permissions import require
from kefu.incidents.models import Incident

READ = "incidents.view_incident"
LEAD = "incidents.declare_incident"


def get_incident_for(user, pk) -> Incident:
    """403 without the right to read incidents; 404 when the incident is outside the user's scope
    (a unit sees its own incidents and those in its service areas)."""
    require(user, READ)
    pk = object_id(pk)  # the shared id rule: int() would read "+12" or "١٢"
    incident = (
        Incident.objects.visible_to(user)
        .select_related("responsible_unit", "declared_by", "closed_by", "planned_outage")
        .filter(pk=pk)
        .first()
        if pk is not None
        else None
    )
    if incident is None:
        raise Http404("突发事件不存在")
    return incident


def get_incident_to_lead(user, pk) -> Incident:
    """The same incident for a leader who confirms, dismisses, edits the agreed answer or closes it."""
    incident = get_incident_for(user, pk)
    if not user.has_perm(LEAD):
        raise PermissionDenied("只有班长、客服部主任或中心主任可以发布、确认和关闭突发事件")
    return incident


def get_incident_to_link(user, pk) -> Incident:
    """The incident an agent links a caller's contact to: live, and the agent may record contacts."""
    require(user, "hotline.add_contact")
    return get_incident_for(user, pk)


def can_lead(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_perm(LEAD))
