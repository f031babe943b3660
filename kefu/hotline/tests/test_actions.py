"""The work order's action table (kefu/hotline/actions.py): the page and the API take the same steps
under the same names, and refuse the same bad input with the same Chinese words."""

import json

import pytest
from django.urls import resolve

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import ServiceAreaFactory, UnitFactory
from kefu.api import api
from kefu.customers.tests.factories import CustomerFactory
from kefu.hotline import actions
from kefu.hotline.actions import WorkOrderAction
from kefu.hotline.models import Category, WorkOrder
from kefu.hotline.services.contacts import open_contact

WRONG_OWNER = "首问责任人须为在岗的话务员、班长或客服部主任"


@pytest.fixture
def area(db):
    return ServiceAreaFactory(name="城东片区", branch=UnitFactory(name="城东供水分公司"))


@pytest.fixture
def order(agent, area) -> WorkOrder:
    contact = open_contact(
        actor=agent,
        matter="家里没水了",
        category=Category.objects.get(code="repair"),
        disposition="transferred",
        customer=CustomerFactory(service_area=area),
    )
    return WorkOrder.objects.get(contact=contact)


def post_json(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_the_page_and_the_api_refuse_a_hand_over_to_unit_staff_with_the_same_words(
    client_for, agent, make_user, area, order
):
    # given
    staff = make_user(Role.UNIT_STAFF, username="east", unit=area.branch)
    client = client_for(agent)

    # when
    page = client.post(
        f"/hotline/orders/{order.pk}/hand_over/", {"new_owner": staff.pk, "reason": "下班"}, follow=True
    )
    answer = post_json(
        client,
        f"/api/hotline/work-orders/{order.pk}/transitions",
        {"action": "hand_over", "new_owner_id": staff.pk, "reason": "下班"},
    )

    # then
    assert [str(m) for m in page.context["messages"]] == [WRONG_OWNER]
    assert answer.status_code == 400
    assert answer.json()["errors"] == {"new_owner_id": [WRONG_OWNER]}
    order.refresh_from_db()
    assert order.owner == agent


def test_an_unknown_action_is_refused_naming_the_actions_there_are(client_for, agent, order):
    # given
    client = client_for(agent)

    # when
    answer = post_json(client, f"/api/hotline/work-orders/{order.pk}/transitions", {"action": "archive"})
    page = client.post(f"/hotline/orders/{order.pk}/archive/")

    # then
    assert answer.status_code == 400
    (message,) = answer.json()["errors"]["action"]
    assert message.startswith("没有「archive」这个工单操作") and "hand_over" in message
    assert page.status_code == 404


def test_the_page_the_api_and_the_table_share_one_vocabulary(client_for, agent, order):
    # given
    client = client_for(agent)
    schema = api.get_openapi_schema()["components"]["schemas"]["WorkOrderTransitionIn"]

    # when
    offered_on_page = [a["name"] for a in client.get(f"/hotline/orders/{order.pk}/").context["actions"]]
    allowed_by_api = client.get(f"/api/hotline/work-orders/{order.pk}").json()["allowed_actions"]

    # then every action of the table is a page path and named by the API, and nothing else is
    assert set(actions.ACTIONS) == set(WorkOrderAction)
    for name in WorkOrderAction.values:
        assert resolve(f"/hotline/orders/{order.pk}/{name}/").url_name == "work_order_action"
        assert name in schema["properties"]["action"]["description"]
    # and what this user may do now is the same list, in the same words, on both
    assert offered_on_page == allowed_by_api
    assert set(allowed_by_api) <= set(WorkOrderAction.values)
    assert {"co_units", "hand_over"} <= set(allowed_by_api)


def test_the_api_closes_with_the_note_and_still_takes_the_old_reason(client_for, agent, order):
    # given the order was called back
    WorkOrder.objects.filter(pk=order.pk).update(state=WorkOrder.State.CALLED_BACK)

    # when an old client sends the note as `reason`
    answer = post_json(
        client_for(agent),
        f"/api/hotline/work-orders/{order.pk}/transitions",
        {"action": "close", "reason": "客户已确认"},
    )

    # then
    assert answer.status_code == 200 and answer.json()["state"] == "closed"
    assert answer.json()["timeline"][-1]["note"] == "客户已确认"
