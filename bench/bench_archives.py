"""Server-side times of the archive room (issue 17) on 1,000,000 files: the catalogue's search by
catalogue number and by customer, the archive desk, and their API equivalents. p50/p95/p99/max, cold
and warm, against the targets.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu17_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/seed_archives_bench.py                   # 1,000,000 files, ~4 minutes
    .venv/bin/python bench/bench_archives.py [--iterations 200] [--only number,prefix,name,customer,desk]
                                             [--users archivist,clerk1] [--no-api] [--explain]

Targets (issue 17 "Speed"): with 1,000,000 filed items, the catalogue search by number or by customer
≤ 50 ms p95; the archive desk ≤ 100 ms p95.

Every call is a whole request through django.test.Client (URL resolution, the middleware, the session
and user, the permission checks, the search, the template), timed in this process with
time.perf_counter(); no network. The users: the archivist (sees every file, restricted inspection files
included) and a counter clerk (clerk1: the catalogue without the restricted files). The inputs are drawn
at random from the data (--random-seed), a new one for every call:

- number: a whole catalogue number ("YW-2026-000123") of a random filed or destroyed file the user
  may see; the answer must list it;
- prefix: the beginning of a random file's number: category and year ("HB-2015"), or with 2–4 digits
  of the sequence ("HB-2015-00", "HB-2015-0012");
- name: a random file's customer's full name (common names are shared by dozens of customers: the
  search takes the first 200 and lists their files newest first, with the titles that contain it);
- customer: a random file's customer's number (KH00012345);
- desk: the archive desk /archives/ (files to file and overdue, loans waiting, out and overdue,
  destructions under way, files past retention);
- the API equivalents of the first four when the filing API has a catalogue route (GET
  /api/archives/files?q=…), unless --no-api.

"Warm" = the same database connection, after --warm untimed calls of other random inputs. "Cold" = the
database connection closed before each call (a new backend: empty catalogue and plan caches, the
connection's set-up in the figure) and an input not used before; the data pages stay in PostgreSQL's
and the OS's caches, as on a server that has been up for a while. "SQL" = statements of one call.
"cpu50/cpu95" = the CPU time of this process (the Python of the request, time.process_time) per call:
on a shared machine the wall-clock figures include waiting for a core, these do not (nor the database's
own time, which EXPLAIN ANALYZE shows: --explain).
"""

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from _setup import database_size, explain, machine, require_postgresql, setup_django, table_sizes

TABLES = ["archives_archivefile", "customers_customer", "archives_fileloan", "archives_destructionitem"]
SEARCH_TARGET = 50.0
DESK_TARGET = 100.0


@dataclass
class Result:
    label: str
    times: list[float]
    target: float
    queries: int
    cpu: list[float]
    slowest: Callable | None = None

    def p95(self) -> float:
        return percentile(sorted(self.times), 95)

    def line(self) -> str:
        t = sorted(self.times)
        verdict = "met" if self.p95() <= self.target else "MISSED"
        return (
            f"{self.label:<62}{len(t):>5}{statistics.median(t):>8.1f}{percentile(t, 95):>8.1f}"
            f"{percentile(t, 99):>8.1f}{t[-1]:>8.1f}{self.queries:>5}"
            f"{statistics.median(self.cpu):>7.1f}{percentile(sorted(self.cpu), 95):>7.1f}"
            f"   ≤ {self.target:.0f} {verdict}"
        )


def percentile(ordered: list[float], p: int) -> float:
    return ordered[max(int(len(ordered) * p / 100) - 1, 0)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--iterations", type=int, default=200, help="timed calls per kind (≥ 200)")
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument("--only", default="", help="comma-separated: number,prefix,name,customer,desk")
    parser.add_argument("--users", default="archivist,clerk1")
    parser.add_argument("--no-api", action="store_true", help="pages only")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE the slowest call of each kind"
    )
    parser.add_argument("--random-seed", type=int, default=17)
    parser.add_argument(
        "--priority",
        type=int,
        default=0,
        help="on a shared machine (root only): run this process and its database backends N nice levels "
        "above the others (os.setpriority), so that other jobs' load weighs less on the figures",
    )
    args = parser.parse_args()

    setup_django()
    require_postgresql()
    from django.conf import settings

    from kefu.archives.models import ArchiveFile

    if ArchiveFile.objects.count() < 100_000:
        sys.exit("Load the benchmark data first: bench/seed_archives_bench.py")
    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if args.priority:
        prioritise(args.priority)
    print("Machine:", machine())
    if args.priority:
        print(f"(this process and its database backends at nice -{args.priority})")
    print("Data:", "; ".join(table_sizes(TABLES)), f"; database {database_size()}")
    print(f"{args.iterations} timed calls per kind; warm after {args.warm} untimed calls\n")
    rng = random.Random(args.random_seed)
    api = None if args.no_api else api_route()
    if api is None and not args.no_api:
        print("(no catalogue route in the archives API: pages only)\n")
    kinds = ["number", "prefix", "name", "customer", "desk"]
    only = [k for k in args.only.split(",") if k] or kinds
    print(
        f"{'kind':<62}{'n':>5}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}{'SQL':>5}{'cpu50':>7}{'cpu95':>7}"
        "   (ms; target p95)"
    )
    results = []
    for username in [u for u in args.users.split(",") if u]:
        client = client_for(username)
        user = client.user
        for kind in only:
            if kind == "desk":
                runs = [("page", "/archives/", DESK_TARGET)]
            else:
                runs = [("page", "/archives/catalogue/?q=", SEARCH_TARGET)]
                if api is not None:
                    runs.append(("API", api, SEARCH_TARGET))
            for how, base, target in runs:
                for cold in (False, True):
                    inputs = draw(rng, kind, user, args.iterations + (0 if cold else args.warm))
                    result = measure(
                        f"{username}: {kind} ({how}, {'cold' if cold else 'warm'})",
                        lambda q, client=client, base=base, kind=kind: call(client, base, kind, q),
                        inputs[args.warm :] if not cold else inputs,
                        warm=[] if cold else inputs[: args.warm],
                        cold=cold,
                        target=target,
                    )
                    print(result.line(), flush=True)
                    results.append(result)
    missed = [r for r in results if r.p95() > r.target]
    print(f"\n{len(results) - len(missed)} of {len(results)} series within their target (p95).")
    if args.explain:
        for result in results:
            if result.slowest is not None and "warm" in result.label:
                explain(result.label, result.slowest, plan_rows=30)


