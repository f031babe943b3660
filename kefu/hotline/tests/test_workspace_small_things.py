"""The workspace's small things a newcomer tripped over (issue 13 items 3 and 8; H1): the lookup ranks
exact matches and known callers first and says there are more instead of silently stopping at 10; a
matter over the limit is refused with the limit and the length, never cut; the success message links
to the new contact and order; choosing a customer gives the form what to fill in."""

import re

import pytest

from kefu.accounts.tests.factories import ServiceAreaFactory, UnitFactory
from kefu.customers.tests.factories import CustomerFactory
from kefu.hotline.models import Contact, WorkOrder
from kefu.hotline.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

SAME_INITIALS = [
    "王建刚",
    "吴佳广",
    "王家国",
    "王建光",
    "魏俊刚",
    "王静国",
    "吴建国",
    "王金贵",
    "汪嘉广",
    "王济刚",
    "韦建国",
]


@pytest.fixture
def area(db):
    return ServiceAreaFactory(name="城东片区", branch=UnitFactory(name="城东供水分公司"))


def names(page: str) -> list[str]:
    return re.findall(r"<strong>([^<]+)</strong> <small", page)


def test_a_known_caller_comes_first_for_wjg_and_the_lookup_says_there_are_more(client_for, agent, area):
    # given 王建国, on file long ago, who has called before, and 11 newer customers with the same initials
    wang = CustomerFactory(name="王建国", phone="13812345678", service_area=area, address="城东路8号")
    ContactFactory(actor=agent, customer=wang, answered=True, matter="咨询水价")
    for name in SAME_INITIALS:
        CustomerFactory(name=name, service_area=area)

    # when the agent types wjg
    page = client_for(agent).get("/hotline/customer-lookup/", {"q": "wjg"}).content.decode()

    # then 王建国 is first, ten are shown, and 更多 offers the rest
    shown = names(page)
    assert shown[0] == "王建国" and len(shown) == 10
    assert "来电1次" in page
    assert "更多" in page and "more=1" in page
    # and 更多 shows them all
    wider = client_for(agent).get("/hotline/customer-lookup/", {"q": "wjg", "more": "1"}).content.decode()
    assert len(names(wider)) == 12 and "更多（" not in wider


def test_an_exact_name_comes_before_longer_names(client_for, agent, area):
    CustomerFactory(name="王建", service_area=area)
    CustomerFactory(name="王建国", service_area=area)
    CustomerFactory(name="王建国际贸易公司", service_area=area)
    page = client_for(agent).get("/hotline/customer-lookup/", {"q": "王建国"}).content.decode()
    assert names(page)[0] == "王建国"


def test_a_matter_over_the_limit_is_refused_with_the_limit_not_cut(client_for, agent, workspace_form):
    matter = "水" * 10500
    response = client_for(agent).post(
        "/hotline/",
        workspace_form(matter=matter, caller_name="李先生", phone="13900001111", address="城东路1号"),
    )
    page = response.content.decode()
    assert response.status_code in (200, 400)
    assert "来电事项不能超过2000字（现有10500字），系统不会截断" in page
    assert not Contact.objects.exists()
    # the box keeps the whole text and sets no maxlength the browser would cut a paste to
    assert 'maxlength="2000"' not in page and matter in page


def test_the_success_message_links_to_the_new_contact_and_order(client_for, agent, area, workspace_form):
    customer = CustomerFactory(name="王建国", phone="13812345678", service_area=area, address="城东路8号")
    client = client_for(agent)
    response = client.post("/hotline/", workspace_form(customer=customer.pk), follow=True)
    contact = Contact.objects.get()
    order = WorkOrder.objects.get(contact=contact)
    page = response.content.decode()
    assert f'<a href="/hotline/contacts/{contact.pk}/">查看来电 {contact.number}</a>' in page
    assert f'<a href="/hotline/orders/{order.pk}/">查看工单 {order.number}</a>' in page


def test_choosing_a_customer_gives_the_form_name_address_and_the_phone_only_if_seen_whole(
    client_for, agent, department_head, area
):
    customer = CustomerFactory(name="王建国", phone="13812345678", service_area=area, address="城东路8号")
    page = client_for(agent).get("/hotline/customer-history/", {"customer": customer.pk, "select": "1"})
    fill = re.search(r'<div id="customer-fill"[^>]*>', page.content.decode()).group(0)
    assert 'data-name="王建国"' in fill and 'data-address="城东路8号"' in fill
    assert 'data-phone=""' in fill and "138****5678" in fill  # an agent sees it masked: not filled
    page = client_for(department_head).get(
        "/hotline/customer-history/", {"customer": customer.pk, "select": "1"}
    )
    assert 'data-phone="13812345678"' in page.content.decode()
