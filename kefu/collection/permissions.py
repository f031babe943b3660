"""Fetch collection records only if the user may see them: one helper for pages and API."""

from django.http import Http404

from kefu.collection.models import Payment, VatInvoiceRequest
from kefu.core.permissions import require
from kefu.customers.models import Account, Customer


def _int(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404("记录不存在") from None


def get_payment_for(user, pk, *, void: bool = False) -> Payment:
    require(user, "collection.view_payment")
    if void:
        require(user, "collection.void_payment")
    payment = (
        Payment.objects.select_related("account", "customer", "clerk", "voided_by")
        .filter(pk=_int(pk))
        .first()
    )
    if payment is None:
        raise Http404("收费记录不存在")
    return payment


def get_vat_request_for(user, pk, *, issue: bool = False) -> VatInvoiceRequest:
    require(user, "collection.view_vatinvoicerequest")
    if issue:
        require(user, "collection.issue_vatinvoice")
    request = (
        VatInvoiceRequest.objects.select_related("customer", "requested_by", "issued_by")
        .filter(pk=_int(pk))
        .first()
    )
    if request is None:
        raise Http404("发票申请不存在")
    return request


def get_account_for_payment(user, pk) -> Account:
    """The account a payment is taken on: the clerk must be allowed to take payments and see the customer."""
    require(user, "collection.add_payment", "customers.view_customer")
    account = Account.objects.select_related("customer").filter(pk=_int(pk)).first()
    if account is None or not Customer.objects.visible_to(user).filter(pk=account.customer_id).exists():
        raise Http404("账户不存在或不在您的权限范围内")
    return account
