"""H1/H2: contact numbers are readable, unique and gap-free per day, even with many agents at once."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

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


# Agents saving at the same moment: the counter's concurrency test (kefu/core/tests/test_numbering.py)
# covers every series, contacts included; open_contact takes its number inside its transaction, as
# test_a_failed_save_gives_its_number_back shows.
