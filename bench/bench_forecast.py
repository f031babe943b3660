"""The call-volume forecast (S5, issue 14 target: 4 weeks from 1 year of half-hourly history ≤ 10 s): the
time of a 4-week forecast (reading the year's calls from the database, fitting, predicting), cold and
warm, p50/p95/max; the demand (forecast → Erlang C agents per half hour); and the held-out weeks: WAPE and
MAPE of the model and of the naive "same half hour last week", by half hours and by day totals.

Needs a database with a call history: `--seed-history` adds the demo's year (kefu/telephony/demo.py) when
there is none.

    .venv/bin/python bench/bench_forecast.py --runs 5 [--seed-history]
"""

import argparse
import statistics
import time
from datetime import timedelta

from _setup import machine, setup_django


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--seed-history", action="store_true")
    args = parser.parse_args()

    setup_django()
    from kefu.telephony.models import Call

    print("Machine:", machine())
    if args.seed_history:
        from kefu.telephony.demo import seed_call_history

        started = time.perf_counter()
        added = seed_call_history(365)
        print(
            f"Seeded {added:,} calls in {time.perf_counter() - started:.1f} s" if added else "History exists"
        )

    started = time.perf_counter()
    from kefu.workforce import demand, forecast

    today = forecast.today()
    first = today + timedelta(days=1)
    print(
        f"Calls in the database: {Call.objects.count():,}; rung in the last 365 days: "
        f"{Call.objects.filter(ring_at__date__gte=today - timedelta(days=365)).count():,}"
    )
    result = forecast.forecast(first, 28)
    cold = time.perf_counter() - started
    print(
        f"Cold (imports + first forecast, 28 days): {cold:.2f} s; history days {result.model.history_days}, "
        f"burst days left out {[f'{d:%Y-%m-%d}' for d in result.model.excluded_days]}"
    )

    load, warm = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        forecast.offered_calls(first - timedelta(days=365), 365)
        load.append(time.perf_counter() - started)
        started = time.perf_counter()
        forecast.forecast(first, 28)
        warm.append(time.perf_counter() - started)
    print(f"Reading a year of half hours: p50 {statistics.median(load):.2f} s, max {max(load):.2f} s")
    print(
        f"Warm forecast, 28 days (read + fit + predict): n={len(warm)} p50 {statistics.median(warm):.2f} s, "
        f"p95 {percentile(warm, 0.95):.2f} s, max {max(warm):.2f} s"
    )
    started = time.perf_counter()
    needs = demand.required_agents(first, 28)
    print(
        f"Demand, 28 × 48 half hours of agents: {time.perf_counter() - started:.2f} s; peak {max(needs)}, "
        f"agent-hours {sum(needs) / 2:,.0f}"
    )

    started = time.perf_counter()
    held = forecast.backtest(args.weeks)
    print(f"Backtest, {args.weeks} held-out weeks (rolling origin): {time.perf_counter() - started:.2f} s")
    if held is None:
        print("Not enough history for the held-out weeks")
        return
    print("week of      calls  model WAPE  naive WAPE  model MAPE  naive MAPE  day WAPE model/naive")
    for w in held.weeks:
        print(
            f"{w.first_day:%Y-%m-%d}  {w.actual_calls:6d}  {w.model.wape:10.1%}  {w.naive.wape:10.1%}  "
            f"{w.model.mape:10.1%}  {w.naive.mape:10.1%}  {w.daily_model.wape:.1%} / {w.daily_naive.wape:.1%}"
        )
    print(
        f"all weeks           {held.model.wape:10.1%}  {held.naive.wape:10.1%}  {held.model.mape:10.1%}  "
        f"{held.naive.mape:10.1%}  {held.daily_model.wape:.1%} / {held.daily_naive.wape:.1%}"
    )
    print(
        "The model beats the naive forecast"
        if held.model_wins
        else "The model does NOT beat the naive forecast"
    )
    verdict = "meets" if percentile(warm, 0.95) <= 10 else "misses"
    print(f"Target ≤ 10 s for 4 weeks from a year (p95 warm): {verdict}")


if __name__ == "__main__":
    main()
