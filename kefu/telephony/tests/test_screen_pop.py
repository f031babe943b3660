"""The screen pop (issue 3 item 8): the agent's ringing call, who is calling, their open work orders
and recent contacts; the apology hint when the call was not answered within three rings (H10)."""

import re

import pytest
from django.urls import reverse

from kefu.customers.tests.factories import ContactPersonFactory, CustomerFactory
from kefu.hotline.models import WorkOrder
from kefu.hotline.tests.factories import ContactFactory, WorkOrderFactory
from kefu.telephony import selectors
from kefu.telephony.tests.conftest import NOW, seconds

THREE_DAYS_AGO = NOW - seconds(86400 * 3)

POP = "/telephony/pop/"


def htmx_get(client, url):
    return client.get(url, headers={"hx-request": "true"})


def test_the_pop_url_has_the_name_the_workspace_uses():
    assert reverse("telephony:pop") == POP


def test_nobody_calling_shows_the_empty_state(client_for, agent, now):
    # when an agent without a call polls the pop
    response = htmx_get(client_for(agent), POP)
    # then the partial says so
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="screen-pop"' in html
    assert "当前没有来电" in html
    assert "<html" not in html  # a partial, not a page


def test_the_pop_shows_the_customer_found_by_phone_with_the_phone_masked(client_for, agent, post_event, now):
    # given a customer whose phone rings on the agent's set
    customer = CustomerFactory(name="王建国", phone="13812345678", address="西湖区文三路100号")
    post_event(event="ring", caller="13812345678", at=NOW - seconds(6))
    # when the agent's pop polls
    html = htmx_get(client_for(agent), POP).content.decode()
    # then it shows the call and the customer, with the archive's phone masked for an agent
    assert "已振铃 6 秒" in html
    assert re.search(r'class="pop-customer-name"[^>]*>王建国<', html)
    assert customer.number in html
    assert "西湖区文三路100号" in html
    assert customer.service_area.name in html
    assert '<dd class="num pop-customer-phone">138****5678</dd>' in html
    assert f'href="/customers/{customer.pk}/"' in html
    # and no apology is needed yet
    assert "对不起，让您久等了" not in html


def test_the_pop_shows_the_customer_found_by_a_contact_persons_phone(client_for, agent, post_event, now):
    # given a customer whose contact person is calling
    customer = CustomerFactory(name="杭州某某物业有限公司", phone="057188880000")
    ContactPersonFactory(customer=customer, name="李秀英", phone="13900001111")
    post_event(event="ring", caller="13900001111")
    # when the pop polls
    html = htmx_get(client_for(agent), POP).content.decode()
    # then it names the customer and says who is calling; the customer's own phone stays masked
    assert "杭州某某物业有限公司" in html
    assert "联系人 李秀英 来电" in html
    assert "0571-****0000" in html
    assert "057188880000" not in html and "0571-88880000" not in html


def test_a_department_head_sees_the_phone_in_full(client_for, department_head, post_event, now):
    # given a department head, who may see phones, taking a call
    CustomerFactory(phone="13812345678")
    post_event(event="ring", agent="head", caller="13812345678")
    html = htmx_get(client_for(department_head), POP).content.decode()
    assert '<dd class="num pop-customer-phone">13812345678</dd>' in html


def test_the_pop_shows_the_apology_hint_when_the_call_rang_past_the_limit(client_for, agent, post_event, now):
    # given a call ringing for 20 seconds, past the 15 of the policy
    post_event(event="ring", at=NOW - seconds(20))
    # when the pop polls
    html = htmx_get(client_for(agent), POP).content.decode()
    # then it tells the agent to apologise
    assert "已振铃 20 秒" in html
    assert "对不起，让您久等了" in html


def test_the_apology_hint_stays_once_a_late_call_is_answered(client_for, agent, post_event, now):
    post_event(event="ring", at=NOW - seconds(40))
    post_event(event="answer", at=NOW - seconds(22))
    html = htmx_get(client_for(agent), POP).content.decode()
    assert "振铃 18 秒后接听" in html
    assert "对不起，让您久等了" in html


