"""The 业务规则 page in Chromium (issue 12): an administrator finds a rule, is refused a value outside
its bounds with the rule's own Chinese error, saves a valid one and sees it in force."""

import pytest
from playwright.sync_api import expect

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.core.policies import policy

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_administrator_is_refused_a_bad_value_and_saves_a_good_one(live_server, log_in, page):
    # given an administrator on the rules page
    UserFactory(username="admin12", name="管理员", role=Role.ADMINISTRATOR)
    log_in("admin12")
    page.goto(f"{live_server.url}/rules/")
    expect(page.locator("h1")).to_have_text("业务规则")
    # when they search for the callback rule and open it
    page.fill("#rules-q", "回电时限")
    page.click("form[role=search] button[type=submit]")
    row = page.locator('tr[data-rule="hotline.callback_hours"]')
    expect(row).to_contain_text("供水手册第三章第15条")
    row.get_by_role("link", name="修改").click()
    # and type a number of hours the rule does not allow
    page.fill("#id_value", "0")
    page.click("#rule-form button[type=submit]")
    # then the form says which rule and which bound, and nothing changed
    expect(page.locator("#rule-form .errorlist")).to_contain_text("转办后回电时限（小时）")
    expect(page.locator("#rule-form .errorlist")).to_contain_text("1至720之间的整数（小时）")
    assert policy("hotline.callback_hours") == 24
    # when they type a good one
    page.fill("#id_value", "12")
    page.click("#rule-form button[type=submit]")
    # then the list shows it in force, changed by them
    row = page.locator('tr[data-rule="hotline.callback_hours"]')
    expect(row.locator(".rule-current")).to_contain_text("12")
    expect(row).to_contain_text("管理员")
    assert policy("hotline.callback_hours") == 12
