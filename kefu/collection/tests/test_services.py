from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kefu.collection import services
from kefu.collection.events import CollectionEvents
from kefu.collection.models import CashBanking, Payment
from kefu.collection.tests.factories import pay
from kefu.core.events import events_for
from kefu.customers.services import check_arrears
from kefu.customers.tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

VALID_USCC = "91330106MA27XL0E27"


def test_paying_arrears_lowers_them_and_the_arrears_check_sees_it(counter_clerk):
    # given an account owing ¥300.00
    account = AccountFactory(arrears=Decimal("300.00"))
    assert check_arrears(account.customer).total == Decimal("300.00")
    # when the clerk takes ¥120.50 of arrears
    payment = pay(counter_clerk, account=account, amount="120.50", kind="arrears")
    # then the account owes ¥179.50, and the check every process calls sees it
    account.refresh_from_db()
    assert account.arrears == Decimal("179.50")
    assert check_arrears(account.customer).total == Decimal("179.50")
    assert (payment.arrears_before, payment.arrears_after) == (Decimal("300.00"), Decimal("179.50"))
    event = events_for(account.customer).get(verb=CollectionEvents.PAYMENT_RECORDED)
    assert event.changes["arrears"] == ["300.00", "179.50"]


def test_paying_all_arrears_clears_the_check(counter_clerk):
    account = AccountFactory(arrears=Decimal("88.00"))
    pay(counter_clerk, account=account, amount="88.00", kind="arrears")
    assert not check_arrears(account.customer).has_arrears


def test_a_current_payment_leaves_the_arrears_alone(counter_clerk):
    account = AccountFactory(arrears=Decimal("50.00"))
    pay(counter_clerk, account=account, amount="30.00", kind="current")
    account.refresh_from_db()
    assert account.arrears == Decimal("50.00")


def test_paying_more_than_the_arrears_is_refused_naming_both(counter_clerk):
    account = AccountFactory(arrears=Decimal("100.00"))
    with pytest.raises(ValidationError) as caught:
        pay(counter_clerk, account=account, amount="1234.50", kind="arrears")
    message = caught.value.message_dict["amount"][0]
    assert "¥1,234.50" in message and "¥100.00" in message
    account.refresh_from_db()
    assert account.arrears == Decimal("100.00")
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-5", "1.234", "abc"])
def test_an_amount_must_be_positive_money(counter_clerk, amount):
    with pytest.raises(ValidationError) as caught:
        services.record_payment(
            actor=counter_clerk, account=AccountFactory(), amount=amount, kind="current", method="cash"
        )
    assert "amount" in caught.value.message_dict


def test_an_agent_cannot_take_a_payment(agent):
    with pytest.raises(PermissionDenied):
        pay(agent)


def test_numbers_are_gap_free_per_day(counter_clerk):
    with time_machine.travel("2026-11-22 09:00 +0800", tick=False):
        first = pay(counter_clerk)
        # a refused payment takes no number
        with pytest.raises(ValidationError):
            pay(counter_clerk, account=AccountFactory(arrears=Decimal("1")), amount="5", kind="arrears")
        second = pay(counter_clerk)
    with time_machine.travel("2026-11-23 09:00 +0800", tick=False):
        next_day = pay(counter_clerk)
    assert [first.number, second.number, next_day.number] == [
        "SF20261122-0001",
        "SF20261122-0002",
        "SF20261123-0001",
    ]


def test_a_leader_voids_a_payment_and_the_arrears_are_owed_again(counter_clerk, department_head):
    # given an arrears payment
    account = AccountFactory(arrears=Decimal("200.00"))
    payment = pay(counter_clerk, account=account, amount="200.00", kind="arrears")
    # when the department head voids it with a reason
    services.void_payment(actor=department_head, payment=payment, reason="客户重复缴费")
    # then the payment stays on file, voided, and the arrears are back
    payment.refresh_from_db()
    account.refresh_from_db()
    assert payment.voided and payment.void_reason == "客户重复缴费" and payment.voided_by == department_head
    assert account.arrears == Decimal("200.00")
    assert check_arrears(account.customer).total == Decimal("200.00")


