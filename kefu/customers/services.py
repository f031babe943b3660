"""Every write to the customer archive. Each records its event in the same transaction (A2)."""

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kefu.core.events import diff
from kefu.core.params import day_problem
from kefu.core.permissions import TooManyRequests
from kefu.core.pinyin import name_pinyin
from kefu.core.policies import get_decimal_policy, get_policy
from kefu.core.validators import normalise_phone, normalise_resident_id
from kefu.customers import selectors
from kefu.customers.events import (
    CustomerEvents,
    customer_correspondence_added_event,
    customer_opened_event,
    customer_part_added_event,
    customer_supply_status_changed_event,
    customer_updated_event,
)
from kefu.customers.masking import Masker
from kefu.customers.models import (
    Account,
    ArchiveAccess,
    ContactPerson,
    Contract,
    Customer,
    Document,
    Meter,
    ServicePoint,
)
from kefu.customers.validation import Errors, clean_customer

NUMBER_PREFIX = "KH"


def customer_number(n: int) -> str:
    return f"{NUMBER_PREFIX}{n:08d}"


def allocate_customer_numbers(count: int) -> Iterator[str]:
    """`count` numbers (KH + 8 digits) after the highest on file: a range scan on the unique index,
    not a LIKE. The unique constraint guards against two writers taking the same one."""
    if count == 0:
        return iter(())
    highest = (
        Customer.objects.filter(number__gte=NUMBER_PREFIX, number__lt="KI")
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    tail = highest[len(NUMBER_PREFIX) :] if highest else ""
    following = int(tail) + 1 if tail.isdigit() else 1
    return (customer_number(n) for n in range(following, following + count))


def next_customer_number() -> str:
    return next(allocate_customer_numbers(1))


def apply_pinyin(customer: Customer) -> None:
    customer.name_pinyin, customer.name_initials = name_pinyin(
        customer.name, personal=customer.kind == Customer.Kind.INDIVIDUAL
    )


@transaction.atomic
def open_customer(*, actor, data: dict[str, Any], number: str | None = None) -> Customer:
    """Open an archive for a new customer (A2)."""
    cleaned = clean_customer(data)
    customer = Customer(number=number or next_customer_number(), **cleaned)
    apply_pinyin(customer)
    customer.save()
    customer_opened_event(
        actor=actor,
        customer=customer,
        changes={k: str(v) for k, v in cleaned.items() if v not in ("", None)},
    )
    return customer


@transaction.atomic
def update_customer(*, actor, customer: Customer, data: dict[str, Any], note: str = "") -> Customer:
    """Change a customer's details. The old values stay in the event log: nothing is overwritten silently."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    cleaned = clean_customer(data, instance=customer)
    changes = diff(customer, cleaned)
    if not changes:
        return customer
    for field, value in cleaned.items():
        setattr(customer, field, value)
    apply_pinyin(customer)
    customer.save()
    customer_updated_event(actor=actor, customer=customer, changes=changes, note=note)
    return customer


@transaction.atomic
def set_supply_status(*, actor, customer: Customer, status: str, note: str = "") -> Customer:
    """Suspend or cancel supply (P9) or restore it: the customer and every connection point follow,
    and the event keeps the old status."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if status not in Customer.Status.values:
        raise ValidationError({"status": "客户状态无效"})
    point_status = {
        Customer.Status.ACTIVE: ServicePoint.Status.ACTIVE,
        Customer.Status.SUSPENDED: ServicePoint.Status.SUSPENDED,
        Customer.Status.CANCELLED: ServicePoint.Status.CANCELLED,
    }[status]
    old = customer.status
    customer.status = status
    customer.save(update_fields=["status", "updated_at"])
    customer.service_points.update(status=point_status, updated_at=timezone.now())
    customer_supply_status_changed_event(actor=actor, customer=customer, old=old, new=status, note=note)
    return customer


@transaction.atomic
def add_contact_person(
    *,
    actor,
    customer: Customer,
    name: str,
    phone: str,
    relation: str = "",
    id_number: str = "",
    is_primary: bool = False,
) -> ContactPerson:
    errors = Errors()
    if not name.strip():
        errors.add("name", "联系人姓名不能为空")
    phone = errors.capture("phone", normalise_phone, phone) or ""
    if id_number:
        id_number = errors.capture("id_number", normalise_resident_id, id_number) or ""
    errors.raise_if_any()
    person = ContactPerson.objects.create(
        customer=customer,
        name=name.strip(),
        phone=phone,
        relation=relation,
        id_number=id_number,
        is_primary=is_primary,
    )
    customer_part_added_event(
        actor=actor, customer=customer, verb=CustomerEvents.CONTACT_ADDED, changes={"contact": person.name}
    )
    return person


@transaction.atomic
def add_document(*, actor, customer: Customer, kind: str, title: str, file) -> Document:
    document = Document(
        customer=customer,
        kind=kind,
        title=title.strip() or file.name,
        file=file,
        uploaded_by=actor,
        dated_on=timezone.localdate(),
    )
    document.full_clean()
    document.save()
    customer_part_added_event(
        actor=actor,
        customer=customer,
        verb=CustomerEvents.DOCUMENT_ADDED,
        changes={"document": document.title, "kind": document.get_kind_display()},
    )
    return document


@transaction.atomic
def add_correspondence(
    *,
    actor,
    customer: Customer,
    channel: str,
    direction: str,
    dated_on: date,
    title: str,
    summary: str = "",
    file=None,
) -> Document:
    """Put a letter, fax or e-mail from or to the customer, or a note of a long-distance call or a
    meeting, in the archive (002 客户管理制度: 与客户的信函、传真、长话交往…整合在客户档案内). A note
    may have no file; then its summary is the record. The upload's type and size are the form's check
    (kefu.core.uploads.check_upload, rule customers.upload_max_mb)."""
    errors = Errors()
    if channel not in Document.Channel.values or channel == Document.Channel.UPLOAD:
        errors.add("channel", "往来方式应为信函、传真、电子邮件、长话记录、面谈记录或其他")
    if direction not in Document.Direction.values:
        errors.add("direction", "请选择来往：来（客户来件）或往（发给客户）")
    if dated_on is None:
        errors.add("dated_on", "请填写函件日期")
    elif dated_on > timezone.localdate():
        errors.add("dated_on", "函件日期不能晚于今天")
    elif problem := day_problem(dated_on):
        errors.add("dated_on", f"函件日期：{problem}")
    title, summary = (title or "").strip(), (summary or "").strip()
    if not title:
        errors.add("title", "请填写函件标题，例如“关于水费异议的来信”")
    if not file and not summary:
        errors.add("summary", "没有附件时请填写摘要（长话、面谈记录的内容）")
    errors.raise_if_any()
    document = Document(
        customer=customer,
        kind=Document.Kind.CORRESPONDENCE,
        channel=channel,
        direction=direction,
        dated_on=dated_on,
        title=title,
        summary=summary,
        file=file or "",
        uploaded_by=actor,
    )
    document.full_clean()
    document.save()
    customer_correspondence_added_event(actor=actor, customer=customer, document=document)
    return document


@transaction.atomic
def add_account(*, actor, customer: Customer, number: str, arrears: Decimal = Decimal("0")) -> Account:
    account = Account(customer=customer, number=number, arrears=arrears)
    account.full_clean()
    account.save()
    customer_part_added_event(
        actor=actor, customer=customer, verb=CustomerEvents.ACCOUNT_ADDED, changes={"account": number}
    )
    return account


@transaction.atomic
def add_service_point(
    *,
    actor,
    customer: Customer,
    connection_point_no: str,
    address: str,
    service_area,
    account: Account | None = None,
    water_use: str = ServicePoint.WaterUse.RESIDENTIAL,
) -> ServicePoint:
    point = ServicePoint(
        customer=customer,
        account=account,
        connection_point_no=connection_point_no,
        address=address,
        service_area=service_area,
        water_use=water_use,
    )
    point.full_clean()
    point.save()
    customer_part_added_event(
        actor=actor,
        customer=customer,
        verb=CustomerEvents.SERVICE_POINT_ADDED,
        changes={"connection_point_no": connection_point_no},
    )
    return point


@transaction.atomic
def add_meter(
    *, actor, service_point: ServicePoint, number: str, caliber_dn: int, install_date, last_reading=None
) -> Meter:
    meter = Meter(
        service_point=service_point,
        number=number,
        caliber_dn=caliber_dn,
        install_date=install_date,
        last_reading=last_reading,
    )
    meter.full_clean()
    meter.save()
    customer_part_added_event(
        actor=actor,
        customer=service_point.customer,
        verb=CustomerEvents.METER_ADDED,
        changes={"meter": number, "caliber_dn": caliber_dn},
    )
    return meter


@transaction.atomic
def add_contract(
    *, actor, customer: Customer, number: str, signed_on, valid_until=None, kind: str = "供用水合同"
) -> Contract:
    contract = Contract(
        customer=customer, number=number, signed_on=signed_on, valid_until=valid_until, kind=kind
    )
    contract.full_clean()
    contract.save()
    customer_part_added_event(
        actor=actor, customer=customer, verb=CustomerEvents.CONTRACT_ADDED, changes={"contract": number}
    )
    return contract


def record_archive_access(*, user, customers, channel: str, request=None, path: str | None = None) -> None:
    """Log one response that showed archives (A3): one row, whatever the number of customers, with
    their ids (one INSERT, so that a search list logs at no noticeable cost). Runs in the caller's
    request; never skipped. Nothing is written when nothing was shown. `path` replaces the request's
    own where that does not say what was shown (the screen pop names its call)."""
    ids = list(dict.fromkeys(getattr(c, "pk", c) for c in customers))
    if not ids:
        return
    if path is None:
        path = request.get_full_path() if request is not None else ""
    ArchiveAccess.objects.create(
        user=user,
        customer_id=ids[0] if len(ids) == 1 else None,
        customer_ids=ids,
        channel=channel,
        ip_address=request.META.get("REMOTE_ADDR") if request is not None else None,
        path=path[:200],
    )


# --- The archive search, for every search box (issue 11 items 1 and 4) ----------------------------


class SearchRateLimited(TooManyRequests):
    """Too many number searches in a minute by a user who sees numbers masked (429 in the API)."""


def search_archive(
    *,
    user,
    query: str,
    field: str = "auto",
    page: int = 1,
    per_page: int = selectors.PER_PAGE,
    request=None,
    channel: str = ArchiveAccess.Channel.SEARCH,
    select: Callable[[list], list] | None = None,
) -> selectors.SearchPage:
    """The archive search as every search box runs it: the page and its htmx results, the hotline
    lookup, the API and the export. A user who sees numbers masked may search by phone or ID number
    only so often a minute (policy customers.search_per_minute), so that probing for the masked
    digits stays slow; the results are a read of the archive, logged, when they show numbers
    unmasked or were found by a complete number. `select` picks the ones a box shows from a wider
    page of matches (the hotline lookup ranks 100 and shows 10): only those shown are a read."""
    limit_number_search(user=user, query=query)
    result = selectors.search_customers(user, query, field=field, page=page, per_page=per_page)
    if select is not None:
        result.customers = select(result.customers)
    if channel == ArchiveAccess.Channel.EXPORT or Masker(user).full or result.by_complete_number:
        record_archive_access(user=user, customers=result.customers, channel=channel, request=request)
    return result


def search_archive_or_notice(
    *,
    user,
    query: str,
    field: str = "auto",
    page: int = 1,
    per_page: int = selectors.PER_PAGE,
    request=None,
    select: Callable[[list], list] | None = None,
) -> selectors.SearchPage:
    """search_archive for a search box on a page (the archive search, the hotline lookup): past the
    rate limit, an empty page whose notice gives the reason, shown where the results would be. The
    API lets SearchRateLimited through instead, as a 429."""
    try:
        return search_archive(
            user=user, query=query, field=field, page=page, per_page=per_page, request=request, select=select
        )
    except SearchRateLimited as refusal:
        return selectors.SearchPage(
            query=query.strip(), field=field, page=page, customers=[], has_next=False, notice=str(refusal)
        )


def limit_number_search(*, user, query: str) -> None:
    """Count a phone or ID number query by a user who sees those numbers masked against the user's
    limit, before it runs; SearchRateLimited past it. Every search box that matches numbers calls this
    (the archive search here, the contact register's in kefu.hotline.services.contacts): the count is
    a write, so it lives in a service, never in the selectors the searches read through."""
    if selectors.is_number_query(query) and not Masker(user).full:
        count_number_search(user)


def count_number_search(user) -> None:
    """Count one number search of this user in the current minute; refuse it past the policy's limit.

    A fixed window per calendar minute in the shared "limits" cache (settings.CACHES): cheap, and
    exact enough for what it is for, which is to make 14 or 38 probing searches take minutes and
    stand out, not to meter anyone. The key carries when the account was made, so that a recycled
    id (SQLite after a flush) does not inherit someone else's count."""
    limit = int(get_policy("customers.search_per_minute"))
    limits = caches["limits"]
    key = f"number-search:{user.pk}:{user.date_joined.timestamp():.0f}:{int(time.time() // 60)}"
    limits.add(key, 0, timeout=120)
    if limits.incr(key) > limit:
        raise SearchRateLimited(f"按电话或证件号码查询过于频繁：每分钟最多{limit}次，请一分钟后再试")


@dataclass(frozen=True)
class ArrearsCheck:
    customer_id: int
    total: Decimal
    accounts: list[tuple[str, Decimal]]
    tolerance: Decimal

    @property
    def has_arrears(self) -> bool:
        return self.total > self.tolerance

    @property
    def message(self) -> str:
        if not self.has_arrears:
            return "无欠费"
        detail = "，".join(f"户号{n}欠费{a:.2f}元" for n, a in self.accounts if a > 0)
        return f"该客户有欠费，合计{self.total:.2f}元（{detail}），须结清后方可办理"


def check_arrears(customer: Customer | int) -> ArrearsCheck:
    """The arrears check every process that requires 'no arrears' calls (A4)."""
    customer_id = getattr(customer, "pk", customer)
    rows = list(
        Account.objects.filter(customer_id=customer_id, status=Account.Status.ACTIVE).values_list(
            "number", "arrears"
        )
    )
    total = sum((amount for _, amount in rows), Decimal("0"))
    return ArrearsCheck(customer_id, total, rows, get_decimal_policy("customers.arrears_tolerance_yuan"))


def require_no_arrears(customer: Customer | int) -> ArrearsCheck:
    result = check_arrears(customer)
    if result.has_arrears:
        raise ValidationError({"arrears": [result.message]})
    return result


@transaction.atomic
def replace_meter(
    *,
    actor,
    old_meter: Meter,
    final_reading: Decimal,
    seal_state: str,
    new_number: str,
    caliber_dn: int,
    replaced_on: date,
    start_reading: Decimal = Decimal("0"),
) -> Meter:
    """换表 (kefu.meters, ch.4 §4.3): the old meter leaves the archive with its final reading and seal
    state (REMOVED, never deleted) and the new one starts on the same connection point, in the caller's
    transaction, with one archive event naming both."""
    if old_meter.status == Meter.Status.REMOVED:
        raise ValidationError({"meter": f"水表{old_meter.number}已拆除，不能再次更换"})
    old_meter.status = Meter.Status.REMOVED
    old_meter.last_reading = final_reading
    old_meter.last_read_on = replaced_on
    old_meter.seal_state = seal_state
    old_meter.save(update_fields=["status", "last_reading", "last_read_on", "seal_state", "updated_at"])
    new_meter = Meter(
        service_point=old_meter.service_point,
        number=new_number,
        caliber_dn=caliber_dn,
        install_date=replaced_on,
        last_reading=start_reading,
        last_read_on=replaced_on,
    )
    new_meter.full_clean()
    new_meter.save()
    customer_part_added_event(
        actor=actor,
        customer=old_meter.service_point.customer,
        verb=CustomerEvents.METER_REPLACED,
        changes={
            "old_meter": old_meter.number,
            "final_reading": str(final_reading),
            "meter": new_number,
            "caliber_dn": caliber_dn,
        },
    )
    return new_meter
