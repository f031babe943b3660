"""The checks API: the list with the desk's visibility, a check, scoring, the appeal and the decision;
bad input is a 400 naming the field."""

from kefu.quality.models import QaAppeal, QaCheck
from kefu.quality.services.scorecards import active_scorecard, card_items
from kefu.quality.tests.factories_checks import qa_world_fixture, scored  # noqa: F401 (the qa_world fixture)


def _scores(values=None):
    values = values or {}
    return [{"item": i.pk, "score": values.get(i.code, i.max_score)} for i in card_items(active_scorecard())]


def _post(client, url, body):
    return client.post(url, data=body, content_type="application/json")


def test_an_inspector_scores_through_the_api(qa_world, client_for):
    check = qa_world.check()
    client = client_for(qa_world.inspector)
    response = _post(
        client,
        f"/api/quality/checks/{check.pk}/score",
        {"scores": _scores({"attitude": 0}), "marks": "00:10 顶撞"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["score"] == "0.0" and body["critical_failed"] is True and body["status"] == "scored"
    assert body["remarks"] == [{"at_second": 10, "at": "00:10", "text": "顶撞"}]
    assert {i["code"]: i["score"] for i in body["items"]}["attitude"] == 0


def test_bad_scores_are_a_400_naming_the_field(qa_world, client_for):
    check = qa_world.check()
    client = client_for(qa_world.inspector)
    response = _post(client, f"/api/quality/checks/{check.pk}/score", {"scores": _scores({"tone": 11})})
    assert response.status_code == 400 and "scores" in response.content.decode()
    response = _post(client, f"/api/quality/checks/{check.pk}/score", {"scores": _scores()[:2]})
    assert response.status_code == 400 and "未打分" in response.content.decode()


def test_an_agent_cannot_score_through_the_api(qa_world, client_for):
    check = scored(qa_world)
    response = _post(
        client_for(qa_world.agent), f"/api/quality/checks/{check.pk}/score", {"scores": _scores()}
    )
    assert response.status_code == 403


def test_the_agent_appeals_and_the_lead_decides_through_the_api(qa_world, client_for):
    check = scored(qa_world, {"tone": 5})
    agent = client_for(qa_world.agent)
    assert _post(agent, f"/api/quality/checks/{check.pk}/appeal", {"reason": ""}).status_code == 400
    response = _post(agent, f"/api/quality/checks/{check.pk}/appeal", {"reason": "客户情绪激动"})
    assert response.status_code == 201 and response.json()["status"] == "open"
    lead = client_for(qa_world.lead)
    bad = _post(lead, f"/api/quality/checks/{check.pk}/appeal/decide", {"decision": "amend"})
    assert bad.status_code == 400 and "scores" in bad.content.decode()
    response = _post(
        lead,
        f"/api/quality/checks/{check.pk}/appeal/decide",
        {"decision": "amend", "note": "改评", "scores": _scores({"tone": 9})},
    )
    assert response.status_code == 200
    assert response.json()["score_before"] == "92.5" and response.json()["score_after"] == "98.5"
    assert QaAppeal.objects.get().status == QaAppeal.Status.AMENDED
    detail = agent.get(f"/api/quality/checks/{check.pk}").json()
    assert detail["status"] == QaCheck.Status.FINAL and detail["appeals"][0]["status"] == "amended"


def test_the_list_filters_and_refuses_a_bad_month(qa_world, client_for):
    check = scored(qa_world)
    client = client_for(qa_world.head)
    month = f"{check.month:%Y-%m}"
    assert [c["id"] for c in client.get("/api/quality/checks", {"month": month}).json()["items"]] == [
        check.pk
    ]
    assert client.get("/api/quality/checks", {"status": "final"}).json()["items"] == []
    response = client.get("/api/quality/checks", {"month": "2026-13"})
    assert response.status_code == 400 and "month" in response.content.decode()


def test_an_unknown_check_is_a_404(qa_world, client_for):
    assert client_for(qa_world.head).get("/api/quality/checks/999999").status_code == 404
