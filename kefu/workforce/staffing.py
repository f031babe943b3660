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
Erlang C assumes nobody hangs up, so it overstates the need when callers abandon; Erlang A (with patience)
is the next step of issue 14 and is not here yet.
"""

import math
from dataclasses import dataclass

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
