"""The incidents' background job, run by `manage.py worker` on every pass: find suspected incidents."""

from datetime import datetime

from kefu.core.registry import Job
from kefu.incidents import selectors, services


def declare_suspected(now: datetime, *, verbose: bool = False) -> list[str]:
    """N repair contacts from one area within M minutes (incidents.auto_contacts,
    incidents.auto_window_minutes): a suspected incident per area, the leaders alerted. An area with a
    live incident is skipped, so running twice declares once."""
    lines = []
    for burst in selectors.bursts(now):
        incident = services.suspect_incident(
            service_area=burst.service_area, contacts=burst.contacts, now=now
        )
        lines.append(f"疑似突发事件 {incident.number}：{burst.service_area.name} 报修{len(burst.contacts)}件")
    if verbose and not lines:
        lines.append("未发现疑似突发事件")
    return lines


JOBS = [Job("incidents.detect", "突发事件自动发现", declare_suspected, order=15)]
