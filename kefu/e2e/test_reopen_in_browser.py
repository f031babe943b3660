"""Issue 13 item 3 in a real browser. W4: the agent records a dissatisfied return visit; the branch's
dispatcher logs in, finds the order back in the unit's queue with a deadline counted from the reopen and
accepts it. H16: an agent typing the number of a caller with an open order is told at once which order
and which call this is."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kefu.hotline.models import WorkOrder

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def closed_order(world, shipped_categories):
    """A leak of the east customer, handled by the east branch, called back and closed three days ago."""
    world.caller = world.east_customer
    called = timezone.now() - timedelta(days=4)
    order = world.record(called, code="repair", matter="厨房水管漏水").work_order
    world.handle(order, called + timedelta(hours=3))
    world.call_back(order, called + timedelta(hours=5))
    return world.close(order, called + timedelta(days=1))


def test_a_dissatisfied_visit_puts_the_order_back_in_the_units_queue(
    live_server, world, closed_order, log_in, page
):
    old_deadline = closed_order.deadline
    # given the agent on the closed order's page
    log_in("agent11")
    page.goto(f"{live_server.url}/hotline/orders/{closed_order.pk}/")
    # when the customer says at the return visit that the leak is back
    visit = page.locator("#action-return_visit")
    visit.locator("input[name=result][value=dissatisfied]").check()
    visit.locator("textarea[name=comment]").fill("修好两天又漏了")
    visit.locator("button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("工单已重新打开")
    expect(page.locator("#reopen-badge")).to_contain_text("重新打开1次")

    order = WorkOrder.objects.get(pk=closed_order.pk)
    assert order.deadline > timezone.now() > old_deadline
    new_deadline = timezone.localtime(order.deadline)

    # then the east branch's dispatcher finds it in the unit's queue with the new deadline
    page.context.clear_cookies()
    log_in("unit11")
    page.goto(f"{live_server.url}/hotline/orders/?queue=unit")
    row = page.locator("#order-list tr", has_text=order.number)
    expect(row).to_contain_text("已重新打开")
    expect(row).to_contain_text("重开1次")
    expect(row).to_contain_text(f"{new_deadline:%m-%d %H:%M}")
    # and can act on it: accept, then reply
    row.locator("a", has_text=order.number).click()
    expect(page.locator("#action-accept")).to_be_visible()
    page.locator("#action-accept button[type=submit]").click()
    expect(page.locator(".order-state")).to_have_text("已受理")
    reply = page.locator("#action-reply")
    reply.locator("textarea[name=result]").fill("已更换漏水的管段")
    reply.locator("button[type=submit]").click()
    expect(page.locator(".order-state")).to_have_text("已回复")


def test_the_agent_is_told_at_once_that_the_caller_has_an_open_order(
    live_server, world, shipped_categories, log_in, page
):
    # given an open order from this number this morning
    order = world.record(
        timezone.now() - timedelta(minutes=30),
        customer=None,
        phone="13900001111",
        address="西湖区文三路88号",
        service_area=world.west_area,
        matter="楼下水管漏水",
    ).work_order
    # when the agent types the caller's number on the workspace
    log_in("agent11")
    page.goto(f"{live_server.url}/hotline/")
    page.fill("#id_phone", "139 0000 1111")
    page.locator("#id_phone").press("Tab")
    # then the notice names the order and the call
    notice = page.locator("#repeat-notice")
    expect(notice).to_contain_text(f"该客户就工单{order.number}第2次来电")
    expect(notice).to_contain_text("紧急程度将提高一级")
    # and recording the call links it to that order instead of opening another
    page.fill("#id_matter", "水管还在漏，怎么还没人来")
    page.select_option("#id_category", label="报修（漏水、停水、水压低）")
    page.check("input[name=disposition][value=transferred]")
    page.fill("#id_address", "西湖区文三路88号")
    page.click("#contact-form button[type=submit]")
    expect(page.locator("body")).to_contain_text(f"该客户就工单{order.number}第2次来电，已并入该工单")
    assert WorkOrder.objects.count() == 1
