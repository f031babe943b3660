"""Reads of the filing subject (D1): the desk's files to file, the catalogue's search, a file's content
list and history. Every read starts from `permissions.visible_files(user)`, the one rule of who sees
which file, so a restricted file is absent from every list, search, export and the API alike.

The catalogue holds a million files (bench/): nothing counts a whole result. A search by catalogue
number reads one index range (PostgreSQL: the number in the "C" collation, migration 0002); a search by
customer finds at most CUSTOMER_CANDIDATES customers through their own indexes (number, name prefix),
then their files through (customer, -id); a list is a page plus one row ("下一页" when there is one)."""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Lookup, Q, QuerySet
from django.db.models.functions import Collate
from django.urls import reverse
from django.utils import timezone

from kefu.archives.models import ArchiveFile, Category
from kefu.archives.permissions import visible_files
from kefu.core.events import events_for, verb_label
from kefu.customers.models import Customer

PER_PAGE = 30
DESK_ROWS = 10
CUSTOMER_CANDIDATES = 200
SORTS = {
    "new": ("最新登记", ("-id",)),
    "number": ("档号", ("number",)),
    "due": ("归档期限", ("filing_due_on", "id")),
    "finished": ("办结日期", ("-finished_on", "-id")),
}
LIST_RELATED = ("customer", "department", "unit")
# A catalogue number, or its beginning: two letters, then "-" and digits ("YW-2026-0001", "HB2026").
_NUMBER = re.compile(r"^[A-Z]{2}(-?\d[\d-]*)?$")
_CUSTOMER_NUMBER = re.compile(r"^KH\w*$")


def home_lines(user) -> list[tuple[str, int, str]]:
    """The archivist's 我的待办: files waiting to be filed and those past their deadline."""
    if not user.has_perm("archives.file_archivefile"):
        return []
    pending = visible_files(user).filter(state=ArchiveFile.State.PENDING)
    today = timezone.localdate()
    url = reverse("archives:desk")
    return [
        line
        for line in (
            ("逾期未归档的档案", pending.filter(filing_due_on__lt=today).count(), url),
            ("待接收归档的档案", pending.count(), url),
        )
        if line[1]
    ]


def file_for_subject(subject: str):
    """CONTRACT: the file registered for a business ("inspection.case:12"), or None."""
    return ArchiveFile.objects.filter(subject=subject).first()


# ---------------------------------------------------------------- the desk


def desk_files(user) -> dict:
    """Files waiting to be filed, earliest deadline first (index state, filing_due_on), the overdue
    among them, each with its count (bounded by the pending rows only)."""
    today = timezone.localdate()
    pending = visible_files(user).filter(state=ArchiveFile.State.PENDING)
    overdue = pending.filter(filing_due_on__lt=today)
    return {
        "pending": pending.select_related(*LIST_RELATED).order_by("filing_due_on", "id"),
        "overdue": overdue,
        "today": today,
    }


# ---------------------------------------------------------------- the catalogue


@dataclass
class CatalogueFilters:
    q: str = ""
    category: str = ""
    state: str = ""
    year: int | None = None
    sort: str = "new"

    @property
    def any(self) -> bool:
        return bool(self.q or self.category or self.state or self.year)


@dataclass
class CataloguePage:
    files: list
    number: int
    has_next: bool
    how: str = ""  # what the query was read as ("按档号", "按客户"…), shown above the list

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _number_column():
    """The catalogue number as its search index holds it (PostgreSQL: "C" collation)."""
    if connection.vendor == "postgresql":
        return Collate("catalogue_number", "C")
    return Collate("catalogue_number", "BINARY")


def _order(files: QuerySet, sort: str) -> QuerySet:
    fields = SORTS.get(sort, SORTS["new"])[1]
    if fields == ("number",):
        return files.filter(catalogue_number__isnull=False).order_by(_number_column().desc(), "-id")
    return files.order_by(*fields)


def _filtered(user, filters: CatalogueFilters) -> QuerySet:
    files = visible_files(user)
    if filters.category in Category.values:
        files = files.filter(category=filters.category)
    if filters.state in ArchiveFile.State.values:
        files = files.filter(state=filters.state)
    if filters.year:
        files = files.filter(finished_on__year=filters.year)
    return files


def _customer_ids(query: str) -> list[int]:
    customers = Customer.objects.order_by()
    if _CUSTOMER_NUMBER.match(query.upper()):
        customers = customers.filter(number__startswith=query.upper())
    else:
        customers = customers.filter(name__startswith=query)
    return list(customers.values_list("pk", flat=True)[:CUSTOMER_CANDIDATES])


# PERF (issue 17 bench, bench/bench_archives.py, docs/PERFORMANCE.md "Archives"): matches of one
# branch of a search (number prefix, business number, customers, title) fetched in any order, up to
# this many, before asking for them in the page's order.
BRANCH_CANDIDATES = 1000


class _AnyOf(Lookup):
    """PERF: `column = ANY(%s)` with the ids as one array parameter (as kefu.customers.validation
    does): PostgreSQL plans it as IN (…), and neither Django nor the driver builds and parses a
    statement with a thousand placeholders (≈10 ms of a search's Python on the bench machine)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]


def _among(files: QuerySet, field: str, ids) -> QuerySet:
    """PERF: files whose `field` is one of `ids` (an array parameter on PostgreSQL)."""
    if connection.vendor == "postgresql":
        return files.filter(_AnyOf(F(field), list(ids)))
    return files.filter(**{f"{field}__in": ids})


def _page_ids(branches: list[QuerySet], order, wanted: int) -> set[int]:
    """PERF: the ids among which the first `wanted` rows of the union of `branches` are, in `order`.

    One query `a OR b OR c ORDER BY … LIMIT n` on a million files lets PostgreSQL walk an index in the
    page's order, filtering row by row (the primary key backwards for a customer's name, the number
    index backwards for a number prefix): 0.5–2 s when the matches are rare. Each branch alone is
    answered by its own index: its matches are fetched unordered, up to BRANCH_CANDIDATES; only a
    branch matching more (a common number prefix such as "YW-2015") is asked for its first `wanted` in
    the page's order, which is then quick. The first `wanted` of the union are among these ids."""
    ids: set[int] = set()
    for branch in branches:
        found = list(branch.order_by().values_list("pk", flat=True)[: BRANCH_CANDIDATES + 1])
        if len(found) > BRANCH_CANDIDATES:
            found = list(order(branch).values_list("pk", flat=True)[:wanted])
        ids.update(found)
    return ids


