"""Loads django-helpdesk with N tickets (default 1,000,000) and their follow-ups, for the side-by-side
benchmark with kefu (bench/bench_vs_helpdesk.py). Runs in helpdesk's own venv:

    bash bench/helpdesk/setup.sh
    var/helpdesk-venv/bin/python bench/helpdesk/load_tickets.py --tickets 1000000
    var/helpdesk-venv/bin/python bench/helpdesk/load_tickets.py --tickets 20000 --truncate   # quick check

What it makes, with the same water-utility matters as kefu's benchmark data (the templates of
bench/seed_hotline_bench.py, so that a keyword search finds the same words on both sides):

- 10 queues: six branches (the units kefu's repair, billing and complaint orders go to) and four
  offices (discipline, inspection, press, leadership) for the categories kefu routes there; a
  helpdesk ticket is a kefu contact, so consultations and invalid calls are tickets too;
- 31 staff users (hd_agent01…30 and the benchmark's hdbench, password Kefu@2026; hdbench sees 50
  tickets a page, as kefu's lists show), tickets assigned to one of them, a submitter e-mail each;
- created times spread evenly over the last --years years (ids in time order), a daily curve not
  modelled; tickets older than two weeks resolved or closed (1% left open, 1% reopened), the last
  two weeks' spread over open, resolved and closed;
- follow-ups as helpdesk writes them: "Ticket Opened & Assigned to …" with the description, a
  comment on 40% of tickets, "Resolved" with the reply and "Closed", each status change with its
  TicketChange row (field "Status", old and new value) — about 3.3 follow-ups per ticket.

How: chunks of --chunk tickets, each generated in this process and written by COPY in one
transaction (tickets, follow-ups, changes), with a progress line. Before the first chunk the three
tables' secondary indexes and foreign keys are dropped and their definitions saved in the table
bench_helpdesk_seed_state; they are re-created after the last chunk, then VACUUM ANALYZE. An
interrupted run resumes: run the same command again, it continues after the last committed ticket
(--truncate starts over). Deterministic for a given --seed and reference time (saved in the state).
"""

import argparse
import json
import os
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # hdsite
sys.path.insert(0, str(HERE.parent))  # bench/: the matter templates of seed_hotline_bench

# Only module-level constants are used from kefu's seed script: it imports nothing of kefu's at the top.
from seed_hotline_bench import CATEGORY_MIX, REPLIES, SUFFIXES, TEMPLATES  # noqa: E402

TABLES = ["helpdesk_ticket", "helpdesk_followup", "helpdesk_ticketchange"]
STATE_TABLE = "bench_helpdesk_seed_state"
PASSWORD = "Kefu@2026"
BENCH_USER = "hdbench"

# (slug, title): the branches first; kefu's unit kinds of the special categories after.
BRANCHES = [
    ("chengdong", "城东分公司"), ("chengxi", "城西分公司"), ("chengnan", "城南分公司"),
    ("chengbei", "城北分公司"), ("binjiang", "滨江分公司"), ("xiaoshan", "萧山分公司"),
]  # fmt: skip
OFFICES = {
    "misconduct": ("discipline", "纪检监察室"),
    "theft_report": ("inspection", "用水稽查大队"),
    "media": ("press", "宣传部"),
    "supervision": ("leadership", "总经理办公室"),
}
# Where the branches' words come from: estates and roads that kefu's benchmark phrases name too.
ESTATES = [
    "翠苑一区",
    "望江家园",
    "金色家园",
    "景芳三区",
    "三墩花苑",
    "闸弄口新村",
    "采荷新村",
    "古荡湾",
    "和睦新村",
    "朝晖七区",
    "丁桥景苑",
    "东新园",
    "湖墅嘉园",
    "蒋村花园",
    "九堡家苑",
    "城北商苑",
]
ROADS = ["文三路", "古墩路", "莫干山路", "凤起路", "解放路", "庆春路", "秋涛路", "天目山路", "教工路",
         "石桥路", "江南大道", "滨盛路", "市心路", "建设一路", "德胜路", "大关路"]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
