"""S5 forecast: the kinds of day from the working-day calendar, the model against the naive "same half
hour last week" on a synthetic history with a known pattern, demand, the pages and the API."""

from datetime import date, datetime, time, timedelta

import numpy as np
import pytest
import time_machine

from kefu.accounts.models import Role
from kefu.core.calendar import SHANGHAI
from kefu.core.models import Policy
from kefu.telephony.models import Call
from kefu.workforce import demand, forecast

WEEKDAY = [1.3, 1.0, 1.0, 1.0, 0.95, 0.6, 0.5]
TRUE_KIND = {"holiday": 0.4, "makeup": 0.9, "after_break": 1.5, "after_long_break": 1.8}
SHAPE = np.array([0.2] * 14 + [1.0] * 6 + [3.0] * 4 + [2.0] * 4 + [3.0] * 6 + [1.5] * 8 + [0.5] * 6)
SHAPE = SHAPE / SHAPE.sum()
PER_DAY = 90


def true_rates(first: date, days: int) -> np.ndarray:
    kinds = forecast.day_kinds(first, days)
    daily = [TRUE_KIND.get(k) or WEEKDAY[forecast.WEEKDAYS.index(k)] for k in kinds]
    return np.outer(np.array(daily) * PER_DAY, SHAPE)


def make_history(first: date, days: int, seed: int = 1) -> np.ndarray:
    counts = np.random.default_rng(seed).poisson(true_rates(first, days))
    calls, midnight = [], datetime.combine(first, time.min, tzinfo=SHANGHAI)
    for d in range(days):
        for s in np.nonzero(counts[d])[0]:
            for k in range(counts[d, s]):
                ring = midnight + timedelta(days=d, seconds=int(s) * 1800 + 60 * k % 1800)
                calls.append(Call(call_id=f"T{d}-{s}-{k}", started_at=ring, ring_at=ring))
    Call.objects.bulk_create(calls, batch_size=5000)
    return counts


def test_the_kinds_of_day_follow_the_calendar_around_national_day_2025(db):
    kinds = dict(
        zip(
            [date(2025, 9, 27) + timedelta(days=n) for n in range(18)],
            forecast.day_kinds(date(2025, 9, 27), 18),
            strict=True,
        )
    )
    assert kinds[date(2025, 9, 28)] == "makeup"  # a Sunday worked (调休上班)
    assert kinds[date(2025, 10, 1)] == "holiday"
    assert kinds[date(2025, 10, 8)] == "holiday"
    assert kinds[date(2025, 10, 9)] == "after_long_break"  # the first working day after eight days off
    assert kinds[date(2025, 10, 11)] == "makeup"  # a Saturday worked
    assert kinds[date(2025, 10, 13)] == "mon"
    assert forecast.day_kinds(date(2025, 5, 6), 1) == ["after_break"]  # after 劳动节, five days off


def test_the_half_hours_are_counted_in_local_time(db):
    # given a call at 23:40 Shanghai time (15:40 UTC) and one at 00:10 the next day
    Call.objects.create(
        call_id="a",
        started_at=datetime(2026, 3, 2, 23, 40, tzinfo=SHANGHAI),
        ring_at=datetime(2026, 3, 2, 23, 40, tzinfo=SHANGHAI),
    )
    Call.objects.create(
        call_id="b",
        started_at=datetime(2026, 3, 3, 0, 10, tzinfo=SHANGHAI),
        ring_at=datetime(2026, 3, 3, 0, 10, tzinfo=SHANGHAI),
    )
    # when
    counts = forecast.offered_calls(date(2026, 3, 2), 2)
    # then
    assert counts[0, 47] == 1 and counts[1, 0] == 1 and counts.sum() == 2


def test_the_model_beats_the_naive_forecast_over_weeks_with_national_day(db):
    # given half a year of calls with a known pattern, 清明, 劳动节 and 端午 in it
    make_history(date(2025, 4, 1), 202)
    # when the last four weeks (09-22 … 10-19, 国庆 in them) are forecast each from the weeks before
    result = forecast.backtest(4, history_days=175, now=date(2025, 10, 20))
    # then the model is closer than "the same half hour last week", by half hours and by days
    assert result is not None
    assert result.model.wape < result.naive.wape
    assert result.daily_model.wape < result.daily_naive.wape
    assert result.daily_model.wape < 0.2


