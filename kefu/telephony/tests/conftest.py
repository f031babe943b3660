"""Telephony fixtures: the PBX's account and token, a poster of events, and hotline rows for the pop."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kefu.accounts.auth import issue_token
from kefu.accounts.models import Role
from kefu.hotline.models import Category, Contact, WorkOrder

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A fixed "now" for every test that needs one: ring seconds and the pop's windows depend on it.
NOW = datetime(2026, 3, 2, 10, 0, 0, tzinfo=SHANGHAI)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def team_leader(make_user):
    return make_user(Role.TEAM_LEADER, username="leader", name="班长老赵")


@pytest.fixture
def pbx(make_user):
    """The integration's own account (here with the administrator role, which holds add_callevent)."""
    return make_user(Role.ADMINISTRATOR, username="pbx", name="呼叫中心中间件")


@pytest.fixture
def pbx_token(pbx):
    return issue_token(user=pbx, name="呼叫中心中间件")


@pytest.fixture
def post_event(client, pbx_token):
    """Post one event as the PBX would; `at` is a datetime or the timestamp text as sent."""

    def post(call_id="C1", event="ring", agent="agent", caller="13812345678", at=None, token=None, **extra):
        if at is None:
            at = NOW
        body = {
            "call_id": call_id,
            "event": event,
            "agent": agent,
            "caller": caller,
            "timestamp": at.isoformat() if isinstance(at, datetime) else at,
            **extra,
        }
        return client.post(
            "/api/telephony/events",
            data=json.dumps(body, ensure_ascii=False),
            content_type="application/json",
            headers={"authorization": f"Bearer {token or pbx_token}"},
        )

    return post


def seconds(n: float) -> timedelta:
    return timedelta(seconds=n)


@pytest.fixture
def category(db):
    return Category.objects.order_by("sort_order", "code").first()


_sequence = iter(range(1, 1_000_000))


@pytest.fixture
def make_contact(category):
    def make(*, customer=None, agent, phone="", matter="咨询水费", received_at=None):
        received_at = received_at or NOW - timedelta(days=3)
        n = next(_sequence)
        return Contact.objects.create(
            number=f"RX{n:08d}",
            received_on=received_at.date(),
            sequence=n,
            received_at=received_at,
            agent=agent,
            customer=customer,
            phone=phone or (customer.phone if customer else ""),
            matter=matter,
            original_matter=matter,
            category=category,
            disposition=Contact.Disposition.ANSWERED,
        )

    return make


@pytest.fixture
def make_work_order(make_contact, category):
    def make(*, customer, agent, state=WorkOrder.State.TRANSFERRED, deadline=None):
        contact = make_contact(customer=customer, agent=agent, matter="水压低，请派人查看")
        return WorkOrder.objects.create(
            number=f"GD{contact.sequence:08d}",
            contact=contact,
            category=category,
            state=state,
            owner=agent,
            customer=customer,
            deadline=deadline or NOW + timedelta(days=2),
        )

    return make
