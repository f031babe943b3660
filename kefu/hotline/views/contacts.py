"""The contact register with full-text search and Excel (H2, H14), contact detail and corrections, alerts."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kefu.core.events import events_for
from kefu.core.forms import add_service_errors
from kefu.core.permissions import require
from kefu.core.responses import error_text
from kefu.customers.masking import Masker
from kefu.customers.services import SearchRateLimited
from kefu.hotline import exports, forms, selectors
from kefu.hotline.models import Contact, WorkOrder
from kefu.hotline.permissions import get_contact_for
from kefu.hotline.services.alerts import mark_alerts_read
from kefu.hotline.services.contacts import correct_contact, search_register
from kefu.hotline.views._common import (
    EXPORT_LIMIT,
    _event_lines,
    _page,
    _xlsx_response,
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
        try:
            queryset = search_register(user=user, query=query)
        except SearchRateLimited as refusal:
            hint, queryset = str(refusal), Contact.objects.none()
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
            messages.error(request, error_text(error))
            return redirect("hotline:contact", pk=record.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已更正，原始记录与更正历史保留在下方")
            return redirect("hotline:contact", pk=record.pk)
    return _render_contact(request, record, masker, form, status=400)


# --- 6. alerts --------------------------------------------------------------------------------------


def alerts(request):
    """The hotline's old address of the alerts page: every alert is on /alerts/ now (kefu.core)."""
    require(request.user, "hotline.view_workorder")
    return redirect("core:alerts")


@require_POST
def alerts_read(request):
    require(request.user, "hotline.view_workorder")
    count = mark_alerts_read(user=request.user)
    messages.success(request, f"已将{count}条提醒标为已读" if count else "没有未读提醒")
    return redirect("core:alerts")
