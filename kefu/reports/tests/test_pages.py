from io import BytesIO
from urllib.parse import quote

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from kefu.hotline.models import Contact
from kefu.kpi import rollup
from kefu.reports.selectors import REGISTER_HEADERS
from kefu.reports.tests.conftest import at

NOW = at(2026, 11, 20, 15, 0)
PAGES = [
    ("reports:index", {}),
    ("reports:monthly", {"month": "2026-11"}),
    ("reports:monthly", {"month": "2026-11", "print": "1"}),
    ("reports:monthly_xlsx", {"month": "2026-11"}),
    ("reports:weekly", {"week": "2026-11-16"}),
    ("reports:weekly", {"week": "2026-11-16", "print": "1"}),
    ("reports:weekly_xlsx", {"week": "2026-11-16"}),
    ("reports:timeliness", {"from": "2026-11-01", "to": "2026-11-30", "by": "team"}),
    ("reports:timeliness_xlsx", {"from": "2026-11-01", "to": "2026-11-30"}),
]
# What shows a page is that report for that period: its heading, by page and print view (the Excel
# downloads have none and are opened as workbooks instead).
HEADINGS = {
    ("reports:index", ""): "报表",
    ("reports:monthly", ""): "来电登记与月度汇总 · 2026年11月",
    ("reports:monthly", "1"): "2026年11月来电来访汇总表",
    ("reports:weekly", ""): "督办、反馈、回访周汇总 · 2026年11月16日—11月22日",
    ("reports:weekly", "1"): "督办、反馈、回访周汇总（2026年11月16日—11月22日）",
    ("reports:timeliness", ""): "转办及时率 · 2026年11月01日—2026年11月30日",
}
API = ["/api/reports/timeliness", "/api/reports/monthly-summary", "/api/reports/weekly-summary"]


@pytest.fixture
def some_calls(world):
    world.record(at(2026, 11, 10, 9, 0), waited=50)
    world.record(at(2026, 11, 17, 9, 0), waited=5, actor=world.night_agent)
    world.record(at(2026, 11, 17, 9, 5), code="consult", disposition=Contact.Disposition.ANSWERED)
    rollup.refresh()  # the worker's pass: the monthly summary reads the KPI rollups
    return world


@pytest.fixture
def head(client_for, world):
    return client_for(world.head)


@pytest.mark.parametrize(("name", "params"), PAGES)
def test_an_agent_may_not_open_the_reports(client_for, agent, name, params):
    assert client_for(agent).get(reverse(name), params).status_code == 403


@pytest.mark.parametrize("url", API)
def test_an_agent_may_not_read_the_report_api(client_for, agent, url):
    assert client_for(agent).get(url).status_code == 403


@pytest.mark.parametrize(("name", "params"), PAGES)
def test_the_department_head_opens_every_report(head, some_calls, name, params):
    # when the head opens the report for the period of the calls
    with time_machine.travel(NOW, tick=False):
        response = head.get(reverse(name), params)
    # then the page is that report for that period, or the download a workbook with rows in it
    assert response.status_code == 200
    if heading := HEADINGS.get((name, params.get("print", ""))):
        assert heading in response.content.decode()
    else:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        workbook = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
        assert sum(1 for _ in workbook.worksheets[0].iter_rows()) > 1


def test_the_center_director_may_read_them_too(client_for, make_user, some_calls):
    director = make_user("center_director", username="director")
    with time_machine.travel(NOW, tick=False):
        page = client_for(director).get(reverse("reports:monthly"), {"month": "2026-11"})
    assert page.status_code == 200
    assert "来电登记与月度汇总 · 2026年11月" in page.content.decode()
    assert "报修（漏水、停水、水压低）" in page.content.decode()


def test_the_monthly_page_shows_the_summary_and_links_to_excel(head, some_calls):
    with time_machine.travel(NOW, tick=False):
        page = head.get(reverse("reports:monthly"), {"month": "2026-11"}).content.decode()

    assert "2026年11月" in page and "按类别、渠道统计" in page and "报修（漏水、停水、水压低）" in page
    assert reverse("reports:monthly_xlsx") + "?month=2026-11" in page


def test_a_month_without_calls_says_so(head):
    response = head.get(reverse("reports:monthly"), {"month": "2025-01"})
    assert response.status_code == 200 and "2025年1月没有来电来访登记" in response.content.decode()


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "november", "2026/11"])
def test_a_bad_month_is_refused_in_chinese_with_a_400(head, month):
    for name in ("reports:monthly", "reports:monthly_xlsx"):
        response = head.get(reverse(name), {"month": month})
        assert response.status_code == 400
        assert "月份" in response.content.decode()


def test_a_range_that_ends_before_it_starts_is_refused(head):
    response = head.get(reverse("reports:timeliness"), {"from": "2026-11-30", "to": "2026-11-01"})
    assert response.status_code == 400 and "晚于结束日期" in response.content.decode()


def test_a_bad_week_or_grouping_is_refused(head):
    assert head.get(reverse("reports:weekly"), {"week": "2026-02-30"}).status_code == 400
    response = head.get(reverse("reports:timeliness"), {"by": "moon"})
    assert response.status_code == 400 and "统计口径" in response.content.decode()