PAPERS = ["都市快报", "钱江晚报", "杭州日报", "浙江电视台", "城市之声"]
COMMENTS = ["已电话联系客户，约定明天上午上门", "已转维修班组，现场查看中", "客户来电催办，已告知处理进度",
            "材料已申请，待到货后更换", "已联系物业配合处理", "需停水施工，已张贴停水通知"]  # fmt: skip
CLOSINGS = ["回访客户，表示满意", "客户确认问题已解决", "回访客户，基本满意", "客户未接电话，按规定关闭"]
CHUNK_TICKET_COLUMNS = (
    "id", "title", "created", "modified", "submitter_email", "status", "on_hold", "description",
    "resolution", "priority", "due_date", "last_escalation", "assigned_to_id", "queue_id", "secret_key",
    "kbitem_id", "merged_to_id",
)  # fmt: skip
FOLLOWUP_COLUMNS = (
    "id", "date", "title", "comment", "public", "new_status", "ticket_id", "user_id", "message_id",
    "time_spent", "email_recipients",
)  # fmt: skip
CHANGE_COLUMNS = ("id", "field", "old_value", "new_value", "followup_id")
OPEN, REOPENED, RESOLVED, CLOSED = 1, 2, 3, 4
STATUS_TEXT = {OPEN: "开放", REOPENED: "重新打开", RESOLVED: "已解决", CLOSED: "已关闭"}
DAY = timedelta(days=1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--years", type=float, default=3.0, help="how far back the tickets go")
    parser.add_argument("--chunk", type=int, default=20_000, help="tickets per transaction")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--truncate", action="store_true", help="delete the tickets and start over")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdsite.settings")
    import django

    django.setup()
    from django.db import connection

    started = time.perf_counter()
    world = make_world()
    with connection.cursor() as cursor:
        plan, ddl = prepare(cursor, args)
        cursor.execute("SELECT coalesce(max(id), 0) FROM helpdesk_ticket")
        done = cursor.fetchone()[0]
    total = plan["tickets"]
    print(
        f"Plan: {total:,} tickets over {plan['years']} years up to {plan['now']}, seed {plan['seed']}; "
        f"{done:,} there already, {max(total - done, 0):,} to load in chunks of {args.chunk:,}"
    )
    counts = load(connection, world, plan, first=done + 1, chunk=args.chunk)
    load_seconds = time.perf_counter() - started
    rows = sum(counts.values())
    per_second = 1 / max(load_seconds, 1e-9)
    print(
        f"Loaded {counts['tickets']:,} tickets, {counts['followups']:,} follow-ups, {counts['changes']:,} "
        f"changes ({rows:,} rows) in {load_seconds:.1f} s: {counts['tickets'] * per_second:,.0f} "
        f"tickets/s, {rows * per_second:,.0f} rows/s"
    )
    with connection.cursor() as cursor:
        index_seconds = restore(cursor, ddl) if ddl else 0.0
        for table in TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f'(SELECT coalesce(max(id), 0) + 1 FROM "{table}"), false)'
            )
        vacuum_started = time.perf_counter()
        for table in TABLES:
            cursor.execute(f'VACUUM ANALYZE "{table}"')
        vacuum_seconds = time.perf_counter() - vacuum_started
        cursor.execute(f"DROP TABLE IF EXISTS {STATE_TABLE}")
    print(
        f"Indexes and foreign keys re-created in {index_seconds:.1f} s; VACUUM ANALYZE {vacuum_seconds:.1f} s"
    )
    report(connection)
    print(f"Total {time.perf_counter() - started:.1f} s")


# -- Queues and users: few rows, through the ORM ---------------------------------------------------


