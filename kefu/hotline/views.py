"""Hotline pages: the agent's workspace and its htmx partials, work orders, the contact register, alerts.

Thin views: fetch through kefu.hotline.permissions, read through kefu.hotline.selectors, write through
the services. The services' ValidationError / PermissionDenied become form errors or messages."""

import logging
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_POST

from kefu.accounts.models import Center, ServiceArea, Unit
from kefu.core.events import events_for
from kefu.core.permissions import can, require
from kefu.core.policies import get_policy
from kefu.core.validators import format_phone
from kefu.customers.masking import Masker
from kefu.customers.models import Customer
from kefu.customers.permissions import get_customer_for
from kefu.customers.selectors import search_customers
from kefu.hotline import exports, forms, selectors
from kefu.hotline.models import Category, Contact, WorkOrder
from kefu.hotline.permissions import get_callback_for, get_contact_for, get_work_order_for
from kefu.hotline.services import work_orders as wo_services
from kefu.hotline.services.alerts import LEVEL_NAMES, escalate, mark_alerts_read
from kefu.hotline.services.contacts import check_disposition, correct_contact, open_contact
from kefu.hotline.services.follow_up import record_callback, record_return_visit
from kefu.hotline.services.routing import area_for_address, area_for_customer, deadline_for, route

log = logging.getLogger(__name__)

EXPORT_LIMIT = 10_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QUEUE_COUNT_CAP = 99
D = Contact.Disposition

# --- small helpers ----------------------------------------------------------------------------------


def _optional_url(name: str, **kwargs) -> str | None:
    """The URL of another team's partial, or None while it does not exist yet: the page must not break."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def _page(request) -> int:
    try:
        return min(max(int(request.GET.get("page", 1)), 1), 1000)
    except (TypeError, ValueError):
        return 1


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error) or "您没有此项权限"


def _form_errors_text(form) -> str:
    return "；".join(e for errs in form.errors.values() for e in errs)


def _add_service_errors(form, error: ValidationError) -> None:
    """Put a service's errors next to the fields they name; others go above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _count_label(queryset) -> str:
    # No COUNT(*) over a busy table: fetch at most 100 ids and show "99+" beyond that.
    n = len(queryset.values_list("pk", flat=True)[: QUEUE_COUNT_CAP + 1])
    return f"{QUEUE_COUNT_CAP}+" if n > QUEUE_COUNT_CAP else str(n)


def _queue_names(user) -> list[str]:
    names = []
    if user.has_perm("hotline.add_contact"):
        names.append("mine")
    if user.unit_id:
        names.append("unit")
    if user.has_perm("hotline.add_callback"):
        names.append("callbacks")
    names.append("overdue")
    if user.has_perm("hotline.view_escalated"):
        names.append("escalated")
    names.append("all")
    return names


def _queue_tabs(user, current: str = "") -> list[dict]:
    tabs = []
    for name in _queue_names(user):
        count = None if name == "all" else _count_label(selectors.queue(user, name))
        tabs.append(
            {"name": name, "label": selectors.QUEUES[name], "count": count, "active": name == current}
        )
    return tabs


def _unread_alerts(user, limit: int = 5):
    rows = list(selectors.alerts_for(user, unread_only=True).order_by("-created_at", "-id")[: limit + 1])
    return {"alerts": rows[:limit], "more": len(rows) > limit}


def _scripts() -> dict:
    """H11 scripts from the seed's e-commerce 话术; the center's name comes from the organisation."""
    center = Center.objects.order_by("code").values_list("name", flat=True).first() or "供水客户中心"
    seconds = get_policy("hotline.hold_script_seconds")
    return {
        "greeting": f"您好，{center}，请讲",
        "confirm": "请问您反映的是……，对吗？",
        "hold_seconds": seconds,
        "hold": "对不起，让您久等了，我们正在为您查询，请您稍等。",
        "closing": "请问您还有其他问题吗？感谢您的来电，再见",
    }


# --- 1. the workspace -------------------------------------------------------------------------------


