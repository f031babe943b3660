"""The workforce's items on the home page: what waits for this person's decision."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import TeamFactory
from kefu.workforce.models import LeaveKind, Shift
from kefu.workforce.services import assign_shift
from kefu.workforce.services.leave import ask_leave

pytestmark = pytest.mark.django_db


def test_leave_waiting_shows_on_the_team_leaders_home_page_and_not_on_the_agents(client_for, make_user):
    # given an agent with a shift in three days who asks for it off
    team = TeamFactory(code="RX8", name="热线八班")
    leader = make_user(Role.TEAM_LEADER, username="leader8", team=team)
    agent = make_user(Role.AGENT, username="agent81", team=team)
    head = make_user(Role.DEPARTMENT_HEAD, username="head8")
    entry = assign_shift(
        actor=head,
        person=agent,
        day=timezone.localdate() + timedelta(days=3),
        shift=Shift.objects.get(code="D"),
    )
    ask_leave(
        actor=agent,
        person=agent,
        kind=LeaveKind.PERSONAL,
        starts_at=entry.starts_at,
        ends_at=entry.ends_at,
        reason="家中有事",
    )

    # then the leader's home page says one leave waits for her, with a link to the list
    page = client_for(leader).get("/").content.decode()
    assert "待我审批的请假" in page and "/duty/leave/?tab=awaiting" in page
    # and the agent's and the head's (not their level yet) do not
    assert "待我审批的请假" not in client_for(agent).get("/").content.decode()
    assert "待我审批的请假" not in client_for(head).get("/").content.decode()
