"""How fast import_customers loads a large file, against the raw COPY of the same rows.

1. Writes an N-row import file (CSV, the documented layout) with the demo generator's row maker.
2. Raw COPY: the same customers, already formatted, streamed by COPY into the same five tables
   (customers, accounts, connection points, meters, events) with every index and foreign key
   checked, in one transaction that is then rolled back. No validation, no pinyin, no Python per
   row during the timing: the most the database can take on this machine.
3. import_customers on the file: reading, every validation rule, uniqueness checks, pinyin, COPY,
   committed batch by batch with its ImportBatch row.

Run it against a database of its own (it wipes the customer archive with --reset):

    createdb -h 127.0.0.1 -U postgres -T template0 -E UTF8 --lc-collate=C.UTF-8 --lc-ctype=C.UTF-8 \
        kefu_bench_import
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench_import
    .venv/bin/python bench/bench_import.py --reset              # a million rows
    .venv/bin/python bench/bench_import.py --reset --rows 20000 # a quick check
"""

import argparse
import csv
import json
import sys
import tempfile
import time
from pathlib import Path

from _setup import machine, require_postgresql, setup_django

FIRST = 50_000_001  # customer numbers KH50000001…, clear of any demo data (KH00000001…)
TABLES = [
    "core_event",
    "customers_meter",
    "customers_servicepoint",
    "customers_account",
    "customers_contactperson",
    "customers_contract",
    "customers_archiveaccess",
    "customers_document",
    "customers_customer",
    "customers_importbatch",
]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--csv", help="where to write the file (default: a temporary directory)")
    parser.add_argument(
        "--reset", action="store_true", help="empty the customer archive first (bench databases only)"
    )
    parser.add_argument("--skip-copy", action="store_true", help="time the import only")
    args = parser.parse_args()

    setup_django()
    require_postgresql()
    from django.core.management import call_command
    from django.db import connection

    from kefu.accounts.demo import create_demo_organisation
    from kefu.customers.models import Customer

    call_command("migrate", verbosity=0)
    create_demo_organisation()
    if args.reset:
        if "bench" not in connection.settings_dict["NAME"]:
            sys.exit("--reset empties the customer archive: only for a database whose name contains 'bench'")
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(TABLES)} CASCADE")
    elif Customer.objects.filter(number__gte=f"KH{FIRST:08d}").exists():
        sys.exit("The benchmark's customers are there from an earlier run: run with --reset")

    print("Machine:", machine())
    directory = Path(args.csv).parent if args.csv else Path(tempfile.mkdtemp(prefix="kefu_bench_"))
    path = Path(args.csv) if args.csv else directory / f"customers_{args.rows}.csv"
    started = time.monotonic()
    write_file(path, args.rows)
    print(
        f"File: {args.rows:,} rows, {path.stat().st_size / 2**20:,.0f} MiB, "
        f"made in {time.monotonic() - started:.0f} s"
    )

    if not args.skip_copy:
        copy_seconds = raw_copy(args.rows, directory)
        print(
            f"Raw COPY of the same rows (5 tables, indexes and foreign keys checked, rolled back): "
            f"{copy_seconds:.1f} s, {args.rows / copy_seconds:,.0f} rows/s"
        )

    from tqdm import tqdm

    from kefu.customers.importing import import_customers

    with tqdm(total=args.rows, unit="row", mininterval=1) as bar:
        result = import_customers(path, batch_size=args.batch_size, progress=bar.update)
    if result.errors:
        print("Unexpected errors:", result.errors[:5])
    print(
        f"import_customers (batch {args.batch_size}): {result.imported:,} imported "
        f"in {result.seconds:.1f} s, {result.rows_per_second:,.0f} rows/s"
    )
    if not args.skip_copy:
        print(f"Import speed / raw COPY speed: {copy_seconds / result.seconds:.0%}")


