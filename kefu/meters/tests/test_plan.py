"""The yearly plan (M4, ch.4 §4.1.1) and the branches' monthly plans (§4.1.2): cycles by caliber, the
unconfigured calibers listed and never planned, 29 Feb, carried over, the API as issue 15 states it, the
streaming export."""

import io
from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from kefu.core.services import set_policy
from kefu.customers.models import Meter
from kefu.meters import selectors_plan
from kefu.meters.models import Replacement, ReplacementPlan
from kefu.meters.services import replacements as services
from kefu.meters.views.replacements import write_plan

pytestmark = pytest.mark.django_db


def _numbers(lines):
    return {line.meter_number for line in lines}


def _plan(year, **kwargs):
    return list(selectors_plan.plan_lines(year, **kwargs))


def test_each_caliber_range_has_its_cycle(meters_world):
    dn20 = meters_world.meter_in(caliber_dn=20, install_date=date(2020, 6, 1))
    dn50 = meters_world.meter_in(caliber_dn=50, install_date=date(2022, 6, 1))
    dn100 = meters_world.meter_in(caliber_dn=100, install_date=date(2024, 6, 1))
    lines = {line.meter_number: line for line in _plan(2026)}
    assert lines[dn20.number].due_on == date(2026, 6, 1)
    assert lines[dn50.number].due_on == date(2026, 6, 1)
    assert lines[dn100.number].due_on == date(2026, 6, 1)
    later = meters_world.meter_in(caliber_dn=20, install_date=date(2021, 1, 1))
    assert later.number not in _numbers(_plan(2026))


def test_unconfigured_calibers_are_listed_and_never_planned(meters_world):
    odd = [meters_world.meter_in(caliber_dn=dn, install_date=date(2000, 1, 1)) for dn in (32, 65, 400)]
    assert not {m.number for m in odd} & _numbers(_plan(2026))
    assert {m.number for m in odd} <= set(selectors_plan.unconfigured().values_list("number", flat=True))
    assert selectors_plan.unconfigured_count() == 3


def test_29_february_falls_due_on_28_february(meters_world):
    leap = meters_world.meter_in(caliber_dn=20, install_date=date(2024, 2, 29))
    [line] = [line for line in _plan(2030) if line.meter_number == leap.number]
    assert line.due_on == date(2030, 2, 28)


def test_meters_due_before_the_year_are_carried_over(meters_world):
    old = meters_world.meter_in(caliber_dn=20, install_date=date(2019, 3, 1))
    lines = {line.meter_number: line for line in _plan(2026)}
    assert lines[old.number].carried_over is True
    assert lines[meters_world.meter.number].carried_over is False  # installed 2020-05-01, due 2026


def test_removed_meters_are_not_listed(meters_world):
    gone = meters_world.meter_in(caliber_dn=20, install_date=date(2019, 3, 1), status=Meter.Status.REMOVED)
    assert gone.number not in _numbers(_plan(2026))


def test_editing_the_cycles_rule_changes_the_plan(meters_world):
    dn32 = meters_world.meter_in(caliber_dn=32, install_date=date(2022, 1, 1))
    set_policy(actor=meters_world.head, key="meters.replacement_cycles", value="15-32:4,40-50:4,80-300:2")
    lines = {line.meter_number: line for line in _plan(2026)}
    assert lines[dn32.number].due_on == date(2026, 1, 1)
    world_meter = lines[meters_world.meter.number]  # DN20 now on a 4-year cycle: due 2024, carried over
    assert world_meter.due_on == date(2024, 5, 1) and world_meter.carried_over


def test_the_plan_api_answers_as_the_issue_states(meters_world, client_for):
    meters_world.meter_in(caliber_dn=65, install_date=date(2000, 1, 1))
    client = client_for(meters_world.head)
    body = client.get("/api/meters/replacement-plan?year=2026&page_size=1").json()
    assert set(body) == {"year", "items", "has_next", "unconfigured_count"}
    assert body["year"] == 2026 and body["unconfigured_count"] == 1 and body["has_next"] is True
    assert set(body["items"][0]) == {"meter_number", "caliber_dn", "installed_on", "due_on", "carried_over"}
    body = client.get("/api/meters/replacement-plan/unconfigured").json()
    assert body == {
        "items": [
            {"meter_number": body["items"][0]["meter_number"], "caliber_dn": 65, "installed_on": "2000-01-01"}
        ],
        "has_next": False,
    }


@pytest.mark.parametrize(
    "query", ["year=abc", "year=1999", "year=2026&page_size=501", "year=2026&page_size=0", ""]
)
def test_a_bad_year_or_page_size_is_a_chinese_400(meters_world, client_for, query):
    response = client_for(meters_world.head).get(f"/api/meters/replacement-plan?{query}")
    assert response.status_code == 400
    assert response.json()["detail"] == "输入有误"


def test_branch_staff_see_their_branch_only(meters_world, client_for):
    body = client_for(meters_world.fitter).get("/api/meters/replacement-plan?year=2026&page_size=500").json()
    numbers = {item["meter_number"] for item in body["items"]}
    assert meters_world.meter.number in numbers and meters_world.other_meter.number not in numbers


