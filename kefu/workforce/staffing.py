"""How many agents an interval needs (S5): Erlang C, the M/M/N queue that call centers staff by.

Calls arrive at random (Poisson) and each takes an average handling time; a caller who finds every agent
busy waits. For N agents and A = calls × AHT ÷ interval erlangs of traffic:

- the probability a call waits is Erlang C, computed from the Erlang B recursion
  B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)), C = N·B / (N − A·(1 − B)), which stays exact for hundreds of
  agents where the textbook factorials overflow;
- the service level (answered within t seconds) is 1 − C·e^(−(N − A)·t / AHT);
- the average speed of answer is C·AHT / (N − A), and occupancy A / N.

The staffing is the least N above A whose service level reaches the target (and, when given, whose occupancy
stays under a maximum); shrinkage (breaks, training, meetings) then divides it: N / (1 − shrinkage) people.
Erlang C assumes nobody hangs up, so it overstates the need when callers abandon. Erlang A (M/M/N+M,
Palm's queue) gives each caller an exponential patience of mean `patience_s`; see `erlang_a` below.
"""

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import betainc, gammaln, logsumexp

MAX_AGENTS = 10_000  # far beyond any center; a guard against a runaway search


@dataclass(frozen=True)
class Staffing:
    agents: int  # agents on the phones the interval needs (before shrinkage)
    rostered: int  # people to roster once shrinkage is allowed for (equal to agents without shrinkage)
    traffic_erlangs: float
    service_level: float  # the fraction answered within the target time with `agents`
    probability_of_waiting: float
    average_speed_of_answer_s: float
    occupancy: float


def traffic(calls: float, interval_s: float, aht_s: float) -> float:
    """Offered traffic in erlangs: the agents' worth of work the calls bring."""
    return calls * aht_s / interval_s


def erlang_c(traffic_erlangs: float, agents: int) -> float:
    """Probability that a call waits, with `agents` agents and `traffic_erlangs` of traffic (1 when the
    agents cannot keep up: the queue grows without end)."""
    if traffic_erlangs <= 0:
        return 0.0
    if agents <= traffic_erlangs:
        return 1.0
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic_erlangs * blocking / (n + traffic_erlangs * blocking)
    return agents * blocking / (agents - traffic_erlangs * (1 - blocking))


def service_level(traffic_erlangs: float, agents: int, aht_s: float, answer_within_s: float) -> float:
    """The fraction of calls answered within `answer_within_s` seconds."""
    if traffic_erlangs <= 0:
        return 1.0
    if agents <= traffic_erlangs:
        return 0.0
    waiting = erlang_c(traffic_erlangs, agents)
    return 1 - waiting * math.exp(-(agents - traffic_erlangs) * answer_within_s / aht_s)


def average_speed_of_answer(traffic_erlangs: float, agents: int, aht_s: float) -> float:
    if traffic_erlangs <= 0:
        return 0.0
    if agents <= traffic_erlangs:
        return math.inf
    return erlang_c(traffic_erlangs, agents) * aht_s / (agents - traffic_erlangs)


def staffing(
    *,
    calls: float,
    interval_s: float,
    aht_s: float,
    target: float,
    answer_within_s: float,
    shrinkage: float = 0.0,
    max_occupancy: float = 1.0,
) -> Staffing:
    """The least number of agents meeting the service-level target (and the occupancy ceiling)."""
    load = traffic(calls, interval_s, aht_s)
    agents = max(math.floor(load) + 1, 1) if load > 0 else 0

    def short(n: int) -> bool:
        return service_level(load, n, aht_s, answer_within_s) < target or (n > 0 and load / n > max_occupancy)

    while agents < MAX_AGENTS and short(agents):
        agents += 1
    rostered = math.ceil(agents / (1 - shrinkage) - 1e-9) if agents else 0
    return Staffing(
        agents=agents,
        rostered=rostered,
        traffic_erlangs=load,
        service_level=service_level(load, agents, aht_s, answer_within_s),
        probability_of_waiting=erlang_c(load, agents) if agents else 0.0,
        average_speed_of_answer_s=average_speed_of_answer(load, agents, aht_s) if agents else 0.0,
        occupancy=load / agents if agents else 0.0,
    )


# ---- Erlang A (M/M/N+M): callers hang up after an exponential patience
#
# In units of the handling time (μ = 1), with A erlangs offered, N agents and θ = AHT / patience:
# - the number in the system is a birth–death chain: π_j ∝ A^j / j! up to N, then each further state is
#   multiplied by A / (N + kθ) (k callers waiting). Computed in logarithms, so 5,000 erlangs do not overflow,
#   and the waiting states are summed until their terms vanish (they always do when θ > 0);
# - a caller who finds q callers waiting ahead moves up at rate N + kθ while k are ahead, and leaves at
#   rate θ: in each stage the exit rate is N + (k+1)θ and the chance to move up (N + kθ)/(N + (k+1)θ), so
#   the product telescopes: P(served | q) = N / (N + (q+1)θ);
# - the time spent in the stages does not depend on how they end, so a served caller waited
#   S = Σ_{k=1..q+1} Exp(N + kθ), whose e^{−θS} is Beta(N/θ + 1, q+1) distributed (the Rényi representation
#   of exponential order statistics, extended to real N/θ): P(S ≤ t) = 1 − I_{e^{−θt}}(N/θ + 1, q+1), a
#   regularised incomplete beta function; and E[S] = Σ 1/(N + kθ).
# The service level of Erlang A is the share of ALL offered calls answered within t (a caller who hangs up,
# however soon, counts as not answered in time). It tends to Erlang C's as the patience grows; on every
# case the tests try it needs no more agents than Erlang C (the search still checks, and climbs if not).

