"""Reads of reading and borrowing (D2): one visibility rule for the register, its export and print, the
API, the desk and the home page.

Who sees which line of the 《文件借阅登记表》: the archive room and the managers (holders of
`archives.register_fileloan` or `archives.approve_fileloan`) see every line; anyone else with
`archives.view_fileloan` sees their own. A restricted file's lines (inspection files) are shown only to
holders of `archives.view_restricted_archivefile`, as the catalogue does (permissions.visible_files).
Every query starts from the loans (a few thousand rows), never from the files (a million)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from kefu.archives.models import FileLoan
from kefu.core.events import events_for, verb_label
from kefu.core.permissions import can, require

RELATED = ("file", "borrower", "decided_by", "registered_by", "received_by")
AWAY = (FileLoan.State.OUT, FileLoan.State.READING)
SORTS = {
    "new": ("-id",),
    "old": ("id",),
    "due": ("due_on", "id"),
    "file": ("file__catalogue_number", "-id"),
}


def sees_all(user) -> bool:
    return can(user, "archives.register_fileloan") or can(user, "archives.approve_fileloan")


def visible_loans(user):
    """The loans `user` may see in any list, export, print or API answer."""
    if not can(user, "archives.view_fileloan"):
        return FileLoan.objects.none()
    loans = FileLoan.objects.all()
    if not sees_all(user):
        loans = loans.filter(borrower=user)
    if not user.has_perm("archives.view_restricted_archivefile"):
        loans = loans.filter(file__restricted_to="")
    return loans


def get_loan_for(user, pk) -> FileLoan:
    """One loan for its page and the API: 403 without the right, 404 outside what the user may see."""
    require(user, "archives.view_fileloan")
    try:
        return visible_loans(user).select_related(*RELATED).get(pk=pk)
    except (FileLoan.DoesNotExist, ValueError, TypeError):
        raise Http404("借阅记录不存在") from None


def loans(
    user,
    *,
    q: str = "",
    state: str = "",
    overdue: bool = False,
    borrower_id: int | None = None,
    mine: bool = False,
    file_id: int | None = None,
    sort: str = "new",
):
    rows = visible_loans(user).select_related(*RELATED)
    if mine:
        rows = rows.filter(borrower=user)
    if state in FileLoan.State.values:
        rows = rows.filter(state=state)
    if overdue:
        rows = rows.filter(state__in=AWAY, due_on__lt=timezone.localdate())
    if borrower_id:
        rows = rows.filter(borrower_id=borrower_id)
    if file_id:
        rows = rows.filter(file_id=file_id)
    q = q.strip()
    if q:
        rows = rows.filter(
            Q(file__catalogue_number__startswith=q.upper())
            | Q(file__title__contains=q)
            | Q(borrower__name__contains=q)
            | Q(borrower__username=q)
            | Q(purpose__contains=q)
        )
    return rows.order_by(*SORTS.get(sort, SORTS["new"]))


def file_loans(user, file, limit: int = 10) -> list[FileLoan]:
    """The latest lines of one file's register, for the file page's block."""
    return list(loans(user, file_id=file.pk)[:limit])


def file_away(file) -> FileLoan | None:
    """Who has the file now (out or being read), whoever may see it: the file page says it is away."""
    return FileLoan.objects.filter(file_id=file.pk, state__in=AWAY).select_related("borrower").first()


def desk_loans(user) -> dict:
    """CONTRACT (read by the archive desk, views/filing.py): {"waiting": QuerySet of loans waiting for
    approval or registration, "out": loans out now, "overdue": loans past their due date}, each already
    limited to what `user` may see; the desk slices them (`[:10]`) and counts them."""
    visible = visible_loans(user).select_related("file", "borrower")
    wanted = Q(pk__in=[])
    if can(user, "archives.approve_fileloan"):
        wanted |= Q(state=FileLoan.State.REQUESTED) & ~Q(borrower=user)
    if can(user, "archives.register_fileloan"):
        wanted |= Q(state=FileLoan.State.APPROVED)
    waiting = visible.filter(wanted)
    out = visible.filter(state__in=AWAY)
    return {
        "waiting": waiting.order_by("requested_at", "id"),
        "out": out.order_by("due_on", "id"),
        "overdue": out.filter(due_on__lt=timezone.localdate()).order_by("due_on", "id"),
    }


def home_lines(user) -> list[tuple[str, int, str]]:
    """我的待办: loans waiting for my approval, approved loans to register, my loans due or overdue."""
    lines: list[tuple[str, int, str]] = []
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return lines
    if not can(user, "archives.view_fileloan"):
        return lines
    register = reverse("archives:loans")
    visible = visible_loans(user)
    if can(user, "archives.approve_fileloan"):
        count = visible.filter(state=FileLoan.State.REQUESTED).exclude(borrower=user).count()
        if count:
            lines.append(("待我审批的档案借阅", count, f"{register}?state=requested"))
    if can(user, "archives.register_fileloan"):
        count = visible.filter(state=FileLoan.State.APPROVED).count()
        if count:
            lines.append(("待登记的档案借阅", count, f"{register}?state=approved"))
        overdue = visible.filter(state__in=AWAY, due_on__lt=timezone.localdate()).count()
        if overdue:
            lines.append(("逾期未还的档案", overdue, f"{register}?overdue=1"))
    today = timezone.localdate()
    mine = FileLoan.objects.filter(borrower=user, state__in=AWAY)
    overdue_mine = mine.filter(due_on__lt=today).count()
    if overdue_mine:
        lines.append(("我借阅的档案已逾期", overdue_mine, reverse("archives:my_loans")))
    due_mine = mine.filter(due_on__gte=today, due_on__lte=today + timedelta(days=3)).count()
    if due_mine:
        lines.append(("我借阅的档案即将到期", due_mine, reverse("archives:my_loans")))
    return lines


LABELS = {
    "state": "状态",
    "file": "档案",
    "kind": "方式",
    "for_work": "因工作需要",
    "purpose": "事由",
    "note": "意见",
    "borrower": "借阅人",
    "due_on": "应还日期",
    "late": "逾期归还",
    "days": "逾期天数",
}


@dataclass
class HistoryLine:
    at: datetime
    actor: str
    action: str
    details: list[str]
    note: str


def history(loan: FileLoan, *, most: int = 50) -> list[HistoryLine]:
    lines = []
    for event in events_for(loan).select_related("actor")[:most]:
        details = []
        for key, value in event.changes.items():
            label = LABELS.get(key, key)
            if isinstance(value, bool):
                details.append(f"{label}：{'是' if value else '否'}")
            elif isinstance(value, list) and len(value) == 2:
                details.append(f"{label}：{value[0] or '（空）'} → {value[1] or '（空）'}")
            elif value:
                details.append(f"{label}：{value}")
        lines.append(
            HistoryLine(
                event.occurred_at, str(event.actor or "系统"), verb_label(event.verb), details, event.note
            )
        )
    return lines
