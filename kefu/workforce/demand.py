"""How many agents each half hour of the coming days needs (S5): the forecast calls per half hour
(kefu/workforce/forecast.py) through Erlang C (kefu/workforce/staffing.py) with the rules' service level,
answer time and average handling time, then never below the minimum staff on duty.

The roster generator (CP-SAT) covers these numbers; shrinkage is not applied here: the generator rosters
people, and whoever is rostered is counted as on the phones (the staffing page shows shrinkage separately)."""

from datetime import date

from kefu.core.policies import policy
from kefu.workforce import forecast, staffing

INTERVAL_S = 1800


def agents_for_calls(
    calls_per_half_hour, *, aht_s: float, target: float, answer_within_s: float, minimum: int
):
    """Erlang C agents for each half hour's calls, at least `minimum`. Equal loads are computed once."""
    known: dict[float, int] = {}
    out = []
    for calls in calls_per_half_hour:
        key = round(float(calls), 1)
        if key not in known:
            known[key] = staffing.staffing(
                calls=key,
                interval_s=INTERVAL_S,
                aht_s=aht_s,
                target=target,
                answer_within_s=answer_within_s,
            ).agents
        out.append(max(known[key], minimum))
    return out


def required_agents(first_day: date, days: int) -> list[int]:
    """48 values per day from `first_day` (half hours 00:00, 00:30, … 23:30 local time): the agents each
    half hour needs, at least the rule workforce.min_staff_on_duty."""
    if days <= 0:
        return []
    expected = forecast.forecast(first_day, days).calls.reshape(-1)
    return agents_for_calls(
        expected,
        aht_s=float(policy("workforce.average_handling_seconds")),
        target=policy("workforce.service_level_percent") / 100,
        answer_within_s=float(policy("workforce.answer_within_seconds")),
        minimum=int(policy("workforce.min_staff_on_duty")),
    )
