"""S5 staffing: Erlang C against the textbook figures, the least agents meeting the target, and the API."""

import math
from fractions import Fraction

import pytest

from kefu.core.models import Policy
from kefu.workforce.staffing import erlang_c, service_level, staffing, traffic


def erlang_c_by_factorials(load: int, agents: int) -> float:
    """The textbook formula, exactly in fractions: an independent check of the recursion."""
    top = Fraction(load) ** agents / math.factorial(agents) * Fraction(agents, agents - load)
    below = sum(Fraction(load) ** k / math.factorial(k) for k in range(agents))
    return float(top / (below + top))


@pytest.mark.parametrize(("load", "agents"), [(10, 11), (10, 13), (10, 14), (48, 55), (2, 3), (90, 100)])
def test_erlang_c_equals_the_textbook_formula(load, agents):
    assert erlang_c(load, agents) == pytest.approx(erlang_c_by_factorials(load, agents), rel=1e-12)


def test_the_classic_half_hour_needs_14_agents_and_20_rostered_with_30_percent_shrinkage():
    # 100 calls in half an hour, 3 minutes each: 10 erlangs; 80% within 20 seconds
    result = staffing(calls=100, interval_s=1800, aht_s=180, target=0.8, answer_within_s=20, shrinkage=0.3)
    assert result.traffic_erlangs == pytest.approx(10)
    assert result.agents == 14
    assert result.probability_of_waiting == pytest.approx(0.1741, abs=1e-4)
    assert result.service_level == pytest.approx(0.8884, abs=1e-4)
    assert result.average_speed_of_answer_s == pytest.approx(7.8, abs=0.05)
    assert result.occupancy == pytest.approx(0.714, abs=1e-3)
    assert result.rostered == 20
    # and one agent fewer misses the target
    fewer = service_level(10, 13, 180, 20)
    assert fewer == pytest.approx(0.7956, abs=1e-4) and fewer < 0.8


def test_the_360_calls_example_with_55_agents():
    # 360 calls a half hour of 4 minutes: 48 erlangs; with 55 agents, answered within 15 seconds
    load = traffic(360, 1800, 240)
    assert load == 48
    assert erlang_c(load, 55) == pytest.approx(0.2387, abs=1e-4)
    assert service_level(load, 55, 240, 15) == pytest.approx(0.8459, abs=1e-4)


def test_no_calls_need_no_agents_and_too_few_agents_never_meet_a_target():
    assert staffing(calls=0, interval_s=1800, aht_s=180, target=0.8, answer_within_s=15).agents == 0
    assert service_level(10, 10, 180, 20) == 0.0  # as many agents as erlangs: the queue never empties
    assert erlang_c(10, 9) == 1.0


def test_more_traffic_never_needs_fewer_agents():
    needs = [
        staffing(calls=calls, interval_s=1800, aht_s=200, target=0.8, answer_within_s=15).agents
        for calls in range(0, 400, 20)
    ]
    assert needs == sorted(needs)


# The API


def test_the_api_answers_the_minimum_agents(client_for, world):
    response = client_for(world.leader).get(
        "/api/workforce/staffing",
        {"calls": 100, "interval_s": 1800, "aht_s": 180, "service_level": 0.8, "answer_within_s": 20},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["agents"] == 14 and body["rostered"] == 14
    assert body["service_level"] == pytest.approx(0.8884, abs=1e-4)
    assert set(body) >= {"agents", "service_level", "occupancy", "average_speed_of_answer_s"}


def test_the_api_defaults_to_the_rules(client_for, world):
    # given the center's rules: 90% within 15 seconds (三声)
    Policy.objects.create(key="workforce.service_level_percent", value=90)
    response = client_for(world.leader).get("/api/workforce/staffing", {"calls": 100, "aht_s": 180})
    body = response.json()
    # then the answer meets 90% within 15 s with the fewest agents
    assert body["service_level"] >= 0.9
    assert service_level(10, body["agents"] - 1, 180, 15) < 0.9


@pytest.mark.parametrize(
    "params",
    [
        {"calls": -1, "aht_s": 180},
        {"calls": 100, "aht_s": 0},
        {"calls": 100, "aht_s": 180, "service_level": 1.5},
        {"calls": 100, "aht_s": 180, "shrinkage": 1},
        {"calls": 1_000_000, "aht_s": 36_000, "interval_s": 60},
        {"aht_s": 180},
    ],
)
def test_the_api_refuses_bad_figures_with_a_400(client_for, world, params):
    response = client_for(world.leader).get("/api/workforce/staffing", params)
    assert response.status_code == 400, response.content


def test_the_api_needs_a_login(client):
    assert client.get("/api/workforce/staffing", {"calls": 1, "aht_s": 1}).status_code == 401
