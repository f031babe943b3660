"""Hotline API: classify, contacts, work orders and their transitions, callbacks, return visits, alerts.

The same services and permission helpers as the pages; ValidationError/PermissionDenied become Chinese
400/403 answers in kefu/api.py."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import Header, Query, Router, Status
from pydantic import Field

from kefu.accounts.models import ServiceArea, Unit, User
from kefu.core.params import object_id
from kefu.core.permissions import require
from kefu.core.policies import get_policy
from kefu.core.schemas import Day, Moment, ObjectId, PageNumber, Schema
from kefu.customers.api import TooManySearchesOut
from kefu.customers.masking import Masker
from kefu.customers.permissions import get_customer_for
from kefu.hotline import actions, selectors
from kefu.hotline.actions import WorkOrderAction
from kefu.hotline.models import Callback, Category, Channel, Contact, Priority, WorkOrder
from kefu.hotline.permissions import get_callback_for, get_contact_for, get_work_order_for
from kefu.hotline.services import contacts, repeats, work_orders
from kefu.hotline.services.alerts import mark_alerts_read

router = Router(tags=["热线与工单"])


# ---- classify -------------------------------------------------------------------------------------


class ClassifyIn(Schema):
    text: str = Field(..., max_length=2000)


class Alternative(Schema):
    category: str
    confidence: float


class ClassifyOut(Schema):
    category: str
    confidence: float
    alternatives: list[Alternative]


@router.post("/classify", response=ClassifyOut, summary="来电事项自动分类建议")
def classify(request, payload: ClassifyIn):
    require(request.user, "hotline.add_contact")
    if not payload.text.strip():
        raise ValidationError({"text": "请填写来电事项"})
    from kefu.hotline.classifier import suggest

    try:
        suggestion = suggest(payload.text)
    except ValueError as exc:
        raise ValidationError({"text": str(exc)}) from None
    # A model trained before an administrator switched a category off may still name it.
    active = set(Category.objects.filter(active=True).values_list("code", flat=True))
    ranked = [
        {"category": suggestion.category, "confidence": suggestion.confidence},
        *suggestion.alternatives,
    ]
    ranked = [choice for choice in ranked if choice["category"] in active] or ranked
    return {
        "category": ranked[0]["category"],
        "confidence": round(float(ranked[0]["confidence"]), 4),
        "alternatives": [
            {"category": c["category"], "confidence": round(float(c["confidence"]), 4)} for c in ranked[1:]
        ],
    }


# ---- categories -----------------------------------------------------------------------------------


class CategoryOut(Schema):
    code: str
    name: str
    description: str
    route: str
    target_unit_kind: str
    default_disposition: str
    may_answer: bool
    may_transfer: bool
    may_follow_up: bool
    deadline: str


@router.get("/categories", response=list[CategoryOut], summary="诉求类别及处理规则")
def categories(request):
    require(request.user, "hotline.view_contact")
    return [
        {
            **{f: getattr(c, f) for f in CategoryOut.model_fields if f != "deadline"},
            "deadline": c.deadline_label,
        }
        for c in Category.objects.filter(active=True)
    ]


# ---- contacts -------------------------------------------------------------------------------------


class ContactIn(Schema):
    matter: str = Field(..., max_length=2000)
    category: str = Field(..., max_length=40)
    disposition: str = Field(..., max_length=12)
    channel: str = Channel.PHONE
    customer_id: ObjectId | None = None
    caller_name: str = Field("", max_length=100)
    phone: str = Field("", max_length=40)
    address: str = Field("", max_length=200)
    service_area_id: ObjectId | None = None
    priority: str = Priority.NORMAL
    result: str = Field("", max_length=2000)
    unit_id: ObjectId | None = None
    suggested_category: str | None = None
    suggestion_confidence: float | None = None
    call_id: str = Field("", max_length=64)
    # 重复来电 (H16): a contact from the number or customer of an open order (within
    # hotline.repeat_window_days) is linked to that order; true records it as a new matter instead.
    new_matter: bool = Field(
        False,
        description="重复来电：同一号码或客户在规则 hotline.repeat_window_days 天内有在办工单时，"
        "来电并入该工单；为 true 时作为新问题登记",
    )


class WorkOrderRow(Schema):
    id: int
    number: str
    state: str
    state_label: str
    category: str
    owner: str
    unit: str | None
    deadline: datetime
    promised_at: datetime | None
    overdue: bool
    escalation_level: int
    contact_number: str
    phone: str
    matter: str
    repeat_count: int
    reopen_count: int


class ContactOut(Schema):
    id: int
    number: str
    received_at: datetime
    channel: str
    category: str
    category_name: str
    disposition: str
    customer_id: int | None
    caller_name: str
    phone: str
    address: str
    service_area: str | None
    matter: str
    original_matter: str
    result: str
    agent: str
    transferred_at: datetime | None
    transferred_to: str | None
    work_order: WorkOrderRow | None
    # The open order this contact was linked to as a repeat call, and the agent's notice for it.
    repeat_of: WorkOrderRow | None
    repeat_notice: str


def _order_row(order: WorkOrder, masker: Masker) -> dict:
    contact = order.contact
    return {
        "id": order.pk,
        "number": order.number,
        "state": order.state,
        "state_label": order.get_state_display(),
        "category": order.category.code,
        "owner": str(order.owner),
        "unit": str(order.unit) if order.unit_id else None,
        "deadline": order.deadline,
        "promised_at": order.promised_at,
        "overdue": order.is_overdue,
        "escalation_level": order.escalation_level,
        "contact_number": contact.number,
        "phone": masker.phone(contact.phone) if contact.phone else "",
        "matter": contact.matter,
        "repeat_count": order.repeat_count,
        "reopen_count": order.reopen_count,
    }


def _contact_out(contact: Contact, masker: Masker) -> dict:
    order = getattr(contact, "work_order", None) if _has_order(contact) else None
    return {
        "id": contact.pk,
        "number": contact.number,
        "received_at": contact.received_at,
        "channel": contact.channel,
        "category": contact.category.code,
        "category_name": contact.category.name,
        "disposition": contact.disposition,
        "customer_id": contact.customer_id,
        "caller_name": contact.caller_name,
        "phone": masker.phone(contact.phone) if contact.phone else "",
        "address": contact.address,
        "service_area": str(contact.service_area) if contact.service_area_id else None,
        "matter": contact.matter,
        "original_matter": contact.original_matter,
        "result": contact.result,
        "agent": str(contact.agent),
        "transferred_at": contact.transferred_at,
        "transferred_to": str(contact.transferred_to) if contact.transferred_to_id else None,
        "work_order": _order_row(order, masker) if order else None,
        "repeat_of": _order_row(contact.repeat_of, masker) if contact.repeat_of_id else None,
        "repeat_notice": _repeat_notice(contact),
    }


def _repeat_notice(contact: Contact) -> str:
    if not contact.repeat_of_id:
        return ""
    match = getattr(contact, "repeat_match", None)
    if match is not None:
        return match.notice
    nth = contact.repeat_of.repeat_contacts.filter(received_at__lte=contact.received_at).count() + 1
    return f"该客户就工单{contact.repeat_of.number}第{nth}次来电"


def _has_order(contact: Contact) -> bool:
    try:
        return contact.work_order is not None
    except WorkOrder.DoesNotExist:
        return False


def _lookup(model, pk, field: str, label: str):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: f"{label}不存在"})
    return found


@router.post("/contacts", response={201: ContactOut}, summary="受理登记（转办时同时建工单）")
def create_contact(
    request,
    payload: ContactIn,
    response: HttpResponse,
    idempotency_key: str = Header(
        "",
        alias="Idempotency-Key",
        description="每次新登记一个新值（如 UUID）；同一用户以同一值重发时，返回首次登记的结果而不重复登记",
    ),
):
    require(request.user, "hotline.add_contact")
    category = Category.objects.filter(code=payload.category).first()
    if category is None:
        raise ValidationError({"category": f"类别「{payload.category}」不存在"})
    suggested = (
        Category.objects.filter(code=payload.suggested_category).first()
        if payload.suggested_category
        else None
    )
    customer = get_customer_for(request.user, payload.customer_id) if payload.customer_id else None
    contact = contacts.open_contact(
        actor=request.user,
        matter=payload.matter,
        category=category,
        disposition=payload.disposition,
        channel=payload.channel,
        customer=customer,
        caller_name=payload.caller_name,
        phone=payload.phone,
        address=payload.address,
        service_area=_lookup(ServiceArea, payload.service_area_id, "service_area_id", "服务片区"),
        priority=payload.priority,
        result=payload.result,
        unit=_lookup(Unit, payload.unit_id, "unit_id", "责任单位"),
        suggested_category=suggested,
        suggestion_confidence=payload.suggestion_confidence,
        call_id=payload.call_id,
        idempotency_key=idempotency_key,
        link_repeat=not payload.new_matter,
    )
    if contact.replayed:
        # The first request's result, as it answered then (status 201 too), flagged for the client.
        response["Idempotent-Replayed"] = "true"
    return Status(201, _contact_out(contact, Masker(request.user)))


class ContactFilter(Schema):
    q: str = ""
    category: str = ""
    channel: str = ""
    date_from: Day | None = None
    date_to: Day | None = None
    page: PageNumber = 1


class ContactPage(Schema):
    page: int
    has_next: bool
    results: list[ContactOut]


# 429: number searches past the rate limit (customers.search_per_minute), as in the archive search.
@router.get(
    "/contacts",
    response={200: ContactPage, 429: TooManySearchesOut},
    summary="来电来访登记查询（支持中文全文检索）",
)
def list_contacts(request, filters: Query[ContactFilter]):
    require(request.user, "hotline.view_contact")
    if filters.q.strip():
        rows = contacts.search_register(user=request.user, query=filters.q)
    else:
        rows = Contact.objects.visible_to(request.user).order_by("-received_at", "-id")
    if filters.category:
        rows = rows.filter(category__code=filters.category)
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    if filters.date_from:
        rows = rows.filter(received_on__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(received_on__lte=filters.date_to)
    rows = rows.select_related(
        "category",
        "agent",
        "service_area",
        "transferred_to",
        "work_order__category",
        "work_order__owner",
        "work_order__unit",
        "repeat_of__contact",
        "repeat_of__category",
        "repeat_of__owner",
        "repeat_of__unit",
    )
    page = selectors.paged(rows, filters.page)
    masker = Masker(request.user)
    return {
        "page": page.page,
        "has_next": page.has_next,
        "results": [_contact_out(c, masker) for c in page.rows],
    }


class RepeatCheckOut(Schema):
    repeat: bool
    notice: str
    nth: int | None
    same_day: bool
    raises_priority: bool
    work_order: WorkOrderRow | None


@router.get(
    "/contacts/repeat-check",
    response={200: RepeatCheckOut, 429: TooManySearchesOut},
    summary="重复来电核对：此号码或客户是否有在办工单（登记前提示坐席）",
)
def repeat_check(request, phone: str = "", customer_id: ObjectId | None = None):
    require(request.user, "hotline.add_contact")
    customer = get_customer_for(request.user, customer_id) if customer_id else None
    match = repeats.check_caller(user=request.user, phone=phone[:40], customer=customer)
    if match is None:
        return {
            "repeat": False,
            "notice": "",
            "nth": None,
            "same_day": False,
            "raises_priority": False,
            "work_order": None,
        }
    raises = match.same_day and bool(get_policy("hotline.repeat_same_day_raises_priority"))
    return {
        "repeat": True,
        "notice": match.notice,
        "nth": match.nth,
        "same_day": match.same_day,
        "raises_priority": raises,
        "work_order": _order_row(match.work_order, Masker(request.user)),
    }


@router.get("/contacts/{int:contact_id}", response=ContactOut, summary="登记详情")
def contact_detail(request, contact_id: int):
    return _contact_out(get_contact_for(request.user, contact_id), Masker(request.user))


class CorrectionIn(Schema):
    reason: str = Field(..., max_length=500)
    matter: str | None = Field(None, max_length=2000)
    caller_name: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=40)
    address: str | None = Field(None, max_length=200)
    result: str | None = Field(None, max_length=2000)


@router.post(
    "/contacts/{int:contact_id}/corrections", response=ContactOut, summary="更正登记（保留原始记录）"
)
def correct(request, contact_id: int, payload: CorrectionIn):
    contact = get_contact_for(request.user, contact_id)
    values = payload.dict(exclude_none=True)
    reason = values.pop("reason")
    contact = contacts.correct_contact(actor=request.user, contact=contact, reason=reason, **values)
    return _contact_out(get_contact_for(request.user, contact.pk), Masker(request.user))


# ---- work orders ----------------------------------------------------------------------------------


class OrderFilter(Schema):
    queue: str = "all"
    state: str = ""
    category: str = ""
    unit: str = ""
    q: str = ""
    page: PageNumber = 1


class OrderPage(Schema):
    queue: str
    page: int
    has_next: bool
    results: list[WorkOrderRow]


@router.get("/work-orders", response=OrderPage, summary="工单列表（队列、状态、类别、单位筛选）")
def list_work_orders(request, filters: Query[OrderFilter]):
    if filters.queue not in selectors.QUEUES or filters.queue == "callbacks":
        raise ValidationError(
            {"queue": "队列应为 mine、unit、overdue、escalated 或 all（待回电请用 /callbacks）"}
        )
    if filters.state and filters.state not in WorkOrder.State.values:
        raise ValidationError({"state": "状态无效"})
    rows = selectors.filter_orders(
        selectors.queue(request.user, filters.queue),
        state=filters.state,
        category=filters.category,
        unit=object_id(filters.unit) or "",
        q=filters.q,
    )
    page = selectors.paged(rows, filters.page)
    masker = Masker(request.user)
    return {
        "queue": filters.queue,
        "page": page.page,
        "has_next": page.has_next,
        "results": [_order_row(order, masker) for order in page.rows],
    }


class EventOut(Schema):
    occurred_at: datetime
    actor: str | None
    verb: str
    changes: dict
    note: str


class CallbackOut(Schema):
    id: int
    attempt: int
    due_at: datetime
    outcome: str
    feedback: str
    satisfied: bool | None
    done_at: datetime | None


class ReturnVisitOut(Schema):
    result: str
    comment: str
    visited_at: datetime
    visited_by: str


class WorkOrderDetail(WorkOrderRow):
    co_units: list[str]
    reply: str
    return_reason: str
    deadline_warnings: list[str]
    callbacks: list[CallbackOut]
    return_visits: list[ReturnVisitOut]
    timeline: list[EventOut]
    allowed_actions: list[str]


def _detail(order: WorkOrder, user) -> dict:
    return {
        **_order_row(order, Masker(user)),
        "co_units": [str(u) for u in order.co_units.all()],
        "reply": order.reply,
        "return_reason": order.return_reason,
        "deadline_warnings": order.deadline_warnings,
        "callbacks": list(order.callbacks.all()),
        "return_visits": [
            {
                "result": v.result,
                "comment": v.comment,
                "visited_at": v.visited_at,
                "visited_by": str(v.visited_by),
            }
            for v in order.return_visits.select_related("visited_by")
        ],
        "timeline": [
            {
                "occurred_at": e.occurred_at,
                "actor": str(e.actor) if e.actor_id else None,
                "verb": e.verb,
                "changes": e.changes,
                "note": e.note,
            }
            for e in selectors.timeline(order)
        ],
        # The actions this user may take now, in the vocabulary `transitions` takes (and the page shows).
        "allowed_actions": actions.offered(user, order, order.callbacks.filter(done_at__isnull=True).first()),
    }


@router.get("/work-orders/{int:order_id}", response=WorkOrderDetail, summary="工单详情与流转记录")
def work_order_detail(request, order_id: int):
    return _detail(get_work_order_for(request.user, order_id), request.user)


class WorkOrderTransitionIn(Schema):
    action: str = Field(..., description="、".join(f"{a.value}（{a.label}）" for a in WorkOrderAction))
    unit_id: ObjectId | None = Field(None, description="transfer、reassign：责任单位")
    co_unit_ids: list[ObjectId] | None = Field(None, description="co_units：协办单位")
    reason: str = Field("", max_length=1000)
    note: str = Field("", max_length=500, description="close：说明（旧客户端用 reason，仍可用一个版本）")
    result: str = Field("", max_length=4000, description="reply：办理结果；return_visit：满意度")
    new_owner_id: ObjectId | None = None
    level: int | None = Field(None, ge=1, le=3)
    emergency: bool = False
    callback_id: ObjectId | None = None
    reached: bool | None = None
    feedback: str = Field("", max_length=2000)
    satisfied: bool | None = None
    comment: str = Field("", max_length=2000)
    plan: str = Field("", max_length=2000)
    promised_at: Moment | None = None


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


# The API names an object by its id ("unit_id"); the action table's forms by the object ("unit").
API_FIELDS = {
    "unit": "unit_id",
    "units": "co_unit_ids",
    "new_owner": "new_owner_id",
    "callback": "callback_id",
}


def _form_data(payload: WorkOrderTransitionIn) -> dict:
    """The payload in the action forms' words; a field not given is left out, as a page leaves it."""
    data = {
        "unit": payload.unit_id,
        "units": payload.co_unit_ids,
        "reason": payload.reason,
        # close took its note from `reason` before `note` existed: kept for one release.
        "note": payload.note or (payload.reason if payload.action == WorkOrderAction.CLOSE else ""),
        "result": payload.result,
        "new_owner": payload.new_owner_id,
        "level": payload.level,
        "emergency": payload.emergency,
        "callback": payload.callback_id,
        "reached": _yes_no(payload.reached),
        "feedback": payload.feedback,
        "satisfied": _yes_no(payload.satisfied) or "",
        "comment": payload.comment,
        "plan": payload.plan,
        "promised_at": payload.promised_at,
    }
    return {name: value for name, value in data.items() if value is not None}


