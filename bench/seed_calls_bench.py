"""Benchmark data for telephony: the PBX calls behind the hotline's phone contacts (table telephony_call),
derived in SQL from hotline_contact, after bench/seed_hotline_bench.py.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench
    .venv/bin/python bench/seed_calls_bench.py               # resumable; does nothing when done
    .venv/bin/python bench/seed_calls_bench.py --truncate    # start over (empties the call tables)

What a real call leaves (telephony.services.record_call_event, one row per call rebuilt from the
PBX's ring, answer and hangup events) and how a contact points to it (the workspace opens the
contact form from the screen pop with the call's call_id, and open_contact stores it on the contact:
hotline_contact.call_id = telephony_call.call_id; the call has no key to the contact):

- one answered call per phone contact that has a call_id (the hotline seed gives every phone contact
  one): the same call_id, caller_number = the contact's phone, agent = the contact's agent (whoever
  answers owns the call), customer = the contact's customer (the ring matches the caller's number to
  the customer); answered some 20 s to 4 min before the contact was saved (received_at is when the
  agent saved the form), hung up shortly before or after the save; started_at = ring_at;
- ring seconds as the policy judges them (telephony.answer_within_seconds, 铃响三声内接听, 15 s by
  default, read from the database): most calls answered within the limit, skewed to the first two
  rings; a share answered late (5 % off-peak, 14 % in the 9–11 h and 14–16 h peaks, a few points more
  in July, August and January), ring_seconds = answer − ring and answered_in_time = ring ≤ limit,
  exactly as services._judge computes them;
- missed calls with no contact at all (--missed-share of the phone contacts, 6 % by default): the
  same caller tried a few minutes to an hour earlier and got nobody; 60 % gave up before the limit
  (answered_in_time NULL: not judged), 40 % rang past it and hung up (answered_in_time false); no
  answer_at, no ring_seconds; call_id = the later call's id + "M".

No telephony_callevent or core_event rows unless --events: with it, the ring, answer and hangup
events each call would have had (three rows per answered call, two per missed one) are written too.

How: one INSERT … SELECT per month of received_on, each in its own transaction with its row in the
state table bench_calls_seed_state, so that an interrupted run resumes with the next month. The
random draws are hashes of the contact id (hashint8extended with --seed): the same data every run.
With an empty table the secondary indexes and the foreign keys to users and customers are dropped
first and re-created at the end, exactly as they were (their definitions are kept in the state
table until then); the unique call_id stays (telephony_callevent's foreign key needs it).
--keep-indexes loads with everything in place. VACUUM ANALYZE at the end.
"""

import argparse
import json
import os
import sys
import time
from datetime import date

from _setup import machine, require_postgresql, setup_django

TABLE = "telephony_call"
STATE_TABLE = "bench_calls_seed_state"
CALL_COLUMNS = (
    "call_id, caller_number, agent_id, customer_id, started_at, ring_at, answer_at, hangup_at, "
    "ring_seconds, answered_in_time"
)


def uniform(seed: int, k: int, column: str = "id") -> str:
    """SQL for a uniform draw in [0, 1) from the row's id: draw number k of this seed."""
    return f"((hashint8extended({column}, {seed * 64 + k}) & 2147483647)::float8 / 2147483648.0)"


