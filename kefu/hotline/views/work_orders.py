"""Work-order lists, detail with timeline and actions, and the printable dispatch form (W1, H5–H9)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_POST

from kefu.core.forms import error_text
from kefu.core.permissions import require
from kefu.core.validators import format_phone
from kefu.customers.masking import Masker
from kefu.customers.models import ArchiveAccess
from kefu.customers.services import record_archive_access
from kefu.hotline import exports, forms, selectors
from kefu.hotline.models import WorkOrder
from kefu.hotline.permissions import get_callback_for, get_work_order_for
from kefu.hotline.services import work_orders as wo_services
from kefu.hotline.services.alerts import LEVEL_NAMES, escalate
from kefu.hotline.services.follow_up import record_callback, record_return_visit
from kefu.hotline.views._common import (
    EXPORT_LIMIT,
    _event_lines,
    _form_errors_text,
    _page,
    _queue_tabs,
    _xlsx_response,
)

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


# --- 3. work order detail and actions ---------------------------------------------------------------


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
        text = error_text(error)
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
    masker = Masker(request.user)
    contact.phone_shown = format_phone(contact.phone) if doing_the_job else masker.phone(contact.phone)
    if (doing_the_job or masker.full) and contact.customer_id:
        # A print that shows the caller's number whole is a read of the customer's archive (A3).
        record_archive_access(
            user=request.user,
            customers=[contact.customer_id],
            channel=ArchiveAccess.Channel.PRINT,
            request=request,
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