def _perform(request, order: WorkOrder, action: str, data: dict) -> actions.Done:
    """The page's action table; a refusal names the API's own fields (unit_id, not unit)."""
    try:
        return actions.perform(request.user, order, action, data)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {API_FIELDS.get(field, field): messages for field, messages in error.message_dict.items()}
        ) from None


@router.post("/work-orders/{int:order_id}/transitions", response=WorkOrderDetail, summary="工单流转")
def transition(request, order_id: int, payload: WorkOrderTransitionIn):
    order = get_work_order_for(request.user, order_id)
    _perform(request, order, payload.action, _form_data(payload))
    return _detail(get_work_order_for(request.user, order.pk), request.user)


class InterimIn(Schema):
    plan: str = Field(..., max_length=2000)
    promised_at: Moment


@router.post(
    "/work-orders/{int:order_id}/interim-replies", response={201: WorkOrderDetail}, summary="阶段答复"
)
def add_interim_reply(request, order_id: int, payload: InterimIn):
    """The same step as the action interim_reply."""
    order = get_work_order_for(request.user, order_id)
    _perform(request, order, WorkOrderAction.INTERIM_REPLY, payload.dict())
    return Status(201, _detail(get_work_order_for(request.user, order_id), request.user))


class ReturnVisitIn(Schema):
    result: str
    comment: str = Field("", max_length=2000)


