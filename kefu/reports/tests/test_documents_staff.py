"""The figures per agent and per team behind the day's workload and the month's quality analysis, and
the narrowing of the workload to one responsible unit."""

from datetime import date, timedelta

import time_machine

from kefu.core import periods
from kefu.hotline.models import Contact
from kefu.hotline.services import follow_up, work_orders
from kefu.reports.staff import daily_workload, monthly_quality
from kefu.reports.tables import quality_observations
from kefu.reports.tests.conftest import BUSY_DAY, at

DAY = periods.day(date(2026, 11, 17))
NOVEMBER = periods.month(2026, 11)


def test_the_workload_counts_each_agents_calls_callbacks_and_visits(busy_day):
    w = daily_workload(DAY)

    agent = next(r for r in w.by_agent if r.label == "话务员甲")
    assert (agent.contacts, agent.answered, agent.follow_up, agent.transferred) == (5, 1, 1, 3)
    assert (agent.callbacks, agent.visits, agent.team) == (1, 1, "白班")
    assert [(r.label, r.contacts) for r in w.by_team] == [("夜班", 1), ("白班", 5)]
    assert [(r.unit, r.sent, r.closed) for r in w.by_unit] == [("城东供水分公司", 3, 1), ("中心领导", 1, 0)]


def test_a_unit_sees_only_what_concerns_its_own_work_orders(busy_day):
    # the branch: its three repairs, the callback and the visit on one of them
    branch = daily_workload(DAY, unit=busy_day.east)
    assert branch.total.contacts == 3 and branch.total.answered == 0 and branch.total.follow_up == 0
    assert (branch.total.callbacks, branch.total.visits) == (1, 1)
    assert [r.unit for r in branch.by_unit] == ["城东供水分公司"]
    # the leadership: the supervision call only
    leadership = daily_workload(DAY, unit=busy_day.leadership)
    assert leadership.total.contacts == 1 and leadership.total.callbacks == 0
    assert [(r.unit, r.sent) for r in leadership.by_unit] == [("中心领导", 1)]


def test_the_days_before_and_after_are_not_counted(busy_day):
    assert daily_workload(periods.day(date(2026, 11, 16))).by_agent == []
    assert daily_workload(periods.day(date(2026, 11, 18))).total.contacts == 0


def test_the_quality_analysis_follows_the_owner_for_callbacks_visits_and_reopened_orders(busy_day):
    # given a complaint about a meter reader, and an order visited dissatisfied (so reopened)
    world = busy_day
    world.record(BUSY_DAY + timedelta(days=1), code="service_complaint", matter="抄表员态度很差")
    order = world.record(BUSY_DAY + timedelta(days=2), waited=5, actor=world.night_agent).work_order
    world.handle(order, BUSY_DAY + timedelta(days=2, hours=1))
    callback = order.callbacks.get()

    with time_machine.travel(BUSY_DAY + timedelta(days=2, hours=2), tick=False):
        follow_up.record_callback(
            actor=world.night_agent, callback=callback, reached=True, feedback="已修好", satisfied=False
        )
    with time_machine.travel(BUSY_DAY + timedelta(days=2, hours=3), tick=False):
        work_orders.close(actor=world.night_agent, work_order=order)
        follow_up.record_return_visit(
            actor=world.night_agent, work_order=order, result="dissatisfied", comment="处理太慢"
        )

    # when November is analysed
    q = monthly_quality(NOVEMBER)

    # then the night agent owns the reopened order and its dissatisfied visit
    night = next(r for r in q.by_agent if r.label == "话务员乙")
    assert (night.contacts, night.visits, night.visits_satisfied, night.reopened) == (2, 1, 0, 1)
    assert night.satisfaction_rate == 0.0 and night.callbacks_due == 2 and night.callbacks_on_time == 1
    day = next(r for r in q.by_agent if r.label == "话务员甲")
    assert (day.contacts, day.transfers, day.transfers_on_time, day.reopened) == (6, 4, 3, 0)
    assert q.total.contacts == 8
    assert {r.label: r.reopened for r in q.by_team} == {"夜班": 1, "白班": 0}
    complaints = {c.category: c for c in q.complaints}
    assert complaints["服务质量投诉"].total == 1 and complaints["服务质量投诉"].open == 1
    assert complaints["服务质量投诉"].by_unit == {"城东供水分公司": 1}
    assert q.staff_complaint_category == "违规违纪投诉" and q.staff_complaints == 0
    observations = " ".join(quality_observations(q))
    assert "回访满意率：最低 话务员乙 0%，最高 话务员甲 100%" in observations
    assert "工单被重新打开最多：话务员乙 1件" in observations


def test_an_empty_month_says_there_is_nothing_to_analyse(db):
    q = monthly_quality(NOVEMBER)

    assert q.by_agent == [] and q.total.contacts == 0 and q.total.transfer_rate is None
    assert quality_observations(q) == ["2026年11月没有可分析的受理、通话、回电或回访记录。"]


def test_a_contact_of_the_next_month_is_not_in_the_analysis(world):
    world.record(at(2026, 12, 1, 0, 5), code="consult", disposition=Contact.Disposition.ANSWERED)

    assert monthly_quality(NOVEMBER).total.contacts == 0
