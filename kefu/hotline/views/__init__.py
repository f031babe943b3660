"""Hotline pages: the agent's workspace and its htmx partials, work orders, the contact register, alerts.

Thin views: fetch through kefu.hotline.permissions, read through kefu.hotline.selectors, write through
the services. The services' ValidationError / PermissionDenied become form errors or messages."""

from kefu.hotline.views.contacts import alerts, alerts_read, contact, contact_correct, contacts
from kefu.hotline.views.work_orders import work_order, work_order_action, work_order_print, work_orders
from kefu.hotline.views.workspace import (
    customer_history,
    customer_lookup,
    repeat_check,
    route_preview,
    suggest,
    workspace,
)

__all__ = [
    "alerts",
    "alerts_read",
    "contact",
    "contact_correct",
    "contacts",
    "customer_history",
    "customer_lookup",
    "repeat_check",
    "route_preview",
    "suggest",
    "work_order",
    "work_order_action",
    "work_order_print",
    "work_orders",
    "workspace",
]
