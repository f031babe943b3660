"""The shift handover log (H13): writing a handover, the relieving agent's confirmation (never one's
own), corrections that keep the old text, who is on duty across midnight (from the personal roster),
the pages and the API."""

import json
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import TeamFactory
from kefu.core.events import events_for
from kefu.workforce import selectors, services
from kefu.workforce.models import Handover, Shift
from kefu.workforce.permissions import get_handover_for
from kefu.workforce.tests.factories import HandoverFactory

SHANGHAI = timezone.get_fixed_timezone(8 * 60)


@pytest.fixture
def night_team(db):
    return TeamFactory(code="RX2", name="热线二班（中班）", shift_start=time(16), shift_end=time(0))


@pytest.fixture
def outgoing(make_user, night_team):
    return make_user(Role.AGENT, username="outgoing", name="交班的小张", team=night_team)


@pytest.fixture
def incoming(make_user):
    return make_user(Role.AGENT, username="incoming", name="接班的小李")


@pytest.fixture
def leader(make_user, night_team):
    return make_user(Role.TEAM_LEADER, username="leader", name="班长老周", team=night_team)


def write(actor, team, **changes) -> Handover:
    now = timezone.now()
    data = {
        "team": team,
        "shift_started_at": now - timedelta(hours=8),
        "equipment_state": "3号座席耳麦有杂音",
        "open_cases": "文三路水压低，已派单未回复",
        "staffing_changes": "小王病假",
    }
    return services.record_handover(actor=actor, **(data | changes))


# Handing over and receiving


def test_a_handover_is_pending_until_another_agent_confirms_it(outgoing, incoming, night_team):
    # given the outgoing agent writes the handover
    handover = write(outgoing, night_team)
    assert handover.pending and handover.received_by is None
    assert list(Handover.objects.pending()) == [handover]
    # when the relieving agent confirms it
    services.receive_handover(actor=incoming, handover=handover)
    # then it is received, by them, now, and both steps are in the log
    handover.refresh_from_db()
    assert not handover.pending
    assert handover.received_by == incoming and handover.received_at is not None
    assert [e.verb for e in events_for(handover)] == ["handover.received", "handover.recorded"]


def test_nobody_confirms_their_own_handover(outgoing, night_team):
    handover = write(outgoing, night_team)
    with pytest.raises(ValidationError) as caught:
        services.receive_handover(actor=outgoing, handover=handover)
    assert caught.value.messages == ["不能确认自己的交接班记录，须由接班人本人确认"]
    handover.refresh_from_db()
    assert handover.pending


def test_a_named_successor_alone_may_confirm(outgoing, incoming, make_user, night_team):
    someone_else = make_user(Role.AGENT)
    handover = write(outgoing, night_team, received_by=incoming)
    with pytest.raises(ValidationError, match="须由其本人确认"):
        services.receive_handover(actor=someone_else, handover=handover)
    services.receive_handover(actor=incoming, handover=handover)


def test_a_handover_is_confirmed_once(outgoing, incoming, make_user, night_team):
    handover = write(outgoing, night_team)
    services.receive_handover(actor=incoming, handover=handover)
    with pytest.raises(ValidationError, match="已于"):
        services.receive_handover(actor=make_user(Role.AGENT), handover=handover)


def test_the_shift_must_start_before_the_handover(outgoing, night_team):
    with pytest.raises(ValidationError) as caught:
        write(outgoing, night_team, shift_started_at=timezone.now() + timedelta(hours=1))
    assert caught.value.message_dict["shift_started_at"] == ["本班开始时间不能晚于交班时间"]
    with pytest.raises(ValidationError) as caught:
        write(outgoing, None, received_by=outgoing)
    assert caught.value.message_dict["team"] == ["请选择交班班组"]
    assert caught.value.message_dict["received_by"] == ["接班人不能是交班人本人"]


def test_a_correction_keeps_the_old_text_and_needs_a_reason_once_received(outgoing, incoming, night_team):
    handover = write(outgoing, night_team)
    services.receive_handover(actor=incoming, handover=handover)
    with pytest.raises(ValidationError) as caught:
        services.correct_handover(actor=outgoing, handover=handover, data={"open_cases": "无"})
    assert caught.value.message_dict["note"]
    services.correct_handover(actor=outgoing, handover=handover, data={"open_cases": "无"}, note="已回复")
    event = events_for(handover).first()
    assert event.verb == "handover.corrected"
    assert event.changes["open_cases"] == ["文三路水压低，已派单未回复", "无"]


# Who is on duty


def roster(person, day, code, *, actor=None):
    """Put a person on a shift through the roster service (as a department head)."""
    from kefu.accounts.tests.factories import UserFactory

    actor = actor or UserFactory(role=Role.DEPARTMENT_HEAD)
    return services.assign_shift(actor=actor, person=person, day=day, shift=Shift.objects.get(code=code))


