"""Server-side times of meters (issue 15) on 1,000,000 archive meters: the yearly replacement plan's
first page, its whole-utility Excel export, the store keeper's desk. p50/p95/p99/max, cold and warm.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench_meters
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/seed_meters_bench.py                     # 1,000,000 meters, ~2 minutes
    .venv/bin/python bench/bench_meters.py [--iterations 200] [--only plan,api,export,desk] [--explain]

Targets (issue 15 "Speed"): the yearly plan for one branch ≤ 100 ms p95 for its first page; the
whole-utility plan export streams (no full list in memory) at ≥ 20,000 rows/s; the desk ≤ 100 ms.

Everything runs in this process (no network): time.perf_counter() around the call.
- plan: kefu.meters.selectors_plan.plan_page(year, branch_id=, area_code=) for a random branch (and
  a random area of it), year drawn from 2026–2028, page 1 of 50; unconfigured_count the same way
  (the API and the page show both).
- api: GET /api/meters/replacement-plan?year=Y[&area=CODE] through django.test.Client, logged in as
  the branch's staff (unit11 … unit61: their branch is their scope), and the plan page
  /meters/replacements/plan/.
- export: the whole utility's plan of --export-year streamed by plan_lines() into the view's own
  writer (kefu.meters.views.replacements.write_plan, kefu.core.excel.streaming_sheet) into a
  temporary file: rows/s, and memory (the process's peak RSS before and after; tracemalloc's peak on
  one branch). Then where the time goes: reading alone (plan_lines consumed, nothing written), and
  writing alone (the same rows, prebuilt, into the workbook).
- desk: kefu.meters.selectors_store.desk_summary(today) and GET /meters/ as the store keeper.

"Warm" = the same connection, calls in a row after --warm untimed calls. "Cold" = the database
connection closed before each call (a new backend: empty catalogue and plan caches, the connection's
set-up in the figure); the data pages stay in PostgreSQL's and the OS's caches, as they would be on a
server that has been up for a while.
"""

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

from _setup import database_size, explain, machine, require_postgresql, setup_django, table_sizes

TABLES = ["customers_meter", "customers_servicepoint", "customers_customer"]
YEARS = (2026, 2027, 2028)


@dataclass
class Result:
    label: str
    times: list[float]
    slowest: Callable | None = None

    def line(self) -> str:
        t = sorted(self.times)
        return (
            f"{self.label:<58}{len(t):>5}{statistics.median(t):>8.1f}{percentile(t, 95):>8.1f}"
            f"{percentile(t, 99):>8.1f}{t[-1]:>8.1f}"
        )


