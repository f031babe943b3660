from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def yuan(value) -> str:
    """¥1,234.50 — money as the cashier writes it."""
    if value in (None, ""):
        return ""
    return f"¥{Decimal(value):,.2f}"
