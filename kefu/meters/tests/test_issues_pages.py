"""The issue pages and API (M3): the form shows what blocks a branch before it is sent and refuses in
Chinese with a 400; the list searches, filters, pages and exports without N+1; the printable 领表单;
appointments booked and cancelled by the branch; the API answers the same."""

from datetime import date

import pytest
import time_machine

from kefu.meters.models import Acceptance, IssueAppointment, MeterIssue, Purpose
from kefu.meters.tests import factories_issues as f

pytestmark = pytest.mark.django_db
ISSUE_DAY = "2026-02-12 10:00 +0800"


def _post_issue(client, world, meter, **extra):
    data = {
        "branch": world.branch.pk,
        "collector": world.fitter.pk,
        "purpose": Purpose.NEW_CONNECTION,
        "application_card": "KH-100",
        "stock_meter": meter.number,
        "papers_new_connection": ["application_card", "design_drawing", "acceptance_sheet", "installer_form"],
        **extra,
    }
    return client.post(f"/meters/issues/new/?branch={world.branch.pk}", data)


@time_machine.travel(ISSUE_DAY)
def test_the_store_keeper_issues_a_meter_from_the_form(client_for, meters_world):
    client = client_for(meters_world.store_keeper)
    meter = f.stock_meter(meters_world.store_keeper)
    page = client.get(f"/meters/issues/new/?branch={meters_world.branch.pk}")
    html = page.content.decode()
    assert page.status_code == 200 and "可以领表" in html and meter.number in html
    assert "换表员小陈" in html and "《客户用水申请》卡" in html
    response = _post_issue(client, meters_world, meter)
    issue = MeterIssue.objects.get()
    assert response.status_code == 302 and response.url == f"/meters/issues/{issue.pk}/"
    detail = client.get(response.url).content.decode()
    assert "LB20260212001" in detail and meter.number in detail
    printed = client.get(f"/meters/issues/{issue.pk}/print/").content.decode()
    assert "安装单位领表单" in printed and "☑ 设计图（施工图）" in printed and "领表人（签字）" in printed


@time_machine.travel(ISSUE_DAY)
def test_a_refused_issue_is_a_400_naming_the_missing_papers(client_for, meters_world):
    client = client_for(meters_world.store_keeper)
    meter = f.stock_meter(meters_world.store_keeper)
    response = _post_issue(client, meters_world, meter, papers_new_connection=["application_card"])
    html = response.content.decode()
    assert response.status_code == 400 and "缺少：设计图（施工图）、水表验收单、安装单位领表单" in html
    assert not MeterIssue.objects.exists()


def test_the_form_shows_what_blocks_the_branch_before_it_is_sent(client_for, meters_world):
    with time_machine.travel("2026-01-05 10:00 +0800"):
        issue = f.issue(meters_world)
    Acceptance.objects.update_or_create(
        issue=issue, defaults={"branch": meters_world.branch, "due_on": date(2026, 2, 5)}
    )
    with time_machine.travel(ISSUE_DAY):
        html = client_for(meters_world.store_keeper).get(
            f"/meters/issues/new/?branch={meters_world.branch.pk}"
        )
    assert "暂停领表" in html.content.decode() and f"领表单{issue.number}" in html.content.decode()


def test_the_form_says_when_the_store_does_not_issue(client_for, meters_world):
    with time_machine.travel("2026-02-28 10:00 +0800"):
        html = client_for(meters_world.store_keeper).get("/meters/issues/new/").content.decode()
    assert "为表库盘存时间，当天不领表" in html


def test_a_branch_s_staff_cannot_issue(client_for, meters_world):
    assert client_for(meters_world.fitter).get("/meters/issues/new/").status_code == 403


@time_machine.travel(ISSUE_DAY)
def test_the_list_searches_filters_and_shows_a_branch_its_own(client_for, meters_world):
    mine = f.issue(meters_world, card="KH-MINE")
    theirs = f.issue(meters_world, branch=meters_world.other_branch, collector=meters_world.other_fitter)
    client = client_for(meters_world.store_keeper)
    html = client.get("/meters/issues/", {"q": "KH-MINE"}).content.decode()
    assert mine.number in html and theirs.number not in html
    html = client.get("/meters/issues/", {"branch": meters_world.other_branch.pk}).content.decode()
    assert theirs.number in html and mine.number not in html
    html = client.get("/meters/issues/", {"purpose": "compensation"}).content.decode()
    assert "没有符合条件的领表单" in html
    html = client_for(meters_world.fitter).get("/meters/issues/").content.decode()
    assert mine.number in html and theirs.number not in html
    assert client.get("/meters/issues/", {"from": "2026-13-01"}).status_code == 400
    export = client.get("/meters/issues/export/")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_list_costs_the_same_queries_for_3_or_12_issues(
    client_for, meters_world, django_assert_num_queries, django_assert_max_num_queries
):
    client = client_for(meters_world.store_keeper)
    with time_machine.travel("2026-02-11 10:00 +0800"):
        f.services.book_appointment(
            actor=meters_world.store_keeper,
            branch=meters_world.branch,
            collect_on=date(2026, 2, 12),
            quantity=20,
        )
    with time_machine.travel(ISSUE_DAY):
        for _ in range(3):
            f.issue(meters_world)
        client.get("/meters/issues/")
        with django_assert_max_num_queries(15) as three:
            assert client.get("/meters/issues/").status_code == 200
        for _ in range(9):
            f.issue(meters_world)
        with django_assert_num_queries(len(three.captured_queries)):
            response = client.get("/meters/issues/")
    assert len(response.context["page"].object_list) == 12


