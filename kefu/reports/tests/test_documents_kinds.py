"""Every kind of report document generates with no data and with data; the Excel opens with openpyxl
and its 合计 rows are the counts that were created; the PDF is a PDF with the Chinese title in it."""

from datetime import date, timedelta
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook

from kefu.accounts.models import Role
from kefu.collection.tests.factories import pay
from kefu.core import periods
from kefu.customers import services as customer_services
from kefu.customers.tests.factories import CustomerFactory
from kefu.processes import services as process_services
from kefu.reports.documents import KINDS
from kefu.reports.models import GeneratedReport, ReportFile
from kefu.reports.services import generate
from kefu.reports.tests.conftest import BUSY_DAY, at, pdf_text, summary_table
from kefu.telephony.services import record_call_event

LATER = at(2026, 12, 2, 10, 0)  # the reports are made a few days after November
DAY = periods.day(date(2026, 11, 17))
WEEK = periods.week(date(2026, 11, 16))
NOVEMBER = periods.month(2026, 11)
PERIODS = {"day": DAY, "week": WEEK, "month": NOVEMBER}


def make(kind: str, period=None) -> GeneratedReport:
    with time_machine.travel(LATER, tick=False):
        return generate(kind, period or PERIODS[KINDS[kind].period])


def files(report: GeneratedReport) -> dict[str, bytes]:
    return {f.format: bytes(f.content) for f in ReportFile.objects.filter(report=report)}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_generates_with_no_data(db, kind):
    # when a report is made for a period with nothing in it
    report = make(kind)

    # then it is ready, with an Excel that opens and a PDF
    assert report.state == GeneratedReport.State.READY, report.error
    made = files(report)
    assert set(made) == {"xlsx", "pdf"}
    workbook = load_workbook(BytesIO(made["xlsx"]))
    assert workbook.worksheets[0]["A1"].value == report.title
    assert made["pdf"].startswith(b"%PDF")
    # and the stored content has every table, for the printable page
    assert [t["title"] for t in report.content["tables"]] == [t["title"] for t in report.summary["tables"]]
    assert report.generated_at is not None and report.error == ""


def test_the_daily_workload_adds_up_to_the_calls_taken(busy_day):
    # when the day's workload report is made
    report = make("daily_workload")

    # then the title names the day, and each table's 合计 row is what happened that day
    assert report.title == "2026年11月17日工作量日报"
    data = files(report)["xlsx"]
    headers, rows, footer = summary_table(data, "坐席工作量")
    assert headers == ["坐席", "班组", "受理", "当即答复", "坐席跟进", "转办", "记录后关闭", "回电", "回访"]
    assert {row[0]: row[2:] for row in rows} == {
        "话务员甲": [5, 1, 1, 3, 0, 1, 1],
        "话务员乙": [1, 0, 0, 1, 0, 0, 0],
    }
    assert footer == ["合计", None, 6, 1, 1, 4, 0, 1, 1]
    _, teams, team_footer = summary_table(data, "班组工作量")
    assert [row[0] for row in teams] == ["夜班", "白班"] and team_footer[1] == 6
    _, units, unit_footer = summary_table(data, "工单派发（按责任单位）")
    assert {row[0]: row[1] for row in units} == {"城东供水分公司": 3, "中心领导": 1}
    assert unit_footer == ["合计", 4, 1, 1, 1, 0]
    assert report.summary["figures"][0] == ["受理", 6]


def test_the_daily_workload_pdf_draws_the_chinese_title(busy_day):
    report = make("daily_workload")

    text = pdf_text(files(report)["pdf"])

    assert "2026年11月17日工作量日报" in text and "坐席工作量" in text and "话务员甲" in text


def test_the_weekly_summary_is_the_w5_figures(busy_day):
    report = make("weekly_supervision")

    assert report.title == "督办、反馈、回访周汇总（2026年11月16日—11月22日）"
    data = files(report)["xlsx"]
    _, rows, _ = summary_table(data, "督办")
    assert rows[0] == ["上级督办来电", 1]
    _, visits, _ = summary_table(data, "回访")
    assert visits == [[1, 0, 0, 1, "100%"]]
    _, orders, _ = summary_table(data, "工单")
    assert orders[0][:2] == [6, 4]
    assert "督办、反馈、回访周汇总" in pdf_text(files(report)["pdf"])


