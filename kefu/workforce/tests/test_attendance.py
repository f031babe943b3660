"""Attendance and discipline (seed 002 客服部交接班制度一, 请假制度八, 换班制度五): sign-in once per shift,
迟到 from 20 minutes (08:19 no case, 08:20 a case), corrections with a reason that withdraw or open the
case, time away from the post, the 旷工 job (once; not on leave; both parties of a swap that left the
shift empty), the selectors the appraisal reads, who may do what, the pages and the API."""

import json
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import TeamFactory
from kefu.core.events import events_for
from kefu.core.models import Alert
from kefu.workforce import selectors as workforce_selectors
from kefu.workforce.models import Attendance, DisciplineCase, PostAbsence, RosterEntry, Shift, ShiftSwap
from kefu.workforce.selectors_attendance import (
    WITHDRAWN_OUTCOME,
    attendance_summary,
    discipline_cases,
    discipline_visible_to,
)
from kefu.workforce.services import attendance as services
from kefu.workforce.shifts import ensure_default_shifts

DAY = date(2026, 11, 24)


def at(text: str) -> datetime:
    """A moment on Beijing time: at("08:20") is 2026-11-24 08:20, at("11-25 07:50") the next day."""
    if " " not in text:
        text = f"11-24 {text}"
    return datetime.fromisoformat(f"2026-{text.replace(' ', 'T')}:00+08:00")


def travel(text: str):
    return time_machine.travel(at(text), tick=False)


@pytest.fixture
def team(db):
    return TeamFactory(code="RX1", name="热线一班")


@pytest.fixture
def leader(make_user, team):
    return make_user(Role.TEAM_LEADER, username="leader1", name="班长老周", team=team)


@pytest.fixture
def worker(make_user, team):
    return make_user(Role.AGENT, username="agent11", name="话务员小张", team=team)


@pytest.fixture
def colleague(make_user, team):
    return make_user(Role.AGENT, username="agent12", name="话务员小李", team=team)


@pytest.fixture
def day_shift(db):
    return Shift.objects.get(code="D")


def rostered(person, shift_code: str = "D", day: date = DAY, **extra) -> RosterEntry:
    shift = ensure_default_shifts()[shift_code]  # (a transactional test's flush takes the shipped shifts)
    starts_at, ends_at = shift.span(day)
    return RosterEntry.objects.create(
        person=person, day=day, shift=shift, starts_at=starts_at, ends_at=ends_at, **extra
    )


def cases(person=None, kind=None):
    rows = DisciplineCase.objects.all()
    if person is not None:
        rows = rows.filter(person=person)
    if kind is not None:
        rows = rows.filter(kind=kind)
    return list(rows)


# Signing in: 08:19 no case, 08:20 a case


def test_signing_in_19_minutes_59_seconds_late_opens_no_case(worker):
    entry = rostered(worker)
    attendance = services.sign_in(
        actor=worker, at=datetime(2026, 11, 24, 8, 19, 59, tzinfo=at("08:00").tzinfo)
    )
    assert attendance.entry == entry
    assert attendance.minutes_late == 19
    assert cases() == []


def test_signing_in_20_minutes_late_opens_a_late_case_and_tells_the_team_leader(worker, leader):
    entry = rostered(worker)
    # when
    with travel("08:20"):
        attendance = services.sign_in(actor=worker)
    # then
    assert attendance.minutes_late == 20
    [case] = cases(worker, DisciplineCase.Kind.LATE)
    assert case.entry == entry and case.minutes == 20 and case.status == DisciplineCase.Status.OPEN
    assert "请假制度八" in case.reason
    assert Alert.objects.filter(recipient=leader, kind=services.ALERT_KIND).count() == 1
    assert [e.verb for e in events_for(case)] == ["discipline_case.opened"]


def test_signing_in_early_is_not_late(worker):
    rostered(worker)
    attendance = services.sign_in(actor=worker, at=at("07:45"))
    assert attendance.minutes_late == 0 and attendance.signed_in_at == at("07:45")


def test_a_repeated_sign_in_is_answered_with_the_first_record_not_duplicated(worker):
    entry = rostered(worker)
    first = services.sign_in(actor=worker, at=at("07:55"))
    again = services.sign_in(actor=worker, at=at("08:30"))
    assert again.pk == first.pk and again.signed_in_at == at("07:55") and again.minutes_late == 0
    assert Attendance.objects.filter(entry=entry).count() == 1
    assert cases() == []
    assert [e.verb for e in events_for(first)] == ["attendance.signed_in"]


