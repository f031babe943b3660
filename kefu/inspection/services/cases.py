"""Services of this subject (filled in by its helper). Every write: keyword-only arguments,
@transaction.atomic, its event from kefu.inspection.events in the same transaction."""

from django.core.exceptions import PermissionDenied, ValidationError

from kefu.inspection.models import Case

ALERT_KINDS: dict[str, str] = {}
FIELD_STATES = (Case.State.OPEN, Case.State.INVESTIGATING)


def require_field_work(case: Case, actor) -> None:
    """CONTRACT (used by the field subject before evidence, statements and notices): the case is open for
    field work, has two inspectors at least (第三条(三)), the actor is one of them and has shown their ID.
    The cases subject may refine the wording and read the minimum from its rule."""
    if case.state not in FIELD_STATES:
        raise ValidationError(f"案件{case.number}当前为「{case.get_state_display()}」，不能再现场取证")
    seats = list(case.inspectors.all())
    if len(seats) < 2:
        raise ValidationError("稽查人员必须二人以上（供水手册第七章第三条（三）），请先指派第二名稽查员")
    mine = next((seat for seat in seats if seat.inspector_id == actor.pk), None)
    if mine is None:
        raise PermissionDenied("只有本案的稽查员可以现场取证")
    if mine.id_shown_at is None:
        raise ValidationError("执行职务时应首先出示稽查证件（供水手册第七章第三条（三）），请先登记出示证件")


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
