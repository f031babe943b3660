"""The patrol API (I4): the same rules and refusals as the pages — the plan with planned and done,
drafting, lines, the split, the approval (not by the drafter), attendance, patrols listed and recorded."""

import json
from datetime import date

import pytest
import time_machine

from kefu.inspection.models import PatrolPlan
from kefu.inspection.tests.factories_patrols import at, make_plan, patrol, patrol_world, patrols

pytestmark = pytest.mark.django_db
API = "/api/inspection"


@pytest.fixture
def pw(world):
    return patrol_world(world)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(at(date(2026, 4, 15)), tick=False):
        yield


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_the_plan_of_a_year_with_planned_and_done(pw, client_for):
    plan = make_plan(pw, 2026, {(pw.east, "hydrant"): [4] * 12}, today=date(2026, 1, 5))
    patrols(pw, pw.east, "hydrant", date(2026, 3, 2), 3)
    answer = client_for(pw.head).get(f"{API}/patrol-plans?year=2026").json()
    assert answer["id"] == plan.pk and answer["state"] == "approved" and answer["approved_by"] == "中心主任"
    assert (answer["planned"], answer["done"]) == (48, 3)
    row = answer["rows"][0]
    assert row["area"] == "城东片区" and row["target_label"] == "公共消火栓" and row["percent"] == 6
    assert row["months"][2] == {"month": 3, "planned": 4, "done": 3}
    assert client_for(pw.head).get(f"{API}/patrol-plans/{plan.pk}").json()["year"] == 2026
    missing = client_for(pw.head).get(f"{API}/patrol-plans?year=2027")
    assert missing.status_code == 404


def test_an_inspector_drafts_edits_and_splits_and_the_director_approves(pw, client_for):
    inspector = client_for(pw.drafter)
    body = {
        "year": 2026,
        "lines": [{"area_id": pw.east.pk, "target_type": "hotel", "month": 1, "planned": 2}],
    }
    created = post(inspector, f"{API}/patrol-plans", body)
    assert created.status_code == 201
    plan_id = created.json()["id"]
    again = post(inspector, f"{API}/patrol-plans", body)
    assert again.status_code == 400 and "2026年的巡查年度计划已经编制" in again.content.decode()
    lines = {"lines": [{"area_id": pw.west.pk, "target_type": "estate", "month": 2, "planned": 3}]}
    assert post(inspector, f"{API}/patrol-plans/{plan_id}/lines", lines).json()["planned"] == 5
    split = {"area_id": pw.east.pk, "target_type": "market", "yearly": 4}
    answer = post(inspector, f"{API}/patrol-plans/{plan_id}/split", split).json()
    market = next(r for r in answer["rows"] if r["target_type"] == "market")
    assert [m["planned"] for m in market["months"]] == [1, 1, 1, 1] + [0] * 8
    # the drafter may not approve, the director may
    assert post(inspector, f"{API}/patrol-plans/{plan_id}/approve", {}).status_code == 403
    approved = post(client_for(pw.director), f"{API}/patrol-plans/{plan_id}/approve", {})
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    assert PatrolPlan.objects.get(pk=plan_id).approved_by == pw.director


def test_the_approval_is_refused_to_an_inspector_with_the_reason(pw, client_for):
    plan = make_plan(pw, 2026, {(pw.east, "hydrant"): [1] * 12}, approve=False, today=date(2026, 1, 5))
    refused = post(client_for(pw.inspectors[1]), f"{API}/patrol-plans/{plan.pk}/approve", {})
    assert refused.status_code == 403 and "巡查年度计划由中心主任批准" in refused.content.decode()


def test_patrols_are_recorded_and_listed(pw, client_for):
    client = client_for(pw.inspectors[0])
    body = {
        "area_id": pw.east.pk,
        "target_type": "factory",
        "patrolled_on": "2026-04-14",
        "inspector_ids": [pw.inspectors[0].pk, pw.inspectors[1].pk],
        "places": "下沙工业园区",
        "findings": "",
    }
    created = post(client, f"{API}/patrols", body)
    assert created.status_code == 201 and created.json()["target_label"] == "工矿企业"
    alone = post(client, f"{API}/patrols", body | {"inspector_ids": [pw.inspectors[0].pk]})
    assert alone.status_code == 400 and "巡查须有2名以上稽查人员" in alone.content.decode()
    future = post(client, f"{API}/patrols", body | {"patrolled_on": "2026-04-16"})
    assert future.status_code == 400 and "只能登记已完成的巡查" in future.content.decode()
    patrol(pw, pw.west, "hotel", date(2026, 4, 1))
    listed = client.get(f"{API}/patrols?target_type=factory").json()
    assert [p["places"] for p in listed] == ["下沙工业园区"]
    assert len(client.get(f"{API}/patrols?start=2026-04-01&end=2026-04-14").json()) == 2
    one = client.get(f"{API}/patrols/{created.json()['id']}").json()
    assert set(one["inspectors"]) == {"稽查员赵刚", "稽查员钱明"}


def test_attendance_without_a_roster_says_so(pw, client_for):
    answer = client_for(pw.director).get(f"{API}/patrol-attendance?year=2026&month=4").json()
    assert answer["target"] == 100 and len(answer["rows"]) == 3
    assert all(r["rostered"] == 0 and r["rate"] is None and not r["below_target"] for r in answer["rows"])


@pytest.mark.parametrize(
    "url",
    [
        "/patrol-plans?year=2026",
        "/patrols",
        "/patrol-attendance?year=2026&month=4",
    ],
)
def test_others_are_refused(pw, client_for, url, archivist):
    for person in (pw.world.agent, archivist, pw.world.east_staff):
        assert client_for(person).get(API + url).status_code == 403
    draft = post(client_for(pw.world.agent), f"{API}/patrol-plans", {"year": 2026})
    assert draft.status_code == 403
