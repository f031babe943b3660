"""Work order pages (W1, W3, W4, H6, H7): the queues and their bounded cost, the detail and its timeline,
each step through the action URLs, the refusals as messages, the Excel export and the print form."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import ServiceAreaFactory, UnitFactory
from kefu.core.models import Alert
from kefu.customers.tests.factories import CustomerFactory
from kefu.hotline.models import Callback, WorkOrder
from kefu.hotline.services import follow_up, work_orders
from kefu.hotline.tests.factories import ContactFactory


@pytest.fixture
def branch(db):
    return UnitFactory(name="城东供水分公司")


@pytest.fixture
def area(branch):
    return ServiceAreaFactory(name="城东片区", branch=branch)


@pytest.fixture
def other_area(db):
    return ServiceAreaFactory(name="城西片区", branch=UnitFactory(name="城西供水分公司"))


@pytest.fixture
def unit_staff(make_user, branch):
    return make_user(Role.UNIT_STAFF, username="east", name="城东维修员", unit=branch)


def repair(agent, area, matter="家里没水了", **kwargs) -> WorkOrder:
    contact = ContactFactory(
        actor=agent, matter=matter, customer=CustomerFactory(service_area=area), **kwargs
    )
    return WorkOrder.objects.get(contact=contact)


def replied(agent, staff, area) -> WorkOrder:
    order = repair(agent, area)
    work_orders.accept(actor=staff, work_order=order)
    work_orders.reply(actor=staff, work_order=order, result="已更换阀门，恢复供水")
    return order


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# Lists


def test_unit_staff_see_their_units_orders_and_not_another_units(
    client_for, agent, unit_staff, area, other_area
):
    # given an order for the staff's branch and one for another branch
    mine = repair(agent, area, matter="城东漏水")
    theirs = repair(agent, other_area, matter="城西漏水")
    client = client_for(unit_staff)
    # when the staff open the work order list
    page = client.get("/hotline/orders/").content.decode()
    # then their unit's queue shows their order only
    assert mine.number in page
    assert theirs.number not in page
    # and the other unit's order is not found at all
    assert client.get(f"/hotline/orders/{theirs.pk}/").status_code == 404
    assert client.get(f"/hotline/orders/{mine.pk}/").status_code == 200


def test_an_empty_queue_says_so(client_for, agent):
    response = client_for(agent).get("/hotline/orders/")
    assert response.status_code == 200
    assert "没有工单" in response.content.decode()


def test_an_overdue_order_is_highlighted_in_the_overdue_queue(client_for, agent, area):
    order = repair(agent, area)
    WorkOrder.objects.filter(pk=order.pk).update(deadline=timezone.now() - timedelta(hours=1))
    page = client_for(agent).get("/hotline/orders/?queue=overdue").content.decode()
    assert order.number in page
    assert 'class="overdue"' in page and "已超期" in page


def test_the_callbacks_queue_lists_pending_callbacks_with_masked_phones(client_for, agent, area):
    order = repair(agent, area, phone="13912345678")
    page = client_for(agent).get("/hotline/orders/?queue=callbacks").content.decode()
    assert order.number in page
    assert "第1次" in page
    assert "139****5678" in page and "13912345678" not in page


def test_the_list_filters_by_state_and_number(client_for, agent, unit_staff, area):
    accepted = repair(agent, area)
    work_orders.accept(actor=unit_staff, work_order=accepted)
    waiting = repair(agent, area)
    client = client_for(agent)
    page = client.get("/hotline/orders/?queue=all&state=accepted").content.decode()
    assert accepted.number in page and waiting.number not in page
    page = client.get(f"/hotline/orders/?queue=all&q={waiting.number}").content.decode()
    assert waiting.number in page and accepted.number not in page


def test_the_list_pages_cost_a_bounded_number_of_queries(
    client_for, agent, area, department_head, django_assert_max_num_queries
):
    # given 30 open orders
    for i in range(30):
        repair(agent, area, matter=f"第{i}处漏水")
    client = client_for(agent)
    # when the queues are shown, then the cost does not grow with the rows
    for url in (
        "/hotline/orders/?queue=mine",
        "/hotline/orders/?queue=all",
        "/hotline/orders/?queue=callbacks",
    ):
        with django_assert_max_num_queries(12):
            response = client.get(url)
        assert response.status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get("/hotline/").status_code == 200
    page = client.get("/hotline/orders/?queue=mine").content.decode()
    assert page.count('href="/hotline/orders/') >= 30


def test_the_queue_counts_stop_at_99_plus(client_for, agent, area, monkeypatch):
    from kefu.hotline.views import _common

    monkeypatch.setattr(_common, "QUEUE_COUNT_CAP", 2)
    for _ in range(3):
        repair(agent, area)
    page = client_for(agent).get("/hotline/orders/").content.decode()
    assert "2+" in page


def test_the_excel_export_opens_and_follows_the_filter(client_for, agent, department_head, area):
    order = repair(agent, area, phone="13912345678")
    response = client_for(department_head).get("/hotline/orders/?queue=all&format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("工单编号", "受理编号", "受理时间")
    assert rows[1][0] == order.number
    assert rows[1][6] == "139-1234-5678" or "5678" in rows[1][6]


def test_an_agent_may_not_export(client_for, agent):
    assert client_for(agent).get("/hotline/orders/?format=xlsx").status_code == 403


# Detail and steps


def test_the_detail_shows_the_order_and_its_timeline_in_chinese(client_for, agent, area):
    order = repair(agent, area, matter="楼道水管漏水")
    page = client_for(agent).get(f"/hotline/orders/{order.pk}/").content.decode()
    assert "楼道水管漏水" in page
    assert "城东供水分公司" in page
    assert "受理登记" in page and "创建工单" in page and "转办" in page
    assert "新建 → 已转办" in page
    assert "第1次" in page  # the pending callback
    assert 'id="action-transfer"' not in page  # already transferred: reassign instead
    assert 'id="action-reassign"' in page
    assert 'id="action-accept"' not in page  # only the unit accepts


def test_unit_staff_accept_and_reply_through_the_action_urls(client_for, agent, unit_staff, area):
    # given an order transferred to the staff's branch
    order = repair(agent, area)
    client = client_for(unit_staff)
    assert 'id="action-accept"' in client.get(f"/hotline/orders/{order.pk}/").content.decode()
    # when they accept it and reply with the result
    response = client.post(f"/hotline/orders/{order.pk}/accept/", follow=True)
    assert "已受理工单" in " ".join(messages_of(response))
    response = client.post(f"/hotline/orders/{order.pk}/reply/", {"result": "已修复漏点"}, follow=True)
    # then the order is replied with the result
    order.refresh_from_db()
    assert (order.state, order.reply) == ("replied", "已修复漏点")
    assert "已回复办理结果" in " ".join(messages_of(response))


def test_a_reply_without_result_is_a_message_not_an_error_page(client_for, agent, unit_staff, area):
    order = repair(agent, area)
    work_orders.accept(actor=unit_staff, work_order=order)
    response = client_for(unit_staff).post(f"/hotline/orders/{order.pk}/reply/", {"result": ""}, follow=True)
    assert response.status_code == 200
    assert "请填写办理结果" in " ".join(messages_of(response))
    order.refresh_from_db()
    assert order.state == "accepted"


def test_unit_staff_return_an_order_with_a_reason_and_the_owner_is_alerted(
    client_for, agent, unit_staff, area
):
    order = repair(agent, area)
    client_for(unit_staff).post(f"/hotline/orders/{order.pk}/return/", {"reason": "地址不在本片区"})
    order.refresh_from_db()
    assert order.state == "returned"
    # the owner sees the alert on the alerts page, and may mark it read
    client = client_for(agent)
    page = client.get("/hotline/alerts/", follow=True).content.decode()  # now the shared /alerts/
    assert "地址不在本片区" in page
    client.post("/hotline/alerts/read/")
    assert not Alert.objects.filter(recipient=agent, read_at=None).exists()


def test_the_agent_records_the_callback_then_closes(client_for, agent, unit_staff, area):
    # given an order the unit replied to
    order = replied(agent, unit_staff, area)
    callback = Callback.objects.get(work_order=order, done_at=None)
    client = client_for(agent)
    # when the agent records the callback with the customer's feedback
    data = {"callback": callback.pk, "reached": "yes", "feedback": "客户确认已恢复供水", "satisfied": "yes"}
    response = client.post(f"/hotline/orders/{order.pk}/callback/", data, follow=True)
    assert "已联系上" in " ".join(messages_of(response))
    order.refresh_from_db()
    assert order.state == "called_back"
    # and closes it
    response = client.post(f"/hotline/orders/{order.pk}/close/", {"note": ""}, follow=True)
    order.refresh_from_db()
    assert order.state == "closed"
    assert "已办结" in " ".join(messages_of(response))


def test_another_agent_cannot_close_and_the_state_is_unchanged(
    client_for, agent, make_user, unit_staff, area
):
    # given an order called back, owned by the first agent
    order = replied(agent, unit_staff, area)
    callback = Callback.objects.get(work_order=order, done_at=None)
    follow_up.record_callback(actor=agent, callback=callback, reached=True, feedback="好的", satisfied=True)
    other = make_user(Role.AGENT, username="other")
    client = client_for(other)
    # then the other agent is offered no close button
    assert 'id="action-close"' not in client.get(f"/hotline/orders/{order.pk}/").content.decode()
    # and a close sent anyway is refused with the reason
    response = client.post(f"/hotline/orders/{order.pk}/close/", {"note": ""}, follow=True)
    assert response.status_code == 200
    assert "只有首问责任人" in " ".join(messages_of(response))
    order.refresh_from_db()
    assert order.state == "called_back"


def test_a_refused_step_answers_400_to_htmx(client_for, agent, area):
    order = repair(agent, area)
    response = client_for(agent).post(
        f"/hotline/orders/{order.pk}/close/", {"note": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "不能「办结」" in response.content.decode()


def test_a_dissatisfied_return_visit_reopens_the_order(client_for, agent, unit_staff, area):
    # given a closed order
    order = replied(agent, unit_staff, area)
    callback = Callback.objects.get(work_order=order, done_at=None)
    follow_up.record_callback(actor=agent, callback=callback, reached=True, feedback="好的", satisfied=True)
    work_orders.close(actor=agent, work_order=order)
    client = client_for(agent)
    assert 'id="action-return_visit"' in client.get(f"/hotline/orders/{order.pk}/").content.decode()
    # when the return visit finds the customer dissatisfied
    data = {"result": "dissatisfied", "comment": "水压还是很低"}
    response = client.post(f"/hotline/orders/{order.pk}/return_visit/", data, follow=True)
    # then the order is open again
    order.refresh_from_db()
    assert order.state == "reopened"
    assert "重新打开" in " ".join(messages_of(response))
    assert "水压还是很低" in response.content.decode()


def test_an_interim_reply_moves_the_promised_time(client_for, agent, area):
    order = repair(agent, area)
    promised = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    data = {"plan": "需停水抢修，预计三天内完成", "promised_at": promised}
    response = client_for(agent).post(f"/hotline/orders/{order.pk}/interim_reply/", data, follow=True)
    order.refresh_from_db()
    assert order.promised_at is not None
    assert "需停水抢修" in response.content.decode()


def test_a_leader_escalates_and_reassigns(client_for, agent, make_user, area, other_area):
    order = repair(agent, area)
    leader = make_user(Role.TEAM_LEADER, username="leader")
    client = client_for(leader)
    response = client.post(
        f"/hotline/orders/{order.pk}/escalate/", {"level": "1", "reason": "客户多次来电"}, follow=True
    )
    order.refresh_from_db()
    assert order.escalation_level == 1
    assert "已上报班长" in " ".join(messages_of(response))
    data = {"unit": other_area.branch.pk, "reason": "实为城西片区"}
    client.post(f"/hotline/orders/{order.pk}/reassign/", data)
    order.refresh_from_db()
    assert order.unit == other_area.branch


def test_an_agent_cannot_escalate(client_for, agent, area):
    order = repair(agent, area)
    client_for(agent).post(f"/hotline/orders/{order.pk}/escalate/", {"level": "1", "reason": "x"})
    order.refresh_from_db()
    assert order.escalation_level == 0


def test_the_owner_hands_over_to_another_agent(client_for, agent, make_user, area):
    order = repair(agent, area)
    other = make_user(Role.AGENT, username="next-shift")
    data = {"new_owner": other.pk, "reason": "交班"}
    client_for(agent).post(f"/hotline/orders/{order.pk}/hand_over/", data)
    order.refresh_from_db()
    assert order.owner == other


def test_the_print_form_shows_the_job(client_for, unit_staff, agent, area):
    order = repair(agent, area, matter="水表井漏水", phone="13912345678")
    response = client_for(unit_staff).get(f"/hotline/orders/{order.pk}/print/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "派工单" in page and order.number in page and "水表井漏水" in page
    # the unit going to the job sees the number it must call; an agent sees it masked as in the archive
    assert "139-1234-5678" in page or "13912345678" in page
    agent_page = client_for(agent).get(f"/hotline/orders/{order.pk}/print/").content.decode()
    assert "139****5678" in agent_page


def test_an_unknown_action_is_not_found(client_for, agent, area):
    order = repair(agent, area)
    assert client_for(agent).post(f"/hotline/orders/{order.pk}/explode/").status_code == 404
