"""Server-side times of counter business (issue 4) on a large database: p50/p95/p99/max.

Needs the demo customers and the counter-business benchmark data (bench/seed_processes_bench.py):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_demo --customers 1000000
    .venv/bin/python bench/seed_processes_bench.py --processes 200000
    .venv/bin/python bench/bench_processes.py [--iterations 250] [--commit] [--explain] [--only write,queue,…]

Each kind is warmed up with --warm calls of another sample, then timed --iterations times, in this
process (no network, no browser): time.perf_counter() around the call, so every query plus the Python
around it. Over HTTP that is django.test.Client's request, logged in as the user: middleware, session,
permission checks, the view or API endpoint, the services, serialising or rendering.

- write: for each of --iterations random customers without arrears, a new connection is started and
  worked through its first stage, each step timed on its own line: start
  (POST /api/processes), the application's facts and each document of the checklist
  (POST /api/processes/{id}/transitions, action facts / document), advance past the now-clear gate
  (application → design commission) and advance again into the design office's stage (a unit
  stage). Then the same steps on other customers through the services directly (start_process,
  set_facts, receive_document, advance), so the HTTP layer's share shows.
  By default each customer's steps run inside transaction.atomic() with set_rollback(True): nothing
  stays in the database, and the services' own atomic blocks become savepoints, so the commit (a WAL
  flush) is not in the figures. --commit runs them committed instead, as in production, and deletes
  what they made at the end (processes, stage runs, documents, their events); compare the two.
- queue: kefu.processes.selectors.stage_queue(clerk, department) for every department of
  selectors.departments(), the first page and the last page (the deepest OFFSET); as the design
  office's staff and a branch's staff (their unit's queue); there is no queue page yet.
- today: selectors.today_for(clerk) and today_for(department head, who also sees approvals).
- detail: GET /processes/<id>/ (the page) and GET /api/processes/<id> for random active processes,
  and the page for random processes of any state.

Users: the counter clerk --clerk (created with Role.COUNTER_CLERK if missing), the design office's
--design-user (Role.UNIT_STAFF of unit design_office, created if missing) and a branch's --unit-user.
Creating a missing user, and logging in (django_session rows, deleted at the end; last_login), are the
only writes that stay.

--explain prints EXPLAIN (ANALYZE, BUFFERS) of every SELECT of the slowest call of each read, and the
statements of one write chain with their times.
"""

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from _setup import database_size, explain, machine, require_postgresql, setup_django, table_sizes

TABLES = [
    "processes_process", "processes_stagerun", "processes_processdocument", "customers_customer",
    "customers_account", "core_event", "hotline_contact",
]  # fmt: skip
# The application facts that let the P2 rules of the first stage pass.
CLEAR_FACTS = {
    "illegal_building": False,
    "mixed_pipes": False,
    "violations": False,
    "area_pressure_mpa": "0.30",
    "building_meter_renovation": False,
    "collective_application": False,
}


@dataclass
class Result:
    label: str
    times: list[float]
    queries: int = 0
    rows: list[int] = field(default_factory=list)
    slowest: Callable | None = None

    def line(self) -> str:
        t = sorted(self.times)
        p50 = statistics.median(t)
        rows = f"{statistics.mean(self.rows):.0f}" if self.rows else "-"
        return (
            f"{self.label:<62}{len(t):>5}{p50:>8.1f}{percentile(t, 95):>8.1f}{percentile(t, 99):>8.1f}"
            f"{t[-1]:>8.1f}{rows:>7}{self.queries:>5}"
        )


