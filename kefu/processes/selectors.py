"""Reads shared by the counter pages, the API and the benchmark: each department's stage queue and the
clerk's "today" view. Both read the partial indexes on active processes (stage, due) and (unit, due)."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import F, QuerySet
from django.utils import timezone

from kefu.customers.masking import Masker
from kefu.processes.models import Approval, Process, StageDefinition
from kefu.processes.permissions import visible_processes
from kefu.processes.rules import FACTS

QUEUE_PAGE = 50
FACT_KINDS = {name: kind for name, (_label, kind) in FACTS.items()}
SENSITIVE_FACT_KINDS = ("phone", "id_number")


def facts_shown(process: Process, masker: Masker) -> dict:
    """The process's facts as the user may see them: phones and ID numbers through the Masker."""
    return masker.facts(process.facts, FACT_KINDS)


def is_sensitive_fact(name: str) -> bool:
    return FACT_KINDS.get(name) in SENSITIVE_FACT_KINDS


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
    return active.filter(current_stage_id__in=_stage_ids(responsible=department))


def _stage_ids(**filters) -> list[int]:
    # Resolved first, so the process query filters on its own column (the planner misjudges a join
    # to the stages and then joins customers to thousands of rows before sorting).
    return list(StageDefinition.objects.filter(**filters).values_list("pk", flat=True))


def _rows(ids_query: QuerySet[Process], start: int, size: int) -> list[Process]:
    """One page in due order: the page's ids from the narrow index walk, then only those rows with
    their definition, customer, stage and unit (joining first would join every row before the sort)."""
    ids = list(ids_query.values_list("pk", flat=True)[start : start + size])
    rows = Process.objects.select_related("definition", "customer", "current_stage", "unit").in_bulk(ids)
    return [rows[pk] for pk in ids]


def _by_due(rows: QuerySet[Process]) -> QuerySet[Process]:
    return rows.order_by(F("due_at").asc(nulls_last=True), "id")


def stage_queue(user, department: str, *, page: int = 1, now: datetime | None = None) -> Queue:
    """What waits at one department, the most urgent first (no time limit last)."""
    now = now or timezone.now()
    rows = _queue_rows(user, department)
    total = rows.count()
    pages = max(1, -(-total // QUEUE_PAGE))
    page = min(max(1, page), pages)
    listed = _rows(_by_due(rows), (page - 1) * QUEUE_PAGE, QUEUE_PAGE)
    overdue = rows.filter(due_at__lt=now).count()
    return Queue(department, listed, total, overdue, page, pages)


@dataclass
class Today:
    appointments: list[Process]
    due_today: list[Process]
    due_today_count: int
    overdue: list[Process]
    overdue_count: int
    started_by_me: list[Process]
    approvals: list[Approval]


COUNTER_DESKS = ("客服中心窗口", "客服中心")
TODAY_LIST = 30


def today_for(user, *, now: datetime | None = None) -> Today:
    """The clerk's day: today's appointments, the counter's stages due today or overdue (the most
    urgent first, with how many in all), what this clerk took in today, and the leader's approvals."""
    now = timezone.localtime(now or timezone.now())
    day_start = timezone.make_aware(datetime.combine(now.date(), time.min))
    day_end = day_start + timedelta(days=1)
    active = visible_processes(user).filter(state=Process.State.ACTIVE)
    appointment_stages = _stage_ids(definition__code="counter_appointment")
    counter = active.filter(current_stage_id__in=_stage_ids(responsible__in=COUNTER_DESKS)).exclude(
        current_stage_id__in=appointment_stages
    )
    due_today = counter.filter(due_at__gte=now, due_at__lt=day_end)
    overdue = counter.filter(due_at__lt=now)
    approvals = []
    if user.has_perm("processes.approve_process"):
        approvals = list(
            Approval.objects.filter(status=Approval.Status.PENDING)
            .exclude(requested_by=user)
            .select_related("process__definition", "process__customer", "requested_by")[:50]
        )
    mine = visible_processes(user).filter(started_by=user, created_at__gte=day_start, created_at__lt=day_end)
    return Today(
        appointments=_rows(
            _by_due(
                active.filter(
                    current_stage_id__in=appointment_stages, due_at__gte=day_start, due_at__lt=day_end
                )
            ),
            0,
            100,
        ),
        due_today=_rows(_by_due(due_today), 0, TODAY_LIST),
        due_today_count=due_today.count(),
        overdue=_rows(_by_due(overdue), 0, TODAY_LIST),
        overdue_count=overdue.count(),
        started_by_me=_rows(mine.order_by("-id"), 0, 100),
        approvals=approvals,
    )
