"""POST /api/telephony/events (H10): the PBX reports ring, answer and hangup; each is kept once, in any
order, and the call is rebuilt from them. Bad input is a Chinese 400, never a 500."""

import json
import threading
from unittest import mock

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client

from kefu.accounts.auth import issue_token
from kefu.core.models import Event, Policy
from kefu.customers.tests.factories import ContactPersonFactory, CustomerFactory
from kefu.telephony import services
from kefu.telephony.models import Call, CallEvent
from kefu.telephony.tests.conftest import NOW, seconds

# Authentication and permission


def test_it_refuses_a_post_without_a_token(client, agent, now):
    # when the PBX posts without its token
    response = client.post(
        "/api/telephony/events",
        data=json.dumps({"call_id": "C1", "event": "ring", "agent": "agent", "timestamp": NOW.isoformat()}),
        content_type="application/json",
    )
    # then it is refused, in Chinese, and nothing is recorded
    assert response.status_code == 401
    assert response.json()["detail"] == "请先登录或提供有效的访问令牌"
    assert not CallEvent.objects.exists()


def test_it_refuses_a_token_whose_account_may_not_record_calls(post_event, agent, now):
    # given a token of an agent, who may take calls but not speak for the PBX
    token = issue_token(user=agent, name="试用")
    # when it posts an event
    response = post_event(token=token)
    # then it is forbidden
    assert response.status_code == 403
    assert response.json()["detail"] == "您的角色没有此项权限"
    assert not Call.objects.exists()


def test_it_refuses_a_bad_token(post_event, agent, now):
    assert post_event(token="not-a-token").status_code == 401


# A call's life


def test_ring_answer_and_hangup_build_one_call(post_event, agent, pbx, now):
    # given a customer whose phone is the caller's
    customer = CustomerFactory(phone="13812345678")
    # when the PBX reports the call as it happens, the answer 8 seconds after the ring
    ring = post_event(event="ring", caller="+86 138 1234 5678", at=NOW - seconds(60))
    answer = post_event(event="answer", at=NOW - seconds(52))
    hangup = post_event(event="hangup", at=NOW)
    # then each event is created once
    assert [r.status_code for r in (ring, answer, hangup)] == [201, 201, 201]
    assert ring.json()["duplicate"] is False
    # and one call holds the times, the ring seconds and the verdict
    call = Call.objects.get()
    assert call.call_id == "C1"
    assert call.caller_number == "13812345678"
    assert call.agent == agent
    assert call.customer == customer
    assert (call.ring_at, call.answer_at, call.hangup_at) == (NOW - seconds(60), NOW - seconds(52), NOW)
    assert call.ring_seconds == 8
    assert call.answered_in_time is True
    assert hangup.json()["call"]["ring_seconds"] == 8
    # and every event is kept as sent, with an audit event by the PBX's account
    assert CallEvent.objects.filter(call=call).count() == 3
    assert CallEvent.objects.get(event_type="ring").raw["caller"] == "+86 138 1234 5678"
    assert list(
        Event.objects.filter(verb__startswith="call.").values_list("verb", flat=True).order_by("id")
    ) == [
        "call.rang",
        "call.answered",
        "call.hung_up",
    ]
    assert Event.objects.filter(verb="call.rang").get().actor == pbx


def test_it_finds_the_agent_by_employee_number(post_event, make_user, now):
    # given an agent the PBX knows by 工号
    zhang = make_user(username="zhangsan", employee_no="8001")
    # when an event names the 工号
    response = post_event(agent="8001")
    # then the call is the agent's
    assert response.status_code == 201
    assert Call.objects.get().agent == zhang


def test_it_matches_the_customer_through_a_contact_persons_phone(post_event, agent, now):
    person = ContactPersonFactory(phone="13900001111")
    post_event(caller="139-0000-1111")
    assert Call.objects.get().customer == person.customer


def test_it_matches_no_customer_when_two_share_the_number(post_event, agent, now):
    CustomerFactory(phone="13812345678")
    CustomerFactory(phone="13812345678")
    post_event()
    assert Call.objects.get().customer is None


def test_it_accepts_a_landline_with_area_code_and_extension(post_event, agent, now):
    response = post_event(caller="(0571) 8765-4321 转 123")
    assert response.status_code == 201
    assert Call.objects.get().caller_number == "057187654321"


def test_it_records_a_call_from_a_withheld_number(post_event, agent, now):
    response = post_event(caller="anonymous")
    assert response.status_code == 201
    assert Call.objects.get().caller_number == ""


def test_a_timestamp_without_offset_is_beijing_time_and_one_with_offset_is_honoured(post_event, agent, now):
    # when the ring comes without an offset and the answer in UTC
    post_event(event="ring", at="2026-03-02T09:59:00")
    post_event(event="answer", at="2026-03-02T01:59:10Z")
    # then both are read as the moments they are
    call = Call.objects.get()
    assert call.ring_at == NOW - seconds(60)
    assert call.ring_seconds == 10


