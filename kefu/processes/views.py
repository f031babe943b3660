"""Counter pages: start a business for a customer, run it (checklist, application facts, advance with
the gate's refusals in plain Chinese, return, reject), and the processes in hand with time left."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.core.params import page_number
from kefu.core.permissions import require
from kefu.core.responses import error_text
from kefu.customers.masking import Masker
from kefu.customers.models import Customer
from kefu.customers.permissions import get_customer_for
from kefu.processes import actions, forms, services
from kefu.processes.actions import ProcessAction
from kefu.processes.models import Approval, Process, ProcessDefinition
from kefu.processes.permissions import get_approval_for, get_process_for, visible_processes
from kefu.processes.printing import printable_forms
from kefu.processes.rules import FACTS, facts_for
from kefu.processes.selectors import (
    FACT_KINDS,
    departments,
    facts_shown,
    is_sensitive_fact,
    stage_queue,
    today_for,
)

# The detail page posts both approval requests (extend, suspend) to one path, the kind in a select.
PAGE_APPROVAL = "approval"
# The paths the detail page's forms post to: the table's vocabulary, and the one approval form's.
ACTIONS = (*ProcessAction.values, PAGE_APPROVAL)


def index(request):
    if not request.user.has_perm("processes.view_process") and request.user.has_perm(
        "processes.handle_stage"
    ):
        return redirect("processes:queue")  # a unit's staff work from their queue
    require(request.user, "processes.view_process")
    in_hand = (
        Process.objects.filter(state=Process.State.ACTIVE)
        .select_related("definition", "customer", "current_stage")
        .order_by("due_at", "id")[:100]
    )
    return render(
        request,
        "processes/index.html",
        {
            "definitions": ProcessDefinition.objects.filter(active=True).prefetch_related("stages"),
            "in_hand": in_hand,
            "now": timezone.now(),
        },
    )


def start(request):
    """GET: choose the business for the customer; POST: start it."""
    require(request.user, "processes.add_process")
    customer = get_customer_for(request.user, request.GET.get("customer") or request.POST.get("customer"))
    definitions = ProcessDefinition.objects.filter(active=True)
    if request.method == "POST":
        try:
            process = services.start_process(
                actor=request.user, definition_code=request.POST.get("definition", ""), customer=customer
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, f"已受理{process.definition.name}，业务编号 {process.number}")
            return redirect("processes:detail", pk=process.pk)
    return render(request, "processes/start.html", {"customer": customer, "definitions": definitions})


def detail(request, pk: int):
    process = get_process_for(request.user, pk)
    active = process.state == Process.State.ACTIVE and process.current_stage_id
    gate = services.gate(process) if active else {}
    stages = list(process.definition.stages.order_by("order"))
    have = set(process.documents.values_list("code", flat=True))
    checklist = []
    if active:
        checklist = [
            {**doc, "received": doc["code"] in have}
            for doc in process.current_stage.documents_for(process.customer_kind)
        ]
    # an individual's application has no report contents to give (rule application_contents_complete)
    unit_only = (
        {"application_contents_complete"} if process.customer_kind == Customer.Kind.INDIVIDUAL else set()
    )
    fact_names = facts_for(rule for stage in stages for rule in stage.rules if rule not in unit_only)
    facts = _fact_fields(process, fact_names, Masker(request.user))
    earlier = [
        s
        for s in stages
        if active and s.order < process.current_stage.order and s.applies_to(process.customer_kind)
    ]
    is_counter = request.user.has_perm("processes.change_process")
    related = {
        name: Process.objects.filter(number=process.facts[key]).first()
        for name, key in (("parent", "parent_process"), ("linked", "connection_number_process"))
        if process.facts.get(key)
    }
    can_sign = (
        active
        and process.customer_kind != Customer.Kind.INDIVIDUAL
        and not process.facts.get("center_head_signature")
        and request.user.has_perm("processes.sign_application")
        and any("center_head_signed" in stage.rules for stage in stages)
    )
    return render(
        request,
        "processes/detail.html",
        {
            "process": process,
            "runs": process.runs.select_related("stage", "left_by"),
            "documents": process.documents.select_related("received_by"),
            "gate": gate,
            "checklist": checklist,
            "facts": facts,
            "earlier": earlier,
            "can_work": active and services.may_handle(request.user, process),
            "is_counter": is_counter,
            "can_resume": is_counter and process.state == Process.State.SUSPENDED,
            "can_sign": can_sign,
            "standard_fee": process.definition.standard_fee(),
            **related,
            "approvals": process.approvals.select_related("requested_by", "decided_by"),
            "printable": printable_forms(process),
            "now": timezone.now(),
        },
    )


def _fact_fields(process: Process, names: list[str], masker: Masker) -> list[dict]:
    """The facts form. A phone or ID number the user sees masked is not put in an input (it would
    be in the page whole): the field is left empty, shows the masked number, and empty keeps it."""
    fields = []
    for name in names:
        label, kind = FACTS[name]
        value, hint = process.facts.get(name, ""), ""
        if is_sensitive_fact(name) and not masker.full and value:
            value, hint = "", f"留空则不改（现为 {masker.facts({name: value}, FACT_KINDS)[name]}）"
        fields.append({"name": name, "label": label, "kind": kind, "value": value, "hint": hint})
    return fields


@require_POST
def act(request, pk: int, action: str):
    """One step on the process, through the action table the API uses too."""
    process = get_process_for(request.user, pk)
    try:
        done = actions.perform(request.user, process, *_page_input(request, process, action))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, done.message)
    if not visible_processes(request.user).filter(pk=process.pk).exists():
        return redirect("processes:queue")  # a unit's staff completed their stage: it has left them
    return redirect("processes:detail", pk=process.pk)


def _page_input(request, process: Process, action: str) -> tuple:
    """(action, data, files) as the table takes them from the detail page's forms: the one form for
    both approvals names its kind in a select; the facts form posts every fact by its name."""
    if action == PAGE_APPROVAL:
        return forms.approval_action(request.POST), request.POST, None
    if action == ProcessAction.FACTS:
        facts = forms.page_facts(request.POST, process, masked=not Masker(request.user).full)
        return action, {"facts": facts}, None
    return action, request.POST, request.FILES


def queue(request):
    """Each department's stage queue; a unit's staff see their unit's stage only."""
    user = request.user
    if not (user.has_perm("processes.view_process") or user.has_perm("processes.handle_stage")):
        require(user, "processes.view_process")
    names = departments() if user.has_perm("processes.view_process") else []
    department = request.GET.get("department") or (names[0] if names else "")
    if names and department not in names:
        messages.error(request, f"没有名为「{department}」的责任部门")
        department = names[0]
    page = page_number(request.GET.get("page"))
    return render(
        request,
        "processes/queue.html",
        {
            "departments": names,
            "queue": stage_queue(user, department, page=page),
            "unit": user.unit if not names else None,
            "now": timezone.now(),
        },
    )


