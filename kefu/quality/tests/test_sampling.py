"""Sampling the month's checks (Q1): the minimum and the target, the weighting towards complaints,
dissatisfied return visits, long calls and new staff, determinism and idempotence."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from kefu.accounts.models import Role
from kefu.core.services import set_policy
from kefu.quality.models import QaCheck
from kefu.quality.services import sampling
from kefu.quality.tests.factories_sampling import (
    NOVEMBER,
    at,
    build_qa_world,
)


@pytest.fixture
def qa_world(world):
    return build_qa_world(world)


DECEMBER_2 = at(date(2026, 12, 2), 9)


def plain_contacts(qa, agent, n, *, first_day=2):
    return [qa.contact(agent, at(date(2026, 11, first_day + i), 10)) for i in range(n)]


def propose(qa, month=NOVEMBER):
    with time_machine.travel(DECEMBER_2, tick=False):
        return sampling.propose_month(month=month, actor=qa.lead)


def checks_of(agent):
    return list(QaCheck.objects.filter(agent=agent, month=NOVEMBER).order_by("pk"))


def test_an_agent_with_nothing_to_look_into_gets_the_minimum_and_one_with_complaints_gets_more(qa_world):
    # given an agent with six plain contacts and one with two complaints among six contacts
    qa = qa_world
    calm, troubled = qa.world.agent, qa.agent("话务员丙")
    plain_contacts(qa, calm, 6)
    plain_contacts(qa, troubled, 4)
    complaints = [qa.complaint(troubled, at(date(2026, 11, 20), h)) for h in (10, 11)]
    # when sampling runs for November (minimum 1, target 5)
    result = propose(qa)
    # then the calm agent gets the minimum, at random; the other the minimum plus one per complaint
    assert [c.sample_reason for c in checks_of(calm)] == ["随机"]
    troubled_checks = checks_of(troubled)
    assert len(troubled_checks) == 3
    assert {c.contact_id for c in troubled_checks} >= {c.pk for c in complaints}
    assert sorted(c.sample_reason for c in troubled_checks) == ["投诉", "投诉", "随机"]
    assert all(
        c.status == QaCheck.Status.PROPOSED and c.source == QaCheck.Source.SAMPLED for c in result.proposed
    )
    assert len(result.proposed) == 4


def test_never_more_than_the_target(qa_world):
    # given an agent with seven complaints and the target at 5
    qa = qa_world
    for day in range(2, 9):
        qa.complaint(qa.world.agent, at(date(2026, 11, day)))
    # when sampling runs
    propose(qa)
    # then five are proposed
    assert len(checks_of(qa.world.agent)) == 5


def test_a_complaint_is_chosen_before_a_dissatisfied_visit_before_a_long_call_before_a_plain_contact(
    qa_world,
):
    # given the target and the minimum at 1, and an agent with one of each
    qa = qa_world
    set_policy(actor=qa.world.director, key="quality.checks_target_per_agent", value="1")
    agent = qa.world.agent
    plain_contacts(qa, agent, 3)
    long_call = qa.call(agent, at(date(2026, 11, 10)), seconds=900)
    visit = qa.dissatisfied(agent, at(date(2026, 11, 11)))
    complaint = qa.complaint(agent, at(date(2026, 11, 12)))
    plans = {p.agent.pk: p for p in sampling.plan_month(NOVEMBER)}
    assert plans[agent.pk].flagged == {
        complaint.pk: {"投诉"},
        visit.pk: {"回访不满意"},
        long_call.pk: {"长通话"},
    }
    # when sampling runs three times, the target raised by one each time
    chosen = []
    for target in ("1", "2", "3"):
        set_policy(actor=qa.world.director, key="quality.checks_target_per_agent", value=target)
        chosen += [c.contact_id for c in propose(qa).proposed]
    # then the complaint comes first, the dissatisfied visit second, the long call third
    assert chosen == [complaint.pk, visit.pk, long_call.pk]
    assert [c.sample_reason for c in checks_of(agent)] == ["投诉", "回访不满意", "长通话"]


def test_a_short_call_is_not_a_long_one(qa_world):
    # given a call of 9 minutes 59 seconds, under the rule's 600 seconds
    qa = qa_world
    qa.call(qa.world.agent, at(date(2026, 11, 10)), seconds=599)
    # then it is no reason to listen
    assert sampling.signals(date(2026, 11, 1), date(2026, 12, 1)) == {}


def test_new_staff_get_the_target(qa_world):
    # given an agent who joined on 2026-10-08 (November is their second month) with eight plain contacts
    qa = qa_world
    newcomer = qa.agent("新话务员", hired_on=date(2026, 10, 8))
    plain_contacts(qa, newcomer, 8)
    # when sampling runs
    propose(qa)
    # then they get the target, each marked 新员工
    assert [c.sample_reason for c in checks_of(newcomer)] == ["新员工"] * 5


def test_staff_are_new_for_the_rules_number_of_calendar_months_from_the_month_of_joining():
    class Person:
        hired_on = date(2026, 10, 8)

    assert sampling.is_new_staff(Person, date(2026, 12, 1), 3)
    assert not sampling.is_new_staff(Person, date(2027, 1, 1), 3)


def test_running_sampling_twice_proposes_nothing_more(qa_world):
    # given November sampled once
    qa = qa_world
    plain_contacts(qa, qa.world.agent, 6)
    qa.complaint(qa.world.agent, at(date(2026, 11, 20)))
    first = propose(qa)
    # when it runs again
    second = propose(qa)
    # then nothing is added
    assert len(first.proposed) == 2
    assert second.proposed == []
    assert len(checks_of(qa.world.agent)) == 2


def test_the_choice_is_the_same_each_time_for_the_same_month(qa_world):
    # given an agent with twenty plain contacts
    qa = qa_world
    plain_contacts(qa, qa.world.agent, 20, first_day=1)
    set_policy(actor=qa.world.director, key="quality.checks_min_per_agent", value="3")
    # when the plan is drawn twice
    first = sampling.plan_month(NOVEMBER)[0].chosen
    second = sampling.plan_month(NOVEMBER)[0].chosen
    # then it picks the same three contacts
    assert first == second and len(first) == 3


def test_checks_an_inspector_added_count_towards_the_number(qa_world):
    # given an agent whose one contact-worth of checks an inspector already added
    qa = qa_world
    contacts = plain_contacts(qa, qa.world.agent, 4)
    from kefu.quality.tests.factories_sampling import open_checks

    open_checks(qa.inspector, contacts[:1])
    # when sampling runs
    result = propose(qa)
    # then the minimum is met already
    assert result.proposed == []


def test_a_counter_clerk_is_sampled_on_counter_visits(qa_world, make_user):
    # given a counter clerk who served two customers at the counter
    qa = qa_world
    clerk = qa.agent("营业员小周", role=Role.COUNTER_CLERK)
    if not clerk.has_perm("hotline.add_contact"):
        pytest.skip("counter clerks record no contacts in this build")
    for day in (3, 4):
        qa.contact(clerk, at(date(2026, 11, day)), channel="counter")
    # when sampling runs
    propose(qa)
    # then the clerk has the minimum
    assert len(checks_of(clerk)) == 1


def test_only_inspectors_propose_and_not_for_a_month_to_come(qa_world):
    qa = qa_world
    with pytest.raises(PermissionDenied):
        sampling.propose_month(month=NOVEMBER, actor=qa.world.agent)
    with time_machine.travel(DECEMBER_2, tick=False), pytest.raises(ValidationError) as error:
        sampling.propose_month(month=date(2027, 1, 1), actor=qa.lead)
    assert "尚未开始" in str(error.value)


def test_sampling_is_a_few_queries_whatever_the_number_of_agents(qa_world, django_assert_max_num_queries):
    # given five agents with contacts
    qa = qa_world
    for n in range(5):
        plain_contacts(qa, qa.agent(f"话务员{n}"), 2)
    # then drawing the plan reads a fixed number of queries
    with django_assert_max_num_queries(12):
        plans = sampling.plan_month(NOVEMBER)
    assert len(plans) == 5 and all(len(p.chosen) == 1 for p in plans)


def test_month_bounds_cover_the_whole_month():
    assert sampling.month_bounds(date(2026, 12, 15)) == (date(2026, 12, 1), date(2027, 1, 1))
    assert sampling.month_bounds(date(2026, 2, 1))[1] - timedelta(days=1) == date(2026, 2, 28)