# Idempotency


def test_a_resent_event_is_a_duplicate_and_changes_nothing(post_event, agent, now):
    # given a call that rang and was answered
    post_event(event="ring", at=NOW - seconds(30))
    post_event(event="answer", at=NOW - seconds(25))
    before = Call.objects.values().get()
    events_before = Event.objects.count()
    # when the PBX resends the answer, even with another time
    response = post_event(event="answer", at=NOW - seconds(2))
    # then it is acknowledged as a duplicate and nothing changes
    assert response.status_code == 200
    body = response.json()
    assert body["duplicate"] is True
    assert body["occurred_at"].startswith("2026-03-02T01:59:35")  # the first answer's time (UTC)
    assert Call.objects.values().get() == before
    assert CallEvent.objects.count() == 2
    assert Event.objects.count() == events_before


def test_the_database_keeps_each_event_of_a_call_once(post_event, agent, now):
    # given a recorded ring
    post_event(event="ring")
    event = CallEvent.objects.get()
    # when a second ring row for the call is written past the service
    # then the unique constraint refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        CallEvent.objects.create(
            call=event.call, event_type="ring", agent_code="agent", occurred_at=NOW, raw={}
        )


def test_a_duplicate_that_slips_past_the_check_is_caught_by_the_constraint(post_event, agent, pbx, now):
    # given a recorded ring
    post_event(event="ring", at=NOW - seconds(10))
    before = Call.objects.values().get()
    # when a second request for the same ring gets past the existence check, as it would if both
    # read before either wrote
    real_filter = CallEvent.objects.filter

    def blind_filter(*args, **kwargs):
        queryset = real_filter(*args, **kwargs)
        return queryset.none() if "event_type" in kwargs else queryset

    with mock.patch.object(CallEvent.objects, "filter", side_effect=blind_filter):
        recorded = services.record_call_event(
            actor=pbx,
            call_id="C1",
            event="ring",
            agent_code="agent",
            caller="13812345678",
            timestamp=NOW - seconds(1),
        )
    # then the unique constraint turns it into a duplicate, and nothing changes
    assert recorded.duplicate is True
    assert CallEvent.objects.count() == 1
    assert Call.objects.values().get() == before


@pytest.mark.django_db(transaction=True)
def test_two_identical_posts_at_once_record_the_event_once(agent, pbx):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that takes row locks from two connections (PostgreSQL)")
    # given the PBX's token, and two clients about to post the same ring at the same moment
    token = issue_token(user=pbx, name="并发测试")
    body = json.dumps(
        {
            "call_id": "RACE",
            "event": "ring",
            "agent": "agent",
            "caller": "13812345678",
            "timestamp": "2026-03-02T09:59:00",
        }
    )
    barrier = threading.Barrier(2)
    statuses = []

    def post():
        try:
            barrier.wait()
            response = Client().post(
                "/api/telephony/events",
                data=body,
                content_type="application/json",
                headers={"authorization": f"Bearer {token}"},
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    # when both post
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then one creates the event and the other is told it is a duplicate; no 500
    assert sorted(statuses) == [200, 201]
    assert CallEvent.objects.filter(call__call_id="RACE").count() == 1
    assert Call.objects.filter(call_id="RACE").count() == 1


# Out of order


def test_a_hangup_before_the_answer_still_gives_the_right_call(post_event, agent, now):
    # when the events arrive hangup, answer, ring
    post_event(event="hangup", at=NOW)
    post_event(event="answer", at=NOW - seconds(40))
    post_event(event="ring", at=NOW - seconds(50))
    # then the call is as if they had come in order
    call = Call.objects.get()
    assert (call.ring_at, call.answer_at, call.hangup_at) == (NOW - seconds(50), NOW - seconds(40), NOW)
    assert call.started_at == NOW - seconds(50)
    assert call.ring_seconds == 10
    assert call.answered_in_time is True


def test_a_hangup_that_overtakes_a_late_answer_is_judged_again_when_the_answer_arrives(
    post_event, agent, now
):
    # given a ring, then a hangup 60 s later, with no answer yet: a missed call
    post_event(event="ring", at=NOW - seconds(60))
    post_event(event="hangup", at=NOW)
    assert Call.objects.get().answered_in_time is False
    # when the answer, 5 s after the ring, arrives last
    post_event(event="answer", at=NOW - seconds(55))
    # then the call was answered in time after all
    call = Call.objects.get()
    assert call.ring_seconds == 5
    assert call.answered_in_time is True


def test_the_agent_who_answers_owns_the_call(post_event, agent, make_user, now):
    # given a call rung to one agent and answered by another (a queue)
    li = make_user(username="li")
    post_event(event="ring", agent="agent", at=NOW - seconds(20))
    post_event(event="answer", agent="li", at=NOW - seconds(12))
    # then it counts for the one who answered
    assert Call.objects.get().agent == li


# The three-rings rule


def test_an_answer_within_15_seconds_is_on_time_and_one_after_20_is_late(post_event, agent, now):
    # when one call is answered after exactly 15 s and another after 20 s
    post_event(call_id="ON-TIME", event="ring", at=NOW - seconds(100))
    post_event(call_id="ON-TIME", event="answer", at=NOW - seconds(85))
    post_event(call_id="LATE", event="ring", at=NOW - seconds(50))
    post_event(call_id="LATE", event="answer", at=NOW - seconds(30))
    # then the first is on time and the second late
    assert Call.objects.get(call_id="ON-TIME").answered_in_time is True
    assert Call.objects.get(call_id="LATE").answered_in_time is False
    assert Call.objects.get(call_id="LATE").ring_seconds == 20


def test_the_limit_is_the_administrators_policy(post_event, agent, now):
    # given an administrator who allows 25 seconds
    Policy.objects.create(key="telephony.answer_within_seconds", value=25)
    # when a call is answered after 20 s
    post_event(event="ring", at=NOW - seconds(50))
    post_event(event="answer", at=NOW - seconds(30))
    # then it is on time
    assert Call.objects.get().answered_in_time is True


def test_a_caller_who_hangs_up_before_the_limit_is_not_judged(post_event, agent, now):
    post_event(event="ring", at=NOW - seconds(8))
    post_event(event="hangup", at=NOW)
    call = Call.objects.get()
    assert call.answered_in_time is None
    assert call.ring_seconds is None


# Bad input


def test_an_unknown_agent_is_a_400_naming_the_field(post_event, agent, now):
    response = post_event(agent="9999")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "输入有误",
        "errors": {"agent": ["找不到工号或用户名为“9999”的在职员工"]},
    }
    assert not Call.objects.exists()


