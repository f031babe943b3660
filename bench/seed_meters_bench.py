"""Benchmark data for meters (issue 15): 1,000,000 archive meters on the service points of customers
over the six demo branches, for bench/bench_meters.py (the replacement plan, its Excel export, the
store keeper's desk).

    createdb -U postgres -h 127.0.0.1 -E UTF8 -l C.UTF-8 -T template0 kefu_bench_meters
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench_meters
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/seed_meters_bench.py [--meters 1000000] [--truncate]

**This bypasses the services on purpose**, like the other seeds: the rows are made by the database
itself (INSERT … SELECT over generate_series, seeded with setseed, so the same on every run), about a
minute for a million meters instead of hours through write_customers. The secondary indexes of the
three tables are dropped for the load and built again after it; ANALYZE at the end. No core_event
rows are written for the seeded archive.

What it makes (the shares are of --meters):

- the demo organisation and staff (kefu.accounts.demo: six branches FGS01–06, store keeper
  `meterstore`, branch staff unit11 …), and three more service areas per branch (CD2, CD3, CD4, …),
  24 areas in all, of unequal size (branches 22 % … 10 %, areas 40/30/20/10 % of their branch);
- customers: 94 % of the connection points have a customer of their own (individuals), the rest
  belong to unit and cluster customers with several points each;
- one meter in service per connection point (94 % of --meters) and 6 % removed meters (the ones an
  earlier replacement took out) on random points;
- calibers: 85 % DN15–25 (15: 50 %, 20: 25 %, 25: 10 %), 8 % DN40–50, 4 % DN80–300 (80, 100, 150,
  200, 300), 3 % no cycle covers (DN32 2 %, DN65 0.7 %, DN400 0.3 %): the plan's unconfigured list;
- install dates from 2005-01-01 to 2026-11-30, more recent ones more likely (density rising
  linearly to six times the 2005 one): 59 % of the small meters are older than six years, so the
  2026 plan carries a large backlog (逾期未换) — the hard case for the export;
- meters in service: 97.5 % in use, 1 % stopped, 0.8 % stuck, 0.7 % unreadable; removed meters
  were installed 2005–2015.

Idempotent: with --meters or more meters there it does nothing; --truncate empties the archive
(customers, points, meters and what refers to them) first.
"""

import argparse
import time

from _setup import machine, require_postgresql, setup_django, table_sizes

BRANCH_SHARES = {"CD": 0.22, "CX": 0.20, "CN": 0.18, "CB": 0.16, "GX": 0.14, "LJ": 0.10}
AREA_SHARES = [0.4, 0.3, 0.2, 0.1]  # the branch's own area first, then 2, 3, 4
AREA_NAMES = ["", "二", "三", "四"]
SECONDARY_INDEXED = ["customers_customer", "customers_servicepoint", "customers_meter"]
REMOVED_SHARE = 0.06
OWN_CUSTOMER_SHARE = 0.94  # of connection points

# A random number that is the same on every run for the same row: hashing (salt, n) to [0, 1).
RANDOM = """
CREATE OR REPLACE FUNCTION pg_temp.r(salt int, n bigint) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$
  SELECT (('x' || substr(md5(salt::text || ':' || n::text), 1, 12))::bit(48)::bigint)::double precision
         / 281474976710656.0
$$;
"""

