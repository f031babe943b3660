"""Reads of destruction (D3), the holdings check and the hand-over: the fetch-and-check helpers shared
by pages and API, the lists, the archive desk's part and the home page's lines.

Every read of ArchiveFile here is bounded and indexed (the archive holds a million files): files past
retention are read along `archives_file_retention` (retention_until) and sliced; nothing counts the
whole catalogue."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Min, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from kefu.archives.models import (
    ArchiveFile,
    Category,
    Destruction,
    DestructionItem,
    HandOver,
    HoldingsInspection,
)
from kefu.archives.permissions import visible_files
from kefu.archives.services.destruction import OPEN_STATES, period_of
from kefu.core.events import events_for, verb_label

HOME_CAP = 100  # the home panel shows 99+ above this


# -- destruction --------------------------------------------------------------------------------------


def visible_destructions(user):
    if not user.has_perm("archives.view_destruction"):
        return Destruction.objects.none()
    return Destruction.objects.all()


def get_destruction_for(user, pk) -> Destruction:
    if not user.has_perm("archives.view_destruction"):
        raise PermissionDenied("没有查看档案销毁的权限")
    try:
        return (
            visible_destructions(user)
            .select_related("proposed_by", "reviewed_by", "approved_by", "rechecked_by")
            .get(pk=pk)
        )
    except (Destruction.DoesNotExist, ValueError, TypeError):
        raise Http404("销毁清册不存在") from None


SORTS = {"number": "number", "-number": "-number", "proposed": "proposed_at", "-proposed": "-proposed_at"}


def destructions(user, *, q: str = "", state: str = "", sort: str = ""):
    rows = visible_destructions(user).select_related("proposed_by", "approved_by")
    if q:
        rows = rows.filter(
            Q(number__icontains=q) | Q(reason__icontains=q) | Q(items__file__catalogue_number=q)
        ).distinct()
    if state in Destruction.State.values:
        rows = rows.filter(state=state)
    elif state == "open":
        rows = rows.filter(state__in=OPEN_STATES)
    elif state == "recheck":
        rows = rows.filter(state=Destruction.State.DESTROYED, rechecked_at__isnull=True)
    return rows.order_by(SORTS.get(sort, "-proposed_at"), "-id")


def items_of(destruction: Destruction):
    return destruction.items.select_related("file").order_by("file__catalogue_number", "id")


def open_file_ids():
    """The files on a list not yet carried out or refused (a subquery)."""
    return DestructionItem.objects.filter(destruction__state__in=OPEN_STATES).values("file_id")


def past_retention(user, *, q: str = "", category: str = ""):
    """Filed files whose retention has ended and that are on no open list, oldest first — what the
    appraisal group may propose; within the user's view of the catalogue. Read along the retention
    index; callers slice."""
    rows = (
        visible_files(user)
        .filter(state=ArchiveFile.State.FILED, retention_until__lt=timezone.localdate())
        .exclude(pk__in=open_file_ids())
    )
    if q:
        rows = rows.filter(Q(catalogue_number__startswith=q.upper()) | Q(title__icontains=q))
    if category:
        rows = rows.filter(category=category)
    return rows.order_by("retention_until", "id")


def destruction_of(file: ArchiveFile) -> Destruction | None:
    """The destruction record a destroyed file's catalogue entry shows (for the file's page)."""
    if file.state != ArchiveFile.State.DESTROYED:
        return None
    item = (
        DestructionItem.objects.filter(file=file, destruction__state=Destruction.State.DESTROYED)
        .select_related("destruction")
        .first()
    )
    return item.destruction if item else None


# -- holdings check -----------------------------------------------------------------------------------


def visible_inspections(user):
    if not user.has_perm("archives.view_holdingsinspection"):
        return HoldingsInspection.objects.none()
    return HoldingsInspection.objects.all()


def get_inspection_for(user, pk) -> HoldingsInspection:
    if not user.has_perm("archives.view_holdingsinspection"):
        raise PermissionDenied("没有查看库房检查的权限")
    try:
        return visible_inspections(user).select_related("done_by", "reported_to").get(pk=pk)
    except (HoldingsInspection.DoesNotExist, ValueError, TypeError):
        raise Http404("库房检查记录不存在") from None


def inspections(user, *, state: str = ""):
    rows = visible_inspections(user).select_related("done_by", "reported_to")
    if state == "open":
        rows = rows.filter(done_at__isnull=True)
    elif state == "problems":
        rows = rows.filter(done_at__isnull=False).exclude(problems="")
    return rows.order_by("-due_on", "-id")


def inspection_due(user, today=None) -> HoldingsInspection | None:
    """This period's check while it is not done (what the archivist has to do now), or None."""
    if not user.has_perm("archives.view_holdingsinspection"):
        return None
    code, _start, _last = period_of(today or timezone.localdate())
    return HoldingsInspection.objects.filter(period=code, done_at__isnull=True).first()


# -- hand-over ----------------------------------------------------------------------------------------


def visible_hand_overs(user):
    if not user.has_perm("archives.view_handover"):
        return HandOver.objects.none()
    return HandOver.objects.all()