def test_the_pop_lists_open_work_orders_and_recent_contacts(client_for, agent, post_event, now):
    # given a customer with an open and a closed work order (each from a contact three days ago),
    # and six contacts before those
    customer = CustomerFactory(phone="13812345678")
    open_order = WorkOrderFactory(customer=customer, owner=agent, received_at=THREE_DAYS_AGO)
    closed_order = WorkOrderFactory(
        customer=customer, owner=agent, received_at=THREE_DAYS_AGO, state=WorkOrder.State.CLOSED
    )
    for day in range(6):
        ContactFactory(
            answered=True,
            customer=customer,
            actor=agent,
            matter=f"第{day}次来电：" + "很长的事项" * 20,
            received_at=NOW - seconds(86400 * (day + 10)),
        )
    post_event(event="ring")
    # when the pop polls
    html = htmx_get(client_for(agent), POP).content.decode()
    # then it shows the open order with its state, and the newest five contacts, shortened
    assert open_order.number in html
    assert "已转办" in html
    assert closed_order.number not in html
    assert "第0次来电" in html and "第2次来电" in html and "第3次来电" not in html
    pop = selectors.screen_pop_for(agent)
    contacts = pop.customers[0].contacts
    assert len(contacts) == 5
    assert contacts[0].received_at > contacts[-1].received_at
    assert all(len(c.matter_short) <= selectors.MATTER_LENGTH + 1 for c in contacts)
    assert contacts[-1].matter_short.endswith("…")


def test_the_fill_link_carries_customer_phone_and_call(client_for, agent, post_event, now):
    customer = CustomerFactory(phone="13812345678")
    post_event(call_id="PBX-42", event="ring", caller="+8613812345678")
    html = htmx_get(client_for(agent), POP).content.decode()
    assert f"/hotline/?customer={customer.pk}&amp;phone=13812345678&amp;call_id=PBX-42" in html


def test_a_number_in_no_archive_offers_a_new_registration_and_shows_its_earlier_contacts(
    client_for, agent, post_event, now
):
    ContactFactory(
        answered=True, actor=agent, phone="13700001234", matter="上次反映停水", received_at=THREE_DAYS_AGO
    )
    post_event(event="ring", caller="13700001234")
    html = htmx_get(client_for(agent), POP).content.decode()
    assert "档案中没有使用此号码的客户" in html
    assert "/hotline/?phone=13700001234&amp;call_id=C1" in html
    assert "上次反映停水" in html


def test_an_agent_sees_only_their_own_call(client_for, agent, make_user, post_event, now):
    make_user(username="li")
    post_event(event="ring", agent="li")
    html = htmx_get(client_for(agent), POP).content.decode()
    assert "当前没有来电" in html


def test_a_call_hung_up_more_than_two_minutes_ago_no_longer_shows(client_for, agent, post_event, now):
    post_event(event="ring", at=NOW - seconds(300))
    post_event(event="answer", at=NOW - seconds(295))
    post_event(event="hangup", at=NOW - seconds(121))
    assert "当前没有来电" in htmx_get(client_for(agent), POP).content.decode()


def test_a_call_hung_up_a_minute_ago_still_shows(client_for, agent, post_event, now):
    post_event(event="ring", at=NOW - seconds(200))
    post_event(event="answer", at=NOW - seconds(195))
    post_event(event="hangup", at=NOW - seconds(60))
    html = htmx_get(client_for(agent), POP).content.decode()
    assert "已挂机" in html


def test_a_call_that_rang_more_than_ten_minutes_ago_without_a_hangup_no_longer_shows(
    client_for, agent, post_event, now
):
    post_event(event="ring", at=NOW - seconds(601))
    assert selectors.screen_pop_for(agent) is None


def test_opened_on_its_own_the_pop_is_a_page_that_polls(client_for, agent, now):
    html = client_for(agent).get(POP).content.decode()
    assert "<html" in html
    assert 'hx-get="/telephony/pop/"' in html
    assert 'id="screen-pop"' in html


