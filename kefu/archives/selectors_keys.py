"""Reads of the key cabinet (D4): the cabinet list with its filters and counts, the register of loans
(《房屋钥匙管理记录表》), the copy queue, a key's history and the home lines. Every list starts from
`permissions.visible_keys`, the same rule as the key's page and the API."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from kefu.archives.models import Key, KeyCopyRequest, KeyIssue, KeyLoan
from kefu.archives.permissions import visible_keys
from kefu.core.events import events_for, verb_label
from kefu.customers.masking import Masker

KEY_RELATED = ("custodian", "customer")
LOAN_RELATED = ("key", "borrower", "lent_by", "received_by")
STATE_FILTERS = {
    "in_cabinet": "在柜",
    "lent": "借出",
    "overdue": "逾期未还",
    "issued": "已发放业主",
    "lost": "遗失",
}


@dataclass(frozen=True)
class KeyFilters:
    q: str = ""
    kind: str = ""
    building: str = ""
    state: str = ""
    estate: str = ""

    @property
    def any(self) -> bool:
        return bool(self.q or self.kind or self.building or self.state or self.estate)


def key_filters(data) -> KeyFilters:
    """The filters as a query string or an API query gives them; what is not a choice is dropped."""
    kind = str(data.get("kind", "") or "")
    state = str(data.get("state", "") or "")
    return KeyFilters(
        q=str(data.get("q", "") or "").strip()[:50],
        kind=kind if kind in Key.Kind.values else "",
        building=str(data.get("building", "") or "").strip()[:10],
        state=state if state in STATE_FILTERS else "",
        estate=str(data.get("estate", "") or "").strip()[:60],
    )


def _overdue_loans(now: datetime):
    return KeyLoan.objects.filter(returned_at__isnull=True, due_at__lt=now)


def cabinet(user, filters: KeyFilters = KeyFilters(), *, now: datetime | None = None):
    """The keys `user` may see, filtered, each with `open_loan_due` (the open loan's due time, if any)."""
    now = now or timezone.now()
    keys = visible_keys(user).select_related(*KEY_RELATED)
    if filters.q:
        keys = keys.filter(Q(label__icontains=filters.q) | Q(equipment_room__icontains=filters.q))
    if filters.kind:
        keys = keys.filter(kind=filters.kind)
    if filters.building:
        keys = keys.filter(building=filters.building)
    if filters.estate:
        keys = keys.filter(estate=filters.estate)
    if filters.state == "overdue":
        keys = keys.filter(Exists(_overdue_loans(now).filter(key=OuterRef("pk"))))
    elif filters.state:
        keys = keys.filter(state=filters.state)
    return keys.annotate(
        overdue=Exists(_overdue_loans(now).filter(key=OuterRef("pk"))),
    )


def counts(user, *, now: datetime | None = None) -> dict[str, int]:
    """在柜 / 借出 / 逾期 / 已发放 / 遗失 over the keys the user may see (one query, one more for overdue)."""
    now = now or timezone.now()
    keys = visible_keys(user)
    by_state = dict(keys.values_list("state").annotate(n=Count("id")).order_by())
    return {
        "in_cabinet": by_state.get(Key.State.IN_CABINET, 0),
        "lent": by_state.get(Key.State.LENT, 0),
        "overdue": _overdue_loans(now).filter(key__in=keys).count(),
        "issued": by_state.get(Key.State.ISSUED, 0),
        "lost": by_state.get(Key.State.LOST, 0),
        "total": sum(by_state.values()),
    }


def buildings(user) -> list[str]:
    values = visible_keys(user).exclude(building="").values_list("building", flat=True).distinct()
    return sorted(set(values), key=lambda b: (len(b), b))


def estates(user) -> list[str]:
    return sorted(set(visible_keys(user).values_list("estate", flat=True).distinct()))


def register(user, *, q: str = "", open_only: bool = False):
    """《房屋钥匙管理记录表》: every loan of a key the user may see, newest first."""
    loans = KeyLoan.objects.filter(key__in=visible_keys(user)).select_related(*LOAN_RELATED)
    if q:
        loans = loans.filter(
            Q(key__label__icontains=q)
            | Q(borrower__name__icontains=q)
            | Q(work_reference__icontains=q)
            | Q(purpose__icontains=q)
        )
    if open_only:
        loans = loans.filter(returned_at__isnull=True)
    return loans.order_by("-lent_at", "-id")


def copy_requests(user, *, state: str = ""):
    rows = KeyCopyRequest.objects.filter(key__in=visible_keys(user)).select_related(
        "key", "requested_by", "decided_by"
    )
    if state in KeyCopyRequest.State.values:
        rows = rows.filter(state=state)
    return rows.order_by("-requested_at", "-id")


def issues_of(key: Key, user) -> list[KeyIssue]:
    """The key's issues to the owner, identity numbers shown as the user may see them (Masker)."""
    masker = Masker(user)
    issues = list(key.issues.select_related("customer", "identity_checked_by").order_by("-issued_at"))
    for issue in issues:
        issue.identity_number_shown = masker.id_number(issue.identity_number)
    return issues


def flat_keys(key: Key):
    """The owner keys of the same flat as `key` (for issuing them together)."""
    return Key.objects.filter(
        kind=Key.Kind.OWNER,
        estate=key.estate,
        building=key.building,
        entrance=key.entrance,
        floor=key.floor,
        room=key.room,
    ).order_by("owner_kind")


LABELS = {
    "label": "标签",
    "kind": "类别",
    "owner_kind": "种类",
    "holder_department": "保管部门",
    "copies": "把数",
    "borrower": "借用人",
    "purpose": "事由",
    "work_reference": "工作单号",
    "due_at": "应还时间",
    "state": "状态",
    "late": "",
    "customer": "业主编号",
    "identity_document": "核验证件",
    "reason": "事由",
}
HIDDEN = {"loan", "issue", "request"}


@dataclass(frozen=True)
class KeyHistoryLine:
    occurred_at: datetime
    actor: str
    action: str
    details: list[str]
    note: str


def history(key: Key, *, most: int = 100) -> list[KeyHistoryLine]:
    lines = []
    for event in events_for(key)[:most]:
        details = []
        for name, value in event.changes.items():
            if name in HIDDEN or value in ("", None):
                continue
            label = LABELS.get(name, name)
            if isinstance(value, list) and len(value) == 2:
                details.append(f"{label}：{value[0] or '（空）'} → {value[1] or '（空）'}")
            else:
                details.append(f"{label}：{value}" if label else str(value))
        lines.append(
            KeyHistoryLine(
                event.occurred_at, str(event.actor or "系统"), verb_label(event.verb), details, event.note
            )
        )
    return lines


def home_lines(user) -> list[tuple[str, int, str]]:
    """钥匙逾期未还 for the keepers, 钥匙配制待同意 for the engineering manager."""
    lines: list[tuple[str, int, str]] = []
    if not user.has_perm("archives.view_key"):
        return lines
    if user.has_perm("archives.lend_key"):
        overdue = _overdue_loans(timezone.now()).count()
        if overdue:
            lines.append(("钥匙逾期未还", overdue, reverse("archives:keys") + "?state=overdue"))
    if user.has_perm("archives.consent_keycopy"):
        waiting = (
            KeyCopyRequest.objects.filter(state=KeyCopyRequest.State.REQUESTED)
            .exclude(requested_by=user)
            .count()
        )
        if waiting:
            lines.append(("钥匙配制待同意", waiting, reverse("archives:key_copies") + "?state=requested"))
    return lines
