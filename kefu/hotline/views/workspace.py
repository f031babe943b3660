"""The agent's workspace (H1–H4, H10–H12) and its htmx partials: the suggested category, the route
preview, the customer lookup and the customer's history."""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from kefu.accounts.models import ServiceArea, Unit
from kefu.core.forms import add_service_errors
from kefu.core.permissions import can, require
from kefu.core.policies import get_policy
from kefu.core.responses import error_text
from kefu.customers.masking import Masker
from kefu.customers.models import ArchiveAccess, Customer
from kefu.customers.permissions import get_customer_for
from kefu.customers.services import SearchRateLimited, record_archive_access, search_archive_or_notice
from kefu.hotline import forms, lookup, selectors
from kefu.hotline.models import Category, Contact, WorkOrder
from kefu.hotline.services import repeats
from kefu.hotline.services.contacts import MATTER_MAX, check_disposition, open_contact
from kefu.hotline.services.routing import area_for_address, area_for_customer, deadline_for, route
from kefu.hotline.views._common import (
    D,
    _int,
    _optional_url,
    _queue_tabs,
    _scripts,
    _unread_alerts,
    log,
)

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
            data = dict(form.cleaned_data)
            # A caller of an open order is linked to it (H16) unless the agent ticks 新问题.
            new_matter = data.pop("new_matter", False)
            try:
                contact = open_contact(actor=user, link_repeat=not new_matter, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _opened_message(contact))
                # A repeat lands where the first request did, told which contact it already is.
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
        "matter_max": MATTER_MAX,
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
            # The page shows this customer's archive (name, address, number): a read (A3).
            record_archive_access(
                user=request.user, customers=[customer], channel=ArchiveAccess.Channel.PAGE, request=request
            )
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
    """The success message, with links to the new contact and its work order (the message storage
    keeps a safe string safe; every value is escaped by format_html)."""
    text = f"已登记 {contact.number}（{contact.category.name}，{contact.get_disposition_display()}）"
    if getattr(contact, "replayed", False):
        text = f"重复提交，未再次登记：此来电{text}"
    links = [
        format_html(
            '<a href="{}">查看来电 {}</a>', reverse("hotline:contact", args=[contact.pk]), contact.number
        )
    ]
    if contact.repeat_of_id:
        text += repeat_message(contact)
        order_id, number = contact.repeat_of_id, contact.repeat_of.number
    else:
        work_order = WorkOrder.objects.filter(contact=contact).select_related("unit").first()
        order_id = number = None
        if work_order is not None:
            order_id, number = work_order.pk, work_order.number
            if work_order.unit:
                hours = get_policy("hotline.callback_hours")  # quoted as the administrator set it
                text += f"；工单 {work_order.number} 已转 {work_order.unit.name}，请在{hours}小时内回电客户"
            else:
                text += f"；工单 {work_order.number} 由您跟进答复客户"
    if order_id:
        links.append(
            format_html(
                '<a href="{}">查看工单 {}</a>', reverse("hotline:work_order", args=[order_id]), number
            )
        )
    return format_html(
        '{} <span class="message-links">{}</span>',
        text,
        format_html_join(" · ", "{}", ((link,) for link in links)),
    )


def repeat_message(contact: Contact) -> str:
    """The success message's part for a contact linked to the caller's open order (H16)."""
    order = WorkOrder.objects.select_related("unit").get(pk=contact.repeat_of_id)
    nth = order.repeat_contacts.filter(received_at__lte=contact.received_at).count() + 1
    text = f"；该客户就工单{order.number}第{nth}次来电，已并入该工单，未另建工单"
    if getattr(contact, "raised_priority", False):
        text += f"；当日再次来电，工单紧急程度已提高为「{order.get_priority_display()}」"
    if order.unit:
        text += f"，已提醒{order.unit.name}"
    return text


def repeat_check(request):
    """htmx: as soon as the agent has a number or a customer, whether the caller has an open order
    within the repeat window ("该客户就工单GD…第N次来电", H16), with the 新问题 box to record it apart."""
    require(request.user, "hotline.add_contact")
    customer = None
    if _int(request.GET.get("customer")):
        try:
            customer = get_customer_for(request.user, request.GET["customer"])
        except (Http404, PermissionDenied):
            customer = None
    # The box as the agent left it; on a form drawn again after an error, as it was sent (the hidden
    # new_matter_initial, which the notice then removes so that it no longer overrides the box).
    initial = request.GET.get("new_matter_initial") == "on"
    context = {
        "new_matter": request.GET.get("new_matter") in ("on", "1", "true") or initial,
        "initial": initial,
    }
    try:
        match = repeats.check_caller(user=request.user, phone=request.GET.get("phone", ""), customer=customer)
    except SearchRateLimited as limited:
        context["refusal"] = str(limited)
        match = None
    if match is not None:
        order = match.work_order
        context.update(
            match=match,
            order=order,
            raises=match.same_day and get_policy("hotline.repeat_same_day_raises_priority"),
            script=repeats.CONFIRM_SCRIPT,
        )
    return render(request, "hotline/_repeat_notice.html", context)


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
                context["refusal"] = error_text(error)
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
    """htmx: the customers matching the lookup box, exact matches and known callers first
    (kefu/hotline/lookup.py), 10 at first and 更多 for the rest, each with a 选择 button."""
    require(request.user, "hotline.add_contact", "customers.view_customer")
    wide = request.GET.get("more") == "1"
    query = request.GET.get("q", "")
    matches = []

    def select(customers):
        # Rank the wider page and keep what the box shows: only those are a read of the archive.
        matches.extend(lookup.ranked(customers, query.strip()))
        return matches[: lookup.WIDE if wide else lookup.SHOWN]

    result = search_archive_or_notice(
        user=request.user, query=query, per_page=lookup.CANDIDATES, request=request, select=select
    )
    ranked, shown = matches, result.customers
    masker = Masker(request.user)
    for customer in shown:
        masker.apply(customer)
    return render(
        request,
        "hotline/_customer_lookup.html",
        {
            "result": result,
            "customers": shown,
            "more": not wide and (len(ranked) > len(shown) or result.has_next),
            # past the ranked window: the archive search pages through every match
            "beyond": wide and (len(ranked) > len(shown) or result.has_next),
        },
    )


def customer_history(request):
    """htmx: the customer's last contacts and open orders; `select=1` also puts the customer on the form."""
    require(request.user, "hotline.view_contact")
    customer = get_customer_for(request.user, request.GET.get("customer"))
    masker = Masker(request.user)
    masker.apply(customer)
    # Only what the user may open: the same rule as the contact and work-order pages (issue 11 item 2).
    history = selectors.customer_history(request.user, customer)
    record_archive_access(
        user=request.user, customers=[customer], channel=ArchiveAccess.Channel.PAGE, request=request
    )
    area = area_for_customer(customer)
    context = {
        "customer": customer,
        "history": history,
        "select": request.GET.get("select") == "1",
        # choosing the customer fills the form (hotline.js): the whole phone only for who may see it
        "phone_whole": masker.full,
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
