"""The quality app's background job: checks whose appeal window has passed become final
(services.checks.finalise_due), and at month end the agents with fewer checks than the minimum are
flagged to the QA lead (services.sampling.flag_unchecked). Each subject claims its own rows."""

from kefu.quality.services import checks, months, sampling, summaries

ALERT_KINDS: dict[str, str] = {**sampling.ALERT_KINDS, **summaries.ALERT_KINDS, **months.ALERT_KINDS}


def run(now, *, verbose: bool = False) -> list[str]:
    lines = checks.finalise_due(now) + sampling.flag_unchecked(now)
    if verbose and not lines:
        lines.append("质检：没有到期事项")
    return lines
