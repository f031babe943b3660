"""The sampling page and API (Q1): the month per agent, the propose button, an inspector adding any
contact by its number, and the refusals."""

import json
from datetime import date

import pytest
import time_machine

from kefu.quality.models import QaCheck
from kefu.quality.tests.factories_sampling import (
    at,
    build_qa_world,
)


@pytest.fixture
def qa_world(world):
    return build_qa_world(world)


DECEMBER_2 = at(date(2026, 12, 2), 9)


def test_the_page_shows_each_agents_month_and_the_button_proposes(qa_world, client_for):
    # given an agent with a complaint in November
    qa = qa_world
    qa.contact(qa.world.agent, at(date(2026, 11, 3)))
    qa.complaint(qa.world.agent, at(date(2026, 11, 4)))
    client = client_for(qa.lead)
    with time_machine.travel(DECEMBER_2, tick=False):
        # when the lead opens November
        page = client.get("/quality/sampling/?month=2026-11")
        # then the agent is listed with two contacts, 0 of minimum 1 and target 5, and 2 to sample
        assert page.status_code == 200
        text = page.content.decode()
        assert "话务员甲" in text and "0</span> / 1 / 5" in text
        # when the lead proposes
        response = client.post("/quality/sampling/propose/", {"month": "2026-11"})
    assert response.status_code == 302
    checks = QaCheck.objects.filter(agent=qa.world.agent)
    assert checks.count() == 2
    with time_machine.travel(DECEMBER_2, tick=False):
        text = client.get("/quality/sampling/?month=2026-11").content.decode()
    assert f"/quality/checks/{checks.first().pk}/" in text and "投诉" in text


def test_an_inspector_adds_any_contact_by_its_number(qa_world, client_for):
    qa = qa_world
    contact = qa.contact(qa.world.agent, at(date(2026, 11, 3)))
    client = client_for(qa.inspector)
    response = client.post("/quality/sampling/add/", {"contact": contact.number})
    check = QaCheck.objects.get(contact=contact)
    assert response.status_code == 302 and response.url == f"/quality/checks/{check.pk}/"
    assert check.source == QaCheck.Source.ADDED
    # a second time it answers with the same check
    again = client.post("/quality/sampling/add/", {"contact": contact.number})
    assert again.url == response.url and QaCheck.objects.filter(contact=contact).count() == 1


def test_an_unknown_number_or_month_is_a_chinese_400(qa_world, client_for):
    client = client_for(qa_world.inspector)
    response = client.post("/quality/sampling/add/", {"contact": "RX999"})
    assert response.status_code == 400 and "受理编号「RX999」不存在" in response.content.decode()
    response = client.post("/quality/sampling/propose/", {"month": "2026-13"})
    assert response.status_code == 400 and "月份" in response.content.decode()
    assert client.get("/quality/sampling/?month=9999-99").status_code == 200


def test_an_agent_may_not_open_sampling(qa_world, client_for):
    client = client_for(qa_world.world.agent)
    assert client.get("/quality/sampling/").status_code == 403
    assert client.post("/quality/sampling/propose/", {"month": "2026-11"}).status_code == 403


def test_the_api_proposes_once(qa_world, client_for):
    qa = qa_world
    qa.contact(qa.world.agent, at(date(2026, 11, 3)))
    client = client_for(qa.lead)
    with time_machine.travel(DECEMBER_2, tick=False):
        first = client.post(
            "/api/quality/sampling/propose", json.dumps({"month": "2026-11"}), content_type="application/json"
        )
        second = client.post(
            "/api/quality/sampling/propose", json.dumps({"month": "2026-11"}), content_type="application/json"
        )
        bad = client.post(
            "/api/quality/sampling/propose", json.dumps({"month": "2026-1x"}), content_type="application/json"
        )
    assert first.status_code == 200 and len(first.json()["proposed"]) == 1
    assert first.json()["proposed"][0]["sample_reason"] == "随机"
    assert second.json()["proposed"] == [] and second.json()["agents"][0]["existing"] == 1
    assert bad.status_code == 400 and "月份" in bad.content.decode()
