"""The counter's part of the customer timeline (kefu.core.timeline, A2): the customer's businesses
(业务办理) — taken in, each stage change, returned, refused, fee paid, decisions, resumed.

Only the processes the viewer may open, by the counter's own rule (`permissions.visible_processes`:
the counter and the managers see all; a unit's staff a process only while its current stage is their
unit's). Two bounded queries: the newest `limit` steps, then their processes for the business's name."""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from kefu.core.events import verb_label
from kefu.core.models import Event
from kefu.core.timeline import TimelineEntry, TimelineKind, timeline_source
from kefu.processes.events import ProcessEvents
from kefu.processes.models import Process
from kefu.processes.permissions import visible_processes


def _may_see_any(user) -> bool:
    # visible_processes refuses (PermissionDenied) a user with neither permission: for the timeline
    # that is simply no entries.
    return user.has_perm("processes.view_process") or (
        user.has_perm("processes.handle_stage") and bool(user.unit_id)
    )


PROCESS = TimelineKind("process", "业务办理", 40, _may_see_any)
STEPS = [
    ProcessEvents.STARTED,
    ProcessEvents.ADVANCED,
    ProcessEvents.RETURNED,
    ProcessEvents.REJECTED,
    ProcessEvents.FEE_PAID,
    ProcessEvents.APPROVAL_DECIDED,
    ProcessEvents.RESUMED,
    ProcessEvents.APPLICATION_SIGNED,
    ProcessEvents.CONNECTION_NUMBER_CALLED,
    ProcessEvents.ARCHIVE_FILED,
]
# The words before a value of the one-stop connection's steps (issue 13 point 6).
KEY_LABELS = {
    "connection_point_no": "接水点",
    "meter": "水表",
    "account": "户号",
    "connection_number_process": "发放接水点编号业务",
    "center_head_signature": "中心负责人",
}


@timeline_source(PROCESS)
def customer_timeline(customer, user, *, kinds: set[str], limit: int) -> list[TimelineEntry]:
    if PROCESS.code not in kinds or not PROCESS.visible_to(user):
        return []
    processes = visible_processes(user).filter(customer=customer).values("pk")
    events = list(
        Event.objects.filter(
            target_type=ContentType.objects.get_for_model(Process), target_id__in=processes, verb__in=STEPS
        )
        .select_related("actor")
        .order_by("-occurred_at", "-id")[:limit]
    )
    shown = {event.target_id for event in events}
    names = dict(Process.objects.filter(pk__in=shown).values_list("pk", "definition__name"))
    return [_step(event, names.get(event.target_id, "")) for event in events]


def _step(event: Event, business: str) -> TimelineEntry:
    summary = f"{event.target_repr} {business} {verb_label(event.verb)}".replace("  ", " ")
    detail = _detail(event.changes or {})
    if detail:
        summary += f"：{detail}"
    if (
        event.note and event.verb != ProcessEvents.STARTED
    ):  # a start's note restates the business and customer
        summary += f"（{event.note[:60]}）"
    return PROCESS.entry(
        at=event.occurred_at,
        summary=summary,
        actor=str(event.actor or "系统"),
        url=reverse("processes:detail", args=[event.target_id]),
    )


def _detail(changes: dict) -> str:
    """The step in words: a stage change as 受理 → 勘测设计, the fee as 0 → 42.5 元, a decision as
    暂停：已同意."""
    parts = []
    for key, value in changes.items():
        old, new = value if isinstance(value, list) and len(value) == 2 else (None, value)
        if new in (None, ""):
            continue
        if key in ("stage", "state"):
            parts.append(f"{old} → {new}" if old not in (None, "") else str(new))
        elif key == "fee":
            parts.append(f"已收费用 {old} → {new} 元")
        elif key in KEY_LABELS:
            parts.append(f"{KEY_LABELS[key]} {new}")
        else:
            parts.append(f"{key}：{new}" if not key.isascii() else str(new))
    return "；".join(parts)
