"""Benchmark data for the archive room (issue 17 "Speed"): 1,000,000 archive files of 27 years
(2000–2026) on 200,000 customers, for bench/bench_archives.py (the catalogue search by number and by
customer, the archive desk).

    createdb -U postgres -h 127.0.0.1 -E UTF8 -l C.UTF-8 -T template0 kefu17_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu17_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/seed_archives_bench.py [--files 1000000] [--customers 200000] [--truncate]

**This bypasses the services on purpose**, like the other seeds. The organisation and staff are the
demo's (kefu.accounts.demo: the archivist `archivist`, the counter clerks clerk1…6, password Kefu@2026);
the customers are the demo's too (kefu.customers.demo.seed_customers: Chinese names with their pinyin,
addresses, phones, written by binary COPY), so a search by customer meets the same data as the
customer search. The files are made by the database itself (INSERT … SELECT over generate_series,
a hash of the row number as the random draw, so the same on every run): first into a temporary table,
batch by batch, then into `archives_archivefile` in one statement that numbers the catalogue. The
table's secondary indexes are dropped for the load and built again after it; VACUUM ANALYZE at the end.
No core_event rows are written for the seeded files.

What it makes (shares of --files):

- categories: 营业业务档案 40 %, 换表档案 25 %, 旧表回收档案 12 %, 供用水合同 8 %, 施工图纸 4 %, 稽查案卷 4 %,
  业主档案 3 %, 其他文件 3 %, 租户档案 1 %; the business finished between 2000-01-01 and 2026-12-04, more
  recent ones likelier (the density rises linearly to four times the 2000 one);
- a customer on 90 % of the files (drawings and other files: half of them), drawn at random from the
  customers: about 4.5 files a customer;
- states: about 95 % FILED with a catalogue number `<prefix>-<year filed>-<6-digit sequence>`
  ("YW-2026-000123": one gap-free sequence per category and year, in filing order), about 1 % PENDING
  (70 % of the businesses of the last 45 days, and 0.3 % older ones never handed in: overdue, alerted),
  about 4 % DESTROYED (a quarter of the files past their retention, by the yearly destruction lists,
  which are made too, with their items);
- filing deadlines and retention by category (the defaults assumed here, not the shipped rules: 15–60
  days; 营业业务 30 years, 换表 15, 旧表回收 10, 稽查 30, 其他 10, 租户 5, contracts, drawings and owners'
  files permanent), so about 11 % of the filed files are past retention and on no destruction list;
- inspection files (稽查案卷) restricted (`restricted_to` = inspection.view_case) and confidential,
  owners' and tenants' files confidential;
- loans: 30,000 returned readings and loans of 2020–2026, and the desk's current ones (40 out, 8 of them
  overdue, 6 reading, 12 waiting for approval, 5 approved waiting for registration); two open
  destruction proposals of 200 files past retention each.

Content lists (FileItem rows) are not made by default: neither the catalogue search nor the desk reads
them (`item_count` is set on each file); `--items N` adds N lines to every file (about a minute per
million lines).

Idempotent: with --files or more files there it does nothing; --truncate empties the archive tables
(files, items, loans, destructions) first. The customers are added only when fewer are there.
"""

import argparse
import time

from _setup import machine, require_postgresql, setup_django, table_sizes

TABLE = "archives_archivefile"
TABLES = [
    "customers_customer",
    "archives_archivefile",
    "archives_fileitem",
    "archives_fileloan",
    "archives_destruction",
    "archives_destructionitem",
]
TODAY = "2026-12-05"

# code, catalogue prefix, share, filing days, retention years (0: permanent), confidential, restricted_to
CATEGORIES = [
    ("process", "YW", 0.40, 30, 30, False, ""),
    ("meter_replacement", "HB", 0.25, 15, 15, False, ""),
    ("meter_return", "JB", 0.12, 15, 10, False, ""),
    ("supply_contract", "HT", 0.08, 30, 0, False, ""),
    ("drawing", "TZ", 0.04, 60, 0, False, ""),
    ("inspection", "JC", 0.04, 30, 30, True, "inspection.view_case"),
    ("owner", "YZ", 0.03, 30, 0, True, ""),
    ("other", "QT", 0.03, 60, 10, False, ""),
    ("tenant", "ZH", 0.01, 30, 5, True, ""),
]

