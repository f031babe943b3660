"""The report documents page: what was generated and when, "generate now", the printable page and the
downloads; who may read which kind; a responsible unit's staff see their own unit's figures only."""

from datetime import date
from io import BytesIO

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from kefu.accounts.models import Role
from kefu.core import periods
from kefu.reports import services
from kefu.reports.models import GeneratedReport
from kefu.reports.tests.conftest import at, summary_table

State = GeneratedReport.State
LIST = reverse("reports:documents")
NOW = at(2026, 11, 20, 15, 0)


@pytest.fixture(autouse=True)
def afternoon():
    # Every request at the same moment: the session, "today" for the form, and the reports' 制表时间.
    with time_machine.travel(NOW, tick=False):
        yield


def make(kind="daily_workload", period=None, **kwargs) -> GeneratedReport:
    return services.generate(kind, period or periods.day(date(2026, 11, 17)), **kwargs)


def urls(report) -> list[str]:
    return [
        reverse("reports:document", args=[report.pk]),
        reverse("reports:document_xlsx", args=[report.pk]),
        reverse("reports:document_pdf", args=[report.pk]),
    ]


def post(client, kind, period):
    return client.post(LIST, {"kind": kind, "period": period})


def grant(user, *perms: str):
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return type(user).objects.get(pk=user.pk)  # a fresh instance: permissions are cached on the object


@pytest.fixture
def head(client_for, world):
    return client_for(world.head)


def test_the_list_says_when_nothing_was_generated(head):
    page = head.get(LIST).content.decode()
    assert "还没有生成过报表" in page and "立即生成" in page


def test_the_reports_index_links_to_the_documents(head):
    assert LIST in head.get(reverse("reports:index")).content.decode()


def test_generate_now_makes_a_small_report_at_once(head, busy_day):
    # when the head asks for the 17 November workload report
    response = post(head, "daily_workload", "2026-11-17")

    # then it is made while they wait, and the list shows it with its links
    assert response.status_code == 302 and response.url == f"{LIST}?kind=daily_workload"
    report = GeneratedReport.objects.get()
    assert report.state == State.READY and report.generated_by == busy_day.head
    assert report.trigger == GeneratedReport.Trigger.ON_DEMAND
    page = head.get(response.url).content.decode()
    assert "已生成「2026年11月17日工作量日报」" in page
    assert "手动生成" in page and "主任老李" in page and "受理 6" in page
    for url in urls(report):
        assert url in page


def test_the_printable_page_shows_the_stored_tables(head, busy_day):
    report = make()

    page = head.get(reverse("reports:document", args=[report.pk])).content.decode()

    assert "2026年11月17日工作量日报" in page and "坐席工作量" in page and "话务员甲" in page
    # the print link works through static/kefu/print.js: the Content-Security-Policy runs no inline script
    assert "data-print" in page and "kefu/print.js" in page
    assert "定时生成" not in page and "后台任务" in page


def test_the_downloads_are_the_stored_files(head, busy_day):
    report = make()

    xlsx = head.get(reverse("reports:document_xlsx", args=[report.pk]))
    pdf = head.get(reverse("reports:document_pdf", args=[report.pk]))

    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in xlsx["Content-Disposition"] and "filename*=utf-8''" in xlsx["Content-Disposition"]
    data = b"".join(xlsx.streaming_content)
    assert load_workbook(BytesIO(data)).worksheets[0]["A1"].value == "2026年11月17日工作量日报"
    assert summary_table(data, "坐席工作量")[2][2] == 6
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_the_register_is_queued_for_the_worker(head, world):
    response = post(head, "monthly_register", "2026-11")

    report = GeneratedReport.objects.get()
    assert report.state == State.QUEUED
    page = head.get(response.url).content.decode()
    assert "后台生成后即可在下表下载" in page and "等待生成" in page
    # and until it is made there is nothing to download
    assert head.get(reverse("reports:document_xlsx", args=[report.pk])).status_code == 404
    assert "请稍后刷新本页" in head.get(reverse("reports:document", args=[report.pk])).content.decode()


@pytest.mark.parametrize(
    ("kind", "period", "message"),
    [
        ("", "2026-11-17", "请选择要生成的报表"),
        ("no_such_report", "2026-11-17", "没有这种报表"),
        ("daily_workload", "", "请填写统计期间：日报请填写日期"),
        ("daily_workload", "2026-11-31", "日报请填写日期，例如 2026-11-20"),
        ("monthly_quality", "2026-13", "月报请填写月份，例如 2026-11"),
        ("weekly_supervision", "下周", "周报请填写该周任意一天"),
        ("daily_workload", "2026-12-01", "2026年12月01日还没有开始，不能生成报表"),
    ],
)
def test_generate_now_refuses_bad_input_in_chinese(head, kind, period, message):
    response = post(head, kind, period)

    assert response.status_code == 400 and message in response.content.decode()
    assert not GeneratedReport.objects.exists()


def test_the_list_filters_by_kind_and_month_newest_first(head, world):
    october = make(period=periods.day(date(2026, 10, 30)))
    november = make(period=periods.day(date(2026, 11, 17)))
    weekly = make("weekly_supervision", periods.week(date(2026, 11, 16)))

    def titles(**params):
        page = head.get(LIST, params).context["page"]
        return [r.pk for r in page]

    assert titles() == [weekly.pk, november.pk, october.pk]
    assert titles(kind="daily_workload") == [november.pk, october.pk]
    assert titles(kind="daily_workload", month="2026-10") == [october.pk]
    response = head.get(LIST, {"month": "2026-13"})
    assert response.status_code == 400 and "月份应在 1 到 12 之间" in response.content.decode()


