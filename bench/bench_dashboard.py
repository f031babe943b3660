"""Dashboard and report latencies at scale, and the naive aggregate beside the rollup (issue 5, R1).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench
    .venv/bin/python manage.py rebuild_kpi            # once, after loading (bench/build_dataset.sh does it)
    .venv/bin/python bench/bench_dashboard.py [--iterations 100] [--naive-iterations 5]

Server-side times (the Server-Timing header every response carries, kefu.core.middleware), through
django.test.Client logged in as the department head (and a branch's staff for the scoped view):

- GET /kpi/ for a random month of the three years, a random quarter, the whole last year, and a
  month narrowed to a random unit / category / area / channel; the branch's own dashboard;
- GET /kpi/list/<metric>/ first page (drill-down) and the dashboard's Excel;
- GET /reports/monthly/?month=… (H14 summary);
- naive vs rollup: the dashboard's period figures computed by grouping hotline_contact (and its work
  orders, callbacks, visits) directly, beside the same figures from kefu_kpi_contactday, for one month
  and for one year; the naive side runs --naive-iterations times (it takes seconds).
"""

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta

from _setup import database_size, machine, require_postgresql, setup_django, table_sizes

TABLES = [
    "hotline_contact", "hotline_workorder", "hotline_callback", "hotline_returnvisit", "telephony_call",
    "kpi_contactday", "kpi_hourday", "kpi_agentday", "processes_process",
]  # fmt: skip


def percentiles(times: list[float]) -> tuple[float, float, float, float]:
    t = sorted(times)

    def pick(q: float) -> float:
        return t[min(len(t) - 1, max(0, round(q * len(t)) - 1))]

    return statistics.median(t), pick(0.95), pick(0.99), t[-1]


def line(label: str, times: list[float]) -> str:
    p50, p95, p99, worst = percentiles(times)
    return f"{label:<62}{len(times):>5}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}{worst:>9.1f}"


def server_ms(response) -> float:
    header = response.headers.get("Server-Timing", "")
    return float(header.split("dur=")[1]) if "dur=" in header else float("nan")


