"""The dashboard and the lists behind it as users meet them (R1, R2): empty and with data, figures
that match the lists they open, Excel that opens with the right totals, a branch held to its own
unit, clear Chinese errors for a bad address, and no way in without the permission."""

from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.customers.tests.factories import CustomerFactory
from kefu.hotline.models import Contact
from kefu.kpi import rollup

from .conftest import at

D = Contact.Disposition
MARCH = "start=2026-03-01&end=2026-03-31"


@pytest.fixture
def history(world):
    """March 2026: three calls for the east branch (one transferred late, one closed and visited
    dissatisfied) and one for a west branch; then the worker's refresh."""
    west = world.west
    west_customer = CustomerFactory(name="李四", phone="13900009999", service_area=world.west_area)
    on_time = world.record(at(2026, 3, 2, 9, 0), waited=5)
    world.record(at(2026, 3, 2, 10, 0), waited=50)  # transferred 50 minutes after the call: late
    world.record(at(2026, 3, 3, 9, 0), code="consult", disposition=D.ANSWERED)
    world.record(at(2026, 3, 4, 9, 0), waited=1, customer=west_customer)
    order = on_time.work_order
    world.handle(order, at(2026, 3, 2, 11, 0))
    world.call_back(order, at(2026, 3, 2, 12, 0), reached=True, satisfied=True)
    world.close(order, at(2026, 3, 2, 13, 0))
    world.visit(order, at(2026, 3, 3, 10, 0), "dissatisfied")
    rollup.refresh(now=at(2026, 3, 5, 0, 0))
    return {"west": west, "order": order}


def xlsx_rows(response) -> list[tuple]:
    book = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


