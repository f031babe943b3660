"""P4–P6: low-income registration, the supply contract and the connection-point number, each refused
with the rule that failed."""

from datetime import date

import pytest

from kefu.accounts.models import Role
from kefu.customers.tests.factories import CustomerFactory
from kefu.processes import services
from kefu.processes.models import Process, StageDefinition
from kefu.processes.services import GateRefused


@pytest.fixture
def clerk(make_user):
    return make_user(Role.COUNTER_CLERK, username="clerk1")


def start(clerk, code, customer=None, **facts):
    return services.start_process(
        actor=clerk, definition_code=code, customer=customer or CustomerFactory(), facts=facts
    )


def hand_in(clerk, process):
    for stage in StageDefinition.objects.filter(definition=process.definition):
        for doc in stage.documents_for(process.customer_kind):
            services.receive_document(actor=clerk, process=process, code=doc["code"])


def refusal(clerk, process) -> dict:
    with pytest.raises(GateRefused) as caught:
        services.advance(actor=clerk, process=process)
    return {rule: messages[0] for rule, messages in caught.value.message_dict.items()}


def test_low_income_papers_must_name_the_same_person(clerk):
    process = start(
        clerk,
        "low_income",
        id_card_name="李秀兰",
        certificate_name="李秀英",
        invoice_name="李秀兰",
        certificate_number="DB2026-0031",
    )
    hand_in(clerk, process)
    assert "姓名不一致" in refusal(clerk, process)["low_income_papers_agree"]
    services.set_facts(actor=clerk, process=process, facts={"certificate_name": "李秀兰"})
    process = services.advance(actor=clerk, process=process)
    assert process.current_stage.code == "register"
    assert services.advance(actor=clerk, process=process).state == Process.State.COMPLETED


def test_a_supply_contract_needs_the_papers_of_its_customer_type(clerk):
    from kefu.customers.models import Customer

    unit = CustomerFactory(kind=Customer.Kind.UNIT, household_count=1)
    process = start(clerk, "supply_contract", customer=unit)
    missing = refusal(clerk, process)["documents"]
    assert "营业执照" in missing and "户主身份证" not in missing


@pytest.mark.parametrize(
    "facts, rule, words",
    [
        ({"drawing_matches_card": False}, "drawing_matches_card", "图卡"),
        ({"signatures": ["设计室", "预算室"]}, "application_complete_and_signed", "工程部、客服中心"),
        ({"caliber_drawing_dn": 25}, "caliber_matches_drawing", "DN25 与申请口径 DN20"),
        ({}, "supply_contract_signed", "供用水合同"),
    ],
)
def test_a_connection_number_is_refused_naming_the_rule_that_failed(clerk, facts, rule, words):
    good = {
        "drawing_matches_card": True,
        "application_fields_complete": True,
        "signatures": ["设计室", "预算室", "工程部", "客服中心"],
        "caliber_applied_dn": 20,
        "caliber_drawing_dn": 20,
    }
    process = start(clerk, "connection_number", **{**good, **facts})
    hand_in(clerk, process)
    assert words in refusal(clerk, process)[rule]


def test_a_connection_number_is_issued_when_every_rule_holds(clerk):
    from kefu.customers.models import Contract

    customer = CustomerFactory()
    Contract.objects.create(customer=customer, number="GYS2026001", signed_on=date(2026, 11, 2))
    process = start(
        clerk,
        "connection_number",
        customer=customer,
        drawing_matches_card=True,
        application_fields_complete=True,
        signatures=["设计室", "预算室", "工程部", "客服中心"],
        caliber_applied_dn=20,
        caliber_drawing_dn=20,
    )
    hand_in(clerk, process)
    assert services.advance(actor=clerk, process=process).current_stage.code == "issue"