def get_hand_over_for(user, pk) -> HandOver:
    if not user.has_perm("archives.view_handover"):
        raise PermissionDenied("没有查看档案移交的权限")
    try:
        return visible_hand_overs(user).select_related("from_user", "to_user", "witness").get(pk=pk)
    except (HandOver.DoesNotExist, ValueError, TypeError):
        raise Http404("档案移交记录不存在") from None


def hand_overs(user, *, q: str = ""):
    rows = visible_hand_overs(user).select_related("from_user", "to_user", "witness")
    if q:
        rows = rows.filter(
            Q(from_user__name__icontains=q)
            | Q(to_user__name__icontains=q)
            | Q(from_user__username=q)
            | Q(to_user__username=q)
        )
    return rows.order_by("-handed_at", "-id")


# -- the desk and the home page ------------------------------------------------------------------------


def home_lines(user) -> list[tuple[str, int, str]]:
    """Proposals waiting for my review or approval, approved lists to carry out, destroyed lists to
    re-check, the holdings check due. The Destruction table is small (a few lists a year)."""
    if not user.has_perm("archives.view_destruction") and not user.has_perm(
        "archives.view_holdingsinspection"
    ):
        return []
    lines = []
    url = reverse("archives:destructions")
    waiting = Destruction.objects.all()
    if user.has_perm("archives.review_destruction"):
        mine = waiting.filter(state=Destruction.State.PROPOSED).exclude(appraisal_group=user)
        lines.append(
            ("待审核的档案销毁", mine.exclude(proposed_by=user)[:HOME_CAP].count(), url + "?state=proposed")
        )
        recheck = waiting.filter(state=Destruction.State.DESTROYED, rechecked_at__isnull=True)
        lines.append(("待复核的已销毁档案", recheck[:HOME_CAP].count(), url + "?state=recheck"))
    if user.has_perm("archives.approve_destruction"):
        mine = waiting.filter(state=Destruction.State.REVIEWED).exclude(appraisal_group=user)
        lines.append(
            ("待批准的档案销毁", mine.exclude(proposed_by=user)[:HOME_CAP].count(), url + "?state=reviewed")
        )
    if user.has_perm("archives.propose_destruction"):
        approved = waiting.filter(state=Destruction.State.APPROVED)
        lines.append(("已批准待销毁的档案", approved[:HOME_CAP].count(), url + "?state=approved"))
    if user.has_perm("archives.change_holdingsinspection"):
        due = inspection_due(user)
        if due is not None:
            lines.append(("本期库房定期检查", 1, reverse("archives:holdings_check", args=[due.pk])))
    return [line for line in lines if line[1]]


def desk_destruction(user) -> dict:
    """CONTRACT (read by the archive desk): {"proposals": QuerySet of destructions not yet carried out,
    "past_retention": QuerySet of filed files past their retention and on no open proposal,
    "inspection": the holdings check due now or None}.

    `past_retention` reads along the retention index, oldest first: slice it (`[:10]`, or `[:101]` to
    say "100+"), never `.count()` it — a million-file catalogue may hold a great many."""
    if not user.has_perm("archives.view_destruction"):
        proposals = Destruction.objects.none()
        files = ArchiveFile.objects.none()
    else:
        proposals = (
            Destruction.objects.filter(state__in=OPEN_STATES)
            .select_related("proposed_by")
            .order_by("proposed_at", "id")
        )
        files = past_retention(user)
    return {"proposals": proposals, "past_retention": files, "inspection": inspection_due(user)}


# -- history and summaries ----------------------------------------------------------------------------

LABELS = {
    "state": "状态",
    "files": "案卷数",
    "catalogue_numbers": "档号",
    "appraisal_group": "鉴定小组",
    "place": "销毁地点",
    "destroyed_at": "销毁时间",
    "witnesses": "在场签字人",
    "rechecked": "本次复核",
    "left": "未复核",
    "period": "检查周期",
    "due_on": "应检查日期",
    "problems": "发现问题（项）",
    "reported_to": "报告领导",
    "from_user": "移交人",
    "to_user": "接收人",
    "witness": "监交人",
    "keys": "钥匙数",
}


@dataclass
class HistoryLine:
    occurred_at: object
    actor: str
    action: str
    details: list[str]
    note: str


def history(target, *, most: int = 100) -> list[HistoryLine]:
    """A destruction's, a check's or a hand-over's 履历, oldest first."""
    lines = []
    for event in events_for(target).order_by("occurred_at", "id")[:most]:
        details = []
        for key, value in event.changes.items():
            label = LABELS.get(key, key)
            if isinstance(value, list) and len(value) == 2:
                details.append(f"{label}：{value[0] or '（空）'} → {value[1] or '（空）'}")
            elif value not in (None, "", [], False):
                details.append(f"{label}：{value}")
        lines.append(
            HistoryLine(
                event.occurred_at, str(event.actor or "系统"), verb_label(event.verb), details, event.note
            )
        )
    return lines


def summary_by_category(destruction: Destruction) -> list[dict]:
    """The list by category for the registration form: category, files, earliest and latest retention."""
    rows = (
        destruction.items.values("file__category")
        .annotate(files=Count("id"), first=Min("file__retention_until"), last=Max("file__retention_until"))
        .order_by("file__category")
    )
    names = dict(Category.choices)
    return [
        {
            "category": names.get(row["file__category"], row["file__category"]),
            "files": row["files"],
            "first": row["first"],
            "last": row["last"],
        }
        for row in rows
    ]
