"""What a counter clerk holds (A3, H7): the processes they took in that are still open (active or
suspended). The clerk who takes a process in follows it to the end for the customer (首问负责), so
when the clerk leaves, a colleague at the counter takes them over, recorded on each process and in
each customer's archive.

Registered with `platform.register_app(..., holdings=[HOLDING])`; accounts has checked the actor's
permission (accounts.hand_over_user) before `hand_over` runs."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kefu.core.registry import Holding
from kefu.customers.events import customer_staff_contact_changed_event
from kefu.processes.events import process_handed_over_event
from kefu.processes.models import Process

OPEN_STATES = (Process.State.ACTIVE, Process.State.SUSPENDED)


def _open_started_by(user):
    return Process.objects.filter(started_by=user, state__in=OPEN_STATES)


def held(user) -> list[tuple[str, int, str]]:
    return [("在办窗口业务（本人受理）", _open_started_by(user).count(), reverse("processes:index"))]


def refuse(successor) -> str:
    if not successor.is_active or not successor.has_perm("processes.add_process"):
        return "窗口业务须移交给在岗的窗口营业员（可受理业务的人员）"
    return ""


@transaction.atomic
def hand_over(*, actor, from_user, to_user, reason: str) -> int:
    moved = 0
    rows = (
        _open_started_by(from_user).select_for_update(of=("self",)).select_related("customer", "definition")
    )
    for process in rows.order_by("id"):
        Process.objects.filter(pk=process.pk).update(started_by=to_user, updated_at=timezone.now())
        process_handed_over_event(
            actor=actor, process=process, old=str(from_user), new=str(to_user), note=reason
        )
        customer_staff_contact_changed_event(
            actor=actor,
            customer=process.customer,
            old=str(from_user),
            new=str(to_user),
            what=f"业务{process}（{process.definition.name}）",
            note=reason,
        )
        moved += 1
    return moved


HOLDING = Holding(name="processes", held=held, hand_over=hand_over, refuse=refuse)