def workspace(request):
    """One page for one call: screen pop, customer, knowledge, scripts, the contact form and the queues."""
    require(request.user, "hotline.add_contact")
    user = request.user
    masker = Masker(user)
    customer = None
    if request.method == "POST":
        form = forms.ContactForm(request.POST)
        form.fields["customer"].queryset = Customer.objects.visible_to(user)
        if form.is_valid():
            try:
                contact = open_contact(actor=user, **form.cleaned_data)
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _opened_message(contact))
                return redirect("hotline:workspace")
        customer = form.cleaned_data.get("customer") if hasattr(form, "cleaned_data") else None
        if form.data.get("category"):
            form.fields["category"].widget.attrs["data-touched"] = "1"
    else:
        initial, customer = _prefill(request)
        form = forms.ContactForm(initial=initial)
    if customer is not None and not form["phone"].value():
        form.fields["phone"].widget.attrs["placeholder"] = f"留空则用档案电话 {masker.phone(customer.phone)}"
    context = {
        "form": form,
        "customer": customer,
        "categories": list(Category.objects.filter(active=True)),
        "scripts": _scripts(),
        "tabs": _queue_tabs(user),
        "unread": _unread_alerts(user),
        "pop_url": _optional_url("telephony:pop"),
        "knowledge_url": _optional_url("knowledge:panel") if can(user, "knowledge.view_article") else None,
        "area_id": _area_id(customer, form),
    }
    return render(request, "hotline/workspace.html", context)


def _prefill(request) -> tuple[dict, Customer | None]:
    """The screen pop links to /hotline/?customer=<pk>&phone=<digits>&call_id=<id>."""
    initial: dict = {}
    customer = None
    if request.GET.get("customer"):
        try:
            customer = get_customer_for(request.user, request.GET["customer"])
        except (Http404, PermissionDenied):
            messages.warning(request, "来电号码匹配的客户档案不存在或您无权查看，请手工查找客户")
        else:
            initial.update(customer=customer.pk, caller_name=customer.name, address=customer.address)
    phone = re.sub(r"\D", "", request.GET.get("phone", ""))[:20]
    if phone:
        initial["phone"] = phone
    if request.GET.get("call_id"):
        initial["call_id"] = request.GET["call_id"][:64]
    return initial, customer


def _area_id(customer, form) -> int | None:
    if form.is_bound and _int(form.data.get("service_area")):
        return _int(form.data.get("service_area"))
    if customer is not None:
        area = area_for_customer(customer)
        return area.pk if area else None
    return None


def _opened_message(contact: Contact) -> str:
    text = f"已登记 {contact.number}（{contact.category.name}，{contact.get_disposition_display()}）"
    work_order = WorkOrder.objects.filter(contact=contact).select_related("unit").first()
    if work_order is not None:
        if work_order.unit:
            text += f"；工单 {work_order.number} 已转 {work_order.unit.name}，请在24小时内回电客户"
        else:
            text += f"；工单 {work_order.number} 由您跟进答复客户"
    return text


def suggest(request):
    """htmx: the classifier's suggestion for the matter typed so far (GET or POST `matter`)."""
    require(request.user, "hotline.add_contact")
    data = request.POST if request.method == "POST" else request.GET
    matter = (data.get("matter") or "").strip()
    suggestion = _suggest(matter) if len(matter) >= 2 else None
    context = {"suggestion": None, "alternatives": [], "chosen": bool(data.get("category"))}
    if suggestion is not None:
        codes = [suggestion.category] + [a["category"] for a in suggestion.alternatives]
        by_code = {c.code: c for c in Category.objects.filter(code__in=codes, active=True)}
        best = by_code.get(suggestion.category)
        if best is not None:
            context["suggestion"] = {"category": best, "percent": round(suggestion.confidence * 100)}
            context["confidence"] = round(suggestion.confidence, 4)
            context["alternatives"] = [
                {"category": by_code[a["category"]], "percent": round(a["confidence"] * 100)}
                for a in suggestion.alternatives
                if a["category"] in by_code
            ]
    return render(request, "hotline/_suggestion.html", context)


def _suggest(matter: str):
    try:
        from kefu.hotline.classifier import suggest as classify
    except ImportError:  # the classifier is optional: no suggestion, the agent chooses
        return None
    try:
        return classify(matter)
    except Exception:  # a broken model must not stop the agent recording the call
        log.exception("category suggestion failed")
        return None


