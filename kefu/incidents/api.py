"""Incidents API (issue 13 item 5): the same services and permission helpers as the pages."""

from datetime import datetime

from django.core.exceptions import ValidationError
from ninja import Field, Header, Query, Router, Status

from kefu.accounts.models import ServiceArea, Unit
from kefu.core.permissions import require
from kefu.core.schemas import Moment, ObjectId, PageNumber, Schema
from kefu.customers.masking import Masker
from kefu.customers.permissions import get_customer_for
from kefu.hotline.models import Category, Channel, Priority
from kefu.incidents import selectors, services
from kefu.incidents.models import Incident, IncidentContact
from kefu.incidents.permissions import (
    LEAD,
    READ,
    get_incident_for,
    get_incident_to_lead,
    get_incident_to_link,
)
from kefu.knowledge.models import PlannedOutage

router = Router(tags=["突发事件"])

PER_PAGE = 30


class IncidentOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    title: str
    state: str
    state_label: str
    source: str
    service_areas: list[str]
    streets: str
    cause: str
    started_at: datetime
    expected_restoration_at: datetime | None
    agreed_answer: str
    answer_version: int
    responsible_unit: str | None
    final_answer: str
    closed_at: datetime | None
    linked: int


class LinkOut(Schema):
    id: int
    incident: str
    contact_id: int
    contact: str
    received_at: datetime
    caller_name: str
    phone: str
    address: str
    wants_callback: bool
    answered_at: datetime | None
    callback_order: str | None


class IncidentFilters(Schema):
    state: str = ""
    q: str = Field("", max_length=50)
    page: PageNumber = 1


class IncidentIn(Schema):
    kind: str = Field(..., max_length=20)
    title: str = Field(..., max_length=200)
    agreed_answer: str = Field(..., max_length=2000)
    service_area_ids: list[ObjectId] = []
    streets: str = Field("", max_length=300)
    cause: str = Field("", max_length=2000)
    started_at: Moment | None = None
    expected_restoration_at: Moment | None = None
    responsible_unit_id: ObjectId | None = None
    planned_outage_id: ObjectId | None = None


class AnswerIn(Schema):
    agreed_answer: str = Field("", max_length=2000)
    expected_restoration_at: Moment | None = None
    note: str = Field("", max_length=300)


class DismissIn(Schema):
    reason: str = Field("", max_length=500)


class CloseIn(Schema):
    final_answer: str = Field("", max_length=2000)
    closed_at: Moment | None = None


class LinkIn(Schema):
    matter: str = Field("", max_length=2000)
    category: str = Field("", max_length=40)
    channel: str = Channel.PHONE
    customer_id: ObjectId | None = None
    caller_name: str = Field("", max_length=100)
    phone: str = Field("", max_length=40)
    address: str = Field("", max_length=200)
    service_area_id: ObjectId | None = None
    priority: str = Priority.NORMAL
    call_id: str = Field("", max_length=64)
    wants_callback: bool = False


def out(incident: Incident) -> dict:
    return {
        "id": incident.pk,
        "number": incident.number,
        "kind": incident.kind,
        "kind_label": incident.get_kind_display(),
        "title": incident.title,
        "state": incident.state,
        "state_label": incident.get_state_display(),
        "source": incident.source,
        "service_areas": [a.name for a in incident.service_areas.all()],
        "streets": incident.streets,
        "cause": incident.cause,
        "started_at": incident.started_at,
        "expected_restoration_at": incident.expected_restoration_at,
        "agreed_answer": incident.agreed_answer,
        "answer_version": incident.answer_version,
        "responsible_unit": str(incident.responsible_unit) if incident.responsible_unit_id else None,
        "final_answer": incident.final_answer,
        "closed_at": incident.closed_at,
        "linked": incident.linked if hasattr(incident, "linked") else incident.links.count(),
    }


def link_out(link: IncidentContact, masker: Masker) -> dict:
    contact = link.contact
    return {
        "id": link.pk,
        "incident": link.incident.number,
        "contact_id": contact.pk,
        "contact": contact.number,
        "received_at": contact.received_at,
        "caller_name": contact.caller_name,
        "phone": masker.phone(contact.phone) if contact.phone else "",
        "address": contact.address,
        "wants_callback": link.wants_callback,
        "answered_at": link.answered_at,
        "callback_order": link.callback_order.number if link.callback_order_id else None,
    }


def _lookup(model, pk, field: str, label: str):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: f"{label}不存在"})
    return found


@router.get("/incidents", response=list[IncidentOut], summary="突发事件列表（按可见范围）")
def list_incidents(request, filters: Query[IncidentFilters]):
    require(request.user, READ)
    if filters.state and filters.state not in Incident.State.values:
        raise ValidationError({"state": "状态应为：" + "、".join(Incident.State.values)})
    rows = selectors.incidents(request.user, state=filters.state, q=filters.q.strip())
    start = (filters.page - 1) * PER_PAGE
    return [out(i) for i in rows[start : start + PER_PAGE]]


