"""The roster's pages and API: the month grid (forms for the head, read-only for others, refusals kept
on the grid), its export and print, 我的排班, and /api/workforce/roster and /coverage."""

import json
from datetime import date, datetime, time
from io import BytesIO

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import TeamFactory
from kefu.workforce import services
from kefu.workforce.models import RosterEntry, Shift

SHANGHAI = timezone.get_fixed_timezone(8 * 60)
NOV_24 = date(2026, 11, 24)


@pytest.fixture
def team(db):
    return TeamFactory(code="RX1", name="热线一班")


@pytest.fixture
def zhang(make_user, team):
    return make_user(Role.AGENT, username="zhang", name="话务员小张", team=team, employee_no="1001")


def assign(head, person, day, code) -> RosterEntry:
    return services.assign_shift(actor=head, person=person, day=day, shift=Shift.objects.get(code=code))


def cell(person, day) -> str:
    return f"c-{person.pk}-{day:%Y-%m-%d}"


# The month grid


def test_the_head_sees_the_grid_with_a_form_in_every_cell(client_for, department_head, zhang):
    assign(department_head, zhang, NOV_24, "D")
    response = client_for(department_head).get("/duty/roster/", {"month": "2026-11", "team": "RX1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026年11月排班表 · 热线一班" in html
    assert f'name="{cell(zhang, NOV_24)}"' in html and html.count(f'form="r{zhang.pk}"') == 30
    # the cell of 11-24 has 白班 chosen; the month's neighbours are linked
    chosen = html.split(f'name="{cell(zhang, NOV_24)}"')[1].split("</select>")[0]
    assert '<option value="D" selected>白班</option>' in chosen
    assert "?month=2026-10&amp;team=RX1" in html and "?month=2026-12&amp;team=RX1" in html
    # and the coverage under the grid flags the month's hours below the minimum
    assert "11-24 08:00–16:00 在岗1人，少于2人" in html.split('id="coverage-flags"')[1]


def test_an_agent_sees_the_roster_read_only(client_for, department_head, zhang):
    assign(department_head, zhang, NOV_24, "D")
    response = client_for(zhang).get("/duty/roster/", {"month": "2026-11"})
    html = response.content.decode()
    assert response.status_code == 200 and '<select name="c-' not in html and "保存" not in html
    assert '<span class="mark scheduled" title="白班（08:00–16:00）（在班）' in html


def test_a_statutory_holiday_and_weekends_are_marked(client_for, department_head, zhang):
    grid = client_for(department_head).get("/duty/roster/", {"month": "2026-10"}).context["grid"]
    first = grid.days[0]
    assert first.day == date(2026, 10, 1) and first.holiday and first.rest
    saturday = next(d for d in grid.days if d.day == date(2026, 10, 17))
    assert saturday.weekend and not saturday.holiday


def test_the_grid_costs_the_same_queries_for_5_or_15_people(
    client_for, department_head, make_user, team, django_assert_num_queries, django_assert_max_num_queries
):
    client = client_for(department_head)

    def people(n):
        for index in range(n):
            person = make_user(Role.AGENT, team=team)
            assign(department_head, person, date(2026, 11, 1 + index), "D")

    people(5)
    client.get("/duty/roster/", {"month": "2026-11"})  # warm: sessions, the user's permissions
    with django_assert_max_num_queries(20) as five:
        assert client.get("/duty/roster/", {"month": "2026-11"}).status_code == 200
    people(10)
    with django_assert_num_queries(len(five.captured_queries)):
        response = client.get("/duty/roster/", {"month": "2026-11"})
    assert len(response.context["grid"].rows) == 15


def test_a_bad_month_or_team_is_a_400_in_chinese(client_for, department_head):
    client = client_for(department_head)
    response = client.get("/duty/roster/", {"month": "2026-13"})
    assert response.status_code == 400 and "月份应在 1 到 12 之间" in response.content.decode()
    response = client.get("/duty/roster/", {"team": "NOPE"})
    assert response.status_code == 400 and "班组编码不存在：NOPE" in response.content.decode()


# Changing cells


def test_the_head_saves_a_row_without_javascript(client_for, department_head, zhang):
    client = client_for(department_head)
    day_after = date(2026, 11, 26)
    response = client.post(
        "/duty/roster/cell/",
        {
            "month": "2026-11",
            "team": "RX1",
            "row": zhang.pk,
            cell(zhang, NOV_24): "D",
            cell(zhang, day_after): "N",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/duty/roster/?month=2026-11&team=RX1"
    assert "已保存：话务员小张 2026-11-24 排白班" in response.content.decode()
    assert set(RosterEntry.objects.values_list("day", "shift__code")) == {(NOV_24, "D"), (day_after, "N")}
    # 休 takes the shift off (cancelled, not deleted); an unchanged cell is left alone
    client.post(
        "/duty/roster/cell/",
        {"month": "2026-11", "row": zhang.pk, cell(zhang, NOV_24): "", cell(zhang, day_after): "N"},
    )
    assert RosterEntry.objects.get(day=NOV_24).status == RosterEntry.Status.CANCELLED
    assert RosterEntry.objects.filter(day=day_after, status=RosterEntry.Status.SCHEDULED).count() == 1


def test_a_refused_cell_says_why_and_keeps_the_grid(client_for, department_head, zhang):
    assign(department_head, zhang, NOV_24, "D")
    response = client_for(department_head).post(
        "/duty/roster/cell/",
        {"month": "2026-11", "row": zhang.pk, cell(zhang, NOV_24): "E"},
        follow=True,
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="roster"' in html
    # changing 白班 to 中班 on the same day is fine; but one more day shift back to back is not
    assert "已保存：话务员小张 2026-11-24 白班改为中班" in html
    response = client_for(department_head).post(
        "/duty/roster/cell/",
        {"month": "2026-11", "row": zhang.pk, cell(zhang, date(2026, 11, 25)): "N"},
        follow=True,
    )
    assert (
        "未保存：话务员小张 2026-11-25：11-24中班下班即接11-25夜班，不允许连班" in response.content.decode()
    )


def test_htmx_saves_one_cell_and_answers_with_the_cell(client_for, department_head, zhang):
    client = client_for(department_head)
    name = cell(zhang, NOV_24)
    response = client.post(
        "/duty/roster/cell/", {name: "D"}, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME=name
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith("<td") and 'class="cell saved"' in html
    assert '<option value="D" selected>白班</option>' in html
    # 白班 → 中班 is one cell changed; then the next night is refused, the cell saying why
    client.post("/duty/roster/cell/", {name: "E"}, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME=name)
    night = cell(zhang, date(2026, 11, 25))
    response = client.post(
        "/duty/roster/cell/", {night: "N", name: "E"}, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME=night
    )
    html = response.content.decode()
    assert 'class="cell refused"' in html and "11-24中班下班即接11-25夜班，不允许连班" in html
    # the cell shows what the roster still says (休), not the refused choice
    assert '<option value="" selected>休</option>' in html and '<option value="N" selected>' not in html
    assert list(
        RosterEntry.objects.filter(status=RosterEntry.Status.SCHEDULED).values_list("shift__code", flat=True)
    ) == ["E"]


def test_only_the_head_changes_the_roster(client_for, make_user, team, zhang):
    leader = make_user(Role.TEAM_LEADER, team=team)
    for user in (zhang, leader):
        response = client_for(user).post("/duty/roster/cell/", {"row": zhang.pk, cell(zhang, NOV_24): "D"})
        assert response.status_code == 403
    assert not RosterEntry.objects.exists()


# Export, print, my roster


def test_the_month_exports_to_excel_and_prints(client_for, department_head, zhang):
    assign(department_head, zhang, NOV_24, "D")
    client = client_for(department_head)
    response = client.get("/duty/roster/export/", {"month": "2026-11", "team": "RX1"})
    assert response.status_code == 200
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    rows = list(book["排班表"].values)
    assert rows[0][0] == "2026年11月排班表（热线一班）"
    assert rows[1][:4] == ("班组", "工号", "姓名", "1日(日)")
    person = rows[3]
    assert person[:3] == ("热线一班", "1001", "话务员小张") and person[3 + 23] == "白"
    assert person[-2:] == (1, 8)
    assert list(book["覆盖不足"].values)[1][0] == "11-01 00:00–11-24 08:00"
    printed = client.get("/duty/roster/print/", {"month": "2026-11"})
    assert printed.status_code == 200 and "2026年11月排班表" in printed.content.decode()


def test_my_roster_lists_my_shifts_this_month_and_next(client_for, department_head, zhang, make_user):
    other = make_user(Role.AGENT)
    with time_machine.travel(datetime(2026, 11, 20, 9, tzinfo=SHANGHAI), tick=False):
        assign(department_head, zhang, NOV_24, "D")
        assign(department_head, zhang, date(2026, 12, 3), "N")
        assign(department_head, zhang, date(2027, 1, 3), "N")  # beyond next month
        assign(department_head, other, NOV_24, "D")
        response = client_for(zhang).get("/duty/me/")
    months = response.context["months"]
    assert [m["label"] for m in months] == ["2026年11月", "2026年12月"]
    assert [[e.day for e in m["entries"]] for m in months] == [[NOV_24], [date(2026, 12, 3)]]
    html = response.content.decode()
    assert "在班" in html and "请假" in html  # the link to the leave pages, which exist


# API


@pytest.fixture
def api(client_for):
    def call(user, method: str, url: str, body=None):
        data = json.dumps(body, ensure_ascii=False) if body is not None else ""
        return getattr(client_for(user), method)(url, data=data, content_type="application/json")

    return call


def test_the_api_assigns_lists_and_cancels(api, department_head, zhang):
    created = api(
        department_head,
        "post",
        "/api/workforce/roster",
        {"person": "zhang", "day": "2026-11-24", "shift": "D"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["person"], body["shift"], body["status"]) == ("话务员小张", "白班", "scheduled")
    assert datetime.fromisoformat(body["starts_at"]) == datetime(2026, 11, 24, 8, tzinfo=SHANGHAI)
    listed = api(zhang, "get", "/api/workforce/roster?start=2026-11-01&end=2026-11-30&team=RX1").json()
    assert [e["id"] for e in listed] == [body["id"]]
    refused = api(department_head, "post", f"/api/workforce/roster/{body['id']}/cancel", {"reason": ""})
    assert refused.status_code == 400 and refused.json()["errors"]["reason"] == ["撤销排班须填写原因"]
    cancelled = api(department_head, "post", f"/api/workforce/roster/{body['id']}/cancel", {"reason": "调整"})
    assert cancelled.status_code == 200 and cancelled.json()["status_label"] == "已撤销"


def test_the_api_gives_every_reason_for_a_refusal(api, department_head, zhang):
    api(
        department_head,
        "post",
        "/api/workforce/roster",
        {"person": str(zhang.pk), "day": "2026-11-24", "shift": "D"},
    )
    refused = api(
        department_head,
        "post",
        "/api/workforce/roster",
        {"person": "zhang", "day": "2026-11-24", "shift": "E"},
    )
    assert refused.status_code == 400
    assert refused.json()["errors"]["shift"] == [
        "11-24白班下班即接11-24中班，不允许连班；11-24白班接11-24中班连续工作16小时，超过规定的8小时"
    ]
    unknown = api(
        department_head,
        "post",
        "/api/workforce/roster",
        {"person": "nobody", "day": "2026-11-24", "shift": "X"},
    )
    assert unknown.json()["errors"]["person"] == ["人员不存在：nobody"]


def test_the_api_refuses_writes_without_the_permission(api, zhang):
    response = api(
        zhang, "post", "/api/workforce/roster", {"person": "zhang", "day": "2026-11-24", "shift": "D"}
    )
    assert response.status_code == 403
    assert not RosterEntry.objects.exists()


def test_the_api_reports_hourly_coverage(api, department_head, zhang, make_user, team):
    assign(department_head, zhang, NOV_24, "D")
    assign(department_head, make_user(Role.AGENT, team=team), NOV_24, "D")
    body = api(zhang, "get", "/api/workforce/coverage?start=2026-11-24&days=1").json()
    assert body["min_staff"] == 2 and body["short_hours"] == 16
    assert [h["on_duty"] for h in body["hours"]][7:9] == [0, 2]
    assert body["flags"][0] == "11-24 00:00–01:00 在岗0人，少于最低2人（24小时不能空岗）"
    assert api(zhang, "get", "/api/workforce/coverage?days=99").status_code == 400


def test_exactly_the_hours_of_a_shift_cover_an_hour(db):
    # a guard on the fixture data this file relies on: the default 三班倒 shifts
    assert [(s.code, s.starts_at, s.ends_at) for s in Shift.objects.order_by("order")[:3]] == [
        ("D", time(8), time(16)),
        ("E", time(16), time(0)),
        ("N", time(0), time(8)),
    ]
