"""The raw PostgreSQL rate of the rows one hotline create writes: the floor under POST /api/hotline/contacts.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench
    .venv/bin/python bench/bench_insert_rate.py [--seconds 20] [--connections 1,2,4] [--user agent11]

1. Capture: one real POST /api/hotline/contacts (a repair, transferred to the customer's branch, as
   bench_hotline.py's create) through django.test.Client logged in as --user, every statement
   recorded with its parameters (connection.execute_wrapper), the callbacks the services register
   for after the commit run too; then rolled back, so nothing stays. The write statements are
   printed: the list follows the code (a KPI roll-up upsert added to the services shows up here).
2. Replay: the same write statements with their own parameters, as raw SQL through psycopg, one
   transaction per create (BEGIN, the writes in the same order, COMMIT), on the same tables with the
   same indexes and constraints, for --seconds on 1, 2 and 4 connections in parallel (one process
   each). Per create: the day's sequence row is incremented (UPDATE … RETURNING last instead of the
   UPDATE and the SELECT the service makes), the contact and work-order numbers, the sequence, the
   new rows' ids in the later rows' foreign keys and in core_event.target_id are those of this
   create, dates and times are moved to the bench day. No Python beyond that: no Django, no
   validation, no routing, no reads; server-side binding and psycopg's prepared statements (Django
   sends literal SQL and prepares nothing). What is left is the database's own cost: WAL, index
   inserts, constraint checks, the commit's flush, and the wait for the day's sequence row.
3. "shared day": every connection increments the same day's sequence row, as real agents do (the
   row is locked until each create commits, so creates queue behind one another); "own day": each
   connection numbers a day of its own, which shows what that lock costs.

The replayed rows are dated on days far in the future (2099-12-31 and the days before it, a fresh day
row for each run; numbers RX20991231-…), so that they can never mix with real data, and are deleted
at the end (by id; the sequence rows of those days too; after an interrupted run, --remove-leftovers).
A write that is not the INSERT of a new row (an UPDATE of an existing row, an upsert such as a
roll-up) is replayed inside a savepoint that is rolled back: its cost is paid, and no real row changes.
"""

import argparse
import multiprocessing
import os
import queue
import re
import statistics
import sys
import time
from datetime import date, datetime, timedelta

from _setup import machine, require_postgresql, setup_django

BENCH_DAY = date(2099, 12, 31)
LEFTOVER_DAYS = 60  # the runs use BENCH_DAY and the days before it
SEQUENCE_TABLE = "core_numbersequence"
CONTACT_SERIES = "hotline.contact"  # kefu.hotline.services.numbering; a day is its period "YYYYMMDD"
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
TABLE_OF = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)
COLUMNS_OF = re.compile(r'^\s*INSERT\s+INTO\s+"?[A-Za-z0-9_]+"?\s*\(([^)]*)\)', re.IGNORECASE)


# -- 1. Capture ------------------------------------------------------------------------------------


