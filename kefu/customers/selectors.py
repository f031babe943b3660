"""Reads of the archive shared by pages, API and exports: search and the archive detail."""

import re
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from kefu.core.events import events_for, verb_label
from kefu.core.policies import get_policy
from kefu.customers.events import CustomerEvents
from kefu.customers.masking import Masker
from kefu.customers.models import Account, ContactPerson, Customer, Meter, ServicePoint, branch_scope

FIELDS = {
    "auto": "全部",
    "name": "姓名/名称",
    "pinyin": "拼音",
    "phone": "电话",
    "account": "户号",
    "connection_point": "接水点编号",
    "id_number": "证件号码",
    "address": "地址",
    "number": "客户编号",
}
PER_PAGE = 20
# The archive's own verbs, for its history table (a payment recorded on the customer is collection's).
OWN_VERBS = CustomerEvents.values
_ID_LIKE = re.compile(r"^\d{6,17}[\dX]?$")


@dataclass
class SearchPage:
    query: str
    field: str
    page: int
    customers: list[Customer]
    has_next: bool
    notice: str = ""
    fields_used: list[str] = field(default_factory=list)
    # The query was a number the user sees masked, asked for whole: finding it is a read of the archive.
    by_complete_number: bool = False
    # The query was a phone or ID number, whole or in part (what the search rate limit counts).
    by_number: bool = False

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def search_customers(
    user,
    query: str,
    *,
    field: str = "auto",
    page: int = 1,
    per_page: int = PER_PAGE,
) -> SearchPage:
    """Find customers by name, pinyin initials, any part of a phone number, account number,
    connection-point number, ID number or address. Newest archives first; no total count, which
    would cost more than the search itself on a million rows."""
    query = (query or "").replace("\x00", "").strip()  # PostgreSQL refuses NUL in a query
    field = field if field in FIELDS else "auto"
    page = max(int(page or 1), 1)
    result = SearchPage(query=query, field=field, page=page, customers=[], has_next=False)
    if not query:
        return result
    matchers, result.notice = _matchers(query, field, Masker(user), result)
    result.fields_used = [name for name, _ in matchers]
    wanted = page * per_page + 1
    ids: set[int] = set()
    for _name, queryset in matchers:
        ids.update(_newest_ids(_scoped(queryset, user), wanted))
    ordered = sorted(ids, reverse=True)
    window = ordered[(page - 1) * per_page : page * per_page]
    result.has_next = len(ordered) > page * per_page
    by_id = Customer.objects.select_related("service_area").in_bulk(window)
    result.customers = [by_id[i] for i in window if i in by_id]
    return result


# Matches fetched in any order before falling back to asking the database for the newest first.
CANDIDATES = 1000


def _newest_ids(queryset: QuerySet, wanted: int) -> list[int]:
    """The `wanted` highest customer ids among the rows of queryset.

    `ORDER BY id DESC LIMIT n` alone is a trap on a million rows: when PostgreSQL overestimates how
    many rows match (a rare name, an address fragment that matches nothing), it walks the table
    backwards by id, expecting to meet n matches soon, and reads all of it: half a second. So the
    matches are first fetched unordered, which the search indexes answer, up to CANDIDATES of them.
    Only a fragment matching more (a common surname, four common digits) is asked for newest-first,
    and that is quick, because such matches are met every few thousand rows. docs/PERFORMANCE.md
    """
    values = queryset.order_by().values_list("customer_id", flat=True)
    candidates = list(values[: CANDIDATES + 1])
    if len(candidates) <= CANDIDATES:
        return sorted(set(candidates), reverse=True)[:wanted]
    return list(queryset.order_by("-customer_id").values_list("customer_id", flat=True)[:wanted])


def is_number_query(query: str) -> bool:
    """Whether a query looks like a phone or ID number, whole or in part (the rate limit counts these)."""
    compact = re.sub(r"[\s\-()（）]", "", query or "").upper()
    return bool(compact) and (compact.isdigit() or bool(_ID_LIKE.match(compact)))