def test_signing_in_with_no_shift_is_refused_in_chinese(worker):
    rostered(worker, day=DAY + timedelta(days=1))  # tomorrow's shift is too far off
    with pytest.raises(ValidationError) as caught:
        services.sign_in(actor=worker, at=at("08:00"))
    assert caught.value.messages[0].startswith("当前没有您的排班")


def test_a_shift_on_leave_cannot_be_signed_in(worker):
    rostered(worker, status=RosterEntry.Status.LEAVE)
    with pytest.raises(ValidationError, match="当前没有您的排班"):
        services.sign_in(actor=worker, at=at("08:00"))


def test_nobody_signs_in_for_someone_else(worker, colleague):
    entry = rostered(worker)
    with pytest.raises(PermissionDenied):
        services.sign_in(actor=colleague, entry=entry, at=at("08:00"))
    assert not Attendance.objects.exists()


def test_signing_out_closes_the_shift_once(worker):
    rostered(worker)
    services.sign_in(actor=worker, at=at("07:55"))
    out = services.sign_out(actor=worker, at=at("16:05"))
    again = services.sign_out(actor=worker, at=at("16:30"))
    assert out.signed_out_at == at("16:05") and again.signed_out_at == at("16:05")


def test_signing_out_without_signing_in_is_refused(worker):
    rostered(worker)
    with pytest.raises(ValidationError, match="当前没有您已签到未签退的班次"):
        services.sign_out(actor=worker, at=at("16:00"))


# Roll call


def test_roll_call_opens_ten_minutes_before_the_shift(worker, colleague, leader):
    mine, theirs = rostered(worker), rostered(colleague)
    with pytest.raises(ValidationError, match="尚未到点名时间"):
        services.call_roll(actor=leader, entry_ids=[mine.pk], at=at("07:49"))
    called = services.call_roll(actor=leader, entry_ids=[mine.pk], at=at("07:50"))
    assert [a.entry for a in called] == [mine] and called[0].roll_called_at == at("07:50")
    assert not Attendance.objects.filter(entry=theirs).exists()  # not ticked: not present at roll call
    # ticking again changes nothing
    services.call_roll(actor=leader, entry_ids=[mine.pk], at=at("07:55"))
    assert Attendance.objects.get(entry=mine).roll_called_at == at("07:50")


def test_an_agent_cannot_call_the_roll(worker, colleague):
    entry = rostered(colleague)
    with pytest.raises(PermissionDenied):
        services.call_roll(actor=worker, entry_ids=[entry.pk], at=at("07:55"))


# Corrections


def test_a_correction_needs_a_reason(worker, leader):
    rostered(worker)
    attendance = services.sign_in(actor=worker, at=at("08:25"))
    with pytest.raises(ValidationError) as caught:
        services.correct_attendance(actor=leader, attendance=attendance, signed_in_at=at("07:58"), reason=" ")
    assert caught.value.message_dict == {"reason": ["更正考勤须填写更正原因"]}


def test_a_correction_removing_the_lateness_closes_the_case_and_one_creating_it_reopens_it(worker, leader):
    # given a sign-in 25 minutes late, with its case
    rostered(worker)
    attendance = services.sign_in(actor=worker, at=at("08:25"))
    [case] = cases(worker, DisciplineCase.Kind.LATE)
    # when the leader corrects it to 07:58 (the card reader was down)
    services.correct_attendance(
        actor=leader, attendance=attendance, signed_in_at=at("07:58"), reason="刷卡机故障"
    )
    # then the case is closed as 考勤更正, not deleted; the event keeps old → new
    case.refresh_from_db()
    assert case.status == DisciplineCase.Status.CLOSED and case.outcome == WITHDRAWN_OUTCOME
    attendance.refresh_from_db()
    assert attendance.minutes_late == 0 and attendance.corrected_by == leader
    corrected = events_for(attendance).get(verb="attendance.corrected")
    assert corrected.changes["signed_in_at"] == ["2026-11-24 08:25:00", "2026-11-24 07:58:00"]
    assert corrected.note == "刷卡机故障"
    # when a second correction makes it late again, the same case opens again
    services.correct_attendance(
        actor=leader, attendance=attendance, signed_in_at=at("08:21"), reason="核对录像"
    )
    case.refresh_from_db()
    assert case.status == DisciplineCase.Status.OPEN and case.minutes == 21
    assert DisciplineCase.objects.count() == 1