def capture(username: str) -> dict:
    """One real create, rolled back; returns its write statements and what to substitute in them."""
    from django.db import connection, transaction
    from django.test import Client, TestCase

    from kefu.accounts.models import User
    from kefu.customers.models import Customer

    agent = User.objects.get(username=username)
    customer = Customer.objects.filter(service_area__isnull=False).exclude(phone="").order_by("-id").first()
    payload = {
        "channel": "phone", "customer_id": customer.pk, "phone": customer.phone, "category": "repair",
        "disposition": "transferred", "matter": "翠苑一区3幢2单元水表漏水，表前阀门关不紧，请尽快派人维修",
    }  # fmt: skip
    client = Client()
    client.force_login(agent)
    statements: list[dict] = []

    def record(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        entry = {"sql": sql, "params": tuple(params or ()), "returned": None}
        if "RETURNING" in sql.upper():
            cursor = context["cursor"].cursor
            row = cursor.fetchone()  # peeked at, and put back for Django
            cursor.scroll(-1)
            entry["returned"] = row
        statements.append(entry)
        return result

    try:
        with connection.execute_wrapper(record), transaction.atomic():
            captured_at = datetime.now().astimezone()
            with TestCase.captureOnCommitCallbacks(execute=True):
                response = client.post("/api/hotline/contacts", payload, content_type="application/json")
            if response.status_code != 201:
                sys.exit(
                    f"POST /api/hotline/contacts answered {response.status_code}: {response.content[:300]}"
                )
            transaction.set_rollback(True)
    finally:
        client.logout()
    body = response.json()
    writes = [s for s in statements if WRITE.match(s["sql"])]
    return {
        "writes": writes,
        "statements": len(statements),
        "captured_at": captured_at,
        "contact_number": body["number"],
        "work_order_number": (body.get("work_order") or {}).get("number"),
        "day": date.fromisoformat(
            body["number"][2:6] + "-" + body["number"][6:8] + "-" + body["number"][8:10]
        ),
    }


def plan_statements(captured: dict) -> list[dict]:
    """For each write: its table, columns (INSERT), and for each parameter how to make it this create's."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    models_by_table = {m._meta.db_table: m for m in apps.get_models()}
    tables_by_ctype = {
        ct.pk: ct.model_class()._meta.db_table for ct in ContentType.objects.all() if ct.model_class()
    }
    returned: dict[str, int] = {}  # table → the id its INSERT returned in the capture
    planned = []
    for statement in captured["writes"]:
        sql = statement["sql"]
        table = TABLE_OF.match(sql).group(1)
        columns_match = COLUMNS_OF.match(sql)
        columns = [c.strip().strip('"') for c in columns_match.group(1).split(",")] if columns_match else []
        model = models_by_table.get(table)
        fk_targets = {}
        if model is not None:
            for field in model._meta.concrete_fields:
                if field.is_relation and field.related_model is not None:
                    fk_targets[field.column] = field.related_model._meta.db_table
        rules = []
        params = statement["params"]
        for i, value in enumerate(params):
            column = columns[i] if i < len(columns) else None
            rule = None
            if value is None:
                pass
            elif column in fk_targets and returned.get(fk_targets[column]) == value:
                rule = ("id", fk_targets[column])
            elif column == "target_id" and "target_type_id" in columns:
                target_table = tables_by_ctype.get(params[columns.index("target_type_id")])
                if target_table and returned.get(target_table) == value:
                    rule = ("id", target_table)
            elif column == "sequence" and table == "hotline_contact":
                rule = ("sequence", None)
            rules.append(rule)
        upper = sql.upper()
        returns_id = statement["returned"] is not None and "RETURNING" in upper
        if table == SEQUENCE_TABLE:
            # The day's number: the first UPDATE; the INSERT of a day's first row and the retry are not
            # needed (the bench creates its days' rows before the clock starts).
            seen = any(p["kind"] == "sequence" for p in planned)
            kind = "skip" if seen or not upper.lstrip().startswith("UPDATE") else "sequence"
        elif upper.lstrip().startswith("INSERT") and returns_id and "ON CONFLICT" not in upper:
            kind = "insert"  # a new row: kept until the cleanup deletes it by its id
            returned[table] = statement["returned"][0]
        else:
            kind = "savepoint"  # may change existing rows: replayed, then rolled back to a savepoint
        planned.append(
            {
                "sql": sql,
                "table": table,
                "params": params,
                "rules": rules,
                "kind": kind,
                "returns_id": returns_id,
            }
        )
    return planned


def show_statements(captured: dict, planned: list[dict]) -> None:
    print(
        "\nOne create (POST /api/hotline/contacts, a repair transferred to a branch): "
        f"{captured['statements']} statements, of which {len(planned)} writes (+ BEGIN/COMMIT):"
    )
    for n, p in enumerate(planned, 1):
        sql = " ".join(p["sql"].split())
        head = sql
        if sql.upper().startswith("INSERT"):
            head = f'INSERT INTO "{p["table"]}" ({len(p["params"])} columns) VALUES (…)'
            if "ON CONFLICT" in sql.upper():
                head += " ON CONFLICT" + sql.upper().split("ON CONFLICT", 1)[1][:120]
        if p["returns_id"]:
            head += " … RETURNING id"
        note = {"sequence": "  [replayed as UPDATE … RETURNING last]", "skip": "  [not replayed]",
                "savepoint": "  [replayed in a savepoint, then rolled back]"}.get(p["kind"], "")  # fmt: skip
        print(f"  {n}. {head[:230]}{note}")


# -- 2. Replay -------------------------------------------------------------------------------------


class Create:
    """Turns the captured writes into one create's statements, with its own numbers, ids and times."""

    def __init__(self, captured: dict, planned: list[dict], day: date):
        self.planned = planned
        self.day = day
        self.day_shift = day - captured["day"]
        self.captured_at = captured["captured_at"]
        self.contact_number = captured["contact_number"]
        self.work_order_number = captured["work_order_number"]
        self.time_shift = timedelta(0)

    def params(self, p: dict, ids: dict[str, int], sequence: int, numbers: dict[str, str]) -> tuple:
        out = []
        for value, rule in zip(p["params"], p["rules"], strict=True):
            if rule is not None:
                kind, table = rule
                value = ids[table] if kind == "id" else sequence
            elif isinstance(value, datetime):
                value = value + self.time_shift
            elif isinstance(value, date):
                value = value + self.day_shift
            elif isinstance(value, str):
                for old, new in numbers.items():
                    if old and old in value:
                        value = value.replace(old, new)
            out.append(value)
        return tuple(out)

    def run(self, conn) -> list[tuple[str, int]]:
        """One create in one transaction; returns the new rows as (table, id)."""
        now = datetime.now().astimezone()
        self.time_shift = (now - self.captured_at) + self.day_shift
        ids: dict[str, int] = {}  # the latest row of each table, for the next rows' keys
        rows: list[tuple[str, int]] = []
        sequence = 0
        numbers: dict[str, str] = {}
        with conn.transaction():
            for p in self.planned:
                if p["kind"] == "sequence":
                    sequence = conn.execute(
                        f'UPDATE "{SEQUENCE_TABLE}" SET "last" = "last" + 1 '
                        'WHERE "key" = %s AND "period" = %s RETURNING "last"',
                        (CONTACT_SERIES, f"{self.day:%Y%m%d}"),
                    ).fetchone()[0]
                    contact_number = f"RX{self.day:%Y%m%d}-{sequence:04d}"
                    numbers = {self.contact_number: contact_number}
                    if self.work_order_number:
                        numbers[self.work_order_number] = "GD" + contact_number[2:]
                    continue
                if p["kind"] == "skip":
                    continue
                if p["kind"] == "savepoint":
                    with conn.transaction(force_rollback=True):
                        conn.execute(p["sql"], self.params(p, ids, sequence, numbers))
                    continue
                cursor = conn.execute(p["sql"], self.params(p, ids, sequence, numbers))
                ids[p["table"]] = cursor.fetchone()[0]
                rows.append((p["table"], ids[p["table"]]))
        return rows


def worker(url: str, create: Create, seconds: float, start_at: float, results) -> None:
    import psycopg

    latencies: list[float] = []
    created: list[tuple[str, int]] = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            f'INSERT INTO "{SEQUENCE_TABLE}" ("key", "period", "last") VALUES (%s, %s, 0) '
            'ON CONFLICT ("key", "period") DO NOTHING',
            (CONTACT_SERIES, f"{create.day:%Y%m%d}"),
        )
        # Warm-up, before the clock: psycopg prepares a statement the fifth time it runs.
        for _ in range(6):
            created += create.run(conn)
        time.sleep(max(0.0, start_at - time.time()))
        deadline = time.perf_counter() + seconds
        while (t := time.perf_counter()) < deadline:
            created += create.run(conn)
            latencies.append(time.perf_counter() - t)
    results.put((latencies, created))


