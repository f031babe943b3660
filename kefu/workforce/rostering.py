"""The roster generator (S5): a CP-SAT model that puts people on shifts for some weeks so that each half
hour has the agents the forecast asks for, under every rule of the roster checker.

Pure: no database. The caller (kefu/workforce/services/plans.py) reads the people, shifts, leave,
holidays and the shifts that stay, and stores the proposal.

The model
- x[p, d, s] = 1 when person p works shift s starting on day d. A variable exists only where the shift
  is allowed at all: not during the person's approved leave, not longer than the longest continuous
  stretch, not clashing with a shift of theirs that stays (just before the period, after it, or inside
  it because it was attended or came from a swap).
- At most one shift a person a day.
- Pairs: for two (day, shift) slots of one person within a few days, `roster_rules.person_breaches`
  is asked about the two blocks; if it reports anything (overlap, back-to-back, rest, continuous work)
  the pair is forbidden. The rules are not coded twice: the checker decides, the model obeys. The
  checker only compares neighbouring shifts, and a pair that breaches with something in between breaches
  with the one in between too, so forbidding every breaching pair is exactly the checker's verdict.
- Days off: in every 7 consecutive days (a sliding window, also the windows that begin before the
  period, counting the days worked before it) at most 7 − days_off_per_week days with a shift. Sliding
  windows are stricter than calendar weeks: no one works 10 days in a row across a weekend.
- Contracted shifts (when `contracted_per_week` > 0): in each 7-day block from the first day (a last
  partial block prorated, round(contracted × days ÷ 7)) a person's target is the contract less the days
  they cannot work at all (every shift forbidden: approved leave, a shift that stays), at most what the
  days-off rule allows. At most the target (no one is rostered beyond the contract: that is overtime,
  not the solver's call), at least the target softly: short[p, b] ≥ target − shifts, so leave, the days
  off before the period or the rest rules can never make the model infeasible. Without it a center with
  more staff than the forecast needs got 12–18 shifts a person in 4 weeks instead of 20, because fewer
  shifts meant less overstaffing.
- Coverage per half hour t: covered[t] + under[t] − over[t] = required[t], under, over ≥ 0.
- Objective, lexicographic by weights: W_under·Σunder + W_short·Σshort + W_over·Σover + unfairness,
  with unfairness = (max − min nights) + (max − min holiday shifts) + (max − min weekend shifts). The
  weights are sized from the largest possible value of everything below them, so no amount of
  overstaffing or missing contracted shifts can buy one understaffed half hour, no overstaffing one
  missing contracted shift, and no fairness gain one overstaffed half hour. The max is taken over everyone,
  the min over the people free for the whole period (no leave, no fixed shift), so a month's leave does
  not make everyone else's spread look unfair.
- Symmetry: interchangeable people (same availability) are ordered by their number of nights.
- Hint: a greedy roster by the same rules (shift by shift in time order, adding whoever may take it and
  has had fewest nights, holiday shifts and shifts; then each person's contracted shifts still missing,
  on the shifts that add the least overstaffing), completed into a value for every variable by a
  fraction-of-a-second solve with the shifts fixed. Without it the 100 × 28 month on the busy 2-core
  machine still had 2,389 understaffed agent half hours after 60 s; with it the search starts within a
  few units of the bound (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import math
import time as clock
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from kefu.workforce.roster_rules import Block, Limits, person_breaches

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

SLOTS_PER_DAY = 48
SLOT = timedelta(minutes=30)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class ShiftSpec:
    code: str
    name: str
    starts_at: time
    hours: float
    night: bool = False

    def span(self, day: date) -> tuple[datetime, datetime]:
        start = timezone.make_aware(datetime.combine(day, self.starts_at))
        return start, start + timedelta(hours=self.hours)


@dataclass(frozen=True)
class Assignment:
    person_id: int
    day: date
    shift_code: str
    starts_at: datetime
    ends_at: datetime
    label: str

    def block(self) -> Block:
        return Block(self.person_id, self.starts_at, self.ends_at, self.label)


@dataclass
class Proposal:
    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN (no solution within the time limit)
    objective: float | None
    best_bound: float | None
    gap: float | None
    wall_s: float
    assignments: list[Assignment] = field(default_factory=list)
    under: list[int] = field(default_factory=list)  # per half hour of the period
    over: list[int] = field(default_factory=list)
    nights: dict[int, int] = field(default_factory=dict)
    holiday_shifts: dict[int, int] = field(default_factory=dict)
    weekend_shifts: dict[int, int] = field(default_factory=dict)
    shifts_worked: dict[int, int] = field(default_factory=dict)
    # with contracted shifts: each person's target over the period (less leave and shifts that stay) and
    # how many of it the roster misses
    contracted: dict[int, int] = field(default_factory=dict)
    short: dict[int, int] = field(default_factory=dict)
    weights: dict[str, int] = field(default_factory=dict)
    # the greedy hint completed: the objective the search starts from and when it had it
    hint_objective: float | None = None
    hint_s: float | None = None
    model_size: dict[str, int] = field(default_factory=dict)

    @property
    def solved(self) -> bool:
        return self.status in ("OPTIMAL", "FEASIBLE")

    def blocks(self) -> list[Block]:
        return [a.block() for a in self.assignments]


def _spread(model, values: list, everyone: list, free: list, upper: int, name: str):
    """max over everyone − min over the free people, as an integer variable."""
    high = model.new_int_var(0, upper, f"{name}_max")
    low = model.new_int_var(0, upper, f"{name}_min")
    model.add_max_equality(high, [values[i] for i in everyone])
    model.add_min_equality(low, [values[i] for i in (free or everyone)])
    spread = model.new_int_var(-upper, upper, f"{name}_spread")
    model.add(spread == high - low)
    return spread


def _pair_horizon(shifts: list[ShiftSpec], limits: Limits) -> int:
    """How many days apart two shifts can be and still breach a rule (rest, overlap, back-to-back)."""
    longest = max(timedelta(hours=s.hours) for s in shifts)
    return math.ceil((longest + limits.min_rest + longest) / DAY) + 1


def _greedy(
    *,
    people,
    x,
    spans,
    covered_slots,
    requirement,
    fixed_cover,
    fixed_days,
    forbidden_pairs,
    most_days,
    nights,
    holidays,
    targets: dict[tuple[int, int], int] | None = None,
) -> set[tuple[int, int, int]]:
    """Shift by shift in time order, add people until every half hour of the shift has what it needs:
    whoever may take it (a variable exists, no shift that day, no forbidden pair with what they have,
    at most `most_days` days in every 7) and has had fewest nights (for a night), holiday shifts (on a
    holiday) and shifts so far. With contracted `targets` ((person, 7-day block) → shifts), no one gets
    more than their target, and then each person's missing shifts are added where they add the least
    overstaffing."""
    clashes: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for one, two in forbidden_pairs:
        clashes[one].append(two)
        clashes[two].append(one)
    cover = list(fixed_cover)
    chosen: set[tuple[int, int, int]] = set()
    on_day: dict[int, dict[int, int]] = defaultdict(dict)  # person → day → shift
    worked = {p: set(fixed_days[p]) for p in range(people)}
    night_count, holiday_count, total = [0] * people, [0] * people, [0] * people
    in_block: dict[tuple[int, int], int] = defaultdict(int)

    def open_for(p: int, d: int) -> bool:
        return targets is None or in_block[(p, d // 7)] < targets.get((p, d // 7), 0)

    def add(p: int, d: int, s: int, slots) -> None:
        chosen.add((p, d, s))
        on_day[p][d] = s
        worked[p].add(d)
        total[p] += 1
        night_count[p] += s in nights
        holiday_count[p] += d in holidays
        in_block[(p, d // 7)] += 1
        for t in slots:
            cover[t] += 1

    may = defaultdict(list)
    for p, d, s in x:
        may[(d, s)].append(p)
    for d, s in sorted(spans, key=lambda key: spans[key][0]):
        slots = covered_slots(*spans[(d, s)])
        if not slots:
            continue

        candidates = [
            p
            for p in may[(d, s)]
            if open_for(p, d) and _fits(p, d, clashes[(d, s)], on_day, worked, most_days)
        ]
        candidates.sort(
            key=lambda p: (
                night_count[p] if s in nights else 0,
                holiday_count[p] if d in holidays else 0,
                total[p],
                p,
            )
        )
        for p in candidates:
            if all(cover[t] >= requirement[t] for t in slots):
                break
            add(p, d, s, slots)
    if not targets:
        return chosen
    own: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for p, d, s in x:
        own[(p, d // 7)].append((d, s))
    for (p, block), target in sorted(targets.items()):
        while in_block[(p, block)] < target:
            options = [
                (sum(1 for t in slots if cover[t] >= requirement[t]), d, s, slots)
                for d, s in own[(p, block)]
                if (slots := covered_slots(*spans[(d, s)]))
                and _fits(p, d, clashes[(d, s)], on_day, worked, most_days)
            ]
            if not options:
                break
            _, d, s, slots = min(options, key=lambda option: option[:3])
            add(p, d, s, slots)
    return chosen


def _fits(p: int, d: int, clashes, on_day, worked, most_days: int) -> bool:
    if d in on_day[p] or any(on_day[p].get(d2) == s2 for d2, s2 in clashes):
        return False
    days = worked[p]
    return all(
        sum(1 for w in range(start, start + 7) if w in days) < most_days for start in range(d - 6, d + 1)
    )


def _sorted_for_symmetry(chosen, groups: list[list[int]], nights: set[int]):
    """Hand interchangeable people's rosters out in order of nights, as the symmetry constraint asks."""
    if not groups:
        return chosen
    by_person: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for p, d, s in chosen:
        by_person[p].append((d, s))
    result = set(chosen)
    for group in groups:
        rosters = sorted((by_person.get(p, []) for p in group), key=lambda r: -sum(s in nights for _, s in r))
        for p in group:
            result -= {(p, d, s) for d, s in by_person.get(p, [])}
        for p, roster in zip(group, rosters, strict=True):
            result |= {(p, d, s) for d, s in roster}
    return result


