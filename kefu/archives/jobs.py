"""The archive room's background job (`archives.deadlines`): files past their filing deadline alerted to
the department that must hand them in (ch.8 §2), loans and keys past their return alerted, the periodic
holdings check opened (ch.8 §5). Each subject claims its own rows (a conditional UPDATE or a claim)."""

from kefu.archives.services import destruction, filing, keys, loans

ALERT_KINDS: dict[str, str] = {
    **filing.ALERT_KINDS,
    **loans.ALERT_KINDS,
    **destruction.ALERT_KINDS,
    **keys.ALERT_KINDS,
}


def run(now, *, verbose: bool = False) -> list[str]:
    lines = filing.run_due(now) + loans.run_due(now) + destruction.run_due(now) + keys.run_due(now)
    if verbose and not lines:
        lines.append("档案：没有到期事项")
    return lines
