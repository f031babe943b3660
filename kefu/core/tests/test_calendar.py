"""The working-day calendar (W2): the official 2026 arrangement, the N-working-days convention, hour
deadlines, local overrides, the missing-year warning, and the same answers over HTTP."""

from datetime import UTC, date, datetime

import pytest

from kefu.core import services
from kefu.core.calendar import SHANGHAI, WorkingCalendar, add_hours, add_working_days, is_working_day
from kefu.core.models import CalendarDay, Event


def shanghai(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=SHANGHAI)


# The 2026 arrangement from the package (国办发明电〔2025〕7号)


@pytest.mark.django_db
@pytest.mark.parametrize("day", [date(2026, 10, d) for d in range(1, 8)])
def test_national_day_week_2026_is_a_holiday(day):
    info = is_working_day(day)
    assert not info.working
    assert "国庆" in info.reason
    assert info.source == "official"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "day",
    [
        date(2026, 9, 20),  # Sunday before National Day
        date(2026, 10, 10),  # Saturday after National Day
        date(2026, 2, 14),  # Saturday before Spring Festival
        date(2026, 2, 28),  # Saturday after Spring Festival
        date(2026, 1, 4),  # Sunday after New Year
    ],
)
def test_make_up_weekend_days_of_2026_are_working_days(day):
    info = is_working_day(day)
    assert day.weekday() >= 5
    assert info.working
    assert "调休上班" in info.reason


@pytest.mark.django_db
@pytest.mark.parametrize("day", [date(2026, 2, d) for d in range(15, 24)])
def test_spring_festival_2026_runs_from_the_15th_to_the_23rd_of_february(day):
    info = is_working_day(day)
    assert not info.working
    assert "春节" in info.reason


@pytest.mark.django_db
def test_spring_festival_2026_ends_on_the_23rd():
    assert is_working_day(date(2026, 2, 24)).working
    assert is_working_day(date(2026, 2, 14)).working


@pytest.mark.django_db
@pytest.mark.parametrize("day", [date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3)])
def test_new_year_2026_is_the_first_three_days_of_january(day):
    info = is_working_day(day)
    assert not info.working
    assert "元旦" in info.reason


@pytest.mark.django_db
def test_ordinary_days_are_weekdays_and_weekends():
    assert is_working_day(date(2026, 3, 10)).reason == "工作日"
    assert is_working_day(date(2026, 3, 14)).reason == "周末"
    assert not is_working_day(date(2026, 3, 14)).working


# N working days: day D does not count; the deadline is 23:59:59 Asia/Shanghai on the N-th working day


@pytest.mark.django_db
def test_three_working_days_from_the_eve_of_national_day_end_on_the_make_up_saturday():
    # given a contact on 30 September 2026 at 10:00
    start = shanghai(2026, 9, 30, 10)
    # when three working days are added
    result = add_working_days(start, 3)
    # then 1-7 October are skipped and the make-up Saturday 10 October is the third working day
    assert result.deadline == end_of(date(2026, 10, 10))
    assert result.deadline.isoformat() == "2026-10-10T23:59:59+08:00"
    assert result.deadline_date == date(2026, 10, 10)
    assert result.warnings == []


@pytest.mark.django_db
def test_the_start_day_does_not_count_even_when_it_is_a_working_day():
    # given Monday 9 March 2026 at 08:00
    result = add_working_days(shanghai(2026, 3, 9, 8), 1)
    # then one working day ends on Tuesday evening, not Monday evening
    assert result.deadline == end_of(date(2026, 3, 10))


@pytest.mark.django_db
def test_counting_from_a_holiday_starts_on_the_next_working_day():
    # given a contact on 3 October 2026, in the middle of the holiday
    result = add_working_days(shanghai(2026, 10, 3, 9, 30), 1)
    # then the first working day is Thursday 8 October
    assert result.deadline == end_of(date(2026, 10, 8))


@pytest.mark.django_db
def test_zero_working_days_ends_the_same_day():
    assert add_working_days(shanghai(2026, 10, 3, 9, 30), 0).deadline == end_of(date(2026, 10, 3))
    assert add_working_days(shanghai(2026, 3, 9, 23, 30), 0).deadline == end_of(date(2026, 3, 9))


