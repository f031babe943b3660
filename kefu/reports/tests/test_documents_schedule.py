"""The worker makes each report once per period, at the times the policies say; what readers ask for is
made by whoever claims it first; a failure leaves a failed record and no file."""

import dataclasses
from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from kefu.accounts.models import Role
from kefu.core import periods
from kefu.core.models import Event, Policy
from kefu.core.services import set_policy
from kefu.customers.tests.factories import CustomerFactory
from kefu.processes import services as process_services
from kefu.reports import schedule, services
from kefu.reports.documents import KINDS
from kefu.reports.models import GeneratedReport, ReportFile
from kefu.reports.tests.conftest import at

State, Trigger = GeneratedReport.State, GeneratedReport.Trigger
MONDAY_MORNING = at(2026, 12, 7, 9, 0)  # past 00:30, Monday 08:00 and the 1st at 01:00; before 17:00
MONTHLY = {"monthly_register", "monthly_quality", "counter_monthly", "collection_monthly"}


def scheduled() -> list[tuple[str, date]]:
    return sorted(
        GeneratedReport.objects.filter(trigger=Trigger.SCHEDULE).values_list("kind", "period_start")
    )


def counter_and_report_jobs() -> list[str]:
    """One pass of the worker over the counter's daily jobs and the report documents, in its order."""
    out = StringIO()
    call_command("worker", "--once", "--job", "processes.daily", "--job", "reports.documents", stdout=out)
    return out.getvalue().splitlines()


def run(moment) -> list[str]:
    with time_machine.travel(moment, tick=False):
        return schedule.run_due()


def test_the_schedule_makes_each_report_once_per_period(db):
    # when the worker's loop runs twice on a Monday morning
    first = run(MONDAY_MORNING)
    second = run(MONDAY_MORNING + timedelta(seconds=30))

    # then yesterday's, last week's and last month's reports were made, once
    assert scheduled() == sorted(
        [("daily_workload", date(2026, 12, 6)), ("weekly_supervision", date(2026, 11, 30))]
        + [(kind, date(2026, 11, 1)) for kind in MONTHLY]
    )
    assert len(first) == 6 and all(line.endswith("已生成") for line in first)
    assert second == []
    assert set(GeneratedReport.objects.values_list("state", flat=True)) == {State.READY}
    assert all(r.generated_by is None for r in GeneratedReport.objects.all())
    # and each has its two files
    assert ReportFile.objects.count() == 12


def test_nothing_is_made_before_its_time(db):
    # at 00:20 on 1 December only last week's summary is due (Monday 08:00 has passed)
    assert [kind for kind, _ in schedule.due_jobs(at(2026, 12, 1, 0, 20))] == ["weekly_supervision"]
    # at 01:05 yesterday's report (00:30) and November's (the 1st, 01:00) are due too
    due = {kind for kind, _ in schedule.due_jobs(at(2026, 12, 1, 1, 5))}
    assert due == {"weekly_supervision", "daily_workload"} | MONTHLY


def test_a_missed_run_is_caught_up_later_in_the_period(db):
    # the worker was down on the 1st: on the 3rd the month's reports are still due, for November
    due = dict(schedule.due_jobs(at(2026, 12, 3, 14, 0)))
    assert due["monthly_quality"] == periods.month(2026, 11)
    assert due["daily_workload"] == periods.day(date(2026, 12, 2))


def test_the_times_are_policies(administrator):
    set_policy(actor=administrator, key="reports.daily_time", value="06:00")
    set_policy(actor=administrator, key="reports.weekly_weekday", value=2)

    due = {kind for kind, _ in schedule.due_jobs(at(2026, 12, 7, 5, 0))}

    # neither yesterday's (06:00) nor last week's (Tuesday) report is due on Monday at 05:00
    assert "daily_workload" not in due and "weekly_supervision" not in due


def test_a_time_that_is_not_one_falls_back_to_the_shipped_time(administrator):
    # rows from before the rules were checked (set_policy now refuses them)
    Policy.objects.create(key="reports.daily_time", value="25:99")
    Policy.objects.create(key="reports.monthly_day", value="first")

    due = {kind for kind, _ in schedule.due_jobs(at(2026, 12, 1, 1, 5))}

    assert {"daily_workload", "monthly_quality"} <= due


def test_two_workers_claim_a_period_once(db):
    kind, period = KINDS["daily_workload"], periods.day(date(2026, 11, 17))

    assert services.claim(kind, period) is not None
    assert services.claim(kind, period) is None
    assert GeneratedReport.objects.count() == 1


@pytest.fixture
def clerk(make_user):
    return make_user(Role.COUNTER_CLERK, username="clerk1", name="营业员小王")


