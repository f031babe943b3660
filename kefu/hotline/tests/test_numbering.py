"""H1/H2: contact numbers are readable, unique and gap-free per day, even with many agents at once."""

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, connections

from kefu.hotline.models import Contact, DailySequence

SH = ZoneInfo("Asia/Shanghai")


@time_machine.travel(datetime(2026, 11, 22, 9, 30, tzinfo=SH), tick=False)
def test_numbers_read_rx_date_and_a_daily_sequence(world):
    first = world.record(code="repair")
    second = world.record(code="consult", disposition="answered", result="阶梯水价第一档2.90元/吨")
    assert (first.number, second.number) == ("RX20261122-0001", "RX20261122-0002")
    assert first.work_order.number == "GD20261122-0001"


def test_the_sequence_starts_again_each_day(world):
    with time_machine.travel(datetime(2026, 11, 22, 23, 59, tzinfo=SH), tick=False):
        world.record(code="repair")
    with time_machine.travel(datetime(2026, 11, 23, 0, 1, tzinfo=SH), tick=False):
        assert world.record(code="repair").number == "RX20261123-0001"


def test_a_failed_save_gives_its_number_back(world):
    with time_machine.travel(datetime(2026, 11, 22, 10, 0, tzinfo=SH), tick=False):
        world.record(code="repair")
        with pytest.raises(ValidationError):
            world.record(code="consult")  # refused: consultations are not transferred
        assert world.record(code="repair").number == "RX20261122-0002"


@pytest.mark.django_db(transaction=True)
def test_agents_saving_at_the_same_moment_get_distinct_gap_free_numbers(shipped_categories, world):
    # SQLite's in-memory test database cannot be written from several threads at once; PostgreSQL
    # (the production database, also run by `make test`) is where row locks make this safe.
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    from kefu.hotline.services.contacts import open_contact

    agents, errors = 8, []
    barrier = threading.Barrier(agents)

    def save(n):
        try:
            barrier.wait()
            for _ in range(5):
                open_contact(
                    actor=world.agent,
                    matter=f"并发测试来电{n}",
                    category=world.category("consult"),
                    disposition="answered",
                    result="已答复",
                )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(agents)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sequences = sorted(Contact.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, agents * 5 + 1))
    assert DailySequence.objects.get().last == agents * 5
