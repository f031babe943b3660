"""Demo call history (S5 forecast): a year of calls as the PBX would have reported them, one `Call` per
ring, so that the workforce forecast has half-hourly history to learn from and the answer statistics have
something to show.

The volume of a Chinese water utility's hotline, by rule, with Poisson noise:
- about 420 calls on an ordinary Wednesday; Monday higher (the weekend's leaks and bills), Friday a little
  lower, weekends and statutory holidays lower, a make-up working day (调休上班) like a quiet weekday, the
  first working day after 春节 or 国庆 (breaks of 7 days and more) much higher, after other breaks of three
  days a little higher;
- summer (July–August) busier than winter, and a slow growth over the year;
- a day's calls peak 09:00–11:00 and 14:00–16:00, dip at lunch, fall in the evening and are few at night;
- a few outage days (a burst main) bring a burst of a few hundred calls over the following hours.
Most calls are answered within 15 seconds (三声); some callers hang up while waiting.

Written with bulk_create in batches, not through the event services: a year is ~150,000 calls. Idempotent:
nothing is added when the demo already has calls older than a week (a history).
"""

import math
import random
from datetime import date, datetime, time, timedelta

import numpy as np
from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.core.calendar import SHANGHAI, WorkingCalendar
from kefu.core.registry import Seeder
from kefu.telephony.models import Call

BASE_CALLS = 420
WEEKDAY_FACTOR = [1.25, 1.05, 1.0, 0.98, 0.93, 0.66, 0.6]
HOLIDAY_FACTOR = 0.5
MAKEUP_FACTOR = 0.92
AFTER_LONG_BREAK_FACTOR = 1.55  # first working day after 春节 / 国庆 (7 days and more)
AFTER_BREAK_FACTOR = 1.2  # first working day after a three-day break
OUTAGE_DAYS = 4
ANSWER_LIMIT_S = 15
BATCH = 5000

# The shape of a day: relative weight of each hour 00 … 23 (two peaks, a lunch dip, quiet nights).
HOURLY = [
    0.9,
    0.6,
    0.45,
    0.4,
    0.45,
    0.8,
    1.6,
    3.2,
    5.8,
    8.4,
    8.8,
    7.6,
    5.2,
    5.6,
    7.9,
    8.3,
    7.4,
    6.0,
    4.6,
    4.0,
    3.6,
    2.9,
    2.0,
    1.3,
]


def half_hour_shape() -> np.ndarray:
    """48 weights summing to 1: each hour's weight split between its halves, tilted towards the rise."""
    halves = []
    for hour, weight in enumerate(HOURLY):
        following = HOURLY[(hour + 1) % 24]
        tilt = 0.5 + 0.08 * (1 if following > weight else -1)
        halves += [weight * (1 - tilt), weight * tilt]
    shape = np.array(halves)
    return shape / shape.sum()


def daily_expected(days: list[date], calendar: WorkingCalendar) -> list[float]:
    """The expected calls of each day, by the rules in the docstring."""
    infos = {}
    first, last = days[0] - timedelta(days=14), days[-1]
    day = first
    while day <= last:
        infos[day] = calendar.day(day)
        day += timedelta(days=1)
    out = []
    for n, day in enumerate(days):
        info = infos[day]
        if info.holiday:
            factor = HOLIDAY_FACTOR
        elif info.working and day.weekday() >= 5:
            factor = MAKEUP_FACTOR
        else:
            factor = WEEKDAY_FACTOR[day.weekday()]
            if info.working:
                run, back = 0, day - timedelta(days=1)
                while back in infos and not infos[back].working:
                    run, back = run + 1, back - timedelta(days=1)
                if run >= 7:
                    factor = AFTER_LONG_BREAK_FACTOR
                elif run >= 3:
                    factor = max(factor, AFTER_BREAK_FACTOR)
        season = 1 + 0.1 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 210) / 365)
        growth = 1 + 0.06 * n / max(len(days), 1)
        out.append(BASE_CALLS * factor * season * growth)
    return out