# A random number that is the same on every run for the same row: hashing (salt, n) to [0, 1).
RANDOM = """
CREATE OR REPLACE FUNCTION pg_temp.r(salt int, n bigint) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$
  SELECT (('x' || substr(md5(salt::text || ':' || n::text), 1, 12))::bit(48)::bigint)::double precision
         / 281474976710656.0
$$;
"""

STAGE = """
CREATE TEMP TABLE stage (
  n bigint, category varchar(20), prefix text, state varchar(10), title varchar(200), subject varchar(60),
  source_number varchar(40), source_url varchar(200), customer_id bigint, department_id bigint,
  registered_by_id bigint, finished_on date, filing_due_on date, filed_at timestamptz,
  retention_years int, retention_until date, confidential boolean, restricted_to varchar(60),
  item_count int, overdue_alerted boolean, destroyed_at timestamptz, location varchar(60)
) ON COMMIT DROP
"""

# The draws of row n: its category, finishing day (density rising linearly ×4 from 2000-01-01 to
# 2026-12-04: t = (√(1+15u)−1)/3), customer and clerk; then what follows from them.
STAGE_ROWS = """
INSERT INTO stage
SELECT n, c.code, c.prefix, state,
       left(CASE c.code
         WHEN 'process' THEN coalesce(cu.name || ' ', '') ||
              (ARRAY['新装','过户','销户','增容','减容','更名','改变用水性质','暂停用水','恢复用水'])
                [1 + floor(pg_temp.r(11, n) * 9)::int] || '业务档案'
         WHEN 'meter_replacement' THEN coalesce(cu.name || ' ', '') ||
              (ARRAY['逾龄换表','故障换表','增容换表'])[1 + floor(pg_temp.r(11, n) * 3)::int] || '档案'
         WHEN 'meter_return' THEN
              coalesce(cu.name || ' ', '') || '旧表回收档案 表号BM' || lpad(n::text, 10, '0')
         WHEN 'supply_contract' THEN coalesce(cu.name, '') || '供用水合同'
         WHEN 'drawing' THEN coalesce(cu.address || ' ', '') ||
              (ARRAY['给水工程竣工图','管网改造施工图','二次供水设施图','消防管道施工图'])
                [1 + floor(pg_temp.r(11, n) * 4)::int]
         WHEN 'inspection' THEN coalesce(cu.name || ' ', '') ||
              (ARRAY['窃水案','私接水管案','擅自启封案','损坏水表案','违章用水案'])
                [1 + floor(pg_temp.r(11, n) * 5)::int] || '稽查案卷'
         WHEN 'owner' THEN coalesce(cu.name || ' ', '') || '业主档案 ' || coalesce(cu.address, '')
         WHEN 'tenant' THEN coalesce(cu.name || ' ', '') || '租户档案 ' || coalesce(cu.address, '')
         ELSE (ARRAY['供水服务工作会议纪要','客户服务中心年度工作总结','水质检测报告','停水通知存档'])
                [1 + floor(pg_temp.r(11, n) * 4)::int] || ' ' || extract(year FROM finished_on)
       END, 200),
       'bench.' || c.code || ':' || n,
       c.source || to_char(finished_on, 'YYYYMMDD') || lpad((n %% 100000)::text, 5, '0'),
       '', cu.id, s.department_id, s.id, finished_on, due,
       CASE WHEN state = 'pending' THEN NULL
            ELSE (least(finished_on + floor(pg_temp.r(12, n) * c.due_days * 1.1)::int, %(today)s::date - 1)
                  + TIME '09:00' + pg_temp.r(13, n) * INTERVAL '8 hours') AT TIME ZONE 'Asia/Shanghai' END,
       c.retention_years,
       CASE WHEN c.retention_years > 0 THEN (finished_on + c.retention_years * INTERVAL '1 year')::date END,
       c.confidential, c.restricted, 2 + floor(pg_temp.r(14, n) * 11)::int,
       state = 'pending' AND due < %(today)s::date,
       CASE WHEN state = 'destroyed' THEN
            make_date(extract(year FROM finished_on + c.retention_years * INTERVAL '1 year')::int + 1, 11, 20)
            + TIME '10:00' END,
       CASE WHEN state = 'pending' THEN '' ELSE
            (1 + floor(pg_temp.r(15, n) * 60)::int) || '柜-' || (1 + floor(pg_temp.r(16, n) * 6)::int)
            || '层-' || (1 + floor(pg_temp.r(17, n) * 40)::int) || '盒' END
FROM (
  SELECT g.n, g.c, g.finished_on, g.finished_on + g.due_days AS due, g.cust, g.clerk,
         CASE WHEN g.finished_on >= %(today)s::date - 45 AND pg_temp.r(5, g.n) < 0.7 THEN 'pending'
              WHEN pg_temp.r(5, g.n) < 0.003 THEN 'pending'
              WHEN g.retention_years > 0
                   AND g.finished_on + g.retention_years * INTERVAL '1 year' < DATE '2026-01-01'
                   AND pg_temp.r(6, g.n) < 0.25 THEN 'destroyed'
              ELSE 'filed' END AS state
  FROM (
    SELECT n, k.code AS c, k.due_days, k.retention_years,
           DATE '2000-01-01' + floor((sqrt(1 + 15 * pg_temp.r(2, n)) - 1) / 3 * 9834)::int AS finished_on,
           CASE WHEN k.code IN ('drawing', 'other') AND pg_temp.r(3, n) < 0.5 THEN NULL
                WHEN pg_temp.r(3, n) < 0.9 OR k.code NOT IN ('process', 'meter_replacement', 'meter_return')
                  THEN 1 + floor(pg_temp.r(4, n) * %(customers)s)::int END AS cust,
           1 + floor(pg_temp.r(7, n) * %(clerks)s)::int AS clerk
    FROM generate_series(%(first)s, %(last)s) n
    CROSS JOIN LATERAL (SELECT * FROM pg_temp.cat_pick k WHERE k.upto > pg_temp.r(1, n)
                        ORDER BY k.upto LIMIT 1) k
  ) g
) x
JOIN pg_temp.cat_pick c ON c.code = x.c
LEFT JOIN pg_temp.cust_pick cp ON cp.k = x.cust
LEFT JOIN customers_customer cu ON cu.id = cp.id
JOIN pg_temp.staff_pick s ON s.k = x.clerk
"""

