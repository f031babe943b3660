"""The monthly close's pages and API (Q2, Q4): the payroll Excel equals the sheets, the months and the
month's sheets by permission (staff see only their own), the printable sheets, the workflow through
the API."""

import io
from datetime import date

import time_machine
from openpyxl import load_workbook

from kefu.quality.models import AppraisalMonth, AppraisalSheet
from kefu.quality.tests.factories_months import (
    close_world_fixture,  # noqa: F401 (the close_world fixture)
    deduct,
    drafted_month,
    lock,
    moment,
    sheet_of,
)

NOVEMBER = date(2026, 11, 1)


def test_the_payroll_excel_has_the_columns_and_the_values_of_the_sheets(close_world, client_for):
    # given a locked November with one agent deducted
    world = close_world
    month = drafted_month(world, NOVEMBER)
    deduct(world, month, world.agents_a[0], "games_films")
    month = lock(world, month, on=date(2026, 12, 1))
    # when the head downloads the payroll sheet
    response = client_for(world.head).get(f"/quality/months/{month.pk}/payroll.xlsx")
    # then one row per sheet, by 工号, with the sheet's own figures
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == ["工号", "姓名", "班组", "考核分", "绩效等级", "工资浮动（元）", "解除合同提示"]
    sheets = AppraisalSheet.objects.filter(appraisal_month=month).select_related("person", "team")
    expected = sorted(
        (
            s.person.employee_no,
            str(s.person),
            s.team.name if s.team else None,
            s.score,
            s.grade or "无",
            s.pay_delta,
            "是" if s.termination_flag else None,
        )
        for s in sheets
    )
    assert sorted(tuple(row) for row in rows[1:]) == expected
    a0 = next(row for row in rows if row[0] == "A000")
    assert a0[3] == sheet_of(month, world.agents_a[0]).score and a0[5] == (a0[3] - 80) * 10


def test_the_payroll_excel_is_refused_to_a_supervisor(close_world, client_for):
    world = close_world
    month = drafted_month(world, NOVEMBER)
    assert client_for(world.leader).get(f"/quality/months/{month.pk}/payroll.xlsx").status_code == 403


def test_the_months_page_counts_the_sheets_per_grade(close_world, client_for):
    world = close_world
    month = drafted_month(world, NOVEMBER)
    page = client_for(world.specialist).get("/quality/months/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "2026年11月" in text and f"/quality/months/{month.pk}/" in text


def test_the_month_page_searches_and_sorts_the_sheets_and_shows_the_buttons_by_permission(
    close_world, client_for
):
    world = close_world
    month = drafted_month(world, NOVEMBER)
    deduct(world, month, world.agents_a[2], "outsiders")
    specialist = client_for(world.specialist)
    page = specialist.get(f"/quality/months/{month.pk}/", {"sort": "score"})
    text = page.content.decode()
    assert page.status_code == 200 and 'id="month-draft"' in text and 'id="month-approve"' not in text
    assert text.index("一班话务员2") < text.index("一班话务员0")  # the lowest score first
    found = specialist.get(f"/quality/months/{month.pk}/", {"q": "B001"}).content.decode()
    assert "二班话务员1" in found and "一班话务员0" not in found


def test_staff_see_only_their_own_sheet(close_world, client_for):
    # given a locked month
    world = close_world
    month = lock(world, drafted_month(world, NOVEMBER), on=date(2026, 12, 1))
    agent = client_for(world.agents_a[0])
    own, other = sheet_of(month, world.agents_a[0]), sheet_of(month, world.agents_a[1])
    # then the agent prints their own sheet, not a colleague's, and reads no month list
    assert agent.get(f"/quality/sheets/{own.pk}/print/").status_code == 200
    assert agent.get(f"/quality/sheets/{other.pk}/print/").status_code == 404
    assert agent.get("/quality/months/").status_code == 403
    assert agent.get(f"/api/quality/months/{month.pk}/sheets").status_code == 403


def test_the_printable_sheets_show_every_line_and_the_result(close_world, client_for):
    world = close_world
    month = drafted_month(world, NOVEMBER)
    deduct(world, month, world.agents_a[0], "games_films")
    head = client_for(world.head)
    one = head.get(f"/quality/sheets/{sheet_of(month, world.agents_a[0]).pk}/print/").content.decode()
    batch = head.get(f"/quality/months/{month.pk}/print/")
    assert "工作时间内观看在线播放电影、玩游戏" in one and "考核分" in one
    assert batch.status_code == 200 and batch.content.decode().count('class="appraisal-page"') == 7


def test_the_workflow_through_the_api(close_world, client_for):
    world = close_world
    with time_machine.travel(moment(date(2026, 12, 1)), tick=False):
        specialist = client_for(world.specialist)
        opened = specialist.post("/api/quality/months", {"month": "2026-11"}, content_type="application/json")
        again = specialist.post("/api/quality/months", {"month": "2026-11"}, content_type="application/json")
        bad = specialist.post("/api/quality/months", {"month": "2026-13"}, content_type="application/json")
        pk = opened.json()["id"]
        drafted = specialist.post(f"/api/quality/months/{pk}/draft")
        submitted = specialist.post(f"/api/quality/months/{pk}/submit")
        leader = client_for(world.leader)
        reviewed = leader.post(f"/api/quality/months/{pk}/review", {}, content_type="application/json")
        head = client_for(world.head)
        approved = head.post(f"/api/quality/months/{pk}/approve")
        sheets = head.get(f"/api/quality/months/{pk}/sheets", {"sort": "-score"})
        months = head.get("/api/quality/months")
    assert (opened.status_code, again.status_code, bad.status_code) == (201, 200, 400)
    assert drafted.json()["sheets"] == 7
    assert submitted.json()["stage"] == "submitted"
    assert reviewed.json()["stage"] == "reviewed"
    assert approved.json()["stage"] == "locked" and approved.json()["appeal_due"] == "2026-12-04"
    scores = [row["score"] for row in sheets.json()]
    assert len(scores) == 7 and scores == sorted(scores, reverse=True)
    assert months.json()[0]["month"] == "2026-11"
    assert AppraisalMonth.objects.get().status == AppraisalMonth.Status.LOCKED


def test_a_reviewer_returning_without_a_reason_through_the_api_is_a_400(close_world, client_for):
    world = close_world
    month = drafted_month(world, NOVEMBER)
    client_for(world.specialist).post(f"/api/quality/months/{month.pk}/submit")
    response = client_for(world.leader).post(
        f"/api/quality/months/{month.pk}/return", {"reason": ""}, content_type="application/json"
    )
    assert response.status_code == 400 and "理由" in response.content.decode()
