"""Application facts that hold a phone or ID number are masked through the one Masker (A3, issue 11
item 3): in the API's process, on the clerk's day and on the process page, as the archive masks them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kefu.accounts.models import Role
from kefu.customers.tests.factories import CustomerFactory
from kefu.processes import services

SH = ZoneInfo("Asia/Shanghai")
PHONE, MASKED = "13812345678", "138****5678"


@pytest.fixture
def clerk(make_user):
    return make_user(Role.COUNTER_CLERK, username="clerk1", name="窗口小李")


@pytest.fixture
def appointment(clerk):
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=SH), tick=False):
        process = services.start_process(
            actor=clerk,
            definition_code="counter_appointment",
            customer=CustomerFactory(name="预约客户"),
            facts={
                "contact_phone": PHONE,
                "appointment_at": datetime(2026, 11, 23, 14, 30, tzinfo=SH).isoformat(),
                "wanted_business": "更名过户",
            },
        )
        return services.advance(actor=clerk, process=process)


def test_the_api_masks_a_phone_in_the_facts_for_an_agent(client_for, agent, appointment):
    # when an agent, who sees phones masked, reads the process through the API
    body = client_for(agent).get(f"/api/processes/{appointment.pk}").json()
    # then the phone in the facts is masked, and the other facts are as they were
    assert body["facts"]["contact_phone"] == MASKED
    assert body["facts"]["wanted_business"] == "更名过户"
    assert PHONE not in str(body)


def test_the_api_shows_the_phone_whole_to_the_clerk(client_for, clerk, appointment):
    assert client_for(clerk).get(f"/api/processes/{appointment.pk}").json()["facts"]["contact_phone"] == PHONE


@time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=SH), tick=False)
def test_the_days_appointments_show_the_phone_masked_to_an_agent(client_for, agent, clerk, appointment):
    # when an agent opens the counter's day
    page = client_for(agent).get("/processes/today/").content.decode()
    # then the appointment is listed with the phone masked
    appointments = page.split('id="appointments"')[1].split("</table>")[0]
    assert "预约客户" in appointments and MASKED in appointments
    assert PHONE not in page
    # and the clerk sees it whole
    assert PHONE in client_for(clerk).get("/processes/today/").content.decode()


def test_the_process_page_never_prints_the_whole_phone_for_an_agent(client_for, agent, appointment):
    assert PHONE not in client_for(agent).get(f"/processes/{appointment.pk}/").content.decode()


def test_a_masked_user_who_saves_the_facts_keeps_the_phone_they_could_not_see(
    client_for, make_user, appointment, clerk
):
    # given a counter clerk whose role has lost the right to see full numbers
    from django.contrib.auth.models import Group

    restricted = make_user(Role.COUNTER_CLERK, username="clerk2", name="窗口小赵")
    group = Group.objects.get(name="窗口营业员")
    group.permissions.remove(*group.permissions.filter(codename="view_sensitive_customer"))
    client = client_for(restricted)
    # when the page offers the facts form
    page = client.get(f"/processes/{appointment.pk}/").content.decode()
    # then the phone is not in it, only its masked form as a hint
    assert PHONE not in page and MASKED in page
    # and saving the form with the phone left empty keeps the phone
    client.post(
        f"/processes/{appointment.pk}/facts/",
        {"wanted_business": "过户", "appointment_at": "2026-11-23T14:30"},
    )
    appointment.refresh_from_db()
    assert appointment.facts["contact_phone"] == PHONE
    assert appointment.facts["wanted_business"] == "过户"