def test_a_clerk_cannot_void(counter_clerk):
    payment = pay(counter_clerk)
    with pytest.raises(PermissionDenied):
        services.void_payment(actor=counter_clerk, payment=payment, reason="写错了")


def test_a_void_needs_a_reason_and_happens_once(counter_clerk, department_head):
    payment = pay(counter_clerk)
    with pytest.raises(ValidationError) as caught:
        services.void_payment(actor=department_head, payment=payment, reason=" ")
    assert "reason" in caught.value.message_dict
    services.void_payment(actor=department_head, payment=payment, reason="收错户")
    with pytest.raises(ValidationError):
        services.void_payment(actor=department_head, payment=payment, reason="再来一次")


def test_cash_is_banked_once_a_day(counter_clerk):
    # given ¥150.00 in cash and ¥80.00 by WeChat today
    pay(counter_clerk, amount="100.00")
    pay(counter_clerk, amount="50.00")
    pay(counter_clerk, amount="80.00", method="wechat")
    today = timezone.localdate()
    # when the clerk banks the cash
    banking = services.bank_cash(actor=counter_clerk, day=today, banked_amount="150.00", slip_number="JK001")
    # then only the cash counts, and a second banking the same day is refused
    assert banking.cash_total == Decimal("150.00")
    with pytest.raises(ValidationError) as caught:
        services.bank_cash(actor=counter_clerk, day=today, banked_amount="150.00", slip_number="JK002")
    assert "day" in caught.value.message_dict
    assert CashBanking.objects.count() == 1


def test_a_difference_in_the_banking_needs_a_note(counter_clerk):
    pay(counter_clerk, amount="100.00")
    today = timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        services.bank_cash(actor=counter_clerk, day=today, banked_amount="90.00", slip_number="JK001")
    assert "¥10.00" in caught.value.message_dict["note"][0]
    banking = services.bank_cash(
        actor=counter_clerk, day=today, banked_amount="90.00", slip_number="JK001", note="找零备用金10元"
    )
    assert banking.difference == Decimal("-10.00")


def test_voided_cash_is_not_to_be_banked(counter_clerk, department_head):
    pay(counter_clerk, amount="100.00")
    wrong = pay(counter_clerk, amount="40.00")
    services.void_payment(actor=department_head, payment=wrong, reason="收错户")
    assert services.cash_collected(clerk=counter_clerk, day=timezone.localdate()) == Decimal("100.00")


def test_banking_a_future_day_is_refused(counter_clerk):
    with pytest.raises(ValidationError):
        services.bank_cash(
            actor=counter_clerk,
            day=timezone.localdate() + timedelta(days=1),
            banked_amount="0",
            slip_number="JK",
            note="x",
        )


def _vat_request(clerk, payment, tax_id=VALID_USCC):
    return services.request_vat_invoice(
        actor=clerk,
        payments=[payment],
        company_name="杭州某某餐饮有限公司",
        tax_id=tax_id,
        address_phone="西湖区文三路100号 0571-87654321",
        bank_name="工商银行文三路支行",
        bank_account="1202 0000 1234 5678",
    )


def test_the_vat_tax_id_is_checked(counter_clerk):
    payment = pay(counter_clerk)
    with pytest.raises(ValidationError) as caught:
        _vat_request(counter_clerk, payment, tax_id=VALID_USCC[:-1] + "3")
    assert "GB 32100" in caught.value.message_dict["tax_id"][0]
    request = _vat_request(counter_clerk, payment, tax_id=VALID_USCC.lower())
    assert request.tax_id == VALID_USCC
    assert request.amount == payment.amount


def test_a_leader_issues_the_vat_invoice_and_then_the_payment_cannot_be_voided(
    counter_clerk, department_head
):
    payment = pay(counter_clerk)
    request = _vat_request(counter_clerk, payment)
    with pytest.raises(PermissionDenied):
        services.issue_vat_invoice(actor=counter_clerk, request=request, invoice_number="33001234")
    services.issue_vat_invoice(actor=department_head, request=request, invoice_number="33001234")
    request.refresh_from_db()
    assert request.status == "issued" and request.issued_by == department_head
    with pytest.raises(ValidationError):
        services.void_payment(actor=department_head, payment=payment, reason="退费")