CUSTOMERS = """
INSERT INTO customers_customer (
  id, created_at, updated_at, number, kind, name, name_pinyin, name_initials, id_type, id_number, phone,
  address, service_area_id, household_count, low_income, low_income_certificate, low_income_valid_until,
  status, opened_on, note)
SELECT n, now(), now(), 'BM' || lpad(n::text, 9, '0'),
       kind,
       CASE kind WHEN 'individual' THEN
              (string_to_array('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑'
                               || '梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡', NULL))
                [1 + floor(pg_temp.r(2, n) * 40)::int]
              || (ARRAY['丽','芳','敏','静','婷','秀英','伟','强','磊','洋',
                        '勇','军','杰','娟','涛','明','超','秀兰','霞','平'])
                [1 + floor(pg_temp.r(3, n) * 20)::int]
            WHEN 'unit' THEN '杭州' || (ARRAY['华盛','东方','新城','恒达','金桥','远航','宏图','明珠'])
                [1 + floor(pg_temp.r(3, n) * 8)::int] || '有限公司' || n
            ELSE (ARRAY['景芳','采荷','翠苑','德胜','滨江','临江','望江','朝晖'])
                [1 + floor(pg_temp.r(3, n) * 8)::int] || '小区物业' || n END,
       '', '', '', '', '139' || lpad((n %% 100000000)::text, 8, '0'),
       (ARRAY['解放东路','文三路','南星路','湖墅南路','江南大道','临江大道','古墩路','凯旋路'])
         [1 + floor(pg_temp.r(4, n) * 8)::int] || (1 + floor(pg_temp.r(5, n) * 900)::int) || '号',
       area, CASE kind WHEN 'cluster' THEN 20 + floor(pg_temp.r(6, n) * 500)::int ELSE 1 END,
       false, '', NULL, 'active', DATE '2005-01-01' + floor(pg_temp.r(7, n) * 7900)::int, ''
FROM (
  SELECT n,
         CASE WHEN n <= %(own)s THEN 'individual'
              WHEN pg_temp.r(1, n) < 0.75 THEN 'unit' ELSE 'cluster' END AS kind,
         (SELECT a.id FROM pg_temp.area_pick a WHERE a.upto > pg_temp.r(8, n) ORDER BY a.upto LIMIT 1) AS area
  FROM generate_series(%(first)s, %(last)s) n
) c
"""

# Points 1..own belong to customers 1..own; the others to the unit and cluster customers.
POINTS = """
INSERT INTO customers_servicepoint (
  id, created_at, updated_at, connection_point_no, address, water_use, status, account_id, customer_id,
  service_area_id)
SELECT p.n, now(), now(), 'JSB' || lpad(p.n::text, 9, '0'), c.address || '-' || p.n,
       CASE c.kind WHEN 'unit' THEN 'non_residential' ELSE 'residential' END, 'active', NULL, c.id,
       c.service_area_id
FROM (
  SELECT n, CASE WHEN n <= %(own)s THEN n
                 ELSE %(own)s + 1 + floor(pg_temp.r(9, n) * %(shared)s)::bigint END AS customer
  FROM generate_series(%(first)s, %(last)s) n
) p JOIN customers_customer c ON c.id = p.customer
"""

# Meter n ≤ points is point n's meter in service; the rest are removed meters on random points.
# The install date's density rises linearly from 1 (2005-01-01) to 6 (2026-11-30): t = (√(1+35u)−1)/5.
METER_AREAS = """
UPDATE customers_meter SET service_area_id = p.service_area_id
FROM customers_servicepoint p WHERE p.id = customers_meter.service_point_id
"""
METERS = """
INSERT INTO customers_meter (
  id, created_at, updated_at, number, caliber_dn, install_date, seal_state, last_reading, last_read_on,
  status, service_point_id)
SELECT n, now(), now(), 'BM' || lpad(n::text, 10, '0'), caliber,
       installed, CASE WHEN pg_temp.r(13, n) < 0.01 THEN 'broken' ELSE 'intact' END,
       round((40 + pg_temp.r(14, n) * 160)::numeric
             * greatest((DATE '2026-11-30' - installed) / 365.0, 0.1), 1),
       DATE '2026-11-30' - floor(pg_temp.r(15, n) * 60)::int,
       status, point
FROM (
  SELECT n,
         CASE WHEN n <= %(points)s THEN n ELSE 1 + floor(pg_temp.r(10, n) * %(points)s)::bigint END AS point,
         CASE WHEN n > %(points)s
                THEN DATE '2005-01-01' + floor(pg_temp.r(11, n) * 4017)::int
              ELSE DATE '2005-01-01' + floor((sqrt(1 + 35 * pg_temp.r(11, n)) - 1) / 5 * 7998)::int
         END AS installed,
         CASE WHEN n > %(points)s THEN 'removed'
              WHEN pg_temp.r(12, n) < 0.975 THEN 'in_use'
              WHEN pg_temp.r(12, n) < 0.985 THEN 'stopped'
              WHEN pg_temp.r(12, n) < 0.993 THEN 'stuck' ELSE 'unreadable' END AS status,
         (SELECT k.dn FROM pg_temp.caliber_pick k WHERE k.upto > pg_temp.r(16, n) ORDER BY k.upto LIMIT 1)
           AS caliber
  FROM generate_series(%(first)s, %(last)s) n
) m
"""