def search(user, filters: CatalogueFilters, *, page: int = 1, per_page: int = PER_PAGE) -> CataloguePage:
    """One page of the catalogue, newest first unless sorted otherwise; never a count."""
    files = _filtered(user, filters)
    query = filters.q.replace("\x00", "").strip()
    compact = query.replace(" ", "").upper()
    how = ""
    start = (page - 1) * per_page
    wanted = start + per_page + 1
    if query and _NUMBER.match(compact) and not _CUSTOMER_NUMBER.match(compact):
        # A catalogue number (or its beginning), or a business number typed whole.
        def order(rows):
            if filters.sort == "new":
                return rows.order_by(_number_column().desc(), "-id")
            return _order(rows, filters.sort)

        numbered = files.annotate(number_c=_number_column())
        ids = _page_ids(
            [numbered.filter(number_c__startswith=compact), files.filter(source_number=query)], order, wanted
        )
        files = order(_among(files, "pk", ids)) if ids else files.none()
        how = "按档号或业务编号"
    elif query:

        def order(rows):
            return _order(rows, filters.sort)

        ids = _customer_ids(query)
        branches = [_among(files, "customer_id", ids)] if ids else []
        if _CUSTOMER_NUMBER.match(query.upper()):
            how = "按客户编号"
        else:
            branches.append(files.filter(source_number=query))
            # PERF: "title contains" is answered by the title's trigram index from three characters
            # on; a two-character query that names customers (王芳: 39 % of the demo's names) finds
            # their files through the customers, and is looked for in the titles only when it names
            # none (a two-character LIKE '%…%' reads the whole table when it is rare).
            if len(query) >= 3 or not ids:
                branches.append(files.filter(title__contains=query))
            how = "按客户名称、案卷题名或业务编号"
        found = _page_ids(branches, order, wanted)
        files = order(_among(files, "pk", found)) if found else files.none()
    else:
        files = _order(files, filters.sort)
    found = list(files.select_related(*LIST_RELATED)[start : start + per_page + 1])
    return CataloguePage(files=found[:per_page], number=page, has_next=len(found) > per_page, how=how)


def export_rows(user, filters: CatalogueFilters, *, limit: int) -> QuerySet:
    """The same files as the list (same rule, same search), for the Excel export."""
    query = filters.q.replace("\x00", "").strip()
    files = _filtered(user, filters)
    compact = query.replace(" ", "").upper()
    if query and _NUMBER.match(compact) and not _CUSTOMER_NUMBER.match(compact):
        files = files.annotate(number_c=_number_column()).filter(
            Q(number_c__startswith=compact) | Q(source_number=query)
        )
    elif query:
        ids = _customer_ids(query)
        by_customer = Q(customer_id__in=ids) if ids else Q(pk__in=[])
        if not _CUSTOMER_NUMBER.match(query.upper()):
            by_customer |= Q(title__contains=query) | Q(source_number=query)
        files = files.filter(by_customer)
    return _order(files, filters.sort).select_related(*LIST_RELATED)[:limit]


# ---------------------------------------------------------------- one file


def items_of(file: ArchiveFile) -> list:
    return list(file.items.select_related("added_by", "removed_by").order_by("position"))


LABELS = {
    "category": "类别",
    "title": "题名",
    "source_number": "业务编号",
    "filing_due_on": "归档期限",
    "items": "卷内文件",
    "catalogue_number": "档号",
    "location": "存放位置",
    "retention": "保管期限",
    "retention_until": "保管截止",
    "late": "逾期归档",
    "item": "卷内文件",
    "item_count": "卷内文件数",
    "department": "移交部门",
    # written by the destruction and hand-over events on the file
    "destruction": "销毁清册",
    "place": "销毁地点",
    "witnesses": "在场签字人",
    "custodian": "保管人",
    "hand_over": "移交记录",
    "state": "状态",
}


@dataclass
class HistoryLine:
    at: object
    actor: str
    action: str
    details: list
    note: str


def _shown(value) -> str:
    if value is True:
        return "是"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def history_of(file: ArchiveFile, *, most: int = 100) -> list[HistoryLine]:
    """The file's 履历, oldest first: registered, filed, every change of its content list, moves."""
    lines = []
    for event in events_for(file).order_by("occurred_at", "id")[:most]:
        details = []
        for key, value in event.changes.items():
            label = LABELS.get(key, key)
            if key == "item_count" and isinstance(value, list) and len(value) == 2:
                details.append(f"{label}：{value[0]} → {value[1]}")
            elif key == "location" and isinstance(value, list) and len(value) == 2:
                details.append(f"{label}：{value[0] or '（空）'} → {value[1] or '（空）'}")
            elif value not in (None, "", [], False):
                details.append(f"{label}：{_shown(value)}")
        lines.append(
            HistoryLine(
                event.occurred_at, str(event.actor or "系统"), verb_label(event.verb), details, event.note
            )
        )
    return lines
