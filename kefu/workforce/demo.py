"""Demo workforce: the hotline's roster from the first of last month to the end of this one, with the
leave, swaps, sign-ins, lateness and absences a real month has, and a generated plan for the four
weeks after, waiting for the department head. Everything goes through the services at the time it
would have happened (kefu.hotline.demo.at), so each rule is checked on the demo as it is in use.
Idempotent: nothing is added when the demo has a roster already. A small demo (fewer than
SMALL_DEMO_CUSTOMERS customers, the size the test suite seeds many times over) gets the roster of the
weeks around today and the day's attendance only: the full month, its stories and the generated plan
take longer than the rest of such a demo together.

The roster is a rotation the rules allow: each team works one shift a week, the teams turning
白班 → 夜班 → 中班 → 替班（白班）→ 白班 (backwards, so that no one goes from 中班 straight into the next
night: 连班), and each person has the same two weekdays off, staggered so that at least three of a
team's five are on every shift (rule workforce.min_staff_on_duty is 2)."""

import random
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from kefu.accounts.models import Role, Team, User
from kefu.core.registry import Seeder
from kefu.hotline.demo import at
from kefu.workforce.models import LeaveKind, LeaveRequest, RosterEntry, RosterPlan
from kefu.workforce.services import attendance, leave, plans, rosters, swaps
from kefu.workforce.shifts import ensure_default_shifts

HOTLINE_TEAMS = ["RX1", "RX2", "RX3", "RX4"]
ROTATION = ["D", "N", "E", "D"]  # week by week; the fourth week the team relieves the day shift
SMALL_DEMO_CUSTOMERS = 1000
# weekdays off (Monday = 0) of the team leader and of the four agents
DAYS_OFF = [{5, 6}, {0, 1}, {2, 3}, {3, 4}, {6, 0}]


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _month_bounds(today: date) -> tuple[date, date]:
    first_this = today.replace(day=1)
    first_last = (first_this - timedelta(days=1)).replace(day=1)
    following = (first_this + timedelta(days=32)).replace(day=1)
    return first_last, following - timedelta(days=1)


def _teams() -> list[tuple[Team, list[User]]]:
    found = []
    for team in Team.objects.filter(code__in=HOTLINE_TEAMS).order_by("code"):
        leaders = User.objects.filter(team=team, role=Role.TEAM_LEADER, is_active=True).order_by("username")
        agents = User.objects.filter(team=team, role=Role.AGENT, is_active=True).order_by("username")
        members = list(leaders[:1]) + list(agents[:4])
        if members:
            found.append((team, members))
    return found


def seed_roster(head: User, first: date, last: date) -> int:
    """The rotation from `first` to `last`, each month drawn up a week before it begins."""
    shifts = ensure_default_shifts()
    monday = first - timedelta(days=first.weekday())
    made = 0
    for index, (_team, members) in enumerate(_teams()):
        day = first
        while day <= last:
            week = (day - monday).days // 7
            shift = shifts[ROTATION[(week + index) % len(ROTATION)]]
            for position, person in enumerate(members):
                if day.weekday() in DAYS_OFF[position % len(DAYS_OFF)]:
                    continue
                with at(_local(day.replace(day=1), 9) - timedelta(days=7)):
                    try:
                        rosters.assign_shift(actor=head, person=person, day=day, shift=shift)
                        made += 1
                    except ValidationError:
                        pass  # the rules refused it: the demo leaves the cell empty, as the head would
            day += timedelta(days=1)
    return made


def _entries(person: User, first: date, last: date):
    return list(
        RosterEntry.objects.filter(
            person=person, status=RosterEntry.Status.SCHEDULED, day__gte=first, day__lte=last
        )
        .select_related("shift")
        .order_by("starts_at")
    )


def _decide_all(request: LeaveRequest, moment: datetime, approve: bool = True) -> LeaveRequest:
    """Each level decides in turn, an hour or two apart."""
    for level in range(request.level, len(request.levels)):
        approver = leave.approvers_at(request, level).order_by("username").first()
        if approver is None:
            break
        moment += timedelta(hours=2)
        with at(moment):
            request = leave.decide_leave(
                actor=approver,
                leave=request,
                approve=approve,
                note="同意" if approve else "当班人手不足，不同意",
            )
        if not approve:
            break
    return request


