"""Departing staff (A3, H7): a member of staff who still holds open work orders, callbacks or counter
processes cannot be deactivated until the department head or the administrator has handed everything to
a named colleague; the hand-over is recorded on each record, on the person and in each customer's
archive."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kefu.accounts import services
from kefu.accounts.models import Role
from kefu.core.models import Event
from kefu.hotline.models import WorkOrder
from kefu.hotline.tests.factories import WorkOrderFactory
from kefu.processes.models import Process
from kefu.processes.tests.factories import ProcessFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaving_agent(make_user):
    return make_user(Role.AGENT, username="leaving", name="离职的小刘")


@pytest.fixture
def colleague(make_user):
    return make_user(Role.AGENT, username="colleague", name="接手的小陈")


def test_an_agent_with_open_orders_cannot_be_deactivated_and_is_told_what_they_hold(
    administrator, leaving_agent
):
    # given an agent who owns two open orders
    WorkOrderFactory(owner=leaving_agent)
    WorkOrderFactory(owner=leaving_agent)

    # when the administrator deactivates them
    with pytest.raises(ValidationError) as refused:
        services.update_staff(actor=administrator, user=leaving_agent, is_active=False)

    # then it is refused with what they hold, in Chinese
    message = refused.value.message_dict["is_active"][0]
    assert "未办结工单2件" in message and "不能停用" in message and "移交" in message
    leaving_agent.refresh_from_db()
    assert leaving_agent.is_active


def test_the_staff_page_refuses_the_deactivation_with_a_link_to_the_hand_over(
    client_for, administrator, leaving_agent
):
    WorkOrderFactory(owner=leaving_agent)
    response = client_for(administrator).post(
        f"/org/staff/{leaving_agent.pk}/",
        {"username": "leaving", "name": "离职的小刘", "role": Role.AGENT},  # 在职 unticked
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "未办结工单1件" in page and f"/org/staff/{leaving_agent.pk}/hand-over/" in page


def test_the_admin_refuses_the_deactivation_too(client_for, administrator, leaving_agent, make_user):
    WorkOrderFactory(owner=leaving_agent)
    superuser = make_user(Role.ADMINISTRATOR, username="root", is_superuser=True, is_staff=True)
    response = client_for(superuser).post(
        f"/admin/accounts/user/{leaving_agent.pk}/change/",
        {
            "username": "leaving",
            "name": "离职的小刘",
            "role": Role.AGENT,
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
        },
    )
    assert response.status_code == 200  # the form again, not a redirect
    assert "不能停用" in response.content.decode()
    leaving_agent.refresh_from_db()
    assert leaving_agent.is_active


def test_the_head_hands_everything_over_then_the_deactivation_succeeds(
    department_head, administrator, leaving_agent, colleague
):
    # given an agent with an open order (with its callback) and a closed one
    open_order = WorkOrderFactory(owner=leaving_agent)
    closed = WorkOrderFactory(owner=leaving_agent, state=WorkOrder.State.CLOSED)

    # when the head hands it over to a colleague
    moved = services.hand_over_holdings(
        actor=department_head, from_user=leaving_agent, to_user=colleague, reason="离职"
    )

    # then the open order is the colleague's, the closed one stays as it was
    assert moved == {"hotline": 1}
    open_order.refresh_from_db()
    closed.refresh_from_db()
    assert (open_order.owner, closed.owner) == (colleague, leaving_agent)
    # recorded on the order, on the person and in the customer's archive
    assert Event.objects.filter(verb="work_order.handed_over", target_id=open_order.pk).exists()
    handed = Event.objects.get(verb="staff.handed_over")
    assert (handed.actor, handed.target_id, handed.note) == (department_head, leaving_agent.pk, "离职")
    archive = Event.objects.get(verb="customer.staff_contact_changed")
    assert archive.target_id == open_order.customer_id
    assert archive.changes["staff_contact"] == ["离职的小刘", "接手的小陈"]
    assert open_order.number in archive.changes["records"]
    # and the colleague hears about it on the bell, wherever they are
    from kefu.core.models import Alert

    told = Alert.objects.get(recipient=colleague, kind="accounts.handed_over")
    assert "离职的小刘的1件在办事项移交给您：离职" in told.message and told.url == "/"
    # and now the deactivation goes through
    services.update_staff(actor=administrator, user=leaving_agent, is_active=False)
    leaving_agent.refresh_from_db()
    assert not leaving_agent.is_active


def test_a_clerks_open_processes_go_to_a_clerk(administrator, counter_clerk, make_user):
    # given a clerk who took in a process
    process = ProcessFactory(actor=counter_clerk)
    agent = make_user(Role.AGENT, username="an_agent")
    other_clerk = make_user(Role.COUNTER_CLERK, username="clerk2", name="营业员小赵")
    assert services.holdings_of(counter_clerk)[0][:2] == ("在办窗口业务（本人受理）", 1)

    # an agent cannot take counter work
    with pytest.raises(ValidationError) as refused:
        services.hand_over_holdings(
            actor=administrator, from_user=counter_clerk, to_user=agent, reason="调岗"
        )
    assert "窗口营业员" in refused.value.message_dict["to_user"][0]

    # another clerk can
    assert services.hand_over_holdings(
        actor=administrator, from_user=counter_clerk, to_user=other_clerk, reason="调岗"
    ) == {"processes": 1}
    assert Process.objects.get(pk=process.pk).started_by == other_clerk
    assert Event.objects.filter(verb="process.handed_over", target_id=process.pk).exists()
    assert Event.objects.filter(verb="customer.staff_contact_changed", target_id=process.customer_id).exists()
    assert services.holdings_of(counter_clerk) == []


def test_the_hand_over_refuses_a_wrong_colleague_a_missing_reason_and_nothing_to_move(
    department_head, leaving_agent, colleague, make_user
):
    WorkOrderFactory(owner=leaving_agent)
    unit_person = make_user(Role.UNIT_STAFF, username="unit_person", unit=WorkOrder.objects.get().unit)
    with pytest.raises(ValidationError) as refused:
        services.hand_over_holdings(
            actor=department_head, from_user=leaving_agent, to_user=unit_person, reason="离职"
        )
    assert "首问责任人须为" in refused.value.message_dict["to_user"][0]
    with pytest.raises(ValidationError) as refused:
        services.hand_over_holdings(
            actor=department_head, from_user=leaving_agent, to_user=colleague, reason=" "
        )
    assert "移交原因" in refused.value.message_dict["reason"][0]
    with pytest.raises(ValidationError) as refused:
        services.hand_over_holdings(
            actor=department_head, from_user=leaving_agent, to_user=leaving_agent, reason="离职"
        )
    assert "本人" in refused.value.message_dict["to_user"][0]
    services.hand_over_holdings(
        actor=department_head, from_user=leaving_agent, to_user=colleague, reason="离职"
    )
    with pytest.raises(ValidationError) as refused:
        services.hand_over_holdings(
            actor=department_head, from_user=leaving_agent, to_user=colleague, reason="离职"
        )
    assert "没有需要移交" in refused.value.messages[0]


def test_only_the_head_or_the_administrator_may_hand_over(client_for, agent, leaving_agent, colleague):
    WorkOrderFactory(owner=leaving_agent)
    with pytest.raises(PermissionDenied):
        services.hand_over_holdings(actor=agent, from_user=leaving_agent, to_user=colleague, reason="离职")
    assert client_for(agent).get(f"/org/staff/{leaving_agent.pk}/hand-over/").status_code == 403


def test_the_hand_over_page_lists_and_moves(client_for, department_head, leaving_agent, colleague):
    WorkOrderFactory(owner=leaving_agent)
    client = client_for(department_head)
    page = client.get(f"/org/staff/{leaving_agent.pk}/hand-over/")
    assert page.status_code == 200
    assert "未办结工单" in page.content.decode() and "接手的小陈" in page.content.decode()
    # a missing colleague is refused in Chinese
    refused = client.post(f"/org/staff/{leaving_agent.pk}/hand-over/", {"reason": "离职"})
    assert refused.status_code == 400 and "请选择接手人" in refused.content.decode()
    done = client.post(
        f"/org/staff/{leaving_agent.pk}/hand-over/", {"to_user": colleague.pk, "reason": "离职"}, follow=True
    )
    assert "已把离职的小刘的在办事项（共1件）移交给接手的小陈" in done.content.decode()
    assert "可以停用" in done.content.decode()


def test_the_api_lists_hands_over_and_refuses_then_allows_the_deactivation(
    client_for, administrator, leaving_agent, colleague
):
    WorkOrderFactory(owner=leaving_agent)
    client = client_for(administrator)
    base = f"/api/accounts/staff/{leaving_agent.pk}"

    held = client.get(f"{base}/holdings").json()
    assert held["holdings"][0] == {"label": "未办结工单", "count": 1}

    refused = client.post(f"{base}/active", {"is_active": False}, content_type="application/json")
    assert refused.status_code == 400
    assert "不能停用" in refused.json()["errors"]["is_active"][0]

    missing = client.post(f"{base}/hand-over", {"to_user_id": colleague.pk}, content_type="application/json")
    assert missing.status_code == 400
    moved = client.post(
        f"{base}/hand-over", {"to_user_id": colleague.pk, "reason": "离职"}, content_type="application/json"
    )
    assert moved.status_code == 200 and moved.json() == {"moved": {"hotline": 1}}

    done = client.post(f"{base}/active", {"is_active": False}, content_type="application/json")
    assert done.status_code == 200 and done.json()["is_active"] is False
    assert client.get("/api/accounts/staff/999999/holdings").json() == {"detail": "员工不存在"}


def test_the_api_hand_over_needs_the_permission(client_for, agent, leaving_agent, colleague):
    response = client_for(agent).post(
        f"/api/accounts/staff/{leaving_agent.pk}/hand-over",
        {"to_user_id": colleague.pk, "reason": "离职"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_the_customers_archive_says_who_their_new_contact_is(
    client_for, department_head, leaving_agent, colleague
):
    order = WorkOrderFactory(owner=leaving_agent)
    services.hand_over_holdings(
        actor=department_head, from_user=leaving_agent, to_user=colleague, reason="离职"
    )
    page = client_for(department_head).get(f"/customers/{order.customer_id}/").content.decode()
    assert "更换中心联系人" in page and "接手的小陈" in page
