"""Every write of the workforce domain, split by subject: handovers, the roster, leave, swaps,
attendance and the generated roster plans. Each service runs in one transaction with its event."""

from kefu.workforce.services.handovers import correct_handover, receive_handover, record_handover

__all__ = ["correct_handover", "receive_handover", "record_handover"]
