"""Answer-time statistics (H10): per agent, calls rung, answered, answered within three rings, the
rate and the average ring time; a page for team leaders with an Excel export."""

from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from kefu.telephony import selectors
from kefu.telephony.tests.conftest import SHANGHAI, seconds

STATS = "/telephony/stats/"


@pytest.fixture
def calls(post_event, agent, make_user, now):
    """话务员小张: 10 s (on time), 20 s (late), 15 s (on time), and one that rang 30 s unanswered.
    小李: one answered after 4 s, and one caller who hung up after 5 s (not judged)."""
    make_user(username="li", name="话务员小李", employee_no="8002")

    def call(call_id, agent_code, rang_at, answer_after=None, hangup_after=None):
        post_event(call_id=call_id, agent=agent_code, event="ring", at=rang_at)
        if answer_after is not None:
            post_event(call_id=call_id, agent=agent_code, event="answer", at=rang_at + seconds(answer_after))
        if hangup_after is not None:
            post_event(call_id=call_id, agent=agent_code, event="hangup", at=rang_at + seconds(hangup_after))

    base = datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI)
    call("Z1", "agent", base, answer_after=10, hangup_after=100)
    call("Z2", "agent", base + seconds(600), answer_after=20, hangup_after=200)
    call("Z3", "agent", base + seconds(1200), answer_after=15)
    call("Z4", "agent", base + seconds(1800), hangup_after=30)
    call("L1", "li", base + seconds(60), answer_after=4, hangup_after=90)
    call("L2", "li", base + seconds(660), hangup_after=5)
    # and a call from last month, outside the default period
    call("OLD", "agent", datetime(2026, 2, 27, 9, 0, tzinfo=SHANGHAI), answer_after=30)


def test_it_counts_on_time_and_late_answers_per_agent(calls, agent):
    # when the statistics for March are read
    stats = {s.agent.username: s for s in selectors.answer_stats(date(2026, 3, 1), date(2026, 3, 31))}
    # then 15 s counts as on time, 20 s as late, and ringing 30 s unanswered as late too
    zhang = stats["agent"]
    assert (zhang.rung, zhang.answered, zhang.in_time, zhang.late) == (4, 3, 2, 2)
    assert zhang.percentage == 50.0
    assert zhang.avg_ring_seconds == pytest.approx(15.0)
    # and a caller who gave up within the limit is not held against the agent
    li = stats["li"]
    assert (li.rung, li.answered, li.in_time, li.late) == (2, 1, 1, 0)
    assert li.percentage == 100.0


def test_the_total_row_adds_up_and_averages_over_answered_calls(calls):
    stats = selectors.answer_stats(date(2026, 3, 1), date(2026, 3, 31))
    total = selectors.total_of(stats)
    assert (total.rung, total.answered, total.in_time, total.late) == (6, 4, 3, 2)
    assert total.percentage == 60.0
    assert total.avg_ring_seconds == pytest.approx((10 + 20 + 15 + 4) / 4)


def test_it_reads_the_period_in_local_days(calls, agent):
    # the call of 27 February is in February's figures and not March's
    february = selectors.answer_stats(date(2026, 2, 1), date(2026, 2, 28), agent=agent)
    assert [(s.rung, s.late) for s in february] == [(1, 1)]


def test_a_team_leader_sees_the_page_for_this_month(client_for, team_leader, calls):
    # when a team leader opens the page without a filter
    response = client_for(team_leader).get(STATS)
    # then it shows this month (March, as the clock stands) per agent
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026-03-01 至 2026-03-02" in html
    assert "话务员小张" in html and "话务员小李" in html
    assert "50.0%" in html and "100.0%" in html
    assert "合计" in html


def test_the_table_sorts_by_a_column(client_for, team_leader, calls):
    response = client_for(team_leader).get(STATS, {"sort": "-percentage"})
    rows = [r.agent.username for r in response.context["rows"]]
    assert rows == ["li", "agent"]
    response = client_for(team_leader).get(STATS, {"sort": "percentage"})
    assert [r.agent.username for r in response.context["rows"]] == ["agent", "li"]


def test_a_wrong_period_falls_back_to_this_month_with_a_message(client_for, team_leader, calls):
    response = client_for(team_leader).get(STATS, {"start": "2026-03-31", "end": "2026-03-01"})
    html = response.content.decode()
    assert "结束日期不能早于开始日期" in html
    assert response.context["start"] == date(2026, 3, 1)


def test_an_empty_period_says_so(client_for, team_leader, calls):
    response = client_for(team_leader).get(STATS, {"start": "2025-01-01", "end": "2025-01-31"})
    assert "所选期间没有振铃记录" in response.content.decode()


def test_the_export_is_an_excel_workbook(client_for, team_leader, calls):
    # when the team leader exports March
    response = client_for(team_leader).get(
        STATS, {"start": "2026-03-01", "end": "2026-03-31", "format": "xlsx"}
    )
    # then the workbook holds a row per agent and the total
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("工号", "坐席", "振铃数")
    by_name = {r[1]: r for r in rows[2:]}
    assert by_name["话务员小张"][2:7] == (4, 3, 2, 2, 50.0)
    assert by_name["话务员小李"][0] == "8002"
    assert by_name["合计"][2] == 6


def test_an_agent_may_not_see_the_statistics(client_for, agent, now):
    assert client_for(agent).get(STATS).status_code == 403
    assert client_for(agent).get(STATS, {"format": "xlsx"}).status_code == 403


def test_the_department_head_director_and_qa_see_the_statistics(client_for, make_user, now):
    from kefu.accounts.models import Role

    for role in (Role.DEPARTMENT_HEAD, Role.CENTER_DIRECTOR, Role.QA_INSPECTOR):
        user = make_user(role)
        assert client_for(user).get(STATS).status_code == 200, role


def test_the_page_runs_a_fixed_number_of_queries(
    client_for, team_leader, calls, django_assert_max_num_queries
):
    client = client_for(team_leader)
    client.get(STATS)
    with django_assert_max_num_queries(8):
        client.get(STATS)