def test_a_correction_creating_lateness_opens_a_case(worker, leader):
    entry = rostered(worker)
    services.sign_in(actor=worker, at=at("08:05"))
    services.correct_attendance(
        actor=leader, entry=entry, signed_in_at=at("08:40"), reason="代签到，实际08:40到岗"
    )
    [case] = cases(worker, DisciplineCase.Kind.LATE)
    assert case.minutes == 40


def test_an_agent_cannot_correct_attendance(worker, colleague):
    rostered(worker)
    attendance = services.sign_in(actor=worker, at=at("08:25"))
    with pytest.raises(PermissionDenied):
        services.correct_attendance(
            actor=colleague, attendance=attendance, signed_in_at=at("08:00"), reason="帮忙"
        )


def test_a_team_leader_cannot_correct_their_own_attendance(leader):
    rostered(leader)
    attendance = services.sign_in(actor=leader, at=at("08:25"))
    with pytest.raises(PermissionDenied):
        services.correct_attendance(
            actor=leader, attendance=attendance, signed_in_at=at("08:00"), reason="自己改"
        )


# Away from the post


def test_away_19_minutes_opens_no_case_and_20_minutes_does(worker, colleague, leader):
    mine, theirs = rostered(worker), rostered(colleague)
    with travel("12:00"):
        services.record_absence(actor=leader, entry=mine, left_at=at("10:00"), returned_at=at("10:19"))
        services.record_absence(actor=leader, entry=theirs, left_at=at("10:00"), returned_at=at("10:20"))
    assert cases(worker) == []
    [case] = cases(colleague, DisciplineCase.Kind.AWAY)
    assert case.minutes == 20 and "擅离值守" in case.reason


def test_a_permitted_absence_opens_no_case(worker, leader):
    entry = rostered(worker)
    with travel("12:00"):
        services.record_absence(
            actor=leader,
            entry=entry,
            left_at=at("10:00"),
            returned_at=at("11:00"),
            permitted_by=leader,
            reason="就医",
        )
    assert cases() == []


def test_an_absence_judged_when_the_person_returns(worker, leader):
    entry = rostered(worker)
    with travel("10:05"):
        absence = services.record_absence(actor=leader, entry=entry, left_at=at("10:00"))
    assert cases() == []
    with travel("10:30"):
        services.record_return(actor=leader, absence=absence)
    [case] = cases(worker, DisciplineCase.Kind.AWAY)
    assert case.minutes == 30


def test_an_agent_cannot_record_an_absence(worker, colleague):
    entry = rostered(colleague)
    with travel("12:00"), pytest.raises(PermissionDenied):
        services.record_absence(actor=worker, entry=entry, left_at=at("10:00"), returned_at=at("10:30"))
    assert not PostAbsence.objects.exists()


# The 旷工 job


def test_a_shift_with_no_sign_in_is_absent_once_however_often_the_job_runs(worker, leader):
    entry = rostered(worker)
    assert services.detect_absences(at("15:00")) == []  # still under way
    lines = services.detect_absences(at("16:01"))
    again = services.detect_absences(at("16:05"))
    [case] = cases(worker, DisciplineCase.Kind.ABSENT)
    assert case.entry == entry and case.occurred_on == DAY
    assert lines == ["旷工：话务员小张 2026-11-24 白班（08:00–16:00）"]
    assert again == []
    assert Alert.objects.filter(recipient=leader, kind=services.ALERT_KIND).count() == 1


def test_a_signed_in_shift_is_not_absent(worker):
    rostered(worker)
    services.sign_in(actor=worker, at=at("08:00"))
    assert services.detect_absences(at("17:00")) == []
    assert cases() == []


def test_a_person_present_at_roll_call_is_not_absent_though_they_forgot_to_sign_in(worker, leader):
    entry = rostered(worker)
    services.call_roll(actor=leader, entry_ids=[entry.pk], at=at("07:52"))
    assert services.detect_absences(at("17:00")) == []


def test_a_shift_on_leave_is_not_absent(worker):
    rostered(worker, status=RosterEntry.Status.LEAVE)
    assert services.detect_absences(at("17:00")) == []
    assert cases() == []


