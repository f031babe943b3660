"""Call-volume forecast per half hour (S5): how many calls each half hour of the coming weeks will bring.

The history is the system's own telephony records: one ring per call is one offered call
(`kefu.telephony.models.Call.ring_at`), counted per half hour of local time (Asia/Shanghai).

The model is a log-linear Poisson model of the half-hourly counts (a Poisson GLM with categorical terms):

    log E[calls of day d, half hour s] = level(week of d) + effect(kind of d) + shape(group of d, s)

- the kind of day comes from the working-day calendar (`kefu.core.calendar`): an ordinary day by its weekday
  (周一…周日), a statutory holiday, a make-up working day (调休上班), the first working day after a break of
  three to six days and the first after a break of seven days or more (春节, 国庆: the backlog of the
  break arrives that morning);
- the shape is one curve of 48 half hours for working days, one for weekends and one for statutory
  holidays (a make-up day and the day after a holiday take the working-day curve);
- the level is one per week of history (weeks counted back from the last day), so the kinds of day are
  measured against their own week, not against a year-long average; the forecast carries the level of
  the last two weeks forward, with the slope of the last eight weeks, damped;
- recent weeks weigh more in the kind and shape effects (weights halve every `HALF_LIFE_DAYS`), while the
  rare kinds of day (春节 comes once a year) still learn from the whole year;
- days of an outage burst (a day whose calls are far above what the model expects) are left out of a
  second fit, so one burst main does not raise every Tuesday after it.

All the terms are categorical, so the maximum-likelihood fit is iterative proportional fitting (each
term's fitted margin is scaled to the observed one until they agree), which gives the same fit as a
Poisson GLM by IRLS (statsmodels; the tests check the two agree) in milliseconds instead of seconds.
A kind of day never seen in the history falls back to the nearest one (a holiday to Sunday, a make-up day
to an ordinary Thursday, the day after a break to Monday). `backtest` compares the model on held-out weeks
against the naive forecast "the same half hour last week" (docs/PERFORMANCE.md has the figures).
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np
from django.utils import timezone

from kefu.core.calendar import SHANGHAI, WorkingCalendar
from kefu.telephony.models import Call

SLOTS = 48  # half hours in a day
HISTORY_DAYS = 365
HALF_LIFE_DAYS = 91  # weights of the history halve every thirteen weeks
MIN_HISTORY_DAYS = 14  # below two weeks the model is not fitted; the forecast repeats the mean day
BURST_RATIO = 1.5  # a day with 50 % more calls than expected ...
BURST_MIN_EXCESS = 40  # ... and at least this many more is an outage burst, left out of the second fit
LEVEL_WEEKS = 2  # the level carried forward: the mean of the last two weeks' levels
SLOPE_WEEKS = 8  # the slope: least squares over the last eight weeks' levels ...
SLOPE_DAMPING = 0.5  # ... of which half is carried forward
MAX_SLOPE_PER_WEEK = 0.05  # and never more than ±5 % a week
MAX_SLOPE_DAYS = 56  # nor carried further than eight weeks ahead
ITERATIONS = 200
LONG_BREAK_DAYS = 3
VERY_LONG_BREAK_DAYS = 7

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
KINDS = [*WEEKDAYS, "holiday", "makeup", "after_break", "after_long_break"]
KIND_LABELS = {
    "mon": "周一",
    "tue": "周二",
    "wed": "周三",
    "thu": "周四",
    "fri": "周五",
    "sat": "周六",
    "sun": "周日",
    "holiday": "法定节假日",
    "makeup": "调休上班日",
    "after_break": "假期（3至6天）后首个工作日",
    "after_long_break": "长假（7天及以上）后首个工作日",
}
FALLBACK = {"holiday": "sun", "makeup": "thu", "after_long_break": "after_break", "after_break": "mon"}
SHAPES = ["working", "weekend", "holiday"]


def shape_of(kind: str) -> str:
    if kind == "holiday":
        return "holiday"
    return "weekend" if kind in ("sat", "sun") else "working"


def day_kinds(first_day: date, days: int, calendar: WorkingCalendar | None = None) -> list[str]:
    """The kind of each day from `first_day` on (see the module's docstring)."""
    calendar = calendar or WorkingCalendar()
    lookback = 12  # far enough to see the whole break before the first day (春节 is at most ~9 days)
    infos = [calendar.day(first_day + timedelta(days=n)) for n in range(-lookback, days)]
    kinds = []
    for n in range(lookback, lookback + days):
        info = infos[n]
        weekday = info.date.weekday()
        if info.holiday:
            kinds.append("holiday")
        elif info.working and weekday >= 5:
            kinds.append("makeup")
        elif info.working and (brk := _break_before(infos, n)) >= LONG_BREAK_DAYS:
            kinds.append("after_long_break" if brk >= VERY_LONG_BREAK_DAYS else "after_break")
        else:
            kinds.append(WEEKDAYS[weekday])
    return kinds


def _break_before(infos, n: int) -> int:
    """How many days off came just before day n, when they include a statutory holiday (else 0)."""
    run, holiday = 0, False
    for info in reversed(infos[:n]):
        if info.working:
            break
        run += 1
        holiday = holiday or info.holiday
    return run if holiday else 0


# ---- the history


def offered_calls(first_day: date, days: int) -> np.ndarray:
    """Calls offered (rung) per half hour of local time: an array of `days` × 48 counts.

    The rings of the period are read as timestamps (one indexed range scan, call_ring_stats) and binned
    with numpy: a year (~150,000 calls) takes about a second on SQLite, where grouping by the local hour
    in SQL calls Python for every row and took five times as long (docs/PERFORMANCE.md). Asia/Shanghai has
    no daylight saving, so a half hour is 1,800 seconds from local midnight."""
    counts = np.zeros((max(days, 0), SLOTS))
    if days <= 0:
        return counts
    since = datetime.combine(first_day, time.min, tzinfo=SHANGHAI)
    until = since + timedelta(days=days)
    rings = (
        Call.objects.filter(ring_at__gte=since, ring_at__lt=until)
        .order_by()
        .values_list("ring_at", flat=True)
    )
    stamps = np.fromiter((moment.timestamp() for moment in rings.iterator(chunk_size=10_000)), dtype=float)
    if stamps.size:
        index = ((stamps - since.timestamp()) // 1800).astype(int)
        index = index[(index >= 0) & (index < days * SLOTS)]
        counts = np.bincount(index, minlength=days * SLOTS).reshape(days, SLOTS).astype(float)
    return counts


# ---- the model


@dataclass
class Model:
    """A fitted model: what `predict` needs, and what the fit saw."""

    origin: date  # the day after the last day of history
    level: float  # log level carried forward, at the origin
    slope_per_day: float  # damped, on the log scale
    kind_effects: dict[str, float]
    shape_effects: dict[str, np.ndarray]  # shape group → 48 log effects
    history_days: int
    excluded_days: list[date] = field(default_factory=list)
    fallback_profile: np.ndarray | None = None  # the mean day, when the history is too short to fit

    def predict(self, first_day: date, kinds: list[str]) -> np.ndarray:
        if self.fallback_profile is not None:
            return np.tile(self.fallback_profile, (len(kinds), 1))
        out = np.zeros((len(kinds), SLOTS))
        for n, kind in enumerate(kinds):
            level_kind = kind
            while level_kind not in self.kind_effects and level_kind in FALLBACK:
                level_kind = FALLBACK[level_kind]
            shape = shape_of(kind) if shape_of(kind) in self.shape_effects else shape_of(level_kind)
            if level_kind not in self.kind_effects or shape not in self.shape_effects:
                continue  # a weekday never seen: nothing to say
            ahead = min((first_day - self.origin).days + n, MAX_SLOPE_DAYS)  # the slope stops after 8 weeks
            log_rate = self.level + self.slope_per_day * ahead + self.kind_effects[level_kind]
            out[n] = np.exp(np.minimum(log_rate + self.shape_effects[shape], 20))
        return out


def fit(history: np.ndarray, kinds: list[str], origin: date) -> Model:
    """Fit the model on `history` (days × 48 counts, the last day being the day before `origin`)."""
    days = history.shape[0]
    observed = history.sum(axis=1) > 0  # a day without a single call is a gap in the records, not data
    if observed.sum() < MIN_HISTORY_DAYS:
        profile = history[observed].mean(axis=0) if observed.any() else np.zeros(SLOTS)
        return Model(origin, 0.0, 0.0, {}, {}, int(observed.sum()), fallback_profile=profile)
    ago = days - np.arange(days)  # 1 for the last day of history
    weights = 0.5 ** (ago / HALF_LIFE_DAYS) * observed
    terms = _terms(kinds, ago)
    fitted = _fit_ipf(history, terms, weights)
    daily, expected = history.sum(axis=1), fitted.expected.sum(axis=1)
    burst = observed & (daily > BURST_RATIO * expected) & (daily - expected > BURST_MIN_EXCESS)
    excluded = [origin - timedelta(days=int(a)) for a in ago[burst]]
    if burst.any():
        fitted = _fit_ipf(history, terms, weights * ~burst)
    level, slope = _carried_level(fitted.week_levels, fitted.week_seen)
    kind_effects = {k: float(fitted.kind_effects[i]) for i, k in enumerate(KINDS) if fitted.kind_seen[i]}
    shape_effects = {g: fitted.shape_effects[i] for i, g in enumerate(SHAPES) if fitted.shape_seen[i]}
    return Model(origin, level, slope, kind_effects, shape_effects, int(observed.sum()), excluded)


@dataclass
class _Terms:
    week: np.ndarray  # per day: its week, 0 for the last seven days
    kind: np.ndarray  # per day: index in KINDS
    shape: np.ndarray  # per day: index in SHAPES


def _terms(kinds: list[str], ago: np.ndarray) -> _Terms:
    return _Terms(
        week=(ago - 1) // 7,
        kind=np.array([KINDS.index(k) for k in kinds]),
        shape=np.array([SHAPES.index(shape_of(k)) for k in kinds]),
    )


@dataclass
class _Fit:
    week_levels: np.ndarray
    week_seen: np.ndarray
    kind_effects: np.ndarray
    kind_seen: np.ndarray
    shape_effects: np.ndarray  # groups × 48
    shape_seen: np.ndarray
    expected: np.ndarray  # days × 48


def _fit_ipf(history: np.ndarray, terms: _Terms, weights: np.ndarray) -> _Fit:
    """Maximum likelihood for the weighted Poisson model by iterative proportional fitting: each term is
    scaled in turn so that its weighted fitted margin equals the observed one."""
    weeks = int(terms.week.max()) + 1
    wy = history * weights[:, None]  # weighted counts
    day_totals = wy.sum(axis=1)
    week_obs = np.bincount(terms.week, day_totals, weeks)
    kind_obs = np.bincount(terms.kind, day_totals, len(KINDS))
    shape_obs = np.zeros((len(SHAPES), SLOTS))
    np.add.at(shape_obs, terms.shape, wy)
    week_seen = np.bincount(terms.week, weights, weeks) > 0
    kind_seen = np.bincount(terms.kind, weights, len(KINDS)) > 0
    shape_seen = np.bincount(terms.shape, weights, len(SHAPES)) > 0
    tiny = 1e-3  # keeps a half hour that never rang finite (its effect ends very negative, not −∞)
    level = np.zeros(weeks)
    kind = np.zeros(len(KINDS))
    shape = np.zeros((len(SHAPES), SLOTS))
    shape[shape_seen] = np.log(shape_obs[shape_seen] + tiny) - np.log(
        shape_obs[shape_seen].sum(axis=1, keepdims=True) + tiny
    )
    for _ in range(ITERATIONS):
        day_shape = np.exp(shape[terms.shape])  # days × 48
        day_mass = day_shape.sum(axis=1) * weights  # weighted expected calls of a day, per unit of level
        scale = np.exp(kind[terms.kind])
        fit_week = np.bincount(terms.week, day_mass * scale, weeks)
        level[week_seen] = np.log(week_obs[week_seen] + tiny) - np.log(fit_week[week_seen] + tiny)
        scale = np.exp(level[terms.week])
        fit_kind = np.bincount(terms.kind, day_mass * scale, len(KINDS))
        new_kind = kind.copy()
        new_kind[kind_seen] = np.log(kind_obs[kind_seen] + tiny) - np.log(fit_kind[kind_seen] + tiny)
        new_kind -= (
            new_kind[kind_seen][0] if kind_seen.any() else 0
        )  # one reference kind: levels carry the rest
        day_scale = np.exp(level[terms.week] + new_kind[terms.kind]) * weights
        fit_shape = np.zeros((len(SHAPES), SLOTS))
        np.add.at(fit_shape, terms.shape, day_shape * day_scale[:, None])
        new_shape = shape.copy()
        new_shape[shape_seen] += np.log(shape_obs[shape_seen] + tiny) - np.log(fit_shape[shape_seen] + tiny)
        change = max(np.abs(new_kind - kind).max(), np.abs(new_shape - shape).max())
        kind, shape = new_kind, new_shape
        if change < 1e-7:
            break
    expected = np.exp(level[terms.week] + kind[terms.kind])[:, None] * np.exp(shape[terms.shape])
    return _Fit(level, week_seen, kind, kind_seen, shape, shape_seen, expected)


def _carried_level(levels: np.ndarray, seen: np.ndarray) -> tuple[float, float]:
    """The log level at the origin and the damped slope per day, from the last weeks' levels (week 0 is
    the last seven days, centred 3.5 days before the origin)."""
    recent = [(w, levels[w]) for w in range(len(levels)) if seen[w]][:SLOPE_WEEKS]
    if not recent:
        return 0.0, 0.0
    level = float(np.mean([v for _, v in recent[:LEVEL_WEEKS]]))
    centre = float(np.mean([w for w, _ in recent[:LEVEL_WEEKS]])) * 7 + 3.5  # days before the origin
    slope = 0.0
    if len(recent) >= 4:
        x = np.array([-(w * 7 + 3.5) for w, _ in recent])
        y = np.array([v for _, v in recent])
        slope = float(np.polyfit(x, y, 1)[0]) * SLOPE_DAMPING
        slope = float(np.clip(slope, -MAX_SLOPE_PER_WEEK / 7, MAX_SLOPE_PER_WEEK / 7))
    return level + slope * centre, slope


# ---- what the pages, the API and the roster generator ask


@dataclass
class Forecast:
    first_day: date
    kinds: list[str]
    calls: np.ndarray  # days × 48 expected calls
    model: Model

    @property
    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=n) for n in range(len(self.kinds))]


