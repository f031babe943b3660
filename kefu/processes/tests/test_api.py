"""The counter-business API: definitions with their stages, start, refusals as 400 with the rule."""

import json

import pytest

from kefu.accounts.models import Role
from kefu.customers.tests.factories import CustomerFactory


@pytest.fixture
def clerk_client(client, make_user):
    client.force_login(make_user(Role.COUNTER_CLERK, username="clerk1"))
    return client


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_definitions_list_the_shipped_new_connection_with_its_stages(clerk_client):
    definitions = clerk_client.get("/api/processes/definitions").json()
    new_connection = next(d for d in definitions if d["code"] == "new_connection")
    codes = [stage["code"] for stage in new_connection["stages"]]
    assert codes[:4] == ["application", "design_commission", "survey_design", "budget"]
    survey = new_connection["stages"][2]
    assert (survey["deadline_individual"], survey["deadline_unit_customer"]) == (5, 10)
    assert survey["route"] == "unit"  # held by the design office
    # all twelve shipped businesses, with their codes
    assert {d["code"] for d in definitions} == {
        "new_connection",
        "low_income",
        "supply_contract",
        "connection_number",
        "transfer",
        "suspension",
        "cancellation",
        "capacity_change",
        "temporary_use",
        "counter_appointment",
        "resumption",
        "renovation_cancellation",
    }
    transfer = next(d for d in definitions if d["code"] == "transfer")
    assert transfer["stages"][0]["hooks"] == ["notify_branch_of_arrears"]


def test_a_refused_advance_is_a_400_naming_each_rule(clerk_client):
    customer = CustomerFactory()
    started = post(
        clerk_client,
        "/api/processes",
        {"definition": "new_connection", "customer_id": customer.pk, "facts": {"area_pressure_mpa": "0.08"}},
    )
    assert started.status_code == 201, started.content
    process = started.json()
    assert process["current_stage"] == "application" and "documents" in process["gate"]
    refused = post(clerk_client, f"/api/processes/{process['id']}/transitions", {"action": "advance"})
    assert refused.status_code == 400
    errors = refused.json()["errors"]
    assert "documents" in errors and "低于 0.12 MPa" in errors["pressure_sufficient"][0]


def test_an_unknown_definition_is_a_400(clerk_client):
    response = post(
        clerk_client, "/api/processes", {"definition": "nope", "customer_id": CustomerFactory().pk}
    )
    assert response.status_code == 400 and "definition" in response.json()["errors"]


def test_an_agent_may_read_definitions_but_not_start(client, make_user):
    client.force_login(make_user(Role.AGENT))
    assert client.get("/api/processes/definitions").status_code == 200
    response = post(
        client, "/api/processes", {"definition": "new_connection", "customer_id": CustomerFactory().pk}
    )
    assert response.status_code in (403, 404)


def test_the_pages_show_the_process_in_hand_and_what_stops_it(clerk_client):
    customer = CustomerFactory(name="李秀兰")
    started = post(
        clerk_client, "/api/processes", {"definition": "new_connection", "customer_id": customer.pk}
    )
    process_id = started.json()["id"]
    index = clerk_client.get("/processes/").content.decode()
    assert "李秀兰" in index and "受理审核" in index and "勘测设计" in index
    detail = clerk_client.get(f"/processes/{process_id}/").content.decode()
    assert "缺少材料" in detail and "请填写该片区的供水压力" in detail
