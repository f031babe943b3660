"""The incidents' part of each person's home page (`platform.home_panels`): live incidents, and for the
leaders the suspected ones waiting to be confirmed. Shown only when there are some: an empty line about
outages that are not happening is noise on everyone's home page."""

from django.db.models import Count
from django.urls import reverse

from kefu.incidents.models import Incident
from kefu.incidents.permissions import LEAD, READ


def panel(user) -> list[tuple[str, int, str]]:
    if not user.has_perm(READ):
        return []
    live = Incident.objects.visible_to(user).live()
    counts = dict(live.order_by().values("state").annotate(n=Count("id")).values_list("state", "n"))
    items = []
    url = reverse("incidents:list")
    if counts.get(Incident.State.OPEN):
        items.append(("进行中突发事件", counts[Incident.State.OPEN], f"{url}?state=open"))
    if user.has_perm(LEAD) and counts.get(Incident.State.SUSPECTED):
        items.append(("待确认的疑似突发事件", counts[Incident.State.SUSPECTED], f"{url}?state=suspected"))
    return items
