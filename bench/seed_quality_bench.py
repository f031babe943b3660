"""Benchmark data for the monthly close (issue 16): 500 appraised staff in 25 teams with a month of the
records the appraisal reads, for bench/bench_quality_close.py.

    createdb -U postgres -h 127.0.0.1 -E UTF8 -l C.UTF-8 -T template0 kefu_bench_quality
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench_quality
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/seed_quality_bench.py [--staff 500] [--month 2026-11]

**This bypasses the services on purpose**, like the other seeds: the rows are written with
bulk_create (random.Random(16), the same on every run), a few seconds instead of minutes through the
roster, attendance and hotline services. What it makes for --month (the shares are of --staff):

- the people: 94 % agents (话务员), 5 % team leaders (one per team), 2 QA inspectors and 2 training
  specialists (so the benchmark's drafter is one of them), all hired in 2025; a department head and a
  center director; teams of 20 (热线01班 …);
- the roster: every person on a day shift (08:00–16:00) of each working day of the month, from a
  published plan (source generated), signed in; 5 % of the shifts late by 1–19 minutes (迟到早退, a
  light deduction each), 0.5 % late by 20–45 minutes with a 迟到 discipline case; 15 旷工 and 15
  擅离岗位 cases; 40 extra shifts put on the roster by hand with the note 顶班 (a bonus each);
- contacts: 20 per agent over the month (10,000 at 500 staff) on phone; 60 of them corrected
  (contact.corrected events: entry errors);
- complaints: 20 complaint work orders with a finding, 15 valid (3 of them quarrels), 5 not valid;
- QA: 3 scored checks per agent on their contacts, 8 % failing, 1 % with a critical item failed;
- the exam: a score for everyone, 10 % full marks, 5 % below 60.

ANALYZE at the end. Idempotent: with the staff there it does nothing; --truncate removes the quality,
roster and hotline rows of the month and the bench staff first (the users named qb…).
"""

import argparse
import random
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from _setup import machine, require_postgresql, setup_django, table_sizes

SHANGHAI = ZoneInfo("Asia/Shanghai")
TEAM_SIZE = 20
TABLES = [
    "accounts_user",
    "workforce_rosterentry",
    "workforce_attendance",
    "workforce_disciplinecase",
    "hotline_contact",
    "hotline_workorder",
    "core_event",
    "quality_qacheck",
    "quality_complaintfinding",
    "quality_examscore",
    "quality_appraisalsheet",
    "quality_appraisalline",
]


