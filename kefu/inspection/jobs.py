"""Inspection's background job (`inspection.deadlines`): rectification notices past their deadline
alerted with a follow-up visit due (第三条(五)), cases whose file the archive room has catalogued closed
(第三条(十)), the month's patrols behind plan. Each subject claims its own rows."""

from kefu.inspection.services import cases, notices, patrols

ALERT_KINDS: dict[str, str] = {**cases.ALERT_KINDS, **notices.ALERT_KINDS, **patrols.ALERT_KINDS}


def run(now, *, verbose: bool = False) -> list[str]:
    lines = cases.run_due(now) + notices.run_due(now) + patrols.run_due(now)
    if verbose and not lines:
        lines.append("稽查：没有到期事项")
    return lines
