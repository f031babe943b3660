"""Telephony fixtures: the PBX's account and token and a poster of events. Hotline rows for the pop come
from the hotline's ContactFactory and WorkOrderFactory."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kefu.accounts.auth import issue_token
from kefu.accounts.models import Role

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
