"""Records for the indicators (Q3), each made through its own app's services: contacts recorded by
open_contact (the root world's `record`), orders walked to closure and visited by the hotline's
services, calls by the PBX events, shifts signed in through the workforce's sign-in, QA checks opened
and scored by the quality services. Moments are Beijing time in November 2026 unless a test says."""

from datetime import date, datetime, timedelta
from itertools import count

import time_machine

from kefu.hotline.services import follow_up, work_orders
from kefu.quality.models import QaCheck
from kefu.quality.services.checks import open_check, score_check
from kefu.quality.services.scorecards import active_scorecard
from kefu.telephony.services import record_call_event
from kefu.workforce.models import RosterEntry
from kefu.workforce.services import attendance as attendance_services
from kefu.workforce.shifts import ensure_default_shifts

MONTH = "2026-11"
_CALLS = count(1)


def at(text: str) -> datetime:
    """at("11-05 09:00") is 2026-11-05 09:00 Beijing time; at("10-31 23:50") the last October evening."""
    day, clock = text.split(" ")
    return datetime.fromisoformat(f"2026-{day}T{clock}:00+08:00")


def travel(moment: datetime):
    return time_machine.travel(moment, tick=False)


def contact(world, person, when: datetime, *, answered: bool = False, **fields):
    """A contact `person` takes at `when`: answered on the spot, or a repair transferred (a work order)."""
    if answered:
        fields.update(code="consult", disposition="answered", result="已告知客户")
    return world.record(when, actor=person, **fields)


def closed_order(world, person, when: datetime, *, visit: str | None = None, visited: datetime | None = None):
    """A repair `person` takes at `when` (in the east, whose branch `world.handle` works), handled,
    called back and closed by them the next day, and
    (with `visit`) visited at `visited` (default two days after the call) with that result."""
    order = contact(world, person, when, customer=world.east_customer).work_order
    world.handle(order, when + timedelta(hours=2))
    callback = order.callbacks.filter(done_at__isnull=True).get()
    with travel(when + timedelta(hours=3)):
        follow_up.record_callback(
            actor=person, callback=callback, reached=True, feedback="已恢复", satisfied=True
        )
    with travel(when + timedelta(days=1)):
        order = work_orders.close(actor=person, work_order=order)
    if visit:
        comment = "处理太慢" if visit == "dissatisfied" else ""
        with travel(visited or when + timedelta(days=2)):
            follow_up.record_return_visit(actor=person, work_order=order, result=visit, comment=comment)
    order.refresh_from_db()
    return order


def call(pbx, person, ring: datetime, *, ring_seconds: float = 5, talk_seconds: float | None = 60):
    """One call to `person`: rung at `ring`, answered `ring_seconds` later, hung up `talk_seconds` after
    that (None: still on the line). Three rings is the telephony's limit for "in time"."""
    call_id = f"IND{next(_CALLS):05d}"
    answer = ring + timedelta(seconds=ring_seconds)
    code = person.employee_no or person.username
    record_call_event(actor=pbx, call_id=call_id, event="ring", agent_code=code, caller="", timestamp=ring)
    record_call_event(
        actor=pbx, call_id=call_id, event="answer", agent_code=code, caller="", timestamp=answer
    )
    if talk_seconds is not None:
        record_call_event(
            actor=pbx,
            call_id=call_id,
            event="hangup",
            agent_code=code,
            caller="",
            timestamp=answer + timedelta(seconds=talk_seconds),
        )
    return call_id


def rostered(person, day: date, shift_code: str = "D", **extra) -> RosterEntry:
    """A shift on the roster (as the workforce's own attendance tests put one there)."""
    shift = ensure_default_shifts()[shift_code]
    starts_at, ends_at = shift.span(day)
    return RosterEntry.objects.create(
        person=person, day=day, shift=shift, starts_at=starts_at, ends_at=ends_at, **extra
    )


def signed_in(person, entry: RosterEntry, *, minutes_late: int = 0):
    return attendance_services.sign_in(
        actor=person, entry=entry, at=entry.starts_at + timedelta(minutes=minutes_late)
    )


def scored_check(inspector, contact_row, *, points: int, when: datetime) -> QaCheck:
    """A sampled check of the contact, scored `points` on every item of the shipped card."""
    check = open_check(actor=inspector, contact=contact_row, source=QaCheck.Source.SAMPLED)
    card = active_scorecard()
    scores = [{"item": item.code, "score": min(points, item.max_score)} for item in card.items.all()]
    with travel(when):
        return score_check(actor=inspector, check=check, scores=scores)