# The catalogue: one sequence per category and year of filing, in filing order.
FILES = """
INSERT INTO archives_archivefile (
  id, created_at, updated_at, category, catalogue_number, title, state, subject, source_number, source_url,
  customer_id, department_id, unit_id, registered_by_id, finished_on, filing_due_on, filed_at, filed_by_id,
  custodian_id, location, retention_years, retention_until, confidential, restricted_to, item_count,
  overdue_alerted, destroyed_at)
SELECT n, (finished_on + TIME '17:00') AT TIME ZONE 'Asia/Shanghai', coalesce(destroyed_at, filed_at, now()),
       category,
       CASE WHEN state <> 'pending' THEN
            prefix || '-' || extract(year FROM filed_at AT TIME ZONE 'Asia/Shanghai') || '-' ||
            lpad(row_number() OVER (PARTITION BY category, state = 'pending',
                                    extract(year FROM filed_at AT TIME ZONE 'Asia/Shanghai')
                                    ORDER BY filed_at, n)::text, 6, '0') END,
       title, state, subject, source_number, source_url, customer_id, department_id, NULL, registered_by_id,
       finished_on, filing_due_on, filed_at, CASE WHEN state <> 'pending' THEN %(archivist)s END,
       CASE WHEN state = 'filed' THEN %(archivist)s END, location, retention_years, retention_until,
       confidential, restricted_to, item_count, overdue_alerted, destroyed_at
FROM stage
"""

