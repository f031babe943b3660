"""Recording a patrol on a phone (I4) in Chromium at 375×812: nothing wider than the screen, a patrol by
one inspector refused with the reason, by two recorded; the plan page shows it — with no
Content-Security-Policy refusal."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import ServiceAreaFactory, UnitFactory, UserFactory
from kefu.e2e.conftest import browser, csp_violations  # noqa: F401  (fixtures)
from kefu.inspection.models import Patrol
from kefu.inspection.services import patrols as services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, csp_violations):  # noqa: F811
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(60000)  # a loaded test machine; the page itself answers in well under a second
    page.on("console", csp_violations.note)
    yield page
    context.close()
    csp_violations.assert_none()


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_inspector_records_a_patrol_on_a_phone(live_server, phone):
    area = ServiceAreaFactory(
        code="CD", name="城东片区", branch=UnitFactory(code="FGS01", name="城东供水分公司")
    )
    lead = UserFactory(role=Role.FIELD_INSPECTOR, username="xc_phone", name="周稽查", employee_no="JC0201")
    partner = UserFactory(
        role=Role.FIELD_INSPECTOR, username="xc_partner", name="吴稽查", employee_no="JC0202"
    )
    today = timezone.localdate()
    services.draft_plan(actor=lead, year=today.year, lines=[services.Line(area, "hydrant", today.month, 2)])
    # given the inspector logged in on a phone
    phone.goto(f"{live_server.url}/login/")
    phone.fill("#id_username", "xc_phone")
    phone.fill("#id_password", "kefu-test-pass")
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")
    # when they open the record form
    phone.goto(f"{live_server.url}/inspection/patrols/new/")
    expect(phone.locator("h1")).to_contain_text("登记巡查")
    assert no_horizontal_overflow(phone)
    phone.select_option("#area", label="城东片区")
    phone.select_option("#target_type", value="hydrant")
    phone.fill("#places", "解放路、庆春路沿线公共消火栓")
    # then alone (only themselves ticked) they are refused with the rule
    expect(phone.get_by_label("周稽查")).to_be_checked()
    phone.click("#patrol-form button[type=submit]")
    expect(phone.locator("#patrol-errors")).to_contain_text("巡查须有2名以上稽查人员")
    assert no_horizontal_overflow(phone)
    # and with their partner the patrol is recorded
    phone.get_by_label("吴稽查").check()
    phone.click("#patrol-form button[type=submit]")
    expect(phone.locator(".messages")).to_contain_text("公共消火栓巡查")
    patrol = Patrol.objects.get()
    assert set(patrol.inspectors.all()) == {lead, partner}
    assert no_horizontal_overflow(phone)
    # the plan page shows one done of two planned this month
    phone.goto(f"{live_server.url}/inspection/patrols/plan/")
    expect(phone.locator("#month-progress")).to_contain_text("50%")