def percentile(ordered: list[float], p: int) -> float:
    return ordered[max(int(len(ordered) * p / 100) - 1, 0)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--iterations", type=int, default=200, help="timed calls per kind (≥ 200)")
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument("--only", default="", help="comma-separated: plan,api,export,desk")
    parser.add_argument("--export-year", type=int, default=2026)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--random-seed", type=int, default=15)
    args = parser.parse_args()

    setup_django()
    require_postgresql()
    from kefu.customers.models import Meter

    if Meter.objects.count() < 100_000:
        sys.exit("Load the benchmark data first: bench/seed_meters_bench.py")
    print("Machine:", machine())
    print("Data:", "; ".join(table_sizes(TABLES)), f"; database {database_size()}")
    print(f"{args.iterations} timed calls per kind after {args.warm} warm-up calls\n")
    rng = random.Random(args.random_seed)
    kinds = {
        "plan": lambda: bench_plan(rng, args),
        "api": lambda: bench_api(rng, args),
        "export": lambda: bench_export(args),
        "desk": lambda: bench_desk(rng, args),
    }
    only = [k for k in args.only.split(",") if k] or list(kinds)
    print(f"{'kind':<58}{'n':>5}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}   (ms)")
    results = []
    for name in only:
        for result in kinds[name]() or []:
            print(result.line(), flush=True)
            results.append(result)
    if args.explain:
        for result in results:
            if result.slowest is not None:
                explain(result.label, result.slowest, plan_rows=40)


# -- Inputs ------------------------------------------------------------------------------------------


def branches() -> list[tuple[int, list[str]]]:
    from kefu.accounts.models import ServiceArea, Unit

    out = []
    for branch in Unit.objects.filter(kind=Unit.Kind.BRANCH).order_by("code"):
        codes = list(
            ServiceArea.objects.filter(branch=branch).order_by("code").values_list("code", flat=True)
        )
        out.append((branch.pk, codes))
    return out


def plan_inputs(rng, n: int, *, with_area: bool) -> list[tuple[int, str | None, int]]:
    choices = branches()
    inputs = []
    for _ in range(n):
        branch, codes = rng.choice(choices)
        inputs.append((branch, rng.choice(codes) if with_area else None, rng.choice(YEARS)))
    return inputs


def measure(label: str, call: Callable, inputs: list, *, cold: bool, warm: list) -> Result:
    from django.db import connection

    if not cold:
        for x in warm:
            call(x)
    times = []
    slowest, worst = None, -1.0
    for x in inputs:
        if cold:
            connection.close()
        started = time.perf_counter()
        call(x)
        elapsed = (time.perf_counter() - started) * 1000
        times.append(elapsed)
        if elapsed > worst:
            worst, slowest = elapsed, x
    return Result(f"{label} ({'cold' if cold else 'warm'})", times, lambda: call(slowest))


# -- The plan ----------------------------------------------------------------------------------------


def bench_plan(rng, args) -> list[Result]:
    from kefu.meters.selectors_plan import plan_page, unconfigured_count

    def page(x):
        branch, area, year = x
        lines, _ = plan_page(year, branch_id=branch, area_code=area, page=1, page_size=50)
        assert len(lines) == 50, x

    def count(x):
        branch, area, _ = x
        unconfigured_count(branch_id=branch, area_code=area)

    results = []
    for with_area in (False, True):
        scope = "branch + area" if with_area else "branch"
        for cold in (False, True):
            inputs = plan_inputs(rng, args.iterations, with_area=with_area)
            warm = plan_inputs(rng, args.warm, with_area=with_area)
            results.append(
                measure(f"plan_page, one {scope}, page 1 of 50", page, inputs, cold=cold, warm=warm)
            )
        inputs = plan_inputs(rng, args.iterations, with_area=with_area)
        warm = plan_inputs(rng, args.warm, with_area=with_area)
        results.append(measure(f"unconfigured_count, one {scope}", count, inputs, cold=False, warm=warm))
    return results


def client_for(username: str):
    from django.test import Client

    from kefu.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def bench_api(rng, args) -> list[Result]:
    from kefu.accounts.models import User

    staff = {u.unit_id: u.username for u in User.objects.filter(username__regex=r"^unit[1-6]1$")}
    clients = {branch: client_for(name) for branch, name in staff.items()}

    def api(x):
        branch, area, year = x
        url = f"/api/meters/replacement-plan?year={year}" + (f"&area={area}" if area else "")
        response = clients[branch].get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])

    def page(x):
        branch, area, year = x
        url = f"/meters/replacements/plan/?year={year}" + (f"&area={area}" if area else "")
        response = clients[branch].get(url)
        assert response.status_code == 200, (url, response.status_code)

    results = []
    for with_area in (False, True):
        scope = "branch + area" if with_area else "branch"
        for cold in (False, True):
            inputs = plan_inputs(rng, args.iterations, with_area=with_area)
            warm = plan_inputs(rng, args.warm, with_area=with_area)
            results.append(
                measure(f"GET /api/meters/replacement-plan, {scope}", api, inputs, cold=cold, warm=warm)
            )
    inputs = plan_inputs(rng, args.iterations, with_area=False)
    results.append(
        measure("GET /meters/replacements/plan/, branch", page, inputs, cold=False, warm=inputs[: args.warm])
    )
    return results