def month_sql(seed: int, limit: float, missed_share: float) -> str:
    """INSERT the calls of the contacts received in [%(start)s, %(end)s)."""
    u = {k: uniform(seed, k) for k in range(1, 10)}
    late_share = (
        "(CASE WHEN local_hour BETWEEN 9 AND 10 OR local_hour BETWEEN 14 AND 15 THEN 0.14 ELSE 0.05 END"
        " + CASE WHEN local_month IN (1, 7, 8) THEN 0.04 ELSE 0 END)"
    )
    return f"""
WITH phone AS (
    SELECT id, call_id, left(phone, 20) AS phone, agent_id, customer_id, received_at,
           extract(hour FROM received_at AT TIME ZONE 'Asia/Shanghai') AS local_hour,
           extract(month FROM received_at AT TIME ZONE 'Asia/Shanghai') AS local_month,
           {u[1]} AS u1, {u[2]} AS u2, {u[3]} AS u3, {u[4]} AS u4, {u[5]} AS u5,
           {u[6]} AS u6, {u[7]} AS u7, {u[8]} AS u8
    FROM hotline_contact
    WHERE received_on >= %(start)s AND received_on < %(end)s AND channel = 'phone' AND call_id <> ''
),
timed AS (
    SELECT phone.*,
           round((CASE WHEN u1 < {late_share}
                       THEN {limit} + 0.5 + 75 * u2 * u2
                       ELSE 1.5 + ({limit} - 1.5) * power(u2, 1.4) END)::numeric, 3)::float8 AS ring_s,
           received_at - make_interval(secs => round((20 + 220 * u3 * u3)::numeric, 3)) AS answer_at
    FROM phone
),
calls AS (
    SELECT call_id, phone, agent_id, customer_id,
           answer_at - make_interval(secs => ring_s) AS ring_at,
           answer_at,
           -- saved during the call or just after it; never before the answer, never in the future
           LEAST(GREATEST(received_at + make_interval(secs => 150 * u4 * u4 - 40),
                          answer_at + interval '10 seconds'),
                 GREATEST(now(), answer_at)) AS hangup_at,
           ring_s AS ring_seconds,
           ring_s <= {limit} AS answered_in_time
    FROM timed
    UNION ALL
    -- the same caller, a few minutes to an hour earlier: nobody answered
    SELECT call_id || 'M', phone, agent_id, customer_id, missed_ring_at, NULL,
           missed_ring_at + make_interval(secs => CASE WHEN u7 < 0.6 THEN 2 + ({limit} - 2) * u8
                                                       ELSE {limit} + 1 + 45 * u8 END),
           NULL, CASE WHEN u7 < 0.6 THEN NULL ELSE false END
    FROM (SELECT timed.*, answer_at - make_interval(secs => ring_s + 120 + 3300 * u6) AS missed_ring_at
          FROM timed WHERE u5 < {missed_share}) AS missed
)
INSERT INTO {TABLE} ({CALL_COLUMNS})
SELECT call_id, phone, agent_id, customer_id, ring_at, ring_at, answer_at, hangup_at, ring_seconds,
       answered_in_time
FROM calls
ORDER BY ring_at
"""