def test_who_is_on_duty_comes_from_the_personal_roster_across_midnight(make_user, night_team, outgoing):
    # given the roster of 2026-03-10/11: the evening shift 16–24 and the night shift 00–08
    early_team = TeamFactory(code="RX1")
    night_crew = TeamFactory(code="RX3")
    day_agent = make_user(Role.AGENT, team=early_team)
    night_agent = make_user(Role.AGENT, team=night_crew)
    leader = make_user(Role.TEAM_LEADER, team=night_team, employee_no="0001")
    roster(outgoing, date(2026, 3, 10), "E")
    roster(leader, date(2026, 3, 10), "E")
    roster(night_agent, date(2026, 3, 11), "N")
    roster(day_agent, date(2026, 3, 11), "D")
    # someone of the evening team who is not rostered is not on duty
    make_user(Role.AGENT, team=night_team)
    # at 23:30 the evening shift, which began at 16:00 that day, is on, with the rostered people only
    duty = selectors.on_duty_now(datetime(2026, 3, 10, 23, 30, tzinfo=SHANGHAI))
    assert [d.team for d in duty] == [night_team]
    assert duty[0].members == [leader, outgoing]
    assert timezone.localtime(duty[0].started_at) == datetime(2026, 3, 10, 16, tzinfo=SHANGHAI)
    # just after midnight, the night shift; at eight, the day shift
    assert [d.team for d in selectors.on_duty_now(datetime(2026, 3, 11, 0, 5, tzinfo=SHANGHAI))] == [
        night_crew
    ]
    assert [d.members for d in selectors.on_duty_now(datetime(2026, 3, 11, 8, tzinfo=SHANGHAI))] == [
        [day_agent]
    ]


def test_nobody_is_on_duty_when_nobody_is_rostered_whatever_the_teams_hours(db, night_team, outgoing):
    # the team's hours (16:00–24:00) no longer decide who is on duty
    assert selectors.on_duty_now(datetime(2026, 3, 10, 20, tzinfo=SHANGHAI)) == []


def test_a_cancelled_shift_is_not_on_duty(department_head, night_team, outgoing):
    entry = roster(outgoing, date(2026, 3, 10), "E")
    services.cancel_entry(actor=department_head, entry=entry, reason="调整")
    assert selectors.on_duty_now(datetime(2026, 3, 10, 20, tzinfo=SHANGHAI)) == []


def test_a_shift_across_midnight_started_the_day_before():
    # a 22:00–06:00 shift seen at 02:00 began at 22:00 the previous evening
    assert selectors.shift_covers(time(22), time(6), time(2))
    assert not selectors.shift_covers(time(22), time(6), time(12))
    at = datetime(2026, 3, 11, 2, tzinfo=SHANGHAI)
    assert timezone.localtime(selectors.shift_start_before(time(22), at)) == datetime(
        2026, 3, 10, 22, tzinfo=SHANGHAI
    )


# Pages