def route_preview(request):
    """htmx: where the contact will go and its deadline, or the rule refusing the chosen disposition."""
    require(request.user, "hotline.add_contact")
    data = request.GET
    category = Category.objects.filter(pk=_int(data.get("category")), active=True).first()
    context: dict = {"category": category}
    if category is None:
        return render(request, "hotline/_route_preview.html", context)
    disposition = data.get("disposition") or {
        Category.Disposition.ANSWER: D.ANSWERED,
        Category.Disposition.TRANSFER: D.TRANSFERRED,
        Category.Disposition.CLOSE: D.CLOSED,
    }.get(category.default_disposition, "")
    errors: dict = {}
    check_disposition(category, disposition, "-", errors)
    context.update(
        disposition=disposition, disposition_label=D(disposition).label if disposition in D.values else ""
    )
    if errors.get("disposition"):
        context["refusal"] = errors["disposition"]
        return render(request, "hotline/_route_preview.html", context)
    area = _preview_area(request.user, data)
    context["area"] = area
    if disposition in (D.TRANSFERRED, D.FOLLOW_UP):
        due = deadline_for(category, timezone.now())
        context.update(deadline=due.deadline, warnings=due.warnings)
    if disposition == D.TRANSFERRED:
        unit = Unit.objects.filter(pk=_int(data.get("unit")), active=True).first()
        if unit is not None:
            context.update(unit=unit, reason="人工指定")
        else:
            try:
                routing = route(category, area)
            except ValidationError as error:
                context["refusal"] = _error_text(error)
            else:
                reason = (
                    f"按片区「{area.name}」"
                    if category.route == Category.Route.BRANCH_BY_AREA and area
                    else "按类别规则"
                )
                context.update(unit=routing.unit, reason=reason)
    return render(request, "hotline/_route_preview.html", context)


def _preview_area(user, data) -> ServiceArea | None:
    area = ServiceArea.objects.filter(pk=_int(data.get("service_area")), active=True).select_related("branch")
    area = area.first()
    if area is not None:
        return area
    customer_pk = _int(data.get("customer"))
    if customer_pk:
        customer = Customer.objects.visible_to(user).filter(pk=customer_pk).first()
        if customer is not None:
            return area_for_customer(customer)
    return area_for_address(data.get("address", ""))


def customer_lookup(request):
    """htmx: up to 10 customers matching the lookup box, each with a 选择 button."""
    require(request.user, "hotline.add_contact", "customers.view_customer")
    result = search_customers(request.user, request.GET.get("q", ""), per_page=10)
    masker = Masker(request.user)
    for customer in result.customers:
        masker.apply(customer)
    return render(request, "hotline/_customer_lookup.html", {"result": result})


def customer_history(request):
    """htmx: the customer's last contacts and open orders; `select=1` also puts the customer on the form."""
    require(request.user, "hotline.view_contact")
    customer = get_customer_for(request.user, request.GET.get("customer"))
    Masker(request.user).apply(customer)
    history = selectors.customer_history(customer)
    area = area_for_customer(customer)
    context = {
        "customer": customer,
        "history": history,
        "select": request.GET.get("select") == "1",
        "can_view_customer": True,  # get_customer_for above required customers.view_customer
        "area_id": area.pk if area else None,
        "knowledge_url": _optional_url("knowledge:panel")
        if can(request.user, "knowledge.view_article")
        else None,
    }
    response = render(request, "hotline/_customer_history.html", context)
    if context["select"]:
        # After the swap, so that the route preview and the knowledge panel read the new customer and area.
        response["HX-Trigger-After-Swap"] = "customerSelected"
    return response


# --- 2. work order lists ----------------------------------------------------------------------------


