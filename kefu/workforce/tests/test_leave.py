"""Leave (issue 14 S2) by 002 客服部请假制度汇编: notice by kind (late → valid only if approved), night
and holiday deadlines (refused), who may ask, the approval levels (逐级, no 越级, no 交叉), approval
taking the shifts off the roster (the gap shows in the coverage), no leave on a swapped shift, the sick
note and the job that flags it missing; the pages and the API."""

import json
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import TeamFactory
from kefu.core.events import events_for
from kefu.core.models import Alert, Policy
from kefu.workforce.models import LeaveDecision, LeaveKind, LeaveRequest, RosterEntry, Shift
from kefu.workforce.roster_rules import block_for, coverage
from kefu.workforce.services.leave import (
    ask_leave,
    decide_leave,
    flag_missing_certificates,
    hand_in_certificate,
    withdraw_leave,
)

SHANGHAI = timezone.get_fixed_timezone(8 * 60)
DAY = date(2026, 11, 24)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def rostered(person, day: date, code: str = "D", **extra) -> RosterEntry:
    shift = Shift.objects.get(code=code)
    starts_at, ends_at = shift.span(day)
    return RosterEntry.objects.create(
        person=person, day=day, shift=shift, starts_at=starts_at, ends_at=ends_at, **extra
    )


@pytest.fixture
def team(db):
    return TeamFactory(code="RX1", name="热线一班")


@pytest.fixture
def other_team(db):
    return TeamFactory(code="RX2", name="热线二班")


@pytest.fixture
def person(make_user, team):
    return make_user(Role.AGENT, username="agent11", name="话务员小张", team=team)


@pytest.fixture
def colleague(make_user, team):
    return make_user(Role.AGENT, username="agent12", name="话务员小王", team=team)


@pytest.fixture
def leader(make_user, team):
    return make_user(Role.TEAM_LEADER, username="leader1", name="班长老周", team=team)


@pytest.fixture
def other_leader(make_user, other_team):
    return make_user(Role.TEAM_LEADER, username="leader2", name="二班班长老吴", team=other_team)


@pytest.fixture
def head(make_user):
    return make_user(Role.DEPARTMENT_HEAD, username="head", name="主任老李")


@pytest.fixture
def director(make_user):
    return make_user(Role.CENTER_DIRECTOR, username="director", name="中心主任老陈")


@pytest.fixture
def chain(leader, head, director):
    return leader, head, director


def ask(person, *, kind=LeaveKind.PERSONAL, day=DAY, now, actor=None, days=1, code="D", **extra):
    shift = Shift.objects.get(code=code)
    starts_at, _ = shift.span(day)
    _, ends_at = shift.span(day + timedelta(days=days - 1))
    return ask_leave(
        actor=actor or person,
        person=person,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=extra.pop("reason", "家中有事"),
        now=now,
    )


def refusal(error: ValidationError) -> str:
    return "；".join(error.value.messages)


# Notice (二): late is not refused, it is marked


def test_personal_leave_asked_on_the_day_of_the_shift_is_late_by_the_previous_day_rule(person, chain):
    rostered(person, DAY)
    leave = ask(person, now=at(DAY, 6))
    assert leave.late_notice is True
    assert leave.status == LeaveRequest.Status.REQUESTED


def test_personal_leave_asked_the_day_before_is_in_time(person, chain):
    rostered(person, DAY)
    leave = ask(person, now=at(DAY - timedelta(days=1), 23, 30))
    assert leave.late_notice is False
    assert leave.number == "QJ2026-0001"


def test_with_the_24_hours_rule_personal_leave_needs_a_full_day_ahead(person, chain):
    Policy.objects.create(key="workforce.personal_leave_notice", value="24_hours")
    rostered(person, DAY)
    rostered(person, DAY + timedelta(days=2))
    # the day before but only 23 hours ahead: late
    assert ask(person, now=at(DAY - timedelta(days=1), 9)).late_notice is True
    # exactly 24 hours ahead: in time
    assert ask(person, day=DAY + timedelta(days=2), now=at(DAY + timedelta(days=1), 8)).late_notice is False


def test_special_leave_59_minutes_before_the_shift_is_late_and_60_is_in_time(person, colleague, chain):
    rostered(person, DAY)
    rostered(colleague, DAY)
    assert ask(person, kind=LeaveKind.SPECIAL, now=at(DAY, 7, 1)).late_notice is True
    assert ask(colleague, kind=LeaveKind.SPECIAL, now=at(DAY, 7, 0)).late_notice is False


