"""The roster checker (S1, S4) on its own: the worked examples of issue 14 and each rule's message.
Pure functions, so no database: the services and the generator are tested against the same checker."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from kefu.workforce.roster_rules import Block, Limits, coverage, coverage_breaches, person_breaches

LIMITS = Limits(max_continuous=timedelta(hours=8), min_rest=timedelta(hours=8), min_staff=2)


def shift(day: int, start: int, hours: int, label: str, person: int = 1) -> Block:
    starts_at = timezone.make_aware(datetime(2026, 11, day, start))
    return Block(person, starts_at, starts_at + timedelta(hours=hours), label)


def messages(blocks, **kwargs) -> list[str]:
    return [breach.message for breach in person_breaches(blocks, limits=LIMITS, **kwargs)]


def test_exactly_eight_hours_is_allowed():
    assert messages([shift(24, 8, 8, "11-24白班")]) == []


def test_day_then_evening_on_one_day_is_refused_as_back_to_back_and_sixteen_hours():
    assert messages([shift(24, 8, 8, "11-24白班"), shift(24, 16, 8, "11-24中班")]) == [
        "11-24白班下班即接11-24中班，不允许连班",
        "11-24白班接11-24中班连续工作16小时，超过规定的8小时",
    ]


def test_evening_then_the_next_nights_shift_is_refused():
    found = messages([shift(24, 16, 8, "11-24中班"), shift(25, 0, 8, "11-25夜班")])
    assert found[0] == "11-24中班下班即接11-25夜班，不允许连班"


def test_a_single_shift_over_the_limit_is_refused():
    assert messages([shift(24, 8, 9, "11-24长班")]) == ["11-24长班连续工作9小时，超过规定的8小时"]


def test_rest_below_the_rule_is_refused_and_at_the_rule_allowed():
    assert messages([shift(24, 8, 8, "白班"), shift(24, 20, 4, "晚班")]) == [
        "白班与晚班之间只休息4小时，少于规定的8小时"
    ]
    assert messages([shift(24, 16, 8, "中班"), shift(25, 8, 8, "次日白班")]) == []


def test_overlapping_shifts_are_refused():
    assert messages([shift(24, 8, 8, "白班"), shift(24, 12, 8, "插班")]) == ["插班与白班时间重叠"]


def test_a_shift_during_approved_leave_is_refused():
    leave = [(timezone.make_aware(datetime(2026, 11, 24)), timezone.make_aware(datetime(2026, 11, 25)))]
    assert messages([shift(24, 8, 8, "11-24白班")], leave=leave) == [
        "11-24白班与已批准的请假（11-24 00:00至11-25 00:00）冲突，请假期间不能排班"
    ]


def test_the_limits_are_the_rules_values():
    limits = Limits(max_continuous=timedelta(hours=12), min_rest=timedelta(hours=12), min_staff=1)
    assert person_breaches([shift(24, 8, 12, "12小时白班")], limits=limits) == []


def test_coverage_counts_people_on_duty_for_each_whole_hour_and_flags_thin_hours():
    blocks = [shift(24, 8, 8, "白班", 1), shift(24, 8, 8, "白班", 2), shift(24, 16, 8, "中班", 3)]
    counts = dict(coverage(blocks, date(2026, 11, 24), 1))
    assert counts[timezone.make_aware(datetime(2026, 11, 24, 9))] == 2
    assert counts[timezone.make_aware(datetime(2026, 11, 24, 17))] == 1
    assert counts[timezone.make_aware(datetime(2026, 11, 24, 3))] == 0
    flags = coverage_breaches(blocks, date(2026, 11, 24), 1, limits=LIMITS)
    assert len(flags) == 16  # 00:00–08:00 nobody, 16:00–24:00 one person
    assert flags[0].message == "11-24 00:00–01:00 在岗0人，少于最低2人（24小时不能空岗）"


def test_a_sixth_day_in_seven_is_refused_when_two_days_off_are_the_rule():
    limits = Limits(max_continuous=timedelta(hours=8), min_rest=timedelta(hours=8), min_staff=2, days_off=2)
    five = [shift(day, 8, 8, f"11-{day}白班") for day in range(23, 28)]
    assert person_breaches(five, limits=limits) == []
    found = person_breaches([*five, shift(28, 8, 8, "11-28白班")], limits=limits)
    assert [b.message for b in found] == ["11-28白班使11-23至11-28的7天内上班6天，每7天至少休息2天"]
    # a day off in between keeps every window at five
    assert person_breaches([*five, shift(30, 8, 8, "11-30白班")], limits=limits) == []