@pytest.mark.django_db
def test_five_working_days_across_spring_festival():
    # given Friday 13 February 2026, the last ordinary day before the holiday
    result = add_working_days(shanghai(2026, 2, 13, 16), 5)
    # then Saturday 14th counts, 15th-23rd do not, and 24th-27th complete the five
    assert result.deadline == end_of(date(2026, 2, 27))


@pytest.mark.django_db
def test_two_working_days_across_new_year_count_the_make_up_sunday():
    result = add_working_days(shanghai(2025, 12, 31, 10), 2)
    assert result.deadline == end_of(date(2026, 1, 5))


@pytest.mark.django_db
def test_a_start_late_in_the_evening_utc_is_counted_from_the_shanghai_date():
    # given 30 September 2026 18:00 UTC, which is already 1 October 02:00 in Shanghai
    start = datetime(2026, 9, 30, 18, tzinfo=UTC)
    # then the count starts from 1 October: 8, 9, 10 October
    assert add_working_days(start, 3).deadline == end_of(date(2026, 10, 10))
    # and from a UTC moment still on 30 September in Shanghai the answer is the same
    assert add_working_days(datetime(2026, 9, 30, 2, tzinfo=UTC), 3).deadline == end_of(date(2026, 10, 10))


@pytest.mark.django_db
def test_a_naive_start_is_taken_as_shanghai_time():
    assert add_working_days(datetime(2026, 9, 30, 10), 3).deadline == end_of(date(2026, 10, 10))


@pytest.mark.django_db
def test_negative_working_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(shanghai(2026, 3, 9, 8), -1)


# Hour deadlines are wall-clock hours, holidays or not


@pytest.mark.django_db
def test_hours_run_on_the_wall_clock_across_midnight_and_holidays():
    # given a burst main reported at 22:00 on the eve of National Day
    result = add_hours(shanghai(2026, 9, 30, 22), 4)
    # then the deadline is 02:00 on 1 October, a holiday
    assert result.deadline == shanghai(2026, 10, 1, 2)
    assert result.deadline.isoformat() == "2026-10-01T02:00:00+08:00"


@pytest.mark.django_db
def test_hours_from_a_naive_start_are_shanghai_time():
    assert add_hours(datetime(2026, 3, 9, 23, 30), 2).deadline == shanghai(2026, 3, 10, 1, 30)


@pytest.mark.django_db
def test_hours_from_a_utc_start_are_given_in_shanghai_time():
    result = add_hours(datetime(2026, 3, 9, 15, 0, tzinfo=UTC), 2)
    assert result.deadline.isoformat() == "2026-03-10T01:00:00+08:00"
    assert result.deadline_date == date(2026, 3, 10)


# Local overrides win over the package


@pytest.mark.django_db
def test_a_local_extra_holiday_wins_over_the_official_calendar(administrator):
    # given the city gives Friday 9 October 2026 off
    services.set_calendar_day(
        actor=administrator, day=date(2026, 10, 9), kind=CalendarDay.Kind.HOLIDAY, name="市运会"
    )
    # when three working days are counted from 30 September
    result = add_working_days(shanghai(2026, 9, 30, 10), 3)
    # then 9 October no longer counts: 8 Oct, 10 Oct (make-up Saturday), 12 Oct (Monday)
    assert result.deadline == end_of(date(2026, 10, 12))
    info = is_working_day(date(2026, 10, 9))
    assert not info.working
    assert info.source == "override"
    assert "市运会" in info.reason


@pytest.mark.django_db
def test_a_local_make_up_day_wins_over_the_official_weekend(administrator):
    services.set_calendar_day(
        actor=administrator, day=date(2026, 10, 11), kind=CalendarDay.Kind.WORKDAY, name="防汛值守"
    )
    assert is_working_day(date(2026, 10, 11)).working
    assert add_working_days(shanghai(2026, 10, 9, 10), 2).deadline == end_of(date(2026, 10, 11))


