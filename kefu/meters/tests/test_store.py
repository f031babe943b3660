"""The store (M2 goods-in, ch.4 §2; stocktake, ch.4 §3.1): each rule with its Chinese refusal, the
store keeper's desk, the stock pages and the monthly stock report."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kefu.core.models import Alert, Event, Policy
from kefu.meters import selectors_store
from kefu.meters.models import GoodsReceipt, PurchasePlan, Replacement, StockMeter, Stocktake
from kefu.meters.services import store
from kefu.meters.tests.factories_store import approved_plan, issue_directly, meter_row, receive

THU = "2026-02-12 10:00 +0800"  # a working Thursday
STOCKTAKE_DAY = "2026-02-28 10:00 +0800"  # the last working day of February: a make-up Saturday


# ---- goods-in


@time_machine.travel(THU)
def test_goods_in_stocks_each_meter_checked_and_signed_for_by_the_store_keeper(meters_world):
    receipt = receive(meters_world, 3)
    assert receipt.number == "RK20260212-0001"
    meters = list(receipt.meters.all())
    assert len(meters) == 3
    assert {m.state for m in meters} == {StockMeter.State.IN_STOCK}
    assert {m.checked_by for m in meters} == {meters_world.store_keeper}
    assert all(m.checked_at is not None for m in meters)
    assert Event.objects.filter(verb="stock_meter.received").count() == 3
    assert receive(meters_world).number == "RK20260212-0002"


@time_machine.travel(THU)
def test_a_meter_without_its_test_certificate_is_refused_and_listed_on_the_receipt(meters_world):
    receipt = store.receive_goods(
        actor=meters_world.store_keeper,
        meters=[
            meter_row("OK0001"),
            meter_row("NOCERT1", certificate_no=""),
            meter_row("NODATE1", certificate_date=None),
        ],
    )
    assert list(receipt.meters.values_list("number", flat=True)) == ["OK0001"]
    reasons = {r["number"]: r["reason"] for r in receipt.refused}
    assert set(reasons) == {"NOCERT1", "NODATE1"}
    assert "无检验合格证" in reasons["NOCERT1"] and "拒收" in reasons["NOCERT1"]
    assert "无检验合格证" in reasons["NODATE1"]
    assert not StockMeter.objects.filter(number__in=["NOCERT1", "NODATE1"]).exists()


@time_machine.travel(THU)
def test_duplicate_meter_numbers_are_refused_by_name(meters_world):
    first = store.receive_goods(actor=meters_world.store_keeper, meters=[meter_row("DUP001")])
    receipt = store.receive_goods(
        actor=meters_world.store_keeper,
        meters=[
            meter_row("DUP001"),
            meter_row("NEW001"),
            meter_row("NEW001"),
            meter_row(meters_world.meter.number),
        ],
    )
    reasons = [r["reason"] for r in receipt.refused]
    assert f"表号DUP001已在表库（入库单{first.number}）" in reasons
    assert "表号NEW001在本次送货中重复" in reasons
    assert f"表号{meters_world.meter.number}已在水表档案中" in reasons
    assert list(receipt.meters.values_list("number", flat=True)) == ["NEW001"]


@time_machine.travel(THU)
def test_a_delivery_with_nothing_acceptable_is_refused_whole(meters_world):
    with pytest.raises(ValidationError) as refused:
        store.receive_goods(actor=meters_world.store_keeper, meters=[meter_row("X1", certificate_no="")])
    assert "没有可以入库的水表，整批拒收" in str(refused.value)
    assert not GoodsReceipt.objects.exists()


@time_machine.travel(THU)
def test_goods_in_refuses_a_bad_caliber_a_future_certificate_and_a_future_day(meters_world):
    receipt = store.receive_goods(
        actor=meters_world.store_keeper,
        meters=[
            meter_row("A1"),
            meter_row("B1", caliber_dn=7),
            meter_row("C1", certificate_date=date(2026, 3, 1)),
        ],
    )
    reasons = {r["number"]: r["reason"] for r in receipt.refused}
    assert reasons == {"B1": "口径应为DN15–600的整数", "C1": "检定日期晚于入库日期，合格证有误"}
    with pytest.raises(ValidationError, match="入库日期不能晚于今天"):
        receive(meters_world, received_on=date(2026, 2, 13))


def test_only_the_store_keeper_takes_goods_in(meters_world):
    with pytest.raises(PermissionDenied):
        store.receive_goods(actor=meters_world.fitter, meters=[meter_row()])


@time_machine.travel(THU)
def test_a_receipt_covering_an_approved_plan_marks_it_received(meters_world):
    plan = approved_plan(meters_world, quantities={20: 2, 25: 1}, kind=PurchasePlan.Kind.SUPPLEMENTARY)
    receive(meters_world, 2, plan=plan)
    plan.refresh_from_db()
    assert plan.state == PurchasePlan.State.APPROVED  # DN25 not yet
    receive(meters_world, 1, caliber_dn=25, plan=plan)
    plan.refresh_from_db()
    assert plan.state == PurchasePlan.State.RECEIVED
    assert plan.received_on == date(2026, 2, 12)


@time_machine.travel(THU)
def test_a_receipt_cannot_be_linked_to_a_plan_not_yet_approved(meters_world):
    from kefu.meters.tests.factories_store import plan as draft

    drafted = draft(meters_world)
    with pytest.raises(ValidationError, match="只有已批准采购中的计划可以关联入库"):
        receive(meters_world, plan=drafted)


# ---- stocktake


@time_machine.travel(THU)
def test_the_stocktake_opens_only_on_the_last_working_day_of_the_month(meters_world):
    with pytest.raises(ValidationError) as refused:
        store.open_stocktake(actor=meters_world.store_keeper)
    assert "盘存只在每月最后一个工作日进行（本月为2026年2月28日）" in str(refused.value)
    assert "meters.stocktake_only_on_last_working_day" in str(refused.value)


@time_machine.travel(THU)
def test_with_the_rule_off_a_stocktake_may_open_on_another_day(meters_world):
    Policy.objects.create(key="meters.stocktake_only_on_last_working_day", value="false")
    assert store.open_stocktake(actor=meters_world.store_keeper).taken_on == date(2026, 2, 12)


@time_machine.travel("2026-11-30 10:00 +0800")
def test_november_2026_is_counted_on_monday_the_30th(meters_world):
    assert store.open_stocktake(actor=meters_world.store_keeper).taken_on == date(2026, 11, 30)


def _stock_on_the_stocktake_day(world):
    with time_machine.travel(THU):
        receive(world, 3, caliber_dn=20)
        receive(world, 1, caliber_dn=25)


def test_a_count_sheet_holds_the_book_count_of_each_caliber(meters_world):
    _stock_on_the_stocktake_day(meters_world)
    with time_machine.travel(STOCKTAKE_DAY):
        stocktake = store.open_stocktake(actor=meters_world.store_keeper)
    book = {line.caliber_dn: line.book_count for line in stocktake.lines.all()}
    assert book[20] == 3 and book[25] == 1 and book[15] == 0  # DN15: a caliber of the minimum-stock rule
    assert stocktake.month == date(2026, 2, 1)


def test_a_difference_needs_its_reason_and_the_sheet_closes_only_when_all_is_counted(meters_world):
    _stock_on_the_stocktake_day(meters_world)
    keeper = meters_world.store_keeper
    with time_machine.travel(STOCKTAKE_DAY):
        stocktake = store.open_stocktake(actor=keeper)
        with pytest.raises(ValidationError) as refused:
            store.record_counts(
                actor=keeper, stocktake=stocktake, counts=[{"caliber_dn": 20, "counted_count": 2}]
            )
        assert "DN20实盘2只，与账面3只相差-1只，请填写差异原因" in str(refused.value)
        store.record_counts(
            actor=keeper,
            stocktake=stocktake,
            counts=[{"caliber_dn": 20, "counted_count": 2, "reason": "一只送检未归"}],
        )
        with pytest.raises(ValidationError, match="尚未登记实盘数，不能完成盘存"):
            store.close_stocktake(actor=keeper, stocktake=stocktake)
        counts = [
            {"caliber_dn": line.caliber_dn, "counted_count": line.book_count}
            for line in stocktake.lines.all()
        ]
        counts = [c for c in counts if c["caliber_dn"] != 20]
        store.record_counts(actor=keeper, stocktake=stocktake, counts=counts)
        store.close_stocktake(actor=keeper, stocktake=stocktake)
        stocktake.refresh_from_db()
        assert stocktake.state == Stocktake.State.CLOSED
        with pytest.raises(ValidationError, match="已完成，不能再修改"):
            store.record_counts(actor=keeper, stocktake=stocktake, counts=counts)
        with pytest.raises(ValidationError, match="请继续在原盘存表上登记"):
            store.open_stocktake(actor=keeper)
    line = stocktake.lines.get(caliber_dn=20)
    assert (line.difference, line.reason) == (-1, "一只送检未归")


def test_no_goods_are_taken_in_while_the_store_is_counted(meters_world):
    with time_machine.travel(STOCKTAKE_DAY):
        store.open_stocktake(actor=meters_world.store_keeper)
        with pytest.raises(ValidationError, match="表库正在盘存（2026年02月盘存），盘存完成后再验收入库"):
            receive(meters_world)


def test_the_store_keepers_are_told_once_on_the_stocktake_day(meters_world):
    with time_machine.travel(THU):
        assert store.overdue(timezone.now()) == []
    with time_machine.travel(STOCKTAKE_DAY):
        assert store.overdue(timezone.now())
        assert store.overdue(timezone.now()) == []
    assert Alert.objects.filter(kind="meters.stocktake_due", recipient=meters_world.store_keeper).count() == 1


# ---- the desk


@time_machine.travel(THU)
def test_the_desk_shows_stock_by_caliber_todays_issues_and_what_is_overdue(meters_world):
    receipt = receive(meters_world, 3)
    first = receipt.meters.first()
    issue_directly(meters_world, first)
    yesterday = receive(meters_world, 1, caliber_dn=25).meters.first()
    issue_directly(meters_world, yesterday, when=timezone.now() - timedelta(days=1))
    Replacement.objects.create(
        number="HB-LATE",
        kind=Replacement.Kind.AGE,
        state=Replacement.State.ISSUED,
        meter=meters_world.meter,
        branch=meters_world.branch,
        replace_due=date(2026, 2, 10),
    )
    summary = selectors_store.desk_summary(date(2026, 2, 12))
    by_caliber = {s.caliber_dn: s for s in summary.stock}
    assert (by_caliber[20].in_stock, by_caliber[20].issued_today) == (2, 1)
    assert (by_caliber[25].in_stock, by_caliber[25].issued_today) == (0, 0)
    assert by_caliber[20].below_minimum
    assert summary.issues_today_count == 1
    assert summary.replacements_overdue == 1
    assert summary.stocktake_day == date(2026, 2, 28) and not summary.stocktake_today


@time_machine.travel(THU)
def test_the_desk_page_reads_a_fixed_number_of_queries(
    meters_world, client_for, django_assert_max_num_queries
):
    receive(meters_world, 5)
    for meter in StockMeter.objects.all()[:3]:
        issue_directly(meters_world, meter)
    client = client_for(meters_world.store_keeper)
    with django_assert_max_num_queries(20) as few:
        assert client.get("/meters/").status_code == 200
    receive(meters_world, 5, caliber_dn=25)
    for meter in StockMeter.objects.filter(state=StockMeter.State.IN_STOCK)[:4]:
        issue_directly(meters_world, meter)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/meters/")
    assert "今日领表（7）" in response.content.decode()


# ---- pages and permissions


def test_branch_staff_cannot_see_the_store(meters_world, client_for):
    client = client_for(meters_world.fitter)
    for url in [
        "/meters/",
        "/meters/stock/",
        "/meters/goods-in/",
        "/meters/stocktakes/",
        "/meters/stock-report/",
    ]:
        assert client.get(url).status_code == 403, url
    assert client.get("/api/meters/store/stock").status_code == 403
    assert client.get("/api/meters/store/desk").status_code == 403


@time_machine.travel(THU)
def test_the_stock_list_filters_sorts_pages_and_exports(
    meters_world, client_for, django_assert_max_num_queries
):
    receive(meters_world, 3)
    receive(meters_world, 2, caliber_dn=25)
    client = client_for(meters_world.store_keeper)
    with django_assert_max_num_queries(10):
        page = client.get("/meters/stock/?caliber=25&state=in_stock&sort=-number").content.decode()
    assert page.count('href="/meters/stock/') >= 2 and "DN25" in page
    one = StockMeter.objects.filter(caliber_dn=20).first()
    assert one.number in client.get(f"/meters/stock/?q={one.number}").content.decode()
    assert client.get("/meters/stock/?caliber=abc&sort=drop&page=999999999999").status_code == 200
    export = client.get("/meters/stock/export/?caliber=20")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")


@time_machine.travel(THU)
def test_the_stock_list_reads_the_same_queries_for_more_rows(
    meters_world, client_for, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    receive(meters_world, 2)
    client = client_for(meters_world.store_keeper)
    with CaptureQueriesContext(connection) as few:
        client.get("/meters/stock/")
    receive(meters_world, 20, caliber_dn=40)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/meters/stock/")


@time_machine.travel(THU)
def test_a_stock_meter_page_shows_its_whole_life(meters_world, client_for):
    meter = receive(meters_world).meters.get()
    issue = issue_directly(meters_world, meter)
    page = client_for(meters_world.store_keeper).get(f"/meters/stock/{meter.pk}/").content.decode()
    assert "验收入库" in page and issue.number in page and meters_world.store_keeper.name in page


@time_machine.travel(THU)
def test_the_goods_in_page_takes_one_meter_a_line_and_a_number_range(meters_world, client_for):
    client = client_for(meters_world.store_keeper)
    response = client.post(
        "/meters/goods-in/",
        {
            "supplier": "物贸公司",
            "lines": "LINE001,20,LXS-20E,宁波水表,2026-01,JD1,2026-01-05\n"
            "LINE002,20,LXS-20E,宁波水表,2026-01,,",
            "first_number": "RG000098",
            "count": "3",
            "caliber_dn": "25",
            "model": "LXS-25E",
            "maker": "宁波水表",
            "certificate_no": "JD-RANGE",
            "certificate_date": "2026-01-20",
        },
    )
    assert response.status_code == 302
    receipt = GoodsReceipt.objects.get()
    assert sorted(receipt.meters.values_list("number", flat=True)) == [
        "LINE001",
        "RG000098",
        "RG000099",
        "RG000100",
    ]
    page = client.get(response["Location"]).content.decode()
    assert "LINE002" in page and "无检验合格证" in page
    assert client.get(f"/meters/receipts/{receipt.pk}/print/").status_code == 200
    refused = client.post("/meters/goods-in/", {"supplier": "物贸公司", "lines": "BAD1,20,X,Y,,,"})
    assert refused.status_code == 400 and "整批拒收" in refused.content.decode()
    assert client.post("/meters/goods-in/", {"supplier": "物贸公司"}).status_code == 400


def test_the_stocktake_pages_refuse_a_difference_without_reason(meters_world, client_for):
    _stock_on_the_stocktake_day(meters_world)
    client = client_for(meters_world.store_keeper)
    with time_machine.travel(STOCKTAKE_DAY):
        assert "开始本月盘存" in client.get("/meters/stocktakes/").content.decode()
        opened = client.post("/meters/stocktakes/open/")
        stocktake = Stocktake.objects.get()
        assert opened["Location"] == f"/meters/stocktakes/{stocktake.pk}/"
        refused = client.post(
            f"/meters/stocktakes/{stocktake.pk}/count/", {"counted_20": "1", "reason_20": ""}
        )
        assert refused.status_code == 400
        assert "DN20实盘1只，与账面3只相差-2只，请填写差异原因" in refused.content.decode()
        counts = {f"counted_{line.caliber_dn}": str(line.book_count) for line in stocktake.lines.all()}
        done = client.post(f"/meters/stocktakes/{stocktake.pk}/count/", {**counts, "close": "1"})
        assert done.status_code == 302
        stocktake.refresh_from_db()
        assert stocktake.state == Stocktake.State.CLOSED
        assert client.get(f"/meters/stocktakes/{stocktake.pk}/print/").status_code == 200
        assert client.get(f"/meters/stocktakes/{stocktake.pk}/export/").status_code == 200


@time_machine.travel(THU)
def test_opening_a_stocktake_on_another_day_says_why_not(meters_world, client_for):
    client = client_for(meters_world.store_keeper)
    response = client.post("/meters/stocktakes/open/", follow=True)
    assert "盘存只在每月最后一个工作日进行" in response.content.decode()
    assert not Stocktake.objects.exists()


# ---- the monthly stock report


def test_the_monthly_report_balances_in_and_out_per_caliber(meters_world, client_for):
    with time_machine.travel("2026-01-20 10:00 +0800"):
        receive(meters_world, 4)
    with time_machine.travel(THU):
        february = receive(meters_world, 2)
        issue_directly(meters_world, february.meters.first())
    with time_machine.travel("2026-03-03 10:00 +0800"):
        receive(meters_world, 1)
        issue_directly(meters_world, StockMeter.objects.filter(state=StockMeter.State.IN_STOCK).first())
        lines = {line.caliber_dn: line for line in selectors_store.stock_report(2026, 2)}
        assert (lines[20].opening, lines[20].received, lines[20].issued, lines[20].closing) == (4, 2, 1, 5)
        client = client_for(meters_world.store_keeper)
        assert "月末结存" in client.get("/meters/stock-report/?month=2026-02").content.decode()
        assert client.get("/meters/stock-report/?month=2026-02&print=1").status_code == 200
        assert client.get("/meters/stock-report/export/?month=2026-02").status_code == 200
        bad = client.get("/meters/stock-report/?month=2026-13")
        assert bad.status_code == 400 and "月份应在 1 到 12 之间" in bad.content.decode()


# ---- home


def test_the_home_panel_tells_the_store_keeper_of_the_stocktake_day(meters_world):
    from kefu.meters.home import panel

    with time_machine.travel(STOCKTAKE_DAY):
        assert ("今日月末盘存", 1, "/meters/stocktakes/") in panel(meters_world.store_keeper)
    with time_machine.travel(THU):
        assert panel(meters_world.store_keeper) == []
        assert panel(meters_world.fitter) == []


# ---- API


def _api(client, method, url, body=None):
    import json

    data = json.dumps(body, ensure_ascii=False, default=str) if body is not None else ""
    return getattr(client, method)(url, data=data, content_type="application/json")


@time_machine.travel(THU)
def test_the_api_takes_goods_in_lists_and_reads_stock(meters_world, client_for):
    client = client_for(meters_world.store_keeper)
    created = _api(
        client,
        "post",
        "/api/meters/store/receipts",
        {"meters": [meter_row("API001"), meter_row("API002", certificate_no="")]},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["stocked"] == ["API001"]
    assert body["refused"][0]["number"] == "API002" and "无检验合格证" in body["refused"][0]["reason"]
    page = client.get("/api/meters/store/stock?page_size=1").json()
    assert page["has_next"] is False and page["items"][0]["number"] == "API001"
    meter_id = page["items"][0]["id"]
    detail = client.get(f"/api/meters/store/stock/{meter_id}").json()
    assert detail["history"][0]["action"] == "验收入库"
    assert client.get(f"/api/meters/store/receipts/{body['id']}").json()["number"] == body["number"]
    whole = _api(
        client, "post", "/api/meters/store/receipts", {"meters": [meter_row("X9", certificate_no="")]}
    )
    assert whole.status_code == 400 and "整批拒收" in whole.content.decode()
    desk = client.get("/api/meters/store/desk").json()
    assert desk["stocktake_day"] == "2026-02-28"
    assert client.get("/api/meters/store/stock-report?month=2026-02").json()["lines"][0]["closing"] == 1


def test_the_api_counts_and_closes_the_stocktake(meters_world, client_for):
    _stock_on_the_stocktake_day(meters_world)
    client = client_for(meters_world.store_keeper)
    with time_machine.travel(THU):
        refused = _api(client, "post", "/api/meters/store/stocktakes")
        assert refused.status_code == 400 and "盘存只在每月最后一个工作日进行" in refused.content.decode()
    with time_machine.travel(STOCKTAKE_DAY):
        opened = _api(client, "post", "/api/meters/store/stocktakes")
        assert opened.status_code == 201
        sheet = opened.json()
        url = f"/api/meters/store/stocktakes/{sheet['id']}"
        bad = _api(client, "post", url + "/counts", {"counts": [{"caliber_dn": 20, "counted_count": 5}]})
        assert bad.status_code == 400 and "请填写差异原因" in bad.content.decode()
        counts = [
            {"caliber_dn": line["caliber_dn"], "counted_count": line["book_count"]} for line in sheet["lines"]
        ]
        assert _api(client, "post", url + "/counts", {"counts": counts}).status_code == 200
        closed = _api(client, "post", url + "/close")
        assert closed.json()["state"] == "closed"
        assert client.get("/api/meters/store/stocktakes").json()[0]["id"] == sheet["id"]