def test_a_branch_books_and_cancels_its_appointment_on_the_page(client_for, meters_world):
    client = client_for(meters_world.fitter)
    with time_machine.travel("2026-02-10 10:00 +0800"):
        response = client.post(
            "/meters/appointments/",
            {"branch": meters_world.branch.pk, "collect_on": "2026-02-12", "quantity": 12},
        )
        assert response.status_code == 302
        appointment = IssueAppointment.objects.get()
        refused = client.post(
            "/meters/appointments/",
            {"branch": meters_world.branch.pk, "collect_on": "2026-02-12", "quantity": 3},
        )
        assert refused.status_code == 400 and "每天限领一次" in refused.content.decode()
        html = client.get("/meters/appointments/").content.decode()
        assert "2026-02-12" in html and "取消预约" in html
        assert client.post(f"/meters/appointments/{appointment.pk}/cancel/").status_code == 302
    appointment.refresh_from_db()
    assert appointment.state == IssueAppointment.State.CANCELLED


def test_another_branch_s_appointment_is_not_found(client_for, meters_world):
    with time_machine.travel("2026-02-10 10:00 +0800"):
        theirs = f.services.book_appointment(
            actor=meters_world.other_fitter,
            branch=meters_world.other_branch,
            collect_on=date(2026, 2, 12),
            quantity=9,
        )
    response = client_for(meters_world.fitter).post(f"/meters/appointments/{theirs.pk}/cancel/")
    assert response.status_code == 404


# --- API ------------------------------------------------------------------------------------------------


@time_machine.travel(ISSUE_DAY)
def test_the_api_issues_lists_and_refuses_in_chinese(client_for, meters_world):
    client = client_for(meters_world.store_keeper)
    meter = f.stock_meter(meters_world.store_keeper)
    body = {
        "branch_id": meters_world.branch.pk,
        "collector_id": meters_world.fitter.pk,
        "stock_meter_number": meter.number,
        "purpose": "compensation",
        "application_card": "PB-1",
        "papers": ["compensation_card"],
    }
    refused = client.post("/api/meters/issues", body, content_type="application/json")
    assert refused.status_code == 400 and "缺少：《改表领表单》" in refused.content.decode()
    body["papers"].append("change_issue_form")
    created = client.post("/api/meters/issues", body, content_type="application/json")
    assert created.status_code == 201
    issue = created.json()
    assert issue["number"] == "LB20260212001" and issue["stock_meter_number"] == meter.number
    listed = client.get("/api/meters/issues", {"q": "PB-1"}).json()
    assert [row["number"] for row in listed["items"]] == ["LB20260212001"] and listed["has_next"] is False
    assert client.get(f"/api/meters/issues/{issue['id']}").json()["paper_names"] == [
        "《客户赔表、复水申请》卡",
        "《改表领表单》",
    ]
    again = client.post("/api/meters/issues", body, content_type="application/json")
    assert (
        again.status_code == 400
        and "申请卡PB-1已于2026-02-12凭领表单LB20260212001领过表" in again.content.decode()
    )


def test_the_api_lists_the_blocks_and_the_appointments(client_for, meters_world):
    with time_machine.travel(ISSUE_DAY):
        first = f.issue(meters_world, purpose=Purpose.AGE_REPLACEMENT)
    client = client_for(meters_world.fitter)
    with time_machine.travel("2026-03-02 10:00 +0800"):
        blocks = client.get("/api/meters/issue-blocks", {"branch_id": meters_world.branch.pk}).json()
        assert blocks["blocked"] is True and first.replacement.number in blocks["reasons"][0]
        other = client.get("/api/meters/issue-blocks", {"branch_id": meters_world.other_branch.pk})
        assert other.status_code == 403
        booked = client.post(
            "/api/meters/issue-appointments",
            {"branch_id": meters_world.branch.pk, "collect_on": "2026-03-04", "quantity": 60},
            content_type="application/json",
        )
        assert booked.status_code == 400 and "一次领表上限为50只" in booked.content.decode()
        booked = client.post(
            "/api/meters/issue-appointments",
            {"branch_id": meters_world.branch.pk, "collect_on": "2026-03-04", "quantity": 30},
            content_type="application/json",
        )
        assert booked.status_code == 201
        appointment_id = booked.json()["id"]
        assert [row["id"] for row in client.get("/api/meters/issue-appointments").json()] == [appointment_id]
        cancelled = client.post(
            f"/api/meters/issue-appointments/{appointment_id}/cancel", {}, content_type="application/json"
        )
        assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
