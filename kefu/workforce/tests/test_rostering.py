"""S5 roster generator (pure CP-SAT model): a small week solved and re-checked by the independent roster
checker; leave, back-to-back, rest across the period's edge, days off, understaffing, fairness."""

from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from kefu.workforce.roster_rules import Block, Limits, roster_breaches
from kefu.workforce.rostering import ShiftSpec, solve

LIMITS = Limits(max_continuous=timedelta(hours=8), min_rest=timedelta(hours=8), min_staff=1)
SHIFTS = [
    ShiftSpec("D", "白班", time(8), 8),
    ShiftSpec("E", "中班", time(16), 8),
    ShiftSpec("N", "夜班", time(0), 8, night=True),
]
MONDAY = date(2026, 11, 30)
PEOPLE = list(range(1, 13))


def at(day: date, hour: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def a_day_with_a_peak() -> list[int]:
    # 1 agent at night, 3 by day with 4 from 10:00 to 12:00, 2 in the evening
    need = []
    for half_hour in range(48):
        hour = half_hour / 2
        if hour < 8:
            need.append(1)
        elif hour < 16:
            need.append(4 if 10 <= hour < 12 else 3)
        else:
            need.append(2)
    return need


def solve_week(*, people=PEOPLE, days=7, requirement=None, **kwargs):
    arguments = {
        "people": people,
        "shifts": SHIFTS,
        "first_day": MONDAY,
        "days": days,
        "requirement": requirement or a_day_with_a_peak() * days,
        "limits": LIMITS,
        "days_off_per_week": 2,
        "time_limit_s": 5,
    }
    arguments.update(kwargs)
    return solve(**arguments)


def test_a_week_for_twelve_people_is_solved_and_passes_the_independent_checker():
    # given a week with a morning peak and one person on leave for two days
    leave = {3: [(at(MONDAY + timedelta(days=1)), at(MONDAY + timedelta(days=3)))]}
    # when
    proposal = solve_week(leave=leave)
    # then
    assert proposal.status in ("OPTIMAL", "FEASIBLE")
    assert proposal.gap is not None and proposal.gap >= 0
    assert proposal.assignments
    assert roster_breaches(proposal.blocks(), limits=LIMITS, leave=leave) == []
    assert sum(proposal.under) == 0  # twelve people are enough
    assert len(proposal.under) == len(proposal.over) == 48 * 7


def test_no_one_works_during_approved_leave():
    start, end = at(MONDAY + timedelta(days=2)), at(MONDAY + timedelta(days=5))
    proposal = solve_week(leave={5: [(start, end)], 6: [(start, end)]})
    on_leave = [
        a for a in proposal.assignments if a.person_id in (5, 6) and a.starts_at < end and start < a.ends_at
    ]
    assert on_leave == []


def test_an_evening_is_never_followed_by_the_next_night():
    proposal = solve_week()
    worked = {(a.person_id, a.day, a.shift_code) for a in proposal.assignments}
    for person, day, code in worked:
        if code == "E":
            assert (person, day + timedelta(days=1), "N") not in worked


def test_a_shift_before_the_period_is_respected_across_the_edge():
    # person 1 works 中班 16:00–24:00 the Sunday before: 夜班 on Monday 00:00 would be back-to-back
    sunday = MONDAY - timedelta(days=1)
    fixed = {1: [Block(1, at(sunday, 16), at(MONDAY), "11-29中班")]}
    requirement = [12 if h < 16 else 0 for h in range(48)] * 2  # everyone wanted at night and by day
    proposal = solve_week(days=2, requirement=requirement, fixed=fixed)
    firsts = {(a.person_id, a.shift_code) for a in proposal.assignments if a.day == MONDAY}
    assert (1, "N") not in firsts
    assert (2, "N") in firsts  # others do take the night
    blocks = proposal.blocks() + fixed[1]
    assert [b for b in roster_breaches(blocks, limits=LIMITS) if b.person_id == 1] == []


def test_days_off_are_respected_in_every_seven_days():
    # far more demand than people: everyone works as much as the rules allow
    proposal = solve_week(days=14, requirement=[12] * 48 * 14)
    by_person = {p: {a.day for a in proposal.assignments if a.person_id == p} for p in PEOPLE}
    for days_worked in by_person.values():
        for offset in range(14 - 6):
            window = {MONDAY + timedelta(days=offset + i) for i in range(7)}
            assert len(days_worked & window) <= 5


def test_days_worked_before_the_period_count_towards_the_days_off():
    # person 1 worked the five days before: the first two days of the period are their days off
    fixed = {
        1: [
            Block(1, at(MONDAY - timedelta(days=d), 8), at(MONDAY - timedelta(days=d), 16))
            for d in range(1, 6)
        ]
    }
    proposal = solve_week(days=3, requirement=[12] * 48 * 3, fixed=fixed)
    days = {a.day for a in proposal.assignments if a.person_id == 1}
    assert MONDAY not in days and MONDAY + timedelta(days=1) not in days


def test_with_too_few_people_understaffing_is_reported_not_infeasible():
    proposal = solve_week(people=[1, 2, 3])
    assert proposal.status in ("OPTIMAL", "FEASIBLE")
    assert sum(proposal.under) > 0
    assert roster_breaches(proposal.blocks(), limits=LIMITS) == []


def test_nights_are_spread_within_one_when_possible():
    proposal = solve_week()
    nights = [proposal.nights[p] for p in PEOPLE]
    assert sum(nights) == 7  # one night agent a day
    assert max(nights) - min(nights) <= 1


def test_a_shift_longer_than_the_longest_stretch_is_never_given():
    long_shift = ShiftSpec("L", "长白班", time(8), 12)
    proposal = solve_week(shifts=[*SHIFTS, long_shift])
    assert Counter(a.shift_code for a in proposal.assignments)["L"] == 0


def test_the_requirement_must_have_48_half_hours_a_day():
    with pytest.raises(ValueError, match="336"):
        solve_week(requirement=[1] * 48)


def a_small_requirement(days: int = 7) -> list[int]:
    # one agent around the clock: far fewer shifts than twelve people's contracted weeks
    return [1] * 48 * days


def test_with_a_contract_everyone_gets_their_contracted_shifts_and_no_breaches():
    # given twelve people, a small requirement, 5 shifts a week contracted
    # when
    proposal = solve_week(requirement=a_small_requirement(), contracted_per_week=5)
    # then
    assert proposal.solved
    assert {proposal.shifts_worked[p] for p in PEOPLE} == {5}
    assert proposal.contracted == dict.fromkeys(PEOPLE, 5)
    assert sum(proposal.short.values()) == 0
    assert sum(proposal.under) == 0
    assert roster_breaches(proposal.blocks(), limits=LIMITS) == []


def test_without_a_contract_only_the_demand_is_rostered():
    proposal = solve_week(requirement=a_small_requirement(), contracted_per_week=0)
    assert proposal.solved
    assert sum(proposal.shifts_worked.values()) == 21  # three shifts a day, one agent each
    assert min(proposal.shifts_worked.values()) < 5
    assert proposal.contracted == {}


def test_leave_days_come_off_the_contracted_week():
    # person 3 is on approved leave Tuesday to Thursday (three whole days)
    leave = {3: [(at(MONDAY + timedelta(days=1)), at(MONDAY + timedelta(days=4)))]}
    proposal = solve_week(requirement=a_small_requirement(), contracted_per_week=5, leave=leave)
    assert proposal.contracted[3] == 2
    assert proposal.shifts_worked[3] == 2
    assert {proposal.shifts_worked[p] for p in PEOPLE if p != 3} == {5}
    assert roster_breaches(proposal.blocks(), limits=LIMITS, leave=leave) == []


def test_a_last_partial_week_is_prorated():
    # ten days: 5 in the first week, round(5 × 3 ÷ 7) = 2 in the last three days
    proposal = solve_week(days=10, requirement=a_small_requirement(10), contracted_per_week=5)
    assert proposal.contracted == dict.fromkeys(PEOPLE, 7)
    assert {proposal.shifts_worked[p] for p in PEOPLE} == {7}


def test_a_contract_the_days_off_before_the_period_forbid_is_short_not_infeasible():
    # person 1 worked the five days before a 3-day period: the contract's 2 shifts cannot all be given
    fixed = {
        1: [
            Block(1, at(MONDAY - timedelta(days=d), 8), at(MONDAY - timedelta(days=d), 16))
            for d in range(1, 6)
        ]
    }
    proposal = solve_week(days=3, requirement=a_small_requirement(3), fixed=fixed, contracted_per_week=5)
    assert proposal.solved
    assert proposal.contracted[1] == 2
    assert proposal.shifts_worked[1] == 1 and proposal.short[1] == 1  # day 3 only
