"""The monthly close (Q2, Q4): opening and drafting a month, the workflow and its permissions, the team
ranks, the last-place rule over two months, and the termination flags alerting the center director."""

from datetime import date

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError

from kefu.accounts.models import Role
from kefu.core.events import events_for
from kefu.core.models import Alert
from kefu.quality.events import AppraisalEvents
from kefu.quality.models import AppraisalMonth, AppraisalSheet
from kefu.quality.services import months as services
from kefu.quality.tests.factories_months import (
    HIRED,
    close_world_fixture,  # noqa: F401 (the close_world fixture)
    deduct,
    drafted_month,
    lock,
    moment,
    sheet_of,
)

OCTOBER, NOVEMBER = date(2026, 10, 1), date(2026, 11, 1)


def test_a_month_is_opened_from_its_last_working_day_on_and_once(close_world):
    # given November 2026, whose last working day is Monday the 30th
    world = close_world
    # when the specialist opens it on the 27th, then on the 30th twice
    with time_machine.travel(moment(date(2026, 11, 27)), tick=False):
        with pytest.raises(ValidationError) as early:
            services.open_month(month=NOVEMBER, actor=world.specialist)
    with time_machine.travel(moment(date(2026, 11, 30)), tick=False):
        first = services.open_month(month=date(2026, 11, 15), actor=world.specialist)
        again = services.open_month(month=NOVEMBER, actor=world.specialist)
    # then the early try names the first day allowed; the repeat is answered with the same month
    assert "2026-11-30" in str(early.value)
    assert first.pk == again.pk and first.month == NOVEMBER
    assert AppraisalMonth.objects.count() == 1
    assert [e.verb for e in events_for(first)] == [AppraisalEvents.MONTH_OPENED]


def test_only_the_training_specialist_opens_a_month(close_world):
    with time_machine.travel(moment(date(2026, 12, 1)), tick=False), pytest.raises(PermissionDenied):
        services.open_month(month=NOVEMBER, actor=close_world.agents_a[0])


def test_drafting_makes_a_sheet_for_every_appraised_person_employed_in_the_month(close_world, make_user):
    # given a newcomer who joins in December, one who left (inactive) and a meter store keeper
    world = close_world
    make_user(Role.AGENT, username="late", hired_on=date(2026, 12, 3), team=world.team_a)
    make_user(Role.AGENT, username="gone", hired_on=HIRED, team=world.team_a, is_active=False)
    make_user(Role.METER_STORE_KEEPER, username="store", hired_on=HIRED)
    # when November is drafted
    month = drafted_month(world, NOVEMBER)
    # then the agents, the leader and the specialist have a sheet; heads, directors and the others not
    people = set(
        AppraisalSheet.objects.filter(appraisal_month=month).values_list("person__username", flat=True)
    )
    assert people == {"trainer", "leader", "a0", "a1", "a2", "b0", "b1"}
    assert AppraisalEvents.MONTH_SHEETS_DRAFTED in [e.verb for e in events_for(month)]


def test_drafting_again_does_not_double_the_sheets(close_world):
    world = close_world
    month = drafted_month(world, NOVEMBER)
    month = drafted_month(world, NOVEMBER)
    assert AppraisalSheet.objects.filter(appraisal_month=month).count() == 7


def test_the_month_goes_from_the_specialist_through_the_supervisor_to_the_head_who_locks_it(close_world):
    # given a drafted November
    world = close_world
    month = drafted_month(world, NOVEMBER)
    # when it is submitted, reviewed and approved
    month = lock(world, month, on=date(2026, 12, 1))
    # then it is locked by the head, each step an event
    assert month.status == AppraisalMonth.Status.LOCKED
    assert (month.drafted_by, month.reviewed_by, month.approved_by) == (
        world.specialist,
        world.leader,
        world.head,
    )
    verbs = [e.verb for e in events_for(month)]
    for verb in (
        AppraisalEvents.MONTH_OPENED,
        AppraisalEvents.MONTH_DRAFTED,
        AppraisalEvents.MONTH_REVIEWED,
        AppraisalEvents.MONTH_LOCKED,
    ):
        assert verb in verbs


