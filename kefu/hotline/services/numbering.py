"""Readable, gap-free daily numbers: RX20261122-0001 for contacts, GD… for their work orders (H2)."""

from datetime import date

from kefu.core.numbering import day_period, next_number

CONTACT_PREFIX = "RX"
WORK_ORDER_PREFIX = "GD"
CONTACT_SERIES = "hotline.contact"  # NumberSequence key; one series per day


def next_sequence(day: date) -> int:
    """Take the day's next contact number inside the contact's transaction (kefu.core.numbering): a
    failed save gives its number back, and two agents saving at once queue for the day's row."""
    return next_number(CONTACT_SERIES, day_period(day))


def contact_number(day: date, sequence: int) -> str:
    return f"{CONTACT_PREFIX}{day:%Y%m%d}-{sequence:04d}"


def work_order_number(contact_number_: str) -> str:
    return WORK_ORDER_PREFIX + contact_number_.removeprefix(CONTACT_PREFIX)
