"""Reads shared by the pages, the API and the Excel export."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum

from kefu.collection.models import CashBanking, Payment, VatInvoiceRequest

ZERO = Decimal("0.00")


@dataclass
class MethodTotal:
    method: str
    label: str
    count: int
    amount: Decimal


@dataclass
class ClerkDay:
    """One clerk's day at the window: what they took, how, and the cash they owe the bank."""

    day: date
    payments: list[Payment]
    by_method: list[MethodTotal]
    count: int
    total: Decimal
    cash_total: Decimal
    banking: CashBanking | None

    @property
    def cash_to_bank(self) -> Decimal:
        return ZERO if self.banking else self.cash_total


def clerk_day(*, clerk, day: date) -> ClerkDay:
    payments = list(
        Payment.objects.filter(clerk=clerk, day=day).select_related("account", "customer").order_by("number")
    )
    valid = [p for p in payments if not p.voided]
    by_method = []
    for value, label in Payment.Method.choices:
        rows = [p for p in valid if p.method == value]
        by_method.append(MethodTotal(value, str(label), len(rows), sum((p.amount for p in rows), ZERO)))
    cash_total = next(m.amount for m in by_method if m.method == Payment.Method.CASH)
    return ClerkDay(
        day=day,
        payments=payments,
        by_method=by_method,
        count=len(valid),
        total=sum((p.amount for p in valid), ZERO),
        cash_total=cash_total,
        banking=CashBanking.objects.filter(clerk=clerk, day=day).first(),
    )


@dataclass
class ReportRow:
    key: str
    label: str
    count: int = 0
    amount: Decimal = ZERO


@dataclass
class MonthlyReport:
    """The monthly collection report (现收、追收水费财务报表, seed §5.7)."""

    year: int
    month: int
    count: int = 0
    amount: Decimal = ZERO
    voided_count: int = 0
    voided_amount: Decimal = ZERO
    by_kind: list[ReportRow] = field(default_factory=list)
    by_method: list[ReportRow] = field(default_factory=list)
    by_clerk: list[ReportRow] = field(default_factory=list)
    vat_issued_count: int = 0
    vat_issued_amount: Decimal = ZERO
    cash_collected: Decimal = ZERO
    cash_banked: Decimal = ZERO

    @property
    def current_collected(self) -> Decimal:
        return next((r.amount for r in self.by_kind if r.key == Payment.Kind.CURRENT), ZERO)

    @property
    def arrears_collected(self) -> Decimal:
        return next((r.amount for r in self.by_kind if r.key == Payment.Kind.ARREARS), ZERO)

    def as_dict(self) -> dict:
        def rows(items):
            return [{"key": r.key, "label": r.label, "count": r.count, "amount": r.amount} for r in items]

        return {
            "year": self.year,
            "month": self.month,
            "count": self.count,
            "amount": self.amount,
            "voided_count": self.voided_count,
            "voided_amount": self.voided_amount,
            "current_collected": self.current_collected,
            "arrears_collected": self.arrears_collected,
            "by_kind": rows(self.by_kind),
            "by_method": rows(self.by_method),
            "by_clerk": rows(self.by_clerk),
            "vat_issued_count": self.vat_issued_count,
            "vat_issued_amount": self.vat_issued_amount,
            "cash_collected": self.cash_collected,
            "cash_banked": self.cash_banked,
        }


def month_bounds(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return start, end


def monthly_report(*, year: int, month: int) -> MonthlyReport:
    """Valid payments of the month grouped in the database; voided ones counted apart."""
    start, end = month_bounds(year, month)
    month_payments = Payment.objects.filter(day__gte=start, day__lt=end)
    valid = month_payments.filter(voided=False)
    report = MonthlyReport(year=year, month=month)
    totals = month_payments.aggregate(
        n=Count("id", filter=Q(voided=False)),
        total=Sum("amount", filter=Q(voided=False)),
        voided_n=Count("id", filter=Q(voided=True)),
        voided_total=Sum("amount", filter=Q(voided=True)),
    )
    report.count = totals["n"]
    report.amount = totals["total"] or ZERO
    report.voided_count = totals["voided_n"]
    report.voided_amount = totals["voided_total"] or ZERO

    def grouped(field_name: str, choices) -> list[ReportRow]:
        # Every choice gets a row, even at zero, so the report's layout is the same every month.
        found = {
            row[field_name]: row
            for row in valid.values(field_name).annotate(n=Count("id"), total=Sum("amount")).order_by()
        }
        return [
            ReportRow(
                value, str(label), found.get(value, {}).get("n", 0), found.get(value, {}).get("total") or ZERO
            )
            for value, label in choices
        ]

    report.by_kind = grouped("kind", Payment.Kind.choices)
    report.by_method = grouped("method", Payment.Method.choices)
    report.by_clerk = [
        ReportRow(str(row["clerk_id"]), row["clerk__name"] or row["clerk__username"], row["n"], row["total"])
        for row in valid.values("clerk_id", "clerk__name", "clerk__username")
        .annotate(n=Count("id"), total=Sum("amount"))
        .order_by("-total", "clerk_id")
    ]
    report.cash_collected = next(r.amount for r in report.by_method if r.key == Payment.Method.CASH)
    report.cash_banked = (
        CashBanking.objects.filter(day__gte=start, day__lt=end).aggregate(s=Sum("banked_amount"))["s"] or ZERO
    )
    issued = VatInvoiceRequest.objects.filter(
        status=VatInvoiceRequest.Status.ISSUED, issued_at__date__gte=start, issued_at__date__lt=end
    ).aggregate(n=Count("id"), total=Sum("amount"))
    report.vat_issued_count = issued["n"]
    report.vat_issued_amount = issued["total"] or ZERO
    return report