# -- The export --------------------------------------------------------------------------------------


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_export(args) -> list[Result]:
    from openpyxl.xml import LXML

    from kefu.meters.selectors_plan import plan_lines
    from kefu.meters.views.replacements import write_plan

    year = args.export_year
    print(f"\nExport of the whole utility's {year} plan (lxml installed: {'yes' if LXML else 'no'}):")
    rss_before = max_rss_mib()
    with tempfile.TemporaryFile() as output:
        started, cpu = time.perf_counter(), time.process_time()
        rows = write_plan(output, plan_lines(year), year)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        size = output.tell()
    print(
        f"  plan_lines → write_plan (the view's writer): {rows:,} rows in {seconds:.1f} s = "
        f"{rows / seconds:,.0f} rows/s ({rows / cpu:,.0f} per CPU second of this process), "
        f"{size / 1024 / 1024:.1f} MiB file; peak RSS {rss_before:.0f} → {max_rss_mib():.0f} MiB"
    )
    try:
        from kefu.core.excel import stream_sheet
    except ImportError:  # the proposed writer (docs/PERFORMANCE.md, meters) is not there
        stream_sheet = None
    if stream_sheet is not None:
        with tempfile.TemporaryFile() as output:
            started, cpu = time.perf_counter(), time.process_time()
            rows = stream_sheet(
                output,
                title=f"{year}年逾龄换表计划",
                headers=["表号", "口径", "安装日期", "应换日期", "逾期未换"],
                rows=(
                    [line.meter_number, line.caliber_dn, line.installed_on, line.due_on,
                     "是" if line.carried_over else ""]
                    for line in plan_lines(year)
                ),
                widths=[18, 8, 12, 12, 10],
            )  # fmt: skip
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            size = output.tell()
        print(
            f"  plan_lines → stream_sheet (XML written directly): {rows:,} rows in {seconds:.1f} s = "
            f"{rows / seconds:,.0f} rows/s ({rows / cpu:,.0f} per CPU second), {size / 1024 / 1024:.1f} MiB; "
            f"peak RSS {max_rss_mib():.0f} MiB"
        )
    # Where the time goes: the reading alone, then the writing alone of the same rows held in a list.
    started, cpu = time.perf_counter(), time.process_time()
    lines = list(plan_lines(year))
    read, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"  reading alone (plan_lines, consumed): {len(lines) / read:,.0f} rows/s "
        f"({len(lines) / cpu:,.0f} per CPU second)"
    )
    with tempfile.TemporaryFile() as output:
        started, cpu = time.perf_counter(), time.process_time()
        write_plan(output, lines, year)
        write, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"  writing alone (write_plan of prebuilt lines, dates as date cells): "
        f"{len(lines) / write:,.0f} rows/s ({len(lines) / cpu:,.0f} per CPU second)"
    )
    iso = [_Iso(line) for line in lines]
    with tempfile.TemporaryFile() as output:
        started, cpu = time.perf_counter(), time.process_time()
        write_plan(output, iso, year)
        write_iso, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"  writing alone, dates as ISO text instead: {len(lines) / write_iso:,.0f} rows/s "
        f"({len(lines) / cpu:,.0f} per CPU second)"
    )
    del lines, iso
    # Memory of the stream itself: tracemalloc's peak while one branch's plan is written.
    branch = branches()[0][0]
    tracemalloc.start()
    with tempfile.TemporaryFile() as output:
        rows = write_plan(output, plan_lines(year, branch_id=branch), year)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  tracemalloc peak while streaming one branch ({rows:,} rows): {peak / 1024 / 1024:.1f} MiB\n")
    return []


class _Iso:
    """A plan line whose dates are ISO text (what the other exports write)."""

    __slots__ = ("meter_number", "caliber_dn", "installed_on", "due_on", "carried_over")

    def __init__(self, line):
        self.meter_number, self.caliber_dn = line.meter_number, line.caliber_dn
        self.installed_on, self.due_on = line.installed_on.isoformat(), line.due_on.isoformat()
        self.carried_over = line.carried_over


# -- The desk ----------------------------------------------------------------------------------------


def bench_desk(rng, args) -> list[Result]:
    from datetime import date, timedelta

    from kefu.meters.models import MeterIssue, OldMeterReturn, StockMeter
    from kefu.meters.selectors_store import desk_summary

    print(
        f"\nStore data: {StockMeter.objects.count():,} stock meters, {MeterIssue.objects.count():,} issues, "
        f"{OldMeterReturn.objects.count():,} old-meter returns"
    )
    days = [date(2026, 1, 5) + timedelta(days=rng.randrange(360)) for _ in range(args.iterations)]
    client = client_for("meterstore")

    def summary(day):
        desk_summary(day)

    def page(_):
        response = client.get("/meters/")
        assert response.status_code == 200, response.status_code

    return [
        measure("desk_summary(today)", summary, days, cold=False, warm=days[: args.warm]),
        measure("desk_summary(today)", summary, days, cold=True, warm=[]),
        measure("GET /meters/ (the desk page)", page, days, cold=False, warm=days[: args.warm]),
        measure("GET /meters/ (the desk page)", page, days, cold=True, warm=[]),
    ]


if __name__ == "__main__":
    main()