def _ask(actor: User, person: User, kind: str, entries: list, reason: str, ahead: timedelta):
    """A leave request for the entries' span, asked `ahead` of the first one (now when None)."""
    asked = entries[0].starts_at - ahead if ahead else timezone.now()
    with at(asked):
        request = leave.ask_leave(
            actor=actor,
            person=person,
            kind=kind,
            starts_at=entries[0].starts_at,
            ends_at=entries[-1].ends_at,
            reason=reason,
        )
    return request, asked


def seed_leave(people: dict[str, User], today: date, first: date) -> list[str]:
    lines = []
    # A day of personal leave last month, asked three days ahead: 班长 then 客服部主任.
    agent = people.get("agent12")
    entries = _entries(agent, first + timedelta(days=7), today - timedelta(days=5))[:1] if agent else []
    if entries:
        _decide_all(*_ask(agent, agent, LeaveKind.PERSONAL, entries, "孩子学校开家长会", timedelta(days=3)))
        lines.append(f"请假：{agent} 事假一天（已批准，{entries[0].day:%m-%d}）")
    # Two days of sick leave, asked for by the team leader, up to the center director; the note handed in.
    sick, leader = people.get("agent23"), people.get("leader2")
    entries = (
        _entries(sick, today - timedelta(days=20), today - timedelta(days=8))[:2] if sick and leader else []
    )
    if len(entries) == 2:
        request = _decide_all(
            *_ask(leader, sick, LeaveKind.SICK, entries, "发烧，医院就诊（班长代请）", timedelta(hours=3))
        )
        if request.certificate_required and request.certificate_due_on:
            with at(_local(request.certificate_due_on, 9)):
                leave.hand_in_certificate(actor=leader, leave=request)
        lines.append(f"请假：{sick} 病假两天（中心主任批准，证明已交）")
    # A day of sick leave whose certificate was never handed in: flagged at the end of the due day.
    forgetful = people.get("agent31")
    entries = (
        _entries(forgetful, today - timedelta(days=9), today - timedelta(days=4))[:1] if forgetful else []
    )
    if entries:
        _decide_all(*_ask(forgetful, forgetful, LeaveKind.SICK, entries, "肠胃炎", timedelta(hours=2)))
        lines.append(f"请假：{forgetful} 病假一天（证明未交，到期标记）")
    # Waiting now: personal leave next week, for leader1 to sign first.
    waiting = people.get("agent11")
    entries = _entries(waiting, today + timedelta(days=5), today + timedelta(days=12))[:1] if waiting else []
    if entries:
        _ask(waiting, waiting, LeaveKind.PERSONAL, entries, "回老家办理房产证", None)
        lines.append(f"请假：{waiting} 事假一天（待班长审批）")
    return lines


def seed_swaps(people: dict[str, User], today: date) -> list[str]:
    """One swap approved last week by both team leaders, one waiting now."""
    lines = []
    for requester_name, colleague_name, start, end, approve in (
        ("agent13", "agent21", today - timedelta(days=12), today - timedelta(days=3), True),
        ("agent12", "agent21", today + timedelta(days=3), today + timedelta(days=14), False),
    ):
        requester, colleague = people.get(requester_name), people.get(colleague_name)
        if not requester or not colleague:
            continue
        made = _swap(requester, colleague, start, end, approve)
        if made:
            lines.append(f"换班：{made.requester} ⇄ {made.colleague}（{made.get_status_display()}）")
    return lines


def _swap(requester: User, colleague: User, start: date, end: date, approve: bool):
    """The first pair of shifts the rules allow to swap in the window: on one day, since with two days
    off in every seven a swap across days would give one of them a sixth day."""
    theirs = {e.day: e for e in _entries(colleague, start, end)}
    for given in _entries(requester, start, end):
        taken = theirs.get(given.day)
        if taken is None or taken.shift_id == given.shift_id:
            continue
        asked = min(given.starts_at, taken.starts_at) - timedelta(days=2)
        try:
            with at(asked):
                swap = swaps.ask_swap(
                    actor=requester,
                    given_entry=given,
                    colleague=colleague,
                    taken_entry=taken,
                    reason="家中有事，与同事调换",
                    handover_note="已交待清楚",
                )
        except ValidationError:
            continue
        if approve:
            for approver_id in list(swap.approvers):
                asked += timedelta(hours=1)
                with at(asked):
                    swap = swaps.decide_swap(actor=User.objects.get(pk=approver_id), swap=swap, approve=True)
        return swap
    return None


