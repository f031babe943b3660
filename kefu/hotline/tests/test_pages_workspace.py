"""The agent's workspace (H1–H4, H11): recording a contact through the form, the refusals of the category
rules in Chinese, the suggestion and route preview partials, the customer lookup and the screen pop link."""

import pytest

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import ServiceAreaFactory, UnitFactory
from kefu.customers.tests.factories import CustomerFactory
from kefu.hotline.models import Callback, Category, Contact, WorkOrder


@pytest.fixture
def branch(db):
    return UnitFactory(name="城东供水分公司")


@pytest.fixture
def area(branch):
    return ServiceAreaFactory(name="城东片区", branch=branch)


@pytest.fixture
def customer(area):
    return CustomerFactory(
        name="王建国", phone="13812345678", service_area=area, address="城东路8号2单元301室"
    )


def category(code: str) -> Category:
    return Category.objects.get(code=code)


def test_an_agent_records_a_repair_and_it_goes_to_the_branch_of_the_customers_area(
    client_for, agent, customer, branch, workspace_form
):
    # given an agent on a call from a customer on file
    client = client_for(agent)
    # when the repair is recorded as a transfer
    response = client.post("/hotline/", workspace_form(customer=customer.pk, call_id="call-1"))
    # then the contact is saved and transferred to the branch of the customer's area
    assert response.status_code == 302
    assert response.url == "/hotline/"
    contact = Contact.objects.get()
    assert (contact.customer, contact.disposition, contact.call_id) == (customer, "transferred", "call-1")
    assert contact.phone == "13812345678"  # the archive's phone, since none was typed
    work_order = WorkOrder.objects.get(contact=contact)
    assert (work_order.unit, work_order.owner, work_order.state) == (branch, agent, "transferred")
    # and the callback within 24 hours is scheduled
    assert Callback.objects.filter(work_order=work_order, done_at=None).count() == 1
    # and the agent is told the numbers and where it went
    page = client.get(response.url).content.decode()
    assert contact.number in page and work_order.number in page and "城东供水分公司" in page


def test_the_messages_quote_the_callback_rule_as_the_administrator_set_it(
    client_for, agent, customer, area, workspace_form
):
    # given the administrator shortened the callback rule from 24 to 12 hours
    from kefu.core.services import set_policy

    set_policy(actor=None, key="hotline.callback_hours", value=12)
    client = client_for(agent)
    # when a transfer is recorded, and another without any phone to call back
    client.post("/hotline/", workspace_form(customer=customer.pk))
    page = client.get("/hotline/").content.decode()
    refused = client.post("/hotline/", workspace_form(address="城东路9号", service_area=area.pk))
    # then both say 12 hours, and none says 24
    assert "请在12小时内回电客户" in page and "请在24小时内回电" not in page
    assert "转办后须在12小时内回电客户，请填写联系电话" in refused.content.decode()


def test_a_consultation_cannot_be_transferred_and_nothing_is_saved(client_for, agent, area, workspace_form):
    # given an agent who chooses to transfer a consultation
    client = client_for(agent)
    data = workspace_form(category=category("consult").pk, matter="问一下水价", phone="13900001111")
    # when the form is sent
    response = client.post("/hotline/", data)
    # then the rule is shown in Chinese next to the disposition and nothing is recorded
    assert response.status_code == 200
    page = response.content.decode()
    assert "「咨询」类来电不转办" in page
    assert "坐席跟进后答复" in page
    assert Contact.objects.count() == 0
    assert WorkOrder.objects.count() == 0


def test_an_empty_matter_is_refused_in_chinese(client_for, agent, workspace_form):
    response = client_for(agent).post("/hotline/", workspace_form(matter=""))
    assert response.status_code == 200
    assert "请填写来电事项" in response.content.decode()
    assert Contact.objects.count() == 0


def test_an_answered_repair_needs_its_answer(client_for, agent, customer, workspace_form):
    # given a repair the agent answered at once but without writing the answer
    data = workspace_form(customer=customer.pk, disposition="answered", result="")
    # when sent
    response = client_for(agent).post("/hotline/", data)
    # then the category's answer hint is shown next to the result
    assert "请填写答复内容" in response.content.decode()
    assert Contact.objects.count() == 0


def test_an_anonymous_repair_with_an_address_in_the_area_is_routed_by_the_chosen_area(
    client_for, agent, area, workspace_form
):
    data = workspace_form(phone="139 0000 1111", address="城东路12号", service_area=area.pk)
    response = client_for(agent).post("/hotline/", data)
    assert response.status_code == 302
    work_order = WorkOrder.objects.get()
    assert work_order.unit == area.branch
    assert work_order.contact.phone == "13900001111"


