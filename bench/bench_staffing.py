"""The staffing API (S5, issue 14 target: ≤ 5 ms): GET /api/workforce/staffing through Django's whole stack
(middleware, session login, permission, validation, Erlang C), in process, with random inputs, cold and
warm, p50/p95/p99/max; and the Erlang C search alone.

Needs a database with the demo's leader1 (`make run` once, or seed_demo into DATABASE_URL).

    .venv/bin/python bench/bench_staffing.py --requests 2000
"""

import argparse
import random
import statistics
import sys
import time

from _setup import machine, setup_django

TARGET_MS = 5.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def report(label: str, timings_ms: list[float]) -> None:
    print(
        f"{label}: n={len(timings_ms)} p50 {statistics.median(timings_ms):.3f} ms, "
        f"p95 {percentile(timings_ms, 0.95):.3f} ms, p99 {percentile(timings_ms, 0.99):.3f} ms, "
        f"max {max(timings_ms):.3f} ms"
    )


def random_query(rng: random.Random) -> dict:
    # A center's half hours: from a quiet night to a burst-main morning, handling 1 to 10 minutes.
    return {
        "calls": rng.randint(0, 800),
        "interval_s": 1800,
        "aht_s": rng.randint(60, 600),
        "service_level": round(rng.uniform(0.7, 0.95), 2),
        "answer_within_s": rng.choice([10, 15, 20, 30]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--random-seed", type=int, default=1)
    args = parser.parse_args()

    setup_django()
    from django.test import Client

    from kefu.accounts.models import User
    from kefu.workforce.staffing import staffing

    print("Machine:", machine())
    leader = User.objects.filter(username="leader1").first()
    if leader is None:
        sys.exit("No demo user leader1 in this database: run `make run` once, or seed_demo")
    rng = random.Random(args.random_seed)
    queries = [random_query(rng) for _ in range(args.requests)]

    client = Client()
    client.force_login(leader)
    started = time.perf_counter()
    first = client.get("/api/workforce/staffing", queries[0])
    cold_ms = (time.perf_counter() - started) * 1000
    print(f"Cold (first request of the process): {cold_ms:.1f} ms, {first.json()}")

    timings = []
    for query in queries:
        started = time.perf_counter()
        response = client.get("/api/workforce/staffing", query)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content
    report("Warm API", timings)

    pure = []
    for query in queries:
        started = time.perf_counter()
        staffing(
            calls=query["calls"],
            interval_s=query["interval_s"],
            aht_s=query["aht_s"],
            target=query["service_level"],
            answer_within_s=query["answer_within_s"],
        )
        pure.append((time.perf_counter() - started) * 1000)
    report("Erlang C search alone", pure)
    verdict = "meets" if percentile(timings, 0.95) <= TARGET_MS else "misses"
    print(f"Target ≤ {TARGET_MS} ms (p95 of the API): {verdict}")


if __name__ == "__main__":
    main()