def _complete_the_hint(model: cp_model.CpModel, *, time_limit_s: float, random_seed: int) -> float | None:
    """The greedy hint names the shifts only; solving with them fixed (a fraction of a second) gives every
    other variable's value (coverage, under, over, fairness), and a complete, feasible hint is a
    solution the search has from its first moment. If the fixed hint cannot be completed, the partial
    hint stays."""
    from ortools.sat.python import cp_model  # imported when used: see solve()

    fixed = cp_model.CpSolver()
    fixed.parameters.fix_variables_to_their_hinted_value = True
    fixed.parameters.max_time_in_seconds = time_limit_s
    fixed.parameters.num_workers = 1
    fixed.parameters.random_seed = int(random_seed)
    if fixed.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    values = [fixed.value(model.get_int_var_from_proto_index(i)) for i in range(len(model.proto.variables))]
    model.clear_hints()
    for i, value in enumerate(values):
        model.add_hint(model.get_int_var_from_proto_index(i), value)
    return fixed.objective_value


def solve(
    *,
    people: list[int],
    shifts: list[ShiftSpec],
    first_day: date,
    days: int,
    requirement: list[int],
    leave: dict[int, list[tuple[datetime, datetime]]] | None = None,
    holidays: Iterable[date] = (),
    limits: Limits,
    days_off_per_week: int,
    time_limit_s: float,
    workers: int = 2,
    fixed: dict[int, list[Block]] | None = None,
    random_seed: int = 0,
    contracted_per_week: int = 0,
) -> Proposal:
    """The best roster found within the time limit (see the module's docstring for the model).

    `fixed`: each person's shifts that stay as they are, around or inside the period; they count for
    coverage, rest, back-to-back and days off across the period's edges.
    `contracted_per_week`: the shifts each person works in a week (0: only as many as the demand asks)."""
    # ortools takes ~0.3 s to import; every process (web, worker, manage.py) imports this module through
    # the plans, and only a generation needs it.
    from ortools.sat.python import cp_model

    if days <= 0 or not people or not shifts:
        raise ValueError("需要至少一天、一名人员和一个班次")
    if len(requirement) != SLOTS_PER_DAY * days:
        raise ValueError(f"需求应有{SLOTS_PER_DAY * days}个半小时的数值，实为{len(requirement)}个")
    started = clock.perf_counter()
    leave = leave or {}
    fixed = fixed or {}
    holidays = set(holidays)
    period_start = timezone.make_aware(datetime.combine(first_day, time.min))
    intervals = SLOTS_PER_DAY * days
    day_list = [first_day + timedelta(days=d) for d in range(days)]

    def covered_slots(start: datetime, end: datetime) -> range:
        # the half hours wholly inside [start, end), within the period
        first = math.ceil((start - period_start) / SLOT)
        last = math.floor((end - period_start) / SLOT)
        return range(max(0, first), min(intervals, last))

    spans = {(d, s): shift.span(day_list[d]) for d in range(days) for s, shift in enumerate(shifts)}
    labels = {
        (d, s): f"{day_list[d]:%m-%d}{shift.name}" for d in range(days) for s, shift in enumerate(shifts)
    }

    # Single shifts the checker refuses on their own (longer than the longest continuous stretch).
    alone_ok = {
        key: not person_breaches([Block(0, *spans[key], labels[key])], limits=limits) for key in spans
    }
    # Pairs the checker refuses, worked out once for all people (the rules do not depend on who).
    horizon = _pair_horizon(shifts, limits)
    forbidden_pairs = []
    for d1, s1 in spans:
        for delta in range(horizon + 1):
            d2 = d1 + delta
            if d2 >= days:
                break
            for s2 in range(len(shifts)):
                if (d2, s2) <= (d1, s1) or (delta == 0):
                    continue  # same day: at most one shift a day already forbids it
                one = Block(0, *spans[(d1, s1)], labels[(d1, s1)])
                two = Block(0, *spans[(d2, s2)], labels[(d2, s2)])
                if person_breaches([one, two], limits=limits):
                    forbidden_pairs.append(((d1, s1), (d2, s2)))

    model = cp_model.CpModel()
    x: dict[tuple[int, int, int], cp_model.IntVar] = {}
    fixed_cover = [0] * intervals
    fixed_days: dict[int, set[int]] = defaultdict(set)  # day offsets (may be < 0) with a fixed shift
    free_people = []
    for p_index, person in enumerate(people):
        own_fixed = fixed.get(person, [])
        own_leave = leave.get(person, [])
        for block in own_fixed:
            for t in covered_slots(block.starts_at, block.ends_at):
                fixed_cover[t] += 1
            fixed_days[p_index].add((timezone.localtime(block.starts_at).date() - first_day).days)
        if not own_fixed and not any(
            s < period_start + days * DAY and e > period_start for s, e in own_leave
        ):
            free_people.append(p_index)
        for (d, s), (start, end) in spans.items():
            if not alone_ok[(d, s)] or d in fixed_days[p_index]:
                continue
            if any(start < leave_end and leave_start < end for leave_start, leave_end in own_leave):
                continue
            candidate = Block(person, start, end, labels[(d, s)])
            near = [
                b
                for b in own_fixed
                if b.starts_at < end + horizon * DAY and b.ends_at > start - horizon * DAY
            ]
            # only breaches the candidate takes part in count (an old one between fixed shifts is not ours)
            if near and any(
                candidate in b.blocks for b in person_breaches([candidate, *near], limits=limits)
            ):
                continue
            x[(p_index, d, s)] = model.new_bool_var(f"x_{p_index}_{d}_{s}")

    def var(p: int, d: int, s: int):
        return x.get((p, d, s))

    # at most one shift a person a day
    for p in range(len(people)):
        for d in range(days):
            todays = [v for s in range(len(shifts)) if (v := var(p, d, s)) is not None]
            if len(todays) > 1:
                model.add_at_most_one(todays)
        # pairs the checker refuses
        for (d1, s1), (d2, s2) in forbidden_pairs:
            one, two = var(p, d1, s1), var(p, d2, s2)
            if one is not None and two is not None:
                model.add_bool_or([one.Not(), two.Not()])
        # days off: every 7 consecutive days, including windows that start before the period
        most = 7 - days_off_per_week
        for window_start in range(-6, max(1, days - 6)):
            window = range(window_start, window_start + 7)
            already = sum(1 for d in fixed_days[p] if d in window)
            terms = [
                v
                for d in window
                if 0 <= d < days
                for s in range(len(shifts))
                if (v := var(p, d, s)) is not None
            ]
            if terms and len(terms) > most - already:
                model.add(sum(terms) <= max(0, most - already))

    # contracted shifts: per person and 7-day block, at most the target, and short[p, b] below it
    targets: dict[tuple[int, int], int] = {}
    short_vars = []
    short_of: dict[int, list] = defaultdict(list)
    if contracted_per_week > 0:
        most = 7 - days_off_per_week
        for block, block_start in enumerate(range(0, days, 7)):
            block_days = range(block_start, min(days, block_start + 7))
            prorated = math.floor(contracted_per_week * len(block_days) / 7 + 0.5)
            for p in range(len(people)):
                terms = [v for d in block_days for s in range(len(shifts)) if (v := var(p, d, s)) is not None]
                open_days = {
                    d for d in block_days if any(var(p, d, s) is not None for s in range(len(shifts)))
                }
                fixed_inside = sum(1 for d in fixed_days[p] if d in block_days)
                target = prorated - (len(block_days) - len(open_days))
                target = max(0, min(target, most - fixed_inside, len(open_days)))
                targets[(p, block)] = target
                if not terms:
                    continue
                model.add(sum(terms) <= target)
                if target:
                    short = model.new_int_var(0, target, f"short_{p}_{block}")
                    model.add(sum(terms) + short >= target)
                    short_vars.append(short)
                    short_of[p].append(short)
    short_upper = sum(targets.values())

    # coverage: group the half hours by the set of slots covering them (one sum per group)
    covering: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (d, s), (start, end) in spans.items():
        for t in covered_slots(start, end):
            covering[t].append((d, s))
    groups: dict[tuple, tuple[cp_model.IntVar, int]] = {}
    under_vars, over_vars = [], []
    over_upper = 0
    for t in range(intervals):
        key = tuple(covering[t])
        if key not in groups:
            terms = [v for p in range(len(people)) for (d, s) in key if (v := var(p, d, s)) is not None]
            groups[key] = (model.new_int_var(0, len(terms), f"cover_{t}"), len(terms))
            model.add(groups[key][0] == sum(terms))
        cover, reach = groups[key]
        most_covered = reach + fixed_cover[t]
        need = max(0, int(requirement[t]))
        under = model.new_int_var(0, need, f"under_{t}")
        over_max = max(0, most_covered - need)
        over = model.new_int_var(0, over_max, f"over_{t}")
        model.add(cover + fixed_cover[t] + under - over == need)
        under_vars.append(under)
        over_vars.append(over)
        over_upper += over_max

    # fairness: nights, holiday shifts and weekend shifts per person
    night_codes = [s for s, shift in enumerate(shifts) if shift.night]
    holiday_days = [d for d in range(days) if day_list[d] in holidays]
    weekend_days = [d for d in range(days) if day_list[d].weekday() >= 5 and day_list[d] not in holidays]

    def count(p: int, day_set: Iterable[int], shift_set: Iterable[int]):
        terms = [v for d in day_set for s in shift_set if (v := var(p, d, s)) is not None]
        return sum(terms) if terms else 0

    everyone = list(range(len(people)))
    fairness_terms = []
    fair_upper = 0
    per_person = {}
    for name, day_set, shift_set in (
        ("nights", range(days), night_codes),
        ("holidays", holiday_days, range(len(shifts))),
        ("weekends", weekend_days, range(len(shifts))),
    ):
        day_set, shift_set = list(day_set), list(shift_set)
        if not day_set or not shift_set:
            continue
        upper = len(day_set)
        values = []
        for p in everyone:
            value = model.new_int_var(0, upper, f"{name}_{p}")
            model.add(value == count(p, day_set, shift_set))
            values.append(value)
        per_person[name] = values
        fairness_terms.append(_spread(model, values, everyone, free_people, upper, name))
        fair_upper += upper

    # symmetry: people with the same availability are interchangeable; order them by nights
    slots_of: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for q, d, s in x:
        slots_of[q].append((d, s))
    interchangeable: list[list[int]] = []
    if "nights" in per_person:
        by_pattern: dict[tuple, list[int]] = defaultdict(list)
        for p in free_people:
            by_pattern[tuple(sorted(slots_of[p]))].append(p)
        interchangeable = [same for same in by_pattern.values() if len(same) > 1]
        for same in interchangeable:
            for a, b in zip(same, same[1:], strict=False):
                model.add(per_person["nights"][a] >= per_person["nights"][b])

    # a hint: a greedy roster built by the same rules, so that the search starts from a good solution
    hint = _greedy(
        people=len(people),
        x=x,
        spans=spans,
        covered_slots=covered_slots,
        requirement=requirement,
        fixed_cover=fixed_cover,
        fixed_days=fixed_days,
        forbidden_pairs=forbidden_pairs,
        most_days=7 - days_off_per_week,
        nights={s for s, shift in enumerate(shifts) if shift.night},
        holidays={d for d in range(days) if day_list[d] in holidays},
        targets=targets if contracted_per_week > 0 else None,
    )
    hint = _sorted_for_symmetry(hint, interchangeable, {s for s, shift in enumerate(shifts) if shift.night})
    for key, v in x.items():
        model.add_hint(v, key in hint)

    w_over = fair_upper + 1
    w_short = w_over * (over_upper + 1)
    w_under = w_short * (short_upper + 1)
    model.minimize(
        w_under * sum(under_vars) + w_short * sum(short_vars) + w_over * sum(over_vars) + sum(fairness_terms)
    )

    hint_objective = _complete_the_hint(
        model, time_limit_s=min(10.0, float(time_limit_s) / 4), random_seed=random_seed
    )
    hint_s = clock.perf_counter() - started
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, float(time_limit_s) - (clock.perf_counter() - started))
    solver.parameters.num_workers = int(workers)
    solver.parameters.random_seed = int(random_seed)
    status = solver.solve(model)
    name = solver.status_name(status)
    proposal = Proposal(
        status=name if name in ("OPTIMAL", "FEASIBLE", "INFEASIBLE") else "UNKNOWN",
        objective=None,
        best_bound=None,
        gap=None,
        wall_s=clock.perf_counter() - started,
        weights={"under": w_under, "short": w_short, "over": w_over, "unfairness": 1},
        hint_objective=hint_objective,
        hint_s=hint_s if hint_objective is not None else None,
        model_size={
            "variables": len(model.Proto().variables),
            "constraints": len(model.Proto().constraints),
            "shift_variables": len(x),
            "forbidden_pairs": len(forbidden_pairs),
        },
    )
    if not proposal.solved:
        return proposal
    proposal.objective = solver.objective_value
    proposal.best_bound = solver.best_objective_bound
    proposal.gap = max(0.0, (proposal.objective - proposal.best_bound) / max(1.0, abs(proposal.objective)))
    if status == cp_model.OPTIMAL:
        proposal.gap = 0.0
    proposal.under = [solver.value(v) for v in under_vars]
    proposal.over = [solver.value(v) for v in over_vars]
    for (p, d, s), v in sorted(x.items(), key=lambda item: (item[0][1], item[0][2], item[0][0])):
        if solver.boolean_value(v):
            start, end = spans[(d, s)]
            proposal.assignments.append(
                Assignment(people[p], day_list[d], shifts[s].code, start, end, labels[(d, s)])
            )
    for p, person in enumerate(people):
        if contracted_per_week > 0:
            proposal.contracted[person] = sum(targets[(p, b)] for b in range(math.ceil(days / 7)))
            proposal.short[person] = sum(solver.value(v) for v in short_of[p])
        own = [a for a in proposal.assignments if a.person_id == person]
        proposal.shifts_worked[person] = len(own)
        proposal.nights[person] = sum(1 for a in own if a.shift_code in {shifts[s].code for s in night_codes})
        proposal.holiday_shifts[person] = sum(1 for a in own if a.day in holidays)
        proposal.weekend_shifts[person] = sum(
            1 for a in own if a.day.weekday() >= 5 and a.day not in holidays
        )
    return proposal
