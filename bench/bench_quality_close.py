"""Server-side time of the monthly close (issue 16 "Bench: closing a month for 500 staff ≤ 5 s on
PostgreSQL"): kefu.quality.services.months.draft_all — every appraised person's sheet drafted from the
records (kefu.quality.collect: attendance, discipline cases, complaint findings, QA checks, standing-in
shifts, corrected contacts, the exam), computed, then the team ranks and the last-place flags — for
one month, p50/p95/max over --runs runs, cold and warm.

    createdb -U postgres -h 127.0.0.1 -E UTF8 -l C.UTF-8 -T template0 kefu_bench_quality
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench_quality
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/seed_quality_bench.py                  # 500 staff and their month, ~20 s
    .venv/bin/python bench/bench_quality_close.py [--runs 5] [--month 2026-11] [--redraft] [--profile]

Each run is one transaction rolled back at the end, so every run starts from the same data:
- "first draft": the month opened and draft_all called on it (500 sheets created with their lines);
- "redraft" (--redraft): draft_all again in the same transaction (every sheet refreshed: the lines
  already there are found, nothing doubled) — what the specialist does after correcting a record;
- "ranks": rank_and_flag alone (the step after the sheets), for where the time goes.
"Cold" = the database connection closed before the run (a new backend, empty catalogue and plan
caches, the connection's set-up in the figure); "warm" = runs in a row on one connection after one
untimed run. The statements of that untimed run are counted (connection.execute_wrapper).
"""

import argparse
import contextlib
import statistics
import time

from _setup import machine, require_postgresql, setup_django, table_sizes

TABLES = [
    "accounts_user",
    "workforce_rosterentry",
    "workforce_attendance",
    "workforce_disciplinecase",
    "hotline_contact",
    "quality_qacheck",
    "quality_complaintfinding",
    "quality_examscore",
    "core_event",
]


class Rollback(Exception):
    pass


@contextlib.contextmanager
def rules_snapshot(enabled: bool):
    """With `enabled`, kefu.core.policies.policies answers each key from the first read of the run (an
    experiment: the services read the rules anew on every call)."""
    if not enabled:
        yield
        return
    from kefu.core import policies as module

    original, seen = module.policies, {}

    def memoised(*keys):
        missing = [key for key in keys if key not in seen]
        if missing:
            seen.update(zip(missing, original(*missing), strict=True))
        return tuple(seen[key] for key in keys)

    module.policies = memoised
    try:
        yield
    finally:
        module.policies = original


class Counter:
    """A connection.execute_wrapper counting statements, by their text up to the first WHERE."""

    def __init__(self):
        import collections

        self.total = 0
        self.by_text = collections.Counter()
        self.ms_by_text = collections.Counter()

    def __call__(self, execute, sql, params, many, context):
        self.total += 1
        text = sql.split(" WHERE ")[0]
        self.by_text[text] += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms_by_text[text] += (time.perf_counter() - started) * 1000


def percentile(ordered: list[float], p: int) -> float:
    return ordered[max(int(len(ordered) * p / 100 + 0.5) - 1, 0)]


