"""The collection window (收费, P8): payments taken at the counter, VAT invoice requests, cash banked.

Record-keeping, not a billing engine: the bills themselves live in the billing system; here we keep
what was paid, by whom, how, and that the day's cash reached the bank (现金不过夜, seed ch.6 §5.4)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import TimeStampedModel
from kefu.customers.models import Account, Customer


class PaymentQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(voided=False)


class Payment(TimeStampedModel):
    """One payment taken at the window (收费记录). Never deleted: a mistake is voided with a reason."""

    class Kind(models.TextChoices):
        CURRENT = "current", _("当期水费")
        ARREARS = "arrears", _("欠费")
        OTHER = "other", _("其他")

    class Method(models.TextChoices):
        CASH = "cash", _("现金")
        CARD = "card", _("刷卡")
        WECHAT = "wechat", _("微信")
        ALIPAY = "alipay", _("支付宝")
        TRANSFER = "transfer", _("转账")

    number = models.CharField(_("收费流水号"), max_length=20, unique=True)
    account = models.ForeignKey(
        Account, verbose_name=_("账户"), on_delete=models.PROTECT, related_name="payments"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    kind = models.CharField(_("收费类型"), max_length=16, choices=Kind.choices)
    method = models.CharField(_("支付方式"), max_length=16, choices=Method.choices)
    received_at = models.DateTimeField(_("收费时间"))
    # The business day the payment counts towards (local date of received_at), kept as a column so the
    # clerk's day, the banking and the monthly report filter on an index rather than on a time range.
    day = models.DateField(_("收费日期"))
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("收费员"), on_delete=models.PROTECT, related_name="+"
    )
    invoice_number = models.CharField(_("普通发票号"), max_length=40, blank=True)
    # What the account owed before and after, so a void can be checked against the record.
    arrears_before = models.DecimalField(_("收费前欠费"), max_digits=12, decimal_places=2, default=0)
    arrears_after = models.DecimalField(_("收费后欠费"), max_digits=12, decimal_places=2, default=0)
    voided = models.BooleanField(_("已作废"), default=False)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作废人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("收费记录")
        verbose_name_plural = _("收费记录")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("void_payment", _("可作废收费记录")),
            ("view_collection_report", _("可查看收费月报")),
        ]
        indexes = [
            models.Index(fields=["clerk", "day"], name="payment_clerk_day"),
            models.Index(fields=["day"], name="payment_day"),
            models.Index(fields=["customer", "-received_at"], name="payment_customer"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(voided=False) | ~models.Q(void_reason=""), name="payment_void_has_reason"
            ),
        ]

    def __str__(self):
        return self.number


class VatInvoiceRequest(TimeStampedModel):
    """A request for a special VAT invoice (增值税专用发票, seed §5.5), issued later by a leader."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("已申请")
        ISSUED = "issued", _("已开具")

    payments = models.ManyToManyField(Payment, verbose_name=_("收费记录"), related_name="vat_requests")
    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.PROTECT, related_name="vat_requests"
    )
    company_name = models.CharField(_("单位名称"), max_length=100)
    tax_id = models.CharField(_("纳税人识别号（统一社会信用代码）"), max_length=18)
    address_phone = models.CharField(_("地址、电话"), max_length=200)
    bank_name = models.CharField(_("开户行"), max_length=100)
    bank_account = models.CharField(_("银行账号"), max_length=40)
    amount = models.DecimalField(_("开票金额（元）"), max_digits=12, decimal_places=2)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    invoice_number = models.CharField(_("专用发票号"), max_length=40, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("开票人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("开票时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("增值税专用发票申请")
        verbose_name_plural = _("增值税专用发票申请")
        ordering = ["-created_at", "-id"]
        permissions = [("issue_vatinvoice", _("可开具增值税专用发票"))]
        indexes = [models.Index(fields=["status", "-created_at"], name="vat_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="requested") | ~models.Q(invoice_number=""),
                name="vat_issued_has_number",
            )
        ]

    def __str__(self):
        return f"{self.company_name} ¥{self.amount:,.2f}"


class CashBanking(TimeStampedModel):
    """The cash one clerk took on one day, paid into the bank (现金解款). Once per clerk and day."""

    day = models.DateField(_("收费日期"))
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("收费员"), on_delete=models.PROTECT, related_name="+"
    )
    cash_total = models.DecimalField(_("当日现金收款（元）"), max_digits=12, decimal_places=2)
    banked_amount = models.DecimalField(_("解款金额（元）"), max_digits=12, decimal_places=2)
    slip_number = models.CharField(_("银行缴款单号"), max_length=40)
    banked_at = models.DateTimeField(_("解款时间"))
    note = models.CharField(_("差额说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("现金解款")
        verbose_name_plural = _("现金解款")
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["clerk", "day"], name="cashbanking_once_per_clerk_day"),
            models.CheckConstraint(
                condition=models.Q(banked_amount__gte=0), name="cashbanking_amount_not_negative"
            ),
            # A difference between the cash taken and the cash banked is explained, never silent.
            models.CheckConstraint(
                condition=models.Q(banked_amount=models.F("cash_total")) | ~models.Q(note=""),
                name="cashbanking_difference_explained",
            ),
        ]

    def __str__(self):
        return f"{self.day} ¥{self.banked_amount:,.2f}"

    @property
    def difference(self) -> Decimal:
        return self.banked_amount - self.cash_total