def test_holidays_are_lower_and_the_day_after_a_long_holiday_higher(db):
    # given the history up to 2025-09-20 (holidays seen: 清明, 劳动节, 端午; no break of seven days yet)
    make_history(date(2025, 3, 20), 184)
    # when the fortnight of 国庆 is forecast
    result = forecast.forecast(date(2025, 9, 29), 21, history_days=184, now=date(2025, 9, 20))
    totals = dict(zip(result.days, result.calls.sum(axis=1), strict=True))
    # then a holiday is well below an ordinary Wednesday and the first day back above an ordinary Thursday
    assert totals[date(2025, 10, 1)] < 0.6 * totals[date(2025, 10, 15)]
    assert totals[date(2025, 10, 9)] > 1.25 * totals[date(2025, 10, 16)]
    # and the ordinary days are within 15 % of the truth
    truth = dict(zip(result.days, true_rates(date(2025, 9, 29), 21).sum(axis=1), strict=True))
    for day in (date(2025, 10, 13), date(2025, 10, 15), date(2025, 10, 18)):
        assert totals[day] == pytest.approx(truth[day], rel=0.15)


def test_an_outage_burst_is_left_out_of_the_fit(db):
    # given six weeks of calls and a burst main doubling one Tuesday
    make_history(date(2026, 3, 2), 42)
    burst = datetime(2026, 3, 24, 9, 0, tzinfo=SHANGHAI)
    Call.objects.bulk_create(
        Call(
            call_id=f"B{n}",
            started_at=burst + timedelta(seconds=20 * n),
            ring_at=burst + timedelta(seconds=20 * n),
        )
        for n in range(200)
    )
    # when
    result = forecast.forecast(date(2026, 4, 13), 7, history_days=42, now=date(2026, 4, 13))
    # then
    assert date(2026, 3, 24) in result.model.excluded_days


def test_demand_gives_48_whole_agents_a_day_never_below_the_minimum_staff(db):
    # given four weeks of calls and a long handling time (15 minutes: the busy half hours need more than two)
    make_history(date(2026, 3, 2), 28)
    Policy.objects.create(key="workforce.average_handling_seconds", value=900)
    # when
    with_time = datetime(2026, 3, 30, 8, 0, tzinfo=SHANGHAI)
    with time_machine.travel(with_time, tick=False):
        needs = demand.required_agents(date(2026, 3, 30), 3)
    # then
    assert len(needs) == 3 * 48
    assert all(isinstance(n, int) and n >= 2 for n in needs)
    assert max(needs[18:24]) > min(needs[0:10])  # the morning needs more than the night


def test_demand_without_any_history_is_the_minimum_staff(db):
    assert demand.required_agents(date(2026, 5, 4), 1) == [2] * 48
    assert demand.required_agents(date(2026, 5, 4), 0) == []


@pytest.fixture
def leader(make_user):
    return make_user(Role.TEAM_LEADER, username="leader", name="班长老周")


