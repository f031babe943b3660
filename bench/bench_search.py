"""Server-side search times on a large archive: p50/p95 of kefu.customers.selectors.search_customers.

For each kind of query (phone fragments, names, pinyin initials, account, connection point, ID
number, address) it draws realistic queries from random demo customers, runs each once to warm the
cache with a different sample, then times 200+ of them as the search box sends them (field "auto").
Needs demo customers in the database:

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench
    .venv/bin/python manage.py seed_demo --customers 1000000
    .venv/bin/python bench/bench_search.py
    .venv/bin/python bench/bench_search.py --customers 20000 --seed-missing   # a quick check

--explain prints EXPLAIN ANALYZE for the slowest query of each kind.
"""

import argparse
import random
import re
import statistics
import sys
import time

from _setup import machine, require_postgresql, setup_django

TARGET_MS = 50.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_000_000, help="the demo customers expected")
    parser.add_argument("--seed-missing", action="store_true", help="make the demo customers if fewer")
    parser.add_argument("--queries", type=int, default=250, help="timed queries per kind")
    parser.add_argument("--user", default="agent11", help="whose search (unit11: a branch's staff)")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--random-seed", type=int, default=1)
    args = parser.parse_args()

    setup_django()
    require_postgresql()
    from kefu.accounts.demo import create_demo_organisation
    from kefu.accounts.models import User
    from kefu.customers.bulk import refresh_statistics
    from kefu.customers.demo import seed_customers
    from kefu.customers.models import Account, ContactPerson, Customer, Meter, ServicePoint

    if args.seed_missing:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    create_demo_organisation()
    count = Customer.objects.count()
    if count < args.customers:
        if not args.seed_missing:
            sys.exit(
                f"{count:,} customers in the database, {args.customers:,} expected: run seed_demo first "
                "or pass --seed-missing"
            )
        seed_customers(args.customers)
        refresh_statistics()
        count = Customer.objects.count()
    user = User.objects.get(username=args.user)
    print("Machine:", machine())
    print(
        f"Data: {count:,} customers, {Account.objects.count():,} accounts, "
        f"{ServicePoint.objects.count():,} connection points, {Meter.objects.count():,} meters, "
        f"{ContactPerson.objects.count():,} contact persons; tables and indexes {database_size()}"
    )
    print(
        f"Searching as {user.username} ({user.role_label}); "
        f"{args.queries} timed queries per kind, field=auto\n"
    )

    rng = random.Random(args.random_seed)
    samples = sample_customers(rng, count, 2 * args.queries + 50)
    kinds = query_kinds()
    print(f"{'query':<34}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'hits':>7}  target p95 ≤ {TARGET_MS:.0f} ms")
    missed = []
    for label, make in kinds:
        queries = [q for q in (make(c, rng) for c in samples) if q]
        warm, timed = queries[: len(queries) // 2], queries[len(queries) // 2 :][: args.queries]
        for query in warm[:50]:
            search(user, query)
        times, hits = [], []
        for query in timed:
            started = time.perf_counter()
            page = search(user, query)
            times.append((time.perf_counter() - started) * 1000)
            hits.append(len(page.customers))
        times_sorted = sorted(times)
        p50 = statistics.median(times_sorted)
        p95 = times_sorted[int(len(times_sorted) * 0.95) - 1]
        flag = "" if p95 <= TARGET_MS else "  MISSED"
        print(f"{label:<34}{p50:>9.1f}{p95:>9.1f}{times_sorted[-1]:>9.1f}{statistics.mean(hits):>7.1f}{flag}")
        if p95 > TARGET_MS:
            missed.append(label)
        if args.explain:
            slowest = timed[max(range(len(times)), key=times.__getitem__)]
            explain(user, slowest)
    print("\nAll kinds within the target." if not missed else f"\nTarget missed: {', '.join(missed)}")


def search(user, query):
    from kefu.customers.selectors import search_customers

    return search_customers(user, query)


def sample_customers(rng, count: int, size: int):
    """Random customers by number (demo numbers are KH + n), fetched with what the queries need."""
    from kefu.customers.demo import demo_number
    from kefu.customers.models import Customer

    numbers = [demo_number(rng.randrange(1, count + 1)) for _ in range(size)]
    found = Customer.objects.filter(number__in=numbers).prefetch_related("accounts", "service_points")
    customers = list(found)
    rng.shuffle(customers)
    return customers


def query_kinds():
    def phone_tail(c, rng):
        return c.phone[-4:] if len(c.phone) >= 8 else None

    def phone_middle(c, rng):
        if len(c.phone) != 11:
            return None
        start = rng.randrange(0, 5)
        return c.phone[start : start + 7]

    def person(c):
        return c.kind == "individual" and len(c.name) in (2, 3, 4)

    def name2(c, rng):
        return c.name[:2] if person(c) and len(c.name) >= 3 else None

    def name3(c, rng):
        return c.name if person(c) and len(c.name) == 3 else None

    def initials(c, rng):
        return c.name_initials if person(c) and len(c.name_initials) >= 2 else None

    def account(c, rng):
        accounts = list(c.accounts.all())
        return accounts[0].number if accounts else None

    def point(c, rng):
        points = list(c.service_points.all())
        return points[0].connection_point_no if points else None

    def id_number(c, rng):
        return c.id_number if c.id_type == "resident_id" else None

    def road_and_number(c, rng):
        match = re.search(r"[\u4e00-\u9fff]{2,4}(路|大道|街)\d+号", c.address)
        return match.group(0)[-8:] if match else None

    def estate_and_building(c, rng):
        match = re.search(r"号([\u4e00-\u9fff]{2,6}\d+幢)", c.address)
        return match.group(1) if match else None

    return [
        ("phone, last 4 digits", phone_tail),
        ("phone, 7 digits from the middle", phone_middle),
        ("name, 2 characters (王建)", name2),
        ("name, 3 characters (王建国)", name3),
        ("pinyin initials (wjg)", initials),
        ("account number (户号)", account),
        ("connection point (接水点编号)", point),
        ("resident ID number, 18 digits", id_number),
        ("address: road and number", road_and_number),
        ("address: estate and building", estate_and_building),
    ]


def database_size() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) FROM pg_class c "
            "WHERE c.relkind = 'r' AND (c.relname LIKE 'customers\\_%%' OR c.relname = 'core_event')"
        )
        return f"{cursor.fetchone()[0]} (customers_* and core_event)"


def explain(user, query: str) -> None:
    """EXPLAIN ANALYZE every statement the slowest query ran."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        search(user, query)
    print(f"    EXPLAIN for {query!r}:")
    for statement in captured.captured_queries:
        sql = statement["sql"]
        if "customers_" not in sql:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
        total = plan[-1]
        print(f"      {sql[:150]}…\n        {total}")
        for row in plan[:12]:
            print(f"          {row}")


if __name__ == "__main__":
    main()
