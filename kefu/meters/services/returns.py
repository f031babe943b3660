"""Placeholder of the returns services (filled by this subject's work)."""

ALERT_KINDS: dict[str, str] = {}


def overdue(now) -> list[str]:
    """The deadline scan of this subject: alerts for what is overdue, one line per alert sent."""
    return []


def on_meter_work_requested(sender, process, work, **kwargs) -> None:
    """Receiver of processes' meter_work_requested (placeholder until the returns subject lands)."""
