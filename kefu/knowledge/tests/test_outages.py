"""Planned outages (H12, issue 3 item 9): the window rule, which outages an area's caller hears about
and in what order, cancelling, the workspace panel, the printable notice and the API."""

import json
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import ServiceAreaFactory
from kefu.core.events import events_for
from kefu.knowledge import selectors, services
from kefu.knowledge.models import PlannedOutage, window_display
from kefu.knowledge.tests.factories import ArticleFactory, PlannedOutageFactory


@pytest.fixture
def area(db):
    return ServiceAreaFactory(code="CX", name="城西片区")


@pytest.fixture
def leader(make_user):
    return make_user(Role.TEAM_LEADER, username="leader", name="班长老周")


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def outage_data(area, **changes) -> dict:
    start = timezone.now() + hours(24)
    return {
        "title": "文三路管道改造停水",
        "reason": "DN300管道改造",
        "service_areas": [area],
        "affected_addresses": "文三新村、嘉绿苑",
        "starts_at": start,
        "ends_at": start + hours(8),
        "kind": PlannedOutage.Kind.PLANNED,
    } | changes


# The window


def test_the_end_must_come_after_the_start(leader, area):
    start = timezone.now()
    for end in (start, start - hours(1)):
        with pytest.raises(ValidationError) as caught:
            services.publish_outage(actor=leader, **outage_data(area, starts_at=start, ends_at=end))
        assert caught.value.message_dict["ends_at"] == ["预计恢复供水时间必须晚于停水开始时间"]
    assert not PlannedOutage.objects.exists()


def test_the_database_refuses_a_window_that_ends_before_it_starts(area):
    # given the constraint behind the service's check
    from django.db import IntegrityError, transaction

    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        PlannedOutage.objects.create(
            title="x", reason="x", affected_addresses="x", starts_at=now, ends_at=now - hours(1)
        )


def test_an_outage_needs_at_least_one_area_and_says_which_fields_are_missing(leader):
    with pytest.raises(ValidationError) as caught:
        services.publish_outage(
            actor=leader,
            title="",
            reason="",
            service_areas=[],
            affected_addresses="",
            starts_at=None,
            ends_at=None,
        )
    errors = caught.value.message_dict
    assert errors["service_areas"] == ["请至少选择一个停水片区"]
    assert errors["title"] == ["请填写标题"]
    assert errors["starts_at"] == ["请填写停水开始时间"]
    assert set(errors) >= {"reason", "affected_addresses", "ends_at"}


def test_publishing_writes_an_event_and_a_notice_when_none_was_given(leader, area):
    outage = services.publish_outage(actor=leader, **outage_data(area))
    assert outage.status == PlannedOutage.Status.PUBLISHED
    assert outage.created_by == leader
    assert "城西片区" in outage.notice and "储水" in outage.notice
    assert events_for(outage).get().verb == "outage.published"


def test_the_window_is_said_in_chinese():
    tz = timezone.get_current_timezone()
    same_day = window_display(datetime(2026, 6, 3, 8, tzinfo=tz), datetime(2026, 6, 3, 18, tzinfo=tz))
    overnight = window_display(datetime(2026, 6, 3, 22, tzinfo=tz), datetime(2026, 6, 4, 6, tzinfo=tz))
    assert same_day == "2026年6月3日 08:00至18:00"
    assert overnight == "2026年6月3日 22:00至6月4日 06:00"


# Which outages an area's caller hears about


def test_outages_for_an_area_put_the_current_one_first_and_leave_out_the_rest(leader, area):
    # given, around now, in the caller's area and elsewhere
    now = timezone.now()
    other = ServiceAreaFactory()
    tomorrow = PlannedOutageFactory(service_areas=[area], starts_at=now + hours(20), ends_at=now + hours(28))
    current = PlannedOutageFactory(
        service_areas=[area, other], starts_at=now - hours(2), ends_at=now + hours(2)
    )
    soon = PlannedOutageFactory(service_areas=[area], starts_at=now + hours(3), ends_at=now + hours(5))
    PlannedOutageFactory(service_areas=[area], starts_at=now - hours(5), ends_at=now - hours(1))  # over
    PlannedOutageFactory(service_areas=[area], starts_at=now + hours(100), ends_at=now + hours(104))  # far
    PlannedOutageFactory(service_areas=[other], starts_at=now - hours(1), ends_at=now + hours(1))  # elsewhere
    cancelled = PlannedOutageFactory(service_areas=[area], starts_at=now - hours(1), ends_at=now + hours(1))
    services.cancel_outage(actor=leader, outage=cancelled, reason="施工推迟")
    # when the area's outages are asked for
    found = list(selectors.outages_for_area(area, at=now))
    # then the one on now comes first, then the upcoming by start; nothing past, far, cancelled or elsewhere
    assert found == [current, soon, tomorrow]
    # and the horizon is an argument
    assert list(selectors.outages_for_area(area, at=now, horizon_hours=4)) == [current, soon]


