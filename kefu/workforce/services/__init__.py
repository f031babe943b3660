"""Every write of the workforce domain, split by subject: handovers, the roster, leave, swaps,
attendance and the generated roster plans. Each service runs in one transaction with its event."""

from kefu.workforce.services.handovers import correct_handover, receive_handover, record_handover
from kefu.workforce.services.rosters import assign_shift, cancel_entry, replace_shift

__all__ = [
    "assign_shift",
    "cancel_entry",
    "correct_handover",
    "receive_handover",
    "record_handover",
    "replace_shift",
]