def aware(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def month_days(first: date) -> list[date]:
    days, day = [], first
    while day.month == first.month:
        days.append(day)
        day += timedelta(days=1)
    return days


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--staff", type=int, default=500)
    parser.add_argument("--month", default="2026-11")
    parser.add_argument("--truncate", action="store_true")
    args = parser.parse_args()
    setup_django()
    require_postgresql()
    print(machine())
    started = time.perf_counter()
    seed(args.staff, args.month, truncate=args.truncate)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded in {time.perf_counter() - started:.1f} s (ANALYZE included)")
    for line in table_sizes(TABLES):
        print("  " + line)


def seed(staff: int, month_text: str, *, truncate: bool = False) -> None:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import transaction

    from kefu.accounts.models import Center, Department, Role, Team, User
    from kefu.accounts.roles import ensure_role_groups, group_name
    from kefu.core.calendar import is_working_day
    from kefu.core.events import record_event
    from kefu.core.models import Event
    from kefu.core.params import parse_month
    from kefu.hotline.events import HotlineEvents
    from kefu.hotline.models import Category, Contact, WorkOrder
    from kefu.quality import defaults
    from kefu.quality.models import ComplaintFinding, ExamScore, QaCheck, Scorecard
    from kefu.workforce.models import Attendance, DisciplineCase, RosterEntry, RosterPlan, Shift

    year, month = parse_month(month_text)
    first = date(year, month, 1)
    rng = random.Random(16)
    if truncate:
        truncate_bench(first)
    if User.objects.filter(username__startswith="qb").count() >= staff:
        print(f"{staff} bench staff already there: nothing to do (--truncate to start again)")
        return
    defaults.ensure_defaults()
    ensure_role_groups()
    password = make_password("kefu-bench-pass")
    with transaction.atomic():
        center, _ = Center.objects.get_or_create(code="ZX", defaults={"name": "客户服务中心"})
        department, _ = Department.objects.get_or_create(
            code="KFB", defaults={"center": center, "name": "客服部"}
        )
        teams = [
            Team.objects.get_or_create(
                code=f"QB{n:02d}", defaults={"department": department, "name": f"热线{n:02d}班"}
            )[0]
            for n in range(1, (staff + TEAM_SIZE - 1) // TEAM_SIZE + 1)
        ]
        people = []
        for n in range(staff):
            team = teams[n // TEAM_SIZE]
            if n % TEAM_SIZE == 0:
                role = Role.TEAM_LEADER
            elif n in (1, 2):
                role = Role.TRAINING_SPECIALIST
            elif n in (3, 4):
                role = Role.QA_INSPECTOR
            else:
                role = Role.AGENT
            people.append(
                User(
                    username=f"qb{n:04d}",
                    name=f"考核员工{n:04d}",
                    employee_no=f"QB{n:04d}",
                    role=role,
                    team=None if role == Role.TRAINING_SPECIALIST else team,
                    department=department,
                    hired_on=date(2025, 1 + n % 12, 1 + n % 28),
                    password=password,
                )
            )
        people.append(
            User(
                username="qbhead",
                name="主任",
                employee_no="QBH1",
                role=Role.DEPARTMENT_HEAD,
                password=password,
            )
        )
        people.append(
            User(
                username="qbdirector",
                name="中心主任",
                employee_no="QBD1",
                role=Role.CENTER_DIRECTOR,
                password=password,
            )
        )
        User.objects.bulk_create(people, batch_size=1000)
        people = list(User.objects.filter(username__startswith="qb").order_by("username"))
        # Each in their role's permission group (the services check the drafter's permission).
        groups = {group.name: group.pk for group in Group.objects.all()}
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=p.pk, group_id=groups[group_name(p.role)]) for p in people],
            ignore_conflicts=True,
        )
        appraised = [
            p
            for p in people
            if p.role in (Role.AGENT, Role.TEAM_LEADER, Role.QA_INSPECTOR, Role.TRAINING_SPECIALIST)
        ]
        agents = [p for p in appraised if p.role == Role.AGENT]
        shift, _ = Shift.objects.get_or_create(
            code="QBD", defaults={"name": "白班", "kind": "day", "starts_at": "08:00", "ends_at": "16:00"}
        )
        head = next(p for p in people if p.username == "qbhead")
        plan = RosterPlan.objects.create(
            first_day=first, days=len(month_days(first)), status="published", created_by=head
        )
        working = [d for d in month_days(first) if is_working_day(d).working]
        entries = []
        for person in appraised:
            for day in working:
                entries.append(
                    RosterEntry(
                        person=person,
                        day=day,
                        shift=shift,
                        starts_at=aware(day, 8),
                        ends_at=aware(day, 16),
                        status="scheduled",
                        source="generated",
                        plan=plan,
                    )
                )
        off_days = [d for d in month_days(first) if not is_working_day(d).working]
        for person in rng.sample(appraised, 40):
            day = rng.choice(off_days)
            entries.append(
                RosterEntry(
                    person=person,
                    day=day,
                    shift=shift,
                    starts_at=aware(day, 8),
                    ends_at=aware(day, 16),
                    status="scheduled",
                    source="manual",
                    note="顶班",
                )
            )
        RosterEntry.objects.bulk_create(entries, batch_size=2000, ignore_conflicts=True)
        entries = list(
            RosterEntry.objects.filter(
                person__in=appraised, day__gte=first, day__lte=working[-1] + timedelta(days=5)
            )
        )
        attendance, cases = [], []
        for entry in entries:
            roll = rng.random()
            late = rng.randint(1, 19) if roll < 0.05 else rng.randint(20, 45) if roll < 0.055 else 0
            attendance.append(
                Attendance(
                    entry=entry,
                    roll_called_at=entry.starts_at - timedelta(minutes=10),
                    signed_in_at=entry.starts_at + timedelta(minutes=late),
                    signed_out_at=entry.ends_at,
                    minutes_late=late,
                )
            )
            if late >= 20:
                cases.append(
                    DisciplineCase(
                        person=entry.person,
                        entry=entry,
                        kind="late",
                        occurred_on=entry.day,
                        minutes=late,
                        reason=f"迟到{late}分钟",
                    )
                )
        for kind, reason in (("absent", "未到岗且未请假"), ("away", "离岗超过二十分钟未告知班长")):
            for entry in rng.sample(entries, 15):
                cases.append(
                    DisciplineCase(
                        person=entry.person,
                        entry=entry,
                        kind=kind,
                        occurred_on=entry.day,
                        minutes=25,
                        reason=reason,
                    )
                )
        Attendance.objects.bulk_create(attendance, batch_size=2000)
        DisciplineCase.objects.bulk_create(cases, batch_size=1000, ignore_conflicts=True)

        category = Category.objects.order_by("id").first()
        contacts = []
        sequence = 0
        for agent in agents:
            for _ in range(20):
                sequence += 1
                day = rng.choice(working)
                at = aware(day, rng.randint(8, 15), rng.randint(0, 59))
                contacts.append(
                    Contact(
                        number=f"QB{first:%y%m}{sequence:06d}",
                        received_on=day,
                        sequence=sequence,
                        received_at=at,
                        channel="phone",
                        agent=agent,
                        team=agent.team,
                        matter="咨询水费",
                        original_matter="咨询水费",
                        category=category,
                    )
                )
        Contact.objects.bulk_create(contacts, batch_size=2000)
        contacts = list(Contact.objects.filter(number__startswith=f"QB{first:%y%m}").order_by("id"))
        corrected = rng.sample(contacts, 60)
        for contact in corrected:
            event = record_event(
                actor=contact.agent,
                target=contact,
                verb=HotlineEvents.CONTACT_CORRECTED,
                changes={"matter": ["咨询水费", "咨询水价"]},
            )
            Event.objects.filter(pk=event.pk).update(occurred_at=contact.received_at + timedelta(hours=1))
        complained = rng.sample(contacts, 20)
        orders = [
            WorkOrder(
                number=f"QBGD{n:05d}",
                contact=contact,
                category=category,
                owner=contact.agent,
                deadline=contact.received_at + timedelta(days=3),
                state="closed",
            )
            for n, contact in enumerate(complained)
        ]
        WorkOrder.objects.bulk_create(orders)
        findings = [
            ComplaintFinding(
                work_order=order,
                person=order.contact.agent,
                valid=n < 15,
                quarrel=n < 3,
                occurred_on=order.contact.received_on,
                note="经核实投诉成立" if n < 15 else "经核实投诉不成立",
                decided_by=head,
            )
            for n, order in enumerate(orders)
        ]
        ComplaintFinding.objects.bulk_create(findings)
        card = Scorecard.objects.get(code="hotline", status="active")
        inspector = next(p for p in people if p.role == Role.QA_INSPECTOR)
        by_agent: dict[int, list] = {}
        for contact in contacts:
            by_agent.setdefault(contact.agent_id, []).append(contact)
        checks, number = [], 0
        for agent_id, own in by_agent.items():
            for contact in own[:3]:
                number += 1
                roll = rng.random()
                critical = roll < 0.01
                passed = roll >= 0.08
                score = 0 if critical else (rng.randint(60, 79) if not passed else rng.randint(80, 100))
                checks.append(
                    QaCheck(
                        number=f"QBZJ{number:06d}",
                        month=first,
                        agent_id=agent_id,
                        inspector=inspector,
                        contact=contact,
                        scorecard=card,
                        source="sampled",
                        status="final",
                        score=score,
                        passed=passed,
                        critical_failed=critical,
                        scored_at=contact.received_at + timedelta(days=1),
                    )
                )
        QaCheck.objects.bulk_create(checks, batch_size=2000)
        specialist = next(p for p in people if p.role == Role.TRAINING_SPECIALIST)
        exams = []
        for person in appraised:
            roll = rng.random()
            score = 100 if roll < 0.10 else rng.randint(40, 59) if roll < 0.15 else rng.randint(60, 99)
            exams.append(ExamScore(month=first, person=person, score=score, entered_by=specialist))
        ExamScore.objects.bulk_create(exams, batch_size=1000)
    print(
        f"{len(appraised)} appraised staff in {len(teams)} teams; {len(entries)} shifts, "
        f"{len(cases)} discipline cases, {len(contacts)} contacts ({len(corrected)} corrected), "
        f"{len(findings)} complaint findings, {len(checks)} QA checks"
    )