def percentile(ordered: list[float], p: int) -> float:
    return ordered[max(int(len(ordered) * p / 100) - 1, 0)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--iterations", type=int, default=250, help="timed calls per kind (≥ 200)")
    parser.add_argument("--warm", type=int, default=20, help="untimed calls first, of another sample")
    parser.add_argument("--clerk", default="clerk1")
    parser.add_argument("--head", default="head", help="a department head (sees approvals in 'today')")
    parser.add_argument("--design-user", default="design1")
    parser.add_argument("--unit-user", default="unit11", help="a branch's staff member")
    parser.add_argument("--only", default="", help="comma-separated: write,queue,today,detail")
    parser.add_argument("--commit", action="store_true", help="commit the writes (then delete them)")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--random-seed", type=int, default=4)
    args = parser.parse_args()

    setup_django()
    require_postgresql()
    from kefu.processes.models import Process

    processes = Process.objects.count()
    if processes < 1_000:
        sys.exit(f"{processes:,} processes: load the benchmark data first (bench/seed_processes_bench.py)")
    users = ensure_users(args)
    for user in users.values():
        client_for(user)  # log in now: a session saved inside a rolled-back write would vanish
    print("Machine:", machine())
    print("Data:", data_size())
    print(
        f"Clerk {users['clerk'].username}, design office {users['design'].username}, branch staff "
        f"{users['unit'].username} ({users['unit'].unit}); {args.iterations} timed calls per kind after "
        f"{args.warm} warm-up calls; writes {'committed' if args.commit else 'rolled back'}\n"
    )
    rng = random.Random(args.random_seed)
    kinds = {
        "write": lambda: bench_writes(users, rng, args),
        "queue": lambda: bench_queues(users, args),
        "today": lambda: bench_today(users, args),
        "detail": lambda: bench_detail(users, rng, args),
    }
    only = [k for k in args.only.split(",") if k] or list(kinds)
    print(f"{'kind':<62}{'n':>5}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}{'rows':>7}{'SQL':>5}   (ms)")
    results = []
    try:
        for name in only:
            for result in kinds[name]():
                print(result.line(), flush=True)
                results.append(result)
        if args.explain:
            for result in results:
                if result.slowest is not None:
                    explain(result.label, result.slowest, plan_rows=25)
    finally:
        for client in CLIENTS.values():
            client.logout()


# -- Users and clients -----------------------------------------------------------------------------

CLIENTS: dict = {}


def ensure_users(args) -> dict:
    from kefu.accounts.models import Department, Role, Unit, User
    from kefu.accounts.services import create_staff

    clerk = User.objects.filter(username=args.clerk).first()
    if clerk is None:
        clerk = create_staff(
            actor=None, username=args.clerk, name="基准营业员", role=Role.COUNTER_CLERK,
            department=Department.objects.filter(code="YYB").first(),
        )  # fmt: skip
    design = User.objects.filter(username=args.design_user).first()
    if design is None:
        office = Unit.objects.get(code="design_office")
        design = create_staff(
            actor=None, username=args.design_user, name="设计室员工", role=Role.UNIT_STAFF, unit=office
        )
    unit = User.objects.get(username=args.unit_user)
    head = User.objects.get(username=args.head)
    for user in (clerk, design, unit, head):
        assert user.role in (Role.COUNTER_CLERK, Role.UNIT_STAFF, Role.DEPARTMENT_HEAD), (user, user.role)
    return {"clerk": clerk, "design": design, "unit": unit, "head": head}


def client_for(user):
    from django.test import Client

    if user.username not in CLIENTS:
        client = Client()
        client.force_login(user)
        CLIENTS[user.username] = client
    return CLIENTS[user.username]


# -- Measuring -------------------------------------------------------------------------------------


def measure(label: str, call: Callable, inputs: list, *, warm: list | None = None) -> Result:
    """Time call(x) for each x; `call` returns how many rows it produced. Counts the statements of one
    call and keeps the slowest input for --explain."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for x in warm or []:
        call(x)
    times, rows = [], []
    for x in inputs:
        started = time.perf_counter()
        n = call(x)
        times.append((time.perf_counter() - started) * 1000)
        rows.append(n or 0)
    with CaptureQueriesContext(connection) as captured:
        call(inputs[0])
    slowest = inputs[max(range(len(times)), key=times.__getitem__)]
    return Result(label, times, len(captured.captured_queries), rows, lambda: call(slowest))


def sample_customers(rng, count: int):
    """Random individual customers without arrears (the new connection's gate checks them) and with an
    area: a unit's application would wait for the center head's signature before the design."""
    from django.db import connection

    from kefu.customers.models import Customer
    from kefu.customers.services import check_arrears

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM customers_customer TABLESAMPLE SYSTEM (1) REPEATABLE (%s) "
            "WHERE service_area_id IS NOT NULL",
            [rng.randrange(1, 1_000_000)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    rng.shuffle(ids)
    customers = [
        c
        for c in Customer.objects.filter(pk__in=ids[: count * 3], kind=Customer.Kind.INDIVIDUAL)
        if not check_arrears(c).has_arrears
    ]
    rng.shuffle(customers)
    if len(customers) < count:
        sys.exit(f"only {len(customers)} customers without arrears in the sample, {count} wanted")
    return customers[:count]


# -- Writes: start, facts, documents, advance -----------------------------------------------------


def server_ms(response) -> float:
    """The server's own time from kefu.core.middleware.ServerTimingMiddleware: 'app;dur=12.3'."""
    return float(response["Server-Timing"].split("dur=")[1])


class Chain:
    """One customer's new connection, worked through its first stage; each step timed on its own."""

    STEPS = ["start", "facts", "document", "fee", "advance", "advance_unit"]

    def __init__(self, clerk, *, http: bool):
        self.clerk, self.http = clerk, http
        self.times: dict[str, list[float]] = {step: [] for step in self.STEPS}
        # over HTTP: the Server-Timing header of each response (the server's own time, without the
        # test client building the request and reading the response)
        self.server_times: dict[str, list[float]] = {step: [] for step in self.STEPS}
        self.last_server_ms = 0.0
        self.queries: dict[str, int] = {}
        self.statements: list[dict] = []
        self.made: list[int] = []

    def run(self, customer, *, timed: bool, capture: bool = False) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from kefu.processes.models import Process, StageDefinition

        def step(name: str, call: Callable):
            if capture:
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    value = call()
                    elapsed = (time.perf_counter() - started) * 1000
                self.queries[name] = len(captured.captured_queries)
                self.statements += [{"step": name, **q} for q in captured.captured_queries]
            else:
                started = time.perf_counter()
                value = call()
                elapsed = (time.perf_counter() - started) * 1000
            if timed:
                self.times[name].append(elapsed)
                if self.http:
                    self.server_times[name].append(self.last_server_ms)
            return value

        process_id = step("start", lambda: self.start(customer))
        self.made.append(process_id)
        application = StageDefinition.objects.get(definition__code="new_connection", code="application")
        step("facts", self.action(process_id, {"action": "facts", "facts": CLEAR_FACTS}))
        for doc in application.documents_for(customer.kind):
            step("document", self.action(process_id, {"action": "documents", "documents": [doc["code"]]}))
        # the survey and design fee is paid before the design is commissioned (design_fee_paid)
        step("fee", self.action(process_id, {"action": "fee", "amount": "42.50"}))
        step("advance", self.action(process_id, {"action": "advance", "reason": ""}))
        step("advance_unit", self.action(process_id, {"action": "advance", "reason": ""}))
        process = Process.objects.select_related("current_stage").get(pk=process_id)
        assert process.current_stage.code == "survey_design" and process.unit_id, process.current_stage

    def start(self, customer) -> int:
        if self.http:
            response = client_for(self.clerk).post(
                "/api/processes",
                {"definition": "new_connection", "customer_id": customer.pk, "facts": {}},
                content_type="application/json",
            )
            assert response.status_code == 201, (response.status_code, response.content[:300])
            self.last_server_ms = server_ms(response)
            return response.json()["id"]
        from kefu.processes.services import start_process

        return start_process(actor=self.clerk, definition_code="new_connection", customer=customer).pk

    def action(self, process_id: int, payload: dict) -> Callable:
        """The call to time. Over HTTP the endpoint fetches the process itself; for the services it is
        fetched here first, untimed, as a caller holding it would have it."""
        if self.http:

            def post() -> None:
                response = client_for(self.clerk).post(
                    f"/api/processes/{process_id}/transitions", payload, content_type="application/json"
                )
                assert response.status_code == 200, (payload, response.status_code, response.content[:400])
                self.last_server_ms = server_ms(response)

            return post
        from kefu.processes import services
        from kefu.processes.models import Process

        process = Process.objects.select_related("definition", "customer", "current_stage").get(pk=process_id)
        if payload["action"] == "facts":
            return lambda: services.set_facts(actor=self.clerk, process=process, facts=payload["facts"])
        if payload["action"] == "fee":
            return lambda: services.record_fee(
                actor=self.clerk, process=process, amount=Decimal(payload["amount"])
            )
        if payload["action"] == "documents":
            return lambda: services.receive_document(
                actor=self.clerk, process=process, code=payload["documents"][0]
            )
        return lambda: services.advance(actor=self.clerk, process=process, note=payload["reason"])


def bench_writes(users, rng, args) -> list[Result]:
    from django.db import transaction

    n = args.iterations + args.warm
    customers = sample_customers(rng, 2 * n)
    results = []
    for http, sample in [(True, customers[:n]), (False, customers[n:])]:
        chain = Chain(users["clerk"], http=http)
        for i, customer in enumerate(sample):
            timed = i >= args.warm
            capture = i == args.warm - 1 or (args.warm == 0 and i == 0)
            if args.commit:
                chain.run(customer, timed=timed, capture=capture)
            else:
                with transaction.atomic():
                    chain.run(customer, timed=timed, capture=capture)
                    transaction.set_rollback(True)
        how = "HTTP" if http else "service"
        labels = {
            "start": "start new_connection: POST /api/processes" if http else "start: services.start_process",
            "facts": "facts: POST …/transitions action=facts" if http else "facts: services.set_facts",
            "document": "document: POST …/transitions action=documents"
            if http
            else "document: services.receive_document",
            "fee": "fee: POST …/transitions action=fee" if http else "fee: services.record_fee",
            "advance": "advance (gate clear): POST …/transitions advance"
            if http
            else "advance (gate clear): services.advance",
            "advance_unit": f"advance into the design office's stage ({how})",
        }
        for name in Chain.STEPS:
            results.append(Result(labels[name], chain.times[name], chain.queries.get(name, 0)))
        if http:
            for name in Chain.STEPS:
                label = labels[name].split(":")[0] + " — server side (Server-Timing)"
                results.append(Result(label, chain.server_times[name], chain.queries.get(name, 0)))
        if args.explain:
            print(f"\nStatements of one write chain ({how}), ms each:")
            for q in chain.statements:
                print(f"  {q['step']:<13}{float(q['time']) * 1000:>7.2f}  {q['sql'][:150]}")
            print()
        if args.commit:
            delete_made(chain.made)
    return results


def delete_made(ids: list[int]) -> None:
    """--commit: remove what the timed writes made (rows referencing the processes first)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from kefu.core.models import Event
    from kefu.processes.models import Approval, Process, ProcessDocument, StageRun

    with transaction.atomic():
        Event.objects.filter(
            target_type=ContentType.objects.get_for_model(Process), target_id__in=ids
        ).delete()
        ProcessDocument.objects.filter(process_id__in=ids).delete()
        StageRun.objects.filter(process_id__in=ids).delete()
        Approval.objects.filter(process_id__in=ids).delete()
        deleted, _ = Process.objects.filter(pk__in=ids).delete()
    print(
        f"  (--commit: deleted the {deleted} processes the writes made, with their runs, documents, events)"
    )


# -- Queues ----------------------------------------------------------------------------------------


def bench_queues(users, args) -> list[Result]:
    from kefu.processes.selectors import departments, stage_queue

    timed, warm = [None] * args.iterations, [None] * args.warm
    results = []

    def queue_call(user, department, page):
        def call(_):
            return len(stage_queue(user, department, page=page).processes)

        return call

    clerk = users["clerk"]
    for department in departments():
        first = stage_queue(clerk, department)
        results.append(
            measure(f"stage queue p1: {department} ({first.total:,} active, {first.overdue:,} overdue)",
                    queue_call(clerk, department, 1), timed, warm=warm)
        )  # fmt: skip
        if first.pages > 1:
            results.append(
                measure(f"stage queue last page (p{first.pages}): {department}",
                        queue_call(clerk, department, first.pages), timed, warm=warm)
            )  # fmt: skip
    for key, department in [("design", "设计室"), ("unit", "供水分公司")]:
        user = users[key]
        first = stage_queue(user, department)
        results.append(
            measure(f"unit queue p1: {user.username} ({user.unit}, {first.total:,} active)",
                    queue_call(user, department, 1), timed, warm=warm)
        )  # fmt: skip
        if first.pages > 1:
            results.append(
                measure(f"unit queue last page (p{first.pages}): {user.username}",
                        queue_call(user, department, first.pages), timed, warm=warm)
            )  # fmt: skip
    return results


def bench_today(users, args) -> list[Result]:
    from kefu.processes.selectors import today_for

    def call(user):
        def today(_):
            t = today_for(user)
            return (
                len(t.appointments)
                + len(t.due_today)
                + len(t.overdue)
                + len(t.started_by_me)
                + len(t.approvals)
            )

        return today

    timed, warm = [None] * args.iterations, [None] * args.warm
    return [
        measure(
            f"today_for({users['clerk'].username}), counter clerk", call(users["clerk"]), timed, warm=warm
        ),
        measure(
            f"today_for({users['head'].username}), department head", call(users["head"]), timed, warm=warm
        ),
    ]


# -- Detail ----------------------------------------------------------------------------------------


def bench_detail(users, rng, args) -> list[Result]:
    from django.db import connection

    n = args.iterations + args.warm
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM processes_process TABLESAMPLE SYSTEM (5) REPEATABLE (%s) WHERE state = 'active'",
            [rng.randrange(1, 1_000_000)],
        )
        active = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT id FROM processes_process TABLESAMPLE SYSTEM (5) REPEATABLE (%s)",
            [rng.randrange(1, 1_000_000)],
        )
        anything = [row[0] for row in cursor.fetchall()]
    rng.shuffle(active)
    rng.shuffle(anything)
    client = client_for(users["clerk"])

    def get(url_of):
        def call(pk) -> int:
            response = client.get(url_of(pk))
            assert response.status_code == 200, (url_of(pk), response.status_code, response.content[:300])
            return 1

        return call

    def page(pk):
        return f"/processes/{pk}/"

    def api(pk):
        return f"/api/processes/{pk}"

    return [
        measure("GET /processes/<id>/ (detail page), active process", get(page), active[args.warm : n],
                warm=active[: args.warm]),
        measure("GET /processes/<id>/ (detail page), any process", get(page), anything[args.warm : n],
                warm=anything[: args.warm]),
        measure("GET /api/processes/<id>, active process", get(api), active[n : 2 * n][: args.iterations],
                warm=active[: args.warm]),
    ]  # fmt: skip


# -- Reporting -------------------------------------------------------------------------------------


def data_size() -> str:
    from django.db import connection

    parts = table_sizes(TABLES)
    with connection.cursor() as cursor:
        cursor.execute("SELECT state, count(*) FROM processes_process GROUP BY state ORDER BY count(*) DESC")
        parts.append("processes by state: " + ", ".join(f"{s} {n:,}" for s, n in cursor.fetchall()))
        cursor.execute(
            "SELECT s.responsible, count(*), count(*) FILTER (WHERE p.due_at < now()) "
            "FROM processes_process p JOIN processes_stagedefinition s ON s.id = p.current_stage_id "
            "WHERE p.state = 'active' GROUP BY s.responsible ORDER BY count(*) DESC"
        )
        parts.append(
            "active per department (overdue): "
            + ", ".join(f"{d} {n:,} ({o:,})" for d, n, o in cursor.fetchall())
        )
    return "\n  " + "\n  ".join(parts) + f"\n  database {database_size()}"


if __name__ == "__main__":
    main()
