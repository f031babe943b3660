"""Counter pages: start a business for a customer, run it (checklist, application facts, advance with
the gate's refusals in plain Chinese, return, reject), and the processes in hand with time left."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.core.forms import error_text
from kefu.core.permissions import require
from kefu.customers.permissions import get_customer_for
from kefu.processes import services
from kefu.processes.models import Process, ProcessDefinition
from kefu.processes.permissions import get_process_for
from kefu.processes.rules import FACTS, facts_for, parse_fact

ACTIONS = ("advance", "return", "reject", "documents", "facts", "fee")


def index(request):
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
    fact_names = facts_for(rule for stage in stages for rule in stage.rules)
    facts = [
        {"name": name, "label": FACTS[name][0], "kind": FACTS[name][1], "value": process.facts.get(name, "")}
        for name in fact_names
    ]
    earlier = [
        s
        for s in stages
        if active and s.order < process.current_stage.order and s.applies_to(process.customer_kind)
    ]
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
            "can_work": active and request.user.has_perm("processes.change_process"),
            "now": timezone.now(),
        },
    )


@require_POST
def act(request, pk: int, action: str):
    process = get_process_for(request.user, pk)
    try:
        message = _run(request, process, action)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, message)
    return redirect("processes:detail", pk=process.pk)


def _run(request, process: Process, action: str) -> str:
    actor, data = request.user, request.POST
    if action == "advance":
        process = services.advance(actor=actor, process=process, note=data.get("note", ""))
        return (
            "业务已办结"
            if process.state == Process.State.COMPLETED
            else f"已进入「{process.current_stage.name}」"
        )
    if action == "return":
        process = services.return_to(
            actor=actor, process=process, stage_code=data.get("stage", ""), reason=data.get("reason", "")
        )
        return f"已退回「{process.current_stage.name}」"
    if action == "reject":
        services.reject(actor=actor, process=process, reason=data.get("reason", ""))
        return "已不予受理" + ("，退费待领导审批" if process.fee > 0 else "")
    if action == "documents":
        received = 0
        for code in data.getlist("code"):
            services.receive_document(actor=actor, process=process, code=code)
            received += 1
        return f"已收取{received}份材料"
    if action == "facts":
        values = {}
        for name in facts_for(rule for stage in process.definition.stages.all() for rule in stage.rules):
            try:
                values[name] = parse_fact(name, data.get(name, ""))
            except ValueError as error:
                raise ValidationError({name: str(error)}) from None
        services.set_facts(actor=actor, process=process, facts=values)
        return "申请信息已保存"
    if action == "fee":
        try:
            amount = Decimal(data.get("amount", ""))
        except InvalidOperation:
            raise ValidationError({"amount": "收费金额应为数字"}) from None
        services.record_fee(actor=actor, process=process, amount=amount)
        return f"已登记收费 {amount} 元"
    raise ValidationError({"action": "没有这个操作"})
