from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from kefu.collection.models import Payment
from kefu.collection.tests.factories import pay
from kefu.customers.tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_the_clerk_takes_a_payment_on_the_page(client_for, counter_clerk):
    # given a customer whose account owes ¥300.00
    account = AccountFactory(arrears=Decimal("300.00"))
    client = client_for(counter_clerk)
    url = f"/collection/pay/?customer={account.customer_id}"
    page = client.get(url)
    assert page.status_code == 200 and "¥300.00" in page.text
    # when the clerk takes ¥100.00 of arrears in cash
    response = client.post(
        url, {"account": account.pk, "amount": "100.00", "kind": "arrears", "method": "cash"}
    )
    # then the payment page follows and the arrears are lower
    payment = Payment.objects.get()
    assert response.status_code == 302 and response.url == f"/collection/payments/{payment.pk}/"
    account.refresh_from_db()
    assert account.arrears == Decimal("200.00")


def test_overpaying_on_the_page_shows_the_error_in_chinese(client_for, counter_clerk):
    account = AccountFactory(arrears=Decimal("50.00"))
    response = client_for(counter_clerk).post(
        f"/collection/pay/?customer={account.customer_id}",
        {"account": account.pk, "amount": "80.00", "kind": "arrears", "method": "cash"},
    )
    assert response.status_code == 200
    assert "超过账户" in response.text and "¥50.00" in response.text
    assert not Payment.objects.exists()


def test_an_agent_cannot_open_the_payment_page(client_for, agent):
    account = AccountFactory()
    assert client_for(agent).get(f"/collection/pay/?customer={account.customer_id}").status_code == 403


def test_the_receipt_prints_the_payment(client_for, counter_clerk):
    payment = pay(counter_clerk, amount="1234.50")
    response = client_for(counter_clerk).get(f"/collection/payments/{payment.pk}/receipt/")
    assert response.status_code == 200
    assert "收费凭证" in response.text and payment.number in response.text and "¥1,234.50" in response.text


def test_the_index_shows_the_day_and_the_cash_to_bank(client_for, counter_clerk):
    client = client_for(counter_clerk)
    assert "今天还没有收费记录" in client.get("/collection/").text
    pay(counter_clerk, amount="75.00")
    text = client.get("/collection/").text
    assert "¥75.00" in text and "解款" in text


def test_the_clerk_cannot_open_the_void_page_but_the_head_voids(client_for, counter_clerk, department_head):
    payment = pay(counter_clerk)
    url = f"/collection/payments/{payment.pk}/void/"
    assert client_for(counter_clerk).get(url).status_code == 403
    response = client_for(department_head).post(url, {"reason": "收错户"})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.voided


def test_banking_on_the_page_asks_for_a_note_on_a_difference(client_for, counter_clerk):
    pay(counter_clerk, amount="100.00")
    client = client_for(counter_clerk)
    data = {"day": timezone.localdate().isoformat(), "banked_amount": "99.00", "slip_number": "JK1"}
    response = client.post("/collection/bank/", data)
    assert response.status_code == 200 and "请说明原因" in response.text
    response = client.post("/collection/bank/", {**data, "note": "假币一元"})
    assert response.status_code == 302


def test_the_monthly_report_exports_to_excel(client_for, counter_clerk, department_head):
    pay(counter_clerk, amount="10.00")
    client = client_for(department_head)
    assert "¥10.00" in client.get("/collection/report/").text
    response = client.get("/collection/report.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "营业员小王" in values and 10 in values
    assert client_for(counter_clerk).get("/collection/report.xlsx").status_code == 403


@pytest.mark.parametrize("path", ["/collection/report/", "/collection/report.xlsx"])
@pytest.mark.parametrize(
    ("month", "says"),
    [
        ("9999-12", "年份「9999」超出范围"),
        ("99999999999-01", "格式不对"),
        ("2026-13", "月份应在 1 到 12 之间"),
        ("2026-¹", "格式不对"),
        ("1999-12", "年份「1999」超出范围"),
    ],
)
def test_a_month_the_reports_cannot_hold_is_a_chinese_400(client_for, department_head, path, month, says):
    # given a leader who types a month by hand into the report's address
    client = client_for(department_head)
    # when the report or its Excel export is asked for that month
    response = client.get(path, {"month": month})
    # then the page says what is wrong with the month instead of failing
    assert response.status_code == 400
    assert says in response.text


def test_the_report_month_is_read_as_typed(client_for, department_head):
    response = client_for(department_head).get("/collection/report/", {"month": "2026-3"})
    assert response.status_code == 200 and "2026年3月" in response.text


def test_the_vat_pages_request_and_issue(client_for, counter_clerk, department_head):
    payment = pay(counter_clerk)
    response = client_for(counter_clerk).post(
        f"/collection/payments/{payment.pk}/vat/",
        {
            "company_name": "某公司",
            "tax_id": "91330106MA27XL0E2X",
            "address_phone": "地址 电话",
            "bank_name": "工行",
            "bank_account": "123",
        },
    )
    assert response.status_code == 200 and "统一社会信用代码" in response.text
    response = client_for(counter_clerk).post(
        f"/collection/payments/{payment.pk}/vat/",
        {
            "company_name": "某公司",
            "tax_id": "91330106MA27XL0E27",
            "address_phone": "地址 电话",
            "bank_name": "工行",
            "bank_account": "123",
        },
    )
    assert response.status_code == 302
    vat = payment.vat_requests.get()
    assert client_for(department_head).get("/collection/vat/").status_code == 200
    response = client_for(department_head).post(
        f"/collection/vat/{vat.pk}/issue/", {"invoice_number": "No.9"}
    )
    assert response.status_code == 302
    vat.refresh_from_db()
    assert vat.status == "issued"


def test_the_lists_show_empty_states_then_rows(client_for, counter_clerk):
    client = client_for(counter_clerk)
    assert "没有符合条件的收费记录" in client.get("/collection/payments/").text
    assert "暂无解款记录" in client.get("/collection/bank/").text
    assert "暂无增值税专用发票申请" in client.get("/collection/vat/").text
    payment = pay(counter_clerk)
    assert payment.number in client.get("/collection/payments/").text
    assert payment.number in client.get(f"/collection/payments/{payment.pk}/").text


def test_the_payment_list_costs_the_same_queries_however_long(
    client_for, counter_clerk, django_assert_num_queries
):
    client = client_for(counter_clerk)
    pay(counter_clerk)
    client.get("/collection/payments/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/collection/payments/")
    for _ in range(5):
        pay(counter_clerk)
    with django_assert_num_queries(len(captured)):
        client.get("/collection/payments/")
