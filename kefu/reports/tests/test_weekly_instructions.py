"""W5 (H17): the weekly summary counts the leaders' 督办意见 and 批示 of the week per unit, signed for
or outstanding at the cut-off, and the document shows them as a table."""

from datetime import timedelta

import time_machine

from kefu.core import periods
from kefu.hotline.services import notes
from kefu.reports.selectors import weekly_summary
from kefu.reports.tables import weekly_tables
from kefu.reports.tests.conftest import at

WEEK = periods.parse_week("2026-11-18")
TUESDAY = at(2026, 11, 17, 10, 0)


def test_the_week_lists_supervisions_and_instructions_per_unit_signed_or_outstanding(world, client_for):
    # given two east repairs supervised this week, one signed for, and an escalated complaint with a 批示
    with time_machine.travel(TUESDAY, tick=False):
        first = world.record(TUESDAY, matter="文三路漏水").work_order
        second = world.record(TUESDAY, matter="古墩路停水").work_order
        signed = notes.write_supervision(actor=world.head, work_order=first, text="今日到场")
        notes.write_supervision(actor=world.leader, work_order=second, text="尽快恢复供水")
        complaint = world.record(
            TUESDAY, code="service_complaint", priority="important", matter="抢修人员态度差"
        ).work_order
        complaint.refresh_from_db()
        notes.record_instruction(actor=world.head, work_order=complaint, text="调查后回复客户")
    with time_machine.travel(TUESDAY + timedelta(hours=2), tick=False):
        notes.acknowledge(actor=world.east_staff, instruction=signed, reply="已派人")
    # and one from the week before, which does not count
    with time_machine.travel(at(2026, 11, 12, 9, 0), tick=False):
        notes.write_supervision(actor=world.head, work_order=first, text="上周的督办")

    # when the week is summarised on the following Monday
    with time_machine.travel(at(2026, 11, 23, 9, 0), tick=False):
        s = weekly_summary(WEEK)

    # then the east branch has three (two 督办意见, one 批示), one signed, two outstanding
    total = s.instructions.total
    assert (total.supervisions, total.escalations, total.acknowledged, total.outstanding) == (2, 1, 1, 2)
    [east] = s.instructions.by_unit
    assert east.label == "城东供水分公司" and east.outstanding == 2
    assert s.as_dict()["instructions"]["outstanding"] == 2
    table = next(t for t in weekly_tables(s) if t.title.startswith("领导督办意见与批示"))
    assert table.rows == [["城东供水分公司", 2, 1, 1, 2]] and table.footer == ["合计", 2, 1, 1, 2]
    assert table.flagged == {0}
    # and the W5 page shows the table
    page = client_for(world.head).get("/reports/weekly/", {"week": "2026-11-18"}).content.decode()
    assert "领导督办意见与批示（按责任单位）" in page and "城东供水分公司" in page


def test_a_signature_after_the_cut_off_is_still_outstanding_in_that_week(world):
    with time_machine.travel(TUESDAY, tick=False):
        order = world.record(TUESDAY).work_order
        instruction = notes.write_supervision(actor=world.head, work_order=order, text="今日到场")
    with time_machine.travel(at(2026, 11, 24, 9, 0), tick=False):
        notes.acknowledge(actor=world.east_staff, instruction=instruction)
        s = weekly_summary(WEEK)
    assert (s.instructions.total.acknowledged, s.instructions.total.outstanding) == (0, 1)
