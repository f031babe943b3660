from datetime import timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.core import periods
from kefu.hotline.models import Channel, Contact
from kefu.kpi import rollup
from kefu.reports.selectors import monthly_register, monthly_summary, monthly_summary_from_records
from kefu.reports.tests.conftest import at

D = Contact.Disposition
NOV = periods.month(2026, 11)
T = at(2026, 11, 10, 9, 0)


def known_month(world):
    """Six November contacts and one on the last evening of October:
    three repairs transferred (two by phone on time / late, one at the counter on time), two
    consultations answered (phone, web), one invalid call closed."""
    o1 = world.record(T, waited=10).work_order
    o2 = world.record(T, waited=50).work_order
    o3 = world.record(T, waited=5, channel=Channel.COUNTER).work_order
    world.record(T, code="consult", disposition=D.ANSWERED)
    world.record(T, code="consult", disposition=D.ANSWERED, channel=Channel.WEB)
    world.record(T, code="invalid", disposition=D.CLOSED, customer=None)
    world.record(at(2026, 10, 31, 23, 30), waited=5)

    # o1: handled, called back within 24 h (satisfied), closed, return visit "satisfied"
    world.handle(o1, T + timedelta(hours=1))
    world.call_back(o1, T + timedelta(hours=2), satisfied=True)
    world.close(o1, T + timedelta(hours=3))
    world.visit(o1, T + timedelta(hours=4), "satisfied")
    # o2: first callback 25 hours later, not reached (a second attempt is scheduled)
    world.call_back(o2, T + timedelta(hours=25), reached=False)
    # o3: handled, called back in time, closed, rated "basically", then "dissatisfied" (reopens)
    world.handle(o3, T + timedelta(hours=1))
    world.call_back(o3, T + timedelta(hours=3))
    world.close(o3, T + timedelta(hours=4))
    world.visit(o3, T + timedelta(hours=5), "basically_satisfied")
    world.visit(o3, T + timedelta(hours=6), "dissatisfied")


def test_the_summary_counts_a_known_month(world):
    # given a known month
    known_month(world)

    # when it is summarised ten days later
    with time_machine.travel(at(2026, 11, 20, 9, 0), tick=False):
        rollup.refresh()  # the worker's pass: the summary reads the KPI rollups
        s = monthly_summary(NOV)
        # and the rollups say exactly what the records say
        assert s.as_dict() == monthly_summary_from_records(NOV).as_dict()

    # then the October contact is not in it
    assert s.total == 6 and s.transferred == 3
    # categories by channel
    assert s.by_channel.cell("报修（漏水、停水、水压低）", Channel.PHONE) == 2
    assert s.by_channel.cell("报修（漏水、停水、水压低）", Channel.COUNTER) == 1
    assert s.by_channel.cell("咨询", Channel.PHONE) == 1
    assert s.by_channel.cell("咨询", Channel.WEB) == 1
    assert [value for value, _ in s.by_channel.columns] == [Channel.PHONE, Channel.COUNTER, Channel.WEB]
    assert s.by_channel.column_totals == [4, 1, 1]
    # categories by disposition, in the categories' own order
    assert [(name, total) for name, _, total in s.by_disposition.rows] == [
        ("咨询", 2),
        ("报修（漏水、停水、水压低）", 3),
        ("无效来电（打错、骚扰）", 1),
    ]
    assert s.by_disposition.cell("报修（漏水、停水、水压低）", D.TRANSFERRED) == 3
    assert s.by_disposition.cell("咨询", D.ANSWERED) == 2
    assert s.by_disposition.cell("无效来电（打错、骚扰）", D.CLOSED) == 1
    # by day: every day of the month, the contacts on the 10th
    assert len(s.by_day) == 30 and dict(s.by_day)[T.date()] == 6 and sum(n for _, n in s.by_day) == 6
    # per unit, and timeliness (50 minutes is late)
    assert s.by_unit == [("城东供水分公司", 3, 2)]
    assert (s.timeliness.total.total, s.timeliness.total.on_time, s.timeliness.total.rate) == (3, 2, 66.7)
    # work orders: o1 closed; o2 and o3 (reopened) open and past their 24-hour limit
    w = s.work_orders
    assert (w.total, w.closed, w.open, w.overdue_open, w.closed_late) == (3, 1, 2, 2, 0)
    # callbacks: of three first callbacks two within 24 h, one late; two of three attempts reached
    c = s.callbacks
    assert (c.due, c.on_time, c.done_late, c.pending) == (3, 2, 1, 0)
    assert (c.done, c.reached, c.satisfied) == (3, 2, 1)
    assert c.on_time_rate == 66.7 and c.reached_rate == 66.7
    # return visits: satisfaction counts 基本满意 as satisfied
    v = s.return_visits
    assert (v.satisfied, v.basically, v.dissatisfied, v.total) == (1, 1, 1, 3)
    assert v.satisfaction_rate == 66.7


def test_an_empty_month_has_no_rates(db):
    s = monthly_summary(periods.month(2026, 2))

    assert s.total == 0 and s.by_channel.rows == [] and len(s.by_day) == 28
    assert s.callbacks.on_time_rate is None and s.return_visits.satisfaction_rate is None
    assert s.timeliness.total.rate is None


def test_the_register_lists_the_month_in_order_with_the_h2_columns(world):
    late = world.record(T, waited=50)
    world.record(T + timedelta(hours=1), code="consult", disposition=D.ANSWERED, result="已告知停水原因")

    rows = list(monthly_register(NOV))

    assert len(rows) == 2
    number, received, channel, category, name, phone, _, matter, transferred, unit, outcome, agent = rows[0]
    assert number == late.number
    assert received == "2026-11-10 08:10" and transferred == "2026-11-10 09:00"
    assert (channel, category, name, phone) == ("电话", "报修（漏水、停水、水压低）", "王建国", "13812345678")
    assert (matter, unit, agent) == ("小区停水，请尽快处理", "城东供水分公司", "话务员甲")
    assert outcome == "已转办（已转办）"
    assert rows[1][10] == "已告知停水原因" and rows[1][9] == ""


def _queries(callable_) -> int:
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured)


def test_the_summary_takes_the_same_number_of_queries_for_few_or_many_contacts(world):
    world.record(T, waited=5)
    rollup.refresh()
    few = _queries(lambda: monthly_summary(NOV))
    for n in range(8):
        channel = Channel.COUNTER if n % 2 else Channel.PHONE
        world.record(T + timedelta(minutes=n), waited=n * 7, channel=channel)
        world.record(T + timedelta(minutes=n), code="consult", disposition=D.ANSWERED)

    rollup.refresh()
    many = _queries(lambda: monthly_summary(NOV))

    assert many == few <= 12