DESTRUCTIONS = [
    # one destruction list a year for the destroyed files, carried out on 20 November
    """
INSERT INTO archives_destruction (created_at, updated_at, number, state, reason, proposed_at, reviewed_at,
  review_note, approved_at, approval_note, place, destroyed_at, rechecked_at, approved_by_id, proposed_by_id,
  rechecked_by_id, reviewed_by_id)
SELECT d - INTERVAL '60 days', d, 'XH-' || extract(year FROM d) || '-001', 'destroyed',
       '保管期限已满，经鉴定无继续保存价值', d - INTERVAL '60 days', d - INTERVAL '45 days', '同意',
       d - INTERVAL '30 days', '同意销毁', '档案室销毁间', d, d + INTERVAL '1 day',
       %(director)s, %(archivist)s, %(head)s, %(head)s
FROM (SELECT DISTINCT destroyed_at AS d FROM archives_archivefile WHERE state = 'destroyed') y
""",
    """
INSERT INTO archives_destructionitem (created_at, updated_at, rechecked, destruction_id, file_id)
SELECT f.destroyed_at, f.destroyed_at, true, d.id, f.id
FROM archives_archivefile f JOIN archives_destruction d ON d.destroyed_at = f.destroyed_at
WHERE f.state = 'destroyed'
""",
    # two open proposals of files past retention: one proposed, one reviewed
    """
INSERT INTO archives_destruction (created_at, updated_at, number, state, reason, proposed_at, reviewed_at,
  review_note, approved_at, approval_note, place, destroyed_at, rechecked_at, approved_by_id, proposed_by_id,
  rechecked_by_id, reviewed_by_id)
VALUES (TIMESTAMPTZ '2026-11-02 10:00+08', TIMESTAMPTZ '2026-11-20 10:00+08', 'XH-2026-002', 'reviewed',
        '保管期限已满，经鉴定无继续保存价值', TIMESTAMPTZ '2026-11-02 10:00+08',
        TIMESTAMPTZ '2026-11-20 10:00+08',
        '同意，报中心主任批准', NULL, '', '档案室销毁间', NULL, NULL, NULL, %(archivist)s, NULL, %(head)s),
       (TIMESTAMPTZ '2026-12-01 10:00+08', TIMESTAMPTZ '2026-12-01 10:00+08', 'XH-2026-003', 'proposed',
        '保管期限已满，经鉴定无继续保存价值', TIMESTAMPTZ '2026-12-01 10:00+08', NULL, '', NULL, '',
        '档案室销毁间',
        NULL, NULL, NULL, %(archivist)s, NULL, NULL)
""",
    """
INSERT INTO archives_destructionitem (created_at, updated_at, rechecked, destruction_id, file_id)
SELECT d.proposed_at, d.proposed_at, false, d.id, f.id
FROM (SELECT id, row_number() OVER (ORDER BY retention_until, id) AS k FROM archives_archivefile
      WHERE state = 'filed' AND retention_until < %(today)s::date AND category = 'meter_return'
      ORDER BY retention_until, id LIMIT 400) f
JOIN archives_destruction d ON d.number = CASE WHEN f.k <= 200 THEN 'XH-2026-002' ELSE 'XH-2026-003' END
""",
    """
INSERT INTO archives_destruction_appraisal_group (destruction_id, user_id)
SELECT d.id, u FROM archives_destruction d CROSS JOIN unnest(ARRAY[%(archivist)s, %(head)s]::bigint[]) u
""",
    """
INSERT INTO archives_destruction_witnesses (destruction_id, user_id)
SELECT d.id, u FROM archives_destruction d CROSS JOIN unnest(ARRAY[%(archivist)s, %(head)s]::bigint[]) u
WHERE d.state = 'destroyed'
""",
]

