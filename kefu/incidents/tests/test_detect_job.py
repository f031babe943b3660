"""The worker's incidents.detect job: N repair contacts from one area within M minutes (both rules)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kefu.core.models import Alert
from kefu.core.services import set_policy
from kefu.hotline.tests.factories import ContactFactory
from kefu.incidents.jobs import declare_suspected
from kefu.incidents.models import Incident

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _repairs(world, count: int, *, start: datetime, every_minutes: int = 5, code: str = "repair"):
    for n in range(count):
        ContactFactory(
            actor=world.agent,
            customer=world.customer,
            code=code,
            matter="家里停水了",
            at=start + timedelta(minutes=n * every_minutes),
        )


def test_five_repairs_from_one_area_within_an_hour_declare_a_suspected_incident_and_alert_the_leaders(world):
    # given
    _repairs(world, 5, start=NOON - timedelta(minutes=50), every_minutes=10)
    # when
    with time_machine.travel(NOON, tick=False):
        lines = declare_suspected(NOON)
    # then
    incident = Incident.objects.get()
    assert incident.state == Incident.State.SUSPECTED
    assert list(incident.service_areas.all()) == [world.west_area]
    assert incident.responsible_unit == world.west
    assert "城西片区" in lines[0]
    told = set(Alert.objects.filter(kind="incidents.suspected").values_list("recipient__username", flat=True))
    assert told == {world.leader.username, world.head.username, world.director.username}


def test_four_repairs_are_not_enough_by_default(world):
    _repairs(world, 4, start=NOON - timedelta(minutes=30))
    assert declare_suspected(NOON) == []
    assert not Incident.objects.exists()


def test_repairs_spread_beyond_the_window_do_not_count(world):
    _repairs(world, 5, start=NOON - timedelta(minutes=100), every_minutes=20)  # 3 of 5 in the last hour
    assert declare_suspected(NOON) == []


def test_the_rules_set_the_count_and_the_window(world, administrator):
    # given
    set_policy(actor=administrator, key="incidents.auto_contacts", value="3")
    set_policy(actor=administrator, key="incidents.auto_window_minutes", value="20")
    _repairs(world, 3, start=NOON - timedelta(minutes=15))
    # when
    declare_suspected(NOON)
    # then
    assert Incident.objects.count() == 1


def test_other_categories_do_not_count(world):
    _repairs(world, 6, start=NOON - timedelta(minutes=30), code="billing")
    assert declare_suspected(NOON) == []


def test_running_twice_declares_once(world):
    _repairs(world, 6, start=NOON - timedelta(minutes=40))
    declare_suspected(NOON)
    declare_suspected(NOON + timedelta(seconds=30))
    assert Incident.objects.count() == 1


def test_a_dismissed_incident_is_not_raised_again_for_the_same_calls(world):
    from kefu.incidents import services

    _repairs(world, 5, start=NOON - timedelta(minutes=40))
    with time_machine.travel(NOON, tick=False):
        declare_suspected(NOON)
        services.dismiss_incident(
            actor=world.leader, incident=Incident.objects.get(), reason="分散的户内漏水"
        )
    assert declare_suspected(NOON + timedelta(minutes=1)) == []
