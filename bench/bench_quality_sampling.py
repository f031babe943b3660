"""Sampling a month's QA checks at a real center's size (issue 16, Q1): ≈100 agents × 3,000 contacts
(300,000 contacts), 2 % complaints, 5 % long calls, 1 % dissatisfied return visits.

    createdb -U postgres -h 127.0.0.1 -E UTF8 -l C.UTF-8 -T template0 kefu_bench_sampling
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench_sampling
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/bench_quality_sampling.py [--agents 100] [--per-agent 3000]

**The seed bypasses the services on purpose** (bulk_create, random.Random(16)): 300,000 contacts through
open_contact would take an hour. It runs once (agents named qs…); the timings are of the services:
the plan (a read: what the sampling page shows) cold and warm, then propose_month (the checks written
through open_check), then propose_month again (idempotent: nothing to write).

On the 2-core VM (load ≈ 4 from other work), 300,000 contacts: the plan 0.4–0.5 s in 9 queries,
propose_month with its 500 checks ≈ 3 s, again 0.5 s (informal: no target; not in docs/PERFORMANCE.md)."""

import argparse
import random
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from _setup import machine, require_postgresql, setup_django

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONTH = date(2026, 11, 1)


def seed(agents: int, per_agent: int) -> None:
    from kefu.accounts.models import Role, User
    from kefu.accounts.tests.factories import UserFactory
    from kefu.hotline.models import Category, Contact, ReturnVisit, WorkOrder
    from kefu.telephony.models import Call

    if User.objects.filter(username__startswith="qs").exists():
        return
    rng = random.Random(16)
    people = [
        UserFactory(role=Role.AGENT, username=f"qs{n:03d}", name=f"话务员{n:03d}") for n in range(agents)
    ]
    consult, complaint = Category.objects.get(code="consult"), Category.objects.get(code="service_complaint")
    days = [MONTH + timedelta(days=d) for d in range(30)]
    sequence: dict[date, int] = {}
    rows, calls = [], []
    for person in people:
        for n in range(per_agent):
            day = rng.choice(days)
            sequence[day] = sequence.get(day, 0) + 1
            at = datetime(day.year, day.month, day.day, 8, tzinfo=SHANGHAI) + timedelta(
                seconds=rng.randrange(36000)
            )
            is_complaint = rng.random() < 0.02
            call_id = f"QS{person.pk}-{n}"
            rows.append(
                Contact(
                    number=f"QS{day:%Y%m%d}{sequence[day]:06d}",
                    received_on=day,
                    sequence=sequence[day] + 500_000,
                    received_at=at,
                    channel="phone",
                    agent=person,
                    matter="咨询",
                    original_matter="咨询",
                    category=complaint if is_complaint else consult,
                    disposition="transferred" if is_complaint else "answered",
                    call_id=call_id,
                )
            )
            seconds = 900 if rng.random() < 0.05 else 120
            calls.append(
                Call(
                    call_id=call_id,
                    agent=person,
                    started_at=at - timedelta(seconds=seconds + 20),
                    ring_at=at - timedelta(seconds=seconds + 20),
                    answer_at=at - timedelta(seconds=seconds + 15),
                    hangup_at=at - timedelta(seconds=15),
                )
            )
    Contact.objects.bulk_create(rows, batch_size=5000)
    Call.objects.bulk_create(calls, batch_size=5000)
    head = UserFactory(role=Role.DEPARTMENT_HEAD, username="qs_head")
    picked = rng.sample(rows, len(rows) // 100)
    orders = WorkOrder.objects.bulk_create(
        [
            WorkOrder(
                number=f"QSGD{n:07d}",
                contact=contact,
                category=contact.category,
                state="closed",
                owner=contact.agent,
                deadline=contact.received_at + timedelta(days=3),
                closed_at=contact.received_at + timedelta(days=1),
            )
            for n, contact in enumerate(picked)
        ],
        batch_size=5000,
    )
    ReturnVisit.objects.bulk_create(
        [
            ReturnVisit(work_order=o, result="dissatisfied", visited_at=o.closed_at, visited_by=head)
            for o in orders
        ],
        batch_size=5000,
    )


def timed(label: str, function):
    start = time.perf_counter()
    result = function()
    print(f"{label}: {time.perf_counter() - start:.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, default=100)
    parser.add_argument("--per-agent", type=int, default=3000)
    args = parser.parse_args()
    setup_django()
    require_postgresql()
    import time_machine
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kefu.accounts.models import Role, User
    from kefu.accounts.tests.factories import UserFactory
    from kefu.quality import defaults
    from kefu.quality.models import QaCheck
    from kefu.quality.services import sampling

    print(machine())
    timed("seed", lambda: seed(args.agents, args.per_agent))
    defaults.ensure_defaults()
    lead = User.objects.filter(username="qs_lead").first() or UserFactory(
        role=Role.QA_INSPECTOR, username="qs_lead"
    )
    # A fresh month each run: the bench agents' proposed checks of a previous run go (they have no scores).
    QaCheck.objects.filter(month=MONTH, status="proposed", agent__username__startswith="qs").delete()
    with connection.cursor() as cursor:  # fresh bulk-inserted rows: statistics and hint bits first
        for table in ("hotline_contact", "telephony_call", "hotline_workorder", "hotline_returnvisit"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    with CaptureQueriesContext(connection) as queries:
        plans = timed("plan (cold)", lambda: sampling.plan_month(MONTH))
    print(f"  {len(plans)} agents, {sum(len(p.chosen) for p in plans)} chosen, {len(queries)} queries")
    timed("plan (warm)", lambda: sampling.plan_month(MONTH))
    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=SHANGHAI), tick=False):
        result = timed("propose_month", lambda: sampling.propose_month(month=MONTH, actor=lead))
        print(f"  {len(result.proposed)} checks proposed")
        again = timed("propose_month again", lambda: sampling.propose_month(month=MONTH, actor=lead))
        print(f"  {len(again.proposed)} checks proposed")


if __name__ == "__main__":
    main()