# Loans: filed files that are neither confidential nor restricted, spread over the table (n ≡ 7 mod 29).
LOANS = [
    """
INSERT INTO archives_fileloan (created_at, updated_at, kind, state, purpose, for_work, requested_at,
  decided_at, decision_note, registered_at, borrower_signed_at, due_on, returned_at, overdue_alerted,
  borrower_id, decided_by_id, file_id, received_by_id, registered_by_id)
SELECT at, at + INTERVAL '5 days', kind, 'returned', purpose, true, at,
       CASE kind WHEN 'loan' THEN at + INTERVAL '2 hours' END, CASE kind WHEN 'loan' THEN '同意' ELSE '' END,
       at + INTERVAL '3 hours', at + INTERVAL '3 hours',
       CASE kind WHEN 'loan' THEN (at + INTERVAL '14 days')::date END,
       at + INTERVAL '5 days', false, borrower, CASE kind WHEN 'loan' THEN %(head)s END, id, %(archivist)s,
       %(archivist)s
FROM (
  SELECT f.id, (TIMESTAMPTZ '2020-01-02 09:00+08' + pg_temp.r(40, f.id) * INTERVAL '2500 days') AS at,
         CASE WHEN pg_temp.r(41, f.id) < 0.7 THEN 'read' ELSE 'loan' END AS kind,
         (ARRAY['核对用户资料','办理过户查阅原始资料','用户投诉调查','审计检查','水费纠纷核查'])
           [1 + floor(pg_temp.r(42, f.id) * 5)::int] AS purpose,
         (SELECT s.id FROM pg_temp.staff_pick s WHERE s.k = 1 + floor(pg_temp.r(43, f.id) * %(clerks)s)::int)
           AS borrower
  FROM archives_archivefile f
  WHERE f.state = 'filed' AND NOT f.confidential AND f.restricted_to = '' AND f.id %% 29 = 7
  ORDER BY f.id LIMIT 30000
) l
""",
    # the desk's current ones: k = 1..69 on other files
    """
INSERT INTO archives_fileloan (created_at, updated_at, kind, state, purpose, for_work, requested_at,
  decided_at, decision_note, registered_at, borrower_signed_at, due_on, returned_at, overdue_alerted,
  borrower_id, decided_by_id, file_id, received_by_id, registered_by_id)
SELECT at, at, kind, state, '用户投诉调查，需查阅原始资料', true, at,
       CASE WHEN state IN ('out', 'approved') THEN at + INTERVAL '2 hours' END,
       CASE WHEN state IN ('out', 'approved') THEN '同意' ELSE '' END,
       CASE WHEN state IN ('out', 'reading') THEN at + INTERVAL '3 hours' END,
       CASE WHEN state IN ('out', 'reading') THEN at + INTERVAL '3 hours' END,
       CASE WHEN state = 'out' THEN (at + INTERVAL '14 days')::date END, NULL, false,
       (SELECT s.id FROM pg_temp.staff_pick s WHERE s.k = 1 + l.k %% %(clerks)s),
       CASE WHEN state IN ('out', 'approved') THEN %(head)s END, id, NULL,
       CASE WHEN state IN ('out', 'reading') THEN %(archivist)s END
FROM (
  SELECT f.id, k,
         CASE WHEN k <= 40 THEN 'out' WHEN k <= 46 THEN 'reading' WHEN k <= 58 THEN 'requested'
              ELSE 'approved' END AS state,
         CASE WHEN k <= 40 OR k > 58 THEN 'loan' ELSE 'read' END AS kind,
         CASE WHEN k <= 8 THEN TIMESTAMPTZ '2026-11-02 09:30+08' + k * INTERVAL '1 day'
              WHEN k <= 40 THEN TIMESTAMPTZ '2026-11-23 09:30+08' + (k %% 10) * INTERVAL '1 day'
              ELSE TIMESTAMPTZ '2026-12-04 09:30+08' - (k %% 5) * INTERVAL '1 hour' END AS at
  FROM (SELECT f.id, row_number() OVER (ORDER BY f.id) AS k FROM archives_archivefile f
        WHERE f.state = 'filed' AND NOT f.confidential AND f.restricted_to = '' AND f.id %% 29 = 11
        ORDER BY f.id LIMIT 63) f
) l
""",
]

