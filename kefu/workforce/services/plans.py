"""Generated roster plans (S5): the CP-SAT generator's proposal stored as a draft, re-checked by the
independent roster checker, reviewed by the department head and published into the roster.

- generate_plan: reads who is rostered, the shifts, the required agents per half hour, approved leave,
  the holidays, the shifts that stay and the contracted shifts a week (rule
  workforce.contracted_shifts_per_week); solves (kefu/workforce/rostering.py) outside any transaction,
  then stores the plan and its proposed entries in one transaction with its event.
- publish_plan: in one transaction, the plan's people's scheduled shifts in the period that were neither
  attended nor swapped are cancelled (由排班方案替换) and the proposals become the roster; each person's
  roster is checked again against the shifts just outside the period and approved leave, and nothing is
  published if anything breaches.
- discard_plan: the proposals are cancelled, the plan kept as 已放弃.
Manual edits after publishing go through kefu.workforce.services.rosters (the same checker).
"""

import importlib
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kefu.accounts.models import Role, Team, User
from kefu.core.calendar import WorkingCalendar
from kefu.core.permissions import require
from kefu.core.policies import policy
from kefu.workforce import rostering
from kefu.workforce.events import RosterPlanEvents, rosterplan_event
from kefu.workforce.models import LeaveRequest, RosterEntry, RosterPlan, Shift, ShiftKind
from kefu.workforce.roster_rules import (
    Block,
    Limits,
    block_for,
    coverage_breaches,
    person_breaches,
    roster_breaches,
)

ROSTERED_ROLES = (Role.AGENT, Role.TEAM_LEADER)
MIN_DAYS, MAX_DAYS = 7, 42
AROUND = timedelta(days=2)  # how far outside the period a shift can still breach with one inside
MESSAGES_KEPT = 50
REPLACED_NOTE = "由排班方案替换"
DISCARDED_NOTE = "排班方案已放弃"
STATUS_LABELS = {
    "OPTIMAL": "已证明最优",
    "FEASIBLE": "可行解",
    "INFEASIBLE": "无可行解",
    "UNKNOWN": "超时未找到解",
}


def status_label(plan: RosterPlan) -> str:
    label = STATUS_LABELS.get(plan.solver_status, plan.solver_status or "—")
    if plan.solver_status == "FEASIBLE" and plan.gap is not None:
        return f"{label}（差距 {plan.gap * 100:.1f}%）"
    return label


def rostered_people(*, actor: User, team: Team | None = None):
    """Active agents and team leaders: of the team, else of the actor's department (all when the actor
    belongs to none)."""
    people = User.objects.filter(is_active=True, role__in=ROSTERED_ROLES)
    if team is not None:
        return people.filter(team=team)
    if actor.department_id:
        return people.filter(
            Q(department_id=actor.department_id) | Q(team__department_id=actor.department_id)
        )
    return people


def _bounds(first_day: date, days: int) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(first_day, time.min))
    return start, start + timedelta(days=days)


def _holidays(first_day: date, days: int) -> set[date]:
    """Statutory holidays (放假 by the official arrangement or a local override), not plain weekends."""
    calendar = WorkingCalendar()
    found = set()
    for offset in range(days):
        info = calendar.day(first_day + timedelta(days=offset))
        if info.holiday:
            found.add(info.date)
    return found


def required_agents(first_day: date, days: int) -> list[int]:
    """The forecast's agents per half hour (kefu/workforce/demand.py, written with the forecast)."""
    try:
        demand = importlib.import_module("kefu.workforce.demand")
    except ImportError as missing:
        raise ValidationError(
            {"requirement": "来电预测尚未就绪（kefu.workforce.demand），无法测算各时段需求"}
        ) from missing
    return [int(n) for n in demand.required_agents(first_day, days)]


def _leave(
    person_ids: list[int], start: datetime, end: datetime
) -> dict[int, list[tuple[datetime, datetime]]]:
    leave: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    rows = LeaveRequest.objects.filter(
        person_id__in=person_ids, status=LeaveRequest.Status.APPROVED, starts_at__lt=end, ends_at__gt=start
    ).values_list("person_id", "starts_at", "ends_at")
    for person_id, starts_at, ends_at in rows:
        leave[person_id].append((starts_at, ends_at))
    return dict(leave)


