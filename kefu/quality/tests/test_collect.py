"""The lines the records give (Q2 "items come from the records"): attendance, complaints, QA results,
standing-in shifts, entry corrections, the exam; each with its evidence; inactive items give none."""

from datetime import date

import pytest
import time_machine
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.hotline.services.contacts import correct_contact
from kefu.quality import collect
from kefu.quality.models import AppraisalItem, QaCheck
from kefu.quality.services import complaints, exams
from kefu.quality.tests import factories_sheets as f
from kefu.workforce.models import DisciplineCase

MONTH = f.MONTH


@pytest.fixture
def person(db):
    f.catalogue()
    return f.staff(name="话务员小张")


def codes(person, month=MONTH):
    return sorted((row.item.code, row.points) for row in collect.lines_for(person, month))


def test_a_minor_late_sign_in_costs_the_minor_points_and_a_late_case_the_case_points(person):
    # given a sign-in 5 minutes late, and a 迟到 case of 25 minutes on another day
    f.signed_in(f.roster_entry(person, date(2026, 11, 3)), minutes_late=5)
    entry = f.roster_entry(person, date(2026, 11, 4))
    f.signed_in(entry, minutes_late=25)
    f.discipline_case(person, date(2026, 11, 4), DisciplineCase.Kind.LATE, minutes=25, entry=entry)
    # when
    found = collect.lines_for(person, MONTH)
    # then
    assert sorted((r.item.code, r.points) for r in found) == [("late_or_early", 2), ("late_or_early", 5)]
    assert {r.evidence.split(":")[0] for r in found} == {"workforce.attendance", "workforce.disciplinecase"}
    assert all(r.evidence_url for r in found)


def test_absence_and_away_cases_give_their_items(person):
    f.discipline_case(person, date(2026, 11, 5), DisciplineCase.Kind.ABSENT)
    f.discipline_case(person, date(2026, 11, 6), DisciplineCase.Kind.AWAY, minutes=12)
    assert codes(person) == [("absence", 20), ("away_unreported", 5)]


def test_a_withdrawn_case_and_another_month_give_nothing(person):
    case = f.discipline_case(person, date(2026, 11, 5), DisciplineCase.Kind.ABSENT)
    case.status, case.outcome = DisciplineCase.Status.CLOSED, "考勤更正"
    case.save()
    f.discipline_case(person, date(2026, 12, 1), DisciplineCase.Kind.ABSENT)
    assert codes(person) == []


def test_valid_complaints_give_the_light_item_or_the_quarrel_and_take_the_zero_bonus(person, make_user):
    # given two complaint work orders against the person, one a quarrel, and a third found not valid
    lead = make_user(Role.TRAINING_SPECIALIST, username="spec1")
    when = timezone.make_aware(timezone.datetime(2026, 11, 10, 10))
    orders = [f.contact(person, at=when, code="service_complaint").work_order for _ in range(3)]
    complaints.record_finding(actor=lead, work_order=orders[0], person=person, valid=True, note="态度生硬")
    complaints.record_finding(
        actor=lead, work_order=orders[1], person=person, valid=True, quarrel=True, note="与客户争吵"
    )
    complaints.record_finding(actor=lead, work_order=orders[2], person=person, valid=False, note="不成立")
    # then
    assert codes(person) == [("complaint_reply", 5), ("quarrel", 20)]


def test_a_month_of_contacts_without_a_valid_complaint_earns_the_zero_complaints_bonus(person):
    # given a contact in November and none in October
    f.contact(person, at=timezone.make_aware(timezone.datetime(2026, 11, 2, 9)))
    # then
    assert codes(person) == [("zero_complaints", 5)]
    assert codes(person, date(2026, 10, 1)) == []


def test_a_failed_qa_check_costs_the_rule_and_a_critical_failure_the_light_maximum(person):
    # given two scored checks that failed (one on a critical item), a passed one and a calibration
    when = timezone.make_aware(timezone.datetime(2026, 11, 12, 9))
    contacts = [f.contact(person, at=when, code="consult") for _ in range(3)]
    for number, (c, passed, critical) in enumerate(
        [(contacts[0], False, False), (contacts[1], False, True), (contacts[2], True, False)]
    ):
        QaCheck.objects.create(
            number=f"ZJ{number}",
            month=MONTH,
            agent=person,
            contact=c,
            status=QaCheck.Status.SCORED,
            passed=passed,
            critical_failed=critical,
            scored_at=when,
        )
    # then
    lines = codes(person)
    assert [line for line in lines if line[0] == "spot_check"] == [("spot_check", 2), ("spot_check", 5)]


def test_standing_in_is_a_shift_marked_in_its_note_or_rostered_the_day_it_starts(person):
    # given a shift noted 顶班, a shift added on its own day, a planned-ahead shift, each signed in, and
    # a 顶班 shift the person never signed in for
    f.signed_in(f.roster_entry(person, date(2026, 11, 7), note="顶班：小李病假"))
    f.signed_in(f.roster_entry(person, date(2026, 11, 8), created_on=date(2026, 11, 8)))
    f.signed_in(f.roster_entry(person, date(2026, 11, 9)))
    f.roster_entry(person, date(2026, 11, 10), note="顶班")
    # then two bonuses
    assert codes(person) == [("standing_in", 5), ("standing_in", 5)]


def test_each_correction_of_the_persons_contact_is_an_entry_error(person, make_user):
    # given a contact of the person corrected twice in November by the team leader
    contact = f.contact(person, at=timezone.make_aware(timezone.datetime(2026, 11, 2, 9)), code="consult")
    leader = make_user(Role.TEAM_LEADER, username="lead9")
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 11, 3, 9)), tick=False):
        correct_contact(actor=leader, contact=contact, reason="地址写错", matter="小区停水（更正）")
        correct_contact(actor=leader, contact=contact, reason="再次更正", matter="小区停水（再更正）")
    # then
    lines = [row for row in collect.lines_for(person, MONTH) if row.item.code == "entry_error"]
    assert [row.points for row in lines] == [2, 2]
    assert all(row.evidence.startswith("core.event:") for row in lines)


def test_full_marks_is_a_bonus_and_below_sixty_a_medium_deduction(person, make_user):
    spec = make_user(Role.TRAINING_SPECIALIST, username="spec2")
    other = f.staff()
    exams.record_score(actor=spec, month=MONTH, person=person, score=100)
    exams.record_score(actor=spec, month=MONTH, person=other, score=59)
    assert codes(person) == [("exam_full_marks", 5)]
    assert codes(other) == [("exam_failed", 10)]


def test_an_inactive_item_gives_no_lines(person):
    f.discipline_case(person, date(2026, 11, 5), DisciplineCase.Kind.ABSENT)
    AppraisalItem.objects.filter(code="absence").update(active=False)
    assert codes(person) == []
