"""The home page (issue 13 item 8): each person's own open items from the panels the apps register
(platform.home_panels) — my open orders, my callbacks due, my unit's queue, approvals waiting — instead
of greyed "即将上线" tiles; the counts are cheap."""

import pytest
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.hotline.tests.factories import WorkOrderFactory
from kefu.processes.models import Approval
from kefu.processes.tests.factories import ProcessFactory

pytestmark = pytest.mark.django_db


def items(response) -> dict[str, int]:
    return {item["label"]: item["count"] for item in response.context["my_items"]}


def test_an_agent_sees_their_open_orders_and_callbacks_due(client_for, agent, time_machine):
    # given two open orders of the agent's, whose callbacks fall due
    first = WorkOrderFactory(owner=agent)
    WorkOrderFactory(owner=agent)
    time_machine.move_to(timezone.now() + timezone.timedelta(days=2))

    response = client_for(agent).get("/")

    assert items(response)["我的未办结工单"] == 2
    assert items(response)["我的到期待回电"] == 2
    page = response.content.decode()
    assert "我的待办" in page and "?queue=mine" in page and "即将上线</small>" not in page
    assert first.number  # the order exists; the tile links to the queue that lists it


def test_a_units_staff_see_their_units_queue(client_for, make_user):
    order = WorkOrderFactory()
    staff = make_user(Role.UNIT_STAFF, username="east1", unit=order.unit)
    assert items(client_for(staff).get("/"))["本单位待办工单"] == 1


def test_a_leader_sees_the_approvals_waiting(client_for, department_head, counter_clerk):
    process = ProcessFactory(actor=counter_clerk)
    Approval.objects.create(
        process=process, kind="extend", days=3, reason="材料未齐", requested_by=counter_clerk
    )
    assert items(client_for(department_head).get("/"))["待我审批"] == 1
    assert items(client_for(counter_clerk).get("/"))["我受理的在办业务"] == 1


def test_the_home_page_costs_a_few_queries_however_many_orders(
    client_for, agent, django_assert_max_num_queries
):
    for _ in range(3):
        WorkOrderFactory(owner=agent)
    client = client_for(agent)
    client.get("/")  # warm the session and permission caches
    with django_assert_max_num_queries(12):
        client.get("/")
