"""Alerts everywhere (issue 13 item 4; H9, W3): kefu.core.alerts.send_alert writes one alert per
person, kind, subject and level, skips people who have left, and hands the outside kinds to the
configured channels once, after commit; the bell on every page, the alerts page and the API show a
person only their own alerts."""

import logging

import pytest
from django.db import transaction
from django.test import override_settings

from kefu.accounts.models import Role
from kefu.core.alerts import cut, send_alert
from kefu.core.models import Alert, Policy

pytestmark = pytest.mark.django_db

RECORDER = "kefu.core.tests.test_alerts.RecordingChannel"
BROKEN = "kefu.core.tests.test_alerts.BrokenChannel"


class RecordingChannel:
    """A real channel class, configured through settings, that keeps what it was handed."""

    sent: list[tuple[str, str, str]] = []

    def send(self, alert) -> None:
        from kefu.core.channels import recipient_phone

        RecordingChannel.sent.append((alert.recipient.username, alert.kind, recipient_phone(alert)))


class BrokenChannel:
    def send(self, alert) -> None:
        raise ConnectionError("短信网关无响应")


@pytest.fixture(autouse=True)
def _fresh_recorder():
    RecordingChannel.sent = []


def overdue(recipients, subject="hotline.workorder:1", level=1, message="工单GD1已超期"):
    return send_alert(
        recipients=recipients, kind="hotline.overdue", message=message, subject=subject, level=level, url="/"
    )


def test_a_repeat_adds_nothing_and_each_level_is_its_own_alert(make_user):
    # given two people told about an overdue order
    one, two = make_user(Role.UNIT_STAFF), make_user(Role.TEAM_LEADER)
    assert overdue([one, two, one]) == 2
    # when the scan tells them again, and then at the next level
    assert overdue([one, two]) == 0
    assert overdue([two], level=2) == 1
    # then each has one alert per level
    assert Alert.objects.filter(recipient=one).count() == 1
    assert Alert.objects.filter(recipient=two).count() == 2


def test_people_who_have_left_are_skipped(make_user):
    gone = make_user(Role.UNIT_STAFF, is_active=False)
    here = make_user(Role.UNIT_STAFF)
    assert overdue([gone, here, None]) == 1
    assert not Alert.objects.filter(recipient=gone).exists()


def test_a_long_message_is_cut_with_an_ellipsis(make_user):
    overdue([make_user()], message="漏" * 400)
    message = Alert.objects.get().message
    assert len(message) == 300 and message.endswith("…")
    assert cut("短") == "短"


def test_an_unregistered_kind_is_a_programming_error(make_user):
    with pytest.raises(ValueError, match="not registered"):
        send_alert(recipients=[make_user()], kind="hotline.no_such_kind", message="x")


def test_the_rows_roll_back_with_the_callers_transaction(make_user):
    person = make_user()
    with pytest.raises(RuntimeError), transaction.atomic():
        overdue([person])
        raise RuntimeError("办理失败")
    assert not Alert.objects.exists()


@override_settings(KEFU_ALERT_CHANNELS=[RECORDER])
def test_outside_kinds_reach_the_channel_once_after_commit(make_user, django_capture_on_commit_callbacks):
    # given a unit member with a phone number, and a colleague without
    staff = make_user(Role.UNIT_STAFF, username="unit9", phone="13800000009")
    other = make_user(Role.UNIT_STAFF, username="unit10")
    # when an overdue alert (an outside kind) is written twice, and a due-soon one (inside only)
    with django_capture_on_commit_callbacks(execute=True):
        overdue([staff, other])
        overdue([staff, other])
        send_alert(
            recipients=[staff], kind="hotline.due_soon", message="将到期", subject="hotline.workorder:2"
        )
    # then the channel got each overdue alert once, with the phone when there is one, after commit
    assert sorted(RecordingChannel.sent) == [
        ("unit10", "hotline.overdue", ""),
        ("unit9", "hotline.overdue", "13800000009"),
    ]


