"""The contact register (来电来访登记, H2, H14): search, filters, bounded cost, the Excel export with the H2
columns, and corrections that keep the original wording visible."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import ServiceAreaFactory, UnitFactory
from kefu.customers.tests.factories import CustomerFactory
from kefu.hotline.models import Contact
from kefu.hotline.services.contacts import correct_contact
from kefu.hotline.tests.factories import ContactFactory

H2_HEADER = (
    "序号",
    "来电时间",
    "渠道",
    "类别",
    "客户姓名",
    "联系电话",
    "地址",
    "事项",
    "转办时间",
    "转办单位",
    "处理结果",
    "值班坐席",
)


@pytest.fixture
def area(db):
    return ServiceAreaFactory(name="城东片区", branch=UnitFactory(name="城东供水分公司"))


def consult(agent, matter="请问阶梯水价怎么算", **kwargs) -> Contact:
    return ContactFactory(actor=agent, answered=True, matter=matter, result="已告知阶梯水价标准", **kwargs)


def transferred_repair(agent, area, matter="文三路水管爆裂") -> Contact:
    return ContactFactory(
        actor=agent,
        matter=matter,
        customer=CustomerFactory(service_area=area, name="李秀英"),
        phone="13912345678",
    )


def test_the_register_lists_contacts_with_masked_phones(client_for, agent):
    contact = consult(agent, phone="13812345678", caller_name="王先生")
    page = client_for(agent).get("/hotline/contacts/").content.decode()
    assert contact.number in page and "王先生" in page
    assert "138****5678" in page and "13812345678" not in page


def test_an_empty_register_says_so(client_for, agent):
    page = client_for(agent).get("/hotline/contacts/").content.decode()
    assert "还没有来电来访登记" in page


def test_a_search_finds_by_the_words_of_the_matter(client_for, agent, area):
    # given a consultation and a repair
    water_price = consult(agent)
    burst = transferred_repair(agent, area)
    # when the register is searched for words of the repair
    page = client_for(agent).get("/hotline/contacts/", {"q": "水管爆裂"}).content.decode()
    # then only the repair is listed
    assert burst.number in page
    assert water_price.number not in page


def test_a_search_that_finds_nothing_says_so(client_for, agent):
    consult(agent)
    page = client_for(agent).get("/hotline/contacts/", {"q": "燃气泄漏"}).content.decode()
    assert "没有找到符合条件的登记记录" in page


def test_a_one_character_query_gives_a_gentle_hint(client_for, agent):
    contact = consult(agent)
    response = client_for(agent).get("/hotline/contacts/", {"q": "水"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "请至少输入2个字" in page
    assert contact.number in page  # the list is shown unfiltered


def test_the_register_filters_by_category_channel_and_date(client_for, agent, area):
    water_price = consult(agent, channel="counter")
    burst = transferred_repair(agent, area)
    client = client_for(agent)
    page = client.get("/hotline/contacts/", {"category": burst.category_id}).content.decode()
    assert burst.number in page and water_price.number not in page
    page = client.get("/hotline/contacts/", {"channel": "counter"}).content.decode()
    assert water_price.number in page and burst.number not in page
    page = client.get(
        "/hotline/contacts/", {"date_from": "2000-01-01", "date_to": "2000-01-02"}
    ).content.decode()
    assert burst.number not in page and water_price.number not in page


def test_the_register_costs_a_bounded_number_of_queries(
    client_for, agent, area, django_assert_max_num_queries
):
    for i in range(15):
        consult(agent, matter=f"第{i}次咨询水价")
        transferred_repair(agent, area, matter=f"第{i}处漏水")
    client = client_for(agent)
    # Warm: PostgreSQL's search first reads the planner's statistics once per process to size the count.
    client.get("/hotline/contacts/", {"q": "漏水"})
    # Nine: the session, the person, two permission reads, the page's own reads and the bell's count.
    with django_assert_max_num_queries(9):
        response = client.get("/hotline/contacts/")
    assert response.status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get("/hotline/contacts/", {"q": "漏水"}).status_code == 200


def test_the_excel_export_has_the_h2_columns(client_for, agent, department_head, area):
    # given a transferred repair
    contact = transferred_repair(agent, area)
    # when the department head exports the register
    response = client_for(department_head).get("/hotline/contacts/?format=xlsx")
    # then the workbook opens with the H2 header and the contact's row
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    assert rows[0] == H2_HEADER
    row = dict(zip(H2_HEADER, rows[1], strict=True))
    assert row["序号"] == contact.number
    assert row["类别"] == "报修（漏水、停水、水压低）"
    assert row["转办单位"] == "城东供水分公司"
    assert row["事项"] == "文三路水管爆裂"
    assert row["值班坐席"] == agent.name
    assert row["转办时间"]


def test_an_agent_may_not_export_the_register(client_for, agent):
    assert client_for(agent).get("/hotline/contacts/?format=xlsx").status_code == 403


def test_a_correction_keeps_the_original_matter_visible(client_for, agent):
    # given a contact the agent recorded
    contact = consult(agent, matter="咨询水费")
    client = client_for(agent)
    assert 'id="correction-form"' in client.get(f"/hotline/contacts/{contact.pk}/").content.decode()
    # when the agent corrects the matter with a reason
    data = {
        "matter": "咨询阶梯水价",
        "caller_name": "",
        "phone": "",
        "address": "",
        "result": "已告知阶梯水价标准",
        "reason": "记录不准确",
    }
    response = client.post(f"/hotline/contacts/{contact.pk}/correct/", data, follow=True)
    # then the new wording is shown and the original stays visible, labelled, with the history
    page = response.content.decode()
    contact.refresh_from_db()
    assert (contact.matter, contact.original_matter) == ("咨询阶梯水价", "咨询水费")
    assert "原始记录" in page and "咨询水费" in page
    assert "更正登记" in page and "记录不准确" in page
    assert "咨询水费 → 咨询阶梯水价" in page


def test_a_correction_without_reason_is_refused(client_for, agent):
    contact = consult(agent)
    data = {"matter": "改了", "caller_name": "", "phone": "", "address": "", "result": "x", "reason": ""}
    response = client_for(agent).post(f"/hotline/contacts/{contact.pk}/correct/", data)
    assert response.status_code == 400
    assert "请填写更正原因" in response.content.decode()
    contact.refresh_from_db()
    assert contact.matter == "请问阶梯水价怎么算"


def test_another_agent_may_not_correct(client_for, agent, make_user):
    contact = consult(agent)
    other = make_user(Role.AGENT, username="other")
    client = client_for(other)
    assert 'id="correction-form"' not in client.get(f"/hotline/contacts/{contact.pk}/").content.decode()
    data = {"matter": "改了", "caller_name": "", "phone": "", "address": "", "result": "x", "reason": "试试"}
    response = client.post(f"/hotline/contacts/{contact.pk}/correct/", data, follow=True)
    assert "只有受理坐席或班长以上可以更正" in response.content.decode()
    contact.refresh_from_db()
    assert contact.matter == "请问阶梯水价怎么算"


def test_a_corrected_phone_is_masked_in_the_history(client_for, agent):
    contact = consult(agent, phone="13812345678")
    correct_contact(actor=agent, contact=contact, reason="号码记错", phone="13987654321")
    page = client_for(agent).get(f"/hotline/contacts/{contact.pk}/").content.decode()
    assert "138****5678 → 139****4321" in page
    assert "13987654321" not in page