def test_the_job_looks_back_a_few_days_only(worker):
    rostered(worker, day=DAY - timedelta(days=10))
    assert services.detect_absences(at("17:00")) == []
    assert len(services.detect_absences(at("17:00"), lookback_days=31)) == 1


def test_a_shift_left_empty_by_a_swap_is_absent_for_both_parties(worker, colleague):
    # given the worker gave today's 白班 to the colleague, who did not come
    given = rostered(worker, status=RosterEntry.Status.SWAPPED_OUT)
    swap = ShiftSwap.objects.create(
        number="HB202611001",
        requester=worker,
        colleague=colleague,
        given_entry=given,
        reason="家中有事",
        status=ShiftSwap.Status.APPROVED,
    )
    taken = rostered(colleague, source=RosterEntry.Source.SWAP, swap=swap)
    # when the job runs after the shift
    lines = services.detect_absences(at("16:30"))
    services.detect_absences(at("16:40"))
    # then both are recorded 旷工, each case naming the swap
    absent = cases(kind=DisciplineCase.Kind.ABSENT)
    assert {c.person for c in absent} == {worker, colleague}
    assert all(c.swap == swap and c.entry == taken for c in absent)
    assert "换班制度五" in absent[0].reason
    assert len(lines) == 2


def test_a_late_sign_in_added_by_correction_withdraws_the_absence(worker, leader):
    entry = rostered(worker)
    services.detect_absences(at("16:30"))
    services.correct_attendance(
        actor=leader,
        entry=entry,
        signed_in_at=at("07:58"),
        signed_out_at=at("16:02"),
        reason="忘记签到，班长在场",
    )
    [case] = cases(worker, DisciplineCase.Kind.ABSENT)
    assert case.status == DisciplineCase.Status.CLOSED and case.outcome == WITHDRAWN_OUTCOME


# Closing a case


def test_a_team_leader_closes_a_case_with_an_outcome(worker, leader):
    rostered(worker)
    services.sign_in(actor=worker, at=at("08:30"))
    [case] = cases(worker)
    with pytest.raises(ValidationError, match="请填写处理意见"):
        services.close_case(actor=leader, case=case, outcome="")
    services.close_case(actor=leader, case=case, outcome="批评教育，本月考核扣2分")
    case.refresh_from_db()
    assert case.status == DisciplineCase.Status.CLOSED and case.closed_by == leader
    with pytest.raises(PermissionDenied):
        services.close_case(actor=worker, case=case, outcome="我觉得没问题")


# What the appraisal reads


def test_the_selectors_give_quality_the_cases_and_the_summary(worker, leader):
    # given a late day, a withdrawn lateness, an absent day and a day on leave
    rostered(worker, day=DAY)
    rostered(worker, day=DAY + timedelta(days=1))
    rostered(worker, day=DAY + timedelta(days=2))
    rostered(worker, day=DAY + timedelta(days=3), status=RosterEntry.Status.LEAVE)
    services.sign_in(actor=worker, at=at("08:30"))
    second = services.sign_in(actor=worker, at=at("11-25 08:25"))
    services.correct_attendance(
        actor=leader, attendance=second, signed_in_at=at("11-25 08:05"), reason="核对"
    )
    services.detect_absences(at("11-26 17:00"))
    # when
    found = discipline_cases(person=worker, start=DAY, end=DAY + timedelta(days=30))
    summary = attendance_summary(person=worker, start=DAY, end=DAY + timedelta(days=30))
    # then the withdrawn lateness is left out unless asked for
    assert [(c.occurred_on, c.kind) for c in found] == [
        (DAY, DisciplineCase.Kind.LATE),
        (DAY + timedelta(days=2), DisciplineCase.Kind.ABSENT),
    ]
    assert discipline_cases(person=worker, start=DAY, end=DAY, include_withdrawn=True).count() == 1
    assert len(discipline_cases(start=DAY, end=DAY + timedelta(days=1), include_withdrawn=True)) == 2
    assert workforce_selectors.discipline_cases is discipline_cases  # where the model's docstring points
    assert summary == {
        "shifts_rostered": 3,
        "shifts_on_leave": 1,
        "shifts_worked": 2,
        "late_count": 2,
        "minutes_late": 35,
        "late_cases": 1,
        "absences": 1,
        "away_cases": 0,
    }