def test_the_dashboard_shows_this_month_when_there_is_nothing_yet(client_for, world):
    response = client_for(world.head).get("/kpi/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "所选范围内没有来电来访、工单或窗口业务" in html
    assert "汇总数据尚未生成" in html  # no refresh has run: the page says so instead of showing zeros


def test_the_dashboard_adds_up_the_month(client_for, world, history):
    response = client_for(world.head).get(f"/kpi/?{MARCH}")
    figures = response.context["figures"]
    summary = figures["summary"]
    assert summary["contacts"] == 4
    assert (summary["transfers"], summary["transfers_on_time"]) == (3, 2)
    assert summary["transfer_rate"] == 66.7
    assert summary["visits_dissatisfied"] == 1 and summary["satisfaction_rate"] == 0.0
    assert {r["label"]: r["contacts"] for r in figures["by_unit"]} == {
        "城东供水分公司": 2, "城西供水分公司": 1, "未转办": 1,
    }  # fmt: skip
    assert figures["trend"]["current"][:4] == [0, 2, 1, 1]
    # the two other transfers are still with the branches, and the dissatisfied visit reopened the third
    assert figures["open_orders"]["open"] == 3
    assert "转办及时率" in response.content.decode()


def test_each_tile_opens_a_list_as_long_as_its_figure(client_for, world, history):
    client = client_for(world.head)
    expected = {"contacts": 4, "transfers": 3, "transfers_late": 1, "dissatisfied": 1, "open_orders": 3}
    for metric, count in expected.items():
        response = client.get(f"/kpi/list/{metric}/?{MARCH}")
        assert response.status_code == 200, metric
        assert len(response.context["records"]) == count, metric
        assert response.context["total"] == count, metric


def test_a_chart_click_narrows_the_list_to_the_bar(client_for, world, history):
    client = client_for(world.head)
    response = client.get(f"/kpi/list/contacts/?{MARCH}&unit={history['west'].pk}")
    assert [c.customer.name for c in response.context["records"]] == ["李四"]
    response = client.get("/kpi/list/contacts/?start=2026-03-02&end=2026-03-02")
    assert len(response.context["records"]) == 2


def test_a_branch_sees_only_its_own_unit(client_for, world, history):
    client = client_for(world.east_staff)  # the east branch's staff
    response = client.get(f"/kpi/?{MARCH}&unit={history['west'].pk}")  # asks for the west branch
    figures = response.context["figures"]
    assert figures["summary"]["contacts"] == 2  # held to the east branch whatever the address says
    assert [r["label"] for r in figures["by_unit"]] == ["城东供水分公司"]
    assert figures["agents"] == []  # the center's agents are not the branch's business
    listed = client.get(f"/kpi/list/contacts/?{MARCH}&unit={history['west'].pk}").context["records"]
    assert {c.transferred_to_id for c in listed} == {world.east.pk}
    rows = xlsx_rows(client.get(f"/kpi/list/contacts.xlsx?{MARCH}"))
    assert all("李四" not in str(row) for row in rows)


def test_a_branchs_list_holds_what_its_figure_counts_not_the_orders_it_co_handles(client_for, world, history):
    # given the west branch's March order, which the east branch co-handles
    from kefu.hotline.models import WorkOrder

    west_order = WorkOrder.objects.get(unit=history["west"])
    WorkOrder.co_units.through.objects.create(workorder_id=west_order.pk, unit_id=world.east.pk)
    client = client_for(world.east_staff)  # the east branch's staff
    # when the east branch opens its figures' lists
    figure = client.get(f"/kpi/?{MARCH}").context["figures"]["summary"]["contacts"]
    contacts = client.get(f"/kpi/list/contacts/?{MARCH}").context["records"]
    orders = client.get(f"/kpi/list/open_orders/?{MARCH}").context["records"]
    # then each list has the rows its figure counted (the rollups count an order under its holder):
    # the co-handled order is the west branch's figure, and its page, not this list (kefu.kpi.drilldown)
    assert len(contacts) == figure == 2
    assert west_order.contact not in contacts and west_order not in orders
    assert client.get(f"/hotline/orders/{west_order.pk}/").status_code == 200


def test_the_dashboard_exports_its_tables_to_excel(client_for, world, history):
    response = client_for(world.head).get(f"/kpi/dashboard.xlsx?{MARCH}")
    assert response.status_code == 200
    rows = xlsx_rows(response)
    assert ("来电来访", 4) in rows
    assert ("转办及时率", "66.7%") in rows
    unit_rows = {row[0]: row[1] for row in rows if row and row[0] in ("城东供水分公司", "城西供水分公司")}
    assert unit_rows == {"城东供水分公司": 2, "城西供水分公司": 1}


def test_a_list_exports_every_row_to_excel(client_for, world, history):
    response = client_for(world.head).get(f"/kpi/list/contacts.xlsx?{MARCH}")
    rows = xlsx_rows(response)
    numbers = [row[0] for row in rows[2:]]
    assert len(numbers) == 4 and all(str(n).startswith("RX20260") for n in numbers)


def test_the_export_stops_at_the_policys_row_limit(client_for, world, history):
    from kefu.core.models import Policy

    Policy.objects.update_or_create(key="kpi.export_max_rows", defaults={"value": 2})
    rows = xlsx_rows(client_for(world.head).get(f"/kpi/list/contacts.xlsx?{MARCH}"))
    assert len(rows) == 2 + 2  # title, headers, two rows


@pytest.mark.parametrize(
    "query, message",
    [
        ("start=2026-02-30", "开始日期“2026-02-30”不是有效日期"),
        ("start=2026-03-10&end=2026-03-01", "结束日期不能早于开始日期"),
        ("start=2020-01-01&end=2026-03-01", "日期范围最多 1100 天"),
        ("unit=999999", "责任单位“999999”不存在"),
        ("channel=pigeon", "渠道“pigeon”不存在"),
    ],
)
def test_a_bad_filter_gets_a_chinese_message_not_a_500(client_for, world, query, message):
    response = client_for(world.head).get(f"/kpi/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_unknown_list_or_a_missing_agent_is_a_clear_400(client_for, world):
    client = client_for(world.head)
    assert "没有名为“nonsense”的指标明细" in client.get("/kpi/list/nonsense/").content.decode()
    response = client.get("/kpi/list/agent/")
    assert response.status_code == 400 and "请指定坐席" in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/kpi/", "/kpi/dashboard.xlsx", "/kpi/list/contacts/", "/kpi/list/contacts.xlsx"]
)
def test_an_agent_may_not_open_the_dashboard(client_for, world, url):
    assert client_for(world.agent).get(url).status_code == 403


def test_unit_staff_without_a_unit_are_refused(client_for, world):
    lost = UserFactory(role=Role.UNIT_STAFF, username="nounit", unit=None)
    assert client_for(lost).get("/kpi/").status_code == 403


def test_the_same_period_last_year_is_beside_this_years(client_for, world, history):
    world.record(at(2025, 3, 2, 9, 0), waited=5)
    rollup.rebuild()
    figures = client_for(world.head).get(f"/kpi/?{MARCH}").context["figures"]
    assert figures["last_year"]["contacts"] == 1
    assert figures["trend"]["last_year"][1] == 1  # 2 March 2025 beside 2 March 2026


def test_a_long_range_is_drawn_by_month(client_for, world, history):
    figures = client_for(world.head).get("/kpi/?start=2025-12-01&end=2026-04-30").context["figures"]
    assert figures["trend"]["by"] == "month"
    assert figures["trend"]["labels"] == ["2025-12", "2026-01", "2026-02", "2026-03", "2026-04"]
    assert figures["trend"]["current"] == [0, 0, 0, 4, 0]


def test_the_worker_keeps_the_dashboard_current(client_for, world, history):
    world.record(at(2026, 3, 6, 9, 0), waited=5)
    client = client_for(world.head)
    assert client.get(f"/kpi/?{MARCH}").context["figures"]["summary"]["contacts"] == 4
    rollup.refresh(now=at(2026, 3, 6, 9, 1) + timedelta(seconds=1))
    assert client.get(f"/kpi/?{MARCH}").context["figures"]["summary"]["contacts"] == 5
