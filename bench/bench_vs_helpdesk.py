"""kefu and django-helpdesk side by side, in the same run: the same four everyday operations on both,
on the same PostgreSQL server, timed by the same code, then a table of the latency ratios.

    bash bench/helpdesk/setup.sh                                          # once: venv, database, migrate
    var/helpdesk-venv/bin/python bench/helpdesk/load_tickets.py --tickets 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench \\
        .venv/bin/python bench/bench_vs_helpdesk.py [--iterations 100] [--only queue,search] [--json FILE]

| operation | kefu (this process, DATABASE_URL)            | django-helpdesk (var/helpdesk-venv)        |
|-----------|----------------------------------------------|--------------------------------------------|
| queue     | GET /api/hotline/work-orders?queue=unit as    | GET /tickets/?queue=<branch>&status=1&     |
|           | a branch's staff (unit11), first page (50)    | status=2 + its DataTables call (50 rows)   |
| detail    | GET /hotline/orders/<id>/, random work order  | GET /tickets/<id>/, random ticket          |
| create    | POST /api/hotline/contacts (JSON): a repair   | POST /tickets/submit/ (staff form): a      |
|           | transferred to a branch (contact + order)     | ticket in the branch's queue               |
| search    | GET /api/hotline/contacts?q=<word>            | GET /tickets/?q=<word> + DataTables call   |

Both sides run django.test.Client in-process (no network, no browser), DEBUG off, logged in, and read
the Server-Timing header of each response (the server's own time, from the first middleware to the
response); wall time around the whole call is kept too. The operations alternate: helpdesk's (a
subprocess of bench/helpdesk/bench_helpdesk.py in its venv, --only that operation) then kefu's, so a
background load weighs on both alike. Same keywords on both sides (bench_hotline's common words and
phrases). Each operation: --warm untimed calls, then --iterations timed ones, bounded by
--max-call-seconds (PostgreSQL statement_timeout; a call over it ends the operation and is reported)
and --max-op-seconds per operation and side.

The create calls really create contacts and work orders in kefu's database (and tickets in
helpdesk's): a few hundred per run.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from _setup import ROOT, database_size, machine, require_postgresql, setup_django, table_sizes

sys.path.insert(0, str(ROOT / "bench" / "helpdesk"))
# Standard library only at its top level: the timing loop and the summary are shared with helpdesk's side.
from bench_helpdesk import OPERATIONS, count_queries, limit_statements, run_operation, server_ms  # noqa: E402

HELPDESK_PYTHON = ROOT / "var" / "helpdesk-venv" / "bin" / "python"
HELPDESK_BENCH = ROOT / "bench" / "helpdesk" / "bench_helpdesk.py"
KEFU_TABLES = [
    "hotline_contact",
    "hotline_workorder",
    "hotline_callback",
    "hotline_returnvisit",
    "core_event",
]
LABELS = {
    "queue": "unit queue / queue ticket list, first page",
    "detail": "work order page / ticket page",
    "create": "create (repair to a branch)",
    "search": "keyword search",
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--iterations", type=int, default=100, help="timed calls per operation and side")
    parser.add_argument("--warm", type=int, default=5, help="untimed calls first")
    parser.add_argument(
        "--only", default=",".join(OPERATIONS), help="comma-separated: " + ",".join(OPERATIONS)
    )
    parser.add_argument("--agent", default="agent11", help="kefu: the agent who creates, searches, opens")
    parser.add_argument("--unit-user", default="unit11", help="kefu: a branch's staff member (unit queue)")
    parser.add_argument("--queue", default="chengdong", help="helpdesk: slug of the branch queue")
    parser.add_argument("--max-call-seconds", type=float, default=30.0)
    parser.add_argument("--max-op-seconds", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", help="also write the raw results to this file")
    parser.add_argument(
        "--helpdesk-database-url",
        default=os.environ.get("HELPDESK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/helpdesk_bench"),
    )
    args = parser.parse_args()
    if not HELPDESK_PYTHON.exists():
        sys.exit(f"{HELPDESK_PYTHON} is missing: run bash bench/helpdesk/setup.sh first")

    limit_statements(args.max_call_seconds)
    setup_django()
    require_postgresql()
    from bench_hotline import PHRASES_COMMON, WORDS_COMMON

    words = WORDS_COMMON + PHRASES_COMMON
    print("Machine:", machine(), flush=True)
    kefu = KefuSide(args, words)
    results = {"machine": machine(), "kefu": {"data": kefu.data_size(), "operations": {}}, "helpdesk": None}
    started = time.perf_counter()
    for name in [o for o in args.only.split(",") if o]:
        print(f"{name}: django-helpdesk …", flush=True)
        helpdesk = run_helpdesk(args, name, words)
        results["helpdesk"] = results["helpdesk"] or {"data": helpdesk["data"], "operations": {}}
        results["helpdesk"]["operations"][name] = helpdesk["operations"][name]
        print(f"{name}: kefu …", flush=True)
        results["kefu"]["operations"][name] = kefu.run(name)
    results["seconds"] = round(time.perf_counter() - started, 1)
    print()
    print(report(results, args))
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2))
        print(f"\nRaw results written to {args.json}")


# -- helpdesk: a subprocess in its own venv --------------------------------------------------------


def run_helpdesk(args, name: str, words: list[str]) -> dict:
    command = [
        str(HELPDESK_PYTHON), str(HELPDESK_BENCH), "--only", name, "--iterations", str(args.iterations),
        "--warm", str(args.warm), "--queue", args.queue, "--words", ",".join(words), "--seed", str(args.seed),
        "--max-call-seconds", str(args.max_call_seconds), "--max-op-seconds", str(args.max_op_seconds),
    ]  # fmt: skip
    # Its own environment: helpdesk's database, not kefu's settings.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PGOPTIONS")
    }
    env["HELPDESK_DATABASE_URL"] = args.helpdesk_database_url
    # The subprocess bounds itself; this is only a last resort if it hangs outside a statement.
    deadline = args.max_op_seconds + args.max_call_seconds * (args.warm + 2) + 120
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=deadline, check=False)
    sys.stderr.write(done.stderr)
    if done.returncode != 0:
        sys.exit(f"bench_helpdesk.py failed ({done.returncode})")
    return json.loads(done.stdout)


# -- kefu: in this process --------------------------------------------------------------------------


class KefuSide:
    def __init__(self, args, words: list[str]):
        from django.test import Client

        from kefu.accounts.models import User

        self.args, self.words = args, words
        self.rng = random.Random(args.seed)
        self.agent = User.objects.get(username=args.agent)
        self.unit_user = User.objects.get(username=args.unit_user)
        self.agent_client, self.unit_client = Client(), Client()
        self.agent_client.force_login(self.agent)
        self.unit_client.force_login(self.unit_user)

    def run(self, name: str) -> dict:
        n, warm = self.args.iterations, self.args.warm
        if name == "queue":
            label, call, inputs, warm_inputs = (
                f"GET /api/hotline/work-orders?queue=unit ({self.unit_user.username}, {self.unit_user.unit})",
                self.queue, list(range(n)), list(range(warm)),
            )  # fmt: skip
        elif name == "detail":
            ids = sample_work_orders(self.rng, n + warm)
            label, call, inputs, warm_inputs = (
                "GET /hotline/orders/<id>/, random work order",
                self.detail,
                ids[warm:],
                ids[:warm],
            )
        elif name == "create":
            from bench_hotline import sample_customers

            customers = sample_customers(self.rng, n + warm + 1)
            label, call, inputs, warm_inputs = (
                "POST /api/hotline/contacts (repair, transferred)", self.create,
                customers[warm : warm + n], customers[:warm],
            )  # fmt: skip
        else:
            words = [self.words[i % len(self.words)] for i in range(n)]
            label, call, inputs, warm_inputs = (
                "GET /api/hotline/contacts?q=<word>",
                self.search,
                words,
                self.words[:warm],
            )
        result = run_operation(
            label, call, inputs, warm=warm_inputs,
            max_call_seconds=self.args.max_call_seconds, max_op_seconds=self.args.max_op_seconds,
        )  # fmt: skip
        if result["n"]:
            result["queries"] = count_queries(call, inputs[-1])
        print(f"  kefu {name}: {result['n']} calls, server {result.get('server_ms')}", file=sys.stderr)
        return result

    def queue(self, _) -> tuple[float, int]:
        response = self.unit_client.get("/api/hotline/work-orders?queue=unit")
        assert response.status_code == 200, (response.status_code, response.content[:300])
        return server_ms(response), len(response.json()["results"])

    def detail(self, order_id: int) -> tuple[float, int]:
        response = self.agent_client.get(f"/hotline/orders/{order_id}/")
        assert response.status_code == 200, (order_id, response.status_code)
        return server_ms(response), 1

    def create(self, customer) -> tuple[float, int]:
        from seed_hotline_bench import SUFFIXES, TEMPLATES

        repairs = [t for t in TEMPLATES["repair"] if "漏水" in t]
        matter = self.rng.choice(repairs).format(
            estate="翠苑一区", bldg="3幢", unit="2单元", road="文三路", road2="古墩路", no="100号", hours=5
        ) + self.rng.choice(SUFFIXES)
        payload = {
            "channel": "phone", "customer_id": customer.pk, "phone": customer.phone, "matter": matter,
            "category": "repair", "disposition": "transferred",
        }  # fmt: skip
        response = self.agent_client.post("/api/hotline/contacts", payload, content_type="application/json")
        assert response.status_code == 201, (response.status_code, response.content[:300])
        return server_ms(response), 1

    def search(self, word: str) -> tuple[float, int]:
        response = self.agent_client.get("/api/hotline/contacts", {"q": word})
        assert response.status_code == 200, (response.status_code, response.content[:300])
        return server_ms(response), len(response.json()["results"])

    def data_size(self) -> dict:
        from django.db import connection

        from kefu.hotline.models import WorkOrder

        unit_orders = WorkOrder.objects.filter(unit_id=self.unit_user.unit_id)
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database(), pg_database_size(current_database())")
            database, database_bytes = cursor.fetchone()
        return {
            "tables": table_sizes(KEFU_TABLES),
            "unit": {
                "name": str(self.unit_user.unit),
                "orders": unit_orders.count(),
                "open": unit_orders.open().count(),
            },
            "database": database,
            "database_size": database_size(),
            "database_bytes": database_bytes,
        }


def sample_work_orders(rng, count: int) -> list[int]:
    """Random work order ids: a sample of the table's pages (about 5× the count wanted, more if the
    pages drawn were too few), shuffled."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'hotline_workorder'")
        rows = max(cursor.fetchone()[0], 1)
        percent = min(100.0, 100.0 * count * 5 / rows)
        while True:
            cursor.execute(
                f"SELECT id FROM hotline_workorder TABLESAMPLE SYSTEM ({percent:.6f}) REPEATABLE (%s)",
                [rng.randrange(1, 1_000_000)],
            )
            ids = [row[0] for row in cursor.fetchall()]
            if len(ids) >= count or percent >= 100:
                break
            percent = min(100.0, percent * 4)
    rng.shuffle(ids)
    if len(ids) < count:
        sys.exit(f"only {len(ids)} work orders, {count} wanted: load the benchmark data first")
    return ids[:count]


