"""The hotline's whole loop in a real browser (H1–H6, H10, W1): a ring event from the exchange pops up
the caller's archive, the agent records a leak, the system suggests 报修 and routes it to the branch
of the customer's area, the branch accepts and replies, the agent calls the customer back and closes."""

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from kefu.accounts.auth import issue_token
from kefu.accounts.models import Role, Unit
from kefu.accounts.tests.factories import ServiceAreaFactory, TeamFactory, UnitFactory, UserFactory
from kefu.customers.tests.factories import CustomerFactory, ServicePointFactory
from kefu.hotline.models import WorkOrder

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def utility(db, shipped_categories):
    west = UnitFactory(code="FGS02", name="城西供水分公司", kind=Unit.Kind.BRANCH)
    east = UnitFactory(code="FGS01", name="城东供水分公司", kind=Unit.Kind.BRANCH)
    west_area = ServiceAreaFactory(code="CX", name="城西片区", branch=west)
    ServiceAreaFactory(code="CD", name="城东片区", branch=east)
    customer = CustomerFactory(
        name="王建国", phone="13812345678", address="西湖区文三路100号3幢2单元501室", service_area=west_area
    )
    ServicePointFactory(customer=customer, service_area=west_area)
    team = TeamFactory(code="RX1", name="热线一班")
    agent = UserFactory(username="agent11", name="话务员小张", role=Role.AGENT, team=team)
    UserFactory(username="unit21", name="城西调度员", role=Role.UNIT_STAFF, unit=west)
    pbx = UserFactory(username="pbx", name="交换机接口", role=Role.ADMINISTRATOR)
    return {"customer": customer, "agent": agent, "token": issue_token(user=pbx, name="交换机")}


def send_call_event(live_server, token: str, event: str, **fields) -> int:
    body = json.dumps(
        {"call_id": "CALL-0001", "event": event, "agent": "agent11", "caller": "138 1234 5678", **fields}
    ).encode()
    request = urllib.request.Request(
        f"{live_server.url}/api/telephony/events",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        return response.status


def test_an_agent_takes_a_leak_report_from_ring_to_closed_order(browser, live_server, utility, log_in, page):
    # given: the agent's workspace is open
    log_in("agent11")
    page.goto(f"{live_server.url}/hotline/")

    # when the exchange reports a ring for this agent (sent twice: exchanges resend)
    from django.utils import timezone

    ring = {"timestamp": timezone.localtime().isoformat()}
    assert send_call_event(live_server, utility["token"], "ring", **ring) == 201
    assert send_call_event(live_server, utility["token"], "ring", **ring) == 200
    # then the screen pop shows the caller's archive
    expect(page.locator("#screen-pop .pop-customer-name")).to_have_text("王建国", timeout=15000)
    send_call_event(live_server, utility["token"], "answer", timestamp=timezone.localtime().isoformat())

    # when the agent takes the caller into the form and describes the leak
    page.click("#screen-pop >> text=带入受理登记")
    expect(page.locator("#selected-customer")).to_contain_text("王建国")
    page.fill("#id_matter", "家里楼道的水管爆了，水流得到处都是，麻烦赶紧派人来修")
    page.locator("#id_matter").press("End")
    # then the system suggests 报修 and the agent takes the suggestion
    suggestion = page.locator("#suggestion")
    expect(suggestion).to_contain_text("报修", timeout=15000)
    page.locator("#suggestion [data-pick-category]").first.click()
    page.check("input[name=disposition][value=transferred]")
    # and the preview says where it goes: the branch of the customer's area
    expect(page.locator("#route-preview")).to_contain_text("城西供水分公司", timeout=15000)
    page.click("#contact-form button[type=submit]")
    expect(page.locator("body")).to_contain_text("城西供水分公司")

    order = WorkOrder.objects.get()
    assert order.unit.name == "城西供水分公司" and order.owner.username == "agent11"
    assert order.contact.call_id == "CALL-0001"

    # when the branch accepts and replies, in its own browser session
    branch = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    branch_page = branch.new_page()
    branch_page.goto(f"{live_server.url}/login/")
    branch_page.fill("#id_username", "unit21")
    branch_page.fill("#id_password", "kefu-test-pass")
    branch_page.click("button[type=submit]")
    branch_page.wait_for_url(f"{live_server.url}/")
    branch_page.goto(f"{live_server.url}/hotline/orders/?queue=unit")
    branch_page.click(f"text={order.number}")
    branch_page.click("#action-accept button[type=submit]")
    expect(branch_page.locator("body")).to_contain_text("已受理")
    branch_page.fill("#action-reply textarea", "已派抢修班组到场更换破损管段，18时恢复供水")
    branch_page.click("#action-reply button[type=submit]")
    expect(branch_page.locator("body")).to_contain_text("已回复")
    branch.close()

    # then the agent calls the customer back and closes the order
    page.goto(f"{live_server.url}/hotline/orders/{order.pk}/")
    callback = page.locator("#action-callback")
    callback.locator("input[name=reached][value=yes]").check()
    callback.locator("textarea[name=feedback]").fill("客户确认已恢复供水，表示满意")
    callback.locator("button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("已回访客户")
    page.click("#action-close button[type=submit]")
    expect(page.locator("body")).to_contain_text("已办结")

    order.refresh_from_db()
    assert order.state == WorkOrder.State.CLOSED
    assert order.callbacks.get().outcome == "reached"
