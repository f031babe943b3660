from datetime import timedelta

import time_machine

from kefu.core import periods
from kefu.core.services import set_policy
from kefu.hotline.models import Contact
from kefu.hotline.services import work_orders
from kefu.reports.selectors import transfer_timeliness
from kefu.reports.tests.conftest import at

NOV = periods.month(2026, 11)
NOON = at(2026, 11, 10, 12, 0)


def test_a_transfer_within_the_target_minutes_is_on_time_and_a_slower_one_late(world):
    # given transfers made 10, 25 and 45 minutes after the call by the day agent (target: 30 minutes)
    for waited in (10, 25, 45):
        world.record(NOON, waited=waited)
    # and one made at once by the night agent
    world.record(NOON, waited=5, actor=world.night_agent)

    # when the timeliness is counted by agent
    result = transfer_timeliness(NOV, by="agent")

    # then the day agent has one late transfer and comes first (worst rate first)
    first, second = result.rows
    assert (first.label, first.total, first.on_time, first.late, first.rate) == ("话务员甲", 3, 2, 1, 66.7)
    assert first.below_target
    assert first.avg_minutes == 26.7 and first.max_minutes == 45
    assert (second.label, second.total, second.on_time, second.rate) == ("话务员乙", 1, 1, 100.0)
    assert not second.below_target
    # and the total adds them up
    assert (result.total.total, result.total.on_time, result.total.rate) == (4, 3, 75.0)
    assert result.total.max_minutes == 45
    assert result.target_minutes == 30


def test_timeliness_by_team_groups_the_agents_of_a_shift(world):
    world.record(NOON, waited=40)
    world.record(NOON, waited=20, actor=world.night_agent)
    world.record(NOON, waited=1, actor=world.night_agent)

    result = transfer_timeliness(NOV, by="team")

    assert [(r.label, r.total, r.on_time) for r in result.rows] == [("白班", 1, 0), ("夜班", 2, 2)]
    assert result.total.rate == round(200 / 3, 1)


def test_a_follow_up_transferred_later_is_timed_from_the_call(world):
    # given a consultation the agent followed up, found to need the branch two hours later
    contact = world.record(NOON, code="consult", disposition=Contact.Disposition.FOLLOW_UP)
    with time_machine.travel(NOON + timedelta(hours=2), tick=False):
        work_orders.transfer(actor=world.agent, work_order=contact.work_order, unit=world.east)

    result = transfer_timeliness(NOV)

    # then it counts as a late transfer of 120 minutes
    assert (result.total.total, result.total.on_time, result.total.max_minutes) == (1, 0, 120)


def test_answered_contacts_and_other_months_do_not_count(world):
    world.record(NOON, code="consult", disposition=Contact.Disposition.ANSWERED)
    world.record(at(2026, 10, 31, 23, 50), waited=5)  # October, in Beijing time

    result = transfer_timeliness(NOV)

    assert result.rows == [] and result.total.total == 0 and result.total.rate is None


def test_the_target_follows_the_policy(world, administrator):
    world.record(NOON, waited=45)
    set_policy(actor=administrator, key="hotline.transfer_target_minutes", value=60)

    result = transfer_timeliness(NOV)

    assert result.target_minutes == 60 and result.total.on_time == 1