@router.get("/incidents/{int:pk}", response=IncidentOut, summary="突发事件")
def read_incident(request, pk: int):
    return out(get_incident_for(request.user, pk))


@router.get("/incidents/{int:pk}/contacts", response=list[LinkOut], summary="突发事件的关联来电")
def list_links(request, pk: int, page: PageNumber = 1):
    incident = get_incident_for(request.user, pk)
    masker = Masker(request.user)
    rows = selectors.linked_contacts(request.user, incident)
    start = (page - 1) * PER_PAGE
    return [link_out(link, masker) for link in rows[start : start + PER_PAGE]]


@router.post("/incidents", response={201: IncidentOut}, summary="发布突发事件（班长以上）")
def declare(request, payload: IncidentIn):
    require(request.user, READ, LEAD)
    areas = list(ServiceArea.objects.filter(pk__in=payload.service_area_ids, active=True))
    if len(areas) != len(set(payload.service_area_ids)):
        raise ValidationError({"service_area_ids": "所选片区不存在或已停用"})
    incident = services.declare_incident(
        actor=request.user,
        kind=payload.kind,
        title=payload.title,
        agreed_answer=payload.agreed_answer,
        service_areas=areas,
        streets=payload.streets,
        cause=payload.cause,
        started_at=payload.started_at,
        expected_restoration_at=payload.expected_restoration_at,
        responsible_unit=_lookup(Unit, payload.responsible_unit_id, "responsible_unit_id", "责任单位"),
        planned_outage=_lookup(PlannedOutage, payload.planned_outage_id, "planned_outage_id", "计划停水"),
    )
    return Status(201, out(get_incident_for(request.user, incident.pk)))


@router.post("/incidents/{int:pk}/confirm", response=IncidentOut, summary="确认疑似突发事件")
def confirm(request, pk: int, payload: AnswerIn):
    incident = get_incident_to_lead(request.user, pk)
    services.confirm_incident(
        actor=request.user,
        incident=incident,
        agreed_answer=payload.agreed_answer,
        expected_restoration_at=payload.expected_restoration_at,
    )
    return out(get_incident_for(request.user, pk))


@router.post("/incidents/{int:pk}/dismiss", response=IncidentOut, summary="排除疑似突发事件")
def dismiss(request, pk: int, payload: DismissIn):
    incident = get_incident_to_lead(request.user, pk)
    services.dismiss_incident(actor=request.user, incident=incident, reason=payload.reason)
    return out(get_incident_for(request.user, pk))


@router.post("/incidents/{int:pk}/answer", response=IncidentOut, summary="修改统一答复口径（保留历史）")
def change_answer(request, pk: int, payload: AnswerIn):
    incident = get_incident_to_lead(request.user, pk)
    services.change_answer(
        actor=request.user,
        incident=incident,
        agreed_answer=payload.agreed_answer,
        expected_restoration_at=payload.expected_restoration_at,
        note=payload.note,
    )
    return out(get_incident_for(request.user, pk))


@router.post(
    "/incidents/{int:pk}/close",
    response=IncidentOut,
    summary="恢复并关闭：关联来电按最终答复办结，要求回电的排入回电",
)
def close(request, pk: int, payload: CloseIn):
    incident = get_incident_to_lead(request.user, pk)
    services.close_incident(
        actor=request.user, incident=incident, final_answer=payload.final_answer, closed_at=payload.closed_at
    )
    return out(get_incident_for(request.user, pk))


@router.post(
    "/incidents/{int:pk}/contacts",
    response={201: LinkOut},
    summary="登记来电并关联突发事件（按口径答复，不转办）",
)
def link(
    request,
    pk: int,
    payload: LinkIn,
    idempotency_key: str = Header(
        "", alias="Idempotency-Key", description="同一用户以同一值重发时不重复登记"
    ),
):
    incident = get_incident_to_link(request.user, pk)
    category = None
    if payload.category:
        category = Category.objects.filter(code=payload.category).first()
        if category is None:
            raise ValidationError({"category": f"类别「{payload.category}」不存在"})
    customer = get_customer_for(request.user, payload.customer_id) if payload.customer_id else None
    link = services.link_contact(
        actor=request.user,
        incident=incident,
        wants_callback=payload.wants_callback,
        matter=payload.matter,
        category=category,
        channel=payload.channel,
        customer=customer,
        caller_name=payload.caller_name,
        phone=payload.phone,
        address=payload.address,
        service_area=_lookup(ServiceArea, payload.service_area_id, "service_area_id", "服务片区"),
        priority=payload.priority,
        call_id=payload.call_id,
        idempotency_key=idempotency_key,
    )
    return Status(201, link_out(link, Masker(request.user)))