def today() -> date:
    return timezone.localdate(timezone.now(), SHANGHAI)


def forecast(
    first_day: date, days: int, *, history_days: int = HISTORY_DAYS, now: date | None = None
) -> Forecast:
    """Expected calls per half hour for `days` days from `first_day`, learnt from the `history_days` days
    before `first_day` (or before today, when `first_day` is later: today is not over yet)."""
    origin = min(first_day, now or today())
    calendar = WorkingCalendar()
    start = origin - timedelta(days=history_days)
    history = offered_calls(start, history_days)
    model = fit(history, day_kinds(start, history_days, calendar), origin)
    kinds = day_kinds(first_day, days, calendar)
    return Forecast(first_day, kinds, model.predict(first_day, kinds), model)


# ---- held-out weeks


@dataclass(frozen=True)
class Errors:
    wape: float  # Σ|forecast − actual| ÷ Σ actual
    mape: float  # mean |forecast − actual| ÷ actual over half hours with calls

    @classmethod
    def of(cls, predicted: np.ndarray, actual: np.ndarray) -> "Errors":
        total = actual.sum()
        wape = float(np.abs(predicted - actual).sum() / total) if total else math.nan
        rang = actual > 0
        mape = (
            float(np.mean(np.abs(predicted[rang] - actual[rang]) / actual[rang])) if rang.any() else math.nan
        )
        return cls(wape, mape)