# Night shift (六) and holiday shift (七): refused unless in time


def test_night_shift_leave_after_noon_of_that_day_is_refused(person, chain):
    # the 00:00–08:00 night of 11-25 is the night of 11-24: leave by 11-24 12:00
    rostered(person, DAY + timedelta(days=1), code="N")
    with pytest.raises(ValidationError) as error:
        ask(person, day=DAY + timedelta(days=1), code="N", now=at(DAY, 12, 1))
    assert "夜班原则上不允许请假，特殊情况须在当日（2026-11-24）12:00之前提出" in refusal(error)


def test_night_shift_leave_before_noon_of_that_day_is_accepted(person, chain):
    rostered(person, DAY + timedelta(days=1), code="N")
    leave = ask(person, day=DAY + timedelta(days=1), code="N", now=at(DAY, 11, 59))
    assert leave.late_notice is False  # asked the day before the shift's start


def test_holiday_shift_leave_one_day_ahead_is_refused_and_two_days_accepted(person, colleague, chain):
    national_day = date(2026, 10, 1)
    rostered(person, national_day)
    rostered(colleague, national_day)
    with pytest.raises(ValidationError) as error:
        ask(person, kind=LeaveKind.HOLIDAY, day=national_day, now=at(date(2026, 9, 30), 9))
    assert "节假日不允许请假，极特殊情况须提前2天提出（即2026-09-29或之前" in refusal(error)
    leave = ask(colleague, kind=LeaveKind.HOLIDAY, day=national_day, now=at(date(2026, 9, 29), 9))
    assert leave.status == LeaveRequest.Status.REQUESTED


def test_an_ordinary_weekend_is_not_a_holiday_shift(person, chain):
    saturday = date(2026, 11, 28)
    rostered(person, saturday)
    assert ask(person, day=saturday, now=at(saturday - timedelta(days=1), 9)).late_notice is False


# Who asks (四), and what cannot be asked


def test_nobody_may_ask_personal_leave_for_someone_else(person, leader, head):
    rostered(person, DAY)
    with pytest.raises(ValidationError) as error:
        ask(person, actor=leader, now=at(DAY - timedelta(days=2), 9))
    assert "事假必须由本人出面办理，不得由他人代请，病假除外" in refusal(error)


def test_the_team_leader_may_ask_sick_leave_for_a_team_member(person, leader, head):
    rostered(person, DAY)
    leave = ask(person, actor=leader, kind=LeaveKind.SICK, now=at(DAY, 6))
    assert (leave.person, leave.asked_by) == (person, leader)
    assert leave.late_notice is False  # before the shift


def test_leave_where_there_is_no_shift_is_refused(person, chain):
    with pytest.raises(ValidationError) as error:
        ask(person, now=at(DAY - timedelta(days=2), 9))
    assert "没有排班的时段无需请假" in refusal(error)


def test_leave_on_a_shift_taken_by_a_swap_is_refused(person, chain):
    rostered(person, DAY, source=RosterEntry.Source.SWAP)
    with pytest.raises(ValidationError) as error:
        ask(person, now=at(DAY - timedelta(days=2), 9))
    assert "换班和还班均不得请假" in refusal(error)


# Levels (三, 九)


def test_one_day_goes_to_the_team_leader_then_the_head(person, chain):
    rostered(person, DAY)
    leave = ask(person, now=at(DAY - timedelta(days=2), 9))
    assert leave.levels == ["team_leader", "department_head"]


def test_two_days_go_to_the_leader_the_head_and_the_center_director(person, chain):
    rostered(person, DAY)
    rostered(person, DAY + timedelta(days=1))
    leave = ask(person, days=2, now=at(DAY - timedelta(days=2), 9))
    assert leave.levels == ["team_leader", "department_head", "center_director"]


def test_business_leave_goes_up_to_the_center_director(person, chain):
    rostered(person, DAY)
    leave = ask(person, kind=LeaveKind.BUSINESS, now=at(DAY - timedelta(days=2), 9))
    assert leave.levels == ["team_leader", "department_head", "center_director"]


def test_a_team_leader_s_own_leave_skips_their_level(leader, head):
    rostered(leader, DAY)
    leave = ask(leader, now=at(DAY - timedelta(days=2), 9))
    assert leave.levels == ["department_head"]


def test_the_director_cannot_approve_before_the_head(person, chain):
    leader, head, director = chain
    rostered(person, DAY)
    rostered(person, DAY + timedelta(days=1))
    leave = ask(person, days=2, now=at(DAY - timedelta(days=2), 9))
    decide_leave(actor=leader, leave=leave, approve=True)
    with pytest.raises(ValidationError) as error:
        decide_leave(actor=director, leave=leave, approve=True)
    assert "请假须逐级审批，当前应由客服部主任审批，不允许越级" in refusal(error)