def work_orders(request):
    require(request.user, "hotline.view_workorder")
    user = request.user
    name = request.GET.get("queue") or selectors.default_queue(user)
    if name not in selectors.QUEUES:
        name = selectors.default_queue(user)
    filters = forms.OrderFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    wants_xlsx = request.GET.get("format") == "xlsx"
    if wants_xlsx:
        require(user, "hotline.export_register")
    masker = Masker(user)
    sort = request.GET.get("sort") or "deadline"
    if name == "callbacks":
        queryset = selectors.queue(user, name)
        if cleaned.get("q"):
            queryset = queryset.filter(work_order__number__icontains=cleaned["q"].strip())
    else:
        queryset = selectors.filter_orders(
            selectors.queue(user, name),
            state=cleaned.get("state", ""),
            category=cleaned.get("category", ""),
            unit=str(cleaned["unit"].pk) if cleaned.get("unit") else "",
            q=cleaned.get("q", ""),
        )
        if sort == "new":
            queryset = queryset.order_by("-id")
        elif name != "escalated":
            queryset = queryset.order_by("deadline", "id")
    if wants_xlsx:
        return _xlsx_response(
            exports.orders_workbook(name, queryset[:EXPORT_LIMIT], masker), f"work-orders-{name}"
        )
    page = selectors.paged(queryset, _page(request))
    for row in page.rows:
        contact = row.work_order.contact if name == "callbacks" else row.contact
        row.phone_shown = masker.phone(contact.phone)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "hotline/work_orders.html",
        {
            "queue": name,
            "queue_label": selectors.QUEUES[name],
            "tabs": _queue_tabs(user, name),
            "filters": filters,
            "page": page,
            "sort": sort,
            "query": query.urlencode(),
            "can_export": user.has_perm("hotline.export_register"),
            "now": timezone.now(),
        },
    )


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _xlsx_response(content: bytes, stem: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{stem}-{timezone.localdate():%Y%m%d}.xlsx"
    )
    return response


# --- 3. work order detail and actions ---------------------------------------------------------------

VERBS = {
    "created": "创建工单",
    "contact_opened": "受理登记",
    "corrected": "更正登记",
    "transfer": "转办",
    "reassign": "改派",
    "accept": "受理",
    "return": "退回",
    "reply": "回复办理结果",
    "call_back": "回访客户",
    "close": "办结",
    "reopen": "重新打开",
    "escalated": "上报督办",
    "handed_over": "移交首问责任",
    "interim_reply": "阶段答复",
    "callback": "回电",
    "return_visit": "回访",
    "co_units": "设置协办单位",
}
FIELDS = {
    "state": "状态",
    "unit": "责任单位",
    "owner": "首问责任人",
    "deadline": "办理时限",
    "promised_at": "承诺答复时间",
    "reply": "办理结果",
    "return_reason": "退回原因",
    "escalation_level": "上报级别",
    "co_units": "协办单位",
    "callback": "回电结果",
    "return_visit": "回访结果",
    "category": "类别",
    "disposition": "处理方式",
    "matter": "事项",
    "caller_name": "客户姓名",
    "phone": "联系电话",
    "address": "地址",
    "result": "处理结果",
    "reopen_count": "重新打开次数",
}


def _event_lines(events, masker) -> list[dict]:
    """Events in words: time, actor, verb in Chinese, each change as old → new, the note."""
    states = dict(WorkOrder.State.choices)
    lines = []
    for event in events:
        changes = []
        for field, values in (event.changes or {}).items():
            if field not in FIELDS or not isinstance(values, list | tuple) or len(values) != 2:
                continue
            old, new = values
            if field == "state":
                old, new = states.get(old, old), states.get(new, new)
            elif field == "escalation_level":
                old, new = LEVEL_NAMES.get(old, old), LEVEL_NAMES.get(new, new)
            elif field == "phone":
                old, new = masker.phone(old or ""), masker.phone(new or "")
            changes.append({"field": FIELDS[field], "old": old, "new": new})
        lines.append(
            {
                "at": event.occurred_at,
                "actor": (event.actor.name or event.actor.username) if event.actor else "系统",
                "verb": VERBS.get(event.verb, event.verb),
                "changes": changes,
                "note": event.note,
            }
        )
    return lines


def _is_owner_or_manager(user, work_order) -> bool:
    return user.pk == work_order.owner_id or user.has_perm("hotline.manage_workorder")


def _is_unit_member(user, work_order) -> bool:
    return bool(
        work_order.unit_id
        and user.unit_id == work_order.unit_id
        and user.has_perm("hotline.handle_workorder")
    )


