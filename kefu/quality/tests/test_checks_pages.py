"""The QA desk's pages: adding a contact, the scoring page with the call, a bad score answered 400,
the agent's appeal and the lead's amendment through the pages, the printable 考评表."""

from datetime import datetime, timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from kefu.quality.models import QaAppeal, QaCheck
from kefu.quality.services.scorecards import active_scorecard, card_items
from kefu.quality.tests.factories_checks import qa_world_fixture, scored  # noqa: F401 (the qa_world fixture)
from kefu.telephony.models import Call


def _form(values=None, **extra):
    values = values or {}
    data = {f"score_{i.pk}": values.get(i.code, i.max_score) for i in card_items(active_scorecard())}
    return {**data, **extra}


def test_an_inspector_adds_a_contact_and_scores_it_on_the_page(qa_world, client_for):
    # given a contact of the agent's with its call in the telephony records
    now = timezone.now()
    contact = qa_world.contact(call_id="PBX-1")
    Call.objects.create(
        call_id="PBX-1",
        agent=qa_world.agent,
        started_at=now - timedelta(minutes=6),
        ring_at=now - timedelta(minutes=6),
        answer_at=now - timedelta(minutes=5, seconds=50),
        hangup_at=now - timedelta(minutes=1, seconds=20),
    )
    client = client_for(qa_world.inspector)
    # when the inspector adds it by its number
    response = client.post(reverse("quality:check_add"), {"contact": contact.number})
    check = QaCheck.objects.get(contact=contact)
    assert response.status_code == 302 and response.url == reverse("quality:check_score", args=[check.pk])
    # then the scoring page shows the contact, the call's times and duration, and the card's items
    page = client.get(response.url).content.decode()
    assert contact.number in page and "通话时长 4分30秒" in page and "服务态度" in page
    # when the inspector scores it with a remark at 01:25
    response = client.post(response.url, _form({"tone": 5}, comment="语调生硬", marks="01:25 语调生硬"))
    check.refresh_from_db()
    assert response.status_code == 302
    assert str(check.score) == "92.5" and check.status == QaCheck.Status.SCORED
    detail = client.get(reverse("quality:check", args=[check.pk])).content.decode()
    assert "01:25 语调生硬" in detail and "92.5" in detail


def test_a_score_beyond_the_scale_is_answered_400_naming_the_item(qa_world, client_for):
    check = qa_world.check()
    response = client_for(qa_world.inspector).post(
        reverse("quality:check_score", args=[check.pk]), _form({"tone": 12})
    )
    assert response.status_code == 400
    assert "“语气语调”的得分应为0至10之间的整数" in response.content.decode()


def test_the_agent_appeals_and_the_lead_amends_through_the_pages(qa_world, client_for):
    # given a check scored now
    check = scored(qa_world, {"tone": 5})
    # when the agent appeals from the check's page
    agent = client_for(qa_world.agent)
    page = agent.get(reverse("quality:check", args=[check.pk])).content.decode()
    assert "提出申诉" in page
    agent.post(reverse("quality:check_appeal", args=[check.pk]), {"reason": "客户情绪激动"})
    check.refresh_from_db()
    assert check.status == QaCheck.Status.APPEALED
    # then the lead sees it on the desk and amends it
    lead = client_for(qa_world.lead)
    desk = lead.get(reverse("quality:checks")).content.decode()
    assert "待处理的申诉" in desk and check.number in desk
    response = lead.post(
        reverse("quality:check_decide", args=[check.pk]), _form({"tone": 8}, decision="amend", note="改评")
    )
    assert response.status_code == 302
    check.refresh_from_db()
    appeal = QaAppeal.objects.get(check_record=check)
    assert str(check.score) == "97.0" and check.status == QaCheck.Status.FINAL
    assert appeal.status == QaAppeal.Status.AMENDED
    history = lead.get(reverse("quality:check", args=[check.pk])).content.decode()
    assert "语气语调：5 → 8" in history


def test_an_appeal_after_the_deadline_is_refused_on_the_page_with_the_rule(qa_world, client_for):
    check = scored(qa_world)
    with time_machine.travel(datetime.combine(check.appeal_due + timedelta(days=1), datetime.min.time())):
        agent = client_for(qa_world.agent)
        page = agent.get(reverse("quality:check", args=[check.pk])).content.decode()
        assert "申诉期已过" in page
        response = agent.post(
            reverse("quality:check_appeal", args=[check.pk]), {"reason": "不服"}, follow=True
        )
    assert "已过申诉期限" in response.content.decode()
    check.refresh_from_db()
    assert check.status == QaCheck.Status.SCORED


def test_the_scorer_is_shown_why_they_cannot_decide(qa_world, client_for):
    check = scored(qa_world, inspector=qa_world.lead)
    client_for(qa_world.agent).post(reverse("quality:check_appeal", args=[check.pk]), {"reason": "不服"})
    lead = client_for(qa_world.lead)
    page = lead.get(reverse("quality:check_decide", args=[check.pk])).content.decode()
    assert "回避" in page
    response = lead.post(
        reverse("quality:check_decide", args=[check.pk]), {"decision": "uphold", "note": "维持"}
    )
    assert response.status_code == 400 and "回避" in response.content.decode()


def test_the_desk_filters_by_month_and_a_bad_month_is_a_400(qa_world, client_for):
    check = scored(qa_world)
    client = client_for(qa_world.inspector)
    month = f"{check.month:%Y-%m}"
    page = client.get(reverse("quality:checks"), {"month": month, "status": "scored", "sort": "-score"})
    assert [c.pk for c in page.context["page"].object_list] == [check.pk]
    assert client.get(reverse("quality:checks"), {"month": "2026-13"}).status_code == 400
    assert client.get(reverse("quality:checks_export"), {"month": "9999-99"}).status_code == 400


def test_the_printable_form_shows_the_scores(qa_world, client_for):
    check = scored(qa_world)
    page = (
        client_for(qa_world.inspector).get(reverse("quality:check_print", args=[check.pk])).content.decode()
    )
    assert "服务质量综合考评表" in page and check.number in page


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_desk_and_my_page_read_a_fixed_number_of_queries_whatever_the_rows(qa_world, client_for):
    # given one scored check, then five more
    scored(qa_world)
    inspector = client_for(qa_world.inspector)
    desk_one = _queries(inspector, reverse("quality:checks"))
    for _ in range(5):
        scored(qa_world)
    # then the desk and the agent's page read as many queries for six rows as for one
    assert _queries(inspector, reverse("quality:checks")) == desk_one
    agent = client_for(qa_world.agent)
    mine_six = _queries(agent, reverse("quality:mine"))
    scored(qa_world)
    assert _queries(agent, reverse("quality:mine")) == mine_six
