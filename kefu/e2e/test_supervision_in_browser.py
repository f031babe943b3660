"""Issue 13 item 3 (W1, H17) in a real browser: the team leader writes a 督办意见 on an order; the
branch's dispatcher sees the badge on its queue and the count, signs for it on the order's page with a
reply, and the badge is gone; a note with a photo and an @-mention is added and the photo opens."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def order(world, shipped_categories, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return world.record(code="repair", matter="文三路100号门口水管漏水").work_order  # to 城西 (unit21)


def test_a_leaders_supervision_shows_on_the_units_queue_until_it_is_signed(live_server, order, log_in, page):
    # given the team leader on the order's page
    log_in("leader1")
    page.goto(f"{live_server.url}/hotline/orders/{order.pk}/")
    # when they write a 督办意见
    page.fill("#sup_text", "客户家中老人，请今天下午派人到场")
    page.locator("#supervise-form button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("待责任单位签收")
    expect(page.locator("#pending-instructions")).to_contain_text("督办待签收 1")

    # then the west branch's dispatcher sees the badge on the order's row and the count on the queue
    page.context.clear_cookies()
    log_in("unit21")
    page.goto(f"{live_server.url}/hotline/orders/?queue=unit")
    expect(page.locator("#unit-pending-instructions")).to_contain_text("1")
    row = page.locator("#order-list tr", has_text=order.number)
    expect(row.locator(".pending-instruction")).to_have_text("待签收督办")
    # and signs for it with a reply on the order's page
    row.locator("a", has_text=order.number).click()
    expect(page.locator("#collaboration")).to_contain_text("客户家中老人，请今天下午派人到场")
    page.locator("#collaboration form.acknowledge textarea").fill("已安排维修班15点到场")
    page.locator("#collaboration form.acknowledge button[type=submit]").click()
    expect(page.locator("#collaboration")).to_contain_text("已签收")
    expect(page.locator("#pending-instructions")).to_have_count(0)
    expect(page.locator("ol.timeline")).to_contain_text("签收督办")

    # and back on the queue the badge and the count are gone
    page.goto(f"{live_server.url}/hotline/orders/?queue=unit")
    expect(page.locator("#order-list tr", has_text=order.number)).to_be_visible()
    expect(page.locator(".pending-instruction")).to_have_count(0)
    expect(page.locator("#unit-pending-instructions")).to_have_count(0)


def test_a_note_with_a_photo_and_a_mention(live_server, order, log_in, page):
    log_in("unit21")
    page.goto(f"{live_server.url}/hotline/orders/{order.pk}/")
    page.fill("#note_text", "表前阀门渗漏，照片见附件 @agent11")
    page.set_input_files(
        "#note_attachments", files=[{"name": "现场.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.locator("#note-form button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("已添加内部备注，已提醒话务员甲")
    link = page.locator("#collaboration .attachments a", has_text="现场.png")
    expect(link).to_be_visible()
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200 and response.body() == PNG