@router.post("/work-orders/{int:order_id}/return-visits", response={201: WorkOrderDetail}, summary="回访")
def add_return_visit(request, order_id: int, payload: ReturnVisitIn):
    """The same step as the action return_visit."""
    order = get_work_order_for(request.user, order_id)
    _perform(request, order, WorkOrderAction.RETURN_VISIT, payload.dict())
    return Status(201, _detail(get_work_order_for(request.user, order_id), request.user))


class HandOverAllIn(Schema):
    from_owner_id: ObjectId
    new_owner_id: ObjectId
    reason: str = Field(..., max_length=500)


@router.post("/work-orders/hand-over-all", response=dict, summary="批量移交某人的未结工单（离岗、离职）")
def hand_over_all(request, payload: HandOverAllIn):
    require(request.user, "hotline.manage_workorder")
    from_owner = _lookup(User, payload.from_owner_id, "from_owner_id", "原责任人")
    new_owner = _lookup(User, payload.new_owner_id, "new_owner_id", "接手人")
    moved = work_orders.hand_over_all(
        actor=request.user, from_owner=from_owner, new_owner=new_owner, reason=payload.reason
    )
    return {"moved": moved}


# ---- callbacks and alerts -------------------------------------------------------------------------


class DueCallbackOut(CallbackOut):
    work_order_id: int
    work_order_number: str
    phone: str


