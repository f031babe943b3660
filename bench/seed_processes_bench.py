"""Benchmark data for counter business (issue 4): 200,000 processes over the demo customers, with
their stage runs and received documents, for bench/bench_processes.py.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_demo --customers 1000000      # the customers and the clerks
    .venv/bin/python bench/seed_processes_bench.py [--processes 200000]

**This bypasses the services on purpose.** start_process / advance write one process in ~20
statements with an event each; 200,000 processes with a million stage runs that way would take
hours. The rows are built here as the services would leave them and written with bulk_create, in
one transaction per --batch processes. No core_event rows are written for the seeded history (the
benchmark's own writes do go through the services and write theirs). The benchmark itself calls
the real services and views.

What it makes (deterministic for a given --seed and day of the run):

- the ten shipped definitions weighted as a counter sees them: new connection 30 %, transfer 18 %,
  supply contract 14 %, connection-point number 10 %, low income 8 %, suspension 6 %,
  cancellation 5 %, capacity change 4 %, temporary use 3 %, counter appointment 2 %;
- a random demo customer each (its kind decides which stages apply and their time limits);
- states 70 % completed, 25 % active, 4 % rejected (75 % of them at the first stage), 1 % suspended;
- started on weekdays between 8:30 and 17:00; completed and rejected ones at any time in the last
  three years; an active one sits at a stage chosen in proportion to how long processes stay there
  (construction, installation and settlement hold many, a one-day desk few); a fifth of those at a
  stage with a time limit entered long enough ago to be overdue (by up to twice the limit), the rest
  due from today to weeks ahead (stages without a limit, such as construction, have no due time);
  appointments booked from two days ago to a week ahead;
- due times from the real working-day calendar (kefu.core.calendar), as the services compute them;
  a stage with no limit has none; the unit holding the stage (design office, the customer's branch);
- a StageRun per stage passed (left, advanced or rejected, by a clerk or the holding unit's staff)
  and the open run of the current stage; the documents each passed stage required, and about half of
  those the current stage requires; the facts the rules read; the survey fee on new connections;
- numbers YW{year}{id:07d}, as start_process makes them, from ids taken from the sequence.

The whole plan is made first (1.5 GB of memory for 200,000 processes) and written in order of
start, so ids grow with created_at as in real use. Idempotent: with --processes or more processes in
the database it does nothing; with fewer it makes the same plan and writes the part not there yet
(an interrupted run is resumed by running it again). VACUUM ANALYZE at the end.
"""

import argparse
import random
import sys
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal

from _setup import machine, require_postgresql, setup_django

# code: share of processes (per cent)
DEFINITION_MIX = {
    "new_connection": 30,
    "transfer": 18,
    "supply_contract": 14,
    "connection_number": 10,
    "low_income": 8,
    "suspension": 6,
    "cancellation": 5,
    "capacity_change": 4,
    "temporary_use": 3,
    "counter_appointment": 2,
}
STATE_MIX = {"completed": 70, "active": 25, "rejected": 4, "suspended": 1}
YEARS_BACK = 3
OVERDUE_SHARE = 0.2  # of active processes at a stage with a time limit
DAY = 86400.0

