"""The meters' deadline scan (one job): each subject alerts what is overdue once (an `overdue_alerted`
flag set by a conditional UPDATE, so two workers never alert twice)."""

from kefu.meters.services import acceptance, issues, purchases, replacements, returns, store, tracking

SUBJECTS = [store, purchases, issues, replacements, tracking, returns, acceptance]


def scan_deadlines(now, *, verbose: bool = False) -> list[str]:
    lines: list[str] = []
    for subject in SUBJECTS:
        lines += subject.overdue(now)
    if verbose and not lines:
        lines.append("水表：没有新的逾期事项")
    return lines