BENCH_USERS = "(SELECT id FROM accounts_user WHERE username LIKE 'qb%%')"


def truncate_bench(first: date) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE quality_sheetappeal, quality_appraisalline, quality_appraisalsheet, "
            "quality_appraisalmonth, quality_examscore, quality_complaintfinding, quality_qacheck, "
            "workforce_attendance, "
            "workforce_disciplinecase CASCADE"
        )
        cursor.execute("DELETE FROM core_event WHERE verb LIKE 'appraisal%%' OR verb = 'contact.corrected'")
        cursor.execute("DELETE FROM core_alert WHERE kind LIKE 'quality.%%'")
        cursor.execute("DELETE FROM hotline_workorder WHERE number LIKE 'QBGD%%'")
        cursor.execute("DELETE FROM hotline_contact WHERE number LIKE 'QB%%'")
        cursor.execute(f"DELETE FROM workforce_rosterentry WHERE person_id IN {BENCH_USERS}")
        cursor.execute("DELETE FROM workforce_rosterplan WHERE first_day = %s", [first])
        cursor.execute(f"DELETE FROM accounts_user_groups WHERE user_id IN {BENCH_USERS}")
        cursor.execute("DELETE FROM accounts_user WHERE username LIKE 'qb%%'")


if __name__ == "__main__":
    main()