REJECT_REASONS = [
    "申请用水的建筑属违章建筑，不予受理",
    "客户有欠费未结清，不予受理",
    "该片区供水压力不足，暂不具备供水条件",
    "过户双方名称与档案不符",
    "资料不齐，客户放弃办理",
    "楼栋一户一表改造须由整栋集体申请",
]
SUSPEND_REASONS = ["客户申请暂缓办理", "待客户补充破路许可", "施工现场暂不具备条件"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--processes", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=5_000, help="processes per transaction")
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()

    setup_django()
    require_postgresql()
    from django.db import connection
    from tqdm import tqdm

    from kefu.processes.models import Process

    print("Machine:", machine())
    existing = Process.objects.count()
    if existing >= args.processes:
        print(f"{existing:,} processes already there (≥ {args.processes:,}): nothing to do.")
        return
    todo = args.processes - existing
    world = World.load(random.Random(args.seed))
    print(
        f"Adding {todo:,} processes to the {existing:,} there, over {len(world.customers):,} customers "
        f"(reference time {world.now:%Y-%m-%d %H:%M %Z})"
    )
    started = time.perf_counter()
    # The whole plan first, in start order, so that ids grow with created_at as they do in real use
    # (plans that read the newest by id depend on it); a resumed run skips the part already written.
    made = [world.make_process() for _ in tqdm(range(args.processes), desc="生成", mininterval=0.5)]
    made.sort(key=lambda item: item[0].created_at)
    made = made[existing:]
    counts = {"processes": 0, "runs": 0, "documents": 0}
    with tqdm(total=todo, unit="业务", desc="写入", mininterval=0.5) as bar:
        for start in range(0, len(made), args.batch):
            batch = made[start : start + args.batch]
            for key, value in world.write_batch(batch).items():
                counts[key] += value
            bar.update(len(batch))
    seconds = time.perf_counter() - started
    rows = sum(counts.values())
    print(
        f"Wrote {counts['processes']:,} processes, {counts['runs']:,} stage runs and "
        f"{counts['documents']:,} documents ({rows:,} rows) in {seconds:.1f} s, {rows / seconds:,.0f} rows/s"
    )
    vacuum_started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in ["processes_process", "processes_stagerun", "processes_processdocument"]:
            cursor.execute(f'VACUUM ANALYZE "{table}"')
    print(f"VACUUM ANALYZE {time.perf_counter() - vacuum_started:.1f} s")
    report()


class World:
    """What the rows are made from: definitions and their stages, customers, staff, the calendar."""

    def __init__(self, rng, now, definitions, customers, branch_of_area, clerks, unit_staff):
        self.rng = rng
        self.now = now
        self.definitions = definitions  # [(definition, [stages])]
        self.weights = [DEFINITION_MIX.get(d.code, 1) for d, _ in definitions]
        self.customers = customers  # [(id, kind, service_area_id)]
        self.branch_of_area = branch_of_area
        self.clerks = clerks
        self.unit_staff = unit_staff  # unit id -> [user ids]
        from kefu.core.calendar import WorkingCalendar

        self.calendar = WorkingCalendar()
        self.deadlines: dict[tuple[date, int], tuple[datetime, list[str]]] = {}

    @classmethod
    def load(cls, rng) -> "World":
        from django.db import connection
        from django.utils import timezone

        from kefu.accounts.models import Role, ServiceArea, User
        from kefu.processes.models import ProcessDefinition

        definitions = [
            (d, list(d.stages.order_by("order")))
            for d in ProcessDefinition.objects.filter(active=True, code__in=DEFINITION_MIX).order_by("code")
        ]
        missing = set(DEFINITION_MIX) - {d.code for d, _ in definitions}
        if missing:
            sys.exit(f"Definitions missing (run manage.py migrate): {', '.join(sorted(missing))}")
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, kind, service_area_id FROM customers_customer ORDER BY id")
            customers = cursor.fetchall()
        if len(customers) < 10_000:
            sys.exit(f"{len(customers):,} customers: load the demo customers first (seed_demo --customers …)")
        clerks = User.objects.filter(role=Role.COUNTER_CLERK, is_active=True)
        clerks = list(clerks.values_list("pk", flat=True))
        if not clerks:
            sys.exit("No counter clerk: run manage.py seed_demo first")
        unit_staff: dict[int, list[int]] = {}
        for pk, unit_id in User.objects.filter(role=Role.UNIT_STAFF, unit__isnull=False).values_list(
            "pk", "unit_id"
        ):
            unit_staff.setdefault(unit_id, []).append(pk)
        branch_of_area = dict(ServiceArea.objects.values_list("pk", "branch_id"))
        return cls(rng, timezone.now(), definitions, customers, branch_of_area, clerks, unit_staff)

    # -- Time ----------------------------------------------------------------------------------------

    def due(self, stage, kind: str, entered: datetime, facts: dict) -> tuple[datetime | None, list[str]]:
        """The stage's due time as services.stage_deadline computes it (working days cached per day)."""
        unit = stage.deadline_unit
        if unit == "appointment":
            booked = facts.get("appointment_at")
            return (datetime.fromisoformat(booked) if booked else None), []
        amount = stage.deadline_for(kind)
        if amount is None:
            return None, []
        if unit == "days":
            return entered + timedelta(days=amount), []
        if unit == "hours":
            return self.calendar.add_hours(entered, amount).deadline, []
        key = (_local_date(entered), amount)
        if key not in self.deadlines:  # N working days from any moment of a day end on the same day
            deadline = self.calendar.add_working_days(entered, amount)
            self.deadlines[key] = (deadline.deadline, deadline.warnings)
        deadline, warnings = self.deadlines[key]
        return deadline, list(warnings)

    def typical_days(self, stage, kind: str) -> float:
        """How long a process usually stays at a stage, in days (weights where active ones sit)."""
        unit, amount = stage.deadline_unit, stage.deadline_for(kind)
        if unit == "appointment":
            return 4.0
        if amount is None:
            return 25.0
        if unit == "hours":
            return 0.1
        if unit == "days":
            return float(amount)
        return max(amount * 1.4, 0.7)

    def spent_days(self, stage, kind: str) -> float:
        """Time a passed stage took: mostly within its limit, about one in twelve late."""
        typical = self.typical_days(stage, kind)
        if stage.deadline_for(kind) is None and stage.deadline_unit != "appointment":
            return self.rng.uniform(2, 45)
        if self.rng.random() < 0.08:
            return typical * self.rng.uniform(1.0, 2.0)
        return typical * self.rng.uniform(0.1, 1.0)

    # -- One batch -----------------------------------------------------------------------------------

    def write_batch(self, batch: list) -> dict[str, int]:
        """Give a batch of made processes their ids (from the sequence) and numbers, and write them."""
        from django.db import connection, transaction
        from django.utils import timezone

        from kefu.processes.models import Process, ProcessDocument, StageRun

        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence('processes_process', 'id')) "
                    "FROM generate_series(1, %s)",
                    [len(batch)],
                )
                ids = sorted(row[0] for row in cursor.fetchall())
            processes, runs, documents = [], [], []
            for pk, (process, its_runs, its_documents) in zip(ids, batch, strict=True):
                process.id = pk
                process.number = f"YW{timezone.localtime(process.created_at):%Y}{pk:07d}"
                for row in its_runs + its_documents:
                    row.process_id = pk
                processes.append(process)
                runs += its_runs
                documents += its_documents
            with historic_timestamps(Process, StageRun, ProcessDocument):
                Process.objects.bulk_create(processes, batch_size=1000)
                StageRun.objects.bulk_create(runs, batch_size=2000)
                ProcessDocument.objects.bulk_create(documents, batch_size=2000)
        return {"processes": len(processes), "runs": len(runs), "documents": len(documents)}

    def make_process(self):
        """One process with its runs and documents, without an id yet (write_batch gives it one)."""
        from kefu.processes.models import Process, ProcessDocument, StageRun

        rng = self.rng
        definition, all_stages = rng.choices(self.definitions, weights=self.weights)[0]
        customer_id, kind, area_id = rng.choice(self.customers)
        stages = [s for s in all_stages if s.applies_to(kind)]
        state = rng.choices(list(STATE_MIX), weights=list(STATE_MIX.values()))[0]

        # Where it stops: `last` is the index of the stage it is at (active, suspended), was rejected
        # at, or the last stage (completed).
        if state == "completed":
            last = len(stages) - 1
        elif state == "rejected":
            early = rng.random() < 0.75 or len(stages) < 2
            last = 0 if early else rng.randrange(1, max(2, len(stages) // 2 + 1))
        else:
            first = 1 if state == "suspended" and len(stages) > 1 else 0
            weights = [self.typical_days(s, kind) for s in stages[first:]]
            last = first + rng.choices(range(len(weights)), weights=weights)[0]
        spent = [self.spent_days(s, kind) for s in stages[: last + 1]]

        # When the stage it stops at was entered.
        if state in ("active", "suspended"):
            current = stages[last]
            if current.deadline_unit == "appointment":
                age = rng.uniform(0.2, 7)
            elif state == "suspended":
                age = rng.uniform(10, 90)
            elif rng.random() < OVERDUE_SHARE:
                age = self.typical_days(current, kind) * rng.uniform(1.0, 3.0)
            else:
                age = self.typical_days(current, kind) * rng.uniform(0, 1.0)
            last_entered = self.now - timedelta(days=age)
            if state == "active" and age > self.typical_days(current, kind):
                # Meant to be overdue: step back a day at a time until the limit has passed (a weekend or a
                # holiday in between may have pushed it into the future).
                for _ in range(15):
                    due, _warnings = self.due(current, kind, last_entered, {})
                    if due is None or due < self.now:
                        break
                    last_entered -= timedelta(days=1)
        else:
            span = sum(spent)  # the whole run, the last stage included
            oldest = YEARS_BACK * 365
            start_ago = rng.uniform(span + 0.01, max(oldest, span + 0.02))
            last_entered = self.now - timedelta(days=start_ago) + timedelta(days=sum(spent[:-1]))
        started = self.office_hours(last_entered - timedelta(days=sum(spent[:-1])))

        facts = self.facts_for(definition.code, kind, started, last_entered, state)
        clerk = rng.choice(self.clerks)
        unit_id = None
        runs, documents = [], []
        entered = started
        due = None
        for index, stage in enumerate(stages[: last + 1]):
            due, warnings = self.due(stage, kind, entered, facts)
            if index < last:
                left = entered + timedelta(days=spent[index])
            elif state == "completed":
                left = entered + timedelta(days=spent[index])
            elif state == "rejected":
                left = entered + timedelta(days=min(spent[index], 0.5))
            else:
                left = None
            holder = self.stage_unit(stage, area_id)
            outcome = ""
            if left is not None:
                outcome = StageRun.Outcome.REJECTED if state == "rejected" and index == last else "advanced"
            left_by = self.who(holder, clerk) if left is not None else None
            runs.append(
                StageRun(
                    stage_id=stage.pk, entered_at=entered, due_at=due,
                    deadline_warnings=warnings, left_at=left, outcome=outcome, left_by_id=left_by,
                    note=facts.get("_reject_reason", "") if outcome == "rejected" else "",
                    created_at=entered, updated_at=left or entered,
                )
            )  # fmt: skip
            needed = stage.documents_for(kind)
            if left is None:
                needed = [doc for doc in needed if rng.random() < 0.5]
            elif outcome == "rejected":
                needed = [doc for doc in needed if rng.random() < 0.7]
            for doc in needed:
                at = entered + timedelta(minutes=rng.uniform(1, 30))
                documents.append(
                    ProcessDocument(
                        code=doc["code"], name=doc["name"], received_by_id=clerk,
                        created_at=at, updated_at=at,
                    )
                )  # fmt: skip
            if left is not None:
                entered = left
            else:
                unit_id = holder
        end = runs[-1].left_at
        reason = facts.pop("_reject_reason", "")
        if state == "suspended":
            reason = rng.choice(SUSPEND_REASONS)
        fee = Decimal("0")
        if definition.code == "new_connection" and kind == "individual" and runs[0].left_at is not None:
            fee = definition.fee_individual  # paid at the application stage
        process = Process(
            definition_id=definition.pk,
            customer_id=customer_id,
            customer_kind=kind,
            state=state,
            current_stage_id=None if state == "completed" else stages[last].pk,
            due_at=due if state in ("active", "suspended") else None,
            unit_id=unit_id,
            facts=facts,
            fee=fee,
            started_by_id=clerk,
            completed_at=end if state == "completed" else None,
            reason=reason,
            created_at=started,
            updated_at=end or runs[-1].entered_at,
        )
        return process, runs, documents

    def office_hours(self, moment: datetime) -> datetime:
        """The counter takes applications on weekdays, 8:30–17:00: move a start into those hours (the same
        day, else the working day before), never later than the reference time."""
        from kefu.core.calendar import SHANGHAI

        local = moment.astimezone(SHANGHAI)
        for _ in range(10):
            while local.weekday() >= 5:
                local -= timedelta(days=1)
            if not (8, 30) <= (local.hour, local.minute) < (17, 0):
                local = local.replace(hour=self.rng.randrange(9, 17), minute=self.rng.randrange(60))
            if local <= self.now:
                break
            local -= timedelta(days=1)
        return local.replace(microsecond=0)

    def stage_unit(self, stage, area_id) -> int | None:
        if stage.route == "unit":
            return stage.unit_id
        if stage.route == "branch":
            return self.branch_of_area.get(area_id)
        return None

    def who(self, unit_id, clerk) -> int | None:
        if unit_id is None:
            return clerk
        staff = self.unit_staff.get(unit_id)
        return self.rng.choice(staff) if staff else None

    def facts_for(self, code: str, kind: str, started: datetime, entered: datetime, state: str) -> dict:
        rng = self.rng
        facts: dict = {}
        if code == "new_connection":
            facts = {
                "illegal_building": False, "mixed_pipes": False, "violations": False,
                "area_pressure_mpa": str(rng.choice(["0.22", "0.25", "0.28", "0.30", "0.32", "0.35"])),
                "building_meter_renovation": False,
                "caliber_applied_dn": rng.choice([15, 20, 25] if kind == "individual" else [50, 80, 100]),
            }  # fmt: skip
        elif code == "transfer":
            holder = "新户" + str(rng.randrange(10**5))
            facts = {"caliber_dn": rng.choice([15, 20, 25]), "new_holder_name": holder}
        elif code == "connection_number":
            dn = rng.choice([20, 25, 50, 80])
            facts = {
                "drawing_matches_card": True, "application_fields_complete": True,
                "signatures": ["设计室", "预算室", "工程部", "客服中心"],
                "caliber_applied_dn": dn, "caliber_drawing_dn": dn,
            }  # fmt: skip
        elif code == "low_income":
            facts = {"certificate_number": f"DB{rng.randrange(10**9):09d}"}
        elif code == "capacity_change":
            removes = rng.random() < 0.6
            facts = {"removes_old_meter": removes, "old_meter_returned": removes and state == "completed"}
        elif code == "temporary_use":
            facts = {"use_until": (_local_date(started) + timedelta(days=rng.randrange(60, 365))).isoformat()}
        elif code == "counter_appointment":
            # The 'serve' stage is due at the booked time: from two days ago to a week ahead for an
            # active one waiting there, a few days after booking for the others.
            if state in ("active", "suspended"):
                booked = self.now + timedelta(days=rng.uniform(-2, 7))
            else:
                booked = entered + timedelta(days=rng.uniform(0.5, 7))
            booked = booked.replace(minute=rng.choice([0, 30]), second=0, microsecond=0)
            facts = {
                "contact_phone": f"139{rng.randrange(10**8):08d}",
                "appointment_at": booked.isoformat(),
                "wanted_business": rng.choice(["用水报装", "更名过户", "暂停用水", "低保户注册"]),
            }
        if state == "rejected":
            facts["_reject_reason"] = rng.choice(REJECT_REASONS)
        return facts


@contextmanager
def historic_timestamps(*models):
    """Keep the created_at / updated_at the rows were given: auto_now(_add) would stamp them all now."""
    fields = [
        (model._meta.get_field(name), name) for model in models for name in ("created_at", "updated_at")
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f, _ in fields]
    for f, _ in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _local_date(moment: datetime) -> date:
    from kefu.core.calendar import SHANGHAI

    return moment.astimezone(SHANGHAI).date()


def report() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.code, count(*), count(*) FILTER (WHERE p.state = 'active') "
            "FROM processes_process p JOIN processes_processdefinition d ON d.id = p.definition_id "
            "GROUP BY d.code ORDER BY count(*) DESC"
        )
        print("Per definition (all / active):")
        for code, total, active in cursor.fetchall():
            print(f"  {code:<22}{total:>9,}{active:>9,}")
        cursor.execute("SELECT state, count(*) FROM processes_process GROUP BY state ORDER BY count(*) DESC")
        print("Per state: " + ", ".join(f"{state} {n:,}" for state, n in cursor.fetchall()))
        cursor.execute(
            "SELECT s.responsible, count(*), count(*) FILTER (WHERE p.due_at < now()) "
            "FROM processes_process p JOIN processes_stagedefinition s ON s.id = p.current_stage_id "
            "WHERE p.state = 'active' GROUP BY s.responsible ORDER BY count(*) DESC"
        )
        print("Active per department (all / overdue):")
        for department, total, overdue in cursor.fetchall():
            print(f"  {department:<12}{total:>9,}{overdue:>9,}")
        for table in ["processes_process", "processes_stagerun", "processes_processdocument"]:
            cursor.execute(
                "SELECT count(*), pg_size_pretty(pg_table_size(%s)), pg_size_pretty(pg_indexes_size(%s)) "
                f'FROM "{table}"',
                [table, table],
            )
            count, size, indexes = cursor.fetchone()
            print(f"  {table} {count:,} rows ({size} + {indexes} indexes)")


if __name__ == "__main__":
    main()
