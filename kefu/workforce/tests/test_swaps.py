"""Shift swaps (S3, 002 客服部换班制度): each rule with its Chinese refusal and the issue's worked
examples, the approvers of each mode, the roster after approval, and who may do what."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import TeamFactory
from kefu.core.events import events_for
from kefu.core.models import Alert
from kefu.core.services import set_policy
from kefu.workforce.models import LeaveRequest, RosterEntry, Shift, ShiftSwap
from kefu.workforce.selectors_swaps import awaiting, register, swap_parties, visible_to
from kefu.workforce.services.swaps import ask_swap, decide_swap, withdraw_swap

NOW = "2026-11-02 09:00 +0800"


@pytest.fixture(autouse=True)
def early_november():
    with time_machine.travel(NOW, tick=False):
        yield


class People:
    def __init__(self, make_user):
        self.rx1, self.rx2 = (
            TeamFactory(code="RX1", name="热线一班"),
            TeamFactory(code="RX2", name="热线二班"),
        )
        self.leader1 = make_user(Role.TEAM_LEADER, username="leader1", name="班长甲", team=self.rx1)
        self.leader2 = make_user(Role.TEAM_LEADER, username="leader2", name="班长乙", team=self.rx2)
        self.a = make_user(Role.AGENT, username="agent_a", name="话务员甲", team=self.rx1)
        self.c = make_user(Role.AGENT, username="agent_c", name="话务员丙", team=self.rx1)
        self.b = make_user(Role.AGENT, username="agent_b", name="话务员乙", team=self.rx2)
        self.d = make_user(Role.AGENT, username="agent_d", name="话务员丁", team=self.rx2)
        self.head = make_user(Role.DEPARTMENT_HEAD, username="head", name="主任老李")


@pytest.fixture
def people(make_user):
    return People(make_user)


def put(person, day: date, code: str = "D", status=RosterEntry.Status.SCHEDULED) -> RosterEntry:
    shift = Shift.objects.get(code=code)
    starts_at, ends_at = shift.span(day)
    return RosterEntry.objects.create(
        person=person, day=day, shift=shift, starts_at=starts_at, ends_at=ends_at, status=status
    )


def nov(day: int) -> date:
    return date(2026, 11, day)


def ask(person, colleague, given, taken=None, **kwargs) -> ShiftSwap:
    return ask_swap(
        actor=person, given_entry=given, colleague=colleague, taken_entry=taken, reason="家中有事", **kwargs
    )


def refusal(error: pytest.ExceptionInfo) -> str:
    return "；".join(error.value.messages)


def approve_all(swap: ShiftSwap, *approvers) -> ShiftSwap:
    for approver in approvers:
        swap = decide_swap(actor=approver, swap=swap, approve=True)
    return swap


# --- both team leaders, and the roster afterwards ---------------------------------------------------------


def test_a_swap_between_teams_needs_both_leaders_and_then_shows_on_the_roster(people):
    # given
    given, taken = put(people.a, nov(10)), put(people.b, nov(12), "E")
    # when
    swap = ask(people.a, people.b, given, taken, handover_note="交待了两件待回访")
    # then
    assert swap.number == "HB2026-0001"
    assert swap.status == ShiftSwap.Status.REQUESTED
    assert swap.approvers == [people.leader1.pk, people.leader2.pk]
    told = set(
        Alert.objects.filter(kind="workforce.swap_asked").values_list("recipient__username", flat=True)
    )
    assert told == {"leader1", "leader2", "agent_b"}
    assert list(awaiting(people.leader1)) == [swap]

    # one leader's approval keeps it pending and leaves the roster alone
    swap = decide_swap(actor=people.leader1, swap=swap, approve=True)
    assert swap.status == ShiftSwap.Status.REQUESTED
    assert swap.approved_by == [people.leader1.pk]
    assert list(awaiting(people.leader1)) == []
    given.refresh_from_db()
    assert given.status == RosterEntry.Status.SCHEDULED

    # the second applies it, in the same transaction
    swap = decide_swap(actor=people.leader2, swap=swap, approve=True)
    assert swap.status == ShiftSwap.Status.APPROVED
    given.refresh_from_db()
    taken.refresh_from_db()
    assert (given.status, given.swap) == (RosterEntry.Status.SWAPPED_OUT, swap)
    assert (taken.status, taken.swap) == (RosterEntry.Status.SWAPPED_OUT, swap)
    b_now = RosterEntry.objects.get(person=people.b, day=nov(10), status=RosterEntry.Status.SCHEDULED)
    a_now = RosterEntry.objects.get(person=people.a, day=nov(12), status=RosterEntry.Status.SCHEDULED)
    assert (b_now.source, b_now.swap, b_now.shift.code) == (RosterEntry.Source.SWAP, swap, "D")
    assert (a_now.source, a_now.swap, a_now.shift.code) == (RosterEntry.Source.SWAP, swap, "E")
    assert swap_parties(b_now) == [people.a, people.b]
    assert swap_parties(given) == [people.a, people.b]
    assert [e.verb for e in events_for(swap)][::-1] == [
        "shift_swap.requested",
        "shift_swap.signed",
        "shift_swap.approved",
    ]
    assert [e.verb for e in events_for(b_now)] == ["roster_entry.swapped_in"]
    assert [e.verb for e in events_for(given)] == ["roster_entry.swapped_out"]
    decided = set(
        Alert.objects.filter(kind="workforce.swap_decided").values_list("recipient__username", flat=True)
    )
    assert decided == {"agent_a", "agent_b"}


def test_a_swap_in_one_team_is_approved_by_its_leader_once(people):
    swap = ask(people.a, people.c, put(people.a, nov(10)))
    assert swap.approvers == [people.leader1.pk]
    swap = decide_swap(actor=people.leader1, swap=swap, approve=True)
    assert swap.status == ShiftSwap.Status.APPROVED
    # a cover without a shift back: the colleague works it, the requester has nothing new
    assert RosterEntry.objects.filter(person=people.c, day=nov(10), source=RosterEntry.Source.SWAP).exists()
    assert not RosterEntry.objects.filter(person=people.a, source=RosterEntry.Source.SWAP).exists()


def test_the_department_head_signs_for_a_team_leader(people):
    swap = ask(people.leader1, people.leader2, put(people.leader1, nov(10)), put(people.leader2, nov(13)))
    assert swap.approvers == [people.head.pk]


def test_in_department_head_mode_the_head_alone_approves(people):
    set_policy(actor=people.head, key="workforce.swap_approver", value="department_head")
    swap = ask(people.a, people.b, put(people.a, nov(10)), put(people.b, nov(13)))
    assert swap.approvers == [people.head.pk]
    with pytest.raises(PermissionDenied):
        decide_swap(actor=people.leader1, swap=swap, approve=True)
    swap = decide_swap(actor=people.head, swap=swap, approve=True)
    assert swap.status == ShiftSwap.Status.APPROVED


# --- the rules of 换班制度 -----------------------------------------------------------------------------


def test_the_worked_example_evening_then_the_next_night_is_refused_as_back_to_back(people):
    # A works 16:00–24:00 on 11-24 and asks for B's 00:00–08:00 on 11-25 (giving B a shift on 11-27)
    put(people.a, nov(24), "E")
    with pytest.raises(ValidationError) as error:
        ask(people.a, people.b, put(people.a, nov(27)), put(people.b, nov(25), "N"))
    assert "taken_entry" in error.value.message_dict
    assert (
        "换班后话务员甲：11-24中班下班即接11-25夜班，不允许连班（换班制度三：换班者、还班者不允许连班）"
        in refusal(error)
    )
    assert not ShiftSwap.objects.exists()


def test_the_colleague_may_not_end_up_with_back_to_back_shifts_either(people):
    put(people.b, nov(10), "N")  # B works 00–08 on 11-10; taking A's 16–24 on 11-09 runs into it
    with pytest.raises(ValidationError) as error:
        ask(people.a, people.b, put(people.a, nov(9), "E"))
    assert "colleague" in error.value.message_dict
    assert "换班后话务员乙：11-09中班下班即接11-10夜班，不允许连班" in refusal(error)


def test_an_agent_and_a_counter_clerk_cannot_swap(people, make_user):
    clerk = make_user(Role.COUNTER_CLERK, username="clerk1", name="营业员小王")
    with pytest.raises(ValidationError) as error:
        ask(people.a, clerk, put(people.a, nov(10)), put(clerk, nov(13)))
    assert error.value.message_dict["colleague"] == [
        "话务员甲是话务员，营业员小王是窗口营业员：换班必须坚持同工种和技术业务水平相当的原则（换班制度四）"
    ]


def test_no_swap_on_a_holiday(people):
    with time_machine.travel("2026-09-20 09:00 +0800", tick=False):
        holiday = put(people.a, date(2026, 10, 1))
        with pytest.raises(ValidationError) as error:
            ask(people.a, people.b, holiday)
        assert (
            "换出的班2026-10-01白班（08:00–16:00）是国庆节放假，节假日当班人员不允许换班（换班制度九）"
            in refusal(error)
        )
        # taking a holiday shift is refused too
        with pytest.raises(ValidationError) as error:
            ask(people.a, people.b, put(people.a, date(2026, 9, 25)), put(people.b, date(2026, 10, 3)))
        assert "节假日当班人员不允许换班" in error.value.message_dict["taken_entry"][0]
        # an ordinary weekend is no holiday
        assert ask(people.a, people.b, put(people.a, date(2026, 11, 7))).status == ShiftSwap.Status.REQUESTED


def test_the_third_swap_in_a_month_is_refused(people):
    ask(people.a, people.b, put(people.a, nov(5)))
    approve_all(ask(people.a, people.c, put(people.a, nov(10))), people.leader1)
    with pytest.raises(ValidationError) as error:
        ask(people.a, people.d, put(people.a, nov(15)))
    assert "话务员甲2026年11月已换班2次，每人每月换班不得超过2次（换班制度三）" in refusal(error)
    # the next month starts afresh
    assert ask(people.a, people.d, put(people.a, date(2026, 12, 1))).status == ShiftSwap.Status.REQUESTED


def test_the_colleagues_swaps_count_too(people):
    ask(people.b, people.d, put(people.b, nov(5)))
    ask(people.b, people.d, put(people.b, nov(12)))
    with pytest.raises(ValidationError) as error:
        ask(people.a, people.b, put(people.a, nov(20)))
    assert error.value.message_dict["colleague"] == [
        "话务员乙2026年11月已换班2次，每人每月换班不得超过2次（换班制度三）"
    ]


def test_refused_and_withdrawn_swaps_do_not_count(people):
    decide_swap(actor=people.leader1, swap=ask(people.a, people.c, put(people.a, nov(5))), approve=False)
    first = ask(people.a, people.c, put(people.a, nov(10)))
    withdraw_swap(actor=people.a, swap=first)
    ask(people.a, people.c, put(people.a, nov(15)))
    assert ask(people.a, people.c, put(people.a, nov(20))).status == ShiftSwap.Status.REQUESTED


def test_a_return_swap_does_not_count_by_default(people):
    first = approve_all(ask(people.a, people.c, put(people.a, nov(5))), people.leader1)
    ask(people.a, people.c, put(people.a, nov(10)))
    # C returns the cover: C gives a shift to A, pointing at the first swap
    returned = ask(people.c, people.a, put(people.c, nov(20)), returns=first)
    assert returned.returns == first
    assert returned.status == ShiftSwap.Status.REQUESTED


def test_a_return_swap_counts_when_the_rule_says_so(people):
    set_policy(actor=people.head, key="workforce.return_swap_counts", value=True)
    first = approve_all(ask(people.a, people.c, put(people.a, nov(5))), people.leader1)
    ask(people.a, people.c, put(people.a, nov(10)))
    with pytest.raises(ValidationError) as error:
        ask(people.c, people.a, put(people.c, nov(20)), returns=first)
    assert "每人每月换班不得超过2次" in refusal(error)


def test_a_return_swap_must_return_a_swap_between_the_same_two(people):
    first = approve_all(ask(people.a, people.c, put(people.a, nov(5))), people.leader1)
    with pytest.raises(ValidationError) as error:
        ask(people.b, people.d, put(people.b, nov(20)), returns=first)
    assert error.value.message_dict["returns"][0].startswith(
        f"换班{first.number}不是话务员乙与话务员丁之间的换班"
    )


def test_consecutive_swaps_are_refused(people):
    ask(people.a, people.c, put(people.a, nov(10)))
    with pytest.raises(ValidationError) as error:
        ask(people.a, people.b, put(people.a, nov(11)))
    assert (
        "话务员甲已有换班HB2026-0001（2026-11-10的班），与本次换班的日期相连，不允许连续换班（换班制度三）"
        in refusal(error)
    )
    # nor may the colleague's swaps run into each other: C's 11-10 swap is next to a shift C would take
    with pytest.raises(ValidationError) as error:
        ask(people.b, people.c, put(people.b, nov(9), "E"))
    assert error.value.message_dict["colleague"][0].startswith("话务员丙已有换班HB2026-0001")
    # two days apart is not consecutive
    assert ask(people.a, people.b, put(people.a, nov(12))).status == ShiftSwap.Status.REQUESTED


def test_a_shift_on_leave_cannot_be_swapped_nor_taken_during_leave(people):
    on_leave = put(people.a, nov(10), status=RosterEntry.Status.LEAVE)
    with pytest.raises(ValidationError) as error:
        ask(people.a, people.b, on_leave)
    assert "已请假，不能换班（换班制度六：换班和还班均不得请假）" in refusal(error)
    starts_at, ends_at = Shift.objects.get(code="D").span(nov(14))
    LeaveRequest.objects.create(
        number="QJ2026-0001",
        person=people.b,
        asked_by=people.b,
        kind="personal",
        starts_at=starts_at,
        ends_at=ends_at,
        reason="事假",
        status=LeaveRequest.Status.APPROVED,
    )
    with pytest.raises(ValidationError) as error:
        ask(people.a, people.b, put(people.a, nov(14)))
    assert "请假期间不能排班（换班制度六：换班和还班均不得请假）" in error.value.message_dict["colleague"][0]


def test_only_ones_own_future_scheduled_shift_can_be_given(people):
    with pytest.raises(ValidationError) as error:
        ask(people.a, people.b, put(people.c, nov(10)))
    assert "只能换出本人的班" in error.value.message_dict["given_entry"][0]
    with pytest.raises(ValidationError) as error:
        ask(people.a, people.b, put(people.a, nov(2)))  # 08:00 today, started an hour ago
    assert "已开始或已过去" in error.value.message_dict["given_entry"][0]
    with pytest.raises(ValidationError) as error:
        ask(people.a, people.b, put(people.a, nov(10)), put(people.c, nov(13)))
    assert error.value.message_dict["taken_entry"][0].startswith(
        "换入的班2026-11-13白班（08:00–16:00）不是话务员乙的班"
    )


def test_a_shift_already_in_a_pending_swap_cannot_be_swapped_again(people):
    given = put(people.a, nov(10))
    ask(people.a, people.c, given)
    with pytest.raises(ValidationError) as error:
        ask(people.a, people.b, given)
    assert "所选的班已在换班HB2026-0001中待批准" in refusal(error)


def test_the_rules_are_checked_again_when_approving(people):
    swap = ask(people.a, people.b, put(people.a, nov(10), "E"))
    swap = decide_swap(actor=people.leader1, swap=swap, approve=True)
    # meanwhile B was put on the night after: taking A's 16–24 would now run into it
    put(people.b, nov(11), "N")
    with pytest.raises(ValidationError) as error:
        decide_swap(actor=people.leader2, swap=swap, approve=True)
    assert "不允许连班" in refusal(error)
    swap.refresh_from_db()
    assert swap.status == ShiftSwap.Status.REQUESTED
    assert swap.approved_by == [people.leader1.pk]
    # the leader refuses instead: that ends it and tells both
    swap = decide_swap(actor=people.leader2, swap=swap, approve=False, note="次日夜班，不能连班")
    assert swap.status == ShiftSwap.Status.REFUSED
    assert Alert.objects.filter(kind="workforce.swap_decided", recipient=people.a).exists()
    assert RosterEntry.objects.filter(
        person=people.a, day=nov(10), status=RosterEntry.Status.SCHEDULED
    ).exists()


# --- who may do what ------------------------------------------------------------------------------------


def test_another_agent_or_leader_cannot_approve_and_nobody_twice(people):
    swap = ask(people.a, people.c, put(people.a, nov(10)))
    with pytest.raises(PermissionDenied):
        decide_swap(actor=people.b, swap=swap, approve=True)
    with pytest.raises(PermissionDenied):
        decide_swap(actor=people.leader2, swap=swap, approve=True)
    swap = ask(people.a, people.b, put(people.a, nov(20)))
    decide_swap(actor=people.leader1, swap=swap, approve=True)
    with pytest.raises(ValidationError) as error:
        decide_swap(actor=people.leader1, swap=swap, approve=True)
    assert "您已批准换班" in refusal(error)


def test_only_the_requester_withdraws_and_only_while_asked(people):
    swap = ask(people.a, people.c, put(people.a, nov(10)))
    with pytest.raises(PermissionDenied):
        withdraw_swap(actor=people.c, swap=swap)
    approve_all(swap, people.leader1)
    with pytest.raises(ValidationError) as error:
        withdraw_swap(actor=people.a, swap=swap)
    assert "已批准，不能撤回" in refusal(error)


def test_who_sees_which_swap(people):
    swap = ask(people.a, people.c, put(people.a, nov(10)))
    assert list(visible_to(people.a)) == [swap]
    assert list(visible_to(people.c)) == [swap]
    assert list(visible_to(people.leader1)) == [swap]
    assert list(visible_to(people.head)) == [swap]
    assert list(visible_to(people.b)) == []
    assert list(visible_to(people.leader2)) == []
    assert list(register(people.head, year=2026, month=11)) == [swap]
    assert list(register(people.head, year=2026, month=12)) == []


# --- pages ----------------------------------------------------------------------------------------------


def test_an_agent_asks_on_the_page_and_both_leaders_approve_on_theirs(people, client_for):
    given, taken = put(people.a, nov(10)), put(people.b, nov(13), "E")
    put(people.b, nov(30))  # another colleague shift in the select, labelled 姓名 日期 班次
    page = client_for(people.a).get("/duty/swaps/new/")
    assert page.status_code == 200
    assert "2026-11-10 白班（08:00–16:00）" in page.text
    assert "话务员乙 2026-11-13 中班（16:00–24:00）" in page.text
    assert "营业员" not in page.text
    response = client_for(people.a).post(
        "/duty/swaps/new/",
        {
            "given_entry": given.pk,
            "colleague": people.b.pk,
            "taken_entry": taken.pk,
            "reason": "孩子开家长会",
        },
    )
    swap = ShiftSwap.objects.get()
    assert response.status_code == 302 and response.url == f"/duty/swaps/{swap.pk}/"
    assert "HB2026-0001" in client_for(people.a).get("/duty/swaps/").text

    leader_page = client_for(people.leader1).get("/duty/swaps/")
    assert "待我批准" in leader_page.text and "HB2026-0001" in leader_page.text
    detail = client_for(people.leader1).get(f"/duty/swaps/{swap.pk}/")
    assert "同意换班" in detail.text
    # another agent may neither approve nor see it
    assert client_for(people.d).get(f"/duty/swaps/{swap.pk}/").status_code == 404
    assert (
        client_for(people.d).post(f"/duty/swaps/{swap.pk}/decide/", {"decision": "approve"}).status_code
        == 403
    )
    assert (
        client_for(people.c).post(f"/duty/swaps/{swap.pk}/decide/", {"decision": "approve"}).status_code
        == 403
    )
    for leader in (people.leader1, people.leader2):
        assert (
            client_for(leader).post(f"/duty/swaps/{swap.pk}/decide/", {"decision": "approve"}).status_code
            == 302
        )
    swap.refresh_from_db()
    assert swap.status == ShiftSwap.Status.APPROVED
    detail = client_for(people.a).get(f"/duty/swaps/{swap.pk}/")
    assert "已换出" in detail.text and "换班批准生效" in detail.text
    assert RosterEntry.objects.filter(person=people.b, day=nov(10), source=RosterEntry.Source.SWAP).exists()
    # each one's own roster shows the swap
    assert "换班HB2026-0001：替话务员甲" in client_for(people.b).get("/duty/me/").text
    assert "已换出" in client_for(people.a).get("/duty/me/").text


def test_the_list_pages_do_not_query_per_row(people, client_for, django_assert_max_num_queries):
    set_policy(actor=people.head, key="workforce.swaps_per_month", value=5)
    client = client_for(people.head)
    ask(people.a, people.b, put(people.a, nov(5)))
    with django_assert_max_num_queries(40) as one:
        client.get("/duty/swaps/?tab=register&month=2026-11")
    for day in (10, 15, 20):
        ask(people.c, people.d, put(people.c, nov(day)), put(people.d, nov(day + 2)))
    with django_assert_max_num_queries(len(one.captured_queries)) as four:
        page = client.get("/duty/swaps/?tab=register&month=2026-11")
    assert page.text.count("/duty/swaps/") >= 4
    assert len(four.captured_queries) == len(one.captured_queries)


def test_the_page_shows_the_rules_refusal_under_the_form(people, client_for):
    put(people.a, nov(24), "E")
    given, taken = put(people.a, nov(27)), put(people.b, nov(25), "N")
    response = client_for(people.a).post(
        "/duty/swaps/new/",
        {"given_entry": given.pk, "colleague": people.b.pk, "taken_entry": taken.pk, "reason": "有事"},
    )
    assert response.status_code == 400
    assert "11-24中班下班即接11-25夜班，不允许连班" in response.text
    assert not ShiftSwap.objects.exists()


def test_a_leader_refuses_with_a_note_and_the_requester_can_withdraw_another(people, client_for):
    swap = ask(people.a, people.c, put(people.a, nov(10)))
    response = client_for(people.leader1).post(
        f"/duty/swaps/{swap.pk}/decide/", {"decision": "refuse", "note": "人手不足"}
    )
    assert response.status_code == 302
    swap.refresh_from_db()
    assert swap.status == ShiftSwap.Status.REFUSED
    other = ask(people.a, people.c, put(people.a, nov(20)))
    assert client_for(people.c).post(f"/duty/swaps/{other.pk}/withdraw/").status_code == 403
    assert client_for(people.a).post(f"/duty/swaps/{other.pk}/withdraw/").status_code == 302
    other.refresh_from_db()
    assert other.status == ShiftSwap.Status.WITHDRAWN
    bad = client_for(people.leader1).post(f"/duty/swaps/{swap.pk}/decide/", {"decision": "maybe"})
    assert bad.status_code == 403  # decided already: no longer the leader's to decide


def test_the_register_exports_and_prints_the_month(people, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    approve_all(
        ask(people.a, people.b, put(people.a, nov(10)), put(people.b, nov(13))),
        people.leader1,
        people.leader2,
    )
    client = client_for(people.head)
    page = client.get("/duty/swaps/?tab=register&month=2026-11")
    assert page.status_code == 200 and "HB2026-0001" in page.text
    assert "HB2026-0001" not in client.get("/duty/swaps/?tab=register&month=2026-12").text
    export = client.get("/duty/swaps/register/export/?month=2026-11")
    assert export.status_code == 200
    rows = list(load_workbook(BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("登记号", "换班人", "对方")
    assert rows[1][:5] == (
        "HB2026-0001",
        "话务员甲",
        "话务员乙",
        "2026-11-10 白班（08:00–16:00）",
        "2026-11-13 白班（08:00–16:00）",
    )
    assert rows[1][8] == "班长甲（已同意）、班长乙（已同意）"
    printed = client.get("/duty/swaps/register/print/?month=2026-11")
    assert printed.status_code == 200 and "客服部换班登记表（2026年11月）" in printed.text
    for url in ("/duty/swaps/?tab=register&month=2026-13", "/duty/swaps/register/export/?month=abc"):
        refused = client.get(url)
        assert refused.status_code == 400 and "月份" in refused.text


def test_people_without_the_permission_cannot_open_the_pages(people, client_for, counter_clerk):
    assert client_for(counter_clerk).get("/duty/swaps/").status_code == 403
    assert client_for(counter_clerk).get("/duty/swaps/new/").status_code == 403


# --- API ------------------------------------------------------------------------------------------------


@pytest.fixture
def api(client_for):
    import json

    def call(user, method: str, url: str, body=None):
        data = json.dumps(body, ensure_ascii=False) if body is not None else ""
        return getattr(client_for(user), method)(url, data=data, content_type="application/json")

    return call


def test_the_api_asks_lists_decides_and_withdraws(people, api):
    given, taken = put(people.a, nov(10)), put(people.b, nov(13))
    body = {"given_entry": given.pk, "colleague": "agent_b", "taken_entry": taken.pk, "reason": "看病"}
    created = api(people.a, "post", "/api/workforce/swaps", body)
    assert created.status_code == 201, created.content
    swap = created.json()
    assert swap["number"] == "HB2026-0001"
    assert [a["user"] for a in swap["approvals"]] == ["班长甲", "班长乙"]
    assert [s["id"] for s in api(people.leader2, "get", "/api/workforce/swaps?scope=awaiting").json()] == [
        swap["id"]
    ]
    assert (
        api(people.c, "post", f"/api/workforce/swaps/{swap['id']}/decide", {"approve": True}).status_code
        == 403
    )
    api(people.leader1, "post", f"/api/workforce/swaps/{swap['id']}/decide", {"approve": True})
    decided = api(people.leader2, "post", f"/api/workforce/swaps/{swap['id']}/decide", {"approve": True})
    assert decided.json()["status"] == "approved"
    month = api(people.head, "get", "/api/workforce/swaps?scope=all&month=2026-11").json()
    assert [s["number"] for s in month] == ["HB2026-0001"]

    # a refusal is a 400 with the rule, under its field
    clerk_body = {"given_entry": put(people.a, nov(20)).pk, "colleague": "agent_b", "reason": "x"}
    api(people.a, "post", "/api/workforce/swaps", clerk_body)
    third = {"given_entry": put(people.a, nov(25)).pk, "colleague": "agent_d", "reason": "x"}
    refused = api(people.a, "post", "/api/workforce/swaps", third)
    assert refused.status_code == 400
    assert "每人每月换班不得超过2次" in refused.json()["errors"]["__all__"][0]
    pending = api(people.a, "get", "/api/workforce/swaps?status=requested").json()
    withdrawn = api(people.a, "post", f"/api/workforce/swaps/{pending[0]['id']}/withdraw", {})
    assert withdrawn.json()["status"] == "withdrawn"
    assert api(people.a, "get", "/api/workforce/swaps?month=2026-13").status_code == 400