@dataclass(frozen=True)
class WeekCheck:
    first_day: date
    actual_calls: int
    model: Errors
    naive: Errors
    daily_model: Errors  # the same, on day totals (what a day's roster needs)
    daily_naive: Errors


@dataclass(frozen=True)
class Backtest:
    weeks: list[WeekCheck]
    model: Errors
    naive: Errors
    daily_model: Errors
    daily_naive: Errors

    @property
    def model_wins(self) -> bool:
        return self.model.wape < self.naive.wape


def backtest(weeks: int = 4, *, history_days: int = HISTORY_DAYS, now: date | None = None) -> Backtest | None:
    """Rolling origin over the last `weeks` whole weeks before today: each week is forecast from the
    history before it, and so is the naive "same half hour last week". None without enough history."""
    end = now or today()
    calendar = WorkingCalendar()
    span = history_days + 7 * weeks
    start = end - timedelta(days=span)
    counts = offered_calls(start, span)
    kinds = day_kinds(start, span, calendar)
    if (counts.sum(axis=1) > 0).sum() < MIN_HISTORY_DAYS + 7 * weeks:
        return None
    checks, predicted_all, naive_all, actual_all = [], [], [], []
    for k in range(weeks, 0, -1):
        cut = span - 7 * k  # index of the held-out week's first day
        first = start + timedelta(days=cut)
        lo = max(cut - history_days, 0)
        model = fit(counts[lo:cut], kinds[lo:cut], first)
        predicted = model.predict(first, kinds[cut : cut + 7])
        naive = counts[cut - 7 : cut]
        actual = counts[cut : cut + 7]
        checks.append(
            WeekCheck(
                first,
                int(actual.sum()),
                Errors.of(predicted, actual),
                Errors.of(naive, actual),
                Errors.of(predicted.sum(axis=1), actual.sum(axis=1)),
                Errors.of(naive.sum(axis=1), actual.sum(axis=1)),
            )
        )
        predicted_all.append(predicted)
        naive_all.append(naive)
        actual_all.append(actual)
    p, n, a = np.vstack(predicted_all), np.vstack(naive_all), np.vstack(actual_all)
    return Backtest(
        checks,
        Errors.of(p, a),
        Errors.of(n, a),
        Errors.of(p.sum(axis=1), a.sum(axis=1)),
        Errors.of(n.sum(axis=1), a.sum(axis=1)),
    )
