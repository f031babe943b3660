"""Work-order lists, detail with timeline and actions, and the printable dispatch form (W1, H5–H9)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_POST

from kefu.core.permissions import require
from kefu.core.responses import error_text
from kefu.core.validators import format_phone
from kefu.customers.masking import Masker
from kefu.customers.models import ArchiveAccess
from kefu.customers.services import record_archive_access
from kefu.hotline import actions, exports, forms, selectors
from kefu.hotline.actions import WorkOrderAction
from kefu.hotline.permissions import get_work_order_for
from kefu.hotline.services.alerts import LEVEL_NAMES
from kefu.hotline.services.notes import instructed_levels, pending_by_order, pending_for_unit
from kefu.hotline.views._common import EXPORT_LIMIT, _event_lines, _page, _queue_tabs, _xlsx_response
from kefu.hotline.views.notes import collaboration_context

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
    if name != "callbacks":
        # 督办 not yet signed for: a badge on the row (one query for the page, W1/H17).
        pending = pending_by_order(row.pk for row in page.rows)
        for row in page.rows:
            row.pending_instructions = pending.get(row.pk, 0)
    if name == "escalated":
        # 请示报告制度 7: the leader's 批示 on the level the order reached, recorded or still awaited.
        instructed = instructed_levels(row.pk for row in page.rows)
        for row in page.rows:
            row.instructed = (row.pk, row.escalation_level) in instructed
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
            "unit_pending_instructions": pending_for_unit(user.unit_id).count() if user.unit_id else 0,
        },
    )


# --- 3. work order detail and actions ---------------------------------------------------------------


# The form each offered action shows, with what it starts from.
def _initial(name: str, work_order, pending_callback, co_units) -> dict:
    if name in (WorkOrderAction.TRANSFER, WorkOrderAction.REASSIGN):
        return {"unit": work_order.unit_id}
    if name == WorkOrderAction.CO_UNITS:
        return {"units": [u.pk for u in co_units]}
    if name == WorkOrderAction.CALLBACK:
        return {"callback": pending_callback.pk}
    if name == WorkOrderAction.ESCALATE:
        return {"level": work_order.escalation_level + 1}
    return {}


def _action_forms(user, work_order, pending_callback, co_units) -> list[dict]:
    """The action forms this user may use on this order now (the services check again on POST)."""
    shown = []
    for name in actions.offered(user, work_order, pending_callback):
        form_class = actions.ACTIONS[name].form
        initial = _initial(name, work_order, pending_callback, co_units)
        form = form_class(initial=initial) if form_class is not None else None
        shown.append({"name": name.value, "label": name.label, "form": form})
    return shown


def work_order(request, pk: int):
    order = get_work_order_for(request.user, pk)
    return render(request, "hotline/work_order.html", detail_context(request.user, order))


def detail_context(user, order) -> dict:
    """What the order's page shows; the notes' and instructions' views draw it again with a 400."""
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
        "actions": _action_forms(user, order, pending, co_units),
        "level_name": LEVEL_NAMES.get(order.escalation_level, ""),
        "can_view_customer": user.has_perm("customers.view_customer"),
        # 督办意见, 批示 and internal notes (W1, H17): never on the printed form.
        **collaboration_context(user, order),
    }
    return context


@require_POST
def work_order_action(request, pk: int, action: str):
    """One step on the order, through the action table the API uses too. A refused step is a message
    (400 for htmx), never a 500."""
    order = get_work_order_for(request.user, pk)
    try:
        done = actions.perform(request.user, order, action, request.POST)
    except (ValidationError, PermissionDenied) as error:
        text = error_text(error)
        if request.htmx:
            return HttpResponse(
                f'<ul class="messages"><li class="error">{escape(text)}</li></ul>', status=400
            )
        messages.error(request, text)
        return redirect("hotline:work_order", pk=order.pk)
    messages.success(request, done.message)
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("hotline:work_order", kwargs={"pk": order.pk})
        return response
    return redirect("hotline:work_order", pk=order.pk)


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