def make_world() -> dict:
    """The queues and staff users (created if missing); returns their ids."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from helpdesk.models import Queue, UserSettings

    queues = {}
    for slug, title in BRANCHES + list(OFFICES.values()):
        queue, _ = Queue.objects.get_or_create(
            slug=slug, defaults={"title": title, "allow_public_submission": False, "escalate_days": None}
        )
        queues[slug] = queue.pk
    password = make_password(PASSWORD)  # hashed once, not 31 times
    users = []
    for username in [f"hd_agent{n:02d}" for n in range(1, 31)] + [BENCH_USER]:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"is_staff": True, "password": password, "email": f"{username}@example.com"},
        )
        users.append((user.pk, username))
    # kefu's lists show 50 rows a page; helpdesk's page size is a user setting (25 by default).
    UserSettings.objects.filter(user__username=BENCH_USER).update(tickets_per_page=50)
    return {"queues": queues, "users": users}


# -- State and indexes -----------------------------------------------------------------------------


def prepare(cursor, args) -> tuple[dict, list[str]]:
    """Start (or with --truncate start over) or resume: returns the plan and the saved definitions of
    the indexes and foreign keys to re-create at the end."""
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (key text PRIMARY KEY, value jsonb)")
    if args.truncate:
        # The tables referring to tickets and follow-ups go too (CASCADE): checklists, CCs, custom values.
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        cursor.execute(f"DELETE FROM {STATE_TABLE} WHERE key = 'plan'")
    cursor.execute(f"SELECT key, value FROM {STATE_TABLE}")
    state = {key: json.loads(value) if isinstance(value, str) else value for key, value in cursor.fetchall()}
    plan = state.get("plan")
    if plan is None:
        cursor.execute("SELECT count(*) FROM helpdesk_ticket")
        if cursor.fetchone()[0]:
            sys.exit("helpdesk_ticket has rows but no load plan: run with --truncate to start over")
        now = datetime.now(UTC).replace(microsecond=0)
        plan = {"tickets": args.tickets, "years": args.years, "seed": args.seed, "now": now.isoformat()}
        cursor.execute(f"INSERT INTO {STATE_TABLE} VALUES ('plan', %s)", [json.dumps(plan)])
    elif plan["tickets"] != args.tickets:
        # The created times are spread by the planned total: another total would not continue them.
        sys.exit(f"An unfinished load of {plan['tickets']:,} tickets is there: resume it, or --truncate")
    ddl = state.get("ddl")
    if ddl is None:
        ddl = drop_indexes(cursor)
    return plan, ddl


def drop_indexes(cursor) -> list[str]:
    """Drop the three tables' foreign keys and secondary indexes (not the primary keys: the load writes
    the ids), saving the statements that re-create them first."""
    create_first, create_last, drops = [], [], []
    for table in TABLES:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [table],
        )
        for name, definition in cursor.fetchall():
            create_last.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            drops.append(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY i.relname",
            [table],
        )
        for name, definition in cursor.fetchall():
            create_first.append(definition)
            drops.append(f'DROP INDEX "{name}"')
    ddl = create_first + create_last
    from django.db import transaction

    with transaction.atomic():  # the definitions are saved in the same transaction as they are dropped
        cursor.execute(f"INSERT INTO {STATE_TABLE} VALUES ('ddl', %s)", [json.dumps(ddl)])
        for statement in drops:
            cursor.execute(statement)
    print(f"Dropped {len(drops)} indexes and foreign keys for the load (saved in {STATE_TABLE}).")
    return ddl


def restore(cursor, ddl: list[str]) -> float:
    started = time.perf_counter()
    cursor.execute("SET maintenance_work_mem = '1GB'")
    for statement in ddl:
        t = time.perf_counter()
        cursor.execute(statement)
        print(f"  {time.perf_counter() - t:6.1f} s  {statement[:120]}")
    cursor.execute(f"DELETE FROM {STATE_TABLE} WHERE key = 'ddl'")
    return time.perf_counter() - started


# -- Generating and writing ------------------------------------------------------------------------


def load(connection, world: dict, plan: dict, *, first: int, chunk: int) -> dict[str, int]:
    """Tickets first..plan['tickets'], chunk by chunk, each chunk one transaction of three COPYs."""
    total = plan["tickets"]
    now = datetime.fromisoformat(plan["now"])
    start = now - timedelta(days=365.25 * plan["years"])
    step = (now - start) / total
    categories = list(CATEGORY_MIX)
    weights = [CATEGORY_MIX[c][0] for c in categories]
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM helpdesk_followup")
        next_followup = cursor.fetchone()[0] + 1
        cursor.execute("SELECT coalesce(max(id), 0) FROM helpdesk_ticketchange")
        next_change = cursor.fetchone()[0] + 1
    counts = {"tickets": 0, "followups": 0, "changes": 0}
    started = time.perf_counter()
    for low in range(first, total + 1, chunk):
        high = min(low + chunk - 1, total)
        # One generator per chunk, seeded by its first id: a resumed run makes the same rows.
        rng = random.Random(plan["seed"] * 1_000_003 + low)
        tickets, followups, changes = [], [], []
        for ticket_id in range(low, high + 1):
            category = rng.choices(categories, weights)[0]
            created = start + step * (ticket_id - 1) + step * rng.random()
            ticket, ticket_followups, ticket_changes = make_ticket(
                rng, world, ticket_id, category, created, now, next_followup, next_change
            )
            next_followup += len(ticket_followups)
            next_change += len(ticket_changes)
            tickets.append(ticket)
            followups.extend(ticket_followups)
            changes.extend(ticket_changes)
        raw = connection.connection  # the psycopg 3 connection under Django's
        with connection.cursor():  # (opens the connection if needed)
            pass
        with raw.transaction():
            with raw.cursor() as cursor:
                copy_rows(cursor, "helpdesk_ticket", CHUNK_TICKET_COLUMNS, tickets)
                copy_rows(cursor, "helpdesk_followup", FOLLOWUP_COLUMNS, followups)
                copy_rows(cursor, "helpdesk_ticketchange", CHANGE_COLUMNS, changes)
        counts["tickets"] += len(tickets)
        counts["followups"] += len(followups)
        counts["changes"] += len(changes)
        progress(high, total, first, counts["tickets"], time.perf_counter() - started)
    print()
    return counts


def copy_rows(cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    with cursor.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


def progress(done: int, total: int, first: int, loaded: int, seconds: float) -> None:
    width = 30
    filled = int(width * done / total)
    rate = loaded / max(seconds, 1e-9)
    eta = (total - done) / max(rate, 1e-9)
    print(
        f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} tickets "
        f"({100 * done / total:.0f}%)  {rate:,.0f} tickets/s  ETA {eta:,.0f} s   ",
        end="",
        flush=True,
    )


def make_ticket(rng, world, ticket_id, category, created, now, next_followup, next_change):
    """One ticket with its follow-ups and status changes, as rows for COPY."""
    words = {
        "estate": rng.choice(ESTATES), "bldg": f"{rng.randint(1, 30)}幢", "unit": f"{rng.randint(1, 6)}单元",
        "road": rng.choice(ROADS), "road2": rng.choice(ROADS), "no": f"{rng.randint(1, 400)}号",
        "hours": rng.randint(3, 30), "month": f"{rng.randint(1, 12)}月", "months": rng.randint(2, 6),
        "amount": rng.randint(20, 900), "paper": rng.choice(PAPERS),
        "date": f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
    }  # fmt: skip
    matter = rng.choice(TEMPLATES[category]).format(**words)
    caller = rng.choice(SURNAMES) + rng.choice(["先生", "女士"])
    phone = f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"
    description = (
        f"{matter}{rng.choice(SUFFIXES)}。来电人：{caller}，电话 {phone}，"
        f"地址：{words['road']}{words['no']}{words['estate']}{words['bldg']}{words['unit']}。"
    )
    if category in OFFICES:
        queue = world["queues"][OFFICES[category][0]]
    else:
        queue = world["queues"][rng.choice(BRANCHES)[0]]
    agent_id, agent_name = rng.choice(world["users"][:-1])
    opener_id = rng.choice(world["users"][:-1])[0]
    priority = rng.choices([1, 2, 3, 4, 5], [2, 8, 70, 15, 5])[0]
    age = now - created
    # Old tickets are finished; the last two weeks' are still in progress in part.
    if age > 14 * DAY:
        status = rng.choices([CLOSED, RESOLVED, OPEN, REOPENED], [90, 8, 1, 1])[0]
    else:
        status = rng.choices([OPEN, RESOLVED, CLOSED, REOPENED], [45, 25, 28, 2])[0]
    resolved_at = created + timedelta(hours=rng.uniform(2, 120))
    closed_at = resolved_at + timedelta(hours=rng.uniform(4, 72))
    resolved_at, closed_at = min(resolved_at, now), min(closed_at, now)
    reply = rng.choice(REPLIES.get(category, ["已处理完毕并回复客户"]))

    followups, changes = [], []
    fid, cid = next_followup, next_change

    def followup(date, title, comment, new_status=None, user=agent_id):
        nonlocal fid
        followups.append((fid, date, title, comment, True, new_status, ticket_id, user, None, None, None))
        fid += 1
        return fid - 1

    def change(followup_id, old, new):
        nonlocal cid
        changes.append((cid, "Status", STATUS_TEXT[old], STATUS_TEXT[new], followup_id))
        cid += 1

    followup(created, f"Ticket Opened & Assigned to {agent_name}", description, user=opener_id)
    if rng.random() < 0.4:
        followup(created + (resolved_at - created) / 2, "Comment", rng.choice(COMMENTS))
    resolution = None
    modified = created
    if status in (RESOLVED, CLOSED, REOPENED):
        change(followup(resolved_at, "已解决", reply, RESOLVED), OPEN, RESOLVED)
        resolution, modified = reply, resolved_at
    if status == CLOSED:
        change(followup(closed_at, "已关闭", rng.choice(CLOSINGS), CLOSED), RESOLVED, CLOSED)
        modified = closed_at
    if status == REOPENED:
        change(followup(closed_at, "重新打开", "客户来电反映问题仍未解决", REOPENED), RESOLVED, REOPENED)
        modified = closed_at
    ticket = (
        ticket_id, matter[:200], created, modified, f"c{rng.randrange(10**7):07d}@example.com", status,
        False, description, resolution, priority, created + timedelta(days=rng.choice([1, 3, 5, 7])), None,
        agent_id, queue, str(uuid.UUID(int=rng.getrandbits(128), version=4)), None, None,
    )  # fmt: skip
    return ticket, followups, changes


# -- Report ----------------------------------------------------------------------------------------


def report(connection) -> None:
    with connection.cursor() as cursor:
        print("\nRows and sizes (table + indexes):")
        for table in TABLES:
            cursor.execute(
                f"SELECT count(*), pg_size_pretty(pg_table_size(%s::regclass)), "
                f'pg_size_pretty(pg_indexes_size(%s::regclass)) FROM "{table}"',
                [table, table],
            )
            count, size, indexes = cursor.fetchone()
            print(f"  {table:<24}{count:>12,}  table {size:>8}  indexes {indexes:>8}")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"  database {cursor.fetchone()[0]}")
        cursor.execute(
            "SELECT q.title, count(*), count(*) FILTER (WHERE t.status IN (1, 2)) FROM helpdesk_ticket t "
            "JOIN helpdesk_queue q ON q.id = t.queue_id GROUP BY q.title ORDER BY 2 DESC"
        )
        print("Tickets by queue (all, open or reopened):")
        for title, count, open_count in cursor.fetchall():
            print(f"  {title:<12}{count:>12,}{open_count:>10,}")


if __name__ == "__main__":
    main()