def prioritise(levels: int) -> None:
    """Raise this process and every database backend it opens by `levels` nice levels (root only).
    The backend's pid is asked for when a connection opens (one statement, inside a cold call's time)."""
    import os

    from django.db.backends.signals import connection_created

    os.setpriority(os.PRIO_PROCESS, 0, -levels)

    def renice(sender, connection, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            os.setpriority(os.PRIO_PROCESS, cursor.fetchone()[0], -levels)

    connection_created.connect(renice, weak=False)


# -- Clients and calls -------------------------------------------------------------------------------


def client_for(username: str):
    from django.test import Client

    from kefu.accounts.models import User

    client = Client()
    client.user = User.objects.get(username=username)
    client.force_login(client.user)
    return client


def api_route() -> str | None:
    """The catalogue search of the archives API, if there is one."""
    from kefu.api import api

    for path, _view in api.get_openapi_schema()["paths"].items():
        if path.rstrip("/") in ("/api/archives/files", "/api/archives/catalogue"):
            return path + "?q="
    return None


def call(client, base: str, kind: str, query: str) -> None:
    from urllib.parse import quote

    url = base if kind == "desk" else base + quote(query)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    if kind == "number":
        # The page echoes the query in its search box: look for the file's own link (the API: its number
        # as a JSON value).
        wanted = f'"{query}"' if "/api/" in base else f"/archives/files/{_PK_OF[query]}/"
        assert wanted in response.content.decode(), (url, "the file searched for is not listed")


def measure(label, fn, inputs, *, warm, cold, target) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for x in warm:
        fn(x)
    times, cpu = [], []
    slowest, worst = None, -1.0
    for x in inputs:
        if cold:
            connection.close()
        started, cpu_started = time.perf_counter(), time.process_time()
        fn(x)
        elapsed = (time.perf_counter() - started) * 1000
        times.append(elapsed)
        cpu.append((time.process_time() - cpu_started) * 1000)
        if elapsed > worst:
            worst, slowest = elapsed, x
    with CaptureQueriesContext(connection) as captured:
        fn(inputs[0])
    return Result(label, times, target, len(captured.captured_queries), cpu, lambda: fn(slowest))


# -- Inputs drawn from the data ----------------------------------------------------------------------

_SAMPLE: dict = {}
_PK_OF: dict[str, int] = {}  # catalogue number → file id, for the check that the answer lists it


def sample(user, n: int) -> list[tuple[str, str | None, str | None]]:
    """(catalogue number, customer name, customer number) of random files the user may see."""
    from kefu.archives.permissions import visible_files

    key = user.pk
    if key not in _SAMPLE:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT max(id) FROM archives_archivefile")
            top = cursor.fetchone()[0]
        rng = random.Random(f"sample-{user.username}")
        ids = rng.sample(range(1, top + 1), 20_000)
        rows = (
            visible_files(user)
            .filter(pk__in=ids, catalogue_number__isnull=False, customer__isnull=False)
            .values_list("catalogue_number", "customer__name", "customer__number", "pk")
        )
        _SAMPLE[key] = [row[:3] for row in rows]
        _PK_OF.update((row[0], row[3]) for row in rows)
        random.Random(f"order-{user.username}").shuffle(_SAMPLE[key])
    return _SAMPLE[key]


def draw(rng, kind: str, user, n: int) -> list[str]:
    if kind == "desk":
        return [""] * n
    rows = sample(user, n)
    picked = [rows[rng.randrange(len(rows))] for _ in range(n)]
    if kind == "number":
        return [number for number, _, _ in picked]
    if kind == "prefix":
        return [number[: rng.choice((7, 7, 10, 12))] for number, _, _ in picked]
    if kind == "name":
        return [name for _, name, _ in picked]
    return [customer for _, _, customer in picked]


if __name__ == "__main__":
    main()