def today(request):
    require(request.user, "processes.view_process")
    day = today_for(request.user)
    masker = Masker(request.user)
    for process in day.appointments:
        process.facts_shown = facts_shown(process, masker)
    return render(request, "processes/today.html", {"today": day, "now": timezone.now()})


def approvals(request):
    require(request.user, "processes.view_process")
    pending = (
        Approval.objects.filter(status=Approval.Status.PENDING)
        .select_related("process__definition", "process__customer", "requested_by")
        .order_by("created_at")
    )
    decided = (
        Approval.objects.exclude(status=Approval.Status.PENDING)
        .select_related("process__definition", "process__customer", "requested_by", "decided_by")
        .order_by("-decided_at")[:50]
    )
    return render(
        request,
        "processes/approvals.html",
        {
            "pending": pending,
            "decided": decided,
            "can_decide": request.user.has_perm("processes.approve_process"),
        },
    )


@require_POST
def decide(request, approval_id: int):
    """The action decide of the table, the approval taken from the address (as the API's)."""
    approval = get_approval_for(request.user, approval_id)
    data = {**request.POST.dict(), "approval": approval.pk}
    try:
        done = actions.perform(request.user, approval.process, ProcessAction.DECIDE, data)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, done.message)
    back = request.POST.get("next", "")
    # only back to a counter page: a posted address must not send the leader elsewhere
    return redirect(back if back.startswith("/processes/") else "processes:approvals")


def document_file(request, pk: int, document_id: int):
    """A scanned document, to whoever may see the process."""
    process = get_process_for(request.user, pk)
    document = process.documents.filter(pk=document_id).exclude(file="").first()
    if document is None:
        raise Http404("没有这份扫描件")
    return FileResponse(document.file.open("rb"), filename=document.file.name.rsplit("/", 1)[-1])