MAX_WAITING_STATES = 200_000  # a bound on the sum; reached only when patience is nearly infinite and N ≤ A
_CHUNK = 4096


@dataclass(frozen=True)
class ErlangA:
    service_level: float
    abandon_probability: float
    probability_of_waiting: float
    average_speed_of_answer_s: float  # mean wait of the callers who were answered
    occupancy: float  # the answered traffic per agent


def erlang_a(
    traffic_erlangs: float, agents: int, aht_s: float, answer_within_s: float, patience_s: float
) -> ErlangA:
    """Service level, abandonment, waiting and ASA of `agents` agents under Erlang A."""
    load = float(traffic_erlangs)
    if load <= 0:
        return ErlangA(1.0, 0.0, 0.0, 0.0, 0.0)
    if agents <= 0:
        return ErlangA(0.0, 1.0, 1.0, 0.0, 0.0)
    theta = aht_s / patience_s
    t = answer_within_s / aht_s
    n = int(agents)
    j = np.arange(n + 1)
    log_busy = j * math.log(load) - gammaln(j + 1)  # states 0 … N, unnormalised
    log_queue, k0, size = [], 1, 64
    last = log_busy[-1]
    while k0 <= MAX_WAITING_STATES:
        k = np.arange(k0, k0 + size)
        steps = math.log(load) - np.log(n + k * theta)
        chunk = last + np.cumsum(steps)
        log_queue.append(chunk)
        last = chunk[-1]
        k0 += size
        size = min(size * 2, 65_536)  # geometric chunks: a few for a small center, few more for a big one
        # stop once the terms fall and are negligible against the largest
        if steps[-1] < 0 and last < max(log_busy.max(), max(c.max() for c in log_queue)) - 50:
            break
    else:
        # The waiting states have not died out within the bound: with this patience the queue is as
        # good as Erlang C's, which does not empty with N ≤ A agents.
        if n <= load:
            return ErlangA(0.0, 0.0, 1.0, math.inf, 1.0)
    queue = np.concatenate([[log_busy[-1]], *log_queue])  # π_{N+q}, q = 0, 1, …
    peak = max(log_busy.max(), queue.max())
    queue = queue[: int(np.nonzero(queue > peak - 50)[0][-1]) + 1 if (queue > peak - 50).any() else 1]
    total = logsumexp(np.concatenate([log_busy[:-1], queue]))
    p_free = float(np.exp(logsumexp(log_busy[:-1]) - total)) if n > 0 else 0.0
    p_queue = np.exp(queue - total)
    q = np.arange(queue.size)
    served = n / (n + (q + 1) * theta)
    x = math.exp(-theta * t)
    within = served * (1 - betainc(n / theta + 1, q + 1, x)) if t > 0 else np.zeros(q.size)
    mean_wait = np.cumsum(1 / (n + (q + 1) * theta))
    p_served = p_free + float(np.sum(p_queue * served))
    waited = float(np.sum(p_queue * served * mean_wait))
    return ErlangA(
        service_level=min(1.0, p_free + float(np.sum(p_queue * within))),
        abandon_probability=min(1.0, float(np.sum(p_queue * (1 - served)))),
        probability_of_waiting=min(1.0, float(np.sum(p_queue))),
        average_speed_of_answer_s=waited / p_served * aht_s if p_served > 0 else math.inf,
        occupancy=min(1.0, load * p_served / n),
    )


def staffing_a(
    *,
    calls: float,
    interval_s: float,
    aht_s: float,
    target: float,
    answer_within_s: float,
    patience_s: float,
    shrinkage: float = 0.0,
    max_occupancy: float = 1.0,
) -> tuple[Staffing, ErlangA]:
    """The least agents meeting the target under Erlang A (a bisection: the service level rises with N,
    and Erlang C's answer is an upper bound)."""
    load = traffic(calls, interval_s, aht_s)
    if load <= 0:
        return staffing(
            calls=0, interval_s=interval_s, aht_s=aht_s, target=target, answer_within_s=0
        ), erlang_a(0, 0, aht_s, answer_within_s, patience_s)
    upper = staffing(
        calls=calls,
        interval_s=interval_s,
        aht_s=aht_s,
        target=target,
        answer_within_s=answer_within_s,
        max_occupancy=max_occupancy,
    ).agents

    def enough(n: int) -> bool:
        result = erlang_a(load, n, aht_s, answer_within_s, patience_s)
        return result.service_level >= target and result.occupancy <= max_occupancy

    low, high = 0, max(upper, 1)
    while not enough(high) and high < MAX_AGENTS:  # not expected (Erlang C is an upper bound), but safe
        low, high = high, high * 2
    high = min(high, MAX_AGENTS)
    while high - low > 1:
        middle = (low + high) // 2
        if enough(middle):
            high = middle
        else:
            low = middle
    agents = high
    result = erlang_a(load, agents, aht_s, answer_within_s, patience_s)
    rostered = math.ceil(agents / (1 - shrinkage) - 1e-9) if agents else 0
    return (
        Staffing(
            agents=agents,
            rostered=rostered,
            traffic_erlangs=load,
            service_level=result.service_level,
            probability_of_waiting=result.probability_of_waiting,
            average_speed_of_answer_s=result.average_speed_of_answer_s,
            occupancy=result.occupancy,
        ),
        result,
    )