# The store's two years (2025–2026), for the desk: a goods receipt per working day, the stock meters it
# brought, an issue for most of them (400 a working day), a replacement for the replacement issues with
# the old meter back, an acceptance for new connections, capacity changes and temporary use.
STORE_DAYS = """
CREATE TEMP TABLE store_day ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY d) AS k, d::date AS day
FROM generate_series(DATE '2025-01-02', DATE '2026-12-31', INTERVAL '1 day') d
WHERE extract(isodow FROM d) < 6
"""
STORE_ROWS = [
    """
INSERT INTO meters_goodsreceipt (id, created_at, updated_at, number, supplier, received_on, refused, note,
  received_by_id, purchase_plan_id)
SELECT k, day + TIME '09:00', day + TIME '09:00', 'RK' || to_char(day, 'YYYYMMDD'), '物贸公司', day, '[]', '',
  %(keeper)s, NULL FROM store_day
""",
    # stock meter n arrived with receipt ceil(n / per_day); the last ones are still in stock
    """
INSERT INTO meters_stockmeter (id, created_at, updated_at, number, caliber_dn, model, maker, batch,
  certificate_no, certificate_date, checked_at, state, archive_meter_id, checked_by_id, receipt_id)
SELECT n, r.received_on + TIME '10:00', r.received_on + TIME '10:00', 'SM' || lpad(n::text, 9, '0'),
  (SELECT k.dn FROM pg_temp.caliber_pick k WHERE k.upto > pg_temp.r(21, n) ORDER BY k.upto LIMIT 1),
  'LXS', '宁波水表', 'P' || r.id, 'JD' || lpad(n::text, 9, '0'), r.received_on - 3,
  r.received_on + TIME '10:00',
  CASE WHEN n > %(issues)s THEN 'in_stock' WHEN n > %(issues)s - %(per_day)s * 8 THEN 'issued'
       ELSE 'fitted' END,
  NULL, %(keeper)s, r.id
FROM generate_series(1, %(stock)s) n
JOIN meters_goodsreceipt r ON r.id = least(1 + (n - 1) / %(per_day)s, %(days)s)
""",
    # issue n on the working day after its meter arrived, between 8:30 and 16:30
    """
INSERT INTO meters_meterissue (id, created_at, updated_at, number, purpose, application_card, papers,
  issued_at, note, appointment_id, branch_id, collector_id, customer_id, issued_by_id, process_id,
  stock_meter_id)
SELECT n, at, at, 'LB' || lpad(n::text, 9, '0'), purpose, 'KP' || lpad(n::text, 9, '0'), '[]', at, '',
  NULL, branch, %(keeper)s, NULL, %(keeper)s, NULL, n
FROM (
  SELECT n, (d.day + TIME '08:30' + (pg_temp.r(22, n) * 480) * INTERVAL '1 minute')
              AT TIME ZONE 'Asia/Shanghai' AS at,
         CASE WHEN pg_temp.r(23, n) < 0.80 THEN 'age_replacement'
              WHEN pg_temp.r(23, n) < 0.88 THEN 'urgent_replacement'
              WHEN pg_temp.r(23, n) < 0.96 THEN 'new_connection'
              WHEN pg_temp.r(23, n) < 0.98 THEN 'capacity_change' ELSE 'temporary_use' END AS purpose,
         (SELECT id FROM accounts_unit WHERE kind = 'branch' ORDER BY code
            OFFSET floor(pg_temp.r(24, n) * 6)::int LIMIT 1) AS branch
  FROM generate_series(1, %(issues)s) n
  JOIN store_day d ON d.k = least(2 + (n - 1) / %(per_day)s, %(days)s)
) i
""",
    # replacements of the replacement issues: the old meter is archive meter n; closed with the old
    # meter back, but those of the last days (and 1 in 200 older ones, late) still issued or fitted
    """
INSERT INTO meters_replacement (id, created_at, updated_at, number, kind, state, plan_reading, fault,
  fault_note, reported_at, verify_due, verified_at, verification_note, replace_due, delay_reason,
  new_meter_number, old_reading, new_seal_intact, customer_signed_name, customer_signature,
  notice_signed_at, fitted_at, stop_reason, substitution_note, overdue_alerted, branch_id, fitted_by_id,
  issue_id, meter_id, new_meter_id, reported_by_id, verified_by_id, plan_id)
SELECT i.id, i.issued_at, i.issued_at, 'HB' || lpad(i.id::text, 9, '0'),
  CASE i.purpose WHEN 'age_replacement' THEN 'age' ELSE 'urgent' END,
  CASE WHEN i.id > %(issues)s - %(per_day)s * 8 OR pg_temp.r(25, i.id) < 0.005
       THEN (CASE WHEN pg_temp.r(26, i.id) < 0.5 THEN 'issued' ELSE 'fitted' END) ELSE 'closed' END,
  NULL, CASE i.purpose WHEN 'age_replacement' THEN '' ELSE 'stopped' END, '', NULL, NULL, NULL, '',
  (i.issued_at AT TIME ZONE 'Asia/Shanghai')::date + 7, '', s.number, NULL, NULL, '', '', NULL, NULL, '', '',
  false, i.branch_id, NULL, i.id, i.id, NULL, NULL, NULL, NULL
FROM meters_meterissue i JOIN meters_stockmeter s ON s.id = i.stock_meter_id
WHERE i.purpose IN ('age_replacement', 'urgent_replacement')
""",
    """
INSERT INTO meters_oldmeterreturn (id, created_at, updated_at, number, returned_on, recorded_at, due_on,
  reading, seal_state, damaged, damage_note, keep_until, disposition, released_at, label_printed_at,
  branch_id, meter_id, received_by_id, returned_by_id, work_id, replacement_id, late_entry)
SELECT r.id, r.updated_at, r.updated_at, 'JB' || lpad(r.id::text, 9, '0'), back, back + TIME '15:00', NULL,
  100, 'intact', false, '', NULL, 'released', NULL, NULL, r.branch_id, r.meter_id, %(keeper)s, %(keeper)s,
  NULL, r.id, false
FROM (SELECT r.*, r.replace_due - floor(pg_temp.r(27, r.id) * 6)::int AS back
      FROM meters_replacement r WHERE r.state = 'closed') r
""",
    """
INSERT INTO meters_acceptance (id, created_at, updated_at, due_on, state, accepted_on, branch_signer, note,
  overdue_alerted, branch_id, center_signer_id, issue_id)
SELECT i.id, i.issued_at, i.issued_at, due, state, CASE state WHEN 'pending' THEN NULL ELSE due - 5 END,
  CASE state WHEN 'pending' THEN '' ELSE '分公司验收员' END, '', false, i.branch_id, NULL, i.id
FROM (SELECT i.*, ((i.issued_at AT TIME ZONE 'Asia/Shanghai') + INTERVAL '1 month')::date AS due,
             CASE WHEN pg_temp.r(28, i.id) < 0.03 THEN 'pending'
                  WHEN pg_temp.r(28, i.id) < 0.05 THEN 'failed' ELSE 'passed' END AS state
      FROM meters_meterissue i
      WHERE i.purpose IN ('new_connection', 'capacity_change', 'temporary_use')) i
""",
]
STORE_TABLES = [
    "meters_goodsreceipt", "meters_stockmeter", "meters_meterissue", "meters_replacement",
    "meters_oldmeterreturn", "meters_acceptance",
]  # fmt: skip

