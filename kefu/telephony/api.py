"""Telephony API: the PBX posts call events; an agent's client reads its screen pop."""

import json
from datetime import datetime

from ninja import Field, Router, Status
from pydantic import ConfigDict

from kefu.core.schemas import Schema
from kefu.customers.models import ArchiveAccess
from kefu.telephony import selectors, services
from kefu.telephony.models import Call
from kefu.telephony.permissions import get_screen_pop_for, require_recording

router = Router(tags=["电话接入"])


class CallEventIn(Schema):
    # Some exchanges send the caller number (or even the agent's 工号) as a JSON number.
    model_config = ConfigDict(coerce_numbers_to_str=True)

    call_id: str = Field(max_length=64, description="交换机的通话标识")
    event: str = Field(max_length=10, description="ring 振铃 / answer 接听 / hangup 挂机")
    agent: str = Field(max_length=150, description="坐席的工号或用户名")
    caller: str = Field("", max_length=40, description="来电号码，可带 +86、区号、分机；隐藏号码可为空")
    timestamp: str = Field(max_length=40, description="ISO 8601 时间；不带时区按北京时间")


class CallOut(Schema):
    call_id: str
    caller_number: str
    agent: str | None
    customer_id: int | None
    ring_at: datetime | None
    answer_at: datetime | None
    hangup_at: datetime | None
    ring_seconds: float | None
    answered_in_time: bool | None


class RecordedOut(Schema):
    duplicate: bool
    event: str
    occurred_at: datetime
    call: CallOut


class PopWorkOrderOut(Schema):
    number: str
    state: str
    category: str
    deadline: datetime


class PopContactOut(Schema):
    number: str
    received_at: datetime
    category: str
    matter: str


class PopCustomerOut(Schema):
    id: int
    number: str
    name: str
    phone: str
    address: str
    service_area: str
    via_contact_person: str
    fill_url: str
    work_orders: list[PopWorkOrderOut]
    contacts: list[PopContactOut]


class PopCallOut(Schema):
    call_id: str
    caller_number: str
    state: str
    ring_at: datetime | None
    answer_at: datetime | None
    hangup_at: datetime | None
    ring_seconds: int | None
    limit_seconds: float
    late: bool
    fill_url: str


class ScreenPopOut(Schema):
    call: PopCallOut | None
    customers: list[PopCustomerOut] = []
    more_customers: bool = False
    contacts_by_phone: list[PopContactOut] = []


def call_out(call: Call) -> dict:
    return {
        "call_id": call.call_id,
        "caller_number": call.caller_number,
        "agent": call.agent.username if call.agent else None,
        "customer_id": call.customer_id,
        "ring_at": call.ring_at,
        "answer_at": call.answer_at,
        "hangup_at": call.hangup_at,
        "ring_seconds": call.ring_seconds,
        "answered_in_time": call.answered_in_time,
    }


@router.post("/events", response={200: RecordedOut, 201: RecordedOut}, summary="交换机通话事件")
def post_event(request, payload: CallEventIn):
    """振铃、接听、挂机各报一次；同一通话的同一事件重复上报返回 200 和 `duplicate: true`，不作任何修改。"""
    require_recording(request.user)
    recorded = services.record_call_event(
        actor=request.user,
        call_id=payload.call_id,
        event=payload.event,
        agent_code=payload.agent,
        caller=payload.caller,
        timestamp=payload.timestamp,
        raw=_raw_body(request, payload),
    )
    body = {
        "duplicate": recorded.duplicate,
        "event": recorded.event.event_type,
        "occurred_at": recorded.event.occurred_at,
        "call": call_out(recorded.call),
    }
    return Status(200 if recorded.duplicate else 201, body)


@router.get("/screen-pop", response=ScreenPopOut, summary="当前来电弹屏")
def screen_pop(request):
    """当前用户自己的来电：振铃中、通话中或挂机不久的一通；没有来电时 `call` 为 null。"""
    pop = get_screen_pop_for(request.user)
    if pop is None:
        return {"call": None}
    services.record_screen_pop_read(
        user=request.user,
        call=pop.call,
        customers=[c.customer for c in pop.customers],
        channel=ArchiveAccess.Channel.API,
        request=request,
    )
    return {
        "call": {
            "call_id": pop.call.call_id,
            "caller_number": pop.call.caller_number,
            "state": pop.state_label,
            "ring_at": pop.call.ring_at,
            "answer_at": pop.call.answer_at,
            "hangup_at": pop.call.hangup_at,
            "ring_seconds": pop.ring_seconds,
            "limit_seconds": pop.limit_seconds,
            "late": pop.late,
            "fill_url": selectors.contact_form_url(pop.call),
        },
        "customers": [
            {
                "id": c.customer.pk,
                "number": c.customer.number,
                "name": c.customer.name,
                "phone": c.customer.phone_shown,
                "address": c.customer.address,
                "service_area": c.customer.service_area.name,
                "via_contact_person": c.via_contact_person,
                "fill_url": selectors.contact_form_url(pop.call, c.customer),
                "work_orders": [
                    {
                        "number": o.number,
                        "state": o.get_state_display(),
                        "category": o.category.name,
                        "deadline": o.deadline,
                    }
                    for o in c.work_orders
                ],
                "contacts": [_contact_out(contact) for contact in c.contacts],
            }
            for c in pop.customers
        ],
        "more_customers": pop.more_customers,
        "contacts_by_phone": [_contact_out(contact) for contact in pop.contacts_by_phone],
    }


def _contact_out(contact) -> dict:
    return {
        "number": contact.number,
        "received_at": contact.received_at,
        "category": contact.category.name,
        "matter": contact.matter_short,
    }


def _raw_body(request, payload: CallEventIn) -> dict:
    # Kept as the PBX sent it, with any fields of its own (queue, trunk…), for tracing a dispute.
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        body = None
    return body if isinstance(body, dict) else payload.dict()
