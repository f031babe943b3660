"""The hotline's measures: what counts as a transfer, how long it waited, when it was on time, and the
callback counts (H5, H6).

They are the hotline's own definitions, so they live here and not in the apps that read them: the
reports, the KPI rollups and the KPI drill-down all count with these, so a figure on the dashboard, in a
report and in the list behind it always describe the same contacts.
"""

from datetime import timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q

from kefu.hotline.models import Callback, Contact

# A contact counts for timeliness if it was taken as a transfer, or if it was transferred later (a
# follow-up that turned out to need a unit): the clock runs from the call either way (seed 000 ch.5 §2.9).
TRANSFERABLE = Q(disposition=Contact.Disposition.TRANSFERRED) | Q(transferred_at__isnull=False)
# From the call to the transfer.
WAIT = ExpressionWrapper(F("transferred_at") - F("received_at"), output_field=DurationField())


def transferred_within(target: timedelta) -> Q:
    """The contacts transferred within `target` of the call (the policy hotline.transfer_target_minutes)."""
    return Q(transferred_at__lte=F("received_at") + target)


def callback_counts(*, first: Q | None = None, done: Q | None = None) -> dict:
    """H6 as conditional counts over callbacks (the summaries' and the KPI rollups' one definition)."""
    first = Q(attempt=1) & (first or Q())
    done = Q(done_at__isnull=False) & (done or Q())
    return {
        "due": Count("id", filter=first),
        "on_time": Count("id", filter=first & Q(done_at__lte=F("due_at"))),
        "done_late": Count("id", filter=first & Q(done_at__gt=F("due_at"))),
        "pending": Count("id", filter=first & Q(done_at__isnull=True)),
        "done": Count("id", filter=done),
        "reached": Count("id", filter=done & Q(outcome=Callback.Outcome.REACHED)),
        "satisfied": Count("id", filter=done & Q(outcome=Callback.Outcome.REACHED, satisfied=True)),
    }


def percent(part: int | float, whole: int | float) -> float | None:
    """A rate in percent to one decimal; None (shown as "—") when there is nothing to rate."""
    return round(part * 100 / whole, 1) if whole else None


def wait_minutes(value) -> float | None:
    """A wait aggregated by the database (Avg/Max of WAIT) in minutes to one decimal."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        return round(value.total_seconds() / 60, 1)
    return round(float(value) / 60_000_000, 1)  # a backend that hands back microseconds
