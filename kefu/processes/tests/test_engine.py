"""P1–P3: the stage engine on the shipped one-stop new connection: gates, deadlines by customer type
on the working-day calendar, return, reject with refund, extension and suspension by approval."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from kefu.accounts.models import Role
from kefu.core.events import events_for
from kefu.customers.models import Customer
from kefu.customers.tests.factories import AccountFactory, CustomerFactory
from kefu.processes import services
from kefu.processes.demo import walk_new_connection
from kefu.processes.models import Approval, Process, StageDefinition
from kefu.processes.services import GateRefused

SH = ZoneInfo("Asia/Shanghai")
GOOD_FACTS = {"area_pressure_mpa": "0.28"}
METER = {"meter_number": "26000000123", "meter_caliber_dn": 20, "water_use_category": "居民生活用水"}
UNIT_CONTENTS = {
    "water_use_category": "非居民用水",
    "water_volume_m3": "30",
    "building_numbers": "5栋",
    "storeys": 6,
    "floor_area_m2": "4200",
    "households": 1,
}


@pytest.fixture
def clerk(make_user):
    return make_user(Role.COUNTER_CLERK, username="clerk1")


@pytest.fixture
def head(make_user):
    return make_user(Role.DEPARTMENT_HEAD, username="head1")


def start(clerk, customer, **facts):
    return services.start_process(
        actor=clerk, definition_code="new_connection", customer=customer, facts={**GOOD_FACTS, **facts}
    )


def hand_in_everything(clerk, process):
    for stage in StageDefinition.objects.filter(definition=process.definition):
        for doc in stage.documents_for(process.customer_kind):
            services.receive_document(actor=clerk, process=process, code=doc["code"])


def test_an_application_waits_for_its_documents_and_names_the_missing_ones(clerk):
    process = start(clerk, CustomerFactory())
    with pytest.raises(GateRefused) as caught:
        services.advance(actor=clerk, process=process)
    assert "私房产权证复印件" in caught.value.message_dict["documents"][0]
    assert "用地红线图" not in caught.value.message_dict["documents"][0]  # that one is for units


@pytest.mark.parametrize(
    "facts, rule, words",
    [
        ({"illegal_building": True}, "not_illegal_building", "违章建筑"),
        ({"mixed_pipes": True}, "no_mixed_pipes", "混管"),
        ({"area_pressure_mpa": "0.10"}, "pressure_sufficient", "低于 0.12 MPa"),
        ({"building_meter_renovation": True}, "not_single_household_renovation", "集体申请"),
        ({"violations": True}, "no_arrears", "违章用水"),
    ],
)
def test_each_ineligibility_rule_refuses_with_its_reason(clerk, facts, rule, words):
    process = start(clerk, CustomerFactory(), **facts)
    hand_in_everything(clerk, process)
    with pytest.raises(GateRefused) as caught:
        services.advance(actor=clerk, process=process)
    assert words in caught.value.message_dict[rule][0]
    process.refresh_from_db()
    assert process.current_stage.code == "application"


def test_arrears_refuse_the_application_until_paid(clerk):
    customer = CustomerFactory()
    account = AccountFactory(customer=customer, arrears=Decimal("356.80"))
    process = start(clerk, customer)
    hand_in_everything(clerk, process)
    with pytest.raises(GateRefused) as caught:
        services.advance(actor=clerk, process=process)
    assert "欠费" in caught.value.message_dict["no_arrears"][0]
    account.arrears = Decimal("0")
    account.save()
    assert services.advance(actor=clerk, process=process).current_stage.code == "design_commission"


@time_machine.travel(datetime(2026, 9, 28, 10, 0, tzinfo=SH), tick=False)
@pytest.mark.parametrize(
    "kind, due", [(Customer.Kind.INDIVIDUAL, "2026-10-10"), (Customer.Kind.UNIT, "2026-10-16")]
)
def test_survey_and_design_takes_5_or_10_working_days_across_national_day(clerk, director, kind, due):
    # given an application that reaches survey and design on Monday 2026-09-28
    process = start(clerk, CustomerFactory(kind=kind, household_count=1), **UNIT_CONTENTS)
    process = walk_new_connection(clerk, process, until="survey_design", signer=director)
    # then: 09-29, 09-30, (10-01..07 holiday), 10-08, 10-09, 10-10 (调休 Saturday) = 5 working days
    assert process.current_stage.code == "survey_design"
    assert process.due_at.astimezone(SH).date().isoformat() == due


def test_an_individual_goes_through_every_stage_to_completion_skipping_the_unit_only_ones(clerk, offices):
    process = start(clerk, CustomerFactory(), **METER)
    visited = []
    while process.state == Process.State.ACTIVE:
        visited.append(process.current_stage.code)
        process = walk_new_connection(clerk, process, steps=1)
    assert "project_team" not in visited and "technical_briefing" not in visited
    assert visited[0] == "application" and visited[-1] == "settlement"
    assert process.state == Process.State.COMPLETED and process.completed_at
    assert process.runs.filter(outcome="advanced").count() == len(visited)


def test_a_unit_customer_has_the_project_team_and_briefing_stages(clerk, offices, director):
    process = start(
        clerk, CustomerFactory(kind=Customer.Kind.UNIT, household_count=1), **{**METER, **UNIT_CONTENTS}
    )
    visited = []
    while process.state == Process.State.ACTIVE:
        visited.append(process.current_stage.code)
        process = walk_new_connection(clerk, process, steps=1, signer=director)
    assert "project_team" in visited and "technical_briefing" in visited


def test_return_to_an_earlier_stage_needs_a_reason_and_cannot_go_forward(clerk, offices):
    process = walk_new_connection(clerk, start(clerk, CustomerFactory()), until="budget")
    assert process.current_stage.code == "budget"
    with pytest.raises(ValidationError):
        services.return_to(actor=clerk, process=process, stage_code="survey_design", reason=" ")
    with pytest.raises(ValidationError):
        services.return_to(actor=clerk, process=process, stage_code="settlement", reason="错了")
    process = services.return_to(
        actor=clerk, process=process, stage_code="survey_design", reason="图纸口径有误"
    )
    assert process.current_stage.code == "survey_design"
    assert events_for(process).filter(verb="process.returned", note="图纸口径有误").exists()


def test_a_rejected_application_with_a_fee_asks_for_a_refund_approval(clerk, head):
    process = start(clerk, CustomerFactory())
    services.record_fee(actor=clerk, process=process, amount=Decimal("42.50"))
    process = services.reject(actor=clerk, process=process, reason="勘测发现内外管混装")
    assert process.state == Process.State.REJECTED
    refund = process.approvals.get(kind=Approval.Kind.REFUND)
    assert refund.amount == Decimal("42.50") and refund.status == Approval.Status.PENDING
    services.decide(actor=head, approval=refund, approve=True)
    refund.refresh_from_db()
    assert refund.status == Approval.Status.APPROVED and refund.decided_by == head


def test_an_extension_needs_a_leader_and_moves_the_deadline_by_working_days(clerk, head):
    with time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=SH), tick=False):  # a Friday
        process = start(clerk, CustomerFactory())
        before = process.due_at
        request = services.request_approval(
            actor=clerk, process=process, kind="extend", days=2, reason="客户补材料"
        )
        with pytest.raises(PermissionDenied):
            services.decide(actor=clerk, approval=request, approve=True)
        services.decide(actor=head, approval=request, approve=True)
    process.refresh_from_db()
    assert before.astimezone(SH).date().isoformat() == "2026-11-23"
    assert process.due_at.astimezone(SH).date().isoformat() == "2026-11-25"


def test_a_suspended_process_cannot_advance_until_resumed(clerk, head):
    process = start(clerk, CustomerFactory())
    hand_in_everything(clerk, process)
    request = services.request_approval(actor=clerk, process=process, kind="suspend", reason="客户要求暂缓")
    services.decide(actor=head, approval=request, approve=True)
    process.refresh_from_db()
    assert process.state == Process.State.SUSPENDED
    with pytest.raises(ValidationError):
        services.advance(actor=clerk, process=process)
    process = services.resume(actor=clerk, process=process)
    assert services.advance(actor=clerk, process=process).current_stage.code == "design_commission"


def test_a_definition_naming_an_unknown_rule_refuses_rather_than_lets_through(clerk):
    process = start(clerk, CustomerFactory())
    StageDefinition.objects.filter(pk=process.current_stage_id).update(rules=["no_such_rule"])
    hand_in_everything(clerk, process)
    with pytest.raises(GateRefused) as caught:
        services.advance(actor=clerk, process=process)
    assert "no_such_rule" in caught.value.message_dict


def test_an_agent_cannot_start_counter_business(make_user):
    with pytest.raises(PermissionDenied):
        start(make_user(Role.AGENT), CustomerFactory())
