"""Fetch a process only for a user allowed to see it (one helper for pages and API).

The counter and the center's managers see every process. A unit's staff with `handle_stage` (the
design office, a branch) see a process only while its current stage is their unit's: the design
office sees the applications waiting for a design, not the customer's whole file of businesses."""

from django.db.models import QuerySet
from django.http import Http404

from kefu.core.params import object_id
from kefu.core.permissions import require
from kefu.processes.models import Approval, Process


def visible_processes(user) -> QuerySet[Process]:
    if user.has_perm("processes.view_process"):
        return Process.objects.all()
    if user.has_perm("processes.handle_stage") and user.unit_id:
        return Process.objects.filter(state=Process.State.ACTIVE, unit_id=user.unit_id)
    require(user, "processes.view_process")  # raises PermissionDenied with the usual message
    return Process.objects.none()


def get_process_for(user, pk) -> Process:
    processes = visible_processes(user)
    pk = object_id(pk)  # the shared id rule: int() would read "+12" or "١٢"
    if pk is None:
        raise Http404("业务不存在")
    process = (
        processes.select_related("definition", "customer", "current_stage", "started_by", "unit")
        .filter(pk=pk)
        .first()
    )
    if process is None:
        raise Http404("业务不存在")
    return process


def get_approval_for(user, pk) -> Approval:
    """An approval is seen by whoever sees its process; deciding is checked by the service."""
    require(user, "processes.view_process")
    pk = object_id(pk)
    approval = Approval.objects.select_related("process").filter(pk=pk).first() if pk else None
    if approval is None:
        raise Http404("审批不存在")
    return approval