# DN: cumulative share (85 % DN15–25, 8 % DN40–50, 4 % DN80–300, 3 % unconfigured)
CALIBERS = [
    (15, 0.50), (20, 0.25), (25, 0.10),
    (40, 0.04), (50, 0.04),
    (80, 0.015), (100, 0.012), (150, 0.008), (200, 0.003), (300, 0.002),
    (32, 0.02), (65, 0.007), (400, 0.003),
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--meters", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=250_000, help="rows per INSERT … SELECT")
    parser.add_argument("--truncate", action="store_true")
    parser.add_argument("--store-per-day", type=int, default=400, help="issues per working day, 2025–2026")
    args = parser.parse_args()

    setup_django()
    require_postgresql()
    from django.db import connection, transaction

    from kefu.customers.models import Meter

    print("Machine:", machine())
    started = time.perf_counter()
    areas = ensure_organisation()
    with connection.cursor() as cursor:
        if args.truncate:
            cursor.execute("TRUNCATE customers_customer, customers_servicepoint, customers_meter CASCADE")
    existing = Meter.objects.count()
    if existing >= args.meters:
        print(f"{existing:,} meters already there (≥ {args.meters:,}).")
        seed_store(args, areas)
        return
    if existing:
        raise SystemExit(f"{existing:,} meters there, fewer than {args.meters:,}: run with --truncate")

    points = round(args.meters * (1 - REMOVED_SHARE))
    own = round(points * OWN_CUSTOMER_SHARE)
    shared = max((points - own) // 8, 1)  # unit and cluster customers: about 8 points each
    customers = own + shared
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(RANDOM)
        _pick_tables(cursor, areas)
        dropped = _drop_secondary_indexes(cursor)
        step = time.perf_counter()
        for first, last in _batches(customers, args.batch):
            cursor.execute(CUSTOMERS, {"first": first, "last": last, "own": own})
        print(f"customers {customers:,} in {time.perf_counter() - step:.1f} s", flush=True)
        step = time.perf_counter()
        for first, last in _batches(points, args.batch):
            cursor.execute(POINTS, {"first": first, "last": last, "own": own, "shared": shared})
        print(f"connection points {points:,} in {time.perf_counter() - step:.1f} s", flush=True)
        step = time.perf_counter()
        for first, last in _batches(args.meters, args.batch):
            cursor.execute(METERS, {"first": first, "last": last, "points": points})
        # Each meter carries its point's area (customers.Meter.service_area, set on save): the same
        # statement as the migration that filled it (customers 0013).
        cursor.execute(METER_AREAS)
        print(f"meters {args.meters:,} in {time.perf_counter() - step:.1f} s", flush=True)
        step = time.perf_counter()
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign-key checks, now
        print(f"foreign keys checked in {time.perf_counter() - step:.1f} s", flush=True)
        step = time.perf_counter()
        for statement in dropped:
            cursor.execute(statement)
        print(f"{len(dropped)} secondary indexes built again in {time.perf_counter() - step:.1f} s")
        for table in SECONDARY_INDEXED:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
    step = time.perf_counter()
    with connection.cursor() as cursor:
        for table in SECONDARY_INDEXED:
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"VACUUM ANALYZE {time.perf_counter() - step:.1f} s; total {time.perf_counter() - started:.1f} s")
    seed_store(args, areas)
    report()


def seed_store(args, areas) -> None:
    """The store's two years (STORE_ROWS), once: nothing when the store has issues already."""
    from django.db import connection, transaction

    from kefu.accounts.models import User
    from kefu.meters.models import MeterIssue

    if MeterIssue.objects.exists():
        print("The store has issues already: store left as it is.")
        return
    keeper = User.objects.get(username="meterstore").pk
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(RANDOM)
        _pick_tables(cursor, areas)
        cursor.execute(STORE_DAYS)
        cursor.execute("SELECT count(*) FROM store_day")
        days = cursor.fetchone()[0]
        issues = args.store_per_day * (days - 1)
        params = {
            "keeper": keeper, "days": days, "per_day": args.store_per_day, "issues": issues,
            "stock": issues + 20_000,
        }  # fmt: skip
        for statement in STORE_ROWS:
            cursor.execute(statement, params)
        for table in STORE_TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
    with connection.cursor() as cursor:
        for table in STORE_TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"The store: {days} working days, {issues:,} issues in {time.perf_counter() - started:.1f} s")
    print("  " + "; ".join(table_sizes(STORE_TABLES)))