def _matchers(
    query: str, field: str, masker: Masker, result: SearchPage
) -> tuple[list[tuple[str, QuerySet]], str]:
    """What to look in for this query. Phone and ID numbers go through the Masker, so that a user who
    sees them masked cannot find out the masked digits by searching (issue 11 item 1)."""
    digits = re.sub(r"[\s\-()（）]", "", query)
    compact = digits.upper()
    min_digits = int(get_policy("customers.search_min_digits"))
    result.by_number = is_number_query(query)
    customers = Customer.objects.annotate_customer_id()
    plans: dict[str, QuerySet] = {}
    notice = ""

    def want(name: str) -> bool:
        return field in ("auto", name)

    if want("phone") and digits.isdigit():
        if len(digits) >= min_digits:
            plans["phone"] = customers.filter(masker.phone_filter("phone", digits))
            plans["contact_phone"] = ContactPerson.objects.filter(masker.phone_filter("phone", digits))
            result.by_complete_number |= masker.is_complete_phone(digits)
        elif field == "phone":
            notice = f"按电话查询请至少输入{min_digits}位数字"
    if want("account") and compact.isalnum() and compact.isascii():
        plans["account"] = Account.objects.filter(number__startswith=compact)
    if want("connection_point") and compact.isalnum() and compact.isascii():
        plans["connection_point"] = ServicePoint.objects.filter(connection_point_no__startswith=compact)
    if want("id_number") and (_ID_LIKE.match(compact) or (field == "id_number" and compact)):
        plans["id_number"] = customers.filter(masker.id_number_filter(compact))
        result.by_complete_number |= masker.is_complete_id_number(compact)
    if want("number") and compact.startswith("KH"):
        plans["number"] = customers.filter(number__startswith=compact)
    if want("pinyin") and query.isascii() and query.isalpha():
        letters = query.lower()
        plans["pinyin"] = customers.filter(name_initials__startswith=letters)
        plans["pinyin_full"] = customers.filter(name_pinyin__startswith=letters)
    if want("name") and not query.isascii():
        # Short queries (a surname, or surname and first given character) match the start of the
        # name, which a b-tree index answers; 3+ characters may match anywhere (trigram index).
        plans["name"] = (
            customers.filter(name__startswith=query)
            if len(query) <= 2
            else customers.filter(name__contains=query)
        )
    if want("address") and not query.isascii():
        if len(query) >= 3:
            plans["address"] = customers.filter(address__contains=query)
        elif field == "address":
            notice = "按地址查询请至少输入3个字"
    if field == "name" and query.isascii() and query.isalpha():
        plans["pinyin"] = customers.filter(name_initials__startswith=query.lower())
    return list(plans.items()), notice


def _scoped(queryset: QuerySet, user) -> QuerySet:
    branch_id = branch_scope(user)
    if branch_id is None:
        return queryset
    if queryset.model is Customer:
        return queryset.filter(service_area__branch_id=branch_id)
    return queryset.filter(customer__service_area__branch_id=branch_id)


def archive_for(customer: Customer) -> Customer:
    """The customer with everything the archive page shows, in a fixed number of queries."""
    return (
        Customer.objects.select_related("service_area__branch")
        .prefetch_related(
            "contact_persons",
            "accounts",
            Prefetch(
                "service_points",
                queryset=ServicePoint.objects.select_related("service_area", "account").prefetch_related(
                    Prefetch("meters", queryset=Meter.objects.order_by("-install_date"))
                ),
            ),
            "contracts",
            Prefetch("documents", queryset=customer.documents.select_related("uploaded_by")),
        )
        .get(pk=customer.pk)
    )


@dataclass
class HistoryLine:
    occurred_at: object
    actor: str
    action: str
    details: list[str]
    note: str


def history_for(customer: Customer, masker, limit: int = 50) -> list[HistoryLine]:
    """The archive's change log in words: who did what, and for changes the old and the new value.
    Phone and ID values are masked here as everywhere else; the event rows keep them whole. Only the
    archive's own changes: a payment is recorded on the customer too, but it is collection's record,
    on the timeline for those who may see payments (kefu.collection.timeline), not for every reader
    of the archive."""
    return [
        HistoryLine(
            event.occurred_at,
            str(event.actor or "系统"),
            verb_label(event.verb),
            change_details(event, masker),
            event.note,
        )
        for event in events_for(customer).filter(verb__in=OWN_VERBS)[:limit]
    ]


# What the archive's events record besides the archive's own fields, in the words of the history table
# (the event rows keep the codes: "source": "demo").
EVENT_KEY_LABELS = {
    "account": "户号",
    "connection_point_no": "接水点编号",
    "meter": "表号",
    "caliber_dn": "口径",
    # the meters' fitting (customers.services.replace_meter)
    "old_meter": "旧表",
    "final_reading": "旧表止度",
    "contact": "联系人",
    "contract": "合同",
    "document": "资料",
    "channel": "往来方式",
    "direction": "来/往",
    "dated_on": "日期",
    "source": "来源",
    "file": "文件",
    "line": "行",
    "staff_contact": "中心联系人",
    "status": "状态",
    "kind": "类型",
    "name": "名称",
}
SOURCES = {"demo": "演示数据", "import": "批量导入"}


def _source_label(value: str) -> str:
    return SOURCES.get(value, value)


def change_details(event, masker) -> list[str]:
    """An archive event's changes in words ("联系电话：138****5678 → 139****0000"), phone and ID values
    masked for this viewer (the history table and the timeline alike)."""
    from kefu.customers.validation import FIELD_LABELS

    shown = {"phone": masker.phone, "id_number": masker.id_number, "source": _source_label}
    details = []
    for key, value in event.changes.items():
        label = FIELD_LABELS.get(key) or EVENT_KEY_LABELS.get(key, key)
        show = shown.get(key, str)
        if isinstance(value, list) and len(value) == 2:
            old = show(str(value[0])) if value[0] not in (None, "") else "（空）"
            details.append(f"{label}：{old} → {show(str(value[1]))}")
        else:
            details.append(f"{label}：{show(str(value))}")
    return details