def test_the_monthly_register_streams_every_contact_into_the_excel_and_summarises_in_the_pdf(busy_day):
    report = make("monthly_register")

    assert report.title == "2026年11月来电来访登记及汇总表"
    workbook = load_workbook(BytesIO(files(report)["xlsx"]))
    register = workbook["来电登记"]
    numbers = [row[0] for row in register.iter_rows(min_row=2, values_only=True)]
    assert len(numbers) == 6 and set(numbers) == {f"RX20261117-{n:04d}" for n in range(1, 7)}
    # phone numbers in full: reading this document needs the sensitive-data right
    assert any(
        "138 1234 5678" in str(cell) or "13812345678" in str(cell) for row in register.values for cell in row
    )
    _, _, footer = summary_table(files(report)["xlsx"], "按类别、处理方式统计")
    assert footer[-1] == 6
    assert report.summary["sheets"] == [{"name": "来电登记", "rows": 6}]
    text = pdf_text(files(report)["pdf"])
    assert "2026年11月来电来访登记及汇总表" in text and "来电来访登记共6条" in text
    assert "王建国" not in text  # the register itself is in the Excel only


def test_the_monthly_quality_analysis_rates_each_agent(busy_day):
    # given the day agent answered one call in time (8 s) and one late (25 s) that month
    for call_id, ring_seconds in (("Q1", 8), ("Q2", 25)):
        rang = BUSY_DAY + timedelta(minutes=len(call_id) + ring_seconds)
        with time_machine.travel(rang + timedelta(minutes=5), tick=False):
            for event, moment in (("ring", rang), ("answer", rang + timedelta(seconds=ring_seconds))):
                record_call_event(
                    actor=None,
                    call_id=call_id,
                    event=event,
                    agent_code=busy_day.agent.username,
                    caller="13812345678",
                    timestamp=moment,
                )

    report = make("monthly_quality")

    assert report.title == "2026年11月服务质量分析"
    data = files(report)["xlsx"]
    headers, rows, footer = summary_table(data, "坐席服务质量")
    by_agent = {row[0]: dict(zip(headers, row, strict=True)) for row in rows}
    agent = by_agent["话务员甲"]
    assert (agent["受理"], agent["转办"], agent["及时转办"], agent["转办及时率"]) == (5, 3, 2, "66.7%")
    assert (agent["接听（已判定）"], agent["三声内接听"], agent["接听及时率"]) == (2, 1, "50%")
    assert (agent["回访"], agent["满意（含基本满意）"], agent["满意率"]) == (1, 1, "100%")
    assert by_agent["话务员乙"]["转办及时率"] == "100%"
    assert footer[2:5] == [6, 4, 3]
    _, complaints, _ = summary_table(data, "投诉情况")
    assert [row[:2] for row in complaints] == [["违规违纪投诉", 0], ["服务质量投诉", 0]]
    notes = " ".join(report.content["notes"])
    assert "转办及时率：最低 话务员甲 66.7%，最高 话务员乙 100%" in notes
    assert "服务质量分析" in pdf_text(files(report)["pdf"])


@pytest.fixture
def clerk(make_user):
    return make_user(Role.COUNTER_CLERK, username="clerk1", name="营业员小王")


def test_the_counter_daily_report_counts_the_applications_of_the_day(clerk):
    with time_machine.travel(at(2026, 11, 17, 10, 0), tick=False):
        for _ in range(2):
            process_services.start_process(
                actor=clerk, definition_code="new_connection", customer=CustomerFactory()
            )

    report = make("counter_daily")

    assert report.title == "2026年11月17日用水申请日报"
    _, rows, footer = summary_table(files(report)["xlsx"], "受理业务")
    assert rows == [["用水报装（一站式）", 2]] and footer == ["合计", 2]
    assert "用水申请日报" in pdf_text(files(report)["pdf"])


def test_the_counter_monthly_report_holds_the_contracts_numbers_and_transfers(clerk):
    customer = CustomerFactory(name="签约户")
    customer_services.add_contract(
        actor=clerk, customer=customer, number="GYS-1105", signed_on=date(2026, 11, 5)
    )

    report = make("counter_monthly")

    assert report.title == "2026年11月窗口业务月报"
    titles = [t["title"] for t in report.content["tables"]]
    assert titles[::2] == ["供用水合同月报", "接水点编号发放月报", "过户月报"]
    _, rows, footer = summary_table(files(report)["xlsx"], "供用水合同月报")
    assert [row[1] for row in rows] == ["GYS-1105"] and footer[1] == "1份"
    assert report.summary["figures"] == [["供用水合同", 1], ["接水点编号发放", 0], ["过户", 0]]


def test_the_collection_monthly_report_totals_the_payments(clerk):
    with time_machine.travel(at(2026, 11, 9, 10, 0), tick=False):
        pay(clerk, amount="120.50")
        pay(clerk, amount="79.50")

    report = make("collection_monthly")

    assert report.title == "2026年11月收费月报"
    _, _, footer = summary_table(files(report)["xlsx"], "收费月报")
    assert footer[:3] == ["合计（不含作废）", 2, 200]
