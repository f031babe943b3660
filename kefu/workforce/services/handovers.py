"""Every write to the handover log, each with its event in one transaction."""

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import Team, User
from kefu.core.events import diff
from kefu.core.policies import policy
from kefu.workforce.events import handover_corrected_event, handover_received_event, handover_recorded_event
from kefu.workforce.models import Handover

TEXT_FIELDS = ("equipment_state", "open_cases", "staffing_changes", "notes")


def _aware(value: datetime) -> datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@transaction.atomic
def record_handover(
    *,
    actor: User,
    team: Team | None,
    shift_started_at: datetime | None,
    handed_over_at: datetime | None = None,
    received_by: User | None = None,
    equipment_state: str = "",
    open_cases: str = "",
    staffing_changes: str = "",
    notes: str = "",
) -> Handover:
    """The outgoing agent writes the handover; it stays pending until the relieving agent confirms."""
    errors: dict[str, str] = {}
    now = timezone.now()
    handed_over_at = _aware(handed_over_at) if handed_over_at else now
    if team is None:
        errors["team"] = "请选择交班班组"
    if shift_started_at is None:
        errors["shift_started_at"] = "请填写本班开始时间"
    else:
        shift_started_at = _aware(shift_started_at)
        # A shift is at most this long (a rule); a start further back is a wrong date, not a shift.
        longest = policy("workforce.longest_shift_hours")
        if shift_started_at > handed_over_at:
            errors["shift_started_at"] = "本班开始时间不能晚于交班时间"
        elif handed_over_at - shift_started_at > timedelta(hours=longest):
            errors["shift_started_at"] = f"本班开始时间距交班时间超过{longest}小时，请核对日期"
    if handed_over_at > now + timedelta(minutes=5):
        errors["handed_over_at"] = "交班时间不能晚于当前时间"
    if received_by is not None and received_by.pk == actor.pk:
        errors["received_by"] = "接班人不能是交班人本人"
    if errors:
        raise ValidationError(errors)
    texts = {
        f: (v or "").strip()
        for f, v in zip(TEXT_FIELDS, (equipment_state, open_cases, staffing_changes, notes), strict=True)
    }
    handover = Handover.objects.create(
        team=team,
        handed_over_by=actor,
        received_by=received_by,
        shift_started_at=shift_started_at,
        handed_over_at=handed_over_at,
        **texts,
    )
    handover_recorded_event(
        actor=actor,
        handover=handover,
        changes={
            "team": str(team),
            "received_by": str(received_by or ""),
            **{k: v for k, v in texts.items() if v},
        },
    )
    return handover


@transaction.atomic
def receive_handover(*, actor: User, handover: Handover, note: str = "") -> Handover:
    """The relieving agent confirms they took over: only then may the outgoing agent leave."""
    # Lock the handover row only (of=self): PostgreSQL cannot lock the nullable side of the join to
    # received_by, and two agents confirming at once must not both succeed.
    handover = (
        Handover.objects.select_for_update(of=("self",)).select_related("received_by").get(pk=handover.pk)
    )
    if handover.received_at is not None:
        when = timezone.localtime(handover.received_at)
        raise ValidationError(
            {"received_by": f"该记录已于{when:%Y-%m-%d %H:%M}由{handover.received_by}确认接班"}
        )
    if handover.handed_over_by_id == actor.pk:
        raise ValidationError({"received_by": "不能确认自己的交接班记录，须由接班人本人确认"})
    if handover.received_by_id is not None and handover.received_by_id != actor.pk:
        raise ValidationError({"received_by": f"该记录指定由{handover.received_by}接班，须由其本人确认"})
    handover.received_by = actor
    handover.received_at = timezone.now()
    handover.save(update_fields=["received_by", "received_at", "updated_at"])
    handover_received_event(actor=actor, handover=handover, note=note)
    return handover


@transaction.atomic
def correct_handover(*, actor: User, handover: Handover, data: dict[str, Any], note: str = "") -> Handover:
    """Amend the texts of a handover. The record is never rewritten silently: the old texts are in
    the event, and the reason is required once the relieving agent has signed for it."""
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    cleaned = {f: (data[f] or "").strip() for f in TEXT_FIELDS if f in data}
    changes = diff(handover, cleaned)
    if not changes:
        return handover
    if handover.received_at is not None and not note.strip():
        raise ValidationError({"note": "接班人已确认的记录，更正时须填写更正原因"})
    for field, value in cleaned.items():
        setattr(handover, field, value)
    handover.save()
    handover_corrected_event(actor=actor, handover=handover, changes=changes, note=note.strip())
    return handover