def ensure_organisation() -> list[tuple[int, float]]:
    """The demo's branches and staff, three more areas per branch; (area id, share of points)."""
    from kefu.accounts.demo import create_demo_organisation
    from kefu.accounts.models import ServiceArea

    create_demo_organisation()
    shares = []
    for code, branch_share in BRANCH_SHARES.items():
        own = ServiceArea.objects.get(code=code)
        for i, area_share in enumerate(AREA_SHARES):
            area = own
            if i:
                area, _ = ServiceArea.objects.get_or_create(
                    code=f"{code}{i + 1}",
                    defaults={"name": own.name.replace("片区", f"{AREA_NAMES[i]}片区"), "branch": own.branch},
                )
            shares.append((area.pk, branch_share * area_share))
    return shares


def _pick_tables(cursor, areas) -> None:
    cursor.execute("CREATE TEMP TABLE area_pick (id bigint, upto double precision) ON COMMIT DROP")
    cursor.execute("CREATE TEMP TABLE caliber_pick (dn int, upto double precision) ON COMMIT DROP")
    total = 0.0
    for pk, share in areas:
        total += share
        cursor.execute("INSERT INTO area_pick VALUES (%s, %s)", [pk, total])
    cursor.execute("UPDATE area_pick SET upto = 2 WHERE upto = (SELECT max(upto) FROM area_pick)")
    total = 0.0
    for dn, share in CALIBERS:
        total += share
        cursor.execute("INSERT INTO caliber_pick VALUES (%s, %s)", [dn, total])
    cursor.execute("UPDATE caliber_pick SET upto = 2 WHERE upto = (SELECT max(upto) FROM caliber_pick)")


