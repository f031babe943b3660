"""P11 and the monthly registers (P5–P8): the daily application report the worker stores, the monthly
contracts, connection-point numbers, transfers and collections, on the page and in Excel, counted by
local (Asia/Shanghai) calendar month."""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from kefu.accounts.models import Role
from kefu.collection.tests.factories import pay
from kefu.core.models import JobClaim
from kefu.customers.models import Contract
from kefu.customers.tests.factories import CustomerFactory
from kefu.processes import reports, services
from kefu.processes.models import Process, ProcessDefinition, StageDefinition

SH = ZoneInfo("Asia/Shanghai")
# Just either side of the November/December boundary in local time; both are 30 November in UTC.
LAST_MINUTE_OF_NOVEMBER = datetime(2026, 11, 30, 23, 50, tzinfo=SH)
FIRST_MINUTES_OF_DECEMBER = datetime(2026, 12, 1, 0, 10, tzinfo=SH)
# The reports are read a few days into December, so the November pages have a 下个月 link.
READ_AT = datetime(2026, 12, 4, 10, 0, tzinfo=SH)
GOOD_CONNECTION = {
    "drawing_matches_card": True,
    "application_fields_complete": True,
    "signatures": ["设计室", "预算室", "工程部", "客服中心"],
    "caliber_applied_dn": 20,
    "caliber_drawing_dn": 20,
}


@pytest.fixture
def clerk(make_user):
    return make_user(Role.COUNTER_CLERK, username="clerk1", name="营业员小王")


@pytest.fixture
def head(make_user):
    return make_user(Role.DEPARTMENT_HEAD, username="head1", name="主任老李")


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def hand_in(clerk, process):
    for stage in StageDefinition.objects.filter(definition=process.definition):
        for doc in stage.documents_for(process.customer_kind):
            services.receive_document(actor=clerk, process=process, code=doc["code"])


def run_to_completion(clerk, process) -> Process:
    hand_in(clerk, process)
    while process.state == Process.State.ACTIVE:
        process = services.advance(actor=clerk, process=process)
    return process


def issue_number(clerk, *, when: datetime, number: str, name: str, dn: int = 20) -> Process:
    customer = CustomerFactory(name=name)
    Contract.objects.create(customer=customer, number=f"HT-{number}", signed_on=date(2026, 10, 8))
    with at(when):
        process = services.start_process(
            actor=clerk,
            definition_code="connection_number",
            customer=customer,
            facts={
                **GOOD_CONNECTION,
                "caliber_applied_dn": dn,
                "caliber_drawing_dn": dn,
                "connection_point_no": number,
            },
        )
        return run_to_completion(clerk, process)


def sign_contract(clerk, *, when: datetime, number: str, name: str) -> Process:
    with at(when):
        process = services.start_process(
            actor=clerk,
            definition_code="supply_contract",
            customer=CustomerFactory(name=name),
            facts={"contract_number": number},
        )
        return run_to_completion(clerk, process)


def completed_transfer(clerk, *, when: datetime, old: str, new: str, arrears_work_order: str = "") -> Process:
    """A completed transfer as its stages leave it. Written as rows rather than run through the stages,
    because the report only reads what a completed transfer records; the transfer's own gates are
    tested with its definition."""
    definition, _ = ProcessDefinition.objects.get_or_create(code="transfer", defaults={"name": "过户"})
    customer = CustomerFactory(name=old)
    with at(when):
        process = Process.objects.create(
            definition=definition,
            customer=customer,
            customer_kind=customer.kind,
            state=Process.State.COMPLETED,
            completed_at=when,
            started_by=clerk,
            facts={
                "new_holder_name": new,
                "new_customer_number": f"KH-{new}",
                "caliber_dn": 25,
                "arrears_work_order": arrears_work_order,
            },
        )
    Process.objects.filter(pk=process.pk).update(number=f"YW2026{process.pk:07d}")
    process.refresh_from_db()
    return process


