"""A1, A3 in a real browser: log in, find a customer by part of a phone number, open the archive;
an agent sees the ID masked, a department head sees it whole."""

import re

import pytest
from playwright.sync_api import expect

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import ServiceAreaFactory, UserFactory
from kefu.customers.models import ArchiveAccess
from kefu.customers.tests.factories import AccountFactory, CustomerFactory, MeterFactory, ServicePointFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FULL_ID = "330106198001010010"


@pytest.fixture
def wang(db):
    area = ServiceAreaFactory(name="城西片区")
    customer = CustomerFactory(
        name="王建国",
        phone="13812345678",
        id_number="33010619800101001X"[:17] + "0",
        service_area=area,
        address="西湖区文三路100号3幢2单元501室",
    )
    point = ServicePointFactory(customer=customer, connection_point_no="JSCX00012345")
    MeterFactory(service_point=point, number="SB2020000123", caliber_dn=20)
    AccountFactory(customer=customer, number="0100012345")
    # some other customers so that the search has something to filter out
    for n in range(5):
        CustomerFactory(name=f"李{n}号", phone=f"1390000000{n}", service_area=area)
    return customer


def test_an_agent_finds_a_customer_by_part_of_the_phone_and_sees_the_id_masked(log_in, live_server, wang):
    # given
    UserFactory(username="agent", name="话务员小张", role=Role.AGENT)
    page = log_in("agent")

    # when the agent searches by digits the mask hides (issue 11 item 1), nothing is found
    page.hover(".navgroup button:has-text('营业与档案')")  # the top menu's group (issue 13 item 8)
    page.click(".navmenu >> text=客户档案")
    page.fill("#q", "2345678")
    page.click('button:has-text("查询")')
    expect(page.locator("main")).to_contain_text("没有找到与“2345678”匹配的客户")

    # when the agent searches by the last four digits, which the mask shows
    page.fill("#q", "5678")
    page.click('button:has-text("查询")')

    # then
    results = page.locator("#customer-results")
    expect(results).to_contain_text("王建国")
    expect(results).to_contain_text("138****5678")
    expect(results).not_to_contain_text("李0号")
    page.click("#customer-results >> text=王建国")
    expect(page.locator("h1")).to_contain_text("王建国")
    expect(page.locator("#id-number")).to_have_text(re.compile(r"^330106\*{8}\d{3}[\dX]$"))
    expect(page.locator("body")).not_to_contain_text(wang.id_number)
    expect(page.locator("body")).to_contain_text("JSCX00012345")
    assert ArchiveAccess.objects.filter(customer=wang, user__username="agent").exists()


def test_a_department_head_sees_the_full_id_number(log_in, live_server, wang):
    # given
    UserFactory(username="head", name="主任老李", role=Role.DEPARTMENT_HEAD)
    page = log_in("head")

    # when
    page.goto(f"{live_server.url}/customers/?q=wjg")
    page.click("#customer-results >> text=王建国")

    # then
    expect(page.locator("#id-number")).to_have_text(wang.id_number)
    expect(page.locator("#phone")).to_have_text("13812345678")


def test_a_wrong_password_keeps_the_user_out(page, live_server, db):
    # given
    UserFactory(username="agent", role=Role.AGENT)

    # when
    page.goto(f"{live_server.url}/customers/")
    page.fill("#id_username", "agent")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")

    # then
    expect(page.locator(".errorlist")).to_contain_text("用户名或密码错误")
    assert "/login/" in page.url
