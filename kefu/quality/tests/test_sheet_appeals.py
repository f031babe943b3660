"""Appeals on appraisal sheets (Q4): the window on the working-day calendar, one open appeal at a time,
only one's own sheet, the head upholds or amends (a line voided, a line added, the sheet computed again)
and the history stays; the page and the API answer the same."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from kefu.core.events import events_for
from kefu.quality.events import AppraisalEvents
from kefu.quality.models import AppraisalItem, SheetAppeal
from kefu.quality.services import sheet_appeals as services
from kefu.quality.tests.factories_months import (
    close_world_fixture,  # noqa: F401 (the close_world fixture)
    deduct,
    drafted_month,
    lock,
    moment,
    sheet_of,
)

SEPTEMBER = date(2026, 9, 1)
LOCKED_ON = date(2026, 9, 30)  # a Wednesday; 10-01…10-07 National Day, Sat 10-10 is worked (调休)


@pytest.fixture
def locked_september(close_world):
    world = close_world
    month = drafted_month(world, SEPTEMBER, on=LOCKED_ON)
    deduct(world, month, world.agents_a[0], "games_films")
    return lock(world, month, on=LOCKED_ON)


def _file(world, month, day, reason="游戏一项当天我在培训室，有签到表为证"):
    with time_machine.travel(moment(day), tick=False):
        return services.file_appeal(
            sheet=sheet_of(month, world.agents_a[0]), actor=world.agents_a[0], reason=reason
        )


@pytest.mark.parametrize("day", [date(2026, 10, 1), date(2026, 10, 9), date(2026, 10, 10)])
def test_an_appeal_is_accepted_up_to_the_third_working_day_after_the_lock(close_world, locked_september, day):
    # when a0 appeals during the holiday, or on the 2nd or 3rd working day (the worked Saturday 10-10)
    appeal = _file(close_world, locked_september, day)
    # then it is open
    assert appeal.status == SheetAppeal.Status.OPEN


def test_an_appeal_after_the_window_is_refused_quoting_the_rule(close_world, locked_september):
    # when a0 appeals on Monday 10-12, the 4th working day after the lock
    with pytest.raises(ValidationError) as refused:
        _file(close_world, locked_september, date(2026, 10, 12))
    # then the refusal names the rule, its days and the last day
    text = str(refused.value)
    assert "考核申诉" in text and "3个工作日" in text and "2026-10-10" in text
    assert not SheetAppeal.objects.exists()


def test_a_month_not_yet_locked_cannot_be_appealed(close_world):
    world = close_world
    month = drafted_month(world, SEPTEMBER, on=LOCKED_ON)
    with pytest.raises(ValidationError) as refused:
        _file(world, month, LOCKED_ON)
    assert "锁定" in str(refused.value)


def test_only_the_sheets_person_appeals_it(close_world, locked_september):
    world = close_world
    with time_machine.travel(moment(date(2026, 10, 8)), tick=False), pytest.raises(PermissionDenied):
        services.file_appeal(
            sheet=sheet_of(locked_september, world.agents_a[0]), actor=world.agents_a[1], reason="x"
        )


def test_one_open_appeal_at_a_time_and_the_same_one_again_is_answered(close_world, locked_september):
    world = close_world
    first = _file(world, locked_september, date(2026, 10, 8))
    again = _file(world, locked_september, date(2026, 10, 8))
    with pytest.raises(ValidationError) as second:
        _file(world, locked_september, date(2026, 10, 8), reason="另一项也有异议")
    assert again.pk == first.pk
    assert "待处理的申诉" in str(second.value)
    assert SheetAppeal.objects.count() == 1


def test_the_head_upholds_and_the_sheet_stays(close_world, locked_september):
    world = close_world
    appeal = _file(world, locked_september, date(2026, 10, 8))
    before = sheet_of(locked_september, world.agents_a[0]).score
    with time_machine.travel(moment(date(2026, 10, 9)), tick=False):
        services.decide_appeal(appeal=appeal, actor=world.head, outcome="upheld", note="监控录像显示在玩游戏")
    appeal.refresh_from_db()
    assert appeal.status == SheetAppeal.Status.UPHELD and appeal.decided_by == world.head
    assert sheet_of(locked_september, world.agents_a[0]).score == before


def test_the_head_amends_a_locked_sheet_by_voiding_a_line_and_adding_one(close_world, locked_september):
    # given a0's appeal against the medium deduction
    world = close_world
    sheet = sheet_of(locked_september, world.agents_a[0])
    line = sheet.lines.get(item__code="games_films", void=False)
    before = sheet.score
    appeal = _file(world, locked_september, date(2026, 10, 8))
    # when the head voids it and adds a light deduction instead
    idle = AppraisalItem.objects.get(code="idle_talk")
    with time_machine.travel(moment(date(2026, 10, 9)), tick=False):
        services.decide_appeal(
            appeal=appeal,
            actor=world.head,
            outcome="amended",
            note="未玩游戏，但与工作无关的闲谈属实",
            void_lines=[line.pk],
            add_lines=[{"item": idle.pk, "points": 1}],
        )
    # then the line stays, void; the sheet is computed again (+10 −1); the history says so
    line.refresh_from_db()
    sheet.refresh_from_db()
    assert line.void is True
    assert sheet.lines.filter(item=idle, void=False).count() == 1
    assert sheet.score == before + 10 - 1
    assert sheet.pay_delta == (sheet.score - 80) * 10
    assert AppraisalEvents.APPEAL_AMENDED in [e.verb for e in events_for(sheet)]
    appeal.refresh_from_db()
    assert appeal.status == SheetAppeal.Status.AMENDED


def test_an_amendment_must_change_something_and_points_stay_in_the_items_range(close_world, locked_september):
    world = close_world
    appeal = _file(world, locked_september, date(2026, 10, 8))
    idle = AppraisalItem.objects.get(code="idle_talk")
    with pytest.raises(ValidationError) as nothing:
        services.decide_appeal(appeal=appeal, actor=world.head, outcome="amended", note="更正")
    with pytest.raises(ValidationError) as out_of_range:
        services.decide_appeal(
            appeal=appeal,
            actor=world.head,
            outcome="amended",
            note="更正",
            add_lines=[{"item": idle.pk, "points": 9}],
        )
    assert "至少" in str(nothing.value)
    assert "1至2" in str(out_of_range.value)


def test_only_the_head_decides(close_world, locked_september):
    world = close_world
    appeal = _file(world, locked_september, date(2026, 10, 8))
    with pytest.raises(PermissionDenied):
        services.decide_appeal(appeal=appeal, actor=world.leader, outcome="upheld", note="维持")


def test_the_agent_files_an_appeal_on_the_page_and_the_head_decides_through_the_api(
    close_world, locked_september, client_for
):
    world = close_world
    sheet = sheet_of(locked_september, world.agents_a[0])
    # when a0 posts the appeal form
    with time_machine.travel(moment(date(2026, 10, 8)), tick=False):
        page = client_for(world.agents_a[0]).post(f"/quality/sheets/{sheet.pk}/appeal/", {"reason": "有异议"})
        assert page.status_code == 302
        other = sheet_of(locked_september, world.agents_a[1])
        assert client_for(world.agents_a[0]).get(f"/quality/sheets/{other.pk}/appeal/").status_code == 404
    appeal = SheetAppeal.objects.get()
    # then the head decides it through the API; a bad outcome is a 400
    api = client_for(world.head)
    bad = api.post(
        f"/api/quality/sheet-appeals/{appeal.pk}/decision",
        {"outcome": "upheld", "note": ""},
        content_type="application/json",
    )
    done = api.post(
        f"/api/quality/sheet-appeals/{appeal.pk}/decision",
        {"outcome": "upheld", "note": "维持原考核"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "处理意见" in bad.content.decode()
    assert done.status_code == 200 and done.json()["status"] == "upheld"


def test_an_appeal_filed_late_through_the_api_is_a_400(close_world, locked_september, client_for):
    world = close_world
    sheet = sheet_of(locked_september, world.agents_a[0])
    with time_machine.travel(moment(date(2026, 10, 12)), tick=False):
        response = client_for(world.agents_a[0]).post(
            f"/api/quality/sheets/{sheet.pk}/appeals", {"reason": "有异议"}, content_type="application/json"
        )
    assert response.status_code == 400
    assert "已超过申诉期限" in response.content.decode()
