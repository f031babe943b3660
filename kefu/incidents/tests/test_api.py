"""The incidents API: the same services and permission helpers as the pages."""

import json

import pytest

from kefu.core.periods import month
from kefu.incidents.models import Incident, IncidentContact
from kefu.incidents.report_kinds import monthly_register
from kefu.incidents.tests.factories import declare, link

pytestmark = pytest.mark.django_db


def post(client, url, body, **headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", headers=headers)


def test_a_leader_declares_and_an_agent_links_and_reads(world, client_for):
    leader = client_for(world.leader)
    created = post(
        leader,
        "/api/incidents/incidents",
        {
            "kind": "unplanned_outage",
            "title": "城西计划外停水",
            "agreed_answer": "抢修中",
            "service_area_ids": [world.west_area.pk],
        },
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["responsible_unit"] == "城西供水分公司"
    agent = client_for(world.agent)
    linked = post(
        agent,
        f"/api/incidents/incidents/{pk}/contacts",
        {"matter": "没水了", "customer_id": world.customer.pk, "wants_callback": True},
        **{"Idempotency-Key": "k-1"},
    )
    assert linked.status_code == 201, linked.content
    assert linked.json()["wants_callback"] is True
    again = post(
        agent,
        f"/api/incidents/incidents/{pk}/contacts",
        {"matter": "没水了", "customer_id": world.customer.pk, "wants_callback": True},
        **{"Idempotency-Key": "k-1"},
    )
    assert again.json()["id"] == linked.json()["id"] and IncidentContact.objects.count() == 1
    rows = agent.get(f"/api/incidents/incidents/{pk}/contacts").json()
    assert rows[0]["phone"] == "138****5678"  # agents see numbers masked


def test_an_agent_may_not_declare_or_close_through_the_api(world, client_for):
    incident = declare(world)
    agent = client_for(world.agent)
    assert (
        post(
            agent, "/api/incidents/incidents", {"kind": "other", "title": "x", "agreed_answer": "y"}
        ).status_code
        == 403
    )
    assert (
        post(agent, f"/api/incidents/incidents/{incident.pk}/close", {"final_answer": "x"}).status_code == 403
    )


def test_bad_input_is_a_400_naming_the_field(world, client_for):
    leader = client_for(world.leader)
    response = post(leader, "/api/incidents/incidents", {"kind": "flood", "title": "x", "agreed_answer": "y"})
    assert response.status_code == 400 and "事件类型" in json.dumps(response.json(), ensure_ascii=False)
    response = post(
        leader,
        "/api/incidents/incidents",
        {"kind": "other", "title": "x", "agreed_answer": "y", "service_area_ids": [999999]},
    )
    assert response.status_code == 400 and "片区" in json.dumps(response.json(), ensure_ascii=False)
    assert client_for(world.agent).get("/api/incidents/incidents?state=nope").status_code == 400


def test_another_unit_gets_a_404(world, client_for):
    incident = declare(world)
    assert client_for(world.east_staff).get(f"/api/incidents/incidents/{incident.pk}").status_code == 404
    assert client_for(world.west_staff).get(f"/api/incidents/incidents/{incident.pk}").status_code == 200


def test_closing_through_the_api_answers_the_linked_contacts(world, client_for):
    incident = declare(world)
    link(world, incident, wants_callback=True)
    response = post(
        client_for(world.leader), f"/api/incidents/incidents/{incident.pk}/close", {"final_answer": "已恢复"}
    )
    assert response.status_code == 200 and response.json()["state"] == "closed"
    assert IncidentContact.objects.get().callback_order is not None


def test_the_monthly_register_lists_each_incident_with_its_calls_and_duration(world):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    started = datetime(2026, 11, 10, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    incident = declare(world, at=started)
    link(world, incident, at=started + timedelta(minutes=20), wants_callback=True)
    link(world, incident, at=started + timedelta(minutes=30), customer=world.east_customer)
    import time_machine

    from kefu.incidents import services

    with time_machine.travel(started + timedelta(hours=3, minutes=30), tick=False):
        services.close_incident(actor=world.leader, incident=incident, final_answer="已恢复")
    # when
    document = monthly_register(month(2026, 11))
    # then
    table = document.tables[0]
    row = table.rows[0]
    assert row[0] == incident.number and row[7] == "3小时30分钟" and row[8] == 2 and row[9] == 1
    assert table.footer[1] == "1起"
    assert monthly_register(month(2026, 10)).tables[0].rows == []
    assert Incident.objects.count() == 1
