"""The 考核指标 page, its Excel export and print view, the row form that scores soft indicators, and the
API (Q3): same visibility as the selectors, bad input a Chinese 400, a repeat answered not duplicated."""

import io
import json

import pytest
from openpyxl import load_workbook

from kefu.quality.models import SoftIndicatorScore
from kefu.quality.tests.factories_indicators import at, contact, travel

MONTH = "2026-11"


@pytest.fixture
def november(world):
    contact(world, world.agent, at("11-03 09:00"), answered=True)
    contact(world, world.night_agent, at("11-04 21:00"), answered=True)
    with travel(at("11-28 10:00")):
        yield world


def test_the_head_sees_the_agent_tab_with_each_agents_figures(client_for, november):
    # when the head opens the page
    response = client_for(november.head).get(f"/quality/indicators/?month={MONTH}&role=agent")
    # then it lists both agents with their contacts, the tabs and the soft columns
    assert response.status_code == 200
    page = response.content.decode()
    assert "话务员甲" in page and "话务员乙" in page
    assert "接待客户数量" in page and "工作态度" in page
    assert "客服部经理（客服部主任、中心主任）" in page
    rows = response.context["table"].rows
    assert [r.value("contacts") for r in sorted(rows, key=lambda r: r.person.username)] == [1, 1]


def test_a_team_leader_sees_only_their_team_and_not_the_manager_tab(client_for, november):
    client = client_for(november.leader)
    page = client.get(f"/quality/indicators/?month={MONTH}&role=agent").content.decode()
    assert "话务员甲" in page and "话务员乙" not in page
    assert client.get(f"/quality/indicators/?month={MONTH}&role=manager").status_code == 403


def test_an_agent_is_refused_the_page_and_the_api(client_for, november):
    client = client_for(november.agent)
    assert client.get("/quality/indicators/").status_code == 403
    assert client.get("/api/quality/indicators").status_code == 403


def test_a_month_that_does_not_exist_is_a_chinese_400(client_for, november):
    response = client_for(november.head).get("/quality/indicators/?month=2026-13&role=agent")
    assert response.status_code == 400
    assert "月份「2026-13」不存在" in response.content.decode()


def test_searching_by_name_keeps_the_matching_people(client_for, november):
    page = client_for(november.head).get(f"/quality/indicators/?month={MONTH}&role=agent&q=甲")
    assert [r.person for r in page.context["page"].object_list] == [november.agent]


def test_sorting_by_a_column_orders_the_rows(client_for, november):
    contact(november, november.night_agent, at("11-05 21:00"), answered=True)
    client = client_for(november.head)
    ascending = client.get(f"/quality/indicators/?month={MONTH}&role=agent&sort=contacts").context["table"]
    descending = client.get(f"/quality/indicators/?month={MONTH}&role=agent&sort=-contacts").context["table"]
    assert [r.person for r in ascending.rows] == [november.agent, november.night_agent]
    assert [r.person for r in descending.rows] == [november.night_agent, november.agent]


def test_the_export_is_a_workbook_with_a_row_per_person(client_for, november):
    response = client_for(november.head).get(f"/quality/indicators/export/?month={MONTH}&role=agent")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:5] == ("工号", "姓名", "岗位", "班组", "接待客户数")
    assert sorted(r[1] for r in rows[1:]) == ["话务员乙", "话务员甲"]


def test_the_print_view_shows_the_tab_in_the_print_frame(client_for, november):
    response = client_for(november.head).get(f"/quality/indicators/print/?month={MONTH}&role=supervisor")
    assert response.status_code == 200
    page = response.content.decode()
    assert "2026年11月客服主管（班长、培训专员）考核指标" in page and "班长老陈" in page


def test_the_row_form_scores_the_soft_indicators_and_a_repeat_changes_nothing(client_for, november):
    # given the day shift's leader on the agent tab
    client = client_for(november.leader)
    form = {
        "person": november.agent.pk,
        "month": MONTH,
        "role": "agent",
        "score_attitude": "90",
        "score_teamwork": "85",
        "score_learning": "",
    }
    # when they save the row twice
    first = client.post("/quality/indicators/score/", form)
    second = client.post("/quality/indicators/score/", form)
    # then two scores are stored once and the page shows them
    assert first.status_code == second.status_code == 302
    scores = dict(SoftIndicatorScore.objects.values_list("indicator", "score"))
    assert scores == {"attitude": 90, "teamwork": 85}
    page = client.get(first.url).content.decode()
    assert 'value="90"' in page


def test_the_row_form_refuses_a_score_above_100_with_a_400(client_for, november):
    client = client_for(november.leader)
    response = client.post(
        "/quality/indicators/score/",
        {"person": november.agent.pk, "month": MONTH, "role": "agent", "score_attitude": "120"},
    )
    assert response.status_code == 400
    assert "应为0–100的整数" in response.content.decode()
    assert not SoftIndicatorScore.objects.exists()


def test_the_row_form_refuses_another_teams_agent(client_for, november):
    client = client_for(november.leader)
    response = client.post(
        "/quality/indicators/score/",
        {"person": november.night_agent.pk, "month": MONTH, "role": "agent", "score_attitude": "80"},
    )
    assert response.status_code == 403


def test_the_api_lists_a_role_with_figures_and_soft_scores(client_for, november):
    response = client_for(november.head).get(f"/api/quality/indicators?month={MONTH}&role=agent")
    assert response.status_code == 200
    body = response.json()
    assert body["month"] == MONTH and body["role"] == "agent"
    row = next(r for r in body["rows"] if r["name"] == "话务员甲")
    assert row["figures"]["contacts"] == 1 and row["figures"]["solved"] == 1
    assert [c["code"] for c in row["hard"]][:2] == ["contacts", "solved"]
    assert row["soft"][0] == {
        "code": "attitude",
        "name": "工作态度",
        "score": None,
        "scored_by": None,
        "note": "",
    }


def test_the_api_scores_once_answers_a_repeat_and_refuses_bad_input(client_for, november):
    client = client_for(november.leader)
    body = {"person": november.agent.pk, "month": MONTH, "indicator": "attitude", "score": 88}

    def post(data):
        return client.post("/api/quality/indicators/soft", json.dumps(data), content_type="application/json")

    created, repeated = post(body), post(body)
    assert created.status_code == 201 and created.json()["created"] is True
    assert repeated.status_code == 200 and repeated.json()["changed"] is False
    assert SoftIndicatorScore.objects.count() == 1
    assert post(body | {"score": 101}).status_code == 400
    unknown = post(body | {"indicator": "bridge"})
    assert unknown.status_code == 400 and "indicator" in unknown.json()["errors"]
    assert post(body | {"month": "2026-13"}).status_code == 400
    assert post(body | {"person": november.night_agent.pk}).status_code == 403
    assert post(body | {"person": 999999}).status_code == 400
