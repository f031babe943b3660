"""The workspace's customer lookup (H1): which of the archive's matches an agent sees first.

The archive search lists the newest archives first, which suits a clerk browsing; an agent on a call
wants the caller, who is most often someone whose name (or pinyin, or number) is exactly what was typed,
or who has called before. So the lookup takes a wider page of matches and ranks them: exact matches,
then known callers (most contacts first), then the newest archive; it shows the first few and says
there are more instead of silently stopping."""

import re

from django.db.models import Count

from kefu.hotline.models import Contact

SHOWN = 10  # matches shown at first
WIDE = 50  # matches shown after 更多, and ranked
CANDIDATES = 100  # matches fetched from the archive to rank


def is_exact(customer, query: str) -> bool:
    q = query.strip().lower()
    digits = re.sub(r"\D", "", query)
    return (
        customer.name == query.strip()
        or (q.isascii() and q.isalpha() and q in (customer.name_initials, customer.name_pinyin))
        or (len(digits) >= 7 and digits == re.sub(r"\D", "", customer.phone or ""))
        or customer.number.lower() == q
    )


def ranked(customers: list, query: str) -> list:
    """Exact matches first, then the customers with the most contacts, then as the archive listed
    them (newest first). One query for the contact counts."""
    ids = [customer.pk for customer in customers]
    calls = dict(
        Contact.objects.filter(customer_id__in=ids)
        .order_by()
        .values("customer_id")
        .annotate(n=Count("id"))
        .values_list("customer_id", "n")
    )
    position = {pk: index for index, pk in enumerate(ids)}
    for customer in customers:
        customer.lookup_calls = calls.get(customer.pk, 0)
        customer.lookup_exact = is_exact(customer, query)
    return sorted(customers, key=lambda c: (not c.lookup_exact, -c.lookup_calls, position[c.pk]))