def _drop_secondary_indexes(cursor) -> list[str]:
    """Drop the indexes that no constraint owns; return the statements that build them again."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [SECONDARY_INDEXED],
    )
    rows = cursor.fetchall()
    for name, _ in rows:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in rows]


def _batches(count: int, size: int):
    for first in range(1, count + 1, size):
        yield first, min(first + size - 1, count)


def report() -> None:
    from _setup import table_sizes
    from django.db import connection

    print("Data:", "; ".join(table_sizes(SECONDARY_INDEXED)))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT CASE WHEN caliber_dn BETWEEN 15 AND 25 THEN 'DN15–25'
                        WHEN caliber_dn BETWEEN 40 AND 50 THEN 'DN40–50'
                        WHEN caliber_dn BETWEEN 80 AND 300 THEN 'DN80–300' ELSE '未配置' END AS band,
                   count(*), count(*) FILTER (WHERE status <> 'removed'),
                   min(install_date), max(install_date)
            FROM customers_meter GROUP BY 1 ORDER BY 1
            """
        )
        for band, count, in_service, first, last in cursor.fetchall():
            print(f"  {band:<9} {count:>9,} meters, {in_service:>9,} in service, installed {first} … {last}")
        cursor.execute(
            """
            SELECT u.code, count(*) FROM customers_meter m
            JOIN customers_servicepoint p ON p.id = m.service_point_id
            JOIN accounts_servicearea a ON a.id = p.service_area_id
            JOIN accounts_unit u ON u.id = a.branch_id GROUP BY 1 ORDER BY 1
            """
        )
        print("  by branch:", ", ".join(f"{code} {count:,}" for code, count in cursor.fetchall()))


if __name__ == "__main__":
    main()