def line(label: str, times: list[float]) -> str:
    t = sorted(times)
    return f"{label:<34}{len(t):>5}{statistics.median(t):>9.0f}{percentile(t, 95):>9.0f}{t[-1]:>9.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs per kind (≥ 5)")
    parser.add_argument("--month", default="2026-11")
    parser.add_argument(
        "--redraft", action="store_true", help="also time draft_all again on the drafted month"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile one first draft (top 25 by cumulative)"
    )
    parser.add_argument(
        "--rules-snapshot",
        action="store_true",
        help="experiment: read each rule once per run (kefu.core.policies.policies memoised for the run) "
        "to measure what a per-close snapshot of the rules would save",
    )
    args = parser.parse_args()
    setup_django()
    require_postgresql()

    from datetime import date

    from django.db import connection, transaction

    from kefu.accounts.models import Role, User
    from kefu.core.params import parse_month
    from kefu.quality.models import AppraisalMonth
    from kefu.quality.services import months

    year, month = parse_month(args.month)
    first = date(year, month, 1)
    drafter = (
        User.objects.filter(username__startswith="qb", role=Role.TRAINING_SPECIALIST).order_by("pk").first()
    )
    if drafter is None:
        raise SystemExit("no bench staff: run bench/seed_quality_bench.py first")
    if AppraisalMonth.objects.filter(month=first).exists():
        raise SystemExit(
            f"{first:%Y-%m} is already opened in this database: the bench drafts it from nothing"
        )
    people = months.appraised_people(first).count()
    print(machine())
    print(f"{people} appraised staff, month {first:%Y-%m}")
    for row in table_sizes(TABLES):
        print("  " + row)

    def run(*, cold: bool, redraft: bool = False, ranks: bool = False) -> dict[str, float]:
        if cold:
            connection.close()
        took: dict[str, float] = {}
        with rules_snapshot(args.rules_snapshot):
            _run(took, redraft=redraft, ranks=ranks)
        return took

    def _run(took: dict, *, redraft: bool, ranks: bool) -> None:
        try:
            with transaction.atomic():
                appraisal_month = AppraisalMonth.objects.create(month=first, drafted_by=drafter)
                started = time.perf_counter()
                months.draft_all(appraisal_month=appraisal_month, actor=drafter)
                took["first"] = (time.perf_counter() - started) * 1000
                if redraft:
                    started = time.perf_counter()
                    months.draft_all(appraisal_month=appraisal_month, actor=drafter)
                    took["redraft"] = (time.perf_counter() - started) * 1000
                if ranks:
                    started = time.perf_counter()
                    months.rank_and_flag(appraisal_month, actor=drafter)
                    took["ranks"] = (time.perf_counter() - started) * 1000
                raise Rollback
        except Rollback:
            pass

    with connection.cursor() as cursor:  # the machine's round trip now, to read the figures by
        started = time.perf_counter()
        for _ in range(200):
            cursor.execute("SELECT 1")
        round_trip = (time.perf_counter() - started) / 200 * 1000
    print(f"round trip of SELECT 1: {round_trip:.2f} ms")
    counted = Counter()
    with connection.execute_wrapper(counted):
        run(cold=False, redraft=args.redraft)  # untimed: warms the connection, counts the statements
    what = "one first draft and its redraft" if args.redraft else "one first draft"
    print(f"statements in {what}: {counted.total:,}; the most frequent:")
    for sql, n in counted.by_text.most_common(8):
        print(f"  {n:>7,}  {sql[:150]}")
    print(f"time in the database: {sum(counted.ms_by_text.values()):,.0f} ms; the slowest kinds:")
    for sql, ms in counted.ms_by_text.most_common(6):
        print(f"  {ms:>9,.0f} ms {counted.by_text[sql]:>6,}×  {sql[:140]}")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        run(cold=False)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)

    results: dict[str, list[float]] = {}
    for cold in (True, False):
        for _ in range(max(args.runs, 1)):
            took = run(cold=cold, redraft=args.redraft, ranks=True)
            for kind, ms in took.items():
                results.setdefault(f"{kind} ({'cold' if cold else 'warm'})", []).append(ms)
    print(f"\n{'draft_all for the month, ms':<34}{'n':>5}{'p50':>9}{'p95':>9}{'max':>9}")
    for label in sorted(results, key=lambda k: (k.split()[0] != "first", k.split()[0] != "redraft", k)):
        print(line(label, results[label]))
    worst = max(max(v) for k, v in results.items() if k.startswith("first"))
    verdict = "within" if worst <= 5000 else "OVER"
    if args.rules_snapshot:
        print("(experiment: rules read once per run, --rules-snapshot)")
    print(f"\ntarget: ≤ 5,000 ms for {people} staff — worst first draft {worst:,.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