@pytest.mark.django_db
def test_a_withdrawn_override_no_longer_counts(administrator):
    # given an extra holiday that was later withdrawn
    row = services.set_calendar_day(
        actor=administrator, day=date(2026, 10, 9), kind=CalendarDay.Kind.HOLIDAY, name="市运会"
    )
    services.withdraw_calendar_day(actor=administrator, row=row, reason="通知撤回")
    # then the official calendar applies again
    assert is_working_day(date(2026, 10, 9)).working
    assert add_working_days(shanghai(2026, 9, 30, 10), 3).deadline == end_of(date(2026, 10, 10))
    # and the row stays, marked inactive
    assert CalendarDay.objects.get(pk=row.pk).active is False


@pytest.mark.django_db
def test_setting_a_withdrawn_day_again_reactivates_it(administrator):
    row = services.set_calendar_day(
        actor=administrator, day=date(2026, 10, 9), kind=CalendarDay.Kind.HOLIDAY, name="市运会"
    )
    services.withdraw_calendar_day(actor=administrator, row=row)
    services.set_calendar_day(
        actor=administrator, day=date(2026, 10, 9), kind=CalendarDay.Kind.HOLIDAY, name="市运会"
    )
    assert not is_working_day(date(2026, 10, 9)).working
    assert CalendarDay.objects.count() == 1


@pytest.mark.django_db
def test_an_override_needs_a_name_and_a_known_kind(administrator):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.set_calendar_day(actor=administrator, day=date(2026, 10, 9), kind="holiday", name=" ")
    assert "name" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.set_calendar_day(actor=administrator, day=date(2026, 10, 9), kind="party", name="聚餐")
    assert "kind" in caught.value.message_dict


# A year the package does not know yet (2027) until an administrator enters it


@pytest.mark.django_db
def test_a_deadline_into_an_unknown_year_carries_a_warning():
    # given nothing is known about 2027 except its weekends
    result = add_working_days(shanghai(2026, 12, 30, 10), 3)
    # then the answer is a weekends-only guess (31 Dec, Fri 1 Jan, Mon 4 Jan), loudly flagged
    assert result.deadline == end_of(date(2027, 1, 4))
    assert len(result.warnings) == 1
    assert "2027年" in result.warnings[0]
    assert "尚未录入" in result.warnings[0]
    info = is_working_day(date(2027, 1, 1))
    assert not info.known
    assert "2027年节假日安排尚未录入" in info.reason