def test_a_team_leader_sees_the_forecast_and_exports_it(db, leader, client_for):
    make_history(date(2026, 3, 2), 28)
    with time_machine.travel(datetime(2026, 3, 30, 8, 0, tzinfo=SHANGHAI), tick=False):
        client = client_for(leader)
        page = client.get("/duty/forecast/")
        day = client.get("/duty/forecast/?day=2026-04-02")
        bad = client.get("/duty/forecast/?day=2026-13-01")
        export = client.get("/duty/forecast/export/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "话务预测与人员测算" in text and "2026-03-31" in text and "人员测算器" in text
    assert "2026-04-02（周四）分时段" in day.content.decode()
    assert bad.status_code == 200 and "日期格式应为" in bad.content.decode()
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")


def test_the_staffing_calculator_draws_the_curve(db, leader, client_for):
    client = client_for(leader)
    page = client.get("/duty/staffing/")
    assert page.status_code == 200 and "测算" in page.content.decode()
    c = client.get(
        "/duty/staffing/",
        {
            "calls": 100,
            "interval_s": 1800,
            "aht_s": 180,
            "service_level": 80,
            "answer_within_s": 20,
            "model": "erlang_c",
        },
    )
    assert c.status_code == 200
    text = c.content.decode()
    assert "<strong>14</strong>" in text and "<polyline" in text
    a = client.get(
        "/duty/staffing/",
        {
            "calls": 100,
            "interval_s": 1800,
            "aht_s": 180,
            "service_level": 80,
            "answer_within_s": 20,
            "model": "erlang_a",
            "patience_s": 120,
        },
    )
    assert "放弃率" in a.content.decode() and "Erlang C 需 14 人" in a.content.decode()
    missing = client.get(
        "/duty/staffing/",
        {
            "calls": 100,
            "interval_s": 1800,
            "aht_s": 180,
            "service_level": 80,
            "answer_within_s": 20,
            "model": "erlang_a",
        },
    )
    assert missing.status_code == 400 and "须填写平均等待耐心" in missing.content.decode()


def test_an_agent_may_open_neither_page_nor_the_forecast_api(db, agent, client_for):
    client = client_for(agent)
    assert client.get("/duty/staffing/").status_code == 403
    assert client.get("/duty/forecast/").status_code == 403
    assert client.get("/api/workforce/forecast").status_code == 403


def test_the_forecast_api_gives_half_hours_of_calls_and_agents(db, leader, client_for):
    make_history(date(2026, 3, 2), 28)
    with time_machine.travel(datetime(2026, 3, 29, 20, 0, tzinfo=SHANGHAI), tick=False):
        client = client_for(leader)
        response = client.get("/api/workforce/forecast", {"start": "2026-03-30", "days": 2})
        assert response.status_code == 200
        body = response.json()
        assert [d["date"] for d in body["days"]] == ["2026-03-30", "2026-03-31"]
        assert body["days"][0]["kind"] == "mon" and len(body["days"][0]["half_hours"]) == 48
        assert body["days"][0]["half_hours"][19]["start"] == "09:30"
        assert all(h["agents"] >= 2 for d in body["days"] for h in d["half_hours"])
        assert client.get("/api/workforce/forecast", {"days": 99}).status_code in (400, 422)
        far = client.get("/api/workforce/forecast", {"start": "2090-01-01", "days": 1})
        assert far.status_code == 400 and "起始日应在今天前后366天之内" in far.content.decode()


@pytest.mark.django_db  # the kinds of day come from the working-day calendar
def test_the_proportional_fit_is_the_poisson_glm_fitted_by_statsmodels():
    """The forecast fits its log-linear Poisson model by iterative proportional fitting, for speed; the
    maximum-likelihood answer must be the one statsmodels' GLM (IRLS) finds on the same terms."""
    import statsmodels.api as sm

    from kefu.workforce.forecast import KINDS, SHAPES, SLOTS, _fit_ipf, _terms, day_kinds

    rng = np.random.default_rng(3)
    first = date(2026, 9, 7)  # eight weeks over 国庆: holidays, make-up days and the day after the break
    days = 56
    kinds = day_kinds(first, days)
    ago = np.arange(days, 0, -1)
    terms = _terms(kinds, ago)
    curve = 2 + np.sin(np.linspace(0, np.pi, SLOTS)) * 8
    history = rng.poisson(curve[None, :] * (1 + 0.3 * (terms.kind[:, None] % 3))).astype(float)

    fitted = _fit_ipf(history, terms, np.ones(days))

    # the same model as a GLM: week + kind + (shape × half hour), one row per day and half hour
    def one_hot(values, size):
        return np.eye(size)[values]

    rows = np.repeat(np.arange(days), SLOTS)
    slots = np.tile(np.arange(SLOTS), days)
    weeks = int(terms.week.max()) + 1
    design = np.hstack(
        [
            one_hot(terms.week[rows], weeks),
            one_hot(terms.kind[rows], len(KINDS))[:, 1:],
            one_hot(terms.shape[rows] * SLOTS + slots, len(SHAPES) * SLOTS)[:, 1:],
        ]
    )
    used = design.any(axis=0)
    glm = sm.GLM(history.ravel(), design[:, used], family=sm.families.Poisson()).fit()
    assert np.allclose(fitted.expected.ravel(), glm.fittedvalues, rtol=1e-3, atol=1e-3)