def test_who_sees_which_cases(worker, colleague, leader, make_user, department_head):
    rostered(worker)
    rostered(colleague)
    services.detect_absences(at("17:00"))
    other_team = TeamFactory(code="RX2")
    other_leader = make_user(Role.TEAM_LEADER, username="leader2", team=other_team)
    qa = make_user(Role.QA_INSPECTOR, username="qa1")
    assert set(discipline_visible_to(worker).values_list("person", flat=True)) == {worker.pk}
    assert discipline_visible_to(leader).count() == 2
    assert discipline_visible_to(other_leader).count() == 0
    assert discipline_visible_to(department_head).count() == 2
    assert discipline_visible_to(qa).count() == 2


# Pages


def test_the_sign_in_page_shows_the_shift_and_signs_in(client_for, worker):
    rostered(worker)
    client = client_for(worker)
    with travel("07:55"):
        page = client.get("/duty/attendance/me/")
        assert page.status_code == 200
        assert "白班" in page.content.decode() and 'id="sign-in"' in page.content.decode()
        response = client.post("/duty/attendance/me/sign-in/", follow=True)
    assert "签到成功：2026-11-24 07:55" in response.content.decode()
    assert Attendance.objects.get().signed_in_at == at("07:55")


def test_the_sign_in_page_says_when_there_is_no_shift(client_for, worker):
    client = client_for(worker)
    response = client.post("/duty/attendance/me/sign-in/", follow=True)
    assert "当前没有您的排班" in response.content.decode()


def test_the_team_leader_s_day_shows_lateness_in_red_and_records_roll_call(
    client_for, worker, colleague, leader
):
    mine, theirs = rostered(worker), rostered(colleague)
    services.sign_in(actor=worker, at=at("08:22"))
    client = client_for(leader)
    with travel("07:52"):
        page = client.get("/duty/attendance/?day=2026-11-24")
        assert page.status_code == 200 and 'id="roll-call"' in page.content.decode()
        client.post("/duty/attendance/roll-call/", {"present": [theirs.pk], "day": "2026-11-24"})
    assert Attendance.objects.get(entry=theirs).roll_called_at == at("07:52")
    with travel("09:00"):
        page = client.get("/duty/attendance/?day=2026-11-24").content.decode()
    assert '<td class="late">22</td>' in page
    assert "未到点名" in page  # the worker was not ticked at roll call
    assert mine.pk


def test_a_correction_from_the_page_without_a_reason_is_refused(client_for, worker, leader):
    entry = rostered(worker)
    services.sign_in(actor=worker, at=at("08:22"))
    response = client_for(leader).post(
        f"/duty/attendance/{entry.pk}/correct/",
        {"signed_in_at": "2026-11-24T07:59", "reason": ""},
        follow=True,
    )
    assert "更正考勤须填写更正原因" in response.content.decode()
    assert Attendance.objects.get().minutes_late == 22


def test_an_agent_cannot_open_the_team_leader_s_day_or_correct(client_for, worker, colleague):
    entry = rostered(colleague)
    client = client_for(worker)
    assert client.get("/duty/attendance/").status_code == 403
    assert client.post(f"/duty/attendance/{entry.pk}/correct/", {"reason": "x"}).status_code in (403, 404)


def test_a_bad_day_is_a_400_not_a_500(client_for, leader):
    assert client_for(leader).get("/duty/attendance/?day=2026-13-45").status_code == 400


def test_the_discipline_list_filters_pages_exports_and_closes(client_for, worker, leader):
    rostered(worker)
    services.detect_absences(at("17:00"))
    client = client_for(leader)
    page = client.get("/duty/discipline/?kind=absent&month=2026-11&status=open").content.decode()
    assert "话务员小张" in page and "旷工" in page
    assert 'id="cases"' not in client.get("/duty/discipline/?kind=late").content.decode()
    assert client.get("/duty/discipline/?month=2026-99").status_code == 400
    export = client.get("/duty/discipline/export/?month=2026-11")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    case = DisciplineCase.objects.get()
    client.post(f"/duty/discipline/{case.pk}/close/", {"outcome": "批评教育"})
    case.refresh_from_db()
    assert case.status == DisciplineCase.Status.CLOSED and case.outcome == "批评教育"


# API


@pytest.fixture
def api(client_for):
    def call(user, method: str, url: str, body=None):
        data = json.dumps(body, ensure_ascii=False) if body is not None else ""
        return getattr(client_for(user), method)(url, data=data, content_type="application/json")

    return call