def test_the_counter_daily_report_is_made_with_the_1700_job_from_the_stored_figures(clerk):
    # given an application taken on a working Monday
    with time_machine.travel(at(2026, 11, 23, 9, 30), tick=False):
        process_services.start_process(
            actor=clerk, definition_code="new_connection", customer=CustomerFactory()
        )

    # when the worker's counter and report jobs run at 17:05, twice
    with time_machine.travel(at(2026, 11, 23, 17, 5), tick=False):
        lines = counter_and_report_jobs()
        again = counter_and_report_jobs()

    # then the day's figures were stored, and the report was made from them as a document, once
    assert "2026年11月23日用水申请日报已生成" in lines and again == []
    report = GeneratedReport.objects.get(kind="counter_daily")
    assert report.trigger == Trigger.SCHEDULE and report.period_start == date(2026, 11, 23)
    assert report.content["tables"][0]["footer"] == ["合计", 1]
    assert "由后台任务于2026-11-23 17:05统计" in report.content["notes"][0]


def test_no_counter_report_on_a_holiday(db):
    with time_machine.travel(at(2026, 10, 2, 17, 30), tick=False):  # National Day
        lines = counter_and_report_jobs()
    assert not any("用水申请日报" in line for line in lines)
    assert not GeneratedReport.objects.filter(kind="counter_daily").exists()


def test_the_worker_loop_runs_the_report_schedule(db):
    with time_machine.travel(MONDAY_MORNING, tick=False):
        call_command("worker", "--once")

    assert ("daily_workload", date(2026, 12, 6)) in scheduled()


def test_a_queued_request_is_made_by_the_worker(department_head):
    report = services.request_report(
        actor=department_head, kind="monthly_register", period=periods.month(2026, 11)
    )
    assert report.state == State.QUEUED

    lines = run(at(2026, 11, 20, 10, 0))

    report.refresh_from_db()
    assert report.state == State.READY and report.generated_by == department_head
    assert "2026年11月来电来访登记及汇总表已生成" in lines
    assert services.run_queued(report) is None  # claimed: a second worker does nothing
    verbs = list(Event.objects.filter(target_id=report.pk).order_by("id").values_list("verb", flat=True))
    assert verbs == ["report.requested", "report.started", "report.generated"]


def boom(period, unit=None):
    raise RuntimeError("数据库连接中断")


def test_a_failed_generation_leaves_a_failed_record_and_no_file(db, monkeypatch):
    monkeypatch.setitem(KINDS, "daily_workload", dataclasses.replace(KINDS["daily_workload"], build=boom))

    report = services.generate("daily_workload", periods.day(date(2026, 11, 17)))

    assert report.state == State.FAILED and report.error == "数据库连接中断"
    assert not ReportFile.objects.exists()
    assert Event.objects.filter(target_id=report.pk, verb="report.failed").get().note == "数据库连接中断"


def test_a_failure_while_storing_keeps_neither_file(db, monkeypatch):
    # given the database refuses the PDF after the Excel was written
    create = ReportFile.objects.create

    def refuse_pdf(**values):
        if values["format"] == "pdf":
            raise OSError("磁盘已满")
        return create(**values)

    monkeypatch.setattr(ReportFile.objects, "create", refuse_pdf)

    report = services.generate("daily_workload", periods.day(date(2026, 11, 17)))

    # then the Excel was rolled back with it
    assert report.state == State.FAILED and report.error == "磁盘已满"
    assert not ReportFile.objects.exists()
    assert report.summary == {} and report.content == {}


def test_a_scheduled_failure_is_not_retried_every_round(db, monkeypatch):
    monkeypatch.setitem(KINDS, "daily_workload", dataclasses.replace(KINDS["daily_workload"], build=boom))

    first = run(MONDAY_MORNING)
    second = run(MONDAY_MORNING + timedelta(minutes=1))

    assert "2026年12月06日工作量日报生成失败：数据库连接中断" in first
    assert second == []
    assert GeneratedReport.objects.filter(kind="daily_workload").count() == 1


def test_a_document_abandoned_mid_way_is_marked_failed(db):
    with time_machine.travel(at(2026, 11, 20, 1, 0), tick=False):
        report = services.claim(KINDS["daily_workload"], periods.day(date(2026, 11, 19)))

    lines = run(at(2026, 11, 20, 4, 0))

    report.refresh_from_db()
    assert report.state == State.FAILED and report.error.startswith("生成中断")
    assert "1份报表生成中断，已标记为失败" in lines


def test_the_command_makes_a_named_report(db):
    call_command("generate_reports", "--kind", "daily_workload", "--day", "2026-11-17")

    report = GeneratedReport.objects.get()
    assert report.trigger == Trigger.ON_DEMAND and report.state == State.READY
    assert report.period_start == report.period_end == date(2026, 11, 17)


def test_the_command_runs_the_schedule(db):
    with time_machine.travel(MONDAY_MORNING, tick=False):
        call_command("generate_reports", "--due")

    assert len(scheduled()) == 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "monthly_register", "--day", "2026-11-17"], "请用 --month 指定统计期间"),
        (["--kind", "daily_workload", "--day", "2026-13-01"], "日报请填写日期"),
        ([], "请指定 --due"),
    ],
)
def test_the_command_says_what_is_wrong(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate_reports", *args)
