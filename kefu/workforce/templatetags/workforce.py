"""Figures of the staffing pages."""

from django import template

register = template.Library()


@register.filter
def percent(fraction) -> str:
    """0.7968 → “79.7%”: one decimal, since a whole percent shows 79.7 % as the 80 % target reached.
    Rounded down, so a level just short of the target never reads as reaching it."""
    if fraction is None or fraction == "":
        return "—"
    tenths = int(float(fraction) * 1000) / 10
    return f"{tenths:.1f}%"
