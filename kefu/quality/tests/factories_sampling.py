"""The sampling, summary and roll-up tests' world: the shared test world (kefu/testing/world.py) with
its calls taken in the east, a QA lead (an inspector given quality.decide_qaappeal), a second
inspector, and helpers that make contacts the way the apps make them — a call through the telephony
events and the hotline's open_contact, a complaint, a work order closed and visited dissatisfied — and
checks opened and scored through the checks subject's services."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth.models import Permission

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.hotline.models import WorkOrder
from kefu.quality import defaults
from kefu.quality.models import QaCheck

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOVEMBER = date(2026, 11, 1)
# Every agent of these tests joined long ago (not new staff) unless a test says otherwise.
LONG_AGO = date(2020, 1, 6)
_calls = count(1)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@dataclass
class QaWorld:
    world: object
    lead: object  # QA inspector holding decide_qaappeal (质检组长)
    inspector: object
    head: object

    def agent(self, name: str, *, team=None, hired_on=LONG_AGO, role=Role.AGENT):
        return UserFactory(role=role, name=name, team=team or self.world.day_shift, hired_on=hired_on)

    def contact(self, agent, when: datetime, **fields):
        """A consultation answered at once (no work order)."""
        fields.setdefault("answered", True)
        return self.world.record(when, actor=agent, **fields)

    def complaint(self, agent, when: datetime):
        return self.world.record(when, actor=agent, code="service_complaint", matter="投诉营业厅服务态度差")

    def call(self, agent, when: datetime, *, seconds: int):
        """A phone call rung, answered and hung up after `seconds`, then recorded with its call id."""
        from kefu.telephony.services import record_call_event

        call_id = f"QA{next(_calls):06d}"
        pbx = self.world.user(Role.ADMINISTRATOR)
        for event, moment in (
            ("ring", when),
            ("answer", when + timedelta(seconds=5)),
            ("hangup", when + timedelta(seconds=5 + seconds)),
        ):
            record_call_event(
                actor=pbx,
                call_id=call_id,
                event=event,
                agent_code=agent.username,
                caller="",
                timestamp=moment,
            )
        return self.contact(agent, when + timedelta(seconds=seconds + 10), call_id=call_id)

    def dissatisfied(self, agent, when: datetime):
        """A repair the agent transferred, handled, closed and visited: the customer is dissatisfied."""
        from kefu.hotline.services import follow_up
        from kefu.hotline.tests.factories import WorkOrderFactory

        with time_machine.travel(when, tick=False):
            order = WorkOrderFactory(
                owner=agent, customer=self.world.east_customer, state=WorkOrder.State.CLOSED
            )
        with time_machine.travel(when + timedelta(hours=3), tick=False):
            follow_up.record_return_visit(
                actor=agent, work_order=order, result="dissatisfied", comment="处理太慢"
            )
        return order.contact


def open_checks(actor, contacts, *, source=QaCheck.Source.ADDED) -> list[QaCheck]:
    from kefu.quality.services.checks import open_check

    return [open_check(actor=actor, contact=c, source=source) for c in contacts]


def score(check: QaCheck, inspector, *, when: datetime, **values) -> QaCheck:
    """Score `check` as `inspector` at `when`: every item 8 of 10 unless given (phrases=3, attitude=0…)."""
    from kefu.quality.services.checks import score_check

    entries = [
        {"item": code, "score": values.get(code, 8)}
        for code, _name, _guidance, _weight, _critical in defaults.SCORECARD_ITEMS
    ]
    with time_machine.travel(when, tick=False):
        return score_check(actor=inspector, check=check, scores=entries, comment="", now=when)


def build_qa_world(world) -> QaWorld:
    """Each test module's `qa_world` fixture: `return build_qa_world(world)`."""
    defaults.ensure_defaults()
    world.caller = world.east_customer
    lead = UserFactory(role=Role.QA_INSPECTOR, username="qa_lead", name="质检组长")
    lead.user_permissions.add(
        Permission.objects.get(codename="decide_qaappeal", content_type__app_label="quality")
    )
    inspector = UserFactory(role=Role.QA_INSPECTOR, username="qa_two", name="质检员小孙")
    world.agent.hired_on = LONG_AGO
    world.agent.save(update_fields=["hired_on"])
    world.night_agent.hired_on = LONG_AGO
    world.night_agent.save(update_fields=["hired_on"])
    return QaWorld(world=world, lead=lead, inspector=inspector, head=world.head)