def test_another_team_s_leader_cannot_approve(person, chain, other_leader):
    rostered(person, DAY)
    leave = ask(person, now=at(DAY - timedelta(days=2), 9))
    with pytest.raises(ValidationError) as error:
        decide_leave(actor=other_leader, leave=leave, approve=True)
    assert "只能由请假人所在班组的班长审批，不允许交叉请假" in refusal(error)


def test_approval_level_by_level_tells_the_next_approver_and_the_person(person, chain):
    leader, head, director = chain
    rostered(person, DAY)
    leave = ask(person, now=at(DAY - timedelta(days=2), 9))
    assert Alert.objects.filter(recipient=leader, kind="workforce.leave_awaiting").count() == 1
    decide_leave(actor=leader, leave=leave, approve=True, note="同意")
    assert Alert.objects.filter(recipient=head, kind="workforce.leave_awaiting").count() == 1
    assert Alert.objects.filter(recipient=person, kind="workforce.leave_decided").count() == 1
    leave.refresh_from_db()
    assert (leave.level, leave.status) == (1, LeaveRequest.Status.REQUESTED)
    assert LeaveDecision.objects.filter(leave=leave, level_role="team_leader", approved=True).exists()


# Approved leave takes the person off the roster and shows the gap


def test_approved_leave_puts_the_shifts_on_leave_and_the_coverage_shows_the_gap(person, colleague, chain):
    leader, head, _ = chain
    entry = rostered(person, DAY)
    rostered(colleague, DAY)

    def on_duty_at_nine():
        scheduled = RosterEntry.objects.filter(status=RosterEntry.Status.SCHEDULED).select_related("shift")
        hours = dict(coverage([block_for(e) for e in scheduled], DAY, 1))
        return hours[at(DAY, 9)]

    assert on_duty_at_nine() == 2
    leave = ask(person, now=at(DAY - timedelta(days=2), 9))
    decide_leave(actor=leader, leave=leave, approve=True)
    decide_leave(actor=head, leave=leave, approve=True)

    leave.refresh_from_db()
    entry.refresh_from_db()
    assert leave.status == LeaveRequest.Status.APPROVED
    assert (entry.status, entry.leave) == (RosterEntry.Status.LEAVE, leave)
    assert on_duty_at_nine() == 1
    assert [e.verb for e in events_for(entry)] == ["roster_entry.put_on_leave"]
    assert "leave.approved" in [e.verb for e in events_for(leave)]


def test_refusing_ends_the_request_and_leaves_the_roster_alone(person, chain):
    leader, _, _ = chain
    entry = rostered(person, DAY)
    leave = ask(person, now=at(DAY - timedelta(days=2), 9))
    decide_leave(actor=leader, leave=leave, approve=False, note="人手不足")
    leave.refresh_from_db()
    entry.refresh_from_db()
    assert leave.status == LeaveRequest.Status.REFUSED
    assert entry.status == RosterEntry.Status.SCHEDULED
    with pytest.raises(ValidationError):
        decide_leave(actor=leader, leave=leave, approve=True)


def test_the_asker_withdraws_and_an_approved_leave_cancelled_before_it_starts_restores_the_shift(
    person, chain
):
    leader, head, _ = chain
    entry = rostered(person, DAY + timedelta(days=5))
    leave = ask(person, day=DAY + timedelta(days=5), now=at(DAY, 9))
    with pytest.raises(ValidationError):
        withdraw_leave(actor=leader, leave=leave)
    decide_leave(actor=leader, leave=leave, approve=True)
    decide_leave(actor=head, leave=leave, approve=True)
    withdraw_leave(actor=person, leave=leave, now=at(DAY, 9))
    entry.refresh_from_db()
    assert (entry.status, entry.leave) == (RosterEntry.Status.SCHEDULED, None)


# Sick note (五) and the job


def sick_leave(person, leader, head):
    rostered(person, DAY)
    rostered(person, DAY + timedelta(days=2))  # back on 11-26
    leave = ask(person, kind=LeaveKind.SICK, now=at(DAY, 6))
    decide_leave(actor=leader, leave=leave, approve=True)
    decide_leave(actor=head, leave=leave, approve=True)
    leave.refresh_from_db()
    return leave