def write_file(path: Path, rows: int) -> None:
    from kefu.accounts.models import ServiceArea
    from kefu.customers.demo import DemoGenerator
    from kefu.customers.importing import HEADERS

    generator = DemoGenerator(2026, dict(ServiceArea.objects.values_list("code", "pk")))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for customer in generator.customers(FIRST, FIRST + rows - 1):
            row = generator.import_row(customer)
            writer.writerow([row.get(h, "") for h in HEADERS])


def raw_copy(rows: int, directory: Path) -> float:
    """Format the rows as COPY text first (not timed), then time only the COPY statements."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone

    from kefu.accounts.models import ServiceArea
    from kefu.core.pinyin import name_pinyin
    from kefu.customers import bulk
    from kefu.customers.demo import DemoGenerator
    from kefu.customers.models import Customer

    generator = DemoGenerator(2026, dict(ServiceArea.objects.values_list("code", "pk")))
    content_type = ContentType.objects.get_for_model(Customer).pk
    now = timezone.now().isoformat()
    tables = {
        "customers_customer": bulk.CUSTOMER_COLUMNS,
        "customers_account": bulk.ACCOUNT_COLUMNS,
        "customers_servicepoint": bulk.POINT_COLUMNS,
        "customers_meter": bulk.METER_COLUMNS,
        "core_event": bulk.EVENT_COLUMNS,
    }
    files = {table: (directory / f"{table}.copy").open("w", encoding="utf-8") for table in tables}
    base = 10**12  # ids far above anything in use; the rows are rolled back in the end anyway
    for n, c in enumerate(generator.customers(FIRST, FIRST + rows - 1)):
        cid = aid = pid = base + n
        pinyin, initials = name_pinyin(c.name, personal=c.kind == "individual")
        a, p = c.accounts[0], c.points[0]
        m = p.meters[0]
        line(
            files["customers_customer"],
            cid,
            now,
            now,
            c.number,
            c.kind,
            c.name,
            pinyin,
            initials,
            c.id_type,
            c.id_number,
            c.phone,
            c.address,
            c.service_area_id,
            c.household_count,
            c.low_income,
            c.low_income_certificate,
            c.low_income_valid_until,
            "active",
            c.opened_on,
            c.note,
        )
        line(
            files["customers_account"],
            aid,
            now,
            now,
            cid,
            a.number,
            a.opened_on,
            a.arrears,
            a.arrears_since,
            "active",
        )
        line(
            files["customers_servicepoint"],
            pid,
            now,
            now,
            cid,
            aid,
            p.connection_point_no,
            p.address,
            p.service_area_id,
            p.water_use,
            "active",
        )
        line(
            files["customers_meter"],
            now,
            now,
            pid,
            m.number,
            m.caliber_dn,
            m.install_date,
            "intact",
            m.last_reading,
            m.last_read_on,
            "in_use",
        )
        line(
            files["core_event"],
            now,
            None,
            "customer.opened",
            content_type,
            cid,
            f"{c.name}（{c.number}）",
            json.dumps(c.event_changes),
            c.event_note,
        )
    for handle in files.values():
        handle.close()

    connection.ensure_connection()
    started = time.monotonic()
    raw = connection.connection
    with raw.transaction(force_rollback=True), raw.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys are checked, as at a commit
        for table, columns in tables.items():
            names = ", ".join(f'"{c}"' for c in columns)
            with (
                cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy,
                (directory / f"{table}.copy").open("rb") as handle,
            ):
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
    seconds = time.monotonic() - started
    with raw.cursor() as cursor:  # Django's connection is in autocommit mode: VACUUM may run
        cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")  # the rolled-back rows out of the way
    for table in tables:
        (directory / f"{table}.copy").unlink()
    return seconds


_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def line(handle, *values) -> None:
    handle.write("\t".join(_text(v) for v in values) + "\n")


def _text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPE)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


if __name__ == "__main__":
    main()
