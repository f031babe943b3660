"""Placeholder of the issues services (filled by this subject's work)."""

ALERT_KINDS: dict[str, str] = {}


def overdue(now) -> list[str]:
    """The deadline scan of this subject: alerts for what is overdue, one line per alert sent."""
    return []
