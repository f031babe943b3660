"""The bell in Chromium (issue 13 item 4; H9, W3): a unit member whose order went overdue sees the
unread count on the home page, not only on the hotline workspace; opens the alerts page, opens the
alert (which marks it read and goes to the order) and the count goes down; a new alert reaches the
badge through the page's poll, and desktop notifications can be turned on."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kefu.core.alerts import send_alert
from kefu.hotline.models import WorkOrder
from kefu.hotline.services.deadlines import scan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def overdue_order(db, shipped_categories):
    from kefu.testing.world import build_world

    world = build_world()
    order = world.record(code="repair", matter="文三路消防栓漏水").work_order
    WorkOrder.objects.filter(pk=order.pk).update(deadline=timezone.now() - timedelta(hours=1))
    assert scan().overdue == 1
    return world, order


def test_a_unit_member_sees_the_bell_on_home_opens_the_alert_and_the_count_goes_down(
    live_server, log_in, page, overdue_order
):
    world, order = overdue_order
    # given the west branch's staff, logged in: the home page, not the hotline workspace
    log_in("unit21")
    assert page.url == f"{live_server.url}/"
    badge = page.locator("#bell-count")
    expect(badge).to_have_text("1")
    expect(badge).to_be_visible()
    # when they open the bell
    page.click("#bell")
    expect(page.locator("h1")).to_have_text("我的提醒")
    row = page.locator("table.alert-list tr.unread")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("工单已超期")
    expect(row).to_contain_text(order.number)
    # and open the alert
    row.get_by_role("button", name="查看并标为已读").click()
    # then they are on the order, and the bell has nothing unread
    page.wait_for_url(f"{live_server.url}/hotline/orders/{order.pk}/")
    expect(page.locator("#bell-count")).to_be_hidden()
    page.click("#bell")
    expect(page.locator(".empty")).to_have_text("没有未读提醒")
    # when a new alert arrives while the page is open, the poll shows it on the badge
    send_alert(
        recipients=[world.west_staff],
        kind="hotline.reopened",
        message=f"工单{order.number}重新打开",
        subject=f"hotline.workorder:{order.pk}",
        level=1,
    )
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(page.locator("#bell-count")).to_have_text("1")


def test_desktop_notifications_are_turned_on_by_the_button(live_server, log_in, page, overdue_order):
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    log_in("unit21")
    page.goto(f"{live_server.url}/alerts/")
    button = page.locator("#alerts-desktop")
    expect(button).to_have_text("开启桌面通知")
    button.click()
    expect(page.locator("#alerts-desktop-state")).to_have_text("已开启桌面通知")
    expect(button).to_have_text("关闭桌面通知")
    assert page.evaluate("localStorage.getItem('kefu.alerts.desktop')") == "on"
