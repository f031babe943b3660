"""Workforce pages, split by subject: handovers, the roster, leave, swaps, attendance, forecast and
staffing, roster plans. Thin views: fetch through kefu.workforce.permissions, read through selectors,
write through the services."""

from kefu.workforce.views.handovers import (
    handover_create,
    handover_detail,
    handover_edit,
    handover_print,
    handover_receive,
    handovers,
)

__all__ = [
    "handover_create",
    "handover_detail",
    "handover_edit",
    "handover_print",
    "handover_receive",
    "handovers",
]
