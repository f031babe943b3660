"""What the hotline tells other domains. `work_order_sent(work_order)` goes out after commit whenever a
work order is given to a unit (at opening or on a transfer/reassignment); the inspection app opens a case
from each one sent to the inspection team (issue 17). A receiver's failure never reaches the hotline."""

from django.db import transaction
from django.dispatch import Signal

work_order_sent = Signal()


def send_work_order_sent(work_order) -> None:
    """Send `work_order_sent` once the caller's transaction commits."""
    transaction.on_commit(lambda: work_order_sent.send(sender=type(work_order), work_order=work_order))
