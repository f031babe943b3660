"""Placeholder of the acceptance services (filled by this subject's work)."""

ALERT_KINDS: dict[str, str] = {}


def overdue(now) -> list[str]:
    """The deadline scan of this subject: alerts for what is overdue, one line per alert sent."""
    return []


def open_acceptance(*, actor, issue):
    """The joint acceptance due after an issue for a new install, temporary use or capacity change
    (M8); called by issues.issue_meter in its transaction. Placeholder until the acceptance subject lands."""
    return None
