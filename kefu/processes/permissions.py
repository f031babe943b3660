"""Fetch a process only for a user allowed to see it (one helper for pages and API)."""

from django.http import Http404

from kefu.core.permissions import require
from kefu.processes.models import Process


def get_process_for(user, pk) -> Process:
    require(user, "processes.view_process")
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("业务不存在") from None
    process = (
        Process.objects.select_related("definition", "customer", "current_stage", "started_by")
        .filter(pk=pk)
        .first()
    )
    if process is None:
        raise Http404("业务不存在")
    return process
