"""Incident pages, the workspace panel and one-click link, the KPI tile and who may see what."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.hotline.models import Category, Contact
from kefu.incidents.models import Incident, IncidentContact
from kefu.incidents.tests.factories import declare, link

pytestmark = pytest.mark.django_db


def test_an_agent_reads_incidents_but_may_not_declare_one(world, client_for):
    client = client_for(world.agent)
    assert client.get(reverse("incidents:list")).status_code == 200
    assert client.get(reverse("incidents:create")).status_code == 403


def test_a_leader_declares_an_incident_from_the_page(world, client_for):
    client = client_for(world.leader)
    response = client.post(
        reverse("incidents:create"),
        {
            "kind": "burst_main",
            "title": "文三路爆管",
            "service_areas": [world.west_area.pk],
            "streets": "文三路",
            "cause": "爆管",
            "started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "expected_restoration_at": "",
            "agreed_answer": "抢修中，预计今晚恢复",
            "responsible_unit": "",
        },
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and response.url == reverse("incidents:detail", args=[incident.pk])


def test_a_bad_declaration_is_a_400_naming_the_fields(world, client_for):
    client = client_for(world.leader)
    response = client.post(
        reverse("incidents:create"), {"kind": "burst_main", "title": "", "agreed_answer": ""}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "请填写事件名称" in text and "请填写统一答复口径" in text and "请选择影响片区" in text
    response = client.post(reverse("incidents:create"), {"kind": "burst_main", "started_at": "昨天"})
    assert response.status_code == 400 and "时间格式应为" in response.content.decode()
    assert not Incident.objects.exists()


def test_a_bad_state_filter_is_a_400(world, client_for):
    response = client_for(world.agent).get(reverse("incidents:list"), {"state": "nope"})
    assert response.status_code == 400 and "状态应为" in response.content.decode()


def test_the_workspace_panel_shows_the_incident_first_for_a_caller_in_the_area(world, client_for):
    incident = declare(world)
    client = client_for(world.agent)
    # a customer connected in the west
    west = client.get(reverse("hotline:caller_panels"), {"customer": world.customer.pk}).content.decode()
    assert incident.number in west and incident.agreed_answer in west
    assert reverse("incidents:link", args=[incident.pk]) in west
    # a caller in the east sees nothing; one on a named street does
    east = client.get(reverse("hotline:caller_panels"), {"customer": world.east_customer.pk}).content.decode()
    assert incident.number not in east
    street = client.get(reverse("hotline:caller_panels"), {"address": "华星小区3幢"}).content.decode()
    assert incident.number in street


def test_the_workspace_draws_the_caller_panel_slot_above_the_contact_form(world, client_for):
    html = client_for(world.agent).get(reverse("hotline:workspace")).content.decode()
    assert html.index('id="caller-panels"') < html.index('id="contact-form"')


def test_one_click_links_the_workspace_form_to_the_incident(world, client_for):
    incident = declare(world)
    client = client_for(world.agent)
    # when: the contact form as the agent left it, sent by the panel's button
    response = client.post(
        reverse("incidents:link", args=[incident.pk]),
        {
            "channel": "phone",
            "customer": world.customer.pk,
            "caller_name": "",
            "phone": "",
            "address": "",
            "service_area": "",
            "matter": "家里没水了，什么时候来水",
            "category": "",
            "priority": "normal",
            "disposition": "transferred",
            "result": "",
            "unit": "",
            "wants_callback": "1",
            "idempotency_key": "link-1",
        },
    )
    # then
    assert response.status_code == 302 and response.url == reverse("hotline:workspace")
    linked = IncidentContact.objects.get()
    assert linked.contact.disposition == Contact.Disposition.ANSWERED and linked.wants_callback
    assert linked.contact.category == Category.objects.get(code="repair")
    page = client.get(reverse("hotline:workspace")).content.decode()
    assert f"关联突发事件 {incident.number}" in page


def test_a_unit_sees_its_incident_with_its_linked_contacts_and_another_unit_does_not(world, client_for):
    incident = declare(world)
    linked = link(world, incident)
    west = client_for(world.west_staff).get(reverse("incidents:detail", args=[incident.pk]))
    assert west.status_code == 200 and linked.contact.number in west.content.decode()
    assert "138****5678" in west.content.decode()  # the unit's staff see numbers masked
    east_client = client_for(world.east_staff)
    assert east_client.get(reverse("incidents:detail", args=[incident.pk])).status_code == 404
    assert incident.number not in east_client.get(reverse("incidents:list")).content.decode()


def test_a_leader_changes_the_answer_and_closes_from_the_page(world, client_for):
    incident = declare(world)
    link(world, incident, wants_callback=True)
    client = client_for(world.leader)
    client.post(reverse("incidents:answer", args=[incident.pk]), {"agreed_answer": "新口径", "note": ""})
    incident.refresh_from_db()
    assert incident.agreed_answer == "新口径"
    response = client.post(
        reverse("incidents:close", args=[incident.pk]), {"final_answer": "", "closed_at": ""}
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.state == Incident.State.OPEN  # refused: no final answer
    client.post(reverse("incidents:close", args=[incident.pk]), {"final_answer": "已恢复", "closed_at": ""})
    incident.refresh_from_db()
    assert incident.state == Incident.State.CLOSED
    html = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert "已排回电" in html and "新口径" in html


def test_an_agent_may_not_close_an_incident(world, client_for):
    incident = declare(world)
    response = client_for(world.agent).post(
        reverse("incidents:close", args=[incident.pk]), {"final_answer": "x"}
    )
    assert response.status_code == 403


def test_a_planned_outage_fills_the_declaration_form(world, client_for):
    from kefu.knowledge import services as knowledge_services

    now = timezone.now()
    outage = knowledge_services.publish_outage(
        actor=world.head,
        title="文三路抢修停水",
        kind="emergency_repair",
        reason="管道抢修",
        service_areas=[world.west_area],
        affected_addresses="文三路沿线",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=5),
        notice="抢修停水，预计今晚恢复。",
    )
    client = client_for(world.leader)
    listing = client.get(reverse("incidents:list")).content.decode()
    assert f"?outage={outage.pk}" in listing
    form = client.get(reverse("incidents:create"), {"outage": outage.pk}).content.decode()
    assert "抢修停水，预计今晚恢复。" in form


def test_the_dashboard_shows_live_incidents_and_their_calls(world, client_for):
    incident = declare(world)
    link(world, incident)
    html = client_for(world.head).get(reverse("kpi:dashboard")).content.decode()
    assert 'id="kpi-incidents"' in html and "关联来电 1" in html


def test_the_incident_list_reads_a_fixed_number_of_queries(world, client_for, django_assert_max_num_queries):
    for n in range(5):
        link(world, declare(world, title=f"第{n}起"))
    client = client_for(world.user(Role.AGENT))
    with django_assert_max_num_queries(12):
        client.get(reverse("incidents:list"))


def test_the_incident_page_costs_the_same_with_more_linked_calls(
    world, client_for, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    incident = declare(world)
    for _ in range(2):
        link(world, incident)
    client = client_for(world.leader)
    client.get(reverse("incidents:detail", args=[incident.pk]))  # warm the permission cache
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("incidents:detail", args=[incident.pk]))
    for _ in range(6):
        link(world, incident, customer=world.east_customer)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("incidents:detail", args=[incident.pk]))


def test_home_shows_live_incidents_and_the_leaders_the_suspected_ones(world, client_for):
    from kefu.hotline.tests.factories import ContactFactory
    from kefu.incidents import services

    assert "进行中突发事件" not in client_for(world.agent).get("/").content.decode()
    declare(world)
    calls = [ContactFactory(actor=world.agent, customer=world.east_customer)]
    services.suspect_incident(service_area=world.east_area, contacts=calls, now=timezone.now())
    agent_home = client_for(world.agent).get("/").content.decode()
    assert "进行中突发事件" in agent_home and "待确认的疑似突发事件" not in agent_home
    assert "待确认的疑似突发事件" in client_for(world.leader).get("/").content.decode()


def test_the_customer_timeline_shows_the_call_an_incident_absorbed(world):
    from kefu.core.timeline import customer_timeline
    from kefu.incidents import services

    incident = declare(world)
    link(world, incident, wants_callback=True)
    services.close_incident(actor=world.leader, incident=incident, final_answer="主管已修复")
    entries = customer_timeline(world.customer, world.agent, kinds={"incident"}).entries
    assert len(entries) == 1 and incident.number in entries[0].summary and "主管已修复" in entries[0].summary
    assert customer_timeline(world.customer, world.east_staff, kinds={"incident"}).entries == []
