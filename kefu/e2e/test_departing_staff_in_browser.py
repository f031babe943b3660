"""Departing staff and the grouped menu in Chromium (issue 13 items 7 and 8; A3, H7): the head opens the
hand-over page of an agent who still holds an order, moves it to a colleague, and the administrator can
then deactivate the agent; at 1366×768 the head's and the administrator's top menu does not overflow and
every entry is reachable through its group."""

import pytest
from playwright.sync_api import expect

from kefu.accounts.models import Role, User
from kefu.accounts.tests.factories import UserFactory
from kefu.hotline.models import WorkOrder
from kefu.hotline.tests.factories import WorkOrderFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_head_hands_an_agents_orders_over_then_the_agent_is_deactivated(
    live_server, log_in, page, shipped_categories
):
    # given an agent who owns an open order, a colleague, the head and the administrator
    leaving = UserFactory(username="leaving", name="离职的小刘", role=Role.AGENT)
    UserFactory(username="colleague", name="接手的小陈", role=Role.AGENT)
    UserFactory(username="head13", name="主任老李", role=Role.DEPARTMENT_HEAD)
    UserFactory(username="admin13", name="管理员", role=Role.ADMINISTRATOR)
    order = WorkOrderFactory(owner=leaving)

    # the administrator cannot deactivate the agent yet: the page says what they hold
    log_in("admin13")
    page.goto(f"{live_server.url}/org/staff/{leaving.pk}/")
    page.uncheck("#id_is_active")
    page.click("form.card button[type=submit]")
    expect(page.locator(".errorlist")).to_contain_text("未办结工单1件")
    page.context.clear_cookies()

    # when the head opens the hand-over page from the staff list
    log_in("head13")
    page.goto(f"{live_server.url}/org/staff/")
    page.locator("tr", has_text="离职的小刘").get_by_role("link", name="移交").click()
    expect(page.locator(".hand-over-holdings")).to_contain_text("未办结工单")
    # and moves everything to the colleague
    page.select_option("#id_to_user", label="接手的小陈（话务员）")
    page.fill("#id_reason", "离职")
    page.click("text=全部移交")
    # then the page says so and that the agent may now be deactivated
    expect(page.locator(".messages")).to_contain_text("移交给接手的小陈")
    expect(page.locator(".hand-over-holdings")).to_contain_text("可以停用")
    assert WorkOrder.objects.get(pk=order.pk).owner.username == "colleague"
    page.context.clear_cookies()

    # and the administrator deactivates the agent
    log_in("admin13")
    page.goto(f"{live_server.url}/org/staff/{leaving.pk}/")
    page.uncheck("#id_is_active")
    page.click("form.card button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已更新员工")
    assert not User.objects.get(pk=leaving.pk).is_active


@pytest.mark.parametrize("role", [Role.DEPARTMENT_HEAD, Role.ADMINISTRATOR])
def test_the_top_menu_fits_at_1366_and_every_entry_is_reachable(live_server, log_in, page, role):
    UserFactory(username="menu13", name="看菜单的人", role=role)
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in("menu13")
    page.goto(f"{live_server.url}/")
    header = page.locator("header.top")
    # no horizontal overflow: the page is no wider than the window, the bar is one line (48 px)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert header.bounding_box()["height"] <= 48
    nav = page.locator("header.top nav")
    assert page.evaluate("e => e.scrollWidth <= e.clientWidth", nav.element_handle())

    # every link of the menu can be seen and clicked: the standalone ones at once, the others after
    # pointing at their group
    def reachable(link):
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1366 and box["y"] + box["height"] <= 768

    standalone = nav.locator(":scope > a")
    for index in range(standalone.count()):
        reachable(standalone.nth(index))
    groups = nav.locator(".navgroup")
    # the head sees most modules; the administrator fewer since issue 17 removed the greyed placeholders
    # (稽查, 档案与钥匙) everyone used to see
    assert groups.count() >= (3 if role == Role.DEPARTMENT_HEAD else 2)
    seen = standalone.count()
    for index in range(groups.count()):
        group = groups.nth(index)
        group.locator("button").hover()
        links = group.locator(".navmenu a")
        for link_index in range(links.count()):
            reachable(links.nth(link_index))
        seen += links.count()
    assert seen == nav.locator("a").count()
    # and a grouped entry opens its page
    admin_group = nav.locator(".navgroup", has_text="系统管理")
    admin_group.locator("button").hover()
    admin_group.get_by_role("link", name="工作日历").click()
    expect(page.locator("h1")).to_contain_text("日历")
