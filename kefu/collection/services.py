"""Every write at the collection window. Each records its event in the same transaction (P8).

The services check permission themselves as well as the pages and API: a payment moves money and
arrears, so no caller (a command, a future import) should be able to skip the check by accident."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from kefu.collection.events import (
    cash_banked_event,
    payment_recorded_event,
    payment_voided_event,
    vat_invoice_issued_event,
    vat_invoice_requested_event,
)
from kefu.collection.models import CashBanking, Payment, VatInvoiceRequest
from kefu.core.numbering import day_period, next_number
from kefu.core.permissions import require
from kefu.core.validators import normalise_credit_code
from kefu.customers.models import Account

NUMBER_PREFIX = "SF"
PAYMENT_SERIES = "collection.payment"  # NumberSequence key; one series per day
CENT = Decimal("0.01")


def yuan(value: Decimal) -> str:
    """¥1,234.50: how money is written on every page, receipt and error message."""
    return f"¥{value:,.2f}"


def payment_number(day: date, sequence: int) -> str:
    return f"{NUMBER_PREFIX}{day:%Y%m%d}-{sequence:04d}"


def clean_amount(value, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """A sum of money in yuan with at most two decimals (fen), refused in Chinese otherwise."""
    try:
        amount = Decimal(str(value).strip().replace(",", "").removeprefix("¥"))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: "请输入有效的金额，例如 1234.50"}) from None
    if not amount.is_finite():
        raise ValidationError({field: "请输入有效的金额，例如 1234.50"})
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({field: "金额必须大于零" if not allow_zero else "金额不能为负数"})
    # Before rounding to fen: quantize() cannot hold 1e198 to two decimals and would raise (a 500 the
    # fuzzing found, issue 11 item 14).
    if amount >= Decimal("10000000000"):
        raise ValidationError({field: "金额过大，请核对"})
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValidationError({field: "金额最多精确到分（两位小数）"})
    return amount.quantize(CENT)


@transaction.atomic
def record_payment(
    *,
    actor,
    account: Account,
    amount: Decimal | str,
    kind: str,
    method: str,
    invoice_number: str = "",
) -> Payment:
    """Take a payment on an account. Paying arrears lowers the account's arrears (never below zero)."""
    require(actor, "collection.add_payment")
    amount = clean_amount(amount)
    if kind not in Payment.Kind.values:
        raise ValidationError({"kind": "请选择收费类型"})
    if method not in Payment.Method.values:
        raise ValidationError({"method": "请选择支付方式"})
    # Lock the account: two windows taking the same arrears at once must not both succeed.
    account = Account.objects.select_for_update().get(pk=account.pk)
    old_arrears = account.arrears
    new_arrears = old_arrears
    if kind == Payment.Kind.ARREARS:
        if old_arrears <= 0:
            raise ValidationError({"kind": f"账户{account.number}没有欠费，请选择“当期水费”或“其他”"})
        if amount > old_arrears:
            raise ValidationError(
                {
                    "amount": f"收费金额{yuan(amount)}超过账户{account.number}的欠费{yuan(old_arrears)}，"
                    f"欠费最多收取{yuan(old_arrears)}"
                }
            )
        new_arrears = old_arrears - amount
        account.arrears = new_arrears
        if new_arrears == 0:
            account.arrears_since = None
        account.save(update_fields=["arrears", "arrears_since", "updated_at"])

    now = timezone.now()
    day = timezone.localdate(now)
    payment = Payment.objects.create(
        # Gap-free per day, as the auditors expect of receipts: a refused payment gives its number back.
        number=payment_number(day, next_number(PAYMENT_SERIES, day_period(day))),
        account=account,
        customer_id=account.customer_id,
        amount=amount,
        kind=kind,
        method=method,
        received_at=now,
        day=day,
        clerk=actor,
        invoice_number=invoice_number.strip(),
        arrears_before=old_arrears,
        arrears_after=new_arrears,
    )
    changes = {"payment": [None, payment.number], "amount": [None, str(amount)]}
    if new_arrears != old_arrears:
        changes["arrears"] = [str(old_arrears), str(new_arrears)]
    payment_recorded_event(
        actor=actor,
        customer=account.customer,
        changes=changes,
        note=f"账户{account.number}收费{yuan(amount)}（{payment.get_kind_display()}，{payment.get_method_display()}）",
    )
    return payment


