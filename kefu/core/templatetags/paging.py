"""The one pager under every list page: {% pager page %} with whatever page the view built (a Django
Page, the hotline's keyset page, the customer search's result, the process queue, or a page number),
and links that keep the reader's filters: the address's query string with only "page" changed."""

from django import template
from django.core.paginator import Page

register = template.Library()


def _position(page, has_next):
    """(number, pages or None, has_previous, has_next, count or None) of any page the views build."""
    if isinstance(page, Page):
        paginator = page.paginator
        return page.number, paginator.num_pages, page.has_previous(), page.has_next(), paginator.count
    if isinstance(page, int):
        return page, None, page > 1, bool(has_next), None
    number = page.page
    pages = getattr(page, "pages", None)
    if has_next is None:
        has_next = page.has_next if hasattr(page, "has_next") else number < (pages or 0)
    return number, pages, number > 1, bool(has_next), None


def _link(request, number: int | None) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    if number is not None:
        query["page"] = number
    return "?" + query.urlencode()


@register.inclusion_tag("_pager.html", takes_context=True)
def pager(context, page, has_next=None, count_unit="", export_path=""):
    """has_next for a bare page number; count_unit ("人", "份") shows the total after the position;
    export_path adds the list's Excel download, with the same filters, beside the links."""
    number, pages, previous, following, count = _position(page, has_next)
    request = context["request"]
    return {
        "number": number,
        "pages": pages,
        "count": count if count_unit else None,
        "count_unit": count_unit,
        "previous_url": _link(request, number - 1) if previous else "",
        "next_url": _link(request, number + 1) if following else "",
        "export_url": export_path + _link(request, None) if export_path else "",
    }
