"""Counter business pages (first step): the definitions with their stages and deadlines, the processes
in hand with their current stage and time left, and a process's stage timeline and gate."""

from django.shortcuts import render
from django.utils import timezone

from kefu.core.permissions import require
from kefu.processes import services
from kefu.processes.models import Process, ProcessDefinition
from kefu.processes.permissions import get_process_for


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


def detail(request, pk: int):
    process = get_process_for(request.user, pk)
    gate = (
        services.gate(process) if process.state == Process.State.ACTIVE and process.current_stage_id else {}
    )
    return render(
        request,
        "processes/detail.html",
        {
            "process": process,
            "runs": process.runs.select_related("stage", "left_by"),
            "documents": process.documents.select_related("received_by"),
            "gate": gate,
            "now": timezone.now(),
        },
    )
