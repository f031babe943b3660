"""The personal roster (S1, S4): putting people on shifts by the rules with every Chinese reason, taking
shifts off (never deleting), changing a cell, 24-hour coverage, and who is on duty."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import TeamFactory
from kefu.core.events import events_for
from kefu.workforce import selectors, selectors_rosters, services
from kefu.workforce.models import Attendance, LeaveKind, LeaveRequest, RosterEntry, Shift

SHANGHAI = timezone.get_fixed_timezone(8 * 60)
NOV_24 = date(2026, 11, 24)


def shift(code: str) -> Shift:
    return Shift.objects.get(code=code)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture
def team(db):
    return TeamFactory(code="RX1", name="热线一班")


@pytest.fixture
def head(department_head):
    return department_head


@pytest.fixture
def zhang(make_user, team):
    return make_user(Role.AGENT, username="zhang", name="话务员小张", team=team, employee_no="1001")


def assign(head, person, day, code, **kwargs) -> RosterEntry:
    return services.assign_shift(actor=head, person=person, day=day, shift=shift(code), **kwargs)


# Putting people on shifts


def test_an_eight_hour_shift_is_rostered_with_its_hours_copied_and_an_event(head, zhang):
    # when the head puts 小张 on the day shift of 11-24 (exactly 8 hours: allowed)
    entry = assign(head, zhang, NOV_24, "D", note="新排")
    # then the entry carries the shift's hours as they were, and the change is in its history
    assert (entry.starts_at, entry.ends_at) == (at(NOV_24, 8), at(NOV_24, 16))
    assert entry.status == RosterEntry.Status.SCHEDULED and entry.source == RosterEntry.Source.MANUAL
    event = events_for(entry).get()
    assert event.verb == "roster.assigned" and event.actor == head
    assert event.changes == {"person": "话务员小张", "day": "2026-11-24", "shift": "白班", "status": "在班"}


def test_the_day_shift_then_the_evening_shift_is_refused_as_back_to_back_and_16_hours(head, zhang):
    # given 08:00–16:00
    assign(head, zhang, NOV_24, "D")
    # when 16:00–24:00 is added the same day, then both reasons come back, joined by "；"
    with pytest.raises(ValidationError) as caught:
        assign(head, zhang, NOV_24, "E")
    assert caught.value.message_dict["shift"] == [
        "11-24白班下班即接11-24中班，不允许连班；11-24白班接11-24中班连续工作16小时，超过规定的8小时"
    ]
    assert RosterEntry.objects.filter(person=zhang).count() == 1


def test_the_evening_shift_then_the_next_nights_shift_is_refused(head, zhang):
    assign(head, zhang, NOV_24, "E")
    with pytest.raises(ValidationError) as caught:
        assign(head, zhang, date(2026, 11, 25), "N")
    message = caught.value.message_dict["shift"][0]
    assert "11-24中班下班即接11-25夜班，不允许连班" in message
    assert "连续工作16小时，超过规定的8小时" in message


def test_the_night_shift_after_the_day_shift_leaves_exactly_the_minimum_rest(head, zhang):
    # 16:00 to 00:00 next day is 8 hours' rest, which the rule allows (not less than 8)
    assign(head, zhang, NOV_24, "D")
    assign(head, zhang, date(2026, 11, 25), "N")
    assert RosterEntry.objects.filter(person=zhang, status=RosterEntry.Status.SCHEDULED).count() == 2


def test_less_rest_than_the_rule_is_refused(head, zhang):
    early = Shift.objects.create(
        code="Z", name="早班", kind="day", starts_at=time(6), ends_at=time(14), order=9
    )
    assign(head, zhang, NOV_24, "E")
    with pytest.raises(ValidationError) as caught:
        services.assign_shift(actor=head, person=zhang, day=date(2026, 11, 25), shift=early)
    assert caught.value.message_dict["shift"] == ["11-24中班与11-25早班之间只休息6小时，少于规定的8小时"]


def test_a_shift_during_approved_leave_is_refused(head, zhang):
    # given 小张's approved leave for 11-24 (the leave service is another subject's: the row is enough)
    LeaveRequest.objects.create(
        number="QJ2026110001",
        person=zhang,
        asked_by=zhang,
        kind=LeaveKind.PERSONAL,
        starts_at=at(NOV_24, 0),
        ends_at=at(NOV_24 + timedelta(days=1), 0),
        reason="家中有事",
        status=LeaveRequest.Status.APPROVED,
    )
    with pytest.raises(ValidationError) as caught:
        assign(head, zhang, NOV_24, "D")
    assert caught.value.message_dict["shift"] == [
        "11-24白班与已批准的请假（11-24 00:00至11-25 00:00）冲突，请假期间不能排班"
    ]


def test_only_active_agents_and_team_leaders_are_rostered(head, make_user, team, counter_clerk):
    leader = make_user(Role.TEAM_LEADER, team=team)
    assign(head, leader, NOV_24, "D")
    with pytest.raises(ValidationError) as caught:
        assign(head, counter_clerk, NOV_24, "D")
    assert caught.value.message_dict["person"] == ["营业员小王的角色是窗口营业员，只有话务员和班长可以排班"]
    gone = make_user(Role.AGENT, name="已离职的小刘", is_active=False)
    with pytest.raises(ValidationError, match="已离职的小刘已停用，不能排班"):
        assign(head, gone, NOV_24, "D")


def test_the_same_shift_twice_is_refused(head, zhang):
    assign(head, zhang, NOV_24, "D")
    with pytest.raises(ValidationError) as caught:
        assign(head, zhang, NOV_24, "D")
    assert caught.value.message_dict["shift"] == ["话务员小张在2026-11-24已排白班（在班），不能重复排班"]


# Taking shifts off, changing a cell


def test_a_cancelled_shift_stays_with_its_reason_and_frees_the_hours(head, zhang):
    entry = assign(head, zhang, NOV_24, "D")
    with pytest.raises(ValidationError) as caught:
        services.cancel_entry(actor=head, entry=entry, reason="  ")
    assert caught.value.message_dict["reason"] == ["撤销排班须填写原因"]
    services.cancel_entry(actor=head, entry=entry, reason="人员调整")
    entry.refresh_from_db()
    assert entry.status == RosterEntry.Status.CANCELLED
    event = events_for(entry).first()
    assert event.verb == "roster.cancelled" and event.note == "人员调整"
    assert event.changes["status"] == ["在班", "已撤销"]
    # the same shift may be rostered again, and the cancelled entry cannot be cancelled twice
    assign(head, zhang, NOV_24, "D")
    with pytest.raises(ValidationError, match="当前为“已撤销”"):
        services.cancel_entry(actor=head, entry=entry, reason="再撤一次")


def test_a_shift_signed_in_for_is_not_cancelled(head, zhang):
    entry = assign(head, zhang, NOV_24, "D")
    Attendance.objects.create(entry=entry, signed_in_at=at(NOV_24, 7, 55))
    with pytest.raises(ValidationError) as caught:
        services.cancel_entry(actor=head, entry=entry, reason="调整")
    assert caught.value.message_dict["entry"] == ["话务员小张 2026-11-24 白班已签到上班，不能撤销或更改"]


def test_changing_a_cell_is_checked_without_the_shift_it_replaces(head, zhang):
    # given 白班 on 11-24: 中班 would be back to back with it, but it replaces it
    day_shift = assign(head, zhang, NOV_24, "D")
    evening = services.replace_shift(actor=head, entry=day_shift, shift=shift("E"))
    day_shift.refresh_from_db()
    assert day_shift.status == RosterEntry.Status.CANCELLED
    assert evening.shift.code == "E" and evening.status == RosterEntry.Status.SCHEDULED
    assert events_for(day_shift).first().note == "改为中班"
    # and a change the rules refuse leaves the old shift in place
    assign(head, zhang, date(2026, 11, 23), "E")
    with pytest.raises(ValidationError, match="11-23中班下班即接11-24夜班，不允许连班"):
        services.replace_shift(actor=head, entry=evening, shift=shift("N"))
    evening.refresh_from_db()
    assert evening.status == RosterEntry.Status.SCHEDULED


# Coverage and who is on duty


def test_coverage_flags_each_hour_below_the_minimum_staff(head, zhang, make_user, team):
    # given two people on the day shift and one on the evening shift of 11-24 (minimum 2 an hour)
    other = make_user(Role.AGENT, team=team)
    assign(head, zhang, NOV_24, "D")
    assign(head, other, NOV_24, "D")
    assign(head, other, date(2026, 11, 23), "N")  # another day: not counted on 11-24
    evening = make_user(Role.AGENT, team=team)
    assign(head, evening, NOV_24, "E")
    cover = selectors_rosters.coverage_for(NOV_24, 1)
    counts = [count for _hour, count in cover.hours]
    assert counts == [0] * 8 + [2] * 8 + [1] * 8
    # then the night and the evening hours are flagged, the day hours are not
    assert cover.short_hours == 16
    assert cover.breaches[8].message == "11-24 16:00–17:00 在岗1人，少于最低2人（24小时不能空岗）"
    spells = selectors_rosters.short_spells(cover)
    assert [(s.text, s.count) for s in spells] == [("11-24 00:00–08:00", 0), ("11-24 16:00–24:00", 1)]


def test_who_is_on_duty_is_read_from_the_roster(head, zhang, make_user, team):
    leader = make_user(Role.TEAM_LEADER, team=team, employee_no="0001")
    assign(head, zhang, NOV_24, "D")
    assign(head, leader, NOV_24, "D")
    duty = selectors.on_duty_now(at(NOV_24, 9))
    assert [(d.team, d.members) for d in duty] == [(team, [leader, zhang])]
    assert duty[0].started_at == at(NOV_24, 8) and duty[0].ends_at == at(NOV_24, 16)
    assert selectors.on_duty_now(at(NOV_24, 16)) == []  # the day shift ended at 16:00