def seed_attendance(head: User, first: date, now: datetime, rng: random.Random) -> list[str]:
    """Sign-ins and sign-outs for the shifts already begun; most on time, a few late, two of them 20
    minutes or more (违纪), one shift nobody came to (旷工, found by the attendance job), one agent away
    from the post for 25 minutes without leave."""
    entries = list(
        RosterEntry.objects.filter(status=RosterEntry.Status.SCHEDULED, day__gte=first, starts_at__lte=now)
        .select_related("person", "shift")
        .order_by("starts_at", "person_id")
    )
    if not entries:
        return []
    absent = entries[len(entries) // 3]
    late = {entries[len(entries) // 2].pk: 23, entries[(len(entries) * 3) // 4].pk: 31}
    away = next(e for e in entries[(len(entries) * 2) // 3 :] if e.person.role == Role.AGENT)
    signed = 0
    for entry in entries:
        if entry.pk == absent.pk:
            continue
        minutes = late.get(entry.pk) or (rng.randint(3, 12) if rng.random() < 0.06 else -rng.randint(2, 14))
        arrived = entry.starts_at + timedelta(minutes=minutes, seconds=rng.randint(0, 59))
        if arrived > now:
            continue
        with at(arrived):
            attendance.sign_in(actor=entry.person, entry=entry, at=arrived)
        signed += 1
        if entry.ends_at <= now:
            left = entry.ends_at + timedelta(minutes=rng.randint(1, 12))
            with at(left):
                attendance.sign_out(actor=entry.person, entry=entry, at=left)
    leader = User.objects.filter(team=away.person.team, role=Role.TEAM_LEADER).first() or head
    if away.ends_at <= now:
        left_at = away.starts_at + timedelta(hours=3)
        with at(left_at + timedelta(minutes=25)):
            attendance.record_absence(
                actor=leader,
                entry=away,
                left_at=left_at,
                returned_at=left_at + timedelta(minutes=25),
                reason="未经班长同意离开机房",
            )
    with at(now):
        attendance.detect_absences(now, lookback_days=(now.date() - first).days + 1)
        leave.flag_missing_certificates(now)
    return [f"考勤：签到 {signed} 班次，迟到违纪 {len(late)} 起，旷工 1 起，擅离岗位 1 起"]


def seed_plan(head: User, last: date) -> list[str]:
    """A generated plan for the four weeks from the first Monday after this month, for the head."""
    first_day = last + timedelta(days=1)
    first_day += timedelta(days=(7 - first_day.weekday()) % 7)
    try:
        plan = plans.generate_plan(actor=head, first_day=first_day, days=28, time_limit_s=10)
    except ValidationError as refused:
        return [f"排班方案：未生成（{'；'.join(refused.messages)}）"]
    return [
        f"排班方案：{plan.first_day:%Y-%m-%d} 起四周，{plan.get_status_display()}，求解{plan.solver_status}"
    ]


def seed_workforce(options: dict) -> list[str]:
    if RosterEntry.objects.exists() or RosterPlan.objects.exists():
        return [f"排班：已有 {RosterEntry.objects.count()} 条排班，未新增"]
    head = User.objects.filter(role=Role.DEPARTMENT_HEAD, is_active=True).order_by("username").first()
    if head is None or not _teams():
        return ["排班：缺少客服部主任或热线班组，未生成演示数据"]
    now = timezone.now()
    today = timezone.localdate(now)
    if (options.get("customers") or 0) < SMALL_DEMO_CUSTOMERS:
        first = today - timedelta(days=today.weekday())
        last = first + timedelta(days=13)
        made = seed_roster(head, first, last)
        lines = [f"排班：{first:%Y-%m-%d} 至 {last:%Y-%m-%d} 共 {made} 个班次（小型演示只排两周）"]
        return lines + seed_attendance(head, max(first, today - timedelta(days=1)), now, random.Random(14))
    first, last = _month_bounds(today)
    made = seed_roster(head, first, last)
    people = {u.username: u for u in User.objects.filter(team__code__in=HOTLINE_TEAMS, is_active=True)}
    lines = [f"排班：{first:%Y-%m-%d} 至 {last:%Y-%m-%d} 共 {made} 个班次（四班轮转，每人每周休两天）"]
    lines += seed_leave(people, today, first)
    lines += seed_swaps(people, today)
    lines += seed_attendance(head, first, now, random.Random(options.get("seed") or 14))
    lines += seed_plan(head, last)
    return lines


SEEDER = Seeder("workforce", 42, seed_workforce)