def test_the_suggestion_partial_shows_a_category(client_for, agent):
    # given an agent typing what the caller says
    client = client_for(agent)
    # when the partial is asked
    response = client.post("/hotline/suggest/", {"matter": "我家水管爆了，一直在漏水，赶紧派人来修"})
    # then a category of the shipped ones is suggested with its confidence, with buttons to pick it
    assert response.status_code == 200
    page = response.content.decode()
    assert "系统建议：" in page
    assert "%）" in page
    assert "data-pick-category" in page
    assert 'id="id_suggested_category"' in page


def test_the_suggestion_partial_is_quiet_without_a_matter(client_for, agent):
    response = client_for(agent).get("/hotline/suggest/", {"matter": ""})
    assert response.status_code == 200
    assert "系统建议" not in response.content.decode()


def test_the_route_preview_for_an_anonymous_caller_with_an_area_shows_the_branch_and_deadline(
    client_for, agent, area
):
    # given an anonymous caller whose area the agent chose
    params = {"category": category("repair").pk, "service_area": area.pk, "disposition": "transferred"}
    # when the preview is asked
    response = client_for(agent).get("/hotline/route-preview/", params)
    # then it names the unit, the reason and the deadline
    page = response.content.decode()
    assert "将转：<strong>城东供水分公司</strong>（按片区「城东片区」）" in page
    assert "办理时限：" in page and "年" in page
    assert "属客户内部故障" in page  # the category's answer hint


def test_the_route_preview_shows_the_rule_refusing_a_transfer(client_for, agent):
    params = {"category": category("consult").pk, "disposition": "transferred"}
    page = client_for(agent).get("/hotline/route-preview/", params).content.decode()
    assert "「咨询」类来电不转办" in page
    assert "将转" not in page


def test_the_route_preview_says_what_is_missing_without_an_area(client_for, agent):
    params = {"category": category("repair").pk, "disposition": "transferred"}
    page = client_for(agent).get("/hotline/route-preview/", params).content.decode()
    assert "无法确定服务片区" in page


def test_the_route_preview_finds_the_area_of_the_customer(client_for, agent, customer):
    params = {"category": category("repair").pk, "customer": customer.pk, "disposition": "transferred"}
    page = client_for(agent).get("/hotline/route-preview/", params).content.decode()
    assert "城东供水分公司" in page


def test_the_screen_pop_link_prefills_the_form(client_for, agent, customer):
    # given the link of the screen pop for a known caller
    url = f"/hotline/?customer={customer.pk}&phone=13812345678&call_id=abc-1"
    # when the agent opens it
    response = client_for(agent).get(url)
    # then the customer, the number and the call are on the form
    page = response.content.decode()
    assert response.status_code == 200
    assert f'name="customer" value="{customer.pk}"' in page
    assert 'value="13812345678"' in page
    assert 'value="abc-1"' in page
    assert "王建国" in page
    assert f"/hotline/customer-history/?customer={customer.pk}" in page


def test_the_workspace_shows_scripts_queues_and_the_knowledge_panel(client_for, agent):
    page = client_for(agent).get("/hotline/").content.decode()
    assert "请讲" in page
    assert "请问您反映的是……，对吗？" in page
    assert "等待超过60秒" in page and "对不起，让您久等了" in page
    assert "感谢您的来电，再见" in page
    assert "我的工单" in page and "待回电" in page and "已超期" in page
    assert "领导督办" not in page  # only with hotline.view_escalated
    assert "/knowledge/for-area/" in page


def test_a_team_leader_sees_the_escalated_queue(client_for, make_user):
    leader = make_user(Role.TEAM_LEADER)
    assert "领导督办" in client_for(leader).get("/hotline/").content.decode()


def test_unit_staff_cannot_open_the_workspace(client_for, make_user, branch):
    staff = make_user(Role.UNIT_STAFF, unit=branch)
    assert client_for(staff).get("/hotline/").status_code == 403


def test_the_customer_lookup_shows_matches_with_masked_phones(client_for, agent, customer):
    response = client_for(agent).get("/hotline/customer-lookup/", {"q": "王建国"})
    page = response.content.decode()
    assert "王建国" in page
    assert "138****5678" in page and "13812345678" not in page
    assert "选择" in page


def test_choosing_a_customer_puts_it_on_the_form_and_shows_the_history(
    client_for, agent, customer, workspace_form
):
    # given a customer with an earlier transferred repair
    client = client_for(agent)
    client.post("/hotline/", workspace_form(customer=customer.pk))
    # when the agent chooses the customer in the lookup
    response = client.get("/hotline/customer-history/", {"customer": customer.pk, "select": "1"})
    # then the history shows the open order and the hidden field is swapped in
    page = response.content.decode()
    assert WorkOrder.objects.get().number in page
    assert f'id="id_customer" value="{customer.pk}" hx-swap-oob="true"' in page
    assert response["HX-Trigger-After-Swap"] == "customerSelected"
