"""htmx: the notices other apps give about the current caller (platform.caller_panels), shown first on
the workspace, such as a live incident in the caller's area (kefu.incidents). The hotline knows none of
them: each panel is a function of the request and the caller, returning HTML or ""."""

from django.http import HttpResponse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from kefu.accounts.models import ServiceArea
from kefu.core.params import object_id
from kefu.core.permissions import require
from kefu.core.registry import platform
from kefu.customers.models import Customer
from kefu.hotline.services.routing import area_for_address, area_for_customer


def caller_panels(request):
    require(request.user, "hotline.add_contact")
    data = request.GET
    customer_id = object_id(data.get("customer"))
    customer = None
    if customer_id:
        customer = Customer.objects.visible_to(request.user).filter(pk=customer_id).first()
    address = (data.get("address") or "").strip()[:200] or (customer.address if customer else "")
    area_id = object_id(data.get("service_area"))
    area = ServiceArea.objects.filter(pk=area_id, active=True).first() if area_id else None
    if area is None:
        area = area_for_customer(customer) if customer else area_for_address(address)
    caller = {"customer": customer, "service_area": area, "address": address, "phone": data.get("phone", "")}
    parts = [panel(request, caller) for panel in platform.caller_panels]
    html = format_html_join("", "{}", ((mark_safe(part),) for part in parts if part))
    return HttpResponse(html)