def _actions_for(user, work_order, pending_callback, co_units) -> dict:
    """The action forms this user may use on this order now (the services check again on POST)."""
    allowed = wo_services.allowed
    unit_member = _is_unit_member(user, work_order)
    owner = _is_owner_or_manager(user, work_order)
    is_open = work_order.is_open
    actions: dict = {}
    if unit_member and allowed(work_order, "accept"):
        actions["accept"] = None
    if unit_member and allowed(work_order, "return"):
        actions["return"] = forms.ReasonForm()
    if allowed(work_order, "reply") and (unit_member if work_order.unit_id else owner):
        actions["reply"] = forms.ReplyForm()
    if owner and (allowed(work_order, "transfer") or allowed(work_order, "reassign")):
        key = "transfer" if allowed(work_order, "transfer") else "reassign"
        actions[key] = forms.TransferForm(initial={"unit": work_order.unit_id})
    if owner and is_open:
        actions["co_units"] = forms.CoUnitsForm(initial={"units": [u.pk for u in co_units]})
    if pending_callback is not None and is_open and user.has_perm("hotline.add_callback"):
        actions["callback"] = forms.CallbackForm(initial={"callback": pending_callback.pk})
    if owner and allowed(work_order, "close"):
        actions["close"] = forms.NoteForm()
    if not is_open and user.has_perm("hotline.add_returnvisit"):
        actions["return_visit"] = forms.ReturnVisitForm()
    if is_open and (unit_member or (user.role != "unit_staff" and user.has_perm("hotline.add_interimreply"))):
        actions["interim_reply"] = forms.InterimReplyForm()
    if owner and is_open:
        actions["hand_over"] = forms.HandOverForm()
    if is_open and user.has_perm("hotline.manage_workorder") and work_order.escalation_level < 3:
        actions["escalate"] = forms.EscalateForm(initial={"level": work_order.escalation_level + 1})
    return actions


def work_order(request, pk: int):
    user = request.user
    order = get_work_order_for(user, pk)
    masker = Masker(user)
    callbacks = list(order.callbacks.select_related("done_by"))
    pending = next((cb for cb in callbacks if cb.done_at is None), None)
    contact = order.contact
    contact.phone_shown = masker.phone(contact.phone)
    co_units = list(order.co_units.all())
    context = {
        "order": order,
        "contact": contact,
        "co_units": co_units,
        "callbacks": callbacks,
        "pending_callback": pending,
        "return_visits": list(order.return_visits.select_related("visited_by")),
        "interim_replies": list(order.interim_replies.select_related("author")),
        "timeline": _event_lines(selectors.timeline(order), masker),
        "actions": [
            {"name": name, "label": ACTION_LABELS[name], "form": form}
            for name, form in _actions_for(user, order, pending, co_units).items()
        ],
        "level_name": LEVEL_NAMES.get(order.escalation_level, ""),
        "can_view_customer": user.has_perm("customers.view_customer"),
    }
    return render(request, "hotline/work_order.html", context)


ACTION_LABELS = {
    "accept": "受理工单",
    "return": "退回工单",
    "reply": "回复办理结果",
    "transfer": "转办",
    "reassign": "改派",
    "co_units": "协办单位",
    "callback": "登记回电",
    "close": "办结",
    "return_visit": "登记回访",
    "interim_reply": "阶段答复（承诺时间无法兑现时）",
    "hand_over": "移交首问责任",
    "escalate": "上报督办",
}
ACTION_FORMS = {
    "accept": None,
    "return": forms.ReasonForm,
    "reply": forms.ReplyForm,
    "transfer": forms.TransferForm,
    "reassign": forms.TransferForm,
    "co_units": forms.CoUnitsForm,
    "callback": forms.CallbackForm,
    "close": forms.NoteForm,
    "return_visit": forms.ReturnVisitForm,
    "interim_reply": forms.InterimReplyForm,
    "hand_over": forms.HandOverForm,
    "escalate": forms.EscalateForm,
}


@require_POST
def work_order_action(request, pk: int, action: str):
    """One step on the order. A refused step is a message (400 for htmx), never a 500."""
    order = get_work_order_for(request.user, pk)
    form_class = ACTION_FORMS.get(action)
    if action not in ACTION_FORMS:
        raise Http404("没有这个操作")
    try:
        data = {}
        if form_class is not None:
            form = form_class(request.POST)
            if not form.is_valid():
                raise ValidationError(_form_errors_text(form))
            data = form.cleaned_data
        message = _run_action(request.user, order, action, data)
    except (ValidationError, PermissionDenied) as error:
        text = _error_text(error)
        if request.htmx:
            return HttpResponse(
                f'<ul class="messages"><li class="error">{escape(text)}</li></ul>', status=400
            )
        messages.error(request, text)
        return redirect("hotline:work_order", pk=order.pk)
    messages.success(request, message)
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("hotline:work_order", kwargs={"pk": order.pk})
        return response
    return redirect("hotline:work_order", pk=order.pk)