@transaction.atomic
def void_payment(*, actor, payment: Payment, reason: str) -> Payment:
    """Void a payment (leaders only). It stays on file; arrears it paid are owed again."""
    require(actor, "collection.void_payment")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写作废原因"})
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.voided:
        raise ValidationError({"__all__": f"收费记录{payment.number}已作废"})
    if payment.vat_requests.filter(status=VatInvoiceRequest.Status.ISSUED).exists():
        # The special invoice is a tax document already handed to the customer: it must be reversed
        # (红字发票) first, outside this system, before the payment can be voided.
        raise ValidationError({"__all__": "该收费已开具增值税专用发票，须先冲红发票后再作废"})
    account = Account.objects.select_for_update().get(pk=payment.account_id)
    old_arrears = account.arrears
    changes = {"voided": [False, True]}
    if payment.kind == Payment.Kind.ARREARS:
        account.arrears = old_arrears + payment.amount
        if account.arrears_since is None:
            account.arrears_since = payment.day
        account.save(update_fields=["arrears", "arrears_since", "updated_at"])
        changes["arrears"] = [str(old_arrears), str(account.arrears)]
    payment.voided = True
    payment.void_reason = reason[:200]
    payment.voided_by = actor
    payment.voided_at = timezone.now()
    payment.save(update_fields=["voided", "void_reason", "voided_by", "voided_at", "updated_at"])
    payment_voided_event(
        actor=actor,
        customer=account.customer,
        changes=changes,
        note=f"作废收费{payment.number}（{yuan(payment.amount)}）：{reason}",
    )
    return payment


@transaction.atomic
def request_vat_invoice(
    *,
    actor,
    payments: list[Payment],
    company_name: str,
    tax_id: str,
    address_phone: str,
    bank_name: str,
    bank_account: str,
) -> VatInvoiceRequest:
    """Record a customer's request for a special VAT invoice over one or more of its payments."""
    require(actor, "collection.add_vatinvoicerequest")
    errors: dict[str, str] = {}
    try:
        tax_id = normalise_credit_code(tax_id)
    except ValidationError as exc:
        errors["tax_id"] = exc.messages[0]
    fields = {
        "company_name": (company_name, "请填写单位名称"),
        "address_phone": (address_phone, "请填写地址、电话"),
        "bank_name": (bank_name, "请填写开户行"),
        "bank_account": (bank_account, "请填写银行账号"),
    }
    for field, (value, message) in fields.items():
        if not (value or "").strip():
            errors[field] = message
    ids = [p.pk for p in payments]
    rows = list(Payment.objects.select_for_update().filter(pk__in=ids))
    if not rows:
        errors["payments"] = "请选择要开票的收费记录"
    elif len({p.customer_id for p in rows}) > 1:
        errors["payments"] = "一张专用发票只能开给同一客户的收费"
    elif any(p.voided for p in rows):
        errors["payments"] = "已作废的收费不能开票"
    elif VatInvoiceRequest.objects.filter(payments__in=rows).exists():
        errors["payments"] = "所选收费已申请过增值税专用发票"
    if errors:
        raise ValidationError(errors)
    request = VatInvoiceRequest.objects.create(
        customer_id=rows[0].customer_id,
        company_name=company_name.strip(),
        tax_id=tax_id,
        address_phone=address_phone.strip(),
        bank_name=bank_name.strip(),
        bank_account=bank_account.strip().replace(" ", ""),
        amount=sum((p.amount for p in rows), Decimal("0")),
        requested_by=actor,
    )
    request.payments.set(rows)
    vat_invoice_requested_event(
        actor=actor,
        customer=request.customer,
        changes={"vat_request": [None, request.pk]},
        note=f"申请增值税专用发票：{request.company_name}，{yuan(request.amount)}",
    )
    return request