def run(url: str, captured: dict, planned: list[dict], connections: int, seconds: float, days: list[date]):
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start_at = time.time() + 1.5  # all connected and warm before the clock starts
    processes = []
    for k in range(connections):
        day = days[k]
        process = context.Process(
            target=worker, args=(url, Create(captured, planned, day), seconds, start_at, results)
        )
        process.start()
        processes.append(process)
    gathered = []
    while len(gathered) < len(processes):
        try:
            gathered.append(results.get(timeout=1.0))
        except queue.Empty:
            if any(process.exitcode for process in processes):
                for process in processes:
                    process.terminate()
                sys.exit("a replay process failed (see above)")
    for process in processes:
        process.join()
    if any(process.exitcode for process in processes):
        sys.exit("a replay process failed (see above)")
    latencies = [x for lat, _ in gathered for x in lat]
    created = [row for _, c in gathered for row in c]
    return latencies, created


def cleanup(url: str, planned: list[dict], created: list[tuple[str, int]], days: set[date]) -> None:
    """Delete the replayed rows by id, in the reverse of the order they were written, and the bench
    days' sequence rows."""
    import psycopg

    tables = []
    for p in planned:
        if p["kind"] == "insert" and p["table"] not in tables:
            tables.append(p["table"])
    deleted = {}
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        for table in reversed(tables):
            ids = [row_id for row_table, row_id in created if row_table == table]
            deleted[table] = 0
            for start in range(0, len(ids), 50_000):
                cur = conn.execute(
                    f'DELETE FROM "{table}" WHERE id = ANY(%s)', (ids[start : start + 50_000],)
                )
                deleted[table] += cur.rowcount
        conn.execute(
            f'DELETE FROM "{SEQUENCE_TABLE}" WHERE "key" = %s AND "period" BETWEEN %s AND %s',
            (CONTACT_SERIES, f"{min(days):%Y%m%d}", f"{BENCH_DAY:%Y%m%d}"),
        )
    print("Cleaned up: " + ", ".join(f"{t} {n:,}" for t, n in deleted.items()))


