"""Placeholder of the returns services (filled by this subject's work)."""

ALERT_KINDS: dict[str, str] = {}


def overdue(now) -> list[str]:
    """The deadline scan of this subject: alerts for what is overdue, one line per alert sent."""
    return []


def on_meter_work_requested(sender, process, work, **kwargs) -> None:
    """Receiver of processes' meter_work_requested (placeholder until the returns subject lands)."""


def issue_work_done(*, actor, issue) -> None:
    """An issue made against a process's 改表领表单 closes the store's task (called by
    issues.issue_meter in its transaction). Placeholder until the returns subject lands."""