def test_the_timeliness_page_marks_the_agents_below_target(head, some_calls):
    with time_machine.travel(NOW, tick=False):
        response = head.get(reverse("reports:timeliness"), {"from": "2026-11-01", "to": "2026-11-20"})
    page = response.content.decode()

    # the day agent's 50-minute transfer puts that row first and in red; the night agent's is fine
    assert page.index("话务员甲") < page.index("话务员乙")
    assert page.count('class="below-target"') == 1
    assert "未达到100%目标" in page


def test_the_printable_summary_prints_itself(head, some_calls):
    page = head.get(reverse("reports:weekly"), {"week": "2026-11-16", "print": "1"}).content.decode()
    assert "data-print-on-load" in page and "kefu/print.js" in page
    assert "督办" in page and "部门负责人" in page


def test_the_monthly_workbook_has_the_register_and_the_summary(head, some_calls):
    with time_machine.travel(NOW, tick=False):
        response = head.get(reverse("reports:monthly_xlsx"), {"month": "2026-11"})

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert quote("来电登记及汇总-2026年11月.xlsx") in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert workbook.sheetnames == ["来电登记", "月度汇总"]
    register = list(workbook["来电登记"].values)
    assert list(register[0]) == REGISTER_HEADERS
    assert len(register) == 1 + 3
    summary = [cell for row in workbook["月度汇总"].values for cell in row if cell is not None]
    assert "按类别、渠道统计" in summary and "办结回访满意度" in summary


def test_the_command_writes_the_month_for_the_hand_in(some_calls, tmp_path):
    output = tmp_path / "register.xlsx"

    call_command("monthly_register", "2026-11", output=str(output), verbosity=0)

    workbook = load_workbook(output, read_only=True)
    register = list(workbook["来电登记"].values)
    assert len(register) == 4 and register[1][5] == "13812345678"
    assert "月度汇总" in workbook.sheetnames


def test_the_api_gives_the_figures_as_json(head, some_calls):
    with time_machine.travel(NOW, tick=False):
        monthly = head.get("/api/reports/monthly-summary", {"month": "2026-11"}).json()
        weekly = head.get("/api/reports/weekly-summary", {"week": "2026-11-18"}).json()
        timeliness = head.get("/api/reports/timeliness", {"from": "2026-11-01", "to": "2026-11-30"}).json()

    assert monthly["total"] == 3 and monthly["timeliness"]["total"]["on_time"] == 1
    assert weekly["week"] == "2026-11-16" and weekly["contacts"] == 2
    assert [row["label"] for row in timeliness["rows"]] == ["话务员甲", "话务员乙"]
    assert timeliness["rows"][0]["rate"] == 0.0 and timeliness["total"]["rate"] == 50.0


def test_the_api_refuses_bad_input_in_chinese(head):
    response = head.get("/api/reports/monthly-summary", {"month": "2026-13"})
    assert response.status_code == 400 and "月份" in response.json()["errors"]["month"][0]
    response = head.get("/api/reports/timeliness", {"from": "2026-11-30", "to": "2026-11-01"})
    assert response.status_code == 400 and "from" in response.json()["errors"]


@pytest.mark.parametrize(("name", "params"), PAGES)
def test_the_reports_need_a_login_and_a_role(client, client_for, outsider, name, params):
    response = client.get(reverse(name), params)
    assert response.status_code == 302 and response.url.startswith("/login/?next=")
    assert client_for(outsider).get(reverse(name), params).status_code == 403


@pytest.mark.parametrize("url", API)
def test_the_report_api_needs_a_login_and_a_role(client, client_for, outsider, url):
    assert client.get(url).status_code == 401
    assert client_for(outsider).get(url).status_code == 403


def test_a_week_without_activity_says_so(head):
    response = head.get(reverse("reports:weekly"), {"week": "2025-01-06"})
    assert response.status_code == 200 and "本周没有来电、回电、回访或超期工单" in response.content.decode()


def test_a_team_leader_is_taken_from_the_report_page_to_the_documents_they_may_read(client_for, make_user):
    from kefu.accounts.models import Role

    leader = make_user(Role.TEAM_LEADER, username="leader_docs")
    response = client_for(leader).get("/reports/")
    assert response.status_code == 302 and response.url == "/reports/documents/"
    assert client_for(leader).get("/reports/documents/").status_code == 200


def test_a_branch_given_the_report_right_reads_none_of_the_centers_live_reports(client_for, some_calls):
    # given the branch's dispatcher, whom an administrator gave the report right
    from django.contrib.auth.models import Permission

    dispatcher = some_calls.east_staff
    dispatcher.user_permissions.add(
        Permission.objects.get(content_type__app_label="hotline", codename="export_register")
    )
    client = client_for(dispatcher)
    # when they open the center's reports, on the pages, as Excel and through the API
    with time_machine.travel(NOW, tick=False):
        pages = {name: client.get(reverse(name), params).status_code for name, params in PAGES[1:]}
        api = {url: client.get(url).status_code for url in API}
        index = client.get(reverse("reports:index"))
    # then each is refused whole (the register lists every unit's callers, the summary counts them)
    assert set(pages.values()) == {403} and set(api.values()) == {403}
    # and the report menu takes them to the documents of their own unit instead
    assert index.status_code == 302 and index.url == "/reports/documents/"
    assert client.get("/reports/documents/").status_code == 200
