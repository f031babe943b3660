"""POST /api/quality/appraisals/preview (Q2): the computation over HTTP, 400 naming the field."""

import pytest

from kefu.accounts.models import Role

URL = "/api/quality/appraisals/preview"


def post(client, body):
    return client.post(URL, data=body, content_type="application/json")


@pytest.fixture
def api(client_for, make_user):
    return client_for(make_user(Role.AGENT, username="previewer"))


def test_any_member_of_staff_previews_the_seeds_example_91_plus_110(api):
    # given 80 + two bonuses + 1 adjustment with its reason
    body = {
        "joined_on": "2020-03-01",
        "month": "2026-11",
        "items": [{"kind": "bonus", "points": 5}, {"kind": "bonus", "points": 5}],
        "adjustment": 1,
        "adjustment_reason": "带班认真",
    }
    # when
    response = post(api, body)
    # then
    assert response.status_code == 200
    data = response.json()
    assert (data["score"], data["grade"], data["pay_delta"]) == (91, "A", 110)
    assert data["termination_flag"] is False
    assert data["lines"][0] == {"label": "基础分", "points": 80, "total": 80}


def test_below_sixty_has_no_grade_and_is_flagged(api):
    body = {"joined_on": "2020-03-01", "month": "2026-11", "items": [{"kind": "severe", "points": 20}] * 2}
    data = post(api, body).json()
    assert data["grade"] is None
    assert data["termination_flag"] is True
    assert data["termination_reasons"]


def test_joined_in_october_pays_nothing_in_november(api):
    body = {"joined_on": "2026-10-08", "month": "2026-11", "items": [{"kind": "bonus", "points": 5}]}
    assert post(api, body).json()["pay_delta"] == 0


@pytest.mark.parametrize(
    "change, field",
    [
        ({"adjustment": 6, "adjustment_reason": "好"}, "adjustment"),
        ({"adjustment": -6, "adjustment_reason": "好"}, "adjustment"),
        ({"adjustment": 2}, "adjustment_reason"),
        ({"items": [{"kind": "light", "points": 7}]}, "items[0].points"),
        ({"items": [{"kind": "bonus", "points": 5}, {"kind": "medium", "points": 20}]}, "items[1].points"),
        ({"items": [{"kind": "nope", "points": 5}]}, "items[0].kind"),
        ({"month": "2026-13"}, "month"),
        ({"month": "11/2026"}, "month"),
        ({"joined_on": "2026-02-30"}, "joined_on"),
        ({"joined_on": "2027-01-01"}, "month"),
        ({"adjustment": 1.5, "adjustment_reason": "好"}, "adjustment"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, change, field):
    # given a valid body with one thing wrong
    body = {"joined_on": "2020-03-01", "month": "2026-11", "items": [], **change}
    # when
    response = post(api, body)
    # then
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()


def test_an_anonymous_visitor_gets_401(client, db):
    assert post(client, {"month": "2026-11"}).status_code == 401
