"""Reads for leave (S2), shared by the pages and the API: who sees which request, what waits for whom,
and the one fetch-and-check helper."""

from django.db.models import Q, QuerySet
from django.http import Http404

from kefu.accounts.models import Role
from kefu.core.params import object_id
from kefu.core.permissions import require
from kefu.workforce.history import HistoryLine, history_lines
from kefu.workforce.models import LeaveRequest, RosterEntry

SEES_ALL = (Role.DEPARTMENT_HEAD, Role.CENTER_DIRECTOR)
MAX_LEVELS = 3  # 班长 → 客服部主任 → 中心主任


def _rows() -> QuerySet[LeaveRequest]:
    return LeaveRequest.objects.select_related("person", "person__team", "asked_by")


def visible_to(user) -> QuerySet[LeaveRequest]:
    """Own requests (and those one asked for someone else); a team leader also their team's; the
    department head and the center director all."""
    rows = _rows()
    if user.is_superuser or user.role in SEES_ALL:
        return rows
    own = Q(person=user) | Q(asked_by=user)
    if user.role == Role.TEAM_LEADER and user.team_id:
        own |= Q(person__team_id=user.team_id)
    return rows.filter(own)


def awaiting(user) -> QuerySet[LeaveRequest]:
    """Requests under approval whose current level is this user's (for a team leader: their team's)."""
    if not user.role:
        return LeaveRequest.objects.none()
    current = Q()
    for index in range(MAX_LEVELS + 1):
        current |= Q(level=index, **{f"levels__{index}": user.role})
    rows = _rows().filter(current, status=LeaveRequest.Status.REQUESTED).exclude(person=user)
    if user.role == Role.TEAM_LEADER:
        rows = rows.filter(person__team_id=user.team_id) if user.team_id else rows.none()
    return rows


def mine(user) -> QuerySet[LeaveRequest]:
    return _rows().filter(Q(person=user) | Q(asked_by=user))


def search(rows: QuerySet[LeaveRequest], q: str) -> QuerySet[LeaveRequest]:
    """By number, or the person's name, username or employee number."""
    q = (q or "").strip()[:50]
    if not q:
        return rows
    return rows.filter(
        Q(number__icontains=q)
        | Q(person__name__icontains=q)
        | Q(person__username__iexact=q)
        | Q(person__employee_no__iexact=q)
    )


def get_leave_for(user, pk) -> LeaveRequest:
    """The request if the user may see it (404 otherwise: its existence is not told either)."""
    require(user, "workforce.view_leaverequest")
    pk = object_id(pk)
    leave = visible_to(user).filter(pk=pk).first() if pk is not None else None
    if leave is None:
        raise Http404("请假单不存在")
    return leave


def entries_of(leave: LeaveRequest) -> list[RosterEntry]:
    """The shifts the request covers: those taken off the roster once approved, else the scheduled ones
    it would take off."""
    if leave.status == LeaveRequest.Status.APPROVED:
        return list(leave.entries.select_related("shift").order_by("starts_at"))
    return list(
        RosterEntry.objects.filter(
            person_id=leave.person_id,
            status=RosterEntry.Status.SCHEDULED,
            starts_at__lt=leave.ends_at,
            ends_at__gt=leave.starts_at,
        )
        .select_related("shift")
        .order_by("starts_at")
    )


LABELS = {
    "person": "请假人",
    "kind": "假别",
    "shifts": "班次",
    "levels": "审批层级",
    "late_notice": "提前请假",
    "certificate_due_on": "证明应交日期",
    "level": "审批层级",
    "approved": "意见",
    "status": "状态",
    "certificate_handed_in_at": "证明交回时间",
    "late": "逾期",
}


def history_for(leave: LeaveRequest) -> list[HistoryLine]:
    return history_lines(leave, LABELS)