def test_an_agent_hands_over_through_the_form_and_another_confirms(
    client_for, outgoing, incoming, night_team
):
    client = client_for(outgoing)
    # the form starts with the agent's own team and the start of its shift
    with time_machine.travel(datetime(2026, 3, 10, 23, 50, tzinfo=SHANGHAI), tick=False):
        form = client.get("/duty/handovers/new/").context["form"]
        assert form.initial["team"] == night_team
        assert form.initial["shift_started_at"] == datetime(2026, 3, 10, 16, tzinfo=SHANGHAI)
    response = client.post(
        "/duty/handovers/new/",
        {
            "team": night_team.pk,
            "shift_started_at": timezone.localtime(timezone.now() - timedelta(hours=8)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "equipment_state": "正常",
            "open_cases": "无",
        },
    )
    handover = Handover.objects.get()
    assert response.status_code == 302 and response.url == f"/duty/handovers/{handover.pk}/"
    # the outgoing agent sees no confirm button on their own handover; the incoming one does
    assert "确认接班" not in client.get(response.url).content.decode()
    other = client_for(incoming)
    assert "确认接班" in other.get(response.url).content.decode()
    other.post(f"/duty/handovers/{handover.pk}/receive/")
    handover.refresh_from_db()
    assert handover.received_by == incoming


def test_confirming_ones_own_handover_through_the_page_is_refused(client_for, outgoing, night_team):
    handover = write(outgoing, night_team)
    response = client_for(outgoing).post(f"/duty/handovers/{handover.pk}/receive/", follow=True)
    assert "不能确认自己的交接班记录" in response.content.decode()
    handover.refresh_from_db()
    assert handover.pending


def test_the_list_shows_pending_handovers_first_and_who_is_on_duty(
    client_for, department_head, outgoing, incoming, night_team, django_assert_max_num_queries
):
    older_pending = HandoverFactory(team=night_team, handed_over_at=timezone.now() - timedelta(days=2))
    received = HandoverFactory(team=night_team)
    services.receive_handover(actor=incoming, handover=received)
    roster(outgoing, date(2026, 3, 10), "E", actor=department_head)
    client = client_for(department_head)
    with time_machine.travel(datetime(2026, 3, 10, 20, tzinfo=SHANGHAI), tick=True):
        with django_assert_max_num_queries(12):
            response = client.get("/duty/")
    page = list(response.context["page"].object_list)
    assert page == [older_pending, received]
    html = response.content.decode()
    assert "交班的小张" in html.split('id="on-duty"')[1].split("</div>\n</div>")[0]
    assert "待接班确认" in html


def test_the_list_filters_by_team_and_date_and_has_an_empty_state(client_for, leader, night_team):
    other_team = TeamFactory()
    HandoverFactory(team=other_team)
    client = client_for(leader)
    assert "暂无交接班记录" in client.get("/duty/", {"team": night_team.pk}).content.decode()
    assert "暂无交接班记录" in client.get("/duty/", {"date": "2001-01-01"}).content.decode()
    today = timezone.localdate().isoformat()
    assert len(client.get("/duty/", {"date": today}).context["page"].object_list) == 1


def test_a_department_head_reads_but_does_not_write_handovers(
    client_for, department_head, outgoing, night_team
):
    handover = write(outgoing, night_team)
    client = client_for(department_head)
    assert client.get(f"/duty/handovers/{handover.pk}/").status_code == 200
    assert client.get(f"/duty/handovers/{handover.pk}/print/").status_code == 200
    assert client.get("/duty/handovers/new/").status_code == 403
    assert client.post(f"/duty/handovers/{handover.pk}/receive/").status_code == 403


def test_only_the_author_or_a_team_leader_corrects_a_handover(
    client_for, outgoing, incoming, leader, night_team
):
    handover = write(outgoing, night_team)
    assert client_for(incoming).get(f"/duty/handovers/{handover.pk}/edit/").status_code == 403
    response = client_for(leader).post(
        f"/duty/handovers/{handover.pk}/edit/", {"open_cases": "已全部办结", "note": "班长核对"}
    )
    assert response.status_code == 302
    handover.refresh_from_db()
    assert handover.open_cases == "已全部办结"


# API


@pytest.fixture
def api(client_for):
    def call(user, method: str, url: str, body=None):
        data = json.dumps(body, ensure_ascii=False) if body is not None else ""
        return getattr(client_for(user), method)(url, data=data, content_type="application/json")

    return call


def test_the_api_creates_lists_and_receives(api, outgoing, incoming, night_team):
    body = {
        "team": "RX2",
        "shift_started_at": (timezone.now() - timedelta(hours=8)).isoformat(),
        "open_cases": "无",
    }
    created = api(outgoing, "post", "/api/workforce/handovers", body)
    assert created.status_code == 201, created.content
    handover_id = created.json()["id"]
    assert created.json()["pending"] is True
    assert [h["id"] for h in api(incoming, "get", "/api/workforce/handovers?pending=true").json()] == [
        handover_id
    ]
    refused = api(outgoing, "post", f"/api/workforce/handovers/{handover_id}/receive", {})
    assert refused.status_code == 400
    assert refused.json()["errors"]["received_by"] == ["不能确认自己的交接班记录，须由接班人本人确认"]
    received = api(incoming, "post", f"/api/workforce/handovers/{handover_id}/receive", {})
    assert received.json()["received_by"] == "接班的小李" and received.json()["pending"] is False


def test_the_api_names_bad_fields_in_chinese(api, outgoing, night_team):
    response = api(outgoing, "post", "/api/workforce/handovers", {"team": "NOPE", "shift_started_at": "昨天"})
    assert response.status_code == 400
    assert "shift_started_at" in response.json()["errors"]
    response = api(
        outgoing,
        "post",
        "/api/workforce/handovers",
        {"team": "NOPE", "shift_started_at": timezone.now().isoformat()},
    )
    assert response.json()["errors"]["team"] == ["班组编码不存在：NOPE"]


def test_the_api_says_who_is_on_duty(api, outgoing, night_team):
    roster(outgoing, date(2026, 3, 10), "E")
    with time_machine.travel(datetime(2026, 3, 10, 20, tzinfo=SHANGHAI), tick=False):
        duty = api(outgoing, "get", "/api/workforce/on-duty").json()
    assert duty[0]["team_code"] == "RX2"
    assert [m["username"] for m in duty[0]["members"]] == ["outgoing"]
    assert [m["shift"] for m in duty[0]["members"]] == ["中班"]
    assert (duty[0]["shift_start"], duty[0]["shift_end"]) == ("16:00", "00:00")


@pytest.mark.parametrize("written", ["+{pk}", "9223372036854775808", "¹"])
def test_a_handover_id_written_otherwise_than_in_plain_digits_names_no_handover(leader, night_team, written):
    # given a handover the team leader sees
    handover = HandoverFactory(team=night_team)
    # when / then: only plain digits within bigint name it (kefu.core.params.object_id)
    assert get_handover_for(leader, str(handover.pk)) == handover
    with pytest.raises(Http404):
        get_handover_for(leader, written.format(pk=handover.pk))
