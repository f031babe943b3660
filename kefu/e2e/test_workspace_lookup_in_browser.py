"""The workspace in Chromium (issue 13 items 3 and 8; H1): typing wjg shows 王建国 — on file long ago,
a known caller — first and 更多 for the rest; choosing him fills name and address; a pasted matter over
the limit is counted in red, not cut; after saving, the message links to the new contact and order."""

import pytest
from playwright.sync_api import expect

from kefu.accounts.models import Role, Unit
from kefu.accounts.tests.factories import ServiceAreaFactory, UnitFactory, UserFactory
from kefu.customers.tests.factories import CustomerFactory
from kefu.hotline.models import Category, Contact
from kefu.hotline.tests.factories import ContactFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OTHERS = [
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


def test_an_agent_finds_the_known_caller_first_and_the_form_is_filled(
    live_server, log_in, page, shipped_categories
):
    west = UnitFactory(code="FGS02", name="城西供水分公司", kind=Unit.Kind.BRANCH)
    area = ServiceAreaFactory(code="CX", name="城西片区", branch=west)
    agent = UserFactory(username="agent13", name="话务员小张", role=Role.AGENT)
    wang = CustomerFactory(name="王建国", phone="13812345678", address="文三路100号", service_area=area)
    ContactFactory(actor=agent, customer=wang, answered=True, matter="咨询水价")
    for name in OTHERS:
        CustomerFactory(name=name, service_area=area, address="文二路1号")

    log_in("agent13")
    page.goto(f"{live_server.url}/hotline/")
    page.fill("#customer-q", "wjg")
    results = page.locator("#customer-lookup-results")
    expect(results.locator("tr").first).to_contain_text("王建国")
    expect(results.locator("tr")).to_have_count(10)
    results.get_by_role("button", name="更多").click()
    expect(results.locator("tr")).to_have_count(12)

    # choosing him fills the caller's name and address; the masked phone is the placeholder
    results.locator("tr").first.get_by_role("button", name="选择").click()
    expect(page.locator("#selected-customer")).to_contain_text("王建国")
    expect(page.locator("#id_caller_name")).to_have_value("王建国")
    expect(page.locator("#id_address")).to_have_value("文三路100号")
    expect(page.locator("#id_phone")).to_have_attribute("placeholder", "留空则用档案电话 138****5678")

    # a matter pasted over the limit is kept whole and counted in red
    page.fill("#id_matter", "水" * 2100)
    expect(page.locator("#id_matter")).to_have_value("水" * 2100)
    expect(page.locator("#matter-count")).to_contain_text("超出100字")
    expect(page.locator("#matter-count")).to_have_class("muted matter-count over-limit")

    # a normal matter is saved, and the message links to the contact
    page.fill("#id_matter", "家里没水了")
    page.select_option("#id_category", value=str(Category.objects.get(code="repair").pk))
    page.check("input[name=disposition][value=transferred]")
    page.click("#contact-form button[type=submit]")
    link = page.locator(".messages .message-links a", has_text="查看来电")
    expect(link).to_be_visible()
    expect(page.locator(".messages .message-links")).to_contain_text("查看工单")
    link.click()
    contact = Contact.objects.exclude(pk__in=Contact.objects.filter(matter="咨询水价").values("pk")).get()
    expect(page).to_have_url(f"{live_server.url}/hotline/contacts/{contact.pk}/")
