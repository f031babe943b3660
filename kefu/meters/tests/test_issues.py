"""Issuing meters (M3, ch.4 §3, §4.3): the issue days and hours on the working-day calendar, one meter per
card, the papers of each purpose, replacements, one for one, the branch's blocks (M6, M8), bulk issue."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.core.events import events_for
from kefu.core.models import Policy
from kefu.meters import papers
from kefu.meters.events import IssueEvents, ReplacementEvents, StoreEvents
from kefu.meters.models import (
    Acceptance,
    IssueAppointment,
    MeterWork,
    OldMeterReturn,
    Purpose,
    Replacement,
    StockMeter,
)
from kefu.meters.selectors_issues import blocking_reasons
from kefu.meters.services import issues as services
from kefu.meters.tests import factories_issues as f

pytestmark = pytest.mark.django_db
ISSUE_DAY = "2026-02-12 10:00 +0800"  # an ordinary Thursday


def refusal(excinfo) -> str:
    return "；".join(excinfo.value.messages)


# --- the days and hours ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "moment",
    [
        "2026-02-12 10:00 +0800",  # Thursday
        "2026-02-14 10:00 +0800",  # Saturday worked for the Spring Festival (调休上班)
        "2026-02-27 10:00 +0800",  # Friday before the stocktake Saturday
        "2026-02-12 08:30 +0800",  # the store opens
    ],
)
def test_a_meter_is_issued_on_a_working_day_within_working_hours(meters_world, moment):
    with time_machine.travel(moment):
        issue = f.issue(meters_world)
    assert issue.stock_meter.state == StockMeter.State.ISSUED


def test_no_meter_is_issued_on_a_spring_festival_saturday(meters_world):
    with time_machine.travel("2026-02-21 10:00 +0800"), pytest.raises(ValidationError) as excinfo:
        f.issue(meters_world)
    assert "2026-02-21是春节放假，非工作日不领表" in refusal(excinfo)


def test_no_meter_is_issued_on_an_ordinary_sunday(meters_world):
    with time_machine.travel("2026-03-08 10:00 +0800"), pytest.raises(ValidationError) as excinfo:
        f.issue(meters_world)
    assert "2026-03-08是周末，非工作日不领表" in refusal(excinfo)


@pytest.mark.parametrize(
    "moment, day", [("2026-02-28 10:00 +0800", "2026-02-28"), ("2026-11-30 10:00 +0800", "2026-11-30")]
)
def test_no_meter_is_issued_on_the_stocktake_day(meters_world, moment, day):
    # 2026-02-28 is a worked Saturday and February's last working day; 2026-11-30 is a Monday
    with time_machine.travel(moment), pytest.raises(ValidationError) as excinfo:
        f.issue(meters_world)
    assert f"{day}是本月最后一个工作日，为表库盘存时间，当天不领表" in refusal(excinfo)


@pytest.mark.parametrize(
    "moment", ["2026-02-12 08:29 +0800", "2026-02-12 17:30 +0800", "2026-02-12 20:00 +0800"]
)
def test_no_meter_is_issued_outside_working_hours(meters_world, moment):
    with time_machine.travel(moment), pytest.raises(ValidationError) as excinfo:
        f.issue(meters_world)
    assert "领表时间为每个工作日08:30至17:30（规则 meters.issue_opens、meters.issue_closes" in refusal(
        excinfo
    )


def test_the_working_hours_are_the_rules(meters_world):
    Policy.objects.update_or_create(key="meters.issue_closes", defaults={"value": "20:30"})
    with time_machine.travel("2026-02-12 20:00 +0800"):
        assert f.issue(meters_world).number == "LB20260212001"


# --- the form and its card -------------------------------------------------------------------------------


@time_machine.travel(ISSUE_DAY)
def test_issue_numbers_run_by_day_and_the_events_are_written(meters_world):
    first, second = f.issue(meters_world), f.issue(meters_world)
    assert (first.number, second.number) == ("LB20260212001", "LB20260212002")
    assert [e.verb for e in events_for(first)] == [IssueEvents.ISSUED]
    assert StoreEvents.METER_ISSUED in [e.verb for e in events_for(first.stock_meter)]
    first.stock_meter.refresh_from_db()
    assert first.stock_meter.state == StockMeter.State.ISSUED and first.issued_by == meters_world.store_keeper


@time_machine.travel(ISSUE_DAY)
def test_a_second_meter_on_the_same_card_is_refused_with_the_earlier_form(meters_world):
    earlier = f.issue(meters_world, card="KH-2026-0001")
    with pytest.raises(ValidationError) as excinfo:
        f.issue(meters_world, card="KH-2026-0001")
    assert f"申请卡KH-2026-0001已于2026-02-12凭领表单{earlier.number}领过表" in refusal(excinfo)
    assert "每张卡和每张领表单只能领一只表" in refusal(excinfo)


@time_machine.travel(ISSUE_DAY)
def test_a_meter_already_issued_cannot_be_issued_again(meters_world):
    earlier = f.issue(meters_world)
    with pytest.raises(ValidationError) as excinfo:
        f.issue(meters_world, stock_meter_=earlier.stock_meter)
    assert f"表号{earlier.stock_meter.number}当前为「已领出」，只有在库的水表可以领出" in refusal(excinfo)


@time_machine.travel(ISSUE_DAY)
def test_the_collector_is_one_of_the_branch_s_staff(meters_world):
    with pytest.raises(ValidationError) as excinfo:
        f.issue(meters_world, collector=meters_world.other_fitter)
    assert "领表人换表员小吴不是城东供水分公司的人员" in refusal(excinfo)


@time_machine.travel(ISSUE_DAY)
def test_only_the_store_issues(meters_world):
    with pytest.raises(PermissionDenied):
        f.issue(meters_world, actor=meters_world.fitter)


# --- papers by purpose -----------------------------------------------------------------------------------


@time_machine.travel(ISSUE_DAY)
def test_a_new_connection_without_its_drawing_and_acceptance_sheet_is_refused_naming_them(meters_world):
    with pytest.raises(ValidationError) as excinfo:
        f.issue(meters_world, papers=["application_card", "installer_form"])
    assert "缺少：设计图（施工图）、水表验收单（第四章3.2.1）" in refusal(excinfo)


@pytest.mark.parametrize(
    "purpose, needed",
    [
        (Purpose.CAPACITY_CHANGE, "《客户变更用水申请》卡、《改表领表单》"),
        (Purpose.TEMPORARY_USE, "《客户变更用水申请》卡、《改表领表单》"),
        (Purpose.COMPENSATION, "《客户赔表、复水申请》卡、《改表领表单》"),
        (Purpose.RESUMPTION, "《客户赔表、复水申请》卡、《改表领表单》"),
    ],
)
@time_machine.travel(ISSUE_DAY)
def test_each_purpose_asks_for_its_own_papers(meters_world, purpose, needed):
    with pytest.raises(ValidationError) as excinfo:
        f.issue(meters_world, purpose=purpose, papers=["change_issue_form"])
    assert f"领表须凭{needed}，缺少：" in refusal(excinfo)
    assert f.issue(meters_world, purpose=purpose).papers == papers.required_for(purpose)


@time_machine.travel(ISSUE_DAY)
def test_a_paper_of_another_purpose_is_refused(meters_world):
    with pytest.raises(ValidationError) as excinfo:
        f.issue(
            meters_world,
            purpose=Purpose.COMPENSATION,
            papers=["compensation_card", "change_issue_form", "design_drawing"],
        )
    assert "设计图（施工图）不是赔表领表的凭据" in refusal(excinfo)


@time_machine.travel(ISSUE_DAY)
def test_a_replacement_needs_the_form_signed_by_the_branch_head(meters_world):
    with pytest.raises(ValidationError) as excinfo:
        f.issue(meters_world, purpose=Purpose.AGE_REPLACEMENT, papers=[])
    assert "缺少：换表单（分公司负责人签字）（第四章4.3.2）" in refusal(excinfo)


@time_machine.travel(ISSUE_DAY)
def test_the_household_roster_may_come_with_a_new_connection(meters_world):
    issue = f.issue(meters_world, papers=papers.required_for(Purpose.NEW_CONNECTION) + ["household_roster"])
    assert "household_roster" in issue.papers


# --- replacements ----------------------------------------------------------------------------------------


@time_machine.travel(ISSUE_DAY)
def test_issuing_for_a_replacement_writes_the_new_meter_on_the_form_and_its_deadline(meters_world):
    replacement = f.replacement_to_issue(meters_world, meters_world.meter)
    issue = f.issue(meters_world, purpose=Purpose.AGE_REPLACEMENT, replacement=replacement, card="")
    replacement.refresh_from_db()
    assert replacement.state == Replacement.State.ISSUED and replacement.issue == issue
    assert replacement.new_meter_number == issue.stock_meter.number
    # Thu 2026-02-12 + 5 working days: Sat 14 worked, 15–23 Spring Festival → Thu 2026-02-26
    assert replacement.replace_due == date(2026, 2, 26)
    assert issue.application_card == replacement.number
    assert [e.verb for e in events_for(replacement)] == [ReplacementEvents.ISSUED]


@time_machine.travel(ISSUE_DAY)
def test_an_urgent_replacement_keeps_the_deadline_of_the_center_s_notice(meters_world):
    # given the center's notice on Tue 02-10 set the deadline five working days on: Wed 11, Thu 12,
    # Fri 13, Sat 14 (worked), then the Spring Festival 15–23, Tue 24
    replacement = f.replacement_to_issue(meters_world, meters_world.meter, kind=Replacement.Kind.URGENT)
    Replacement.objects.filter(pk=replacement.pk).update(replace_due=date(2026, 2, 24))
    replacement.refresh_from_db()

    # when the branch takes the meter two days after the notice
    f.issue(meters_world, purpose=Purpose.URGENT_REPLACEMENT, replacement=replacement, card="")

    # then the notice's deadline stands (ch.4 §4.2.2), it does not move to five days after the issue
    replacement.refresh_from_db()
    assert replacement.replace_due == date(2026, 2, 24)


@time_machine.travel(ISSUE_DAY)
def test_a_replacement_purpose_needs_its_replacement_form(meters_world):
    with pytest.raises(ValidationError) as excinfo:
        f.services.issue_meter(
            actor=meters_world.store_keeper,
            branch=meters_world.branch,
            collector=meters_world.fitter,
            stock_meter=f.stock_meter(meters_world.store_keeper),
            purpose=Purpose.URGENT_REPLACEMENT,
            application_card="HB-X",
            papers=["replacement_form"],
        )
    assert "换表领表须选择换表单" in refusal(excinfo)


@time_machine.travel(ISSUE_DAY)
def test_a_replacement_takes_a_new_meter_of_the_old_meter_s_caliber(meters_world):
    replacement = f.replacement_to_issue(meters_world, meters_world.meter)  # DN20
    with pytest.raises(ValidationError) as excinfo:
        f.issue(meters_world, purpose=Purpose.AGE_REPLACEMENT, replacement=replacement, caliber_dn=25)
    assert "口径DN25与换表单" in refusal(excinfo) and "的口径DN20不同，换表须领取同口径的新表" in refusal(
        excinfo
    )


@time_machine.travel(ISSUE_DAY)
def test_a_replacement_of_another_branch_or_not_waiting_is_refused(meters_world):
    theirs = f.replacement_to_issue(meters_world, meters_world.other_meter)
    with pytest.raises(ValidationError) as excinfo:
        f.issue(meters_world, purpose=Purpose.AGE_REPLACEMENT, replacement=theirs)
    assert f"换表单{theirs.number}属于城西供水分公司，不是城东供水分公司的" in refusal(excinfo)
    reported = f.replacement_to_issue(meters_world, kind=Replacement.Kind.URGENT)
    Replacement.objects.filter(pk=reported.pk).update(state=Replacement.State.REPORTED)
    with pytest.raises(ValidationError) as excinfo:
        f.issue(meters_world, purpose=Purpose.URGENT_REPLACEMENT, replacement=reported)
    assert f"换表单{reported.number}当前为「待中心核查」，只有待领表的换表单可以领表" in refusal(excinfo)


@time_machine.travel(ISSUE_DAY)
def test_the_purpose_matches_the_replacement_s_kind(meters_world):
    urgent = f.replacement_to_issue(meters_world, kind=Replacement.Kind.URGENT)
    with pytest.raises(ValidationError) as excinfo:
        f.issue(meters_world, purpose=Purpose.AGE_REPLACEMENT, replacement=urgent)
    assert f"换表单{urgent.number}是急换，用途应选急换水表" in refusal(excinfo)


@time_machine.travel(ISSUE_DAY)
def test_one_for_one_the_previous_old_meter_comes_back_before_the_next_replacement_meter(meters_world):
    first = f.issue(meters_world, purpose=Purpose.AGE_REPLACEMENT)
    old_number = first.replacement.meter.number
    with pytest.raises(ValidationError) as excinfo:
        f.issue(meters_world, purpose=Purpose.URGENT_REPLACEMENT)
    assert (
        f"换表员小陈须先交回上一次换下的旧表（表号{old_number}，换表单{first.replacement.number}）"
        in refusal(excinfo)
    )
    assert "严禁一次性归还" in refusal(excinfo)
    # a new connection is not a replacement: it is not held by the rule
    f.issue(meters_world, purpose=Purpose.NEW_CONNECTION)
    # once the old meter is back, the next replacement meter goes out
    OldMeterReturn.objects.create(
        number="HS1",
        meter=first.replacement.meter,
        branch=meters_world.branch,
        replacement=first.replacement,
        returned_by=meters_world.fitter,
        received_by=meters_world.store_keeper,
        returned_on=date(2026, 2, 12),
        recorded_at=timezone.now(),
        seal_state="intact",
    )
    Replacement.objects.filter(pk=first.replacement.pk).update(state=Replacement.State.CLOSED)
    assert (
        f.issue(meters_world, purpose=Purpose.URGENT_REPLACEMENT).replacement.state
        == Replacement.State.ISSUED
    )


# --- what blocks the branch (M6, M8) ---------------------------------------------------------------------


def test_a_replacement_past_its_deadline_without_its_old_meter_blocks_the_branch(meters_world):
    with time_machine.travel(ISSUE_DAY):
        first = f.issue(meters_world, purpose=Purpose.AGE_REPLACEMENT)
    replacement = first.replacement
    assert blocking_reasons(meters_world.branch, date(2026, 2, 26)) == []
    reasons = blocking_reasons(meters_world.branch, date(2026, 3, 2))
    assert reasons == [
        f"换表单{replacement.number}（领表单{first.number}）旧表{replacement.meter.number}未交回："
        "应于2026-02-26前完成换表并交回旧表，已逾期4天"
    ]
    assert blocking_reasons(meters_world.other_branch, date(2026, 3, 2)) == []
    with time_machine.travel("2026-03-02 10:00 +0800"), pytest.raises(ValidationError) as excinfo:
        f.issue(meters_world, collector=meters_world.fitter)
    assert "城东供水分公司暂停领表：换表单" in refusal(excinfo) and "已逾期4天" in refusal(excinfo)
    # another branch is not held by it
    with time_machine.travel("2026-03-02 10:00 +0800"):
        f.issue(meters_world, branch=meters_world.other_branch, collector=meters_world.other_fitter)


def test_a_removal_task_past_its_deadline_blocks_the_branch(meters_world):
    from kefu.processes.tests.factories import ProcessFactory

    process = ProcessFactory(customer=meters_world.meter.service_point.customer)
    MeterWork.objects.create(
        process=process,
        kind=MeterWork.Kind.REMOVE,
        customer=process.customer,
        branch=meters_world.branch,
        meter=meters_world.meter,
        due_on=date(2026, 2, 10),
    )
    assert blocking_reasons(meters_world.branch, date(2026, 2, 12)) == [
        f"拆表任务单（业务{process.number}）旧表{meters_world.meter.number}未交回：应于2026-02-10前交回，已逾期2天"
    ]


def _acceptance(world, *, state, due_on):
    with time_machine.travel("2026-01-05 10:00 +0800"):
        issue = f.issue(world)
    # the issue opened the acceptance (services.acceptance.open_acceptance); set it as the case needs
    acceptance, _ = Acceptance.objects.update_or_create(
        issue=issue, defaults={"branch": world.branch, "due_on": due_on, "state": state}
    )
    return acceptance


def test_an_acceptance_past_its_month_blocks_the_branch(meters_world):
    acceptance = _acceptance(meters_world, state=Acceptance.State.PENDING, due_on=date(2026, 2, 5))
    assert blocking_reasons(meters_world.branch, date(2026, 2, 5)) == []
    assert blocking_reasons(meters_world.branch, date(2026, 2, 12)) == [
        f"领表单{acceptance.issue.number}（表号{acceptance.issue.stock_meter.number}）未验收："
        "应于2026-02-05前完成联合验收，已逾期7天"
    ]


def test_a_failed_acceptance_blocks_until_it_passes(meters_world):
    acceptance = _acceptance(meters_world, state=Acceptance.State.FAILED, due_on=date(2026, 2, 5))
    Acceptance.objects.filter(pk=acceptance.pk).update(accepted_on=date(2026, 1, 20))
    reasons = blocking_reasons(meters_world.branch, date(2026, 1, 21))
    assert reasons == [
        f"领表单{acceptance.issue.number}（表号{acceptance.issue.stock_meter.number}）于2026-01-20验收不合格，须重新验收合格"
    ]
    with time_machine.travel("2026-01-21 10:00 +0800"), pytest.raises(ValidationError) as excinfo:
        f.issue(meters_world)
    assert "验收不合格" in refusal(excinfo) and "超过一个月未验收或验收不合格将影响下一次领表" in refusal(
        excinfo
    )
    Acceptance.objects.filter(pk=acceptance.pk).update(state=Acceptance.State.PASSED)
    assert blocking_reasons(meters_world.branch, date(2026, 1, 21)) == []


# --- bulk issue -----------------------------------------------------------------------------------------


def _book(world, day: str, quantity: int, *, actor=None):
    return services.book_appointment(
        actor=actor or world.fitter,
        branch=world.branch,
        collect_on=date.fromisoformat(day),
        quantity=quantity,
    )


@time_machine.travel(ISSUE_DAY)
def test_more_than_the_threshold_in_a_day_needs_an_appointment(meters_world):
    for _ in range(5):
        f.issue(meters_world)
    with pytest.raises(ValidationError) as excinfo:
        f.issue(meters_world)
    assert "城东供水分公司今天已领表5只，一天领表超过5只为批量领表，须提前一天预约" in refusal(excinfo)
    assert "（规则 meters.bulk_issue_threshold" in refusal(excinfo)


def test_an_appointment_booked_the_day_before_allows_its_quantity_and_no_more(meters_world):
    with time_machine.travel("2026-02-11 15:00 +0800"):
        appointment = _book(meters_world, "2026-02-12", 7)
    with time_machine.travel(ISSUE_DAY):
        issues = [f.issue(meters_world) for _ in range(7)]
        with pytest.raises(ValidationError) as excinfo:
            f.issue(meters_world)
    assert "城东供水分公司今天预约领表7只，已领7只，超出预约数量的不予领表" in refusal(excinfo)
    assert {issue.appointment_id for issue in issues} == {appointment.pk}
    appointment.refresh_from_db()
    assert appointment.state == IssueAppointment.State.COLLECTED


def test_an_appointment_is_booked_the_day_before_at_the_latest(meters_world):
    with time_machine.travel(ISSUE_DAY), pytest.raises(ValidationError) as excinfo:
        _book(meters_world, "2026-02-12", 10)
    assert "批量领表须提前一天预约，领表日期应在2026-02-12之后" in refusal(excinfo)


def test_an_appointment_is_for_an_issue_day(meters_world):
    with time_machine.travel("2026-02-11 10:00 +0800"), pytest.raises(ValidationError) as excinfo:
        _book(meters_world, "2026-02-28", 10)
    assert "2026-02-28是该月最后一个工作日，为表库盘存时间，不领表" in refusal(excinfo)
    with time_machine.travel("2026-02-11 10:00 +0800"), pytest.raises(ValidationError) as excinfo:
        _book(meters_world, "2026-02-16", 10)
    assert "2026-02-16是春节放假，非工作日不领表" in refusal(excinfo)


def test_one_collection_a_day_and_at_most_the_rule_s_meters(meters_world):
    with time_machine.travel("2026-02-10 10:00 +0800"):
        _book(meters_world, "2026-02-12", 10)
        with pytest.raises(ValidationError) as excinfo:
            _book(meters_world, "2026-02-12", 5, actor=meters_world.store_keeper)
        assert "城东供水分公司已预约2026-02-12领表10只，每天限领一次" in refusal(excinfo)
        with pytest.raises(ValidationError) as excinfo:
            _book(meters_world, "2026-02-13", 51)
        assert "一次领表上限为50只（规则 meters.bulk_issue_max" in refusal(excinfo)


def test_a_branch_books_for_itself_only_and_cancels_before_collecting(meters_world):
    with time_machine.travel("2026-02-10 10:00 +0800"):
        with pytest.raises(PermissionDenied):
            services.book_appointment(
                actor=meters_world.other_fitter,
                branch=meters_world.branch,
                collect_on=date(2026, 2, 12),
                quantity=8,
            )
        appointment = _book(meters_world, "2026-02-12", 8)
        services.cancel_appointment(actor=meters_world.fitter, appointment=appointment, reason="改期")
        appointment.refresh_from_db()
        assert appointment.state == IssueAppointment.State.CANCELLED
        # the day is free again
        assert _book(meters_world, "2026-02-12", 9).quantity == 9
        with pytest.raises(ValidationError) as excinfo:
            services.cancel_appointment(actor=meters_world.fitter, appointment=appointment)
        assert "已领表或已取消的预约不能取消" in refusal(excinfo)


def test_a_cancelled_appointment_allows_no_bulk_issue(meters_world):
    with time_machine.travel("2026-02-11 10:00 +0800"):
        appointment = _book(meters_world, "2026-02-12", 8, actor=meters_world.store_keeper)
        services.cancel_appointment(actor=meters_world.store_keeper, appointment=appointment)
    with time_machine.travel(ISSUE_DAY):
        for _ in range(5):
            f.issue(meters_world)
        with pytest.raises(ValidationError):
            f.issue(meters_world)


def test_the_bulk_rules_are_the_catalogue_s(meters_world):
    Policy.objects.update_or_create(key="meters.bulk_issue_threshold", defaults={"value": "1"})
    with time_machine.travel(ISSUE_DAY):
        f.issue(meters_world)
        with pytest.raises(ValidationError) as excinfo:
            f.issue(meters_world)
    assert "一天领表超过1只为批量领表" in refusal(excinfo)


def test_an_appointment_made_by_a_branch_staff_member_of_another_role_is_refused(meters_world, make_user):
    agent = make_user(Role.AGENT)
    with time_machine.travel("2026-02-10 10:00 +0800"), pytest.raises(PermissionDenied):
        services.book_appointment(
            actor=agent,
            branch=meters_world.branch,
            collect_on=date(2026, 2, 12) + timedelta(days=0),
            quantity=8,
        )


# --- an issue for counter business (改表领表单) ------------------------------------------------------------


@time_machine.travel(ISSUE_DAY)
def test_an_issue_for_a_process_closes_the_store_s_task_and_opens_the_acceptance(meters_world):
    from kefu.processes.tests.factories import ProcessFactory

    process = ProcessFactory(customer=meters_world.meter.service_point.customer)
    work = MeterWork.objects.create(
        process=process, kind=MeterWork.Kind.ISSUE, customer=process.customer, branch=meters_world.branch
    )
    issue = f.issue(meters_world, purpose=Purpose.CAPACITY_CHANGE, process=process)
    work.refresh_from_db()
    assert work.state == MeterWork.State.DONE and issue.customer == process.customer
    assert Acceptance.objects.get(issue=issue).due_on == date(2026, 3, 12)