class CallbackPage(Schema):
    page: int
    has_next: bool
    results: list[DueCallbackOut]


@router.get("/callbacks", response=CallbackPage, summary="待回电任务")
def list_callbacks(request, page: int = Query(1, ge=1, le=10000)):
    rows = selectors.paged(selectors.callbacks_due(request.user), page)
    masker = Masker(request.user)
    return {
        "page": rows.page,
        "has_next": rows.has_next,
        "results": [
            {
                **CallbackOut.from_orm(c).dict(),
                "work_order_id": c.work_order_id,
                "work_order_number": c.work_order.number,
                "phone": masker.phone(c.work_order.contact.phone) if c.work_order.contact.phone else "",
            }
            for c in rows.rows
        ],
    }


class CallbackIn(Schema):
    reached: bool
    feedback: str = Field("", max_length=2000)
    satisfied: bool | None = None


@router.post("/callbacks/{int:callback_id}", response=CallbackOut, summary="登记回电结果")
def record_callback(request, callback_id: int, payload: CallbackIn):
    """The same step as the work order's action callback."""
    callback = get_callback_for(request.user, callback_id)
    data = {
        "callback": callback.pk,
        "reached": _yes_no(payload.reached),
        "feedback": payload.feedback,
        "satisfied": _yes_no(payload.satisfied) or "",
    }
    _perform(request, callback.work_order, WorkOrderAction.CALLBACK, data)
    return Callback.objects.get(pk=callback.pk)


class WorkOrderAlertOut(Schema):
    id: int
    kind: str
    level: int
    message: str
    created_at: datetime
    read_at: datetime | None
    work_order_id: int


@router.get("/alerts", response=list[WorkOrderAlertOut], summary="我的工单提醒（全部提醒见 /api/alerts）")
def my_alerts(request, unread: bool = False):
    require(request.user, "hotline.view_workorder")
    return list(selectors.alerts_for(request.user, unread_only=unread)[:200])


@router.post("/alerts/read", response=dict, summary="全部标为已读")
def read_alerts(request):
    require(request.user, "hotline.view_workorder")
    return {"marked": mark_alerts_read(user=request.user)}


# ---- 督办意见, 批示 and internal notes (W1, H17): kefu/hotline/api_notes.py --------------------------

from kefu.hotline.api_notes import router as notes_router  # noqa: E402

router.add_router("", notes_router)