ITEMS = """
INSERT INTO archives_fileitem (created_at, updated_at, position, title, pages, original, added_by_id,
  removed_at, removed_by_id, removed_reason, file_id)
SELECT f.created_at, f.created_at, p,
       (ARRAY['申请表','身份证复印件','房产证明复印件','现场勘查记录','收费凭证','验收单','合同文本','图纸'])
         [1 + (p - 1) %% 8],
       1 + floor(pg_temp.r(30, f.id * 16 + p) * 6)::int, pg_temp.r(31, f.id * 16 + p) < 0.6,
       f.registered_by_id, NULL, NULL, '', f.id
FROM archives_archivefile f CROSS JOIN generate_series(1, %(items)s) p
WHERE f.id BETWEEN %(first)s AND %(last)s
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=200_000, help="rows per INSERT … SELECT")
    parser.add_argument("--items", type=int, default=0, help="content-list lines per file (default none)")
    parser.add_argument("--truncate", action="store_true")
    args = parser.parse_args()

    setup_django()
    require_postgresql()
    from django.db import connection, transaction

    from kefu.accounts.demo import create_demo_organisation
    from kefu.accounts.models import User
    from kefu.archives.models import ArchiveFile
    from kefu.customers.demo import seed_customers

    print("Machine:", machine(), flush=True)
    started = time.perf_counter()
    create_demo_organisation()
    step = time.perf_counter()
    result = seed_customers(args.customers, progress=_progress("customers", args.customers))
    print(
        f"\ncustomers: {result.created:,} made, {result.existing:,} there already, "
        f"{time.perf_counter() - step:.1f} s",
        flush=True,
    )
    with connection.cursor() as cursor:
        if args.truncate:
            cursor.execute(
                "TRUNCATE archives_fileitem, archives_fileloan, archives_destructionitem, "
                "archives_destruction_appraisal_group, archives_destruction_witnesses, "
                "archives_destruction, archives_archivefile RESTART IDENTITY CASCADE"
            )
            if result.created == 0:
                cursor.execute("ANALYZE customers_customer")
    existing = ArchiveFile.objects.count()
    if existing >= args.files:
        print(f"{existing:,} files already there (≥ {args.files:,}).")
        report()
        return
    if existing:
        raise SystemExit(f"{existing:,} files there, fewer than {args.files:,}: run with --truncate")

    users = dict(
        User.objects.filter(username__in=["archivist", "head", "director"]).values_list("username", "pk")
    )
    params = {
        "today": TODAY, "archivist": users["archivist"], "head": users["head"], "director": users["director"],
    }  # fmt: skip
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(RANDOM)
        cursor.execute("SET LOCAL work_mem = '256MB'")
        params["customers"], params["clerks"] = _pick_tables(cursor)
        cursor.execute(STAGE)
        step = time.perf_counter()
        for first, last in _batches(args.files, args.batch):
            cursor.execute(STAGE_ROWS, {**params, "first": first, "last": last})
            print(
                f"  files drawn {last:>9,} / {args.files:,}  {time.perf_counter() - step:6.1f} s", flush=True
            )
        dropped = _drop_secondary_indexes(cursor)
        step = time.perf_counter()
        cursor.execute(FILES, params)
        print(
            f"files {args.files:,} catalogued and written in {time.perf_counter() - step:.1f} s", flush=True
        )
        step = time.perf_counter()
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign-key checks, now
        print(f"foreign keys checked in {time.perf_counter() - step:.1f} s", flush=True)
        step = time.perf_counter()
        for statement in dropped:
            cursor.execute(statement)
        print(
            f"{len(dropped)} secondary indexes built again in {time.perf_counter() - step:.1f} s", flush=True
        )
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), (SELECT max(id) FROM {TABLE}))"
        )
        step = time.perf_counter()
        for statement in DESTRUCTIONS + LOANS:
            cursor.execute(statement, params)
        print(f"destruction lists and loans in {time.perf_counter() - step:.1f} s", flush=True)
    if args.items:
        step = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(RANDOM)
            for first, last in _batches(args.files, args.batch):
                cursor.execute(ITEMS, {"items": args.items, "first": first, "last": last})
                print(
                    f"  content lists {last:>9,} / {args.files:,}  {time.perf_counter() - step:6.1f} s",
                    flush=True,
                )
    step = time.perf_counter()
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"VACUUM ANALYZE {time.perf_counter() - step:.1f} s; total {time.perf_counter() - started:.1f} s")
    report()


def _progress(label: str, total: int):
    done = [0, time.perf_counter()]

    def update(n: int) -> None:
        done[0] += n
        if time.perf_counter() - done[1] > 5 or done[0] >= total:
            done[1] = time.perf_counter()
            print(f"  {label} {done[0]:>9,} / {total:,}", flush=True)

    return update


def _pick_tables(cursor) -> tuple[int, int]:
    """Temporary tables to draw from: categories by share, customers, and the staff who register files
    (counter clerks and the hotline's and branches' staff: anyone with a department)."""
    cursor.execute(
        "CREATE TEMP TABLE cat_pick (code text, prefix text, upto double precision, due_days int, "
        "retention_years int, confidential boolean, restricted text, source text) ON COMMIT DROP"
    )
    sources = {
        "process": "SL", "meter_replacement": "HB", "meter_return": "JB", "supply_contract": "GYS",
        "drawing": "TZ", "inspection": "JC", "owner": "YZ", "other": "QT", "tenant": "ZH",
    }  # fmt: skip
    total = 0.0
    for code, prefix, share, due, retention, confidential, restricted in CATEGORIES:
        total += share
        cursor.execute(
            "INSERT INTO cat_pick VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [code, prefix, total, due, retention, confidential, restricted, sources[code]],
        )
    cursor.execute("UPDATE cat_pick SET upto = 2 WHERE upto = (SELECT max(upto) FROM cat_pick)")
    cursor.execute(
        "CREATE TEMP TABLE cust_pick ON COMMIT DROP AS "
        "SELECT row_number() OVER (ORDER BY id) AS k, id FROM customers_customer"
    )
    cursor.execute("CREATE UNIQUE INDEX ON cust_pick (k)")
    cursor.execute("ANALYZE cust_pick")
    cursor.execute(
        "CREATE TEMP TABLE staff_pick ON COMMIT DROP AS "
        "SELECT row_number() OVER (ORDER BY id) AS k, id, department_id FROM accounts_user "
        "WHERE department_id IS NOT NULL AND is_active AND username <> 'admin'"
    )
    cursor.execute("ANALYZE staff_pick")
    cursor.execute("SELECT (SELECT count(*) FROM cust_pick), (SELECT count(*) FROM staff_pick)")
    customers, clerks = cursor.fetchone()
    if not customers or not clerks:
        raise SystemExit("no customers or no counter clerks: is the demo organisation there?")
    return customers, clerks


def _drop_secondary_indexes(cursor) -> list[str]:
    """Drop the file table's indexes that no constraint owns; return the statements that build them again."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = %s
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [TABLE],
    )
    rows = cursor.fetchall()
    for name, _ in rows:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in rows]