def _kept_inside(entry: RosterEntry) -> bool:
    return (
        entry.source == RosterEntry.Source.SWAP
        or entry.swap_id is not None
        or getattr(entry, "has_attendance", False)
    )


def _scheduled(person_ids, start: datetime, end: datetime) -> list[RosterEntry]:
    """The people's scheduled shifts from two days before the period to two days after, each marked
    with has_attendance."""
    entries = list(
        RosterEntry.objects.filter(
            person_id__in=person_ids,
            status=RosterEntry.Status.SCHEDULED,
            starts_at__lt=end + AROUND,
            ends_at__gt=start - AROUND,
        ).select_related("shift")
    )
    attended = set(
        RosterEntry.objects.filter(pk__in=[e.pk for e in entries], attendance__isnull=False).values_list(
            "pk", flat=True
        )
    )
    for entry in entries:
        entry.has_attendance = entry.pk in attended
    return entries


def _shift_specs() -> tuple[list[rostering.ShiftSpec], dict[str, Shift]]:
    shifts = list(Shift.objects.filter(active=True))
    if not shifts:
        raise ValidationError({"shifts": "没有启用的班次，无法排班"})
    specs = [
        rostering.ShiftSpec(s.code, s.name, s.starts_at, s.hours, night=s.kind == ShiftKind.NIGHT)
        for s in shifts
    ]
    return specs, {s.code: s for s in shifts}


MAX_DAYS_AHEAD = 366  # the forecast's reach (kefu.workforce.api_staffing.MAX_OFFSET_DAYS)


def _check_period(first_day: date, days: int) -> None:
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise ValidationError({"days": f"排班天数应为{MIN_DAYS}至{MAX_DAYS}天（1至6周）"})
    if first_day <= timezone.localdate():
        raise ValidationError({"first_day": "起始日期应晚于今天：已开始的日子不重新生成排班"})
    if first_day > timezone.localdate() + timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError({"first_day": f"起始日期应在今后{MAX_DAYS_AHEAD}天之内：更远的话务量无从预测"})


def generate_plan(
    *,
    actor: User,
    first_day: date,
    days: int = 28,
    team: Team | None = None,
    time_limit_s: float | None = None,
    requirement: list[int] | None = None,
) -> RosterPlan:
    """Solve a roster for the period and store it as a draft plan with PROPOSED entries.

    `requirement` (48 half hours × days) replaces the forecast's numbers (tests, what-if)."""
    require(actor, "workforce.add_rosterplan")
    _check_period(first_day, days)
    # The rule is the longest a generation may keep its page (or API call) waiting: one may ask for less.
    longest = policy("workforce.solver_seconds")
    if time_limit_s is None:
        time_limit_s = longest
    if not 1 <= float(time_limit_s) <= longest:
        raise ValidationError(
            {"time_limit_s": f"求解时限应为1至{longest}秒（规则 workforce.solver_seconds 的上限）"}
        )
    people = list(rostered_people(actor=actor, team=team).values_list("pk", flat=True))
    if not people:
        raise ValidationError({"team": "没有可排班的话务员或班长"})
    if requirement is None:
        requirement = required_agents(first_day, days)
    if len(requirement) != 48 * days:
        raise ValidationError({"requirement": f"各时段需求应有{48 * days}个半小时的数值"})
    specs, shifts = _shift_specs()
    start, end = _bounds(first_day, days)
    leave = _leave(people, start - AROUND, end + AROUND)
    holidays = _holidays(first_day, days)
    limits = Limits.from_rules()
    fixed: dict[int, list[Block]] = defaultdict(list)
    for entry in _scheduled(people, start, end):
        if not (start <= entry.starts_at < end) or _kept_inside(entry):
            fixed[entry.person_id].append(block_for(entry))

    contracted_per_week = policy("workforce.contracted_shifts_per_week")
    proposal = rostering.solve(
        people=people,
        shifts=specs,
        first_day=first_day,
        days=days,
        requirement=[int(n) for n in requirement],
        leave=leave,
        holidays=holidays,
        limits=limits,
        days_off_per_week=policy("workforce.days_off_per_week"),
        time_limit_s=float(time_limit_s),
        fixed=dict(fixed),
        contracted_per_week=contracted_per_week,
    )
    return _store(
        actor=actor,
        first_day=first_day,
        days=days,
        team=team,
        people=people,
        requirement=requirement,
        proposal=proposal,
        shifts=shifts,
        leave=leave,
        fixed=fixed,
        holidays=holidays,
        limits=limits,
        time_limit_s=float(time_limit_s),
        contracted_per_week=contracted_per_week,
    )


