"""S5 Erlang A (callers hang up): it tends to Erlang C as patience grows, never needs more agents, agrees
with independent computations, stays fast at 5,000 erlangs, and the API offers it."""

import time

import numpy as np
import pytest
from scipy.special import betainc

from kefu.accounts.models import Role
from kefu.workforce.staffing import erlang_a, erlang_c, service_level, staffing, staffing_a


@pytest.mark.parametrize(("load", "agents"), [(10, 14), (48, 55), (2, 3)])
def test_with_endless_patience_erlang_a_is_erlang_c(load, agents):
    result = erlang_a(load, agents, 180, 20, 1e9)
    assert result.service_level == pytest.approx(service_level(load, agents, 180, 20), abs=1e-6)
    assert result.probability_of_waiting == pytest.approx(erlang_c(load, agents), abs=1e-6)
    assert result.abandon_probability < 1e-5


@pytest.mark.parametrize("patience", [10, 60, 180, 600, 3600])
@pytest.mark.parametrize("calls", [5, 60, 100, 400, 1500])
def test_with_finite_patience_erlang_a_needs_no_more_agents_than_erlang_c(calls, patience):
    kwargs = {"calls": calls, "interval_s": 1800, "aht_s": 180, "target": 0.8, "answer_within_s": 15}
    a, _ = staffing_a(**kwargs, patience_s=patience)
    assert a.agents <= staffing(**kwargs).agents


def test_abandonment_equals_patience_times_the_mean_queue():
    # Little's law for the abandoning callers: λ·P(Ab) = θ·E[queue], from the stationary distribution
    # solved independently as a truncated birth–death chain.
    load, agents, theta = 12.0, 12, 180 / 90  # patience 90 s, AHT 180 s
    states = 400
    weights = np.zeros(states)
    weights[0] = 1.0
    for j in range(1, states):
        death = min(j, agents) + max(j - agents, 0) * theta
        weights[j] = weights[j - 1] * load / death
    pi = weights / weights.sum()
    mean_queue = sum(max(j - agents, 0) * pi[j] for j in range(states))
    result = erlang_a(load, agents, 180, 15, 90)
    assert result.abandon_probability == pytest.approx(theta * mean_queue / load, rel=1e-9)
    assert result.probability_of_waiting == pytest.approx(pi[agents:].sum(), rel=1e-9)


def test_a_caller_behind_others_is_answered_in_time_as_the_beta_formula_says():
    # q callers ahead, each may leave (rate θ) as may the caller; simulated stage by stage against
    # P(served within t | q) = N/(N+(q+1)θ) · (1 − I_{e^{−θt}}(N/θ + 1, q+1))
    rng = np.random.default_rng(3)
    n, theta, q, t, size = 5.0, 0.5, 3, 0.4, 400_000
    elapsed, alive = np.zeros(size), np.ones(size, dtype=bool)
    for ahead in range(q, -1, -1):
        rate = n + ahead * theta + theta
        elapsed += rng.exponential(1 / rate, size)
        alive &= rng.random(size) < (n + ahead * theta) / rate
    simulated = (alive & (elapsed <= t)).mean()
    formula = n / (n + (q + 1) * theta) * (1 - betainc(n / theta + 1, q + 1, np.exp(-theta * t)))
    assert simulated == pytest.approx(formula, abs=3e-3)


def test_impatient_callers_lower_the_need_and_shorten_the_wait():
    # 100 calls a half hour of 3 minutes, 80 % in 20 s: Erlang C needs 14; with 2 minutes' patience 12
    a, result = staffing_a(
        calls=100, interval_s=1800, aht_s=180, target=0.8, answer_within_s=20, patience_s=120
    )
    assert a.agents == 12
    assert 0.8 <= result.service_level < 0.85  # answered within 20 s, of all offered calls
    assert 0.05 < result.abandon_probability < 0.07
    assert result.average_speed_of_answer_s < 7.8  # Erlang C's with 14 agents


def test_five_thousand_erlangs_are_computed_in_bounded_time():
    started = time.perf_counter()
    for patience in (30, 600, 1e9):
        a, result = staffing_a(
            calls=50_000, interval_s=1800, aht_s=180, target=0.8, answer_within_s=20, patience_s=patience
        )
        assert 4000 <= a.agents <= 5100 and 0 <= result.service_level <= 1
    assert erlang_a(5000, 4000, 180, 20, 1e7).service_level == 0.0  # too few agents, nearly endless patience
    assert time.perf_counter() - started < 5


def test_the_api_offers_erlang_a_with_the_abandonment(db, make_user, client_for):
    client = client_for(make_user(Role.TEAM_LEADER, username="leader"))
    query = {"calls": 100, "interval_s": 1800, "aht_s": 180, "service_level": 0.8, "answer_within_s": 20}
    c = client.get("/api/workforce/staffing", query).json()
    assert c["agents"] == 14 and "abandon_probability" not in c
    a = client.get("/api/workforce/staffing", {**query, "model": "erlang_a", "patience_s": 120})
    assert a.status_code == 200
    body = a.json()
    assert body["agents"] == 12 and 0.05 < body["abandon_probability"] < 0.07
    assert set(c) <= set(body)
    missing = client.get("/api/workforce/staffing", {**query, "model": "erlang_a"})
    assert missing.status_code == 400 and "patience_s" in missing.content.decode()
    huge = client.get(
        "/api/workforce/staffing", {**query, "calls": 1_000_000, "model": "erlang_a", "patience_s": 60}
    )
    assert huge.status_code == 400