def _batches(count: int, size: int):
    for first in range(1, count + 1, size):
        yield first, min(first + size - 1, count)


def report() -> None:
    from django.db import connection

    print("Data:", "; ".join(table_sizes(TABLES)))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT category, count(*), count(*) FILTER (WHERE state = 'filed'),
                   count(*) FILTER (WHERE state = 'pending'), count(*) FILTER (WHERE state = 'destroyed'),
                   count(*) FILTER (WHERE restricted_to <> ''), min(finished_on), max(finished_on)
            FROM {TABLE} GROUP BY 1 ORDER BY 2 DESC
            """
        )
        print(f"  {'category':<18}{'files':>9}{'filed':>9}{'pending':>9}{'destroyed':>10}{'restricted':>11}")
        for category, count, filed, pending, destroyed, restricted, first, last in cursor.fetchall():
            print(
                f"  {category:<18}{count:>9,}{filed:>9,}{pending:>9,}{destroyed:>10,}{restricted:>11,}"
                f"   finished {first} … {last}"
            )
        cursor.execute(
            f"""
            SELECT count(*) FILTER (WHERE state = 'pending' AND filing_due_on < DATE '{TODAY}'),
                   count(*) FILTER (WHERE state = 'filed' AND retention_until < DATE '{TODAY}'),
                   count(DISTINCT customer_id), min(catalogue_number), max(catalogue_number)
            FROM {TABLE}
            """
        )
        overdue, past, customers, low, high = cursor.fetchone()
        print(
            f"  pending past their filing deadline {overdue:,}; filed past retention {past:,}; "
            f"{customers:,} customers with files; catalogue {low} … {high}"
        )
        cursor.execute("SELECT state, count(*) FROM archives_fileloan GROUP BY 1 ORDER BY 1")
        print("  loans:", ", ".join(f"{state} {count:,}" for state, count in cursor.fetchall()))


if __name__ == "__main__":
    main()
