"""Reads shared by the counter pages, the API and the benchmark: each department's stage queue and the
clerk's "today" view. Both read the partial indexes on active processes (stage, due) and (unit, due)."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import F, QuerySet
from django.utils import timezone

from kefu.processes.models import Approval, Process, StageDefinition
from kefu.processes.permissions import visible_processes

QUEUE_PAGE = 50


def departments() -> list[str]:
    """The departments that hold stages, in the order they first appear in the definitions."""
    names = StageDefinition.objects.filter(definition__active=True).order_by("definition__code", "order")
    return list(dict.fromkeys(names.values_list("responsible", flat=True)))


@dataclass
class Queue:
    department: str
    processes: list[Process]
    total: int
    overdue: int
    page: int
    pages: int


def _queue_rows(user, department: str) -> QuerySet[Process]:
    active = visible_processes(user).filter(state=Process.State.ACTIVE)
    if not user.has_perm("processes.view_process"):
        return active  # a unit's staff: visible_processes already keeps only their unit's stage
    stage_ids = list(StageDefinition.objects.filter(responsible=department).values_list("pk", flat=True))
    return active.filter(current_stage_id__in=stage_ids)


def stage_queue(user, department: str, *, page: int = 1, now: datetime | None = None) -> Queue:
    """What waits at one department, the most urgent first (no time limit last)."""
    now = now or timezone.now()
    rows = _queue_rows(user, department)
    total = rows.count()
    pages = max(1, -(-total // QUEUE_PAGE))
    page = min(max(1, page), pages)
    start = (page - 1) * QUEUE_PAGE
    listed = list(
        rows.select_related("definition", "customer", "current_stage", "unit").order_by(
            F("due_at").asc(nulls_last=True), "id"
        )[start : start + QUEUE_PAGE]
    )
    overdue = rows.filter(due_at__lt=now).count()
    return Queue(department, listed, total, overdue, page, pages)


@dataclass
class Today:
    appointments: list[Process]
    due_today: list[Process]
    overdue: list[Process]
    started_by_me: list[Process]
    approvals: list[Approval]


COUNTER_DESKS = ("客服中心窗口", "客服中心")


def today_for(user, *, now: datetime | None = None) -> Today:
    """The clerk's day: today's appointments, the counter's stages due today or overdue, what this
    clerk took in today, and (for leaders) the approvals waiting."""
    now = timezone.localtime(now or timezone.now())
    day_start = timezone.make_aware(datetime.combine(now.date(), time.min))
    day_end = day_start + timedelta(days=1)
    active = visible_processes(user).filter(state=Process.State.ACTIVE)
    rich = active.select_related("definition", "customer", "current_stage")
    counter = rich.filter(current_stage__responsible__in=COUNTER_DESKS)
    approvals = []
    if user.has_perm("processes.approve_process"):
        approvals = list(
            Approval.objects.filter(status=Approval.Status.PENDING)
            .exclude(requested_by=user)
            .select_related("process__definition", "process__customer", "requested_by")[:50]
        )
    return Today(
        appointments=list(
            rich.filter(
                definition__code="counter_appointment", due_at__gte=day_start, due_at__lt=day_end
            ).order_by("due_at")
        ),
        due_today=list(
            counter.filter(due_at__gte=now, due_at__lt=day_end)
            .exclude(definition__code="counter_appointment")
            .order_by("due_at")[:100]
        ),
        overdue=list(counter.filter(due_at__lt=now).order_by("due_at")[:100]),
        started_by_me=list(
            visible_processes(user)
            .filter(started_by=user, created_at__gte=day_start)
            .select_related("definition", "customer", "current_stage")
            .order_by("-id")[:100]
        ),
        approvals=approvals,
    )
