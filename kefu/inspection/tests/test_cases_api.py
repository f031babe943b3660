"""The cases API: the same rules and visibility as the pages, refusals as 400/403 in Chinese."""

import pytest

from kefu.accounts.models import Role
from kefu.inspection.models import CaseRead
from kefu.inspection.tests.factories_cases import lead_of, make_director, make_inspector, submitted

pytestmark = pytest.mark.django_db


def test_an_inspector_opens_and_lists_a_case_through_the_api(client_for):
    me, partner = make_inspector(), make_inspector()
    client = client_for(me)
    answer = client.post(
        "/api/inspection/cases",
        {
            "kind": "facility_damage",
            "address": "江干区某泵站",
            "summary": "泵站围栏被破坏",
            "inspectors": [me.pk, partner.pk],
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["number"].startswith("JC") and len(body["inspectors"]) == 2
    listed = client.get("/api/inspection/cases").json()["items"]
    assert [c["number"] for c in listed] == [body["number"]]
    out_of_scope = client.post(
        "/api/inspection/cases",
        {"kind": "noise", "summary": "噪音", "address": "某处"},
        content_type="application/json",
    )
    assert out_of_scope.status_code == 400
    assert "超出稽查范围" in out_of_scope.content.decode()


def test_amounts_before_approval_are_a_400_and_the_leader_decides_through_the_api(client_for):
    approval = submitted()
    case = approval.case
    refused = client_for(lead_of(case)).post(
        f"/api/inspection/cases/{case.pk}/amounts",
        {"penalty": "10", "recovery": "0"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "须经客户服务中心领导批准后再进行处理" in refused.content.decode()
    director = make_director()
    client = client_for(director)
    assert [a["id"] for a in client.get("/api/inspection/approvals").json()] == [approval.pk]
    decided = client.post(
        f"/api/inspection/approvals/{approval.pk}/decide",
        {"approve": True, "opinion": "同意"},
        content_type="application/json",
    )
    assert decided.status_code == 200 and decided.json()["state"] == "approved"
    assert CaseRead.objects.filter(case=case, reader=director).exists()


def test_an_agent_gets_403_from_the_cases_api(client_for, make_user):
    approval = submitted()
    agent = make_user(Role.AGENT, username="agent_x", name="话务员X")
    client = client_for(agent)
    assert client.get(f"/api/inspection/cases/{approval.case.pk}").status_code == 403
    assert client.get("/api/inspection/cases").status_code == 403
    assert (
        client.post(
            f"/api/inspection/approvals/{approval.pk}/decide",
            {"approve": True},
            content_type="application/json",
        ).status_code
        == 403
    )