def test_the_api_signs_in_lists_corrects_and_lists_cases(api, worker, leader):
    entry = rostered(worker)
    with travel("08:20"):
        signed = api(worker, "post", "/api/workforce/attendance/sign-in", {})
        again = api(worker, "post", "/api/workforce/attendance/sign-in", {})
    assert signed.status_code == 200, signed.content
    assert (
        signed.json()["minutes_late"] == 20 and again.json()["signed_in_at"] == signed.json()["signed_in_at"]
    )
    listed = api(leader, "get", "/api/workforce/attendance?day=2026-11-24").json()
    assert [row["entry_id"] for row in listed] == [entry.pk]
    refused = api(leader, "post", f"/api/workforce/attendance/{entry.pk}/correct", {"reason": ""})
    assert refused.status_code == 400 and refused.json()["errors"]["reason"] == ["更正考勤须填写更正原因"]
    corrected = api(
        leader,
        "post",
        f"/api/workforce/attendance/{entry.pk}/correct",
        {"signed_in_at": "2026-11-24T08:00:00+08:00", "reason": "打卡机慢"},
    )
    assert corrected.status_code == 200 and corrected.json()["minutes_late"] == 0
    [case] = api(leader, "get", "/api/workforce/discipline?kind=late").json()
    assert case["status"] == "closed" and case["outcome"] == WITHDRAWN_OUTCOME


def test_the_api_refuses_an_agent_s_correction_and_a_sign_in_without_a_shift(api, worker, colleague):
    entry = rostered(colleague)
    assert api(
        worker, "post", f"/api/workforce/attendance/{entry.pk}/correct", {"reason": "x"}
    ).status_code in (
        403,
        404,
    )
    with travel("03:00"):
        refused = api(worker, "post", "/api/workforce/attendance/sign-in", {})
    assert refused.status_code == 400 and refused.json()["errors"]["entry"][0].startswith("当前没有您的排班")


def test_the_api_records_an_absence_and_its_return(api, worker, leader):
    entry = rostered(worker)
    with travel("10:30"):
        created = api(
            leader,
            "post",
            "/api/workforce/attendance/absences",
            {"entry_id": entry.pk, "left_at": "2026-11-24T10:00:00+08:00"},
        )
        assert created.status_code == 201, created.content
        returned = api(
            leader, "post", f"/api/workforce/attendance/absences/{created.json()['id']}/return", {}
        )
    assert returned.json()["returned_at"] is not None
    assert DisciplineCase.objects.get().kind == DisciplineCase.Kind.AWAY


def test_timezone_is_beijing():
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"


# Lists do not grow their queries with their rows


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: sessions, permissions, the rules cache
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_day_page_and_the_discipline_list_query_the_same_for_two_rows_or_six(
    client_for, leader, make_user, team
):
    people = [make_user(Role.AGENT, username=f"agent2{n}", team=team) for n in range(6)]
    for person in people[:2]:
        rostered(person)
    services.detect_absences(at("17:00"))
    client = client_for(leader)
    few = (_queries(client, "/duty/attendance/?day=2026-11-24"), _queries(client, "/duty/discipline/"))
    for person in people[2:]:
        rostered(person)
    services.detect_absences(at("17:00"))
    many = (_queries(client, "/duty/attendance/?day=2026-11-24"), _queries(client, "/duty/discipline/"))
    assert DisciplineCase.objects.count() == 6
    assert many == few


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_the_same_moment_record_the_absence_once(make_user):
    import threading

    from django.db import connection, connections

    # SQLite's in-memory test database cannot be written from several threads at once; PostgreSQL
    # (production) is where the unique constraint discipline_once_per_shift settles the race.
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    team = TeamFactory(code="RX9")
    make_user(Role.TEAM_LEADER, username="leader9", team=team)
    person = make_user(Role.AGENT, username="agent99", team=team)
    rostered(person)
    workers, errors, lines = 4, [], []
    barrier = threading.Barrier(workers)

    def run():
        try:
            barrier.wait()
            lines.extend(services.detect_absences(at("16:30")))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert DisciplineCase.objects.filter(person=person, kind=DisciplineCase.Kind.ABSENT).count() == 1
    assert len(lines) == 1
    assert Alert.objects.filter(kind=services.ALERT_KIND).count() == 1
