"""django-helpdesk's side of the side-by-side benchmark (bench/bench_vs_helpdesk.py runs it). Runs in
helpdesk's own venv, against the tickets of load_tickets.py, and prints JSON to stdout:

    var/helpdesk-venv/bin/python bench/helpdesk/bench_helpdesk.py [--iterations 100] [--only queue,search]

A staff user (hdbench, not a superuser) is logged in with django.test.Client and each operation is
timed as helpdesk's staff UI serves it, a user's wait being everything the browser must fetch:

- queue: the ticket list of one queue, open and reopened tickets (GET /tickets/?queue=<id>&status=1
  &status=2), plus the JSON call its DataTables script then makes for the first page
  (GET /datatables_ticket_list/<query>?draw=1&start=0&length=<per page>…, the URL read from the page);
- detail: a random ticket's page, GET /tickets/<id>/;
- create: the staff create-ticket form, POST /tickets/submit/ (the 302 to the new ticket; the
  redirected page is not counted, as kefu's create is a single JSON call);
- search: the ticket list's keyword search, GET /tickets/?q=<word> plus its DataTables call.

Each call's Server-Timing values (the server's own time; summed over the two requests of a list)
and its wall time are kept; p50/p95/p99 of both. Bounded: --max-call-seconds is set as PostgreSQL's
statement_timeout (a statement over it fails the call, which is reported as such and ends that
operation), and an operation stops when it has run --max-op-seconds, with the calls done so far.

This module's top level imports only the standard library: bench_vs_helpdesk.py imports its timing
and summary helpers (run_operation, summary) so that both sides are measured by the same code.
"""

import argparse
import json
import math
import os
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The same words kefu's benchmark searches (bench/bench_hotline.py, WORDS_COMMON + PHRASES_COMMON).
DEFAULT_WORDS = (
    "停水,漏水,水压,水费,抄表,水表,咨询,阀门,欠费,发票,"
    "水表漏水,停水通知,水压太低,阶梯水价,私接水管,主管道漏,抄表读数,恢复供水"
)
OPERATIONS = ["queue", "detail", "create", "search"]


# -- Shared by both sides --------------------------------------------------------------------------


def server_ms(response) -> float:
    """The Server-Timing value of a response, `app;dur=12.3` -> 12.3."""
    return float(response["Server-Timing"].split("dur=")[1])


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


def summary(values: list[float]) -> dict:
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    return {
        "p50": round(percentile(values, 50), 1),
        "p95": round(percentile(values, 95), 1),
        "p99": round(percentile(values, 99), 1),
        "max": round(max(values), 1),
    }


def run_operation(
    label: str,
    call: Callable,
    inputs: list,
    *,
    warm: list,
    max_call_seconds: float,
    max_op_seconds: float,
) -> dict:
    """Times call(x) for each x of inputs after the untimed warm-up calls. call returns
    (server_ms, rows): the Server-Timing total of the requests it made and how many rows the user sees.

    A call that fails (a statement over the statement_timeout, an unexpected status) or takes longer
    than max_call_seconds ends the operation, and so does max_op_seconds of timed calls: the summary
    then covers the calls done, and `stopped` says why."""
    stopped = None
    started = time.perf_counter()
    try:
        for x in warm:
            call(x)
    except Exception as error:  # noqa: BLE001 — any failure is reported, not raised
        return {"label": label, "n": 0, "stopped": f"warm-up call failed: {describe(error)}"}
    server, wall, rows = [], [], []
    started = time.perf_counter()
    for x in inputs:
        t = time.perf_counter()
        try:
            ms, n = call(x)
        except Exception as error:  # noqa: BLE001
            seconds = time.perf_counter() - t
            stopped = f"a call failed after {seconds:.1f} s: {describe(error)}"
            break
        elapsed = (time.perf_counter() - t) * 1000
        server.append(ms)
        wall.append(elapsed)
        rows.append(n)
        if elapsed > max_call_seconds * 1000:
            stopped = f"a call took {elapsed / 1000:.1f} s (over {max_call_seconds:g} s)"
            break
        if time.perf_counter() - started > max_op_seconds:
            stopped = f"time budget of {max_op_seconds:g} s used after {len(wall)} calls"
            break
    return {
        "label": label,
        "n": len(wall),
        "server_ms": summary(server),
        "wall_ms": summary(wall),
        "rows": round(sum(rows) / len(rows), 1) if rows else None,
        "stopped": stopped,
    }


