"""The one claim for once-a-period jobs (the 16:30 design batch of a day, the 17:00 report of a day…).

The claim is a unique JobClaim(job, period) row created in a savepoint: the first worker to create it
does the job, and a second worker, or the same worker run twice, gets None and leaves it alone. The
claim is taken inside the job's transaction, so a job that fails gives its claim back with its work.
Jobs that claim rows of their own (alerts, queued reports) keep their conditional UPDATE instead."""

from django.db import IntegrityError, transaction

from kefu.core.models import JobClaim


def claim(job: str, period: str, *, summary: dict | None = None) -> JobClaim | None:
    """The period's claim on the job, or None when it is claimed already."""
    try:
        with transaction.atomic():
            return JobClaim.objects.create(job=job, period=period, summary=summary or {})
    except IntegrityError:
        return None
