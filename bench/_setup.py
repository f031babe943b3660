"""Django set-up and machine facts shared by the benchmarks."""

import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()


def require_postgresql() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://… (see docs/PERFORMANCE.md)")


def machine() -> str:
    from django.db import connection

    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        memory_kib = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
            cursor.execute("SELECT current_database()")
            database = f"PostgreSQL {server} (database {cursor.fetchone()[0]})"
    else:  # the staffing and classifier benchmarks run on the embedded SQLite too
        database = f"{connection.vendor} {connection.settings_dict['NAME']}"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    memory = f"{memory_kib / 1024 / 1024:.0f} GiB"
    return (
        f"{os.cpu_count()} CPU × {cpu}, {memory}, Python {platform.python_version()}, "
        f"{database}; load average at start {load:.2f}"
    )


def table_sizes(tables: list[str]) -> list[str]:
    """'table N rows (size + index size)' for each table that exists."""
    from django.db import connection

    parts = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute("SELECT to_regclass(%s)", [table])
            if cursor.fetchone()[0] is None:
                continue
            cursor.execute(
                "SELECT count(*), pg_size_pretty(pg_table_size(%s)), pg_size_pretty(pg_indexes_size(%s)) "
                f'FROM "{table}"',
                [table, table],
            )
            count, table_size, index_size = cursor.fetchone()
            parts.append(f"{table} {count:,} rows ({table_size} + {index_size} indexes)")
    return parts


def database_size() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        return cursor.fetchone()[0]


def explain(label: str, call, *, plan_rows: int = 20) -> None:
    """Run `call` once more, capturing its statements, and print EXPLAIN (ANALYZE, BUFFERS) of each
    SELECT: the plans behind a slow figure."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    print(f"\nEXPLAIN for the slowest call of: {label}")
    for statement in captured.captured_queries:
        sql = statement["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            print(f"  (not explained) {sql[:160]}")
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
        print(f"  {sql[:400]}")
        print(f"    {plan[-1]}")
        for row in plan[:plan_rows]:
            print(f"      {row}")