def _run_action(user, order: WorkOrder, action: str, data: dict) -> str:
    """Call the service for `action`; return the success message."""
    number = order.number
    if action == "accept":
        wo_services.accept(actor=user, work_order=order)
        return f"已受理工单 {number}"
    if action == "return":
        wo_services.return_order(actor=user, work_order=order, reason=data["reason"])
        return f"工单 {number} 已退回首问责任人"
    if action == "reply":
        wo_services.reply(actor=user, work_order=order, result=data["result"])
        return f"工单 {number} 已回复办理结果"
    if action == "transfer":
        wo_services.transfer(actor=user, work_order=order, unit=data["unit"], note=data["reason"])
        return f"工单 {number} 已转 {data['unit'].name}"
    if action == "reassign":
        wo_services.reassign(actor=user, work_order=order, unit=data["unit"], reason=data["reason"])
        return f"工单 {number} 已改派 {data['unit'].name}"
    if action == "co_units":
        wo_services.set_co_units(actor=user, work_order=order, units=list(data["units"]))
        return "协办单位已更新"
    if action == "callback":
        callback = get_callback_for(user, data["callback"])
        if callback.work_order_id != order.pk:
            raise ValidationError("回电任务不属于此工单")
        reached = data["reached"] == "yes"
        satisfied = {"yes": True, "no": False}.get(data["satisfied"])
        record_callback(
            actor=user, callback=callback, reached=reached, feedback=data["feedback"], satisfied=satisfied
        )
        return f"已登记第{callback.attempt}次回电：" + ("已联系上" if reached else "未联系上，已安排下次回电")
    if action == "close":
        wo_services.close(actor=user, work_order=order, note=data["note"])
        return f"工单 {number} 已办结"
    if action == "return_visit":
        visit = record_return_visit(
            actor=user, work_order=order, result=data["result"], comment=data["comment"]
        )
        reopened = "，工单已重新打开" if visit.result == "dissatisfied" else ""
        return f"已登记回访：{visit.get_result_display()}{reopened}"
    if action == "interim_reply":
        wo_services.interim_reply(
            actor=user, work_order=order, plan=data["plan"], promised_at=data["promised_at"]
        )
        return "已登记阶段答复，承诺时间已更新"
    if action == "hand_over":
        wo_services.hand_over(
            actor=user, work_order=order, new_owner=data["new_owner"], reason=data["reason"]
        )
        return f"工单 {number} 已移交给 {data['new_owner']}"
    if action == "escalate":
        order = escalate(
            actor=user,
            work_order=order,
            level=data["level"],
            reason=data["reason"],
            emergency=data["emergency"],
        )
        return f"工单 {number} 已上报{LEVEL_NAMES[order.escalation_level]}"
    raise Http404("没有这个操作")


def work_order_print(request, pk: int):
    """派工单: the printable form a unit takes to the job."""
    order = get_work_order_for(request.user, pk)
    contact = order.contact
    # The unit going to the job needs the real number; everyone else sees it as the archive shows it.
    doing_the_job = request.user.unit_id is not None and request.user.unit_id == order.unit_id
    contact.phone_shown = (
        format_phone(contact.phone) if doing_the_job else Masker(request.user).phone(contact.phone)
    )
    return render(
        request,
        "hotline/work_order_print.html",
        {
            "order": order,
            "contact": contact,
            "co_units": list(order.co_units.all()),
            "printed_at": timezone.now(),
        },
    )


# --- 4/5. the contact register ----------------------------------------------------------------------

MIN_QUERY = 2


