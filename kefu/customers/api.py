"""Customer archive API: search, read (logged), create, update, arrears check, read log."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from ninja import Query, Router, Status
from pydantic import Field

from kefu.core.permissions import require
from kefu.core.schemas import Day, PageNumber, Schema
from kefu.core.timeline import MAX_PAGE as TIMELINE_PAGES
from kefu.core.timeline import customer_timeline, timeline_kinds
from kefu.customers import selectors, services
from kefu.customers.masking import Masker
from kefu.customers.models import ArchiveAccess, Customer
from kefu.customers.permissions import get_customer_for

router = Router(tags=["客户档案"])


class CustomerRow(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    name: str
    phone: str
    id_number: str
    address: str
    service_area: str
    low_income: bool


class SearchOut(Schema):
    query: str
    field: str
    page: int
    has_next: bool
    notice: str
    results: list[CustomerRow]


class SearchIn(Schema):
    q: str = ""
    field: str = "auto"
    page: PageNumber = 1


class ContactPersonOut(Schema):
    name: str
    relation: str
    phone: str
    is_primary: bool


class AccountOut(Schema):
    number: str
    arrears: Decimal
    status: str


class MeterOut(Schema):
    number: str
    caliber_dn: int
    install_date: date
    seal_state: str
    last_reading: Decimal | None
    status: str


class ServicePointOut(Schema):
    connection_point_no: str
    address: str
    service_area: str
    water_use: str
    meters: list[MeterOut]


class ContractOut(Schema):
    number: str
    kind: str
    signed_on: date
    valid_until: date | None
    status: str


class CustomerDetail(CustomerRow):
    id_type: str
    household_count: int
    low_income_certificate: str
    low_income_valid_until: date | None
    status: str
    opened_on: date
    note: str
    contact_persons: list[ContactPersonOut]
    accounts: list[AccountOut]
    service_points: list[ServicePointOut]
    contracts: list[ContractOut]


class CustomerIn(Schema):
    kind: str = Customer.Kind.INDIVIDUAL
    name: str
    id_type: str = ""
    id_number: str = ""
    phone: str
    address: str
    service_area: str
    household_count: int = 1
    low_income: bool = False
    low_income_certificate: str = ""
    low_income_valid_until: Day | None = None
    note: str = ""


class CustomerPatch(Schema):
    kind: str | None = None
    name: str | None = None
    id_type: str | None = None
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    service_area: str | None = None
    household_count: int | None = None
    low_income: bool | None = None
    low_income_certificate: str | None = None
    low_income_valid_until: Day | None = None
    note: str | None = None


class ArrearsOut(Schema):
    customer_id: int
    has_arrears: bool
    total: Decimal
    message: str


class AccessOut(Schema):
    accessed_at: datetime
    user: str
    channel: str
    ip_address: str | None


def row(customer: Customer, masker: Masker) -> dict:
    return {
        "id": customer.pk,
        "number": customer.number,
        "kind": customer.kind,
        "kind_label": customer.get_kind_display(),
        "name": customer.name,
        "phone": masker.phone(customer.phone),
        "id_number": masker.id_number(customer.id_number, customer.id_type),
        "address": customer.address,
        "service_area": customer.service_area.name,
        "low_income": customer.low_income,
    }


def detail(customer: Customer, masker: Masker) -> dict:
    return {
        **row(customer, masker),
        "id_type": customer.id_type,
        "household_count": customer.household_count,
        "low_income_certificate": customer.low_income_certificate,
        "low_income_valid_until": customer.low_income_valid_until,
        "status": customer.status,
        "opened_on": customer.opened_on,
        "note": customer.note,
        "contact_persons": [
            {
                "name": p.name,
                "relation": p.relation,
                "phone": masker.phone(p.phone),
                "is_primary": p.is_primary,
            }
            for p in customer.contact_persons.all()
        ],
        "accounts": [
            {"number": a.number, "arrears": a.arrears, "status": a.status} for a in customer.accounts.all()
        ],
        "service_points": [
            {
                "connection_point_no": p.connection_point_no,
                "address": p.address,
                "service_area": p.service_area.name,
                "water_use": p.water_use,
                "meters": [
                    {
                        "number": m.number,
                        "caliber_dn": m.caliber_dn,
                        "install_date": m.install_date,
                        "seal_state": m.seal_state,
                        "last_reading": m.last_reading,
                        "status": m.status,
                    }
                    for m in p.meters.all()
                ],
            }
            for p in customer.service_points.all()
        ],
        "contracts": [
            {
                "number": c.number,
                "kind": c.kind,
                "signed_on": c.signed_on,
                "valid_until": c.valid_until,
                "status": c.status,
            }
            for c in customer.contracts.all()
        ],
    }


class TooManySearchesOut(Schema):
    detail: str


@router.get("", response={200: SearchOut, 429: TooManySearchesOut}, summary="查询客户")
def search(request, filters: Query[SearchIn]):
    require(request.user, "customers.view_customer")
    if filters.page < 1 or filters.page > 500:
        raise ValidationError({"page": ["页码应为1至500之间的整数"]})
    if filters.field not in selectors.FIELDS:
        raise ValidationError({"field": [f"查询字段只能是：{'、'.join(selectors.FIELDS)}"]})
    page = services.search_archive(
        user=request.user,
        query=filters.q,
        field=filters.field,
        page=filters.page,
        request=request,
        channel=ArchiveAccess.Channel.API,
    )
    masker = Masker(request.user)
    return {
        "query": page.query,
        "field": page.field,
        "page": page.page,
        "has_next": page.has_next,
        "notice": page.notice,
        "results": [row(c, masker) for c in page.customers],
    }


@router.get("/{int:customer_id}", response=CustomerDetail, summary="客户档案（查阅留痕）")
def read(request, customer_id: int):
    customer = selectors.archive_for(get_customer_for(request.user, customer_id))
    services.record_archive_access(
        user=request.user, customers=[customer], channel=ArchiveAccess.Channel.API, request=request
    )
    return detail(customer, Masker(request.user))


@router.post("", response={201: CustomerDetail}, summary="新建客户档案")
def create(request, payload: CustomerIn):
    require(request.user, "customers.add_customer")
    customer = services.open_customer(actor=request.user, data=payload.dict())
    return Status(201, detail(selectors.archive_for(customer), Masker(request.user)))


@router.patch("/{int:customer_id}", response=CustomerDetail, summary="修改客户档案")
def update(request, customer_id: int, payload: CustomerPatch):
    customer = get_customer_for(request.user, customer_id, write=True)
    customer = services.update_customer(
        actor=request.user, customer=customer, data=payload.dict(exclude_unset=True)
    )
    return detail(selectors.archive_for(customer), Masker(request.user))


@router.get("/{int:customer_id}/arrears", response=ArrearsOut, summary="欠费校验")
def arrears(request, customer_id: int):
    customer = get_customer_for(request.user, customer_id)
    result = services.check_arrears(customer)
    # The amounts owed are the customer's data, shown whole to everyone who may ask: a read (A3).
    services.record_archive_access(
        user=request.user, customers=[customer], channel=ArchiveAccess.Channel.API, request=request
    )
    return {
        "customer_id": customer.pk,
        "has_arrears": result.has_arrears,
        "total": result.total,
        "message": result.message,
    }


class TimelineIn(Schema):
    kind: str = ""
    page: Annotated[int, Field(ge=1, le=TIMELINE_PAGES, description=f"页码，1至{TIMELINE_PAGES}")] = 1


class TimelineEntryOut(Schema):
    at: datetime
    kind: str
    kind_label: str
    summary: str
    actor: str
    url: str


class TimelineOut(Schema):
    page: int
    has_next: bool
    kinds: dict[str, str]
    entries: list[TimelineEntryOut]


@router.get("/{int:customer_id}/timeline", response=TimelineOut, summary="客户往来（时间线，查阅留痕）")
def timeline(request, customer_id: int, filters: Query[TimelineIn]):
    """The archive page's 客户往来: what the caller may open of the customer's contacts, orders,
    callbacks, businesses, payments, papers and archive changes, newest first, 20 a page."""
    customer = get_customer_for(request.user, customer_id)
    kinds = {kind.code: kind.label for kind in timeline_kinds(request.user)}
    if filters.kind and filters.kind not in kinds:
        raise ValidationError({"kind": f"类别应为以下之一：{'、'.join(kinds)}"})
    page = customer_timeline(
        customer, request.user, kinds=[filters.kind] if filters.kind else None, page=filters.page
    )
    services.record_archive_access(
        user=request.user, customers=[customer], channel=ArchiveAccess.Channel.API, request=request
    )
    return {"page": page.page, "has_next": page.has_next, "kinds": kinds, "entries": page.entries}


@router.get("/{int:customer_id}/access-log", response=list[AccessOut], summary="档案查阅记录")
def access_log(request, customer_id: int):
    require(request.user, "customers.view_archiveaccess")
    customer = get_customer_for(request.user, customer_id)
    rows = ArchiveAccess.objects.of_customer(customer).select_related("user")[:200]
    return [
        {
            "accessed_at": r.accessed_at,
            "user": str(r.user),
            "channel": r.get_channel_display(),
            "ip_address": r.ip_address,
        }
        for r in rows
    ]
