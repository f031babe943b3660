"""Placeholder of the tracking services (filled by this subject's work)."""

ALERT_KINDS: dict[str, str] = {}


def overdue(now) -> list[str]:
    """The deadline scan of this subject: alerts for what is overdue, one line per alert sent."""
    return []


def open_task(*, actor, replacement, kind: str):
    """An inspection task for the replacement (verification of an urgent report, or usage tracking
    after the fitting), and `inspection_task_created` after commit. Placeholder until it lands."""
    return None
