"""P1/P11: the 16:30 design-commission batch and the 17:00 daily report, run once per working day by
the worker."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from kefu.accounts.models import Role
from kefu.core.models import JobClaim
from kefu.customers.tests.factories import CustomerFactory
from kefu.processes import services
from kefu.processes.models import Process, StageDefinition
from kefu.processes.schedule import run_due

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def waiting_for_design(make_user):
    clerk = make_user(Role.COUNTER_CLERK, username="clerk1")
    process = services.start_process(
        actor=clerk,
        definition_code="new_connection",
        customer=CustomerFactory(),
        facts={"area_pressure_mpa": "0.3"},
    )
    stage = StageDefinition.objects.get(definition=process.definition, code="application")
    for doc in stage.documents_for(process.customer_kind):
        services.receive_document(actor=clerk, process=process, code=doc["code"])
    services.record_fee(actor=clerk, process=process, amount=process.definition.standard_fee())
    return services.advance(actor=clerk, process=process)


def test_the_design_batch_goes_at_1630_once(waiting_for_design):
    assert waiting_for_design.current_stage.code == "design_commission"
    with time_machine.travel(datetime(2026, 11, 23, 16, 0, tzinfo=SH), tick=False):  # Monday, too early
        assert run_due() == []
    with time_machine.travel(datetime(2026, 11, 23, 16, 31, tzinfo=SH), tick=False):
        assert run_due() == ["设计委托批量发送 1 件"]
        assert run_due() == []  # claimed for the day
    process = Process.objects.get()
    assert process.current_stage.code == "survey_design"
    assert process.runs.get(stage__code="design_commission").note == "16:31批量发送设计委托"


def test_nothing_runs_on_a_holiday(waiting_for_design):
    with time_machine.travel(datetime(2026, 10, 2, 17, 30, tzinfo=SH), tick=False):  # National Day
        assert run_due() == []
    assert not JobClaim.objects.exists()


def test_the_daily_report_is_made_at_1700_with_the_days_figures(make_user):
    clerk = make_user(Role.COUNTER_CLERK, username="clerk1")
    with time_machine.travel(datetime(2026, 11, 23, 9, 30, tzinfo=SH), tick=False):  # a Monday
        services.start_process(actor=clerk, definition_code="new_connection", customer=CustomerFactory())
    with time_machine.travel(datetime(2026, 11, 23, 17, 5, tzinfo=SH), tick=False):
        call_command("worker", "--once")  # the worker makes it
        assert run_due() == []  # and a second call adds nothing
    report = JobClaim.objects.get(job="daily_application_report", period="20261123")
    assert report.summary["started"] == {"用水报装（一站式）": 1}
    assert report.summary["in_hand"] == 1 and report.summary["overdue"] == 0