# -- Report ----------------------------------------------------------------------------------------


def report(results: dict, args) -> str:
    kefu, helpdesk = results["kefu"], results["helpdesk"]
    hd = helpdesk["data"]
    lines = [
        f"Machine: {results['machine']}",
        "",
        f"kefu: {kefu['data']['database']} {kefu['data']['database_size']}; "
        + "; ".join(kefu["data"]["tables"])
        + f"; unit queue of {kefu['data']['unit']['name']}: {kefu['data']['unit']['orders']:,} work orders, "
        f"{kefu['data']['unit']['open']:,} open",
        f"django-helpdesk {hd['helpdesk_version']}: {hd['database']} {gib(hd['database_bytes'])}; "
        + "; ".join(
            f"{table} {hd[table]['rows']:,} rows ({gib(hd[table]['bytes'])} with indexes)"
            for table in ["helpdesk_ticket", "helpdesk_followup", "helpdesk_ticketchange"]
        )
        + f"; queue {hd['queue']['title']}: {hd['queue']['tickets']:,} tickets, {hd['queue']['open']:,} open",
        "",
        f"{args.iterations} timed calls per operation and side after {args.warm} warm-up calls "
        f"(run took {results['seconds']:.0f} s). Times in ms; ratio = helpdesk / kefu.",
    ]
    for measure, title in [
        ("server_ms", "Server-Timing (server side)"),
        ("wall_ms", "Wall time (in-process client)"),
    ]:
        lines += [
            "",
            f"**{title}**",
            "",
            "| operation | kefu p50 / p95 / p99 | helpdesk p50 / p95 / p99 | ratio p50 | ratio p95 "
            "| SQL kefu / helpdesk | n kefu / helpdesk |",
            "|---|---|---|---|---|---|---|",
        ]
        cap = args.max_call_seconds
        for name, k in kefu["operations"].items():
            h = helpdesk["operations"][name]
            lines.append(
                f"| {LABELS[name]} | {triple(k, measure)} | {triple(h, measure)} "
                f"| {ratio(h, k, measure, 'p50', cap)} | {ratio(h, k, measure, 'p95', cap)} "
                f"| {k.get('queries', '–')} / {h.get('queries', '–')} | {k['n']} / {h['n']} |"
            )
    notes = [
        f"- {side} {name}: {result['stopped']}"
        for side, ops in [("kefu", kefu["operations"]), ("helpdesk", helpdesk["operations"])]
        for name, result in ops.items()
        if result.get("stopped")
    ]
    if notes:
        lines += ["", "Stopped early:", *notes]
    return "\n".join(lines)


def triple(result: dict, measure: str) -> str:
    values = result.get(measure) or {}
    if not values or values.get("p50") is None:
        return "stopped (see below)" if result.get("stopped") else "–"
    return f"{values['p50']:,.1f} / {values['p95']:,.1f} / {values['p99']:,.1f}"


def ratio(helpdesk: dict, kefu: dict, measure: str, p: str, max_call_seconds: float) -> str:
    h, k = (helpdesk.get(measure) or {}).get(p), (kefu.get(measure) or {}).get(p)
    if not k:
        return "–"
    if h is None:
        # No helpdesk call finished within the cap: the cap over kefu's time is a lower bound.
        return f"> {max_call_seconds * 1000 / k:,.0f}×" if helpdesk.get("stopped") else "–"
    return f"{h / k:,.1f}×"


def gib(size: int) -> str:
    return f"{size / 1024**3:.2f} GiB" if size >= 1024**3 else f"{size / 1024**2:.0f} MiB"


if __name__ == "__main__":
    main()
