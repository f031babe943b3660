"""The monthly close drafts every sheet in bulk (sheets.draft_sheets, collect.lines_for_all: issue 16
"closing a month for 500 staff ≤ 5 s"): the same sheets, lines, scores and history as drafting person
by person through draft_sheet, on a first draft and on a redraft after the records changed."""

from datetime import date

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.core.events import events_for
from kefu.hotline.services.contacts import correct_contact
from kefu.quality import collect
from kefu.quality.models import AppraisalItem, AppraisalLine, AppraisalSheet, ItemSource, QaCheck
from kefu.quality.services import complaints, exams
from kefu.quality.services import sheets as services
from kefu.quality.tests import factories_sheets as f
from kefu.workforce.models import DisciplineCase

MONTH = f.MONTH


class Rollback(Exception):
    pass


def at(day: int, hour: int = 10):
    return timezone.make_aware(timezone.datetime(2026, 11, day, hour))


@pytest.fixture(name="world")
def world_fixture(db, make_user):
    """Five people with every kind of record the appraisal reads, and one with none."""
    f.catalogue()
    spec = f.specialist(username="spec_bulk")
    team = f.staff().team
    late, absent, complained, checked, quiet = (f.staff(team=team, name=f"话务员{n}") for n in range(5))
    leader = f.staff(Role.TEAM_LEADER, team=team, name="班长")
    # lateness: a minor one and a 迟到 case; 旷工 and 擅离岗位 cases
    f.signed_in(f.roster_entry(late, date(2026, 11, 3)), minutes_late=5)
    entry = f.roster_entry(late, date(2026, 11, 4))
    f.signed_in(entry, minutes_late=25)
    f.discipline_case(late, date(2026, 11, 4), DisciplineCase.Kind.LATE, minutes=25, entry=entry)
    f.discipline_case(absent, date(2026, 11, 5), DisciplineCase.Kind.ABSENT)
    f.discipline_case(absent, date(2026, 11, 6), DisciplineCase.Kind.AWAY, minutes=12)
    f.discipline_case(absent, date(2026, 11, 9), DisciplineCase.Kind.ABSENT)
    # complaints: a valid one, a quarrel, one not valid; contacts earning the zero-complaints bonus
    orders = [f.contact(complained, at=at(10), code="service_complaint").work_order for _ in range(3)]
    complaints.record_finding(
        actor=spec, work_order=orders[0], person=complained, valid=True, note="态度生硬"
    )
    complaints.record_finding(
        actor=spec, work_order=orders[1], person=complained, valid=True, quarrel=True, note="争吵"
    )
    complaints.record_finding(actor=spec, work_order=orders[2], person=late, valid=False, note="不成立")
    for person in (late, checked):
        f.contact(person, at=at(2, 9))
        f.contact(person, at=at(2, 9))
    # QA: a failed check, a critical failure, a passed one
    contacts = [f.contact(checked, at=at(12), code="consult") for _ in range(3)]
    for number, (c, passed, critical) in enumerate(
        [(contacts[0], False, False), (contacts[1], False, True), (contacts[2], True, False)]
    ):
        QaCheck.objects.create(
            number=f"ZJB{number}",
            month=MONTH,
            agent=checked,
            contact=c,
            status=QaCheck.Status.SCORED,
            passed=passed,
            critical_failed=critical,
            scored_at=at(13),
        )
    # standing in: noted 顶班, rostered the same day; a planned-ahead shift that is not
    f.signed_in(f.roster_entry(checked, date(2026, 11, 7), note="顶班：病假"))
    f.signed_in(f.roster_entry(leader, date(2026, 11, 8), created_on=date(2026, 11, 8)))
    f.signed_in(f.roster_entry(leader, date(2026, 11, 9)))
    # an entry correction on the checked agent's contact
    with time_machine.travel(at(3, 9), tick=False):
        correct_contact(actor=leader, contact=contacts[0], reason="地址写错", matter="停水（更正）")
    # the exam: full marks, a fail
    exams.record_score(actor=spec, month=MONTH, person=checked, score=100)
    exams.record_score(actor=spec, month=MONTH, person=absent, score=40)
    return {"spec": spec, "people": [late, absent, complained, checked, quiet, leader]}