def test_the_pop_needs_the_permission_to_take_calls(client_for, archivist, now):
    # an archivist takes no calls
    assert htmx_get(client_for(archivist), POP).status_code == 403


# The API


def test_the_api_gives_the_same_pop(client_for, agent, post_event, now):
    customer = CustomerFactory(name="王建国", phone="13812345678")
    order = WorkOrderFactory(customer=customer, owner=agent, received_at=THREE_DAYS_AGO)
    post_event(event="ring", at=NOW - seconds(20))
    body = client_for(agent).get("/api/telephony/screen-pop").json()
    assert body["call"]["caller_number"] == "13812345678"
    assert body["call"]["ring_seconds"] == 20
    assert body["call"]["late"] is True
    assert body["call"]["state"] == "振铃中"
    (found,) = body["customers"]
    assert found["name"] == "王建国"
    assert found["phone"] == "138****5678"
    assert found["work_orders"][0]["number"] == order.number
    assert found["work_orders"][0]["state"] == "已转办"
    assert found["fill_url"].endswith(f"customer={customer.pk}&phone=13812345678&call_id=C1")


def test_the_api_says_null_when_nobody_calls(client_for, agent, now):
    response = client_for(agent).get("/api/telephony/screen-pop")
    assert response.status_code == 200
    assert response.json()["call"] is None


def test_the_api_pop_works_with_a_token(client, agent, post_event, now):
    from kefu.accounts.auth import issue_token

    token = issue_token(user=agent, name="软电话")
    post_event(event="ring")
    response = client.get("/api/telephony/screen-pop", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["call"]["call_id"] == "C1"


# Speed: a fixed number of queries whatever is found


@pytest.fixture
def busy_number(agent, now):
    """A number shared by a customer's own phone and three customers' contact persons, each with
    open work orders and contacts: everything the pop reads, several times over."""
    own = CustomerFactory(phone="13812345678")
    others = [ContactPersonFactory(phone="13812345678").customer for _ in range(3)]
    for customer in [own, *others]:
        WorkOrderFactory(customer=customer, owner=agent, received_at=THREE_DAYS_AGO)
        WorkOrderFactory(customer=customer, owner=agent, received_at=THREE_DAYS_AGO)
        for day in range(7):
            ContactFactory(
                answered=True,
                matter="咨询水费",
                customer=customer,
                actor=agent,
                received_at=NOW - seconds(86400 * (day + 1)),
            )
    return [own, *others]


def test_the_pop_runs_a_fixed_small_number_of_queries(
    client_for, agent, post_event, busy_number, django_assert_max_num_queries, now
):
    # given a call from a number that matches four customers, with orders and contacts
    post_event(event="ring")
    client = client_for(agent)
    htmx_get(client, POP)  # the session and permission caches, as on every poll after the first
    # when the pop polls; then it needs no more queries than steps (the last: is this call's read of
    # the archive logged already, one indexed probe; services.record_screen_pop_read)
    with django_assert_max_num_queries(11):
        response = htmx_get(client, POP)
    html = response.content.decode()
    assert html.count('class="pop-customer-name"') == 4
    pop = selectors.screen_pop_for(agent)
    assert [len(c.contacts) for c in pop.customers] == [5, 5, 5, 5]
    assert [len(c.work_orders) for c in pop.customers] == [2, 2, 2, 2]


def test_the_selector_queries_do_not_grow_with_the_customers_found(
    agent, post_event, busy_number, django_assert_num_queries, now
):
    # given the busy number's pop, counted
    post_event(event="ring")
    agent.has_perm("customers.view_sensitive_customer")  # fills the permission cache
    with django_assert_num_queries(6) as captured:
        selectors.screen_pop_for(agent)
    # when two more customers share the number
    for _ in range(2):
        WorkOrderFactory(
            customer=ContactPersonFactory(phone="13812345678").customer,
            owner=agent,
            received_at=THREE_DAYS_AGO,
        )
    # then the pop still takes the same queries
    with django_assert_num_queries(len(captured.captured_queries)):
        pop = selectors.screen_pop_for(agent)
    assert len(pop.customers) == 5 and pop.more_customers is True