def call_history(
    first_day: date, days: int, *, seed: int = 14, agents: list[int] | None = None
) -> list[Call]:
    """Unsaved `Call` rows for `days` days from `first_day` (see the module's docstring)."""
    if days <= 0:
        return []
    rng = np.random.default_rng(seed)
    picker = random.Random(seed)
    dates = [first_day + timedelta(days=n) for n in range(days)]
    expected = np.outer(daily_expected(dates, WorkingCalendar()), half_hour_shape())
    outages = sorted(picker.sample(range(days), min(OUTAGE_DAYS, days)))
    for d in outages:  # a burst main: a few hundred extra calls over about six hours from the morning
        start = picker.randint(14, 26)  # between 07:00 and 13:00
        extra = picker.randint(180, 320)
        weights = np.exp(-np.arange(12) / 4)
        expected[d, start : start + 12] += extra * weights / weights.sum()
    counts = rng.poisson(expected)
    # Every call's ring, in seconds from the first midnight, then each call's fate, drawn all at once.
    slots = np.repeat(np.arange(days * 48), counts.reshape(-1))
    rings = np.sort(slots * 1800 + rng.uniform(0, 1800, slots.size))
    total = rings.size
    abandoned = rng.random(total) < 0.07  # the caller hangs up while waiting
    patience = rng.exponential(20.0, total)
    waited = np.where(abandoned, patience, np.minimum(rng.exponential(5.5, total), 120.0) + 1.0)
    talk = rng.lognormal(math.log(140), 0.5, total)
    numbers = rng.integers(10**9, 10**10, total)
    prefixes = rng.choice(["13", "15", "18"], total)
    who = rng.integers(0, max(len(agents or []), 1), total)
    midnight = datetime.combine(first_day, time.min, tzinfo=SHANGHAI)
    calls = []
    for n in range(total):
        ring_at = midnight + timedelta(seconds=float(rings[n]))
        wait = float(waited[n])
        call = Call(
            call_id=f"DEMOH-{ring_at:%Y%m%d%H%M%S}-{n:06d}",
            caller_number=f"{prefixes[n]}{numbers[n] % 10**9:09d}",
            started_at=ring_at,
            ring_at=ring_at,
            ring_seconds=round(wait, 1),
        )
        if abandoned[n]:
            call.hangup_at = ring_at + timedelta(seconds=wait)
            call.answered_in_time = False if wait > ANSWER_LIMIT_S else None
        else:
            call.answer_at = ring_at + timedelta(seconds=wait)
            call.hangup_at = call.answer_at + timedelta(seconds=float(talk[n]))
            call.answered_in_time = wait <= ANSWER_LIMIT_S
            call.agent_id = agents[int(who[n])] if agents else None
        calls.append(call)
    return calls


def seed_call_history(days: int, *, seed: int = 14, today: date | None = None) -> int:
    """Add `days` days of call history ending yesterday; 0 when there is a history already."""
    today = today or timezone.localdate(timezone.now(), SHANGHAI)
    week_ago = datetime.combine(today - timedelta(days=7), time.min, tzinfo=SHANGHAI)
    if days <= 0 or Call.objects.filter(ring_at__lt=week_ago).exists():
        return 0
    agents = list(
        User.objects.filter(role=Role.AGENT, is_active=True).order_by("username").values_list("id", flat=True)
    )
    calls = call_history(today - timedelta(days=days), days, seed=seed, agents=agents)
    for start in range(0, len(calls), BATCH):
        Call.objects.bulk_create(calls[start : start + BATCH])
    return len(calls)


SMALL_DEMO_CUSTOMERS = 1000
SMALL_DEMO_DAYS = 28


def add_arguments(parser) -> None:
    parser.add_argument(
        "--call-history-days",
        type=int,
        default=None,
        help="演示话务历史天数（每次振铃一条通话记录，供话务预测使用；0 为不生成；仅在没有历史时添加；"
        f"默认365天，客户数少于{SMALL_DEMO_CUSTOMERS}的小型演示默认{SMALL_DEMO_DAYS}天）",
    )


def check_options(options: dict) -> None:
    from django.core.management import CommandError

    if (options.get("call_history_days") or 0) < 0:
        raise CommandError("--call-history-days 不能为负数")


def seed_demo_calls(options: dict) -> list[str]:
    # A demo seeded without calls (--contacts 0) has no call history either.
    if options.get("contacts") == 0:
        return []
    days = options.get("call_history_days")
    if days is None:
        # the test suite seeds small demos many times over: four weeks of history is enough for them
        days = 365 if (options.get("customers") or 0) >= SMALL_DEMO_CUSTOMERS else SMALL_DEMO_DAYS
    created = seed_call_history(days, seed=options.get("seed") or 14)
    if created:
        return [f"话务历史：新增 {days} 天的通话记录 {created:,} 条（供话务预测）"]
    if days:
        return ["话务历史：已有通话记录，未新增"]
    return []


# After the staff (the answered calls name an agent), before the KPI rollups (90) that count the calls.
SEEDER = Seeder("telephony", 41, seed_demo_calls, arguments=add_arguments, check=check_options)