@override_settings(KEFU_ALERT_CHANNELS=[RECORDER])
def test_the_outside_kinds_are_a_rule(make_user, django_capture_on_commit_callbacks):
    Policy.objects.create(key="core.alert_outside_kinds", value="hotline.due_soon")
    person = make_user(username="agent7")
    with django_capture_on_commit_callbacks(execute=True):
        overdue([person])
        send_alert(
            recipients=[person], kind="hotline.due_soon", message="将到期", subject="hotline.workorder:2"
        )
    assert RecordingChannel.sent == [("agent7", "hotline.due_soon", "")]


@override_settings(KEFU_ALERT_CHANNELS=[BROKEN, RECORDER])
def test_a_failing_channel_is_logged_and_the_others_still_send(
    make_user, django_capture_on_commit_callbacks, caplog
):
    person = make_user(username="leader3")
    with (
        caplog.at_level(logging.ERROR, logger="kefu.alerts"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert overdue([person]) == 1
    assert RecordingChannel.sent == [("leader3", "hotline.overdue", "")]
    assert "BrokenChannel" in caplog.text
    assert Alert.objects.filter(recipient=person).exists()


def test_the_default_channel_logs_one_line_per_alert(make_user, django_capture_on_commit_callbacks, caplog):
    person = make_user(name="王班长", phone="13900000001")
    with (
        caplog.at_level(logging.INFO, logger="kefu.alerts"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        overdue([person], message="工单GD9已超期")
    lines = [r.getMessage() for r in caplog.records if r.name == "kefu.alerts"]
    assert lines == ["提醒 hotline.overdue → 王班长 13900000001：工单GD9已超期"]


def test_the_outside_kinds_rule_names_registered_kinds_only(administrator):
    from django.core.exceptions import ValidationError

    from kefu.core import services

    with pytest.raises(ValidationError, match="未知的提醒类型"):
        services.set_policy(
            actor=administrator, key="core.alert_outside_kinds", value="hotline.overdue,bogus.kind"
        )


# ---- the bell, the page, the API -------------------------------------------------------------------


@pytest.fixture
def told(make_user):
    """A unit member with two unread alerts and one read, and a colleague with one of their own."""
    staff = make_user(Role.UNIT_STAFF, username="unit1")
    colleague = make_user(Role.UNIT_STAFF, username="unit2")
    overdue([staff], subject="hotline.workorder:11", message="工单GD11已超期")
    send_alert(
        recipients=[staff], kind="hotline.due_soon", message="工单GD12将到期", subject="hotline.workorder:12"
    )
    overdue([staff], subject="hotline.workorder:13", message="工单GD13已超期")
    Alert.objects.filter(subject="hotline.workorder:13").update(read_at="2026-11-01T08:00:00+08:00")
    overdue([colleague], subject="hotline.workorder:14", message="同事的提醒GD14")
    return staff


def test_the_bell_shows_the_unread_count_on_every_page(client_for, told):
    client = client_for(told)
    home = client.get("/").content.decode()
    assert 'id="bell-count">2</span>' in home
    assert 'href="/alerts/"' in home and "kefu/alerts.js" in home
    # and with nothing unread the badge is hidden
    Alert.objects.filter(recipient=told).update(read_at="2026-11-01T08:00:00+08:00")
    assert 'id="bell-count" hidden>0</span>' in client.get("/").content.decode()


def test_the_bell_costs_one_query_per_page(rf, told):
    from django.db import connection
    from django.template import engines
    from django.test.utils import CaptureQueriesContext

    from kefu.core.context_processors import alerts

    request = rf.get("/")
    request.user = told
    bell = alerts(request)["alerts_unread"]
    with CaptureQueriesContext(connection) as queries:
        text = engines["django"].from_string("{{ n }}{% if n %}{{ n }}{% endif %}{{ n }}").render({"n": bell})
    assert text == "222" and len(queries) == 1


def test_the_page_lists_only_ones_own_alerts_unread_first_and_filters(client_for, told):
    client = client_for(told)
    page = client.get("/alerts/").content.decode()
    assert "工单GD11已超期" in page and "工单GD12将到期" in page
    assert "GD13" not in page  # read: only under 全部
    assert "同事的提醒" not in page
    every = client.get("/alerts/?state=all").content.decode()
    assert "GD13" in every and "同事的提醒" not in every
    only_due = client.get("/alerts/?state=all&kind=hotline.due_soon").content.decode()
    assert "GD12" in only_due and "GD11" not in only_due
    assert page.index("GD12") < page.index("GD11")  # newest first


def test_a_bad_filter_is_a_chinese_400(client_for, told):
    response = client_for(told).get("/alerts/?state=maybe&kind=bogus")
    assert response.status_code == 400
    text = response.content.decode()
    assert "状态应为" in text and "提醒类型“bogus”不存在" in text


def test_opening_an_alert_marks_it_read_and_goes_to_its_page(client_for, told):
    client = client_for(told)
    alert = Alert.objects.get(recipient=told, subject="hotline.workorder:11")
    Alert.objects.filter(pk=alert.pk).update(url="/hotline/orders/11/")
    response = client.post(f"/alerts/{alert.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/hotline/orders/11/"
    alert.refresh_from_db()
    assert alert.read_at is not None
    assert client.get("/alerts/count").json()["unread"] == 1


def test_an_alert_never_sends_the_reader_to_another_site(client_for, told):
    alert = Alert.objects.get(recipient=told, subject="hotline.workorder:11")
    Alert.objects.filter(pk=alert.pk).update(url="https://evil.example/")
    response = client_for(told).post(f"/alerts/{alert.pk}/open/")
    assert response["Location"] == "/alerts/"


def test_someone_elses_alert_is_not_found(client_for, told):
    theirs = Alert.objects.get(subject="hotline.workorder:14")
    assert client_for(told).post(f"/alerts/{theirs.pk}/open/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_touches_only_ones_own(client_for, told):
    client = client_for(told)
    client.post("/alerts/read/")
    assert client.get("/alerts/count").json()["unread"] == 0
    assert Alert.objects.get(subject="hotline.workorder:14").read_at is None


def test_the_poll_hands_back_new_alerts_after_the_last_seen(client_for, told):
    client = client_for(told)
    first = client.get("/alerts/count").json()
    assert first["unread"] == 2 and first["new"] == []
    send_alert(
        recipients=[told], kind="hotline.returned", message="工单GD15被退回", subject="hotline.workorder:15"
    )
    fresh = client.get(f"/alerts/count?after={first['latest']}").json()
    assert fresh["unread"] == 3
    assert [item["message"] for item in fresh["new"]] == ["工单GD15被退回"]
    assert fresh["new"][0]["kind"] == "工单被退回"
    assert client.get("/alerts/count?after=abc").json()["new"] == []


def test_the_api_lists_counts_and_marks_ones_own(client_for, told):
    client = client_for(told)
    listed = client.get("/api/alerts?unread=true").json()
    assert listed["unread"] == 2
    assert [row["subject"] for row in listed["results"]] == ["hotline.workorder:12", "hotline.workorder:11"]
    assert listed["results"][0]["kind_label"] == "工单即将到期"
    assert client.get("/api/alerts/count").json() == {"unread": 2}
    one = listed["results"][0]["id"]
    assert client.post(f"/api/alerts/{one}/read").json()["read_at"]
    theirs = Alert.objects.get(subject="hotline.workorder:14").pk
    assert client.post(f"/api/alerts/{theirs}/read").status_code == 404
    assert (
        client.post("/api/alerts/read", {"kind": "bogus"}, content_type="application/json").status_code == 400
    )
    assert client.post("/api/alerts/read", {}, content_type="application/json").json() == {"marked": 1}
    assert client.get("/api/alerts/count").json() == {"unread": 0}
    assert client.get("/api/alerts?kind=bogus").status_code == 400


def test_an_account_without_a_role_has_no_bell_and_no_alerts_page(client_for, outsider):
    client = client_for(outsider)
    assert 'id="bell"' not in client.get("/").content.decode()
    assert client.get("/alerts/").status_code == 403
    assert client.get("/api/alerts/count").status_code == 403