def snapshot(appraisal_month, people) -> list:
    """Everything a drafting writes, without the database's own ids and times."""
    rows = []
    for person in people:
        sheet = AppraisalSheet.objects.get(appraisal_month=appraisal_month, person=person)
        lines = [
            (
                line.item.code,
                line.kind,
                line.points,
                line.occurred_on,
                line.note,
                line.evidence,
                line.evidence_url,
                line.void,
                line.void_reason,
                line.automatic,
            )
            for line in AppraisalLine.objects.filter(sheet=sheet).select_related("item")
        ]
        history = [
            (event.verb, event.actor_id, event.target_repr, event.changes, event.note)
            for event in events_for(sheet).order_by("id")
        ]
        rows.append(
            (
                person.pk,
                sheet.team_id,
                sheet.joined_on,
                sheet.score,
                sheet.grade,
                sheet.pay_delta,
                sheet.termination_flag,
                sheet.termination_reasons,
                sheet.computed_lines,
                lines,
                history,
            )
        )
    return rows


def both_ways(appraisal_month, people, actor) -> tuple[list, list]:
    """The snapshot after drafting in bulk and after drafting one by one, from the same data."""
    taken = {}
    for way in ("bulk", "one by one"):
        try:
            with transaction.atomic():
                if way == "bulk":
                    services.draft_sheets(appraisal_month=appraisal_month, people=people, actor=actor)
                else:
                    for person in people:
                        services.draft_sheet(appraisal_month=appraisal_month, person=person, actor=actor)
                taken[way] = snapshot(appraisal_month, people)
                raise Rollback
        except Rollback:
            pass
    return taken["bulk"], taken["one by one"]


def test_the_lines_for_everyone_at_once_are_each_persons_lines(world):
    # given the people and their records
    people = world["people"]
    # when the records are read for all at once
    together = collect.lines_for_all(people, MONTH)
    # then each person has exactly the lines read for them alone, in the same order
    assert {pk: len(rows) for pk, rows in together.items() if rows} != {}
    assert together == {person.pk: collect.lines_for(person, MONTH) for person in people}


def test_a_first_draft_in_bulk_writes_the_same_sheets_lines_scores_and_history_as_one_by_one(world):
    # given a month not drafted yet
    appraisal_month = f.appraisal_month()
    # when it is drafted in bulk, and (rolled back) person by person
    bulk, one_by_one = both_ways(appraisal_month, world["people"], world["spec"])
    # then everything written is the same, and the lines and scores are there
    assert bulk == one_by_one
    assert sum(len(row[9]) for row in bulk) >= 14
    assert any(event[0] == "appraisal_sheet.flagged" for row in bulk for event in row[10])


def test_a_redraft_in_bulk_after_records_changed_matches_one_by_one(world):
    # given the month drafted once, then a line struck off by a person, a hand line, a case withdrawn,
    # a new case, and a person moved to another team
    people, spec = world["people"], world["spec"]
    appraisal_month = f.appraisal_month()
    services.draft_sheets(appraisal_month=appraisal_month, people=people, actor=spec)
    late, absent = people[0], people[1]
    sheet = AppraisalSheet.objects.get(appraisal_month=appraisal_month, person=late)
    services.void_line(line=sheet.lines.filter(void=False).first(), actor=spec, reason="申诉成立")
    hand = (
        AppraisalItem.objects.filter(source=ItemSource.MANUAL, active=True).order_by("position", "pk").first()
    )
    services.add_line(sheet=sheet, actor=spec, item=hand, points=hand.min_points, note="手工录入")
    case = DisciplineCase.objects.filter(person=absent, kind=DisciplineCase.Kind.ABSENT).first()
    case.status, case.outcome = DisciplineCase.Status.CLOSED, "考勤更正"
    case.save()
    f.discipline_case(people[4], date(2026, 11, 20), DisciplineCase.Kind.AWAY, minutes=30)
    people[2].team = f.staff().team
    people[2].save()
    # when it is drafted again in bulk, and (rolled back) person by person
    bulk, one_by_one = both_ways(appraisal_month, people, spec)
    # then the same
    assert bulk == one_by_one
    voided = [line for row in bulk for line in row[9] if line[7]]
    assert any(line[8].startswith(services.AUTO_VOID) for line in voided)
    assert any(line[8] == "申诉成立" for line in voided)