@pytest.mark.django_db
def test_entering_a_single_day_without_completing_the_year_still_warns(administrator):
    services.set_calendar_day(
        actor=administrator, day=date(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦"
    )
    result = add_working_days(shanghai(2026, 12, 30, 10), 3)
    assert result.warnings
    assert not WorkingCalendar().year_is_known(2027)


@pytest.mark.django_db
def test_a_completed_year_has_no_warning_and_respects_its_holidays(administrator):
    # given an administrator entered New Year's Day 2027 and marked 2027 complete
    services.set_calendar_day(
        actor=administrator, day=date(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦"
    )
    services.mark_year(actor=administrator, year=2027, complete=True, source="国办发明电〔2026〕号")
    # when three working days are counted from 30 December 2026
    result = add_working_days(shanghai(2026, 12, 30, 10), 3)
    # then 1 January is skipped and no warning is given
    assert result.deadline == end_of(date(2027, 1, 5))
    assert result.warnings == []
    assert WorkingCalendar().year_is_known(2027)
    assert is_working_day(date(2027, 1, 6)).known


@pytest.mark.django_db
def test_unmarking_a_year_brings_the_warning_back(administrator):
    services.mark_year(actor=administrator, year=2027, complete=True)
    services.mark_year(actor=administrator, year=2027, complete=False)
    assert add_working_days(shanghai(2026, 12, 30, 10), 3).warnings


# Every change to the calendar is recorded


@pytest.mark.django_db
def test_calendar_changes_are_recorded_as_events(administrator):
    # when an administrator sets, changes and withdraws a day and marks a year
    row = services.set_calendar_day(
        actor=administrator, day=date(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦"
    )
    services.set_calendar_day(
        actor=administrator, day=date(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦", note="国办通知"
    )
    services.withdraw_calendar_day(actor=administrator, row=row, reason="录错")
    services.mark_year(actor=administrator, year=2027, complete=True, source="国办通知")
    # then each step left an event with its actor
    verbs = list(Event.objects.order_by("id").values_list("verb", flat=True))
    assert verbs == [
        "calendar.day_set",
        "calendar.day_changed",
        "calendar.day_withdrawn",
        "calendar.year_marked",
    ]
    assert set(Event.objects.values_list("actor", flat=True)) == {administrator.pk}
    changed = Event.objects.get(verb="calendar.day_changed")
    assert changed.changes == {"note": ["", "国办通知"]}
    assert Event.objects.get(verb="calendar.day_withdrawn").note == "录错"


@pytest.mark.django_db
def test_saving_an_unchanged_day_records_no_event(administrator):
    services.set_calendar_day(actor=administrator, day=date(2027, 1, 1), kind="holiday", name="元旦")
    services.set_calendar_day(actor=administrator, day=date(2027, 1, 1), kind="holiday", name="元旦")
    assert Event.objects.filter(verb__startswith="calendar.day").count() == 1


# The API


def test_the_api_computes_a_working_day_deadline(client_for, agent):
    # given a logged-in agent
    client = client_for(agent)
    # when asking for three working days from 30 September 2026 10:00
    response = client.get("/api/calendar/deadline", {"start": "2026-09-30T10:00:00", "working_days": 3})
    # then the deadline is the make-up Saturday, end of day, Shanghai time
    assert response.status_code == 200
    body = response.json()
    assert body["deadline"] == "2026-10-10T23:59:59+08:00"
    assert body["deadline_date"] == "2026-10-10"
    assert body["start"] == "2026-09-30T10:00:00+08:00"
    assert body["working_days"] == 3
    assert body["calendar_complete"] is True
    assert body["warnings"] == []


def test_the_api_computes_an_hour_deadline(client_for, agent):
    response = client_for(agent).get("/api/calendar/deadline", {"start": "2026-09-30T22:00:00", "hours": 4})
    assert response.status_code == 200
    assert response.json()["deadline"] == "2026-10-01T02:00:00+08:00"
    assert response.json()["hours"] == 4


def test_the_api_converts_a_utc_start(client_for, agent):
    response = client_for(agent).get("/api/calendar/deadline", {"start": "2026-03-09T15:00:00Z", "hours": 2})
    assert response.json()["start"] == "2026-03-09T23:00:00+08:00"
    assert response.json()["deadline"] == "2026-03-10T01:00:00+08:00"


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-09-30T10:00:00", "working_days": 3, "hours": 4},
        {"start": "2026-09-30T10:00:00"},
    ],
)
def test_the_api_wants_exactly_one_of_working_days_and_hours(client_for, agent, params):
    response = client_for(agent).get("/api/calendar/deadline", params)
    assert response.status_code == 400
    message = response.json()["errors"]["working_days"][0]
    assert "working_days" in message and "hours" in message and "只能" in message


@pytest.mark.parametrize("start", ["yesterday", "2026-13-01T10:00:00", "30/09/2026"])
def test_the_api_names_a_bad_start(client_for, agent, start):
    response = client_for(agent).get("/api/calendar/deadline", {"start": start, "working_days": 3})
    assert response.status_code == 400
    assert "ISO 8601" in response.json()["errors"]["start"][0]


def test_the_api_says_a_missing_start_is_required(client_for, agent):
    response = client_for(agent).get("/api/calendar/deadline", {"working_days": 3})
    assert response.status_code == 400
    assert response.json()["errors"] == {"start": ["必填"]}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"working_days": "three"}, "working_days"),
        ({"working_days": -1}, "working_days"),
        ({"working_days": 400}, "working_days"),
        ({"hours": "abc"}, "hours"),
        ({"hours": -2}, "hours"),
    ],
)
def test_the_api_refuses_bad_numbers_in_chinese(client_for, agent, params, field):
    response = client_for(agent).get("/api/calendar/deadline", {"start": "2026-09-30T10:00:00", **params})
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert all(not m.isascii() for m in response.json()["errors"][field])


def test_the_api_warns_about_a_deadline_in_an_unknown_year(client_for, agent):
    response = client_for(agent).get(
        "/api/calendar/deadline", {"start": "2026-12-30T10:00:00", "working_days": 3}
    )
    body = response.json()
    assert body["calendar_complete"] is False
    assert "2027年" in body["warnings"][0]