def remove_leftovers(url: str) -> None:
    """After an interrupted run: the bench days' contacts, what hangs from them, and their sequence rows."""
    import psycopg

    since = BENCH_DAY - timedelta(days=LEFTOVER_DAYS)
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        contacts = [
            r[0] for r in conn.execute("SELECT id FROM hotline_contact WHERE received_on >= %s", (since,))
        ]
        orders = [
            r[0]
            for r in conn.execute("SELECT id FROM hotline_workorder WHERE contact_id = ANY(%s)", (contacts,))
        ]
        # By the numbers they show, which name the bench days: also those whose contact is gone.
        prefixes = [
            f"{p}{BENCH_DAY - timedelta(days=k):%Y%m%d}-%"
            for p in ("RX", "GD")
            for k in range(LEFTOVER_DAYS + 1)
        ]
        conn.execute("DELETE FROM core_event WHERE target_repr LIKE ANY(%s)", (prefixes,))
        for table in ("hotline_callback", "hotline_alert", "hotline_returnvisit", "hotline_interimreply"):
            conn.execute(f'DELETE FROM "{table}" WHERE work_order_id = ANY(%s)', (orders,))
        conn.execute("DELETE FROM hotline_workorder WHERE id = ANY(%s)", (orders,))
        conn.execute("DELETE FROM hotline_contact WHERE id = ANY(%s)", (contacts,))
        conn.execute(
            f'DELETE FROM "{SEQUENCE_TABLE}" WHERE "key" = %s AND "period" >= %s',
            (CONTACT_SERIES, f"{since:%Y%m%d}"),
        )
    print(f"Removed {len(contacts):,} contacts and {len(orders):,} work orders left by an interrupted run.")


def percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="per run")
    parser.add_argument("--connections", default="1,2,4", help="comma-separated numbers of connections")
    parser.add_argument("--user", default="agent11", help="the agent whose create is captured")
    parser.add_argument("--shared-only", action="store_true", help="skip the 'own day' runs")
    parser.add_argument(
        "--remove-leftovers", action="store_true", help="delete what an interrupted run left, and exit"
    )
    args = parser.parse_args()

    setup_django()
    require_postgresql()
    from django.db import connection

    print("Machine:", machine())
    url = os.environ["DATABASE_URL"]
    if args.remove_leftovers:
        remove_leftovers(url)
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        sync = cursor.fetchone()[0]
        cursor.execute(
            f'SELECT count(*) FROM "{SEQUENCE_TABLE}" WHERE "key" = %s AND "period" >= %s',
            [CONTACT_SERIES, f"{BENCH_DAY - timedelta(days=LEFTOVER_DAYS):%Y%m%d}"],
        )
        if cursor.fetchone()[0]:
            sys.exit(
                f"Rows of an earlier run are still there (sequence rows near {BENCH_DAY}): delete them first"
            )
    captured = capture(args.user)
    planned = plan_statements(captured)
    show_statements(captured, planned)
    connection.close()  # not shared with the forked workers

    print(f"\nReplay: one transaction per create, {args.seconds:g} s per run, synchronous_commit={sync}")
    print(
        f"  {'connections':>11}  {'day row':<10} {'creates':>8} {'creates/s':>10} {'ms p50':>7} {'ms p95':>7}"
    )
    counts = [int(c) for c in args.connections.split(",")]
    modes = [False] if args.shared_only else [False, True]
    used: set[date] = {BENCH_DAY}
    all_created: list[tuple[str, int]] = []
    try:
        for own_day in modes:
            for n in counts:
                if own_day and n == 1:
                    continue
                # Fresh day rows for every run: a day row updated thousands of times carries its dead
                # versions into the next run.
                first = BENCH_DAY - timedelta(days=len(used))
                days = [first - timedelta(days=k if own_day else 0) for k in range(n)]
                used |= set(days)
                latencies, created = run(url, captured, planned, n, args.seconds, days)
                all_created += created
                rate = len(latencies) / args.seconds
                print(
                    f"  {n:>11}  {'own' if own_day else 'shared':<10} {len(latencies):>8,} {rate:>10,.0f} "
                    f"{percentile(latencies, 50) * 1000:>7.2f} {percentile(latencies, 95) * 1000:>7.2f}",
                    flush=True,
                )
    finally:
        cleanup(url, planned, all_created, used)


if __name__ == "__main__":
    main()