def test_current_outages_are_those_on_now_across_the_city(area):
    now = timezone.now()
    on = PlannedOutageFactory(service_areas=[area])
    PlannedOutageFactory(service_areas=[area], starts_at=now + hours(2), ends_at=now + hours(3))
    assert list(selectors.current_outages()) == [on]


def test_cancelling_needs_a_reason_and_keeps_the_row(leader, area):
    outage = PlannedOutageFactory(service_areas=[area])
    with pytest.raises(ValidationError) as caught:
        services.cancel_outage(actor=leader, outage=outage, reason=" ")
    assert caught.value.message_dict["reason"] == ["请填写取消原因"]
    services.cancel_outage(actor=leader, outage=outage, reason="施工推迟到下周")
    outage.refresh_from_db()
    assert outage.status == PlannedOutage.Status.CANCELLED
    assert outage.cancel_reason == "施工推迟到下周"
    assert events_for(outage).first().verb == "outage.cancelled"


# The workspace panel


def test_the_panel_shows_the_areas_outage_first_in_a_highlighted_box(client_for, agent, area):
    # given an outage on now in the caller's area, and an article that matches the agent's words
    outage = PlannedOutageFactory(
        service_areas=[area], title="文三路抢修停水", affected_addresses="文三新村", notice="请提前储水"
    )
    ArticleFactory(title="停水期间如何储水", body="停水前请储水")
    # when the workspace loads the panel
    response = client_for(agent).get("/knowledge/for-area/", {"area": area.pk, "q": "储水"})
    # then the outage box comes before the articles, with its title, window, addresses and notice
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="outage-alert current"' in html
    assert html.index("outage-alert") < html.index("kb-article")
    for text in ("文三路抢修停水", outage.window_display, "文三新村", "请提前储水", "停水期间如何储水"):
        assert text in html


def test_the_panel_without_an_outage_offers_the_most_used_articles(client_for, agent, area):
    ArticleFactory(title="很少用的条目", use_count=1)
    ArticleFactory(title="最常用的条目", use_count=50)
    html = client_for(agent).get("/knowledge/for-area/", {"area": area.pk}).content.decode()
    assert "outage-alert" not in html
    assert html.index("最常用的条目") < html.index("很少用的条目")


@pytest.mark.parametrize(
    "written",
    [
        lambda pk: str(pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),  # int() reads these
        lambda pk: f"+{pk}",
        lambda pk: "9223372036854775808",  # 2**63: beyond the database's bigint
    ],
    ids=["arabic_indic_digits", "plus_sign", "beyond_bigint"],
)
def test_the_panel_takes_only_a_plain_area_id(client_for, agent, area, written):
    # given an outage on now in the area
    PlannedOutageFactory(service_areas=[area], title="文三路抢修停水")
    # when the panel is asked for the area written in a way no page writes an id
    response = client_for(agent).get("/knowledge/for-area/", {"area": written(area.pk)})
    # then it is read as no area at all, the shared id rule (kefu.core.params.object_id)
    assert response.status_code == 200
    assert "文三路抢修停水" not in response.content.decode()


def test_the_panel_says_so_when_nothing_matches(client_for, agent):
    html = client_for(agent).get("/knowledge/for-area/", {"area": "abc", "q": "火星"}).content.decode()
    assert "没有找到相关知识" in html


# Pages


def test_a_team_leader_publishes_and_cancels_an_outage_through_the_pages(client_for, leader, area):
    client = client_for(leader)
    assert client.get("/knowledge/outages/new/").status_code == 200
    response = client.post(
        "/knowledge/outages/new/",
        {
            "title": "江城路计划停水",
            "kind": "planned",
            "service_areas": [area.pk],
            "starts_at": "2030-06-03T08:00",
            "ends_at": "2030-06-03T18:00",
            "reason": "主管改造",
            "affected_addresses": "望江家园",
        },
    )
    outage = PlannedOutage.objects.get()
    assert response.status_code == 302 and response.url == f"/knowledge/outages/{outage.pk}/"
    assert timezone.localtime(outage.starts_at).hour == 8
    assert "江城路计划停水" in client.get("/knowledge/outages/?tab=upcoming").content.decode()
    printed = client.get(f"/knowledge/outages/{outage.pk}/print/").content.decode()
    assert "停水通知" in printed and "2030年6月3日 08:00至18:00" in printed
    client.post(f"/knowledge/outages/{outage.pk}/cancel/", {"reason": "施工推迟"})
    outage.refresh_from_db()
    assert outage.status == PlannedOutage.Status.CANCELLED


def test_the_outage_form_shows_the_window_error_in_chinese(client_for, leader, area):
    response = client_for(leader).post(
        "/knowledge/outages/new/",
        {
            "title": "停水",
            "kind": "planned",
            "service_areas": [area.pk],
            "starts_at": "2030-06-03T18:00",
            "ends_at": "2030-06-03T08:00",
            "reason": "维修",
            "affected_addresses": "某小区",
        },
    )
    assert response.status_code == 200
    assert "预计恢复供水时间必须晚于停水开始时间" in response.content.decode()
    assert not PlannedOutage.objects.exists()


