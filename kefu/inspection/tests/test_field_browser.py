"""The field page on a phone (I2) in Chromium at 375×812: nothing wider than the screen (no horizontal
scroll), an inspector takes a photo (the camera input), sees its SHA-256, records the customer's refusal
to sign a notice with a witness and opens the notice's print — with no Content-Security-Policy refusal."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kefu.e2e.conftest import browser, csp_violations  # noqa: F401  (fixtures)
from kefu.inspection.models import Evidence, Notice
from kefu.inspection.tests.factories_cases import make_inspector
from kefu.inspection.tests.factories_field import issue, make_case, png_bytes

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
    page.set_default_timeout(15000)
    page.on("console", csp_violations.note)
    yield page
    context.close()
    csp_violations.assert_none()


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_inspector_works_a_case_on_a_phone(live_server, phone, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    lead = make_inspector(username="jc_phone", name="周稽查", employee_no="JC0101")
    case = make_case(
        inspectors=[lead, make_inspector(employee_no="JC0102")],
        address="滨江区江南大道100号某某小区3栋2单元旁水表井",
    )
    notice = issue(case, kind="rectify", content="请于期限内拆除表前私接的旁通管，恢复原状。" * 3)
    # given the inspector logged in on a phone
    phone.goto(f"{live_server.url}/login/")
    phone.fill("#id_username", "jc_phone")
    phone.fill("#id_password", "kefu-test-pass")
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")
    # when they open the case's field page
    phone.goto(f"{live_server.url}/inspection/cases/{case.pk}/field/")
    expect(phone.locator("h1")).to_contain_text(case.number)
    expect(phone.locator("#inspectors")).to_contain_text("稽查证件 JC0101")
    # then nothing is wider than the screen
    assert no_horizontal_overflow(phone)
    # the location button shows (the browser has geolocation) but nothing is read until it is pressed
    expect(phone.locator("#locate")).to_be_visible()
    assert phone.locator("#ev-lat").input_value() == ""
    # when they take a photo (the camera input) and upload it
    camera = phone.locator("#ev-files")
    assert camera.get_attribute("capture") == "environment"
    camera.set_input_files([{"name": "现场.png", "mimeType": "image/png", "buffer": png_bytes()}])
    phone.click("#evidence-form button[type=submit]")
    expect(phone.locator(".messages")).to_contain_text("已登记现场照片1份")
    photo = Evidence.objects.get(case=case)
    expect(phone.locator("#evidence")).to_contain_text(photo.sha256)
    assert no_horizontal_overflow(phone)
    # and record that the customer refused to sign the notice, with a witness
    row = phone.locator(f"#notice-{notice.pk}")
    row.get_by_label("当事人拒签").check()
    row.locator("input[name=witness]").fill("网格员李某")
    row.get_by_label("见证人已签字").check()
    row.get_by_role("button", name="登记签收").click()
    expect(phone.locator(f"#notice-{notice.pk}")).to_contain_text("当事人拒签")
    notice.refresh_from_db()
    assert notice.signature == "refused" and notice.witness == "网格员李某"
    assert no_horizontal_overflow(phone)
    # the notice's print lists the photo's SHA-256 and upload time
    phone.goto(f"{live_server.url}/inspection/cases/{case.pk}/notices/{notice.pk}/print/")
    expect(phone.locator("main.sheet")).to_contain_text(photo.sha256)
    expect(phone.locator("main.sheet")).to_contain_text(
        timezone.localtime(photo.uploaded_at).strftime("%Y-%m-%d %H:%M:%S")
    )
    assert Notice.objects.get(pk=notice.pk).get_signature_display() == "当事人拒签"