def recheck(
    proposed: list[Block],
    *,
    fixed: dict[int, list[Block]],
    leave: dict[int, list[tuple[datetime, datetime]]],
    first_day: date,
    days: int,
    limits: Limits,
) -> tuple[list[str], list[str]]:
    """The independent checker on a proposal with the shifts that stay: the person breaches a proposed
    shift takes part in, and the hours below the minimum staff (flags)."""
    staying = [b for own in fixed.values() for b in own]
    proposed_set = set(proposed)
    person = [
        b.message
        for b in roster_breaches(proposed + staying, limits=limits, leave=leave)
        if any(block in proposed_set for block in b.blocks)
    ]
    flags = [b.message for b in coverage_breaches(proposed + staying, first_day, days, limits=limits)]
    return person, flags


@transaction.atomic
def _store(
    *,
    actor,
    first_day,
    days,
    team,
    people,
    requirement,
    proposal,
    shifts,
    leave,
    fixed,
    holidays,
    limits,
    time_limit_s,
    contracted_per_week=0,
) -> RosterPlan:
    person_messages, coverage_messages = recheck(
        proposal.blocks(), fixed=fixed, leave=leave, first_day=first_day, days=days, limits=limits
    )
    plan = RosterPlan.objects.create(
        first_day=first_day,
        days=days,
        created_by=actor,
        solver_status=proposal.status,
        objective=proposal.objective,
        best_bound=proposal.best_bound,
        gap=proposal.gap,
        solve_seconds=round(proposal.wall_s, 3),
        requirement=list(requirement),
        summary={
            "team": team.code if team else "",
            "team_name": team.name if team else "",
            "people": people,
            "time_limit_s": time_limit_s,
            "holidays": [f"{d:%Y-%m-%d}" for d in sorted(holidays)],
            "under": proposal.under,
            "over": proposal.over,
            "under_total": sum(proposal.under),
            "over_total": sum(proposal.over),
            "nights": {str(k): v for k, v in proposal.nights.items()},
            "holiday_shifts": {str(k): v for k, v in proposal.holiday_shifts.items()},
            "weekend_shifts": {str(k): v for k, v in proposal.weekend_shifts.items()},
            "shifts_worked": {str(k): v for k, v in proposal.shifts_worked.items()},
            # the contracted shifts per person over the period (less leave and shifts that stay), and
            # who is short of them: {} when the rule is 0
            "contracted_per_week": contracted_per_week,
            "contracted": {str(k): v for k, v in proposal.contracted.items()},
            "short": {str(k): v for k, v in proposal.short.items() if v},
            "short_total": sum(proposal.short.values()),
            "weights": proposal.weights,
            "model_size": proposal.model_size,
            "hint_objective": proposal.hint_objective,
            "hint_s": proposal.hint_s,
            "breaches": len(person_messages),
            "breach_messages": person_messages[:MESSAGES_KEPT],
            "coverage_flags": len(coverage_messages),
            "coverage_messages": coverage_messages[:MESSAGES_KEPT],
        },
    )
    RosterEntry.objects.bulk_create(
        [
            RosterEntry(
                person_id=a.person_id,
                day=a.day,
                shift=shifts[a.shift_code],
                starts_at=a.starts_at,
                ends_at=a.ends_at,
                status=RosterEntry.Status.PROPOSED,
                source=RosterEntry.Source.GENERATED,
                plan=plan,
            )
            for a in proposal.assignments
        ],
        batch_size=1000,
    )
    rosterplan_event(
        actor=actor,
        plan=plan,
        verb=RosterPlanEvents.GENERATED,
        changes={
            "period": f"{first_day:%Y-%m-%d} 起 {days} 天",
            "team": team.name if team else "全部",
            "people": len(people),
            "solver_status": status_label(plan),
            "shifts": len(proposal.assignments),
            "understaffed_half_hours": sum(1 for n in proposal.under if n),
            "breaches": len(person_messages),
        },
    )
    return plan


