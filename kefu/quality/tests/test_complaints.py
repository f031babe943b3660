"""Complaint findings (Q2): a complaint work order of the complaint categories found against a member of
staff, valid or not, a quarrel or not; recorded once per order and person."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.quality.models import ComplaintFinding
from kefu.quality.services import complaints
from kefu.quality.tests import factories_sheets as f

WHEN = timezone.make_aware(timezone.datetime(2026, 11, 10, 10))


@pytest.fixture
def spec(db):
    f.catalogue()
    return f.specialist(username="spec")


def test_a_finding_is_recorded_once_and_a_change_is_an_update(spec):
    person = f.staff()
    order = f.contact(person, at=WHEN, code="service_complaint").work_order
    complaints.record_finding(actor=spec, work_order=order, person=person, valid=False, note="不成立")
    complaints.record_finding(actor=spec, work_order=order, person=person, valid=False, note="不成立")
    finding = complaints.record_finding(
        actor=spec, work_order=order, person=person, valid=True, quarrel=True, note="复听录音，属实"
    )
    assert ComplaintFinding.objects.count() == 1
    assert (finding.valid, finding.quarrel, finding.occurred_on.isoformat()) == (True, True, "2026-11-10")


def test_a_work_order_outside_the_complaint_categories_or_a_quarrel_not_valid_is_refused(spec):
    person = f.staff()
    repair = f.contact(person, at=WHEN).work_order
    complaint = f.contact(person, at=WHEN, code="service_complaint").work_order
    with pytest.raises(ValidationError) as error:
        complaints.record_finding(actor=spec, work_order=repair, person=person, valid=True, note="x")
    assert "work_order" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        complaints.record_finding(
            actor=spec, work_order=complaint, person=person, valid=False, quarrel=True, note="x"
        )
    assert "quarrel" in error.value.message_dict


def test_the_complaints_page_records_a_finding(spec, client_for, make_user):
    person = f.staff(name="话务员小钱")
    order = f.contact(person, at=WHEN, code="service_complaint").work_order
    client = client_for(spec)
    page = client.get("/quality/complaints/")
    assert page.status_code == 200 and order.number in page.content.decode()
    response = client.post(
        "/quality/complaints/",
        {"work_order": order.number, "person": person.pk, "valid": "1", "note": "态度生硬属实"},
    )
    assert response.status_code == 302
    assert ComplaintFinding.objects.get().valid
    agent = make_user(Role.AGENT, username="agentx")
    assert client_for(agent).get("/quality/complaints/").status_code == 403


def test_the_findings_export_to_excel(spec, client_for):
    person = f.staff()
    order = f.contact(person, at=WHEN, code="service_complaint").work_order
    complaints.record_finding(actor=spec, work_order=order, person=person, valid=True, note="属实")
    response = client_for(spec).get("/quality/complaints/export/?valid=1")
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content])