def workbook_values(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    return [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]


# ------------------------------------------------------------------------------------- monthly reports


def test_the_connection_number_report_lists_the_months_numbers_by_local_time(clerk):
    # given two numbers issued in November (one at 23:50 on the 30th) and one just into December
    early = issue_number(clerk, when=datetime(2026, 11, 3, 10, 0, tzinfo=SH), number="JS-1101", name="张伟")
    late = issue_number(clerk, when=LAST_MINUTE_OF_NOVEMBER, number="JS-1102", name="李娜", dn=25)
    issue_number(clerk, when=FIRST_MINUTES_OF_DECEMBER, number="JS-1201", name="赵敏")
    # when
    report = reports.monthly_report("connection_numbers", 2026, 11)
    # then
    numbers = [row[1] for row in report.rows]
    assert numbers == [early.facts["connection_point_no"], late.facts["connection_point_no"]]
    assert [row[4] for row in report.rows] == ["张伟", "李娜"]
    assert report.rows[1][7:9] == [25, 25] and report.rows[1][9] == date(2026, 11, 30)
    assert report.total("发放编号") == 2 and report.total("DN20") == 1 and report.total("DN25") == 1
    december = reports.monthly_report("connection_numbers", 2026, 12)
    assert [row[4] for row in december.rows] == ["赵敏"]


def test_the_contract_report_counts_each_contract_once_in_the_month_it_was_signed(clerk):
    # given a contract registered in the archive in November, one in October, and two counter processes
    # completing either side of the month's end
    Contract.objects.create(
        customer=CustomerFactory(name="档案登记户"), number="GYS-1105", signed_on=date(2026, 11, 5)
    )
    Contract.objects.create(
        customer=CustomerFactory(name="十月户"), number="GYS-1031", signed_on=date(2026, 10, 31)
    )
    water_company = Contract.objects.create(
        customer=CustomerFactory(name="水务租户"),
        number="ZL-1110",
        kind="房屋租赁合同",
        signed_on=date(2026, 11, 10),
    )
    in_november = sign_contract(clerk, when=LAST_MINUTE_OF_NOVEMBER, number="GYS-1130", name="窗口签约户")
    sign_contract(clerk, when=FIRST_MINUTES_OF_DECEMBER, number="GYS-1201", name="十二月户")
    # when
    report = reports.monthly_report("contracts", 2026, 11)
    # then
    assert [row[1] for row in report.rows] == ["GYS-1105", "GYS-1130"]
    assert water_company.number not in [row[1] for row in report.rows]  # not a supply contract
    by_number = {row[1]: row for row in report.rows}
    assert by_number["GYS-1130"][3] == "窗口签约户" and by_number["GYS-1130"][7] == in_november.number
    assert by_number["GYS-1105"][7] == "—"  # registered without a counter process
    assert report.total("签订合同") == 2 and report.total("经窗口业务办理") == 1
    assert report.total("个人客户") == 2 and report.footer[1] == "2份"


def test_a_contract_process_names_the_archived_contract_instead_of_listing_it_twice(clerk):
    # given a contract signed and registered on 30 October whose process is archived on 2 November
    customer = CustomerFactory(name="跨月户")
    Contract.objects.create(customer=customer, number="GYS-1030", signed_on=date(2026, 10, 30))
    with at(datetime(2026, 11, 2, 9, 0, tzinfo=SH)):
        process = services.start_process(
            actor=clerk,
            definition_code="supply_contract",
            customer=customer,
            facts={"contract_number": "GYS-1030"},
        )
        run_to_completion(clerk, process)
    # then it is October's contract, with its process, and not November's
    october = reports.monthly_report("contracts", 2026, 10)
    assert [row[1] for row in october.rows] == ["GYS-1030"] and october.rows[0][7] == process.number
    assert reports.monthly_report("contracts", 2026, 11).rows == []


def test_the_transfer_report_shows_old_and_new_holders_and_the_arrears_notice(clerk):
    completed_transfer(
        clerk,
        when=datetime(2026, 11, 12, 15, 0, tzinfo=SH),
        old="陈旧户",
        new="林新户",
        arrears_work_order="RX2026110001",
    )
    completed_transfer(clerk, when=LAST_MINUTE_OF_NOVEMBER, old="周老户", new="吴新户")
    completed_transfer(clerk, when=FIRST_MINUTES_OF_DECEMBER, old="十二月旧户", new="十二月新户")
    report = reports.monthly_report("transfers", 2026, 11)
    assert [(row[2], row[4]) for row in report.rows] == [("陈旧户", "林新户"), ("周老户", "吴新户")]
    assert report.rows[0][6] == 25 and "RX2026110001" in report.rows[0][7] and report.rows[1][7] == "无"
    assert report.total("办结过户") == 2 and report.total("原户主欠费已通知追收") == 1


def test_the_collections_report_is_the_collection_apps_own(clerk):
    with at(datetime(2026, 11, 20, 10, 0, tzinfo=SH)):
        pay(clerk, amount="120.50")
    with at(datetime(2026, 12, 1, 9, 0, tzinfo=SH)):
        pay(clerk, amount="999.00")
    report = reports.monthly_report("collections", 2026, 11)
    assert report.source.count == 1 and report.total("收费金额") == Decimal("120.50")
    assert reports.monthly_report("collections", 2026, 10).is_empty


# ---------------------------------------------------------------------------------------------- pages


def test_the_monthly_page_lists_the_month_with_print_and_month_navigation(client_for, clerk, head):
    issue_number(clerk, when=datetime(2026, 11, 3, 10, 0, tzinfo=SH), number="JS-1101", name="张伟")
    issue_number(clerk, when=FIRST_MINUTES_OF_DECEMBER, number="JS-1201", name="赵敏")
    with at(READ_AT):
        page = client_for(head).get("/processes/reports/monthly/connection_numbers/?month=2026-11")
    assert page.status_code == 200
    text = page.content.decode()
    assert "2026年11月接水点编号发放月报" in text and "张伟" in text and "赵敏" not in text
    # printed through static/kefu/print.js (CSP), with the signature lines only on paper
    assert "data-print" in text and 'class="print-only"' in text and "制表人" in text
    assert "?month=2026-10" in text and "?month=2026-12" in text
    assert 'type="month"' in text and "format=xlsx" in text


def test_an_empty_month_says_so(client_for, head):
    with at(READ_AT):
        for kind, words in [
            ("contracts", "本月没有签订供用水合同"),
            ("connection_numbers", "本月没有发放接水点编号"),
            ("transfers", "本月没有办结的过户业务"),
            ("collections", "本月没有收费记录"),
        ]:
            page = client_for(head).get(f"/processes/reports/monthly/{kind}/?month=2026-11")
            assert page.status_code == 200 and words in page.content.decode()


def test_the_excel_download_holds_the_title_headers_rows_and_totals(client_for, clerk, head):
    completed_transfer(
        clerk,
        when=datetime(2026, 11, 12, 15, 0, tzinfo=SH),
        old="陈旧户",
        new="林新户",
        arrears_work_order="RX1",
    )
    completed_transfer(clerk, when=datetime(2026, 11, 13, 15, 0, tzinfo=SH), old="周老户", new="吴新户")
    completed_transfer(clerk, when=FIRST_MINUTES_OF_DECEMBER, old="十二月旧户", new="十二月新户")
    with at(READ_AT):
        response = client_for(head).get("/processes/reports/monthly/transfers/?month=2026-11&format=xlsx")
    values = workbook_values(response)
    assert "2026年11月过户月报" in values and "原户主" in values and "新户主" in values
    assert {"陈旧户", "林新户", "周老户", "吴新户"} <= set(values) and "十二月旧户" not in values
    assert "合计" in values and "2件" in values and "欠费已通知1件" in values


def test_every_monthly_report_downloads(client_for, clerk, head):
    issue_number(clerk, when=datetime(2026, 11, 3, 10, 0, tzinfo=SH), number="JS-1101", name="张伟")
    sign_contract(clerk, when=datetime(2026, 11, 4, 10, 0, tzinfo=SH), number="GYS-1104", name="签约户")
    with at(READ_AT):
        client = client_for(head)
        numbers = workbook_values(
            client.get("/processes/reports/monthly/connection_numbers/?month=2026-11&format=xlsx")
        )
        contracts = workbook_values(
            client.get("/processes/reports/monthly/contracts/?month=2026-11&format=xlsx")
        )
        collections = client.get("/processes/reports/monthly/collections/?month=2026-11&format=xlsx")
    assert "JS-1101" in numbers and "张伟" in numbers and "接水点编号" in numbers
    assert (
        "GYS-1104" in contracts
        and "签约户" in contracts
        and date(2026, 11, 4) in [v.date() for v in contracts if isinstance(v, datetime)]
    )
    # the collections workbook is the collection app's own
    assert collections.status_code == 302 and collections.url == "/collection/report.xlsx?month=2026-11"


@pytest.mark.parametrize("month", ["2026-13", "2026/11", "abc", "1999-01"])
def test_a_bad_month_is_a_400_with_a_chinese_message(client_for, head, month):
    page = client_for(head).get("/processes/reports/monthly/contracts/", {"month": month})
    assert page.status_code == 400
    text = page.content.decode()
    assert "月份" in text or "年份" in text
    assert "例如 2026-11" in text or "超出范围" in text or "1 到 12" in text


@pytest.mark.parametrize("day", ["2026-02-30", "20261120", "昨天", "0001-01-01", "9999-12-31", "٢٠٢٦-١١-٢٠"])
def test_a_bad_day_is_a_400_with_a_chinese_message(client_for, head, day):
    page = client_for(head).get("/processes/reports/daily/", {"day": day})
    assert page.status_code == 400 and "日期「" in page.content.decode() and "无效" in page.content.decode()


def test_a_day_still_to_come_has_no_report(client_for, head):
    with at(READ_AT):
        page = client_for(head).get("/processes/reports/daily/", {"day": "2026-12-05"})
    assert page.status_code == 400 and "还没到" in page.content.decode()


def test_an_unknown_report_is_a_404(client_for, head):
    assert client_for(head).get("/processes/reports/monthly/salaries/?month=2026-11").status_code == 404


def test_unit_staff_and_outsiders_may_not_read_the_reports(client_for, make_user, outsider):
    unit_staff = make_user(Role.UNIT_STAFF, username="unit1")
    for user in (unit_staff, outsider):
        client = client_for(user)
        assert client.get("/processes/reports/daily/").status_code == 403
        assert client.get("/processes/reports/monthly/contracts/?month=2026-11").status_code == 403
        assert (
            client.get("/processes/reports/monthly/contracts/?month=2026-11&format=xlsx").status_code == 403
        )


def test_the_collections_report_needs_the_collection_report_permission(client_for, counter_clerk):
    # the counter clerk reads the counter reports but not the collection office's monthly figures
    client = client_for(counter_clerk)
    page = client.get("/processes/reports/monthly/contracts/?month=2026-11")
    assert page.status_code == 200 and "/processes/reports/monthly/collections/" not in page.content.decode()
    assert client.get("/processes/reports/monthly/collections/?month=2026-11").status_code == 403


def test_an_anonymous_visitor_is_not_shown_a_report(client):
    assert client.get("/processes/reports/daily/").status_code in (302, 403)


# ----------------------------------------------------------------------------------------------- daily


def test_the_daily_page_shows_the_summary_the_worker_stored(client_for, clerk, head):
    # given an application on Monday 23 November and the worker's 17:00 report
    with at(datetime(2026, 11, 23, 9, 30, tzinfo=SH)):
        services.start_process(actor=clerk, definition_code="new_connection", customer=CustomerFactory())
    with at(datetime(2026, 11, 23, 17, 5, tzinfo=SH)):
        call_command("worker", "--once")
    stored = JobClaim.objects.get(job="daily_application_report", period="20261123")
    # and an application taken after the report was made, which the stored report does not count
    with at(datetime(2026, 11, 23, 17, 30, tzinfo=SH)):
        services.start_process(actor=clerk, definition_code="new_connection", customer=CustomerFactory())
    # when
    with at(READ_AT):
        page = client_for(head).get("/processes/reports/daily/?day=2026-11-23")
    # then
    assert page.status_code == 200
    text = page.content.decode()
    assert "本日报由后台任务于 2026年11月23日 17:05 生成" in text
    assert page.context["report"].summary == stored.summary
    assert page.context["report"].started == [("用水报装（一站式）", 1)]
    assert "用水报装（一站式）" in text and "data-print" in text


def test_a_day_the_worker_missed_is_computed_live_the_same_way(clerk):
    with at(datetime(2026, 11, 23, 9, 30, tzinfo=SH)):
        services.start_process(actor=clerk, definition_code="new_connection", customer=CustomerFactory())
    with at(datetime(2026, 11, 23, 23, 55, tzinfo=SH)):  # late, but still the 23rd in Shanghai
        services.start_process(actor=clerk, definition_code="supply_contract", customer=CustomerFactory())
    with at(datetime(2026, 11, 24, 0, 5, tzinfo=SH)):
        services.start_process(actor=clerk, definition_code="supply_contract", customer=CustomerFactory())
        today = reports.daily_report(date(2026, 11, 24))
    assert today.stored is False and today.started == [("签订供用水合同", 1)] and today.in_hand == 3
    with at(READ_AT):
        missed = reports.daily_report(date(2026, 11, 23))
    assert missed.started == [("用水报装（一站式）", 1), ("签订供用水合同", 1)] and missed.started_total == 2
    assert missed.in_hand is None  # the processes in hand on a past day cannot be told from today's rows


def test_the_live_summary_matches_what_the_worker_stores(clerk):
    with at(datetime(2026, 11, 23, 9, 30, tzinfo=SH)):
        process = services.start_process(
            actor=clerk, definition_code="supply_contract", customer=CustomerFactory()
        )
        hand_in(clerk, process)
        services.advance(actor=clerk, process=process)
    moment = datetime(2026, 11, 23, 17, 5, tzinfo=SH)
    with at(moment):
        live = reports.daily_summary(date(2026, 11, 23), now=moment)
        call_command("worker", "--once")
    assert JobClaim.objects.get(job="daily_application_report").summary == live


def test_the_daily_report_downloads(client_for, clerk, head):
    with at(datetime(2026, 11, 23, 9, 30, tzinfo=SH)):
        services.start_process(actor=clerk, definition_code="new_connection", customer=CustomerFactory())
    with at(READ_AT):
        values = workbook_values(client_for(head).get("/processes/reports/daily/?day=2026-11-23&format=xlsx"))
    assert "2026年11月23日 用水申请日报" in values and "用水报装（一站式）" in values and "合计" in values


def test_the_monthly_reports_query_the_same_number_of_times_however_many_rows(clerk):
    def queries(kind: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            reports.monthly_report(kind, 2026, 11)
        return len(captured.captured_queries)

    issue_number(clerk, when=datetime(2026, 11, 3, 10, 0, tzinfo=SH), number="JS-1", name="张伟")
    sign_contract(clerk, when=datetime(2026, 11, 4, 10, 0, tzinfo=SH), number="GYS-1", name="甲")
    Contract.objects.create(customer=CustomerFactory(), number="GYS-A1", signed_on=date(2026, 11, 9))
    one = {kind: queries(kind) for kind in ("contracts", "connection_numbers", "transfers")}
    for n in (2, 3):
        issue_number(clerk, when=datetime(2026, 11, 3, 10, 0, tzinfo=SH), number=f"JS-{n}", name="张伟")
        sign_contract(clerk, when=datetime(2026, 11, 4, 10, 0, tzinfo=SH), number=f"GYS-{n}", name="乙")
        Contract.objects.create(customer=CustomerFactory(), number=f"GYS-A{n}", signed_on=date(2026, 11, 9))
    assert {kind: queries(kind) for kind in one} == one
