"""The hotline's background job, run by `manage.py worker` on every pass (W3, H9)."""

from datetime import datetime

from kefu.core.registry import Job
from kefu.hotline.services.deadlines import scan


def scan_deadlines(now: datetime, *, verbose: bool = False) -> list[str]:
    """Due-soon and overdue alerts, escalation level by level, callbacks due. The counts are printed
    when the scan wrote new alerts, or when asked (a single pass, or -v 2)."""
    result = scan(now)
    if not (verbose or result.alerts):
        return []
    return [
        f"即将到期 {result.due_soon} · 超期 {result.overdue} · 上报 {result.escalated} · "
        f"回电到期 {result.callbacks_due} · 新提醒 {result.alerts}"
    ]


JOBS = [Job("hotline.deadlines", "工单时限与回电扫描", scan_deadlines, order=10)]
