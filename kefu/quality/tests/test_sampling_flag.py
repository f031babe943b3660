"""The month-end flag of the unchecked (Q1): agents with fewer scored checks than the minimum are
flagged to the QA lead(s) once, after the month's last day."""

from datetime import date

import pytest
import time_machine

from kefu.core.events import events_for
from kefu.core.models import Alert, JobClaim
from kefu.quality import jobs
from kefu.quality.events import CheckEvents
from kefu.quality.services import sampling
from kefu.quality.tests.factories_sampling import (
    at,
    build_qa_world,
    open_checks,
    score,
)


@pytest.fixture
def qa_world(world):
    return build_qa_world(world)


def test_agents_short_of_the_minimum_are_flagged_to_the_qa_leads_once_after_the_month(qa_world):
    # given November: agent 甲 has a scored check, 乙 (night shift) only a proposed one, 丙 nothing
    qa = qa_world
    w = qa.world
    checked = qa.contact(w.agent, at(date(2026, 11, 3)))
    proposed = qa.contact(w.night_agent, at(date(2026, 11, 4)))
    unchecked = qa.agent("话务员丙")
    qa.contact(unchecked, at(date(2026, 11, 5)))
    first, second = open_checks(qa.inspector, [checked, proposed])
    score(first, qa.inspector, when=at(date(2026, 11, 20)))
    # when the job runs on the month's last day, nothing is flagged yet for November
    with time_machine.travel(at(date(2026, 11, 30), 23), tick=False):
        assert sampling.flag_unchecked(at(date(2026, 11, 30), 23)) == []
    assert not Alert.objects.filter(kind=sampling.UNCHECKED).exists()
    # when it runs on 1 December, and again later
    with time_machine.travel(at(date(2026, 12, 1), 0, 5), tick=False):
        lines = jobs.run(at(date(2026, 12, 1), 0, 5))
        again = sampling.flag_unchecked(at(date(2026, 12, 1), 0, 6))
    # then the QA lead and the department head (both decide appeals) are told once, naming 乙 and 丙
    assert any("2026年11月质检次数不足提示：2人" in line for line in lines)
    assert again == []
    alerts = Alert.objects.filter(kind=sampling.UNCHECKED)
    assert {a.recipient_id for a in alerts} == {qa.lead.pk, w.head.pk}
    message = alerts.first().message
    assert "话务员乙" in message and "话务员丙" in message and "话务员甲" not in message
    assert "每人每月至少监听次数" in message and "质检员的职责3" in message
    assert alerts.first().url == "/quality/sampling/?month=2026-11"
    claim = JobClaim.objects.get(job=sampling.UNCHECKED_JOB, period="202611")
    assert [e.verb for e in events_for(claim)] == [CheckEvents.UNCHECKED_FLAGGED]


def test_an_inspector_without_the_leads_permission_is_not_told(qa_world):
    qa = qa_world
    qa.contact(qa.world.agent, at(date(2026, 11, 3)))
    with time_machine.travel(at(date(2026, 12, 3)), tick=False):
        sampling.flag_unchecked(at(date(2026, 12, 3)))
    assert not Alert.objects.filter(kind=sampling.UNCHECKED, recipient=qa.inspector).exists()
    assert sampling.qa_leads() and qa.inspector not in sampling.qa_leads()


def test_a_month_where_everyone_was_checked_is_claimed_and_flags_no_one(qa_world):
    qa = qa_world
    contact = qa.contact(qa.world.agent, at(date(2026, 11, 3)))
    score(open_checks(qa.inspector, [contact])[0], qa.inspector, when=at(date(2026, 11, 4)))
    with time_machine.travel(at(date(2026, 12, 1), 1), tick=False):
        assert sampling.flag_unchecked(at(date(2026, 12, 1), 1)) == []
    assert JobClaim.objects.filter(job=sampling.UNCHECKED_JOB, period="202611").exists()
    assert not Alert.objects.filter(kind=sampling.UNCHECKED).exists()
