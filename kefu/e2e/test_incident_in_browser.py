"""An incident absorbing calls, in a real browser (issue 13 item 5): a leader declares a burst main for
城西; an agent takes a call from a 城西 customer, sees the incident first with its agreed answer, and
links the contact with one click; the leader closes the incident; the contact carries the final answer
and a callback is queued for the caller who asked for one."""

import pytest
from playwright.sync_api import expect

from kefu.accounts.models import Role, Unit
from kefu.accounts.tests.factories import ServiceAreaFactory, TeamFactory, UnitFactory, UserFactory
from kefu.customers.tests.factories import CustomerFactory, ServicePointFactory
from kefu.hotline.models import Callback
from kefu.incidents.models import IncidentContact

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
    UserFactory(username="agent11", name="话务员小张", role=Role.AGENT, team=team)
    UserFactory(username="leader1", name="班长老陈", role=Role.TEAM_LEADER, team=team)
    return {"customer": customer, "west_area": west_area}


def _signed_in(browser, live_server, username: str):
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "kefu-test-pass")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def test_an_incident_absorbs_the_calls_of_its_area(browser, live_server, utility, csp_violations):
    leader_context, leader = _signed_in(browser, live_server, "leader1")
    agent_context, agent = _signed_in(browser, live_server, "agent11")
    for page in (leader, agent):
        page.on("console", csp_violations.note)
    try:
        # given: the leader declares a burst main in 城西
        leader.goto(f"{live_server.url}/incidents/new/")
        leader.select_option("#id_kind", "burst_main")
        leader.fill("#id_title", "文三路DN300爆管")
        leader.check(f"input[name=service_areas][value='{utility['west_area'].pk}']")
        leader.fill("#id_agreed_answer", "文三路DN300管道爆管抢修中，预计今晚恢复供水，敬请谅解。")
        leader.click("form.card button[type=submit]")
        expect(leader.locator("#incident-state")).to_have_text("进行中")
        number = leader.locator("h1").inner_text().split()[0]

        # when an agent takes a call from a 城西 customer
        agent.goto(f"{live_server.url}/hotline/?customer={utility['customer'].pk}")
        panel = agent.locator("#caller-panels .incident-panel")
        # then the incident is shown first, with the answer to read out
        expect(panel).to_contain_text(number)
        expect(panel).to_contain_text("预计今晚恢复供水")
        box = agent.locator("#caller-panels").bounding_box()
        assert box["y"] < agent.locator("#contact-form").bounding_box()["y"]
        # and one click links the contact (the caller asks to be called back)
        agent.fill("#id_matter", "家里没水了，什么时候来水")
        panel.locator("input[name=wants_callback]").check()
        panel.locator("button", has_text="关联此事件").click()
        expect(agent.locator("body")).to_contain_text(f"关联突发事件 {number}")
        link = IncidentContact.objects.get()
        assert link.wants_callback

        # when the leader closes the incident with the final answer
        leader.reload()
        expect(leader.locator("#linked-contacts")).to_contain_text(link.contact.number)
        leader.fill("#id_final_answer", "主管已修复，18:10起恢复供水。")
        leader.locator("#close-form button[type=submit]").click()
        # then the incident is restored and the contact shows the final answer, a callback queued
        expect(leader.locator("#incident-state")).to_have_text("已恢复")
        expect(leader.locator("#linked-contacts")).to_contain_text("已按最终答复办结")
        expect(leader.locator("#linked-contacts")).to_contain_text("已排回电")
        agent.goto(f"{live_server.url}/hotline/contacts/{link.contact.pk}/")
        expect(agent.locator("body")).to_contain_text("主管已修复，18:10起恢复供水。")
        assert Callback.objects.filter(work_order__contact=link.contact, done_at__isnull=True).count() == 1
    finally:
        leader_context.close()
        agent_context.close()
    csp_violations.assert_none()