@transaction.atomic
def issue_vat_invoice(*, actor, request: VatInvoiceRequest, invoice_number: str) -> VatInvoiceRequest:
    """Mark a VAT invoice request issued, with the invoice's number (leaders only)."""
    require(actor, "collection.issue_vatinvoice")
    invoice_number = (invoice_number or "").strip()
    if not invoice_number:
        raise ValidationError({"invoice_number": "请填写专用发票号码"})
    request = VatInvoiceRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == VatInvoiceRequest.Status.ISSUED:
        raise ValidationError({"__all__": f"该申请已开具，发票号{request.invoice_number}"})
    if request.payments.filter(voided=True).exists():
        raise ValidationError({"__all__": "申请中的收费已被作废，不能开票"})
    request.status = VatInvoiceRequest.Status.ISSUED
    request.invoice_number = invoice_number[:40]
    request.issued_by = actor
    request.issued_at = timezone.now()
    request.save(update_fields=["status", "invoice_number", "issued_by", "issued_at", "updated_at"])
    vat_invoice_issued_event(
        actor=actor,
        customer=request.customer,
        changes={"status": ["requested", "issued"], "invoice_number": ["", request.invoice_number]},
        note=f"开具增值税专用发票{request.invoice_number}：{yuan(request.amount)}",
    )
    return request


def cash_collected(*, clerk, day: date) -> Decimal:
    total = (
        Payment.objects.valid()
        .filter(clerk=clerk, day=day, method=Payment.Method.CASH)
        .aggregate(total=Sum("amount"))["total"]
    )
    return total or Decimal("0.00")


@transaction.atomic
def bank_cash(
    *, actor, day: date, banked_amount: Decimal | str, slip_number: str, note: str = ""
) -> CashBanking:
    """Record that the actor paid the day's cash into the bank (现金不过夜, seed §5.4). Once per day."""
    require(actor, "collection.add_cashbanking")
    banked_amount = clean_amount(banked_amount, field="banked_amount", allow_zero=True)
    slip_number = (slip_number or "").strip()
    note = (note or "").strip()
    if day > timezone.localdate():
        raise ValidationError({"day": "不能为将来的日期解款"})
    if CashBanking.objects.filter(clerk=actor, day=day).exists():
        raise ValidationError({"day": f"{day:%Y年%m月%d日}的现金已解款，每人每天只解款一次"})
    if not slip_number:
        raise ValidationError({"slip_number": "请填写银行缴款单号"})
    cash_total = cash_collected(clerk=actor, day=day)
    if cash_total == 0 and banked_amount == 0:
        raise ValidationError({"banked_amount": "当日没有现金收款，无需解款"})
    if banked_amount != cash_total and not note:
        raise ValidationError(
            {
                "note": f"解款{yuan(banked_amount)}与当日现金收款{yuan(cash_total)}相差"
                f"{yuan(abs(banked_amount - cash_total))}，请说明原因"
            }
        )
    try:
        # The unique constraint is the real guard when two requests race past the check above.
        with transaction.atomic():
            banking = CashBanking.objects.create(
                day=day,
                clerk=actor,
                cash_total=cash_total,
                banked_amount=banked_amount,
                slip_number=slip_number[:40],
                banked_at=timezone.now(),
                note=note[:200],
            )
    except IntegrityError:
        raise ValidationError({"day": f"{day:%Y年%m月%d日}的现金已解款，每人每天只解款一次"}) from None
    cash_banked_event(
        actor=actor,
        banking=banking,
        changes={"banked_amount": [None, str(banked_amount)], "cash_total": [None, str(cash_total)]},
        note=note,
    )
    return banking