def test_sick_leave_of_a_day_needs_a_certificate_on_the_first_day_back(person, chain):
    leader, head, _ = chain
    leave = sick_leave(person, leader, head)
    assert leave.certificate_required is True
    assert leave.certificate_due_on == date(2026, 11, 26)


def test_emergency_sick_leave_needs_no_certificate(person, chain):
    rostered(person, DAY)
    leave = ask(person, kind=LeaveKind.EMERGENCY_SICK, now=at(DAY, 7))
    assert leave.certificate_required is False


def test_the_job_flags_a_missing_certificate_once_and_not_before_the_end_of_the_due_day(person, chain):
    leader, head, _ = chain
    leave = sick_leave(person, leader, head)

    assert flag_missing_certificates(at(date(2026, 11, 26), 23, 59)) == []
    lines = flag_missing_certificates(at(date(2026, 11, 27), 0, 1))
    assert lines == [f"病假证明到期未交：{leave.number} 话务员小张"]
    assert flag_missing_certificates(at(date(2026, 11, 27), 0, 2)) == []

    leave.refresh_from_db()
    assert leave.certificate_missing_flagged_at == at(date(2026, 11, 27), 0, 1)
    told = set(
        Alert.objects.filter(kind="workforce.leave_certificate_missing").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"leader1", "head"}


def test_a_certificate_handed_to_the_team_leader_is_not_flagged(person, chain, other_leader):
    leader, head, _ = chain
    leave = sick_leave(person, leader, head)
    with pytest.raises(ValidationError) as error:
        hand_in_certificate(actor=other_leader, leave=leave)
    assert "病假证明须交给请假人所在班组的班长" in refusal(error)
    hand_in_certificate(actor=leader, leave=leave)
    assert flag_missing_certificates(at(date(2026, 11, 28), 9)) == []


# Pages


def test_the_team_leader_approves_from_the_list_and_the_detail(client_for, person, chain):
    leader, head, _ = chain
    rostered(person, DAY)
    leave = ask(person, now=at(DAY - timedelta(days=2), 9))

    client = client_for(leader)
    listing = client.get(reverse("workforce:leave_list"))
    assert listing.status_code == 200
    assert leave.number in listing.content.decode()
    assert "待我审批" in listing.content.decode()
    detail = client.get(reverse("workforce:leave_detail", args=[leave.pk]))
    assert 'id="decide-form"' in detail.content.decode()
    response = client.post(
        reverse("workforce:leave_decide", args=[leave.pk]), {"approve": "1", "note": "同意"}
    )
    assert response.status_code == 302
    leave.refresh_from_db()
    assert leave.level == 1

    # the head now decides; the leader no longer sees the buttons
    assert (
        'id="decide-form"'
        not in client.get(reverse("workforce:leave_detail", args=[leave.pk])).content.decode()
    )


def test_an_agent_sees_only_their_own_requests(client_for, person, colleague, chain):
    rostered(person, DAY)
    leave = ask(person, now=at(DAY - timedelta(days=2), 9))
    client = client_for(colleague)
    assert leave.number not in client.get(reverse("workforce:leave_list") + "?tab=all").content.decode()
    assert client.get(reverse("workforce:leave_detail", args=[leave.pk])).status_code == 404