def test_an_agent_reads_outages_but_cannot_publish(client_for, agent, area):
    PlannedOutageFactory(service_areas=[area], title="正在停水的那次")
    client = client_for(agent)
    assert "正在停水的那次" in client.get("/knowledge/outages/").content.decode()
    assert client.get("/knowledge/outages/new/").status_code == 403


# API


@pytest.fixture
def api(client_for):
    def call(user, method: str, url: str, body=None):
        client = client_for(user)
        data = json.dumps(body, ensure_ascii=False) if body is not None else ""
        return getattr(client, method)(url, data=data, content_type="application/json")

    return call


def test_the_api_publishes_lists_by_area_and_cancels(api, leader, agent, area):
    body = {
        "title": "文三路停水",
        "reason": "管道维修",
        "service_areas": ["CX"],
        "affected_addresses": "文三新村",
        "starts_at": (timezone.now() - hours(1)).isoformat(),
        "ends_at": (timezone.now() + hours(3)).isoformat(),
    }
    created = api(leader, "post", "/api/knowledge/outages", body)
    assert created.status_code == 201, created.content
    outage_id = created.json()["id"]
    listed = api(agent, "get", "/api/knowledge/outages?area=CX")
    assert [o["id"] for o in listed.json()] == [outage_id]
    assert listed.json()[0]["window"]
    assert (
        api(agent, "post", f"/api/knowledge/outages/{outage_id}/cancel", {"reason": "x"}).status_code == 403
    )
    cancelled = api(leader, "post", f"/api/knowledge/outages/{outage_id}/cancel", {"reason": "推迟"})
    assert cancelled.json()["status"] == "cancelled"
    assert api(agent, "get", "/api/knowledge/outages?area=CX").json() == []


def test_the_api_names_the_bad_fields_in_chinese(api, leader, area):
    start = timezone.now()
    response = api(
        leader,
        "post",
        "/api/knowledge/outages",
        {
            "title": "停水",
            "reason": "维修",
            "service_areas": ["XX"],
            "affected_addresses": "某小区",
            "starts_at": start.isoformat(),
            "ends_at": start.isoformat(),
        },
    )
    assert response.status_code == 400
    assert response.json()["errors"]["service_areas"] == ["片区编码不存在：XX"]
    response = api(
        leader,
        "post",
        "/api/knowledge/outages",
        {
            "title": "停水",
            "reason": "维修",
            "service_areas": ["CX"],
            "affected_addresses": "某小区",
            "starts_at": start.isoformat(),
            "ends_at": (start - hours(1)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert response.json()["errors"]["ends_at"] == ["预计恢复供水时间必须晚于停水开始时间"]
    assert api(leader, "get", "/api/knowledge/outages?area=NOPE").json()["errors"]["area"]


def test_a_later_end_is_saved_with_the_old_one_in_the_history(client_for, leader, area):
    # given a published outage that will take longer than announced
    outage = services.publish_outage(actor=leader, **outage_data(area))
    old_end = outage.ends_at
    client = client_for(leader)
    form = client.get(f"/knowledge/outages/{outage.pk}/edit/")
    assert form.status_code == 200
    new_end = timezone.localtime(old_end + hours(2))
    # when the leader changes the end through the form
    data = {
        "title": outage.title,
        "kind": outage.kind,
        "service_areas": [area.pk],
        "starts_at": timezone.localtime(outage.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": new_end.strftime("%Y-%m-%dT%H:%M"),
        "reason": outage.reason,
        "affected_addresses": outage.affected_addresses,
        "notice": outage.notice,
        "change_note": "施工延长",
    }
    assert client.post(f"/knowledge/outages/{outage.pk}/edit/", data).status_code == 302
    # then the new end stands and the page shows the change with its reason
    outage.refresh_from_db()
    assert outage.ends_at == new_end.replace(second=0, microsecond=0)
    assert events_for(outage).first().changes["ends_at"][0] == str(old_end)
    html = client.get(f"/knowledge/outages/{outage.pk}/").content.decode()
    assert "施工延长" in html and f"{new_end.month}月{new_end.day}日 {new_end:%H:%M}" in html


def test_the_look_ahead_for_upcoming_outages_is_a_policy(area):
    from kefu.core.models import Policy

    now = timezone.now()
    tomorrow = PlannedOutageFactory(service_areas=[area], starts_at=now + hours(20), ends_at=now + hours(28))
    assert list(selectors.outages_for_area(area, at=now)) == [tomorrow]  # within the default 72 hours
    Policy.objects.create(key="knowledge.outage_lookahead_hours", value=12)
    assert list(selectors.outages_for_area(area, at=now)) == []
