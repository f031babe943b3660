"""Issue 13 item 3 on the demo (H16, W4): after `seed_demo` there are repeat callers linked to their open
orders (one raised the same day) and a reopened order back in its branch's queue with a deadline from
the reopen, all written at past times."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from kefu.core.models import Event
from kefu.hotline.models import Contact, Priority, WorkOrder

pytestmark = pytest.mark.django_db
SEEDED_AT = datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def demo():
    with time_machine.travel(SEEDED_AT, tick=False):
        call_command("seed_demo", customers=60, seed=7, processes=False, verbosity=0)


def test_the_demo_has_repeat_callers_on_open_orders(demo):
    repeats = Contact.objects.filter(disposition=Contact.Disposition.REPEAT).select_related("repeat_of")
    assert repeats.count() >= 3
    assert all(contact.repeat_of.is_open for contact in repeats)
    counted = WorkOrder.objects.filter(repeat_count__gt=0)
    assert counted.filter(repeat_count__gte=2).exists()
    # one was called about twice the same day and raised
    assert counted.filter(priority=Priority.IMPORTANT).exists()


def test_the_demo_has_a_reopened_order_back_at_its_branch(demo):
    reopened = WorkOrder.objects.filter(state=WorkOrder.State.REOPENED, unit__isnull=False)
    recent = [order for order in reopened if order.reopened_at and order.deadline > SEEDED_AT]
    assert recent, "a reopened order due after the seed, in its branch's queue"
    order = recent[0]
    assert order.reopened_at < SEEDED_AT
    assert order.callbacks.filter(done_at__isnull=True).exists()
    assert not Event.objects.filter(occurred_at__gt=SEEDED_AT).exists()