def test_the_api_explains_a_day(client_for, agent):
    response = client_for(agent).get("/api/calendar/day", {"date": "2026-10-10"})
    assert response.status_code == 200
    body = response.json()
    assert body["working_day"] is True
    assert "国庆" in body["reason"]
    assert body["source"] == "official"
    assert body["warnings"] == []


def test_the_api_warns_about_a_day_in_an_unknown_year(client_for, agent):
    response = client_for(agent).get("/api/calendar/day", {"date": "2027-10-01"})
    body = response.json()
    assert body["calendar_complete"] is False
    assert body["warnings"] and "2027年" in body["warnings"][0]


def test_the_api_refuses_a_bad_date(client_for, agent):
    response = client_for(agent).get("/api/calendar/day", {"date": "2026-02-30"})
    assert response.status_code == 400
    assert response.json()["errors"]["date"]


# The calendar administration page


def test_an_administrator_adds_an_override_through_the_page(client_for, administrator):
    # given the administrator on the calendar page
    client = client_for(administrator)
    assert client.get("/calendar/?year=2027").status_code == 200
    # when they enter New Year's Day 2027
    response = client.post(
        "/calendar/days/",
        {"date": "2027-01-01", "kind": "holiday", "name": "元旦", "note": "国办通知"},
        follow=True,
    )
    # then it is saved, recorded and listed on the page
    assert response.status_code == 200
    row = CalendarDay.objects.get(date=date(2027, 1, 1))
    assert (row.kind, row.name, row.active) == ("holiday", "元旦", True)
    assert Event.objects.filter(verb="calendar.day_set", actor=administrator).exists()
    page = response.content.decode()
    assert "2027-01-01" in page and "元旦" in page
    assert not is_working_day(date(2027, 1, 1)).working


def test_an_administrator_marks_a_year_complete_through_the_page(client_for, administrator):
    client = client_for(administrator)
    assert "尚未录入" in client.get("/calendar/?year=2027").content.decode()
    client.post("/calendar/years/", {"year": 2027, "complete": "on", "source": "国办发明电"})
    assert "尚未录入" not in client.get("/calendar/?year=2027").content.decode()


def test_an_administrator_withdraws_an_override_through_the_page(client_for, administrator):
    row = services.set_calendar_day(actor=administrator, day=date(2026, 10, 9), kind="holiday", name="市运会")
    response = client_for(administrator).post(f"/calendar/days/{row.pk}/withdraw/", {"reason": "通知撤回"})
    assert response.status_code == 302
    assert is_working_day(date(2026, 10, 9)).working


def test_the_page_shows_a_bad_override_as_a_chinese_message(client_for, administrator):
    response = client_for(administrator).post(
        "/calendar/days/", {"date": "2027-02-30", "kind": "holiday", "name": ""}, follow=True
    )
    assert not CalendarDay.objects.exists()
    page = response.content.decode()
    assert "日期格式应为 YYYY-MM-DD" in page
    assert "请填写节日名称" in page


def test_an_agent_may_see_the_calendar_but_not_change_it(client_for, agent):
    client = client_for(agent)
    assert client.get("/calendar/").status_code == 200
    assert (
        client.post("/calendar/days/", {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}).status_code
        == 403
    )
    assert client.post("/calendar/years/", {"year": 2027, "complete": "on"}).status_code == 403
    assert not CalendarDay.objects.exists()


@pytest.mark.django_db
def test_a_holiday_is_a_day_off_by_the_arrangement_not_a_weekend_or_a_make_up_day(administrator):
    # 2026-10-01 国庆节, 2026-11-28 an ordinary Saturday, 2026-02-28 a make-up working Saturday
    assert is_working_day(date(2026, 10, 1)).holiday
    assert not is_working_day(date(2026, 11, 28)).holiday
    assert not is_working_day(date(2026, 2, 28)).holiday
    # and a day off set on the calendar page counts too
    services.set_calendar_day(actor=administrator, day=date(2026, 12, 9), kind="holiday", name="抗洪抢险")
    assert is_working_day(date(2026, 12, 9)).holiday