def test_the_reviewer_may_not_be_the_one_who_drafted(close_world):
    # given a specialist who also holds the review permission, and her submitted month
    world = close_world
    world.specialist.user_permissions.add(Permission.objects.get(codename="review_appraisalmonth"))
    month = drafted_month(world, NOVEMBER)
    with time_machine.travel(moment(date(2026, 12, 1)), tick=False):
        services.submit(appraisal_month=month, actor=world.specialist)
        specialist = type(world.specialist).objects.get(pk=world.specialist.pk)
        # when she reviews it herself
        with pytest.raises(PermissionDenied) as refused:
            services.review(appraisal_month=month, actor=specialist)
    # then she is refused, naming the rule
    assert "审核人不能是编制人" in str(refused.value)
    month.refresh_from_db()
    assert services.stage(month) == "submitted"


@pytest.mark.parametrize("who", ["specialist", "leader"])
def test_only_the_department_head_approves_and_locks(close_world, who):
    world = close_world
    month = drafted_month(world, NOVEMBER)
    with time_machine.travel(moment(date(2026, 12, 1)), tick=False):
        services.submit(appraisal_month=month, actor=world.specialist)
        services.review(appraisal_month=month, actor=world.leader)
        with pytest.raises(PermissionDenied):
            services.approve(appraisal_month=month, actor=getattr(world, who))
    month.refresh_from_db()
    assert month.status == AppraisalMonth.Status.REVIEWED


def test_a_month_cannot_be_locked_before_it_is_reviewed(close_world):
    world = close_world
    month = drafted_month(world, NOVEMBER)
    with pytest.raises(ValidationError) as refused:
        services.approve(appraisal_month=month, actor=world.head)
    assert "须先经主管审核" in str(refused.value)


def test_a_returned_month_is_drafting_again_and_the_reason_is_kept(close_world):
    # given a submitted month
    world = close_world
    month = drafted_month(world, NOVEMBER)
    services.submit(appraisal_month=month, actor=world.specialist)
    # when the supervisor returns it, first without a reason
    with pytest.raises(ValidationError) as no_reason:
        services.return_month(appraisal_month=month, actor=world.leader, reason=" ")
    services.return_month(appraisal_month=month, actor=world.leader, reason="二班考试成绩未录入")
    # then the reason is asked for; the month is drafting and can be drafted again
    assert "理由" in str(no_reason.value)
    month.refresh_from_db()
    assert services.stage(month) == "drafting"
    returned = [e for e in events_for(month) if e.verb == AppraisalEvents.MONTH_RETURNED]
    assert returned[0].note == "二班考试成绩未录入"
    services.draft_all(appraisal_month=month, actor=world.specialist)


def test_a_locked_month_refuses_drafting_and_submitting(close_world):
    world = close_world
    month = lock(world, drafted_month(world, NOVEMBER), on=date(2026, 12, 1))
    with pytest.raises(ValidationError) as drafting:
        services.draft_all(appraisal_month=month, actor=world.specialist)
    with pytest.raises(ValidationError):
        services.submit(appraisal_month=month, actor=world.specialist)
    assert "锁定" in str(drafting.value)


def test_a_submitted_month_refuses_drafting_until_returned(close_world):
    world = close_world
    month = drafted_month(world, NOVEMBER)
    services.submit(appraisal_month=month, actor=world.specialist)
    with pytest.raises(ValidationError) as refused:
        services.draft_all(appraisal_month=month, actor=world.specialist)
    assert "退回" in str(refused.value)


def test_ranks_are_within_the_team_by_score_and_ties_share_a_place(close_world):
    # given team one: the leader clean, a0 and a1 each with a medium deduction, a2 with a severe one
    world = close_world
    month = drafted_month(world, NOVEMBER)
    deduct(world, month, world.agents_a[0], "games_films")
    deduct(world, month, world.agents_a[1], "missed_meeting")
    deduct(world, month, world.agents_a[2], "outsiders")
    # when the month is submitted (the ranks are brought up to date)
    services.submit(appraisal_month=month, actor=world.specialist)
    # then 1, 2, 2, 4 in team one; team two ranks on its own
    ranks = {
        s.person.username: s.rank_in_team
        for s in AppraisalSheet.objects.filter(appraisal_month=month).select_related("person")
    }
    assert [ranks[u] for u in ("leader", "a0", "a1", "a2")] == [1, 2, 2, 4]
    assert sorted([ranks["b0"], ranks["b1"]]) == [1, 1]
    assert ranks["trainer"] is None  # no team, no rank


