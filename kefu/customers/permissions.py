"""Fetch a customer only if the user may see it: one helper for pages, API and exports."""

from django.http import Http404

from kefu.core.params import object_id
from kefu.core.permissions import require
from kefu.customers.models import Customer


def get_customer_for(user, pk, *, write: bool = False) -> Customer:
    require(user, "customers.view_customer")
    if write:
        require(user, "customers.change_customer")
    # The shared id rule: plain ASCII digits within bigint. int() would read "+12", "١٢" or " 1_2 ".
    pk = object_id(pk)
    if pk is None:
        raise Http404("客户不存在")
    customer = Customer.objects.visible_to(user).select_related("service_area__branch").filter(pk=pk).first()
    if customer is None:
        raise Http404("客户不存在或不在您的权限范围内")
    return customer


def visible_customers(user):
    require(user, "customers.view_customer")
    return Customer.objects.visible_to(user)