def _lock_draft(plan: RosterPlan) -> RosterPlan:
    plan = RosterPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != RosterPlan.Status.DRAFT:
        raise ValidationError(
            {"status": f"排班方案{plan.get_status_display()}，只有待审核的方案可以发布或放弃"}
        )
    return plan


@transaction.atomic
def publish_plan(*, actor: User, plan: RosterPlan) -> RosterPlan:
    """The proposals become the roster; the shifts they replace are cancelled; nothing is published if a
    person's roster would breach a rule (against shifts just outside the period and approved leave)."""
    require(actor, "workforce.publish_rosterplan")
    plan = _lock_draft(plan)
    start, end = _bounds(plan.first_day, plan.days)
    proposals = list(plan.entries.filter(status=RosterEntry.Status.PROPOSED).select_related("shift"))
    people = sorted(set(plan.summary.get("people") or []) | {e.person_id for e in proposals})
    # queue with any other change to these people's rosters (services.rosters locks the person's row)
    list(User.objects.select_for_update().filter(pk__in=people).values_list("pk", flat=True))
    current = _scheduled(people, start, end)
    replaced = [e for e in current if start <= e.starts_at < end and not _kept_inside(e)]
    replaced_ids = {e.pk for e in replaced}
    staying = [e for e in current if e.pk not in replaced_ids]
    limits = Limits.from_rules()
    leave = _leave(people, start - AROUND, end + AROUND)
    by_person: dict[int, list[Block]] = defaultdict(list)
    proposed_blocks = set()
    for entry in staying:
        by_person[entry.person_id].append(block_for(entry))
    for entry in proposals:
        block = block_for(entry)
        proposed_blocks.add(block)
        by_person[entry.person_id].append(block)
    problems = []
    for person_id, blocks in by_person.items():
        problems += [
            b.message
            for b in person_breaches(blocks, limits=limits, leave=leave.get(person_id, ()))
            if any(block in proposed_blocks for block in b.blocks)
        ]
    if problems:
        shown = "；".join(problems[:5])
        more = f"等{len(problems)}处" if len(problems) > 5 else ""
        raise ValidationError(
            {"plan": f"排班已有变动，方案与现有排班或请假冲突：{shown}{more}。请重新生成方案"}
        )
    now = timezone.now()
    RosterEntry.objects.filter(pk__in=replaced_ids).update(
        status=RosterEntry.Status.CANCELLED, note=REPLACED_NOTE, updated_at=now
    )
    RosterEntry.objects.filter(pk__in=[e.pk for e in proposals]).update(
        status=RosterEntry.Status.SCHEDULED, updated_at=now
    )
    plan.status = RosterPlan.Status.PUBLISHED
    plan.published_by = actor
    plan.published_at = now
    plan.save(update_fields=["status", "published_by", "published_at", "updated_at"])
    rosterplan_event(
        actor=actor,
        plan=plan,
        verb=RosterPlanEvents.PUBLISHED,
        changes={
            "status": ["待审核", "已发布"],
            "scheduled": len(proposals),
            "cancelled": len(replaced),
            "cancelled_entries": sorted(replaced_ids),
        },
    )
    return plan


@transaction.atomic
def discard_plan(*, actor: User, plan: RosterPlan, note: str = "") -> RosterPlan:
    require(actor, "workforce.add_rosterplan")
    plan = _lock_draft(plan)
    count = plan.entries.filter(status=RosterEntry.Status.PROPOSED).update(
        status=RosterEntry.Status.CANCELLED, note=DISCARDED_NOTE, updated_at=timezone.now()
    )
    plan.status = RosterPlan.Status.DISCARDED
    plan.save(update_fields=["status", "updated_at"])
    rosterplan_event(
        actor=actor,
        plan=plan,
        verb=RosterPlanEvents.DISCARDED,
        changes={"status": ["待审核", "已放弃"], "proposals_cancelled": count},
        note=note,
    )
    return plan
