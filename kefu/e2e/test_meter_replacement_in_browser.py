"""An urgent meter replacement in Chromium, end to end (issue 15, seed 000 ch.4 §4.2–§5.1): a branch's
换表员 files the 换表报核单 for a stopped DN50 meter, the 客服部主任 verifies it, the 表库管理员 issues a new
DN50 meter against it, the 换表员 fits it with the customer's signature drawn on the screen, the store
keeper takes the old meter back (DN ≥ 40: kept a month by area, its label printed with a QR code), and
the customer's archive shows the new meter in use, whose life page tells where it came from.

Meters are issued only on working days within the issue hours and never on the month's last working
day (the stocktake), so the whole test runs on the next such day at 09:00 Shanghai time, travelled to
with time_machine (the live server is a thread of this process and shares the travelled clock). The
day is in the future, never a fixed past date: the session cookie's expiry is written from the
travelled clock and Chromium judges it by the real one, so a past day would log every user out."""

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from kefu.accounts.models import Role, Unit
from kefu.accounts.tests.factories import ServiceAreaFactory, UnitFactory, UserFactory
from kefu.core.calendar import is_working_day
from kefu.customers.models import Meter
from kefu.customers.tests.factories import CustomerFactory, MeterFactory, ServicePointFactory
from kefu.meters.dates import last_working_day_of_month
from kefu.meters.models import OldMeterReturn, Replacement, StockMeter
from kefu.meters.services import store

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")
SHOTS = Path("/tmp/kefu15/shots")


def next_issue_day() -> date:
    """The first working day after today that is not its month's last working day (the stocktake)."""
    day = datetime.now(SHANGHAI).date()
    while True:
        day += timedelta(days=1)
        if is_working_day(day).working and day != last_working_day_of_month(day.year, day.month):
            return day


def shot(page, name: str) -> None:
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"e2e_{name}.png"), full_page=True)