def contacts(request):
    """来电来访登记: full-text search, filters, paging without COUNT, Excel export (H2, H14)."""
    require(request.user, "hotline.view_contact")
    user = request.user
    filters = forms.ContactFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    query = (cleaned.get("q") or "").strip()
    hint = ""
    if query and len(query) < MIN_QUERY:
        hint = f"请至少输入{MIN_QUERY}个字再检索（如“停水”“文三路”或电话号码的4位以上）"
        query = ""
    if query:
        queryset = selectors.search_contacts(user, query)
    else:
        queryset = (
            Contact.objects.visible_to(user)
            .select_related("category", "agent", "transferred_to")
            .order_by("-received_at", "-id")
        )
    queryset = queryset.select_related("work_order")
    if cleaned.get("category"):
        queryset = queryset.filter(category=cleaned["category"])
    if cleaned.get("channel"):
        queryset = queryset.filter(channel=cleaned["channel"])
    if cleaned.get("date_from"):
        queryset = queryset.filter(received_on__gte=cleaned["date_from"])
    if cleaned.get("date_to"):
        queryset = queryset.filter(received_on__lte=cleaned["date_to"])
    masker = Masker(user)
    if request.GET.get("format") == "xlsx":
        require(user, "hotline.export_register")
        return _xlsx_response(exports.register_workbook(queryset[:EXPORT_LIMIT], masker), "contacts")
    page = selectors.paged(queryset, _page(request))
    for contact in page.rows:
        contact.phone_shown = masker.phone(contact.phone)
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    return render(
        request,
        "hotline/contacts.html",
        {
            "filters": filters,
            "page": page,
            "hint": hint,
            "query": params.urlencode(),
            "searched": bool(query or cleaned.get("category") or cleaned.get("channel")),
            "can_export": user.has_perm("hotline.export_register"),
        },
    )


def _may_correct(user, contact: Contact) -> bool:
    return user.has_perm("hotline.change_contact") and (
        user.pk == contact.agent_id or user.has_perm("hotline.manage_workorder")
    )


def contact(request, pk: int):
    user = request.user
    record = get_contact_for(user, pk)
    masker = Masker(user)
    record.phone_shown = masker.phone(record.phone)
    form = None
    if _may_correct(user, record):
        form = _correction_form(record, masker)
    return _render_contact(request, record, masker, form)


def _correction_form(record, masker, data=None):
    initial = {f: getattr(record, f) for f in ("matter", "caller_name", "address", "result")}
    if masker.full:
        initial["phone"] = record.phone
    form = forms.CorrectionForm(data, initial=initial)
    if not masker.full:
        form.fields["phone"].widget.attrs["placeholder"] = f"留空则不改（现为 {masker.phone(record.phone)}）"
    return form


def _render_contact(request, record, masker, form, status=200):
    order = WorkOrder.objects.filter(contact=record).select_related("unit", "owner").first()
    return render(
        request,
        "hotline/contact.html",
        {
            "contact": record,
            "order": order,
            "history": _event_lines(events_for(record).order_by("occurred_at", "id"), masker),
            "form": form,
            "can_view_customer": request.user.has_perm("customers.view_customer"),
        },
        status=status,
    )


@require_POST
def contact_correct(request, pk: int):
    user = request.user
    record = get_contact_for(user, pk)
    require(user, "hotline.change_contact")
    masker = Masker(user)
    record.phone_shown = masker.phone(record.phone)
    form = _correction_form(record, masker, request.POST)
    if form.is_valid():
        values = {f: form.cleaned_data[f] for f in ("matter", "caller_name", "address", "result")}
        if form.cleaned_data["phone"].strip():
            values["phone"] = form.cleaned_data["phone"]
        try:
            correct_contact(actor=user, contact=record, reason=form.cleaned_data["reason"], **values)
        except PermissionDenied as error:
            messages.error(request, _error_text(error))
            return redirect("hotline:contact", pk=record.pk)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, "已更正，原始记录与更正历史保留在下方")
            return redirect("hotline:contact", pk=record.pk)
    return _render_contact(request, record, masker, form, status=400)


# --- 6. alerts --------------------------------------------------------------------------------------


def alerts(request):
    require(request.user, "hotline.view_workorder")
    mine = selectors.alerts_for(request.user)
    unread = list(mine.filter(read_at__isnull=True).order_by("-created_at", "-id")[:200])
    read = list(mine.filter(read_at__isnull=False).order_by("-created_at", "-id")[:50])
    return render(request, "hotline/alerts.html", {"unread": unread, "read": read})


@require_POST
def alerts_read(request):
    require(request.user, "hotline.view_workorder")
    count = mark_alerts_read(user=request.user)
    messages.success(request, f"已将{count}条提醒标为已读" if count else "没有未读提醒")
    return redirect("hotline:alerts")
