"""The overdue part of the archives job (archives.deadlines): a key past its return time is alerted to the
borrower and the cabinet's keepers once, with an event on the key."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from kefu.archives import jobs
from kefu.archives.events import KeyEvents
from kefu.archives.services import keys as services
from kefu.archives.tests.factories_keys import equipment_key, key_people, lent, public_key  # noqa: F401
from kefu.core.events import events_for
from kefu.core.models import Alert

pytestmark = pytest.mark.django_db


def test_a_key_past_its_return_time_is_alerted_once(people):
    # given a key lent five hours ago (due after archives.key_loan_hours = 4)
    key = public_key(people.archivist)
    with time_machine.travel(timezone.now() - timedelta(hours=5), tick=False):
        loan = lent(people.archivist, key, people.clerk)

    # when the job runs twice
    first = jobs.run(timezone.now())
    second = jobs.run(timezone.now())

    # then the borrower and the keeper were told once, and the key's history says so
    assert "钥匙逾期未还提醒：1笔" in first
    assert not any(line.startswith("钥匙逾期") for line in second)
    alerts = Alert.objects.filter(kind="archives.key_overdue")
    assert {a.recipient for a in alerts} == {people.clerk, people.archivist}
    assert "钥匙「3栋-2单元-05层-公共门窗」（锦绣花园）借用人营业员小王" in alerts[0].message
    assert alerts[0].url == f"/archives/keys/{key.pk}/"
    loan.refresh_from_db()
    assert loan.overdue_alerted
    assert events_for(key).filter(verb=KeyEvents.OVERDUE_FLAGGED).count() == 1


def test_an_equipment_key_overdue_tells_the_engineering_manager(people):
    key = equipment_key(people.archivist, custodian=people.engineer)
    with time_machine.travel(timezone.now() - timedelta(hours=5), tick=False):
        lent(people.archivist, key, people.clerk)
    services.run_due(timezone.now())
    recipients = set(
        Alert.objects.filter(kind="archives.key_overdue").values_list("recipient__username", flat=True)
    )
    assert recipients == {"kclerk", "engineer"}


def test_a_loan_not_yet_due_or_returned_is_left_alone(people):
    key = public_key(people.archivist)
    lent(people.archivist, key, people.clerk)
    other = public_key(people.archivist, floor="6")
    with time_machine.travel(timezone.now() - timedelta(hours=5), tick=False):
        services.return_key(actor=people.archivist, loan=lent(people.archivist, other, people.clerk))
    assert services.run_due(timezone.now()) == []
    assert not Alert.objects.filter(kind="archives.key_overdue").exists()
