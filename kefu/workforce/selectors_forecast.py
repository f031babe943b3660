"""Reads for the forecast page and API (S5): the coming days' calls and agents per half hour, and the
held-out weeks' errors against the naive forecast. Both are cached for a while in the process: the model
is refitted when the calls or the rules change (the key holds the last call and the rules), at most once
every `CACHE_SECONDS` otherwise."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Max

from kefu.core.policies import policies
from kefu.telephony.models import Call
from kefu.workforce import demand, forecast

CACHE_SECONDS = 600
HELD_OUT_WEEKS = 4


@dataclass(frozen=True)
class HalfHour:
    start: str  # "09:30"
    calls: float
    agents: int


@dataclass(frozen=True)
class DayForecast:
    day: date
    kind: str
    kind_label: str
    calls: float
    peak_agents: int
    agent_hours: float  # Σ agents × ½ h
    half_hours: list[HalfHour]


@dataclass(frozen=True)
class ComingDays:
    first_day: date
    days: list[DayForecast]
    history_days: int
    excluded_days: list[date]
    aht_s: int
    service_level_percent: int
    answer_within_s: int
    min_staff: int


def _rules() -> tuple:
    return policies(
        "workforce.average_handling_seconds",
        "workforce.service_level_percent",
        "workforce.answer_within_seconds",
        "workforce.min_staff_on_duty",
    )


def _data_mark() -> int:
    return Call.objects.aggregate(last=Max("id"))["last"] or 0


def slot_label(slot: int) -> str:
    return f"{slot // 2:02d}:{30 * (slot % 2):02d}"


def coming_days(first_day: date, days: int) -> ComingDays:
    aht, level, within, minimum = _rules()
    rules = f"{aht}:{level}:{within}:{minimum}"
    key = f"workforce:forecast:{first_day}:{days}:{forecast.today()}:{_data_mark()}:{rules}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    result = forecast.forecast(first_day, days)
    agents = demand.agents_for_calls(
        result.calls.reshape(-1),
        aht_s=float(aht),
        target=level / 100,
        answer_within_s=float(within),
        minimum=int(minimum),
    )
    out = []
    for n, day in enumerate(result.days):
        row = agents[n * forecast.SLOTS : (n + 1) * forecast.SLOTS]
        calls = result.calls[n]
        out.append(
            DayForecast(
                day=day,
                kind=result.kinds[n],
                kind_label=forecast.KIND_LABELS[result.kinds[n]],
                calls=round(float(calls.sum()), 1),
                peak_agents=max(row),
                agent_hours=sum(row) / 2,
                half_hours=[
                    HalfHour(slot_label(s), round(float(calls[s]), 1), row[s]) for s in range(forecast.SLOTS)
                ],
            )
        )
    value = ComingDays(
        first_day, out, result.model.history_days, result.model.excluded_days, aht, level, within, minimum
    )
    cache.set(key, value, CACHE_SECONDS)
    return value


def held_out_weeks(weeks: int = HELD_OUT_WEEKS) -> forecast.Backtest | None:
    key = f"workforce:backtest:{weeks}:{forecast.today()}:{_data_mark()}"
    cached = cache.get(key)
    if cached is not None:
        return cached[0]
    value = forecast.backtest(weeks)
    cache.set(key, (value,), CACHE_SECONDS)
    return value


def default_first_day() -> date:
    return forecast.today() + timedelta(days=1)