EVENTS_SQL = f"""
INSERT INTO telephony_callevent (call_id, event_type, agent_id, agent_code, caller_number, occurred_at,
                                 received_at, raw)
SELECT c.call_id, e.event_type, c.agent_id, coalesce(nullif(u.employee_no, ''), u.username),
       c.caller_number, e.at, e.at + interval '80 milliseconds',
       jsonb_build_object('call_id', c.call_id, 'event', e.event_type,
                          'agent', coalesce(nullif(u.employee_no, ''), u.username),
                          'caller', c.caller_number,
                          'timestamp', to_char(e.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS'))
FROM {TABLE} c
JOIN accounts_user u ON u.id = c.agent_id
CROSS JOIN LATERAL (VALUES ('ring', c.ring_at), ('answer', c.answer_at), ('hangup', c.hangup_at))
     AS e(event_type, at)
WHERE c.id >= %(first_id)s AND e.at IS NOT NULL
ORDER BY c.id, e.at
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=96390)
    parser.add_argument("--missed-share", type=float, default=0.06, help="missed calls per phone contact")
    parser.add_argument("--truncate", action="store_true", help="empty the call tables and start over")
    parser.add_argument("--events", action="store_true", help="write the calls' PBX events too")
    parser.add_argument(
        "--keep-indexes", action="store_true", help="load with the indexes and foreign keys in place"
    )
    args = parser.parse_args()

    setup_django()
    require_postgresql()
    import psycopg
    from tqdm import tqdm

    from kefu.telephony.services import answer_limit_seconds

    print("Machine:", machine())
    limit = answer_limit_seconds()
    started = time.perf_counter()
    url = os.environ["DATABASE_URL"]
    with psycopg.connect(url, autocommit=True) as admin:
        state = prepare(admin, args)
        if state is None:
            return
        months = [
            row[0]
            for row in admin.execute(
                "SELECT DISTINCT date_trunc('month', received_on)::date FROM hotline_contact ORDER BY 1"
            )
        ]
        done = {key.removeprefix("month:") for key in state if key.startswith("month:")}
        todo = [m for m in months if m.isoformat() not in done]
        print(
            f"Answer limit {limit:g} s (telephony.answer_within_seconds); {len(months)} months of contacts, "
            f"{len(todo)} to do; missed calls {args.missed_share:.0%} of the phone contacts"
            + ("; with their PBX events" if args.events else "")
        )
        sql = month_sql(args.seed, limit, args.missed_share)
        rows_total = events_total = 0
        load_started = time.perf_counter()
        with tqdm(total=len(todo), unit="month", mininterval=1.0) as bar:
            for month in todo:
                following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
                t = time.perf_counter()
                with admin.transaction():
                    first_id = admin.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {TABLE}").fetchone()[0]
                    rows = admin.execute(sql, {"start": month, "end": following}).rowcount
                    events = 0
                    if args.events:
                        events = admin.execute(EVENTS_SQL, {"first_id": first_id}).rowcount
                    admin.execute(
                        f"INSERT INTO {STATE_TABLE} VALUES (%s, %s)",
                        (
                            f"month:{month.isoformat()}",
                            json.dumps({"calls": rows, "events": events, "seconds": time.perf_counter() - t}),
                        ),
                    )
                rows_total += rows
                events_total += events
                bar.set_postfix_str(f"{month:%Y-%m} calls {rows_total:,}", refresh=False)
                bar.update(1)
        load_seconds = time.perf_counter() - load_started
        print(
            f"Inserted {rows_total:,} calls"
            + (f" and {events_total:,} events" if args.events else "")
            + f" in {load_seconds:.1f} s ({rows_total / max(load_seconds, 1e-9):,.0f} calls/s)"
        )
        ddl = state.get("ddl")
        index_seconds = restore(admin, ddl) if ddl else 0.0
        t = time.perf_counter()
        admin.execute(f"VACUUM ANALYZE {TABLE}")
        if args.events:
            admin.execute("VACUUM ANALYZE telephony_callevent")
        vacuum_seconds = time.perf_counter() - t
        admin.execute(f"DROP TABLE IF EXISTS {STATE_TABLE}")
        print(
            f"Indexes and foreign keys re-created in {index_seconds:.1f} s; "
            f"VACUUM ANALYZE {vacuum_seconds:.1f} s"
        )
        report(admin, limit)
    print(f"Total {time.perf_counter() - started:.1f} s")


def prepare(admin, args) -> dict | None:
    """Start or resume; returns the state ({'ddl': […], 'month:YYYY-MM-DD': …}), or None when done."""
    admin.execute(f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (key text PRIMARY KEY, value jsonb NOT NULL)")
    if args.truncate:
        admin.execute(f"DELETE FROM {STATE_TABLE} WHERE key LIKE 'month:%'")
        admin.execute(f"TRUNCATE telephony_callevent, {TABLE}")
        print("Truncated telephony_call and telephony_callevent.")
    state = dict(admin.execute(f"SELECT key, value FROM {STATE_TABLE}").fetchall())
    if not any(key.startswith("month:") for key in state):
        existing = admin.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]
        if existing:
            admin.execute(f"DROP TABLE {STATE_TABLE}")
            print(
                f"{TABLE} has {existing:,} calls and no unfinished load: nothing to do "
                "(--truncate to start over)"
            )
            return None
        if not admin.execute(
            "SELECT EXISTS (SELECT 1 FROM hotline_contact WHERE channel = 'phone')"
        ).fetchone()[0]:
            admin.execute(f"DROP TABLE {STATE_TABLE}")
            sys.exit("No phone contacts: run bench/seed_hotline_bench.py first")
    if "ddl" not in state and not args.keep_indexes:
        state["ddl"] = drop_indexes(admin)
    return state


def drop_indexes(admin) -> list[str]:
    """Drop the secondary indexes (not the primary key, not the unique call_id) and the foreign keys to
    users and customers; return the statements that re-create them, saved in the state table first."""
    statements, drops = [], []
    for name, definition in admin.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY i.relname",
        (TABLE,),
    ).fetchall():
        statements.append(definition)
        drops.append(f'DROP INDEX "{name}"')
    for name, definition in admin.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        (TABLE,),
    ).fetchall():
        statements.append(f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{name}" {definition}')
        drops.append(f'ALTER TABLE "{TABLE}" DROP CONSTRAINT "{name}"')
    with admin.transaction():
        admin.execute(f"INSERT INTO {STATE_TABLE} VALUES ('ddl', %s)", (json.dumps(statements),))
        for statement in drops:
            admin.execute(statement)
    print(f"Dropped {len(drops)} indexes and foreign keys for the load (saved in {STATE_TABLE}).")
    return statements


def restore(admin, ddl: list[str]) -> float:
    started = time.perf_counter()
    admin.execute("SET maintenance_work_mem = '1GB'")
    for statement in ddl:
        t = time.perf_counter()
        # Idempotent, for a run interrupted half-way through re-creating them.
        if statement.startswith("ALTER TABLE"):
            name = statement.split('"')[3]
            if admin.execute("SELECT 1 FROM pg_constraint WHERE conname = %s", (name,)).fetchone():
                continue
        else:
            statement = statement.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
        admin.execute(statement)
        print(f"  {time.perf_counter() - t:6.1f} s  {statement[:140]}")
    admin.execute(f"DELETE FROM {STATE_TABLE} WHERE key = 'ddl'")
    return time.perf_counter() - started


def report(admin, limit: float) -> None:
    size = admin.execute(
        f"SELECT pg_size_pretty(pg_table_size('{TABLE}')), pg_size_pretty(pg_indexes_size('{TABLE}'))"
    ).fetchone()
    total, answered, in_time, late, missed_late, gave_up, avg_ring, p90 = admin.execute(
        f"""SELECT count(*), count(answer_at), count(*) FILTER (WHERE answered_in_time),
                   count(*) FILTER (WHERE answer_at IS NOT NULL AND NOT answered_in_time),
                   count(*) FILTER (WHERE answer_at IS NULL AND answered_in_time = false),
                   count(*) FILTER (WHERE answer_at IS NULL AND answered_in_time IS NULL),
                   avg(ring_seconds), percentile_cont(0.9) WITHIN GROUP (ORDER BY ring_seconds)
            FROM {TABLE}"""
    ).fetchone()
    linked = admin.execute(
        f"SELECT count(*) FROM hotline_contact c JOIN {TABLE} t ON t.call_id = c.call_id "
        "WHERE c.call_id <> ''"
    ).fetchone()[0]
    judged = in_time + late + missed_late
    print(
        f"{TABLE}: {total:,} calls ({size[0]} + {size[1]} indexes); answered {answered:,}, "
        f"of which within {limit:g} s {in_time:,} and late {late:,}; missed {total - answered:,} "
        f"({missed_late:,} rang past the limit, {gave_up:,} gave up sooner); "
        f"及时接听率 {in_time * 100 / max(judged, 1):.1f} %; ring seconds avg {avg_ring or 0:.1f}, "
        f"p90 {p90 or 0:.1f}; contacts linked to their call {linked:,}"
    )


if __name__ == "__main__":
    main()