def test_the_list_searches_and_exports(client_for, person, chain):
    leader, head, _ = chain
    rostered(person, DAY)
    leave = ask(person, now=at(DAY - timedelta(days=2), 9))
    client = client_for(head)
    found = client.get(reverse("workforce:leave_list"), {"tab": "all", "q": "小张"}).content.decode()
    assert leave.number in found
    assert (
        leave.number
        not in client.get(reverse("workforce:leave_list"), {"tab": "all", "q": "无此人"}).content.decode()
    )
    export = client.get(reverse("workforce:leave_export"), {"tab": "all"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_asking_through_the_page(client_for, person, chain):
    day = timezone.localdate() + timedelta(days=3)
    rostered(person, day)
    page = client_for(person).post(
        reverse("workforce:leave_create"),
        {
            "kind": LeaveKind.PERSONAL,
            "starts_at": f"{day}T08:00",
            "ends_at": f"{day}T16:00",
            "reason": "搬家",
        },
    )
    assert page.status_code == 302
    leave = LeaveRequest.objects.get()
    assert (leave.person, leave.late_notice) == (person, False)


def test_the_page_refuses_personal_leave_on_a_swapped_shift_in_chinese(client_for, person, chain):
    day = timezone.localdate() + timedelta(days=3)
    rostered(person, day, source=RosterEntry.Source.SWAP)
    page = client_for(person).post(
        reverse("workforce:leave_create"),
        {
            "kind": LeaveKind.PERSONAL,
            "starts_at": f"{day}T08:00",
            "ends_at": f"{day}T16:00",
            "reason": "搬家",
        },
    )
    assert page.status_code == 400
    assert "换班和还班均不得请假" in page.content.decode()


# API


def test_the_api_asks_decides_and_lists_by_visibility(client_for, person, colleague, chain):
    leader, head, _ = chain
    day = timezone.localdate() + timedelta(days=3)
    rostered(person, day)
    client = client_for(person)
    created = client.post(
        "/api/workforce/leave",
        json.dumps(
            {
                "kind": "personal",
                "starts_at": f"{day}T08:00:00+08:00",
                "ends_at": f"{day}T16:00:00+08:00",
                "reason": "搬家",
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["levels"] == ["team_leader", "department_head"]
    assert body["waiting_for"] == "班长"

    client = client_for(head)
    early = client.post(
        f"/api/workforce/leave/{body['id']}/decide",
        json.dumps({"approve": True}),
        content_type="application/json",
    )
    assert early.status_code == 400
    assert "不允许越级" in json.dumps(early.json(), ensure_ascii=False)

    client = client_for(leader)
    assert client.get("/api/workforce/leave?tab=awaiting").json()[0]["number"] == body["number"]
    decided = client.post(
        f"/api/workforce/leave/{body['id']}/decide",
        json.dumps({"approve": True}),
        content_type="application/json",
    )
    assert decided.json()["waiting_for"] == "客服部主任"

    assert client_for(colleague).get("/api/workforce/leave").json() == []


def test_the_team_leader_asks_sick_leave_for_a_member_through_the_page(client_for, person, chain):
    leader, _, _ = chain
    day = timezone.localdate() + timedelta(days=1)
    rostered(person, day)
    client = client_for(leader)
    form = client.get(reverse("workforce:leave_create")).content.decode()
    assert "话务员小张" in form  # the leader may pick a member of the team
    page = client.post(
        reverse("workforce:leave_create"),
        {
            "kind": LeaveKind.SICK,
            "person": person.pk,
            "starts_at": f"{day}T08:00",
            "ends_at": f"{day}T16:00",
            "reason": "发烧",
        },
    )
    assert page.status_code == 302
    leave = LeaveRequest.objects.get()
    assert (leave.person, leave.asked_by, leave.certificate_required) == (person, leader, True)
    # the leader's own level is not skipped for a member's leave, and the leader takes the note
    assert leave.levels == ["team_leader", "department_head"]
    detail = client.get(reverse("workforce:leave_detail", args=[leave.pk])).content.decode()
    assert 'id="certificate-form"' in detail
    client.post(reverse("workforce:leave_certificate", args=[leave.pk]))
    leave.refresh_from_db()
    assert leave.certificate_received_by == leader


def test_an_agent_cannot_pick_someone_else_on_the_form(client_for, person, colleague, chain):
    form = client_for(person).get(reverse("workforce:leave_create")).content.decode()
    assert 'name="person"' not in form


def test_the_api_withdraws_and_refuses_someone_else_s_withdrawal(client_for, person, colleague, chain):
    leader, _, _ = chain
    day = timezone.localdate() + timedelta(days=3)
    rostered(person, day)
    leave = ask(person, day=day, now=timezone.now())
    refused = client_for(leader).post(
        f"/api/workforce/leave/{leave.pk}/withdraw", json.dumps({}), content_type="application/json"
    )
    assert refused.status_code == 400
    assert "只有请假人或代为提出的人可以撤回请假" in json.dumps(refused.json(), ensure_ascii=False)
    done = client_for(person).post(
        f"/api/workforce/leave/{leave.pk}/withdraw",
        json.dumps({"note": "事情已办完"}),
        content_type="application/json",
    )
    assert done.json()["status"] == "withdrawn"
    assert client_for(colleague).get(f"/api/workforce/leave/{leave.pk}").status_code == 404


def test_the_list_s_queries_do_not_grow_with_its_rows(client_for, person, colleague, chain):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _, head, _ = chain
    client = client_for(head)
    url = reverse("workforce:leave_list") + "?tab=all"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    rostered(person, DAY)
    ask(person, now=at(DAY - timedelta(days=2), 9))
    client.get(url)  # warm
    one = queries()
    for offset in (1, 2, 3):
        rostered(colleague, DAY + timedelta(days=offset))
        ask(colleague, day=DAY + timedelta(days=offset), now=at(DAY - timedelta(days=2), 9))
    assert queries() == one
