"""Collection window pages: the clerk's day, payment, receipt, void, VAT invoices, banking, report."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from kefu.collection import selectors, services
from kefu.collection.exports import report_workbook
from kefu.collection.forms import BankingForm, IssueForm, PaymentForm, VatRequestForm, VoidForm
from kefu.collection.models import CashBanking, Payment, VatInvoiceRequest
from kefu.collection.permissions import get_account_for_payment, get_payment_for, get_vat_request_for
from kefu.core.forms import add_service_errors
from kefu.core.params import object_id, page_number, parse_day, parse_month
from kefu.core.permissions import can, require
from kefu.core.responses import bad_request
from kefu.customers.models import Account, ArchiveAccess
from kefu.customers.permissions import get_customer_for
from kefu.customers.services import record_archive_access

PER_PAGE = 30


def _page(request) -> int:
    return page_number(request.GET.get("page"), last=500)


def index(request):
    """The clerk's today: what they took, totals by method, and the cash still to bank."""
    require(request.user, "collection.view_payment")
    day = timezone.localdate()
    context = {
        "clerk_day": selectors.clerk_day(clerk=request.user, day=day),
        "can_bank": can(request.user, "collection.add_cashbanking"),
        "can_report": can(request.user, "collection.view_collection_report"),
    }
    return render(request, "collection/index.html", context)


def pay(request):
    require(request.user, "collection.add_payment")
    customer = get_customer_for(request.user, request.GET.get("customer"))
    accounts = Account.objects.filter(customer=customer, status=Account.Status.ACTIVE).order_by("number")
    form = PaymentForm(request.POST or None, accounts=accounts)
    if request.method == "POST" and form.is_valid():
        try:
            account = get_account_for_payment(request.user, form.cleaned_data["account"].pk)
            payment = services.record_payment(
                actor=request.user,
                account=account,
                amount=form.cleaned_data["amount"],
                kind=form.cleaned_data["kind"],
                method=form.cleaned_data["method"],
                invoice_number=form.cleaned_data["invoice_number"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已收费 {services.yuan(payment.amount)}，流水号 {payment.number}")
            return redirect("collection:detail", pk=payment.pk)
    # The accounts' arrears are the customer's data, shown whole: a read of the archive (A3), as the
    # same amounts through /api/customers/{id}/arrears are.
    record_archive_access(
        user=request.user, customers=[customer], channel=ArchiveAccess.Channel.PAGE, request=request
    )
    return render(request, "collection/pay.html", {"form": form, "customer": customer, "accounts": accounts})


def payments(request):
    require(request.user, "collection.view_payment")
    rows = Payment.objects.select_related("account", "customer", "clerk")
    filters = {"day": request.GET.get("day", ""), "customer": request.GET.get("customer", "")}
    if filters["day"]:
        try:
            rows = rows.filter(day=parse_day(filters["day"]))
        except ValueError:
            messages.warning(request, "日期格式应为 2026-11-22")
    if customer_id := object_id(filters["customer"]):
        rows = rows.filter(customer_id=customer_id)
    page = Paginator(rows, PER_PAGE).get_page(_page(request))
    return render(request, "collection/payments.html", {"page": page, "filters": filters})


def detail(request, pk: int):
    payment = get_payment_for(request.user, pk)
    context = {
        "payment": payment,
        "vat_requests": payment.vat_requests.all(),
        "can_void": not payment.voided and can(request.user, "collection.void_payment"),
        "can_vat": not payment.voided
        and can(request.user, "collection.add_vatinvoicerequest")
        and not payment.vat_requests.exists(),
    }
    return render(request, "collection/detail.html", context)


def receipt(request, pk: int):
    """The 收费凭证 handed to the customer: a print-styled page the browser prints."""
    payment = get_payment_for(request.user, pk)
    return render(request, "collection/receipt.html", {"payment": payment, "printed_at": timezone.now()})


def void(request, pk: int):
    payment = get_payment_for(request.user, pk, void=True)
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.void_payment(actor=request.user, payment=payment, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"收费记录 {payment.number} 已作废")
            return redirect("collection:detail", pk=payment.pk)
    return render(request, "collection/void.html", {"form": form, "payment": payment})


def vat_request(request, pk: int):
    require(request.user, "collection.add_vatinvoicerequest")
    payment = get_payment_for(request.user, pk)
    form = VatRequestForm(request.POST or None, initial={"company_name": payment.customer.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.request_vat_invoice(actor=request.user, payments=[payment], **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已提交增值税专用发票申请")
            return redirect("collection:detail", pk=payment.pk)
    return render(request, "collection/vat_request.html", {"form": form, "payment": payment})


def vat_list(request):
    require(request.user, "collection.view_vatinvoicerequest")
    rows = VatInvoiceRequest.objects.select_related("customer", "requested_by", "issued_by").prefetch_related(
        "payments"
    )
    status = request.GET.get("status", "")
    if status in VatInvoiceRequest.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, PER_PAGE).get_page(_page(request))
    context = {
        "page": page,
        "status": status,
        "statuses": VatInvoiceRequest.Status.choices,
        "can_issue": can(request.user, "collection.issue_vatinvoice"),
    }
    return render(request, "collection/vat_list.html", context)


def vat_issue(request, pk: int):
    vat = get_vat_request_for(request.user, pk, issue=True)
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.issue_vat_invoice(
                actor=request.user, request=vat, invoice_number=form.cleaned_data["invoice_number"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已登记开具增值税专用发票")
            return redirect("collection:vat_list")
    return render(request, "collection/vat_issue.html", {"form": form, "vat": vat})


def bank(request):
    """Bank the day's cash (现金不过夜), and the clerk's past bankings below."""
    require(request.user, "collection.view_cashbanking")
    today = timezone.localdate()
    form = BankingForm(
        request.POST or None,
        initial={"day": today, "banked_amount": services.cash_collected(clerk=request.user, day=today)},
    )
    if request.method == "POST":
        require(request.user, "collection.add_cashbanking")
        if form.is_valid():
            try:
                banking = services.bank_cash(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已登记解款 {services.yuan(banking.banked_amount)}")
                return redirect("collection:index")
    # Leaders see every clerk's bankings; a clerk sees their own.
    rows = CashBanking.objects.select_related("clerk")
    if not can(request.user, "collection.view_collection_report"):
        rows = rows.filter(clerk=request.user)
    page = Paginator(rows, PER_PAGE).get_page(_page(request))
    context = {"form": form, "page": page, "can_bank": can(request.user, "collection.add_cashbanking")}
    return render(request, "collection/bank.html", context)


def _month(request) -> tuple[int, int]:
    """The month asked for (this month by default), through the one month parser of
    kefu.core.params; a month it cannot hold raises its Chinese ValidationError."""
    value = request.GET.get("month", "").strip()
    if not value:
        today = timezone.localdate()
        return today.year, today.month
    return parse_month(value)


def _bad_month(request, error: ValidationError):
    return bad_request(request, "collection/report.html", error, month_value=request.GET.get("month", ""))


def report(request):
    require(request.user, "collection.view_collection_report")
    try:
        year, month = _month(request)
    except ValidationError as error:
        return _bad_month(request, error)
    return render(
        request, "collection/report.html", {"report": selectors.monthly_report(year=year, month=month)}
    )


def report_export(request):
    require(request.user, "collection.view_collection_report")
    try:
        year, month = _month(request)
    except ValidationError as error:
        return _bad_month(request, error)
    content = report_workbook(selectors.monthly_report(year=year, month=month))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''collection-{year}{month:02d}.xlsx"
    return response
