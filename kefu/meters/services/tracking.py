"""稽查跟踪任务 (ch.4 §4.2.2–§4.2.3): the inspection team verifies an urgent report (换表报核单) and
follows a replaced faulty meter's usage afterwards. Each task is a TrackingTask row; the inspection
app (issue 17) takes them over through `signals.inspection_task_created`, sent after commit. Until
then an inspector completes a task here with a note."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.core.alerts import send_alert
from kefu.core.policies import policy
from kefu.meters import signals
from kefu.meters.dates import working_days_after
from kefu.meters.events import ReturnEvents, meters_event
from kefu.meters.models import Replacement, TrackingTask

ALERT_KIND = "meters.tracking_overdue"
ALERT_KINDS: dict[str, str] = {ALERT_KIND: "稽查跟踪任务逾期"}
# Overdue tasks looked at per scan: the scan stays bounded; the rest are told on the next pass.
SCAN_LIMIT = 500


def _due_on(replacement: Replacement, kind: str, today: date) -> date:
    if kind == TrackingTask.Kind.VERIFICATION:
        return replacement.verify_due or working_days_after(
            today, policy("meters.urgent_verify_working_days")
        )
    return working_days_after(today, policy("meters.usage_tracking_working_days"))


@transaction.atomic
def open_task(*, actor, replacement: Replacement, kind: str) -> TrackingTask:
    """The inspection task of this kind for the replacement (one per kind): a verification is due with
    the report (meters.urgent_verify_working_days), usage tracking meters.usage_tracking_working_days
    after the fitting. `inspection_task_created(task=…)` goes out once the transaction commits."""
    if kind not in TrackingTask.Kind.values:
        raise ValidationError({"kind": "稽查任务类型应为急换核查或换表后用水跟踪"})
    existing = TrackingTask.objects.filter(replacement=replacement, kind=kind).first()
    if existing is not None:
        return existing
    task = TrackingTask.objects.create(
        kind=kind, replacement=replacement, due_on=_due_on(replacement, kind, timezone.localdate())
    )
    meters_event(
        actor=actor,
        target=replacement,
        verb=ReturnEvents.TRACKING_OPENED,
        changes={"kind": task.get_kind_display(), "due_on": task.due_on.isoformat()},
    )
    transaction.on_commit(lambda: signals.inspection_task_created.send(sender=TrackingTask, task=task))
    return task


@transaction.atomic
def complete_task(*, actor, task: TrackingTask, note: str) -> TrackingTask:
    """The inspector's result (核查情况 or 用水跟踪情况); a note is required."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写稽查结果（核查或用水跟踪情况）"})
    if len(note) > 200:
        raise ValidationError({"note": "稽查结果不能超过200个字符"})
    task = TrackingTask.objects.select_for_update().get(pk=task.pk)
    if task.state != TrackingTask.State.OPEN:
        raise ValidationError(
            f"稽查任务已于{timezone.localtime(task.done_at):%Y-%m-%d %H:%M}完成，不能重复办结"
        )
    task.state, task.done_by, task.done_at, task.note = TrackingTask.State.DONE, actor, timezone.now(), note
    task.save(update_fields=["state", "done_by", "done_at", "note", "updated_at"])
    meters_event(
        actor=actor,
        target=task.replacement,
        verb=ReturnEvents.TRACKING_DONE,
        changes={"kind": task.get_kind_display()},
        note=note,
    )
    return task


def close_verification(*, actor, replacement: Replacement, note: str) -> None:
    """The center's verification answers the open verification task too (called in its transaction)."""
    TrackingTask.objects.filter(
        replacement=replacement, kind=TrackingTask.Kind.VERIFICATION, state=TrackingTask.State.OPEN
    ).update(state=TrackingTask.State.DONE, done_by=actor, done_at=timezone.now(), note=note[:200])


def visible_tasks(user):
    """Tracking tasks the user may see: a branch's staff their branch's, others all."""
    from kefu.customers.models import NO_BRANCH, branch_scope

    tasks = TrackingTask.objects.select_related("replacement__meter", "replacement__branch", "done_by")
    branch_id = branch_scope(user)
    if branch_id is None:
        return tasks
    if branch_id == NO_BRANCH:
        return tasks.none()
    return tasks.filter(replacement__branch_id=branch_id)


def overdue(now) -> list[str]:
    """Open tasks past their day: the inspectors are told once per task (send_alert keeps one alert per
    kind and subject for each person)."""
    today = timezone.localtime(now).date()
    late = list(
        TrackingTask.objects.filter(state=TrackingTask.State.OPEN, due_on__lt=today)
        .select_related("replacement__meter")
        .order_by("due_on", "id")[:SCAN_LIMIT]
    )
    if not late:
        return []
    inspectors = list(User.objects.filter(role=Role.FIELD_INSPECTOR, is_active=True))
    lines = []
    for task in late:
        sent = send_alert(
            recipients=inspectors,
            kind=ALERT_KIND,
            message=f"{task.get_kind_display()}任务逾期：换表单{task.replacement.number}，"
            f"水表{task.replacement.meter.number}，期限{task.due_on:%Y-%m-%d}",
            url=reverse("meters:tracking_tasks"),
            subject=f"meters.trackingtask:{task.pk}",
        )
        if sent:
            lines.append(f"稽查跟踪任务逾期：{task.replacement.number}（{task.get_kind_display()}）")
    return lines
