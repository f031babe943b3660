"""The monthly QA roll-up (Q1): the figures per agent and team equal counts from the checks and
appeals; a team leader sees their own team only; Excel and print; the API."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.quality.models import QaAppeal, QaCheck
from kefu.quality.selectors_rollup import month_rollup, team_rows
from kefu.quality.services.appeals import decide_appeal, file_appeal
from kefu.quality.tests.factories_sampling import NOVEMBER, at, build_qa_world, open_checks, score


@pytest.fixture
def qa_world(world):
    return build_qa_world(world)


@pytest.fixture
def november(qa_world):
    """Day shift: 甲 with three scored checks (one failed on the critical 服务态度, appealed and upheld;
    one appealed and still open) and a proposed one; night shift: 乙 with one scored check."""
    qa = qa_world
    w = qa.world
    day = [qa.contact(w.agent, at(date(2026, 11, 2 + n))) for n in range(4)]
    night = qa.contact(w.night_agent, at(date(2026, 11, 3)))
    checks = open_checks(qa.inspector, [*day, night])
    score(checks[0], qa.inspector, when=at(date(2026, 11, 10)))
    score(checks[1], qa.inspector, when=at(date(2026, 11, 10), 11), attitude=0)
    score(checks[2], qa.inspector, when=at(date(2026, 11, 10), 12), phrases=5)
    score(checks[4], qa.inspector, when=at(date(2026, 11, 10), 13), tone=10)
    with time_machine.travel(at(date(2026, 11, 11)), tick=False):
        upheld = file_appeal(actor=w.agent, check=checks[1], reason="客户先辱骂")
        file_appeal(actor=w.agent, check=checks[2], reason="用语没有问题")
        decide_appeal(actor=qa.lead, appeal=upheld, decision="uphold", note="录音清楚，维持")
    return checks


def test_the_rollup_equals_the_counts_of_the_checks(qa_world, november):
    qa = qa_world
    rows = {row.agent.pk: row for row in month_rollup(month=NOVEMBER)}
    day, night = rows[qa.world.agent.pk], rows[qa.world.night_agent.pk]
    scored = QaCheck.objects.filter(
        agent=qa.world.agent, month=NOVEMBER, status__in=["scored", "appealed", "final"]
    )
    assert day.contacts == 4 and day.scored == scored.count() == 3 and day.pending == 1
    assert day.average == (sum(c.score for c in scored) / 3).quantize(Decimal("0.1"))
    assert day.passed == scored.filter(passed=True).count()
    assert day.pass_rate == (Decimal(100 * day.passed) / 3).quantize(Decimal("0.1"))
    assert day.critical == 1
    assert (day.appeals, day.appeals_upheld, day.appeals_open, day.appeals_amended) == (2, 1, 1, 0)
    assert QaAppeal.objects.filter(check_record__agent=qa.world.agent).count() == 2
    assert day.weakest[0][0] == "服务态度"
    assert (night.scored, night.minimum, night.target, night.below_minimum) == (1, 1, 5, False)
    # the team lines and the total add up the agents
    by_label = {row.label: row for row in team_rows(list(rows.values()))}
    assert by_label["白班"].scored == 3 and by_label["夜班"].scored == 1
    assert by_label["合计"].scored == 4 and by_label["合计"].agents == 2


def test_an_agent_with_contacts_and_no_check_is_below_the_minimum(qa_world):
    qa = qa_world
    qa.contact(qa.world.agent, at(date(2026, 11, 3)))
    [row] = month_rollup(month=NOVEMBER)
    assert row.scored == 0 and row.below_minimum and row.average is None and row.pass_rate is None


def test_a_team_leader_sees_only_their_team(qa_world, november, client_for):
    qa = qa_world
    leader = client_for(qa.world.leader)  # the day shift's leader
    page = leader.get("/quality/rollup/?month=2026-11")
    assert page.status_code == 200
    text = page.content.decode()
    assert "话务员甲" in text and "话务员乙" not in text
    api = leader.get("/api/quality/rollup?month=2026-11").json()
    assert [row["label"] for row in api["agents"]] == ["话务员甲"] and api["team"] == "白班"
    # the head sees both; an agent is refused
    assert "话务员乙" in client_for(qa.head).get("/quality/rollup/?month=2026-11").content.decode()
    assert client_for(qa.world.agent).get("/quality/rollup/?month=2026-11").status_code == 403
    assert client_for(qa.world.agent).get("/api/quality/rollup?month=2026-11").status_code == 403
    no_team = UserFactory(role=Role.TEAM_LEADER, team=None)
    assert client_for(no_team).get("/quality/rollup/").status_code == 403


def test_excel_print_and_a_bad_month(qa_world, november, client_for):
    client = client_for(qa_world.lead)
    excel = client.get("/quality/rollup/export.xlsx?month=2026-11")
    assert excel.status_code == 200 and "spreadsheet" in excel["Content-Type"]
    printed = client.get("/quality/rollup/print/?month=2026-11")
    assert printed.status_code == 200 and "业务代表会议每月25日前召开" in printed.content.decode()
    assert client.get("/quality/rollup/?month=2026-13").status_code == 400
    assert client.get("/api/quality/rollup?month=2026-13").status_code == 400
    api = client.get("/api/quality/rollup?month=2026-11").json()
    assert api["teams"][-1]["label"] == "合计" and api["teams"][-1]["scored"] == 4
