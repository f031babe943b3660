"""The API keeps to its published schema (issue 11 item 14, found by the fuzzing): every refusal is
documented, a body that is not a JSON object is refused, and a stale session cookie beside a valid
token does not turn a program's write into a CSRF failure."""

import json

import pytest
from django.test import Client

from kefu.accounts.auth import issue_token
from kefu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def test_every_operation_documents_the_refusals_it_can_answer(client, agent):
    # given the published schema
    schema = client.get("/api/openapi.json", headers=bearer(issue_token(user=agent, name="生成器"))).json()
    undocumented = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            # when an operation that needs a credential is read
            expected = {"400", "401", "403", "404"} if operation.get("security") else {"400"}
            # then it documents each refusal with the shared error body
            missing = expected - set(operation["responses"])
            if missing:
                undocumented.append(f"{method.upper()} {path}: {sorted(missing)}")
    assert undocumented == []
    assert schema["paths"]["/api/customers/{customer_id}"]["get"]["responses"]["404"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}
    }
    assert schema["components"]["schemas"]["ErrorOut"]["required"] == ["detail"]


def test_a_refusal_matches_the_documented_error_body(client, agent):
    # given an agent's token
    raw = issue_token(user=agent, name="中间件")
    # when an archive that does not exist is asked for
    response = client.get("/api/customers/999999", headers=bearer(raw))
    # then the answer is the documented error body
    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize("body", ["null", "[]", "42", '"王建国"'])
def test_a_body_that_is_not_a_json_object_is_refused(client, counter_clerk, body):
    # given an archive and a clerk's token
    customer = CustomerFactory(name="王建国")
    raw = issue_token(user=counter_clerk, name="营业系统")
    # when a change is sent whose body is JSON but not an object
    response = client.patch(
        f"/api/customers/{customer.pk}", body, content_type="application/json", headers=bearer(raw)
    )
    # then it is refused as unreadable, not taken for an empty change
    assert response.status_code == 400
    assert response.json()["errors"] == {"__all__": ["请求体不是有效的 JSON"]}


def test_a_token_beside_a_stale_session_cookie_may_still_write(counter_clerk):
    # given a program with a clerk's token that also carries a session cookie nobody is logged in with
    raw = issue_token(user=counter_clerk, name="营业系统")
    customer = CustomerFactory(name="王建国")
    client = Client(enforce_csrf_checks=True)
    client.cookies["sessionid"] = "expired-or-made-up"
    # when it writes with its token
    response = client.patch(
        f"/api/customers/{customer.pk}",
        json.dumps({"note": "已核实"}),
        content_type="application/json",
        headers=bearer(raw),
    )
    # then the token is what counts: no CSRF refusal
    assert response.status_code == 200


def test_a_logged_in_session_still_needs_its_csrf_token(counter_clerk):
    # given a clerk's browser session, with CSRF enforced as in production
    customer = CustomerFactory(name="王建国")
    client = Client(enforce_csrf_checks=True)
    client.force_login(counter_clerk)
    # when a write arrives on the session without the CSRF token
    response = client.patch(
        f"/api/customers/{customer.pk}", json.dumps({"note": "改"}), content_type="application/json"
    )
    # then it is refused
    assert response.status_code == 403