def describe(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:200] if text else ''}"


def count_queries(call: Callable, x) -> int:
    """How many SQL statements one call makes (one more call, untimed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    try:
        with CaptureQueriesContext(connection) as captured:
            call(x)
    except Exception:  # noqa: BLE001 — already reported by run_operation
        return -1
    return len(captured.captured_queries)


def limit_statements(max_call_seconds: float) -> None:
    """PostgreSQL's statement_timeout for every connection this process opens (libpq reads PGOPTIONS),
    so a runaway query fails after max_call_seconds instead of hanging the benchmark."""
    os.environ["PGOPTIONS"] = f"-c statement_timeout={int(max_call_seconds * 1000)}"


# -- helpdesk's operations -------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--iterations", type=int, default=100, help="timed calls per operation")
    parser.add_argument("--warm", type=int, default=5, help="untimed calls first")
    parser.add_argument(
        "--only", default=",".join(OPERATIONS), help="comma-separated: " + ",".join(OPERATIONS)
    )
    parser.add_argument("--queue", default="chengdong", help="slug of the queue listed and created into")
    parser.add_argument("--user", default="hdbench", help="a staff user (load_tickets.py creates hdbench)")
    parser.add_argument("--words", default=DEFAULT_WORDS, help="comma-separated keywords searched in turn")
    parser.add_argument("--max-call-seconds", type=float, default=30.0)
    parser.add_argument("--max-op-seconds", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    limit_statements(args.max_call_seconds)
    sys.path.insert(0, str(HERE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdsite.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.test import Client
    from helpdesk.models import Queue, Ticket

    user = User.objects.get(username=args.user)
    queue = Queue.objects.get(slug=args.queue)
    max_id = Ticket.objects.order_by("-id").values_list("id", flat=True).first() or 0
    if max_id < 1000:
        sys.exit(f"{max_id} tickets: load them first (bench/helpdesk/load_tickets.py)")
    client = Client()
    client.force_login(user)
    rng = random.Random(args.seed)
    n, warm = args.iterations, args.warm
    words = [w for w in args.words.split(",") if w]

    def ticket_list(query: str) -> Callable:
        """The list page, then the DataTables JSON call it makes for the first page."""

        def call(_) -> tuple[float, int]:
            page = client.get(f"/tickets/?{query}")
            assert page.status_code == 200, (page.status_code, page.content[:300])
            html = page.content.decode()
            data_url = re.search(r'"url": "(/datatables_ticket_list/[A-Za-z0-9+/=]*)"', html).group(1)
            per_page = int(re.search(r"data-page-length='(\d+)'", html).group(1))
            data = client.get(data_url, datatables_params(per_page))
            assert data.status_code == 200, (data.status_code, data.content[:300])
            return server_ms(page) + server_ms(data), len(data.json()["data"])

        return call

    def detail(ticket_id: int) -> tuple[float, int]:
        response = client.get(f"/tickets/{ticket_id}/")
        assert response.status_code == 200, (ticket_id, response.status_code)
        return server_ms(response), 1

    def create(i: int) -> tuple[float, int]:
        response = client.post("/tickets/submit/", create_form(rng, queue.pk, i))
        assert response.status_code == 302, (response.status_code, response.content[:500])
        return server_ms(response), 1

    operations = {
        "queue": (
            f"ticket list of queue {queue.title}, open (page + DataTables call)",
            ticket_list(f"queue={queue.pk}&status=1&status=2"),
            list(range(n)), list(range(warm)),
        ),
        "detail": (
            "ticket page, random ticket",
            detail, [rng.randint(1, max_id) for _ in range(n)], [rng.randint(1, max_id) for _ in range(warm)],
        ),
        "create": ("create ticket (staff form POST)", create, list(range(warm, warm + n)), list(range(warm))),
        "search": (
            "keyword search in the ticket list (page + DataTables call)",
            lambda word: ticket_list(f"q={word}")(None),
            [words[i % len(words)] for i in range(n)], words[:warm],
        ),
    }  # fmt: skip
    results = {}
    for name in [o for o in args.only.split(",") if o]:
        label, call, inputs, warm_inputs = operations[name]
        result = run_operation(
            label, call, inputs, warm=warm_inputs,
            max_call_seconds=args.max_call_seconds, max_op_seconds=args.max_op_seconds,
        )  # fmt: skip
        if result["n"]:
            result["queries"] = count_queries(call, inputs[0] if name != "create" else n + warm)
        results[name] = result
        print(f"  helpdesk {name}: {result['n']} calls, server {result.get('server_ms')}", file=sys.stderr)
    print(
        json.dumps(
            {"side": "django-helpdesk", "data": data_size(queue), "operations": results}, ensure_ascii=False
        )
    )


def datatables_params(per_page: int) -> dict:
    """What the ticket list's DataTables sends for its first draw (serverSide, order: [] so no order
    parameters: helpdesk then sorts by its default, created)."""
    columns = ["id", "ticket", "priority", "queue", "status", "created", "due_date", "assigned_to",
               "submitter", "last_followup", "kbitem"]  # fmt: skip
    params = {
        "draw": "1",
        "start": "0",
        "length": str(per_page),
        "search[value]": "",
        "search[regex]": "false",
    }
    for i, column in enumerate(columns):
        params |= {
            f"columns[{i}][data]": column, f"columns[{i}][name]": "", f"columns[{i}][searchable]": "true",
            f"columns[{i}][orderable]": "false" if i == 0 else "true",
            f"columns[{i}][search][value]": "", f"columns[{i}][search][regex]": "false",
        }  # fmt: skip
    params["_"] = str(int(time.time() * 1000))
    return params


def create_form(rng, queue_id: int, i: int) -> dict:
    """A repair for the branch's queue, as a staff member types it into the create-ticket form."""
    sys.path.insert(0, str(HERE))
    from load_tickets import ESTATES, ROADS, SUFFIXES

    estate, road = rng.choice(ESTATES), rng.choice(ROADS)
    matter = f"客户反映{estate}{rng.randint(1, 30)}幢水表漏水，表前阀门关不紧"
    return {
        "queue": str(queue_id),
        "title": matter,
        "body": f"{matter}{rng.choice(SUFFIXES)}。地址：{road}{rng.randint(1, 400)}号{estate}。",
        "priority": "3",
        "due_date": "",
        "submitter_email": f"bench{i}@example.com",
        "assigned_to": "",
    }


def data_size(queue) -> dict:
    import importlib.metadata

    from django.db import connection

    sizes = {"helpdesk_version": importlib.metadata.version("django-helpdesk")}
    with connection.cursor() as cursor:
        for table in ["helpdesk_ticket", "helpdesk_followup", "helpdesk_ticketchange"]:
            cursor.execute(f'SELECT count(*), pg_total_relation_size(%s) FROM "{table}"', [table])
            count, size = cursor.fetchone()
            sizes[table] = {"rows": count, "bytes": size}
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE status IN (1, 2)) FROM helpdesk_ticket "
            "WHERE queue_id = %s",
            [queue.pk],
        )
        all_in_queue, open_in_queue = cursor.fetchone()
        sizes["queue"] = {"title": queue.title, "tickets": all_in_queue, "open": open_in_queue}
        cursor.execute("SELECT current_database(), pg_database_size(current_database())")
        sizes["database"], sizes["database_bytes"] = cursor.fetchone()
    return sizes


if __name__ == "__main__":
    main()
