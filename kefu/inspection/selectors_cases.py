"""Reads of the cases (I1, I3): the list with its filters and search, the leader's approval queue, the
read log, a case's history, and the home page lines. Every read starts from `permissions.visible_cases`
(第三条(十一)): what a user may not open is in none of them."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from kefu.core.events import Event, verb_label
from kefu.inspection.models import Case, CaseInspector, CaseRead, PenaltyApproval
from kefu.inspection.permissions import visible_cases

OPEN_STATES = [
    Case.State.OPEN,
    Case.State.INVESTIGATING,
    Case.State.AWAITING_APPROVAL,
    Case.State.APPROVED,
    Case.State.AWAITING_FILING,
]
SORTS = {
    "": ("-opened_at", "-id"),
    "-opened": ("-opened_at", "-id"),
    "opened": ("opened_at", "id"),
    "due": ("due_on", "id"),
    "-due": ("-due_on", "-id"),
    "number": ("number",),
    "-number": ("-number",),
}


def cases(
    user,
    *,
    mine: bool = False,
    state: str = "",
    kind: str = "",
    area_id: int | None = None,
    q: str = "",
    sort: str = "",
):
    rows = visible_cases(user).select_related("customer", "area")
    if mine:
        rows = rows.filter(Exists(CaseInspector.objects.filter(case=OuterRef("pk"), inspector=user)))
    if state == "active":
        rows = rows.filter(state__in=OPEN_STATES)
    elif state:
        rows = rows.filter(state=state)
    if kind:
        rows = rows.filter(kind=kind)
    if area_id:
        rows = rows.filter(area_id=area_id)
    q = (q or "").strip()
    if q:
        rows = rows.filter(
            Q(number__icontains=q)
            | Q(address__icontains=q)
            | Q(customer__number=q)
            | Q(customer__name__icontains=q)
        )
    return rows.order_by(*SORTS.get(sort, SORTS[""]))


def approval_queue(user):
    """Approvals waiting for the leader (only cases the user may read)."""
    return (
        PenaltyApproval.objects.filter(state=PenaltyApproval.State.SUBMITTED, case__in=visible_cases(user))
        .select_related("case", "submitted_by", "case__customer")
        .order_by("submitted_at", "id")
    )


def recent_decisions(user, limit: int = 20):
    return (
        PenaltyApproval.objects.exclude(state=PenaltyApproval.State.SUBMITTED)
        .filter(case__in=visible_cases(user))
        .select_related("case", "submitted_by", "decided_by")
        .order_by("-decided_at", "-id")[:limit]
    )


def reads(user, *, case_id: int | None = None, q: str = ""):
    """The read log (第三条(十一)), for holders of inspection.view_case_reads."""
    if not user.has_perm("inspection.view_case_reads"):
        return CaseRead.objects.none()
    rows = CaseRead.objects.select_related("case", "reader").order_by("-read_at", "-id")
    if case_id:
        rows = rows.filter(case_id=case_id)
    q = (q or "").strip()
    if q:
        rows = rows.filter(
            Q(case__number__icontains=q) | Q(reader__name__icontains=q) | Q(reader__username=q)
        )
    return rows


def history(case: Case) -> list[Event]:
    """The case's events, oldest first, each with its Chinese `label`."""
    from django.contrib.contenttypes.models import ContentType

    rows = list(
        Event.objects.filter(target_type=ContentType.objects.get_for_model(Case), target_id=case.pk)
        .select_related("actor")
        .order_by("occurred_at", "id")[:500]
    )
    for event in rows:
        event.label = verb_label(event.verb)
    return rows


def home_lines(user) -> list[tuple[str, int, str]]:
    lines: list[tuple[str, int, str]] = []
    if not getattr(user, "is_authenticated", False) or not user.has_perm("inspection.view_case"):
        return lines
    url = reverse("inspection:cases")
    if user.has_perm("inspection.work_case"):
        mine = cases(user, mine=True).filter(state__in=[Case.State.OPEN, Case.State.INVESTIGATING]).count()
        if mine:
            lines.append(("我的待办稽查案件", mine, f"{url}?mine=1&state=active"))
        unassigned = (
            visible_cases(user)
            .filter(state=Case.State.OPEN)
            .exclude(Exists(CaseInspector.objects.filter(case=OuterRef("pk"))))
            .count()
        )
        if unassigned:
            lines.append(("待指派稽查员的案件", unassigned, f"{url}?state=open"))
    if user.has_perm("inspection.approve_case"):
        waiting = approval_queue(user).count()
        if waiting:
            lines.append(("待审批的违章处理", waiting, reverse("inspection:approvals")))
    return lines