def test_the_list_reads_a_fixed_number_of_queries(head, world):
    make()
    with CaptureQueriesContext(connection) as few:
        head.get(LIST)
    for day in (18, 19, 20):
        make(period=periods.day(date(2026, 11, day)), actor=world.head)
    with CaptureQueriesContext(connection) as more:
        head.get(LIST)
    assert len(more) == len(few)


def test_a_failed_report_shows_its_reason_and_has_no_files(head, world, monkeypatch):
    import dataclasses

    from kefu.reports.documents import KINDS

    def boom(period, unit=None):
        raise RuntimeError("统计超时")

    monkeypatch.setitem(KINDS, "daily_workload", dataclasses.replace(KINDS["daily_workload"], build=boom))
    report = make()

    assert "统计超时" in head.get(LIST).content.decode()
    assert "生成失败：统计超时" in head.get(reverse("reports:document", args=[report.pk])).content.decode()
    assert head.get(reverse("reports:document_pdf", args=[report.pk])).status_code == 404


# --------------------------------------------------------------------------------------- permissions


@pytest.mark.parametrize("role", [Role.QA_INSPECTOR, Role.UNIT_STAFF, Role.ARCHIVIST, ""])
def test_outsiders_are_refused_everything(make_user, client_for, world, role):
    report = make()
    client = client_for(make_user(role, username=f"u_{role or 'none'}"))

    assert client.get(LIST).status_code == 403
    assert post(client, "daily_workload", "2026-11-17").status_code == 403
    for url in urls(report):
        assert client.get(url).status_code == 403
    assert GeneratedReport.objects.count() == 1


def test_an_agent_reads_none_of_the_hotlines_reports(client_for, agent, world):
    report = make()
    client = client_for(agent)

    assert [k.code for k in client.get(LIST).context["kinds"]] == ["counter_daily", "counter_monthly"]
    for url in urls(report):
        assert client.get(url).status_code == 403
    assert post(client, "daily_workload", "2026-11-17").status_code == 400


def test_a_team_leader_reads_the_workload_and_quality_reports_only(make_user, client_for, world):
    leader = client_for(make_user(Role.TEAM_LEADER, username="leader"))
    workload = make()
    weekly = make("weekly_supervision", periods.week(date(2026, 11, 16)))

    page = leader.get(LIST)
    assert [r.pk for r in page.context["page"]] == [workload.pk]
    # (and the counter's reports, like every role that may read the counter's report pages)
    assert [k.code for k in page.context["kinds"]] == [
        "daily_workload",
        "monthly_quality",
        "counter_daily",
        "counter_monthly",
    ]
    for url in urls(workload):
        assert leader.get(url).status_code == 200
    for url in urls(weekly):
        assert leader.get(url).status_code == 403
    assert post(leader, "weekly_supervision", "2026-11-16").status_code == 400  # not among their choices
    assert post(leader, "monthly_quality", "2026-11").status_code == 302


def test_the_register_needs_the_right_to_see_phone_numbers(make_user, client_for, world):
    director = make_user(Role.CENTER_DIRECTOR, username="director")
    report = make("monthly_register", periods.month(2026, 11))
    assert client_for(director).get(urls(report)[1]).status_code == 200
    # an account with the register right but not the sensitive-data right may not read it
    reader = grant(make_user("", username="reader"), "hotline.export_register")
    client = client_for(reader)
    assert client.get(urls(report)[1]).status_code == 403
    assert client.get(urls(make())[1]).status_code == 200


def test_the_counter_reads_the_counter_reports_not_the_hotlines(counter_clerk, client_for, world):
    counter = make("counter_daily")
    workload = make()
    client = client_for(counter_clerk)

    assert [r.pk for r in client.get(LIST).context["page"]] == [counter.pk]
    assert client.get(urls(counter)[0]).status_code == 200
    assert client.get(urls(workload)[0]).status_code == 403
    assert post(client, "counter_monthly", "2026-11").status_code == 302
    # the collections report is the collection app's: not the clerk's by default
    assert post(client, "collection_monthly", "2026-11").status_code == 400


def test_a_branch_sees_only_its_own_units_figures(client_for, busy_day):
    # given the branch's dispatcher was given the report right
    dispatcher = grant(busy_day.east_staff, "hotline.export_register")
    client = client_for(dispatcher)
    center = make()

    # when they generate the day's workload report
    response = post(client, "daily_workload", "2026-11-17")

    # then it is their unit's copy, with their unit's work orders only
    assert response.status_code == 302
    own = GeneratedReport.objects.exclude(pk=center.pk).get()
    assert own.unit == busy_day.east and own.title == "2026年11月17日工作量日报（城东供水分公司）"
    tables = {t["title"]: t for t in own.content["tables"]}
    assert tables["坐席工作量"]["footer"][2] == 3  # the three repairs, not the consultations or 督办
    assert [row[0] for row in tables["工单派发（按责任单位）"]["rows"]] == ["城东供水分公司"]
    # and they see that copy only: the center's report is not theirs to read
    assert [r.pk for r in client.get(LIST).context["page"]] == [own.pk]
    for url in urls(center):
        assert client.get(url).status_code == 404
    assert client.get(urls(own)[0]).status_code == 200
    # the center's readers see both
    head = client_for(busy_day.head)
    assert {r.pk for r in head.get(LIST).context["page"]} == {own.pk, center.pk}


def test_a_branch_cannot_ask_for_the_centers_other_reports(client_for, world):
    dispatcher = grant(world.east_staff, "hotline.export_register", "customers.view_sensitive_customer")
    client = client_for(dispatcher)

    assert [k.code for k in client.get(LIST).context["kinds"]] == ["daily_workload"]
    assert post(client, "weekly_supervision", "2026-11-16").status_code == 400
    assert post(client, "monthly_register", "2026-11").status_code == 400