def test_the_plan_page_marks_carried_over_and_counts_unconfigured(meters_world, client_for):
    meters_world.meter_in(caliber_dn=20, install_date=date(2019, 3, 1))
    meters_world.meter_in(caliber_dn=400, install_date=date(2019, 3, 1))
    client = client_for(meters_world.head)
    body = client.get("/meters/replacements/plan/?year=2026").content.decode()
    assert "逾期未换" in body and "有 1 只在用水表的口径没有配置更换周期" in body
    assert client.get("/meters/replacements/plan/?year=20x6").status_code == 400
    assert client.get("/meters/replacements/plan/unconfigured/").status_code == 200
    export = client.get("/meters/replacements/plan/export/?year=2026")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert sheet.max_row == 1 + 3  # header, the world's two DN20 (2020) and the carried one


def test_the_export_writes_rows_as_they_come_without_a_list():
    # given a generator that records how far it has been read
    line = selectors_plan.PlanLine(1, "SB000000001", 20, date(2020, 1, 1), date(2026, 1, 1), True)
    seen = []

    def lines():
        for n in range(3):
            seen.append(n)
            yield line

    # when the workbook is written, then every row is read once and written
    assert write_plan(io.BytesIO(), lines(), 2026) == 3
    assert seen == [0, 1, 2]


def test_the_export_is_a_workbook_with_dates_and_the_carried_over_marked():
    # given two plan lines, one carried over
    lines = [
        selectors_plan.PlanLine(1, "=1+2", 20, date(2019, 3, 1), date(2025, 3, 1), True),
        selectors_plan.PlanLine(2, "SB000000002", 50, date(2022, 2, 28), date(2026, 2, 28), False),
    ]
    output = io.BytesIO()

    # when
    assert write_plan(output, iter(lines), 2026) == 2

    # then the sheet reads back with real dates, and a number like a formula stays text
    sheet = load_workbook(output).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("表号", "口径", "安装日期", "应换日期", "逾期未换")
    assert rows[1][0] == "=1+2" and sheet["A2"].data_type == "s"
    assert rows[1][3].date() == date(2025, 3, 1) and rows[1][4] == "是"
    assert rows[2][1:4] == (50, datetime(2022, 2, 28), datetime(2026, 2, 28)) and rows[2][4] is None


# ---- monthly plans


@time_machine.travel("2026-05-06 10:00 +0800")
def test_a_monthly_plan_is_drafted_submitted_and_approved_into_replacements(meters_world):
    carried = meters_world.meter_in(caliber_dn=20, install_date=date(2019, 3, 1), last_reading=88)
    june = meters_world.meter_in(caliber_dn=20, install_date=date(2020, 6, 1))
    plan = services.draft_plan(actor=meters_world.fitter, branch=meters_world.branch, year=2026, month=5)
    listed = {line.meter_number for line in services.plan_candidates(plan.branch_id, 2026, 5)}
    assert {carried.number, meters_world.meter.number} <= listed and june.number not in listed
    with pytest.raises(ValidationError, match="只有待中心审批的计划才能批准"):
        services.approve_plan(actor=meters_world.head, plan=plan)
    services.submit_plan(actor=meters_world.fitter, plan=plan)
    services.return_plan(actor=meters_world.head, plan=plan, reason="请补充逾期表")
    plan.refresh_from_db()
    assert plan.state == ReplacementPlan.State.RETURNED
    services.submit_plan(actor=meters_world.fitter, plan=plan)
    services.approve_plan(actor=meters_world.head, plan=plan)
    rows = Replacement.objects.filter(plan=plan)
    assert {r.meter.number for r in rows} == listed
    row = rows.get(meter=carried)
    assert row.state == Replacement.State.TO_ISSUE and row.kind == Replacement.Kind.AGE
    assert row.plan_reading == 88


@time_machine.travel("2026-05-06 10:00 +0800")
def test_monthly_plan_pages_render_and_another_branch_gets_404(meters_world, client_for):
    plan = services.draft_plan(actor=meters_world.fitter, branch=meters_world.branch, year=2026, month=5)
    client = client_for(meters_world.fitter)
    for url in [
        "/meters/replacements/month-plans/",
        f"/meters/replacements/month-plans/{plan.pk}/",
        f"/meters/replacements/month-plans/{plan.pk}/print/",
        f"/meters/replacements/month-plans/{plan.pk}/export/",
    ]:
        assert client.get(url).status_code == 200, url
    assert (
        meters_world.meter.number
        in client.get(f"/meters/replacements/month-plans/{plan.pk}/").content.decode()
    )
    other = client_for(meters_world.other_fitter)
    assert other.get(f"/meters/replacements/month-plans/{plan.pk}/").status_code == 404


def test_every_meter_carries_its_connection_point_s_area_however_it_was_made(meters_world):
    # given a meter saved one by one (the factory) and the demo's bulk insert
    from kefu.accounts.demo import create_demo_organisation
    from kefu.customers.demo import seed_customers
    from kefu.customers.models import Meter

    create_demo_organisation()
    seed_customers(20)

    # then each meter's area is its point's: the plan reads a branch from the meters' own index
    meters = Meter.objects.select_related("service_point")
    assert meters.count() >= 20
    assert all(m.service_area_id == m.service_point.service_area_id for m in meters)
