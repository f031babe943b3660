"""The counter's part of each person's home page (`platform.home_panels`): the processes the clerk took
in that are still open, the unit's stages waiting (design office, branches) and the approvals waiting
for a leader."""

from django.urls import reverse

from kefu.processes.models import Approval, Process

CAP = 99


def _count(queryset) -> int:
    return len(queryset.values_list("pk", flat=True)[: CAP + 1])


def panel(user) -> list[tuple[str, int, str]]:
    items = []
    if user.has_perm("processes.add_process"):
        mine = Process.objects.filter(
            started_by=user, state__in=(Process.State.ACTIVE, Process.State.SUSPENDED)
        )
        items.append(("我受理的在办业务", _count(mine), reverse("processes:today")))
    if user.has_perm("processes.handle_stage") and user.unit_id:
        waiting = Process.objects.filter(state=Process.State.ACTIVE, unit_id=user.unit_id)
        items.append(("本单位待办业务环节", _count(waiting), reverse("processes:queue")))
    if user.has_perm("processes.approve_process"):
        pending = Approval.objects.filter(status=Approval.Status.PENDING).exclude(requested_by=user)
        items.append(("待我审批", _count(pending), reverse("processes:approvals")))
    return items
