from decimal import Decimal

import pytest
from django.utils import timezone

from kefu.collection import services
from kefu.collection.tests.factories import pay
from kefu.customers.tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, data=data, content_type="application/json")


def test_a_clerk_records_a_payment_through_the_api(client_for, counter_clerk):
    # given an account owing ¥500.00
    account = AccountFactory(arrears=Decimal("500.00"))
    # when the clerk records ¥200.00 of arrears paid by WeChat
    response = post(
        client_for(counter_clerk),
        "/api/collection/payments",
        {"account_id": account.pk, "amount": "200.00", "kind": "arrears", "method": "wechat"},
    )
    # then it is recorded with its number and the arrears fall
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("SF") and body["method_label"] == "微信"
    assert Decimal(body["arrears_after"]) == Decimal("300.00")
    account.refresh_from_db()
    assert account.arrears == Decimal("300.00")


def test_overpaying_the_arrears_is_a_400_naming_the_amount(client_for, counter_clerk):
    account = AccountFactory(arrears=Decimal("100.00"))
    response = post(
        client_for(counter_clerk),
        "/api/collection/payments",
        {"account_id": account.pk, "amount": "150.00", "kind": "arrears", "method": "cash"},
    )
    assert response.status_code == 400
    message = response.json()["errors"]["amount"][0]
    assert "¥150.00" in message and "¥100.00" in message


def test_an_agent_cannot_record_a_payment(client_for, agent):
    account = AccountFactory(arrears=Decimal("100.00"))
    response = post(
        client_for(agent),
        "/api/collection/payments",
        {"account_id": account.pk, "amount": "50.00", "kind": "arrears", "method": "cash"},
    )
    assert response.status_code == 403
    account.refresh_from_db()
    assert account.arrears == Decimal("100.00")


def test_payments_are_listed_with_filters_and_paging(client_for, counter_clerk, department_head):
    account = AccountFactory()
    for _ in range(3):
        pay(counter_clerk, account=account)
    pay(counter_clerk)
    client = client_for(counter_clerk)
    body = client.get(f"/api/collection/payments?customer={account.customer_id}").json()
    assert len(body["results"]) == 3 and body["has_next"] is False
    today = timezone.localdate().isoformat()
    assert (
        len(client.get(f"/api/collection/payments?day={today}&clerk={counter_clerk.pk}").json()["results"])
        == 4
    )
    assert client.get(f"/api/collection/payments?clerk={department_head.pk}").json()["results"] == []


def test_the_clerk_cannot_void_but_the_head_can(client_for, counter_clerk, department_head):
    account = AccountFactory(arrears=Decimal("80.00"))
    payment = pay(counter_clerk, account=account, amount="80.00", kind="arrears")
    url = f"/api/collection/payments/{payment.pk}/void"
    assert post(client_for(counter_clerk), url, {"reason": "写错"}).status_code == 403
    response = post(client_for(department_head), url, {"reason": "收错户"})
    assert response.status_code == 200
    assert response.json()["voided"] is True
    account.refresh_from_db()
    assert account.arrears == Decimal("80.00")


def test_the_monthly_report_sums_by_kind_method_and_clerk(
    client_for, counter_clerk, department_head, make_user
):
    # given two clerks' payments this month, one voided, and an issued VAT invoice
    other = make_user("counter_clerk", username="clerk2", name="营业员小赵")
    pay(counter_clerk, amount="100.00", method="cash")
    pay(
        counter_clerk,
        account=AccountFactory(arrears=Decimal("60")),
        amount="60.00",
        kind="arrears",
        method="card",
    )
    taken = pay(other, amount="40.50", method="alipay")
    voided = pay(other, amount="999.00")
    services.void_payment(actor=department_head, payment=voided, reason="收错户")
    vat = services.request_vat_invoice(
        actor=counter_clerk,
        payments=[taken],
        company_name="某公司",
        tax_id="91330106MA27XL0E27",
        address_phone="地址 电话",
        bank_name="工行",
        bank_account="123",
    )
    services.issue_vat_invoice(actor=department_head, request=vat, invoice_number="No.1")
    # when the head reads the report
    today = timezone.localdate()
    response = client_for(department_head).get(
        f"/api/collection/report?year={today.year}&month={today.month}"
    )
    # then only valid payments count, grouped each way
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and Decimal(body["amount"]) == Decimal("200.50")
    assert body["voided_count"] == 1 and Decimal(body["voided_amount"]) == Decimal("999.00")
    assert Decimal(body["current_collected"]) == Decimal("140.50")
    assert Decimal(body["arrears_collected"]) == Decimal("60.00")
    methods = {r["key"]: Decimal(r["amount"]) for r in body["by_method"]}
    assert methods["cash"] == Decimal("100.00") and methods["card"] == Decimal("60.00")
    assert methods["alipay"] == Decimal("40.50") and methods["wechat"] == 0
    clerks = {r["label"]: Decimal(r["amount"]) for r in body["by_clerk"]}
    assert clerks == {"营业员小王": Decimal("160.00"), "营业员小赵": Decimal("40.50")}
    assert body["vat_issued_count"] == 1 and Decimal(body["vat_issued_amount"]) == Decimal("40.50")


def test_the_clerk_cannot_read_the_monthly_report(client_for, counter_clerk):
    assert client_for(counter_clerk).get("/api/collection/report").status_code == 403


def test_an_absurdly_large_amount_is_a_chinese_400_not_a_500(client_for, counter_clerk):
    # given an account (the fuzzing sent 1.09e198 yuan as a refund: issue 11 item 14)
    account = AccountFactory(arrears=Decimal("100.00"))
    # when such an amount is posted
    response = post(
        client_for(counter_clerk),
        "/api/collection/payments",
        {"account_id": account.pk, "amount": 1.0896697169354855e198, "kind": "refund", "method": "cash"},
    )
    # then the clerk is told it is too large, and nothing is recorded
    assert response.status_code == 400
    assert response.json()["errors"]["amount"] == ["金额过大，请核对"]
    account.refresh_from_db()
    assert account.arrears == Decimal("100.00")


@pytest.mark.parametrize("query", ["month=0&year=0", "month=13", "year=1999", "month=0.5"])
def test_a_month_outside_the_calendar_is_a_400_not_this_month(client_for, department_head, query):
    # given the head asks for the report of month 0 (which used to be read as "this month")
    response = client_for(department_head).get(f"/api/collection/report?{query}")
    # then the API says which field is wrong
    assert response.status_code == 400
    assert set(response.json()["errors"]) & {"month", "year"}
