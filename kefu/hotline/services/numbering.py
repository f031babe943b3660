"""Readable, gap-free daily numbers: RX20261122-0001 for contacts, GD… for their work orders (H2)."""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F

from kefu.hotline.models import DailySequence

CONTACT_PREFIX = "RX"
WORK_ORDER_PREFIX = "GD"


def next_sequence(day: date) -> int:
    """Take the day's next number inside the caller's transaction.

    The UPDATE locks the day's row until the contact's transaction ends, so two agents saving at the
    same moment queue for it (on SQLite the whole database is locked for writing instead); and if the
    save fails, the increment is rolled back with it, so no number is lost."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_sequence must run inside the contact's transaction")
    if not DailySequence.objects.filter(day=day).update(last=F("last") + 1):
        try:
            with transaction.atomic():
                DailySequence.objects.create(day=day, last=1)
            return 1
        except IntegrityError:
            # Another agent created the day's row first; take the next number after theirs.
            DailySequence.objects.filter(day=day).update(last=F("last") + 1)
    return DailySequence.objects.get(day=day).last


def contact_number(day: date, sequence: int) -> str:
    return f"{CONTACT_PREFIX}{day:%Y%m%d}-{sequence:04d}"


def work_order_number(contact_number_: str) -> str:
    return WORK_ORDER_PREFIX + contact_number_.removeprefix(CONTACT_PREFIX)
