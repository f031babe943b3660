"""Incidents made the way the app makes them: declared through the services by a leader."""

from datetime import datetime

import time_machine

from kefu.incidents import services
from kefu.incidents.models import Incident


def declare(world, *, at: datetime | None = None, areas=None, **fields) -> Incident:
    """An open incident in the west (文三路) declared by the world's team leader."""
    data = {
        "kind": Incident.Kind.BURST_MAIN,
        "title": "文三路DN300爆管",
        "service_areas": [world.west_area] if areas is None else areas,
        "streets": "文三路、华星小区",
        "cause": "DN300供水管道爆裂",
        "agreed_answer": "文三路DN300管道爆管抢修中，预计18:00恢复供水，敬请谅解。",
    }
    data.update(fields)
    if at is None:
        return services.declare_incident(actor=world.leader, **data)
    with time_machine.travel(at, tick=False):
        return services.declare_incident(actor=world.leader, started_at=data.pop("started_at", at), **data)


def link(world, incident, *, actor=None, at: datetime | None = None, **fields):
    data = {"matter": "家里没水了", "customer": world.customer}
    data.update(fields)
    if at is None:
        return services.link_contact(actor=actor or world.agent, incident=incident, **data)
    with time_machine.travel(at, tick=False):
        return services.link_contact(actor=actor or world.agent, incident=incident, **data)