def http(client, urls: list[str], warm: int = 3) -> list[float]:
    for url in urls[:warm]:
        client.get(url)
    times = []
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}: {response.content[:300]!r}")
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        times.append(server_ms(response))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--naive-iterations", type=int, default=5)
    parser.add_argument("--head", default="head")
    parser.add_argument("--unit-user", default="unit11")
    parser.add_argument("--random-seed", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    require_postgresql()

    from django.test import Client
    from django.utils import timezone

    from kefu.accounts.models import ServiceArea, Unit, User
    from kefu.hotline.measures import TRANSFERABLE
    from kefu.hotline.models import Category, Contact
    from kefu.kpi import filters as kpi_filters
    from kefu.kpi import rollup, selectors

    rng = random.Random(args.random_seed)
    today = timezone.localdate()
    first = Contact.objects.order_by("received_at").values_list("received_on", flat=True).first()
    if first is None:
        sys.exit("no contacts: load the data set first (bench/build_dataset.sh)")
    mark = rollup.freshness()
    if mark is None:
        sys.exit("no rollups: run `manage.py rebuild_kpi` first")
    months = []
    y, m = first.year, first.month
    while (y, m) <= (today.year, today.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)

    def month_range(ym):
        start = date(ym[0], ym[1], 1)
        end = (date(ym[0] + (ym[1] == 12), ym[1] % 12 + 1, 1)) - timedelta(days=1)
        return start, min(end, today)

    def q(start, end, **extra):
        params = f"start={start}&end={end}"
        return params + "".join(f"&{k}={v}" for k, v in extra.items())

    units = list(Unit.objects.values_list("pk", flat=True))
    categories = list(Category.objects.values_list("pk", flat=True))
    areas = list(ServiceArea.objects.values_list("pk", flat=True))
    head = User.objects.get(username=args.head)
    unit_user = User.objects.get(username=args.unit_user)
    head_client, unit_client = Client(), Client()
    head_client.force_login(head)
    unit_client.force_login(unit_user)
    n = args.iterations

    def some_months(k):
        return [month_range(rng.choice(months)) for _ in range(k)]

    print(f"kefu dashboard benchmark · {time.strftime('%Y-%m-%d %H:%M')} · {machine()}")
    print("data:\n  " + "\n  ".join(table_sizes(TABLES)) + f"\n  database {database_size()}")
    print(f"rollups refreshed at {mark.refreshed_at:%Y-%m-%d %H:%M:%S}")
    print(f"\n{'server-side ms (Server-Timing)':<62}{'n':>5}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}")
    results = []

    def run(label, client, urls):
        times = http(client, urls)
        results.append((label, times))
        print(line(label, times), flush=True)

    run("GET /kpi/ a random month", head_client, [f"/kpi/?{q(*r)}" for r in some_months(n)])
    quarters = []
    for _ in range(n):
        s, _e = month_range(rng.choice(months[:-2]))
        quarters.append((s, min(s + timedelta(days=91), today)))
    run("GET /kpi/ a random quarter", head_client, [f"/kpi/?{q(*r)}" for r in quarters])
    year = (today - timedelta(days=364), today)
    run("GET /kpi/ the last 365 days", head_client, [f"/kpi/?{q(*year)}"] * max(20, n // 5))
    narrowed = []
    for start, end in some_months(n):
        kind = rng.choice(["unit", "category", "area", "channel"])
        value = {
            "unit": units,
            "category": categories,
            "area": areas,
            "channel": ["phone", "counter", "web"],
        }[kind]
        narrowed.append(f"/kpi/?{q(start, end, **{kind: rng.choice(value)})}")
    run("GET /kpi/ a month narrowed to a unit/category/area/channel", head_client, narrowed)
    run(f"GET /kpi/ a branch's own month ({unit_user.username})", unit_client,
        [f"/kpi/?{q(*r)}" for r in some_months(n)])  # fmt: skip
    metrics = ["contacts", "transfers_late", "orders_closed_late", "callbacks_late", "dissatisfied"]
    run("GET /kpi/list/<metric>/ first page, a random month", head_client,
        [f"/kpi/list/{rng.choice(metrics)}/?{q(*r)}" for r in some_months(n)])  # fmt: skip
    run("GET /kpi/list/overdue_orders/ (now)", head_client, ["/kpi/list/overdue_orders/"] * max(20, n // 5))
    run("GET /kpi/dashboard.xlsx a random month", head_client,
        [f"/kpi/dashboard.xlsx?{q(*r)}" for r in some_months(max(20, n // 5))])  # fmt: skip
    run(
        "GET /reports/monthly/?month=… (H14 summary)",
        head_client,
        [
            f"/reports/monthly/?month={y}-{m:02d}"
            for y, m in (rng.choice(months) for _ in range(max(20, n // 2)))
        ],
    )

    # -- the naive aggregate beside the rollup --------------------------------------------------------
    header = f"{'n':>5}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}"
    print(f"\n{'naive aggregate vs rollup, wall ms in this process':<62}{header}")

    def timed(call, inputs):
        times = []
        for x in inputs:
            started = time.perf_counter()
            call(x)
            times.append((time.perf_counter() - started) * 1000)
        return times

    def naive(f):
        """The dashboard's period figures straight from the records: one day's recompute code run over
        the whole range (same grouped SQL as the rollup's, without the day bound)."""
        from django.db.models import Count, Q

        start, end = rollup.day_bounds(f.start)[0], rollup.day_bounds(f.end)[1]
        contacts = Contact.objects.filter(received_at__gte=start, received_at__lt=end).order_by()
        return list(
            contacts.values(**rollup._contact_dims()).annotate(
                contacts=Count("id"),
                transfers=Count("id", filter=TRANSFERABLE),
                orders=Count("work_order"),
                closed=Count("work_order", filter=Q(work_order__state="closed")),
            )
        )

    def with_rollup(f):
        return selectors.by_dimension(f, "unit") + [selectors.totals(f)]

    month_filters = [
        kpi_filters.Filters(*month_range(rng.choice(months[:-1]))) for _ in range(args.naive_iterations)
    ]
    year_filter = kpi_filters.Filters(*year)
    for label, inputs, k in (
        ("one month", month_filters, 1),
        ("the last 365 days", [year_filter], args.naive_iterations),
    ):
        for name, call in (
            ("naive GROUP BY over hotline_contact ⋈ work orders", naive),
            ("rollup (kpi_contactday)", with_rollup),
        ):
            times = timed(call, inputs * k)
            print(line(f"{name}, {label}", times), flush=True)

    # -- rebuild speed of one day ---------------------------------------------------------------------
    days = [rng.choice(months) for _ in range(10)]
    times = timed(lambda ym: rollup.recompute_day(date(ym[0], ym[1], 15)), days)
    print(line("recompute one day's rollups (the worker's unit of work)", times))


if __name__ == "__main__":
    main()
