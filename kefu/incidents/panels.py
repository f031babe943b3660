"""The workspace's caller panel (platform.caller_panels): the live incidents in the caller's area,
first on the page, with the agreed answer to read out and the one-click link."""

from django.template.loader import render_to_string

from kefu.core.permissions import can
from kefu.incidents import selectors


def incident_panel(request, caller: dict) -> str:
    """`caller`: customer, service_area, address, phone as the workspace knows them so far."""
    if not can(request.user, "incidents.view_incident"):
        return ""
    found = selectors.for_caller(service_area=caller.get("service_area"), address=caller.get("address") or "")
    if not found:
        return ""
    return render_to_string(
        "incidents/_caller_panel.html",
        {"incidents": found, "can_link": can(request.user, "hotline.add_contact")},
        request=request,
    )