def test_urgent_replacement_from_report_to_the_archive(live_server, log_in, page, csp_violations):
    day = next_issue_day()
    # a tab the page opens (the labels) is checked against the Content-Security-Policy too
    page.context.on("page", lambda opened: opened.on("console", csp_violations.note))
    with time_machine.travel(datetime.combine(day, time(9, 0), tzinfo=SHANGHAI), tick=True):
        # given a branch with its 换表员, the center's head, the store keeper and a customer's DN50 meter
        branch = UnitFactory(kind=Unit.Kind.BRANCH, name="城东供水分公司")
        UserFactory(username="fitter", name="换表员小陈", role=Role.UNIT_STAFF, unit=branch)
        UserFactory(username="mhead", name="主任老李", role=Role.DEPARTMENT_HEAD)
        keeper = UserFactory(username="store", name="表库老周", role=Role.METER_STORE_KEEPER)
        area = ServiceAreaFactory(branch=branch)
        customer = CustomerFactory(service_area=area, name="城东食品厂")
        point = ServicePointFactory(customer=customer, service_area=area)
        old_meter = MeterFactory(service_point=point, number="LG050000001", caliber_dn=50, last_reading=4321)
        # and a DN50 meter in the store, come in through goods-in with its certificate
        store.receive_goods(
            actor=keeper,
            meters=[
                {
                    "number": "XB050E2E0001",
                    "caliber_dn": 50,
                    "model": "LXS-50E",
                    "maker": "宁波水表",
                    "batch": "2026-11",
                    "certificate_no": "JD-2026-0501",
                    "certificate_date": day - timedelta(days=20),
                }
            ],
        )

        # when the branch's 换表员 files the 换表报核单 from the replacement list
        log_in("fitter")
        page.goto(f"{live_server.url}/meters/replacements/")
        page.get_by_role("link", name="填报换表报核单").click()
        page.fill("#id_meter_number", "LG050000001")
        page.select_option("#id_fault", label="停走")
        page.fill("#id_fault_note", "抄表员报告表针不动")
        shot(page, "1_urgent_form")
        page.click("#urgent-form button[type=submit]")
        # then it waits for the center's check
        expect(page.locator("#replacement-state")).to_have_text("待中心核查")
        expect(page.locator(".messages")).to_contain_text("已填报换表报核单")
        replacement = Replacement.objects.get(meter=old_meter)
        shot(page, "2_reported")
        page.context.clear_cookies()

        # when the 客服部主任 finds it in the list and verifies it
        log_in("mhead")
        page.goto(f"{live_server.url}/meters/replacements/")
        page.locator("#replacements tr", has_text="LG050000001").get_by_role(
            "link", name=replacement.number
        ).click()
        page.fill("#verify-note", "现场核实表针不动")
        page.get_by_role("button", name="核查属实，通知分公司换表").click()
        # then the branch may collect the new meter
        expect(page.locator("#replacement-state")).to_have_text("待领表")
        expect(page.locator(".messages")).to_contain_text("已核查属实")
        shot(page, "3_verified")
        page.context.clear_cookies()

        # when the store keeper opens the replacement and issues the new meter against it
        log_in("store")
        page.goto(f"{live_server.url}/meters/replacements/{replacement.pk}/")
        page.locator("#issue-link").click()
        expect(page.locator("#issue-time-problem")).to_have_count(0)
        expect(page.locator("#issue-blocks")).to_contain_text("可以领表")
        # (the page came from the replacement: its 换表单 and purpose are already chosen)
        expect(page.locator("#id_replacement")).to_have_value(str(replacement.pk))
        expect(page.locator("#id_purpose")).to_have_value("urgent_replacement")
        page.select_option("#id_collector", label="换表员小陈（城东供水分公司）")
        page.fill("#id_stock_meter", "XB050E2E0001")
        page.locator("#papers-urgent_replacement").get_by_label("换表单（分公司负责人签字）").check()
        shot(page, "4_issue_form")
        page.click("#issue-form button[type=submit]")
        # then the 领表单 shows the meter issued for this replacement
        expect(page.locator(".messages")).to_contain_text("已领出表号XB050E2E0001")
        expect(page.locator("#issue-facts")).to_contain_text(replacement.number)
        expect(page.locator("#issue-facts")).to_contain_text("已领表待换")
        shot(page, "5_issued")
        page.context.clear_cookies()

        # when the 换表员 fits it: the customer checks the readings and the seal and signs on the screen
        log_in("fitter")
        page.goto(f"{live_server.url}/meters/replacements/{replacement.pk}/")
        expect(page.locator("#replacement-state")).to_have_text("已领表待换")
        page.locator("#fit-link").click()
        page.fill("#id_new_meter_number", "XB050E2E0001")
        page.fill("#id_old_reading", "4321.5")
        page.select_option("#id_old_seal_state", label="铅封完好")
        page.check("#id_new_seal_intact")
        page.fill("#id_customer_signed_name", "厂长王建国")
        page.locator("#signature-pad").scroll_into_view_if_needed()
        pad = page.locator("#signature-pad").bounding_box()
        page.mouse.move(pad["x"] + 40, pad["y"] + 120)
        page.mouse.down()
        for step in range(1, 25):
            page.mouse.move(pad["x"] + 40 + step * 15, pad["y"] + 120 - (step % 6) * 14, steps=2)
        page.mouse.up()
        shot(page, "6_fit_form")
        page.get_by_role("button", name="确认换表").click()
        # then the replacement waits for the old meter, with the customer's signature kept
        expect(page.locator("#replacement-state")).to_have_text("已换表待交旧表")
        expect(page.locator(".messages")).to_contain_text("档案已启用新表XB050E2E0001")
        expect(page.locator("#replacement-facts img.signature")).to_be_visible()
        replacement.refresh_from_db()
        assert replacement.customer_signature.startswith("data:image/png;base64,")
        shot(page, "7_fitted")
        page.context.clear_cookies()

        # when the store keeper takes the old meter back from the replacement's page
        log_in("store")
        page.goto(f"{live_server.url}/meters/replacements/{replacement.pk}/")
        page.locator("#return-link").click()
        expect(page.locator("#id_source")).to_have_value(f"r:{replacement.pk}")
        page.select_option("#id_returned_by", label="换表员小陈（城东供水分公司）")
        page.fill("#id_reading", "4321.5")
        page.select_option("#id_seal_state", label="铅封完好")
        shot(page, "8_return_form")
        page.get_by_role("button", name="登记回收").click()
        # then a DN50 meter is kept by area for review, its label still to print
        expect(page.locator(".messages")).to_contain_text("已登记旧表回收")
        facts = page.locator("#return-facts")
        expect(page.locator("h1 .badge")).to_have_text("按区域保存复核")
        expect(facts).to_contain_text("LG050000001（DN50）")
        expect(facts).to_contain_text("待打印")
        old_return = OldMeterReturn.objects.get(meter=old_meter)
        assert old_return.keep_until is not None
        # (the label's QR code is the return's number, which no 换表单 shares)
        assert old_return.number.startswith("HS") and old_return.number != replacement.number
        expect(page.get_by_role("button", name="保存期满放行")).to_be_disabled()
        shot(page, "9_returned")

        # when the store keeper prints its label (a new tab)
        with page.expect_popup() as popup:
            page.get_by_role("button", name="打印标签").click()
        labels = popup.value
        labels.wait_for_load_state()
        # then the label names the customer, the connection point and the meter, with a QR code
        label = labels.locator(".meter-label")
        expect(label).to_have_count(1)
        expect(label).to_contain_text("城东食品厂")
        expect(label).to_contain_text(point.connection_point_no)
        expect(label).to_contain_text("表号：LG050000001")
        expect(label.locator("svg.qr")).to_have_attribute("aria-label", old_return.number)
        shot(labels, "10_label")
        labels.close()
        page.reload()
        expect(page.locator("#return-facts")).to_contain_text("已打印")
        # and the replacement, reached from the return, is closed
        page.locator("#return-facts").get_by_role("link", name=replacement.number).click()
        expect(page.locator("#replacement-state")).to_have_text("旧表已交回")
        shot(page, "11_closed")
        page.context.clear_cookies()

        # and the replacement is closed
        assert Replacement.objects.get(pk=replacement.pk).state == Replacement.State.CLOSED
        assert StockMeter.objects.get(number="XB050E2E0001").state == StockMeter.State.FITTED

        # when the 换表员 opens the customer's archive
        log_in("fitter")
        page.goto(f"{live_server.url}/customers/{customer.pk}/")

        # then the new meter is in use and the old one removed
        def meter_row(number):
            return page.locator("tr").filter(has=page.locator("td.num a", has_text=number))

        new_row = meter_row("XB050E2E0001")
        expect(new_row).to_contain_text("DN50")
        expect(new_row).to_contain_text("在用")
        expect(meter_row("LG050000001")).to_contain_text("已拆除")
        # and the archive's history says in words what the fitting changed
        expect(page.locator("body")).to_contain_text("旧表：LG050000001")
        expect(page.locator("body")).to_contain_text("旧表止度：4321.5")
        shot(page, "12_archive")
        # and the new meter's life page shows its goods-in, its issue and the fitting
        new_row.get_by_role("link", name="XB050E2E0001").click()
        expect(page.locator("h1")).to_contain_text("水表 XB050E2E0001 履历")
        expect(page.locator("#meter-stock")).to_contain_text("JD-2026-0501")
        expect(page.locator("#meter-stock")).to_contain_text("急换水表")
        expect(page.locator("#meter-fitted")).to_contain_text(replacement.number)
        expect(page.locator("#meter-fitted")).to_contain_text("替换旧表LG050000001")
        expect(page.locator("#meter-events")).to_contain_text("入库单：")
        expect(page.locator("#meter-events")).not_to_contain_text("receipt")
        shot(page, "13_new_meter_life")
        # and the old meter's life page its replacement, closed, and its return
        page.goto(f"{live_server.url}/meters/meter/{old_meter.pk}/")
        expect(page.locator("#meter-replacements")).to_contain_text("旧表已交回")
        expect(page.locator("#meter-return")).to_contain_text(old_return.number)
        expect(page.locator("#meter-return")).to_contain_text("按区域保存复核")
        shot(page, "14_old_meter_life")
        assert Meter.objects.get(pk=old_meter.pk).status == Meter.Status.REMOVED
