"""Incident pages: the list, declaring (or promoting a planned outage), the incident with its linked
contacts, the leader's steps (confirm, dismiss, agreed answer, close), and the workspace's one-click link."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.core.forms import add_service_errors
from kefu.core.params import object_id
from kefu.core.permissions import require
from kefu.core.responses import bad_request, error_text
from kefu.customers.masking import Masker
from kefu.customers.models import Customer
from kefu.hotline.forms import ContactForm
from kefu.hotline.models import Contact
from kefu.incidents import selectors, services
from kefu.incidents.forms import AnswerForm, CloseForm, DismissForm, IncidentForm
from kefu.incidents.models import Incident
from kefu.incidents.permissions import (
    LEAD,
    READ,
    can_lead,
    get_incident_for,
    get_incident_to_lead,
    get_incident_to_link,
)
from kefu.knowledge.models import PlannedOutage

PER_PAGE = 30


def incident_list(request):
    require(request.user, READ)
    state = request.GET.get("state", "")
    if state and state not in Incident.State.values:
        return bad_request(
            request,
            "incidents/list.html",
            "状态应为：" + "、".join(f"{v}（{label}）" for v, label in Incident.State.choices),
            page=None,
            states=Incident.State.choices,
        )
    q = (request.GET.get("q") or "").strip()[:50]
    page = Paginator(selectors.incidents(request.user, state=state, q=q), PER_PAGE).get_page(
        request.GET.get("page")
    )
    outages = []
    if can_lead(request.user):
        outages = list(PlannedOutage.objects.current(timezone.now()).filter(incidents__isnull=True)[:10])
    return render(
        request,
        "incidents/list.html",
        {
            "page": page,
            "state": state,
            "q": q,
            "states": Incident.State.choices,
            "can_lead": can_lead(request.user),
            "outages": outages,
        },
    )


def incident_create(request):
    require(request.user, READ, LEAD)
    outage = None
    outage_id = object_id(request.GET.get("outage") or request.POST.get("outage"))
    if outage_id is not None:
        outage = PlannedOutage.objects.filter(pk=outage_id).first()
        if outage is None:
            raise Http404("计划停水不存在")
    if request.method == "POST":
        form = IncidentForm(request.POST)
        if form.is_valid():
            try:
                incident = services.declare_incident(
                    actor=request.user, planned_outage=outage, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, f"已发布突发事件 {incident.number}，话务员受理该片区来电时将首先看到"
                )
                return redirect("incidents:detail", pk=incident.pk)
        context = {"form": form, "outage": outage}
        return render(request, "incidents/form.html", context, status=400)
    initial = {"started_at": timezone.localtime().replace(second=0, microsecond=0)}
    if outage is not None:
        initial.update(services.outage_defaults(outage))
        initial.pop("planned_outage")
    return render(request, "incidents/form.html", {"form": IncidentForm(initial=initial), "outage": outage})


def incident_detail(request, pk: int):
    incident = get_incident_for(request.user, pk)
    links = Paginator(selectors.linked_contacts(request.user, incident), PER_PAGE).get_page(
        request.GET.get("page")
    )
    masker = Masker(request.user)  # numbers in full only for those with the right (A3)
    # A unit reads the callers through the incident; the contact's own page stays the hotline's rule.
    ids = [link.contact_id for link in links.object_list]
    openable = set(Contact.objects.visible_to(request.user).filter(pk__in=ids).values_list("pk", flat=True))
    for link in links.object_list:
        link.phone_shown = masker.phone(link.contact.phone) if link.contact.phone else ""
        link.openable = link.contact_id in openable
    lead = can_lead(request.user) and incident.is_live
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "page": links,
            "history": selectors.history(incident),
            "lead": lead,
            "answer_form": AnswerForm(
                initial={
                    "agreed_answer": incident.agreed_answer,
                    "expected_restoration_at": incident.expected_restoration_at
                    and timezone.localtime(incident.expected_restoration_at),
                }
            ),
            "close_form": CloseForm(),
            "dismiss_form": DismissForm(),
        },
    )


def _step(request, pk: int, form_class, run, done: str):
    incident = get_incident_to_lead(request.user, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return redirect("incidents:detail", pk=incident.pk)
    try:
        run(incident, form.cleaned_data)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, done)
    return redirect("incidents:detail", pk=incident.pk)


@require_POST
def incident_confirm(request, pk: int):
    return _step(
        request,
        pk,
        AnswerForm,
        lambda incident, data: services.confirm_incident(
            actor=request.user,
            incident=incident,
            agreed_answer=data["agreed_answer"],
            expected_restoration_at=data["expected_restoration_at"],
        ),
        "已确认突发事件，责任单位已收到提醒",
    )


@require_POST
def incident_dismiss(request, pk: int):
    return _step(
        request,
        pk,
        DismissForm,
        lambda incident, data: services.dismiss_incident(
            actor=request.user, incident=incident, reason=data["reason"]
        ),
        "已排除疑似突发事件",
    )


@require_POST
def incident_answer(request, pk: int):
    return _step(
        request,
        pk,
        AnswerForm,
        lambda incident, data: services.change_answer(actor=request.user, incident=incident, **data),
        "统一答复口径已更新，话务员将读到新口径",
    )


@require_POST
def incident_close(request, pk: int):
    def run(incident, data):
        closed = services.close_incident(actor=request.user, incident=incident, **data)
        waiting = closed.links.filter(callback_order__isnull=False).count()
        messages.info(request, f"关联来电{closed.links.count()}件已按最终答复办结，{waiting}件已排入回电")

    return _step(request, pk, CloseForm, run, "突发事件已恢复并关闭")


@require_POST
def incident_link(request, pk: int):
    """The workspace's one click: the contact form, sent to this address by the incident panel's button,
    is recorded answered with the agreed answer and linked to the incident."""
    incident = get_incident_to_link(request.user, pk)
    data = request.POST.copy()
    data["disposition"] = Contact.Disposition.ANSWERED
    if not data.get("category"):
        category = services.default_category()
        data["category"] = str(category.pk) if category else ""
    if not (data.get("matter") or "").strip():
        data["matter"] = f"来电反映{incident.get_kind_display()}：{incident.title}"
    form = ContactForm(data)
    form.fields["customer"].queryset = Customer.objects.visible_to(request.user)
    if not form.is_valid():
        messages.error(request, f"未能关联突发事件{incident.number}：{error_text(form)}")
        return redirect("hotline:workspace")
    fields = {
        k: v for k, v in form.cleaned_data.items() if k not in ("disposition", "result", "unit", "new_matter")
    }
    try:
        link = services.link_contact(
            actor=request.user, incident=incident, wants_callback=bool(data.get("wants_callback")), **fields
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, f"未能关联突发事件{incident.number}：{error_text(error)}")
        return redirect("hotline:workspace")
    text = f"已登记 {link.contact.number} 并关联突发事件 {incident.number}（按统一口径答复）"
    if link.wants_callback:
        text += "；恢复供水后将回电客户"
    messages.success(request, text)
    return redirect("hotline:workspace")
