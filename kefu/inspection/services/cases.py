"""Services of this subject (filled in by its helper). Every write: keyword-only arguments,
@transaction.atomic, its event from kefu.inspection.events in the same transaction."""

ALERT_KINDS: dict[str, str] = {}


def run_due(now) -> list[str]:
    return []


def open_case(
    *,
    actor,
    kind: str,
    source: str,
    address: str,
    summary: str,
    customer=None,
    area=None,
    work_order=None,
    tracking_task=None,
    patrol=None,
    unregistered: bool = False,
    inspectors=(),
):
    """CONTRACT: open a case of a kind within the team's scope (CaseKind), numbered JC<year>-<5 digits>
    from the one counter; `inspectors` (two at least before any field work) may be named now or later."""
    raise NotImplementedError