def test_an_inactive_agent_is_unknown(post_event, make_user, now):
    make_user(username="gone", is_active=False)
    assert post_event(agent="gone").status_code == 400


@pytest.mark.parametrize("timestamp", ["yesterday", "2026-13-01T10:00:00", "2026-03-02", "", "10:00:00"])
def test_a_malformed_timestamp_is_a_400_in_chinese(post_event, agent, now, timestamp):
    response = post_event(at=timestamp)
    assert response.status_code == 400
    assert response.json()["errors"]["timestamp"] == [
        "时间格式应为 ISO 8601，例如 2026-09-30T10:00:05+08:00（不带时区按北京时间）"
    ]
    assert not Call.objects.exists()


def test_a_timestamp_in_the_future_is_refused(post_event, agent, now):
    response = post_event(at=NOW + seconds(3600))
    assert response.status_code == 400
    assert response.json()["errors"]["timestamp"] == ["时间晚于服务器当前时间，请检查交换机时钟"]


@pytest.mark.parametrize("timestamp", ["0184-02-22T18:35:33-19:20", "2026-03-02T09:00:00-19:20"])
def test_a_timestamp_out_of_any_real_range_is_a_400_not_a_database_error(post_event, agent, now, timestamp):
    # when: a year before any record, or an offset no time zone has (PostgreSQL refuses it)
    response = post_event(at=timestamp)

    # then
    assert response.status_code == 400
    assert response.json()["errors"]["timestamp"]
    assert not Call.objects.exists()


def test_an_unknown_event_is_a_400(post_event, agent, now):
    response = post_event(event="transfer")
    assert response.status_code == 400
    assert "event" in response.json()["errors"]


def test_a_caller_that_is_not_a_number_is_a_400(post_event, agent, now):
    response = post_event(caller="王先生")
    assert response.status_code == 400
    assert response.json()["errors"]["caller"] == ["电话号码只能包含数字、空格、括号、加号和短横线"]


def test_a_local_number_without_area_code_is_kept_as_sent(post_event, agent, now):
    # the call still counts for the statistics; it only matches no customer
    assert post_event(caller="8765 4321").status_code == 201
    assert Call.objects.get().caller_number == "87654321"


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "[]",
        json.dumps({"event": "ring"}),
        json.dumps(
            {"call_id": "x" * 65, "event": "ring", "agent": "agent", "timestamp": "2026-03-02T09:00:00"}
        ),
        json.dumps({"call_id": None, "event": "ring", "agent": "agent", "timestamp": "2026-03-02T09:00:00"}),
        json.dumps({"call_id": "  ", "event": "ring", "agent": "agent", "timestamp": "2026-03-02T09:00:00"}),
    ],
)
def test_malformed_bodies_are_400s_not_500s(client, pbx_token, agent, now, body):
    response = client.post(
        "/api/telephony/events",
        data=body,
        content_type="application/json",
        headers={"authorization": f"Bearer {pbx_token}"},
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "输入有误"


def test_a_number_sent_as_a_json_number_is_read_as_text(post_event, agent, now):
    assert post_event(caller=13812345678).status_code == 201
    assert Call.objects.get().caller_number == "13812345678"
