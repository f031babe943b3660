"""Declaring, linking, changing the answer and closing an incident (issue 13 item 5)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kefu.core.models import Alert, Event
from kefu.hotline.models import Callback, Contact, WorkOrder
from kefu.incidents import services
from kefu.incidents.models import Incident, IncidentContact
from kefu.incidents.tests.factories import declare, link
from kefu.knowledge import services as knowledge_services

pytestmark = pytest.mark.django_db


def test_a_leader_declares_an_incident_with_a_yearly_number_and_the_branch_answering_for_it(world):
    # when
    incident = declare(world)
    # then
    year = timezone.localdate().year
    assert incident.number == f"TF{year}-0001"
    assert incident.state == Incident.State.OPEN
    assert incident.responsible_unit == world.west
    assert Event.objects.filter(verb="incident.declared", target_id=incident.pk).exists()
    assert declare(world, title="第二起").number == f"TF{year}-0002"


def test_the_branch_is_alerted_when_an_incident_is_declared(world):
    incident = declare(world)
    assert Alert.objects.filter(
        recipient=world.west_staff, kind="incidents.declared", subject=f"incidents.incident:{incident.pk}"
    ).exists()


def test_an_agent_may_not_declare_an_incident(world):
    with pytest.raises(PermissionDenied):
        services.declare_incident(
            actor=world.agent,
            kind="burst_main",
            title="x",
            agreed_answer="y",
            service_areas=[world.west_area],
        )


def test_declaring_names_each_missing_field_in_chinese(world):
    with pytest.raises(ValidationError) as refused:
        services.declare_incident(actor=world.leader, kind="flood", title="", agreed_answer="")
    errors = refused.value.message_dict
    assert "事件类型" in errors["kind"][0]
    assert "事件名称" in errors["title"][0]
    assert "影响片区" in errors["service_areas"][0]
    assert "统一答复口径" in errors["agreed_answer"][0]


def test_restoration_before_the_start_is_refused(world):
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        declare(world, started_at=now, expected_restoration_at=now - timedelta(hours=1))
    assert "预计恢复时间应晚于发生时间" in refused.value.message_dict["expected_restoration_at"][0]


def test_linking_records_the_contact_answered_with_the_agreed_answer_and_no_work_order(world):
    incident = declare(world)
    # when
    linked = link(world, incident, wants_callback=True)
    # then
    contact = linked.contact
    assert contact.disposition == Contact.Disposition.ANSWERED
    assert incident.agreed_answer in contact.result
    assert contact.category.code == "repair"  # the rule incidents.auto_categories' first code
    assert not WorkOrder.objects.filter(contact=contact).exists()
    assert linked.wants_callback
    assert Event.objects.filter(verb="incident_contact.linked", target_id=linked.pk).exists()


def test_a_link_without_a_matter_says_what_the_caller_called_about(world):
    incident = declare(world)
    linked = link(world, incident, matter="")
    assert linked.contact.matter == f"来电反映爆管：{incident.title}"


def test_the_same_request_twice_links_once(world):
    incident = declare(world)
    first = link(world, incident, idempotency_key="abc-1")
    again = link(world, incident, idempotency_key="abc-1")
    assert first.pk == again.pk
    assert IncidentContact.objects.count() == 1


def test_a_closed_incident_takes_no_more_contacts(world):
    incident = declare(world)
    services.close_incident(actor=world.leader, incident=incident, final_answer="已恢复供水")
    with pytest.raises(ValidationError) as refused:
        link(world, incident)
    assert "不能再关联来电" in refused.value.messages[0]
    assert not Contact.objects.exists()


def test_changing_the_agreed_answer_keeps_the_old_text_in_the_history(world):
    incident = declare(world)
    old = incident.agreed_answer
    # when
    services.change_answer(actor=world.leader, incident=incident, agreed_answer="抢修延长，预计20:00恢复")
    # then
    incident.refresh_from_db()
    assert incident.answer_version == 2
    event = Event.objects.get(verb="incident.answer_changed", target_id=incident.pk)
    assert event.changes["agreed_answer"] == [old, "抢修延长，预计20:00恢复"]


def test_closing_answers_every_linked_contact_and_queues_the_callbacks_asked_for(world):
    incident = declare(world)
    wants = link(world, incident, wants_callback=True)
    quiet = link(world, incident, customer=world.east_customer)
    # when
    services.close_incident(actor=world.leader, incident=incident, final_answer="主管已修复，16:20恢复供水")
    # then
    incident.refresh_from_db()
    assert incident.state == Incident.State.CLOSED and incident.closed_by == world.leader
    for linked in (wants, quiet):
        linked.refresh_from_db()
        assert linked.answered_at is not None
        assert "主管已修复" in linked.contact.result
        assert Event.objects.filter(verb="incident_contact.answered", target_id=linked.pk).exists()
        assert Event.objects.filter(verb="contact.corrected", target_id=linked.contact_id).exists()
    assert quiet.callback_order is None
    order = wants.callback_order
    assert order.owner == world.agent and order.unit is None and order.state == WorkOrder.State.REPLIED
    callback = Callback.objects.get(work_order=order)
    assert callback.done_at is None and callback.due_at > timezone.now()


def test_the_queued_callback_closes_like_a_follow_up_order(world):
    from kefu.hotline.services import follow_up, work_orders

    incident = declare(world)
    wants = link(world, incident, wants_callback=True)
    services.close_incident(actor=world.leader, incident=incident, final_answer="已恢复")
    wants.refresh_from_db()
    callback = Callback.objects.get(work_order=wants.callback_order)
    # when
    follow_up.record_callback(actor=world.agent, callback=callback, reached=True, feedback="客户已知晓")
    order = work_orders.close(actor=world.agent, work_order=wants.callback_order)
    # then
    assert order.state == WorkOrder.State.CLOSED


def test_closing_needs_a_final_answer(world):
    incident = declare(world)
    with pytest.raises(ValidationError) as refused:
        services.close_incident(actor=world.leader, incident=incident, final_answer=" ")
    assert "最终答复" in refused.value.message_dict["final_answer"][0]


def test_closing_twice_is_refused(world):
    incident = declare(world)
    services.close_incident(actor=world.leader, incident=incident, final_answer="已恢复")
    with pytest.raises(ValidationError):
        services.close_incident(actor=world.leader, incident=incident, final_answer="已恢复")


def test_a_planned_outage_is_promoted_with_its_areas_window_and_notice(world):
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
        notice="文三路抢修停水，预计今晚恢复。",
    )
    # when
    incident = services.promote_outage(actor=world.leader, outage=outage)
    # then
    assert incident.planned_outage == outage
    assert incident.source == Incident.Source.PLANNED_OUTAGE
    assert list(incident.service_areas.all()) == [world.west_area]
    assert incident.agreed_answer == "文三路抢修停水，预计今晚恢复。"
    assert incident.expected_restoration_at == outage.ends_at
    with pytest.raises(ValidationError) as refused:
        services.promote_outage(actor=world.leader, outage=outage)
    assert "已转为突发事件" in refused.value.messages[0]


def test_a_suspected_incident_is_confirmed_or_dismissed_by_a_leader(world):
    from kefu.hotline.tests.factories import ContactFactory

    contacts = [ContactFactory(actor=world.agent, customer=world.customer) for _ in range(2)]
    suspected = services.suspect_incident(service_area=world.west_area, contacts=contacts, now=timezone.now())
    assert suspected.state == Incident.State.SUSPECTED
    with pytest.raises(PermissionDenied):
        services.confirm_incident(actor=world.agent, incident=suspected)
    # when
    services.confirm_incident(actor=world.leader, incident=suspected, agreed_answer="城西供水分公司抢修中")
    # then
    suspected.refresh_from_db()
    assert suspected.state == Incident.State.OPEN and suspected.agreed_answer == "城西供水分公司抢修中"
    other = services.suspect_incident(service_area=world.east_area, contacts=contacts, now=timezone.now())
    with pytest.raises(ValidationError):
        services.dismiss_incident(actor=world.leader, incident=other, reason="")
    services.dismiss_incident(actor=world.leader, incident=other, reason="个别用户内部管道故障")
    other.refresh_from_db()
    assert other.state == Incident.State.DISMISSED