def _last_and_below(world, first):
    """a2 last in team one and below 70 but not below 60 (a severe deduction); the others clean."""
    month = drafted_month(world, first)
    deduct(world, month, world.agents_a[2], "outsiders")
    return month


def test_last_place_and_below_the_mark_two_months_running_flags_the_sheet(close_world):
    # given October locked with a2 last in the team and below 70
    world = close_world
    october = lock(world, _last_and_below(world, OCTOBER), on=date(2026, 11, 2))
    assert sheet_of(october, world.agents_a[2]).score < 70
    # when November has a2 last and below 70 again
    november = _last_and_below(world, NOVEMBER)
    services.submit(appraisal_month=november, actor=world.specialist)
    # then November's sheet carries the flag with the rule's reason; October's did not
    sheet = sheet_of(november, world.agents_a[2])
    assert sheet.score >= 60  # not flagged for the score alone
    assert sheet.termination_flag is True
    assert any("连续两个月" in reason for reason in sheet.termination_reasons)
    assert sheet_of(october, world.agents_a[2]).termination_flag is False
    assert sheet_of(november, world.agents_a[0]).termination_flag is False


def test_last_place_this_month_only_does_not_flag(close_world):
    # given October locked with a0 (not a2) last and below 70
    world = close_world
    october = drafted_month(world, OCTOBER)
    deduct(world, october, world.agents_a[0], "outsiders")
    lock(world, october, on=date(2026, 11, 2))
    # when a2 is last and below in November
    november = _last_and_below(world, NOVEMBER)
    services.submit(appraisal_month=november, actor=world.specialist)
    # then no flag for either
    assert sheet_of(november, world.agents_a[2]).termination_flag is False
    assert sheet_of(november, world.agents_a[0]).termination_flag is False


def test_last_place_needs_the_previous_month_locked(close_world):
    # given October drafted but never locked, a2 last and below
    world = close_world
    _last_and_below(world, OCTOBER)
    november = _last_and_below(world, NOVEMBER)
    services.submit(appraisal_month=november, actor=world.specialist)
    assert sheet_of(november, world.agents_a[2]).termination_flag is False


def test_the_flags_alert_the_center_director_once_when_the_month_is_locked(close_world):
    # given November with a2 below 60 (two severe deductions) and a1 with a dismissal item
    world = close_world
    month = drafted_month(world, NOVEMBER)
    deduct(world, month, world.agents_a[2], "outsiders")
    deduct(world, month, world.agents_a[2], "outsiders")
    deduct(world, month, world.agents_a[1], "sleeping")
    services.submit(appraisal_month=month, actor=world.specialist)
    services.review(appraisal_month=month, actor=world.leader)
    assert not Alert.objects.filter(kind=services.FLAG_KIND).exists()  # nothing before the lock
    # when the head locks it, then locks again (a repeated click) and the flags are sent again
    services.approve(appraisal_month=month, actor=world.head)
    services.approve(appraisal_month=month, actor=world.head)
    services.alert_flags(month, actor=world.head)
    # then the director has one alert per flagged sheet, and nobody else any
    alerts = Alert.objects.filter(kind=services.FLAG_KIND)
    assert alerts.count() == 2
    assert set(alerts.values_list("recipient", flat=True)) == {world.director.pk}
    assert any("一班话务员2" in a.message for a in alerts)
    flagged = sheet_of(month, world.agents_a[2])
    assert [e.verb for e in events_for(flagged)].count(AppraisalEvents.FLAGGED) == 1


def test_the_home_page_lists_the_month_waiting_for_review_then_for_approval(close_world):
    # given a submitted November
    from kefu.quality.home import panel

    world = close_world
    month = drafted_month(world, NOVEMBER)
    services.submit(appraisal_month=month, actor=world.specialist)
    # then the leader has it to review, the specialist who drafted it not; after the review the head
    assert ("月度考核待审核", 1, "/quality/months/") in panel(world.leader)
    assert not any(label == "月度考核待审核" for label, _, _ in panel(world.specialist))
    services.review(appraisal_month=month, actor=world.leader)
    assert ("月度考核待批准锁定", 1, "/quality/months/") in panel(world.head)
