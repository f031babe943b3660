"""Purchase plans (M1, ch.4 §1): the four computed needs, yearly/monthly/supplementary plans, the
approval chain with its Chinese refusals, the purchase deadline and its alert, pages and API."""

import json
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kefu.core.models import Alert, Policy
from kefu.meters import selectors_store
from kefu.meters.models import PurchasePlan
from kefu.meters.services import purchases
from kefu.meters.tests.factories_store import approved_plan, plan, receive

APRIL = "2026-04-10 10:00 +0800"
State = PurchasePlan.State


def _process_at_design(*, facts=None):
    from kefu.processes.models import Process, StageDefinition
    from kefu.processes.tests.factories import ProcessFactory

    process = ProcessFactory(definition_code="new_connection", facts=facts or {})
    stage = StageDefinition.objects.get(definition__code="new_connection", code="survey_design")
    Process.objects.filter(pk=process.pk).update(current_stage=stage)
    return process


@time_machine.travel(APRIL)
def test_a_monthly_plan_is_drafted_from_the_four_computed_needs(meters_world):
    # given: the world's two DN20 meters (installed 2020-05-01, 6-year cycle) fall due in May 2026, two new
    # connections are being designed (one DN25 drawn, one without a caliber: DN20), one renovation of
    # 12 household meters, and the stock is empty (DN20 minimum 60)
    _process_at_design(facts={"caliber_drawing_dn": 25})
    _process_at_design()
    _process_at_design(facts={"building_meter_renovation": True, "meter_count": 12})
    # when
    drafted = purchases.draft_plan(
        actor=meters_world.store_keeper, kind=PurchasePlan.Kind.MONTHLY, year=2026, month=5
    )
    # then
    lines = {line.caliber_dn: line for line in drafted.lines.all()}
    assert (lines[20].replacements, lines[20].new_connections, lines[20].renovations) == (2, 1, 12)
    assert lines[20].stock_shortfall == 60
    assert lines[20].quantity == 2 + 1 + 12 + 60
    assert lines[25].new_connections == 1
    assert drafted.number == "CG20260410-0001" and drafted.state == State.DRAFT
    assert selectors_store.process_needs().defaulted == 2


@time_machine.travel(APRIL)
def test_the_stock_in_hand_lowers_the_shortfall(meters_world):
    receive(meters_world, 50)
    needs = selectors_store.purchase_needs(year=2026, month=4)
    assert needs[20]["stock_shortfall"] == 10


@time_machine.travel(APRIL)
def test_one_yearly_and_one_monthly_plan_per_period_and_supplements_any_time(meters_world):
    keeper = meters_world.store_keeper
    plan(meters_world, month=4)
    with pytest.raises(ValidationError) as refused:
        plan(meters_world, month=4)
    assert "2026年4月的月计划已编制" in str(refused.value) and "如需增加请编制追加计划" in str(refused.value)
    supplement = purchases.draft_plan(
        actor=keeper, kind=PurchasePlan.Kind.SUPPLEMENTARY, year=2026, month=4, quantities={50: 3}
    )
    assert {line.caliber_dn: line.quantity for line in supplement.lines.all()}[50] == 3
    assert {line.quantity for line in supplement.lines.exclude(caliber_dn=50)} == {0}
    purchases.draft_plan(actor=keeper, kind=PurchasePlan.Kind.YEARLY, year=2026)
    with pytest.raises(ValidationError, match="2026年的年计划已编制"):
        purchases.draft_plan(actor=keeper, kind=PurchasePlan.Kind.YEARLY, year=2026)


@time_machine.travel(APRIL)
def test_a_monthly_plan_is_for_this_month_or_the_next(meters_world):
    with pytest.raises(ValidationError, match="月计划只能编制本月或下月的计划"):
        plan(meters_world, month=7)
    with pytest.raises(ValidationError, match="只能编制2026年或2027年的购置计划"):
        plan(meters_world, year=2025, month=4)
    with pytest.raises(ValidationError, match="口径「7」应为DN15–600的整数"):
        plan(meters_world, month=4, quantities={7: 1})


@time_machine.travel(APRIL)
def test_the_store_keeper_submits_and_only_the_center_head_approves(meters_world):
    drafted = plan(meters_world, month=4)
    purchases.submit_plan(actor=meters_world.store_keeper, plan=drafted)
    with pytest.raises(PermissionDenied):
        purchases.center_approve(actor=meters_world.store_keeper, plan=drafted)
    with pytest.raises(PermissionDenied):
        purchases.record_investment_approval(
            actor=meters_world.store_keeper, plan=drafted, approved_on=date(2026, 4, 10), reference="X"
        )
    with pytest.raises(ValidationError, match="为「待中心负责人审核」，不能登记投资管理部审批"):
        purchases.record_investment_approval(
            actor=meters_world.head, plan=drafted, approved_on=date(2026, 4, 10), reference="X"
        )
    purchases.center_approve(actor=meters_world.head, plan=drafted)
    drafted.refresh_from_db()
    assert (drafted.state, drafted.center_approved_by) == (State.CENTER_APPROVED, meters_world.head)


@time_machine.travel(APRIL)
def test_a_plan_of_nothing_is_not_submitted(meters_world):
    drafted = plan(meters_world, month=4)
    purchases.set_quantities(
        actor=meters_world.store_keeper,
        plan=drafted,
        quantities={line.caliber_dn: 0 for line in drafted.lines.all()},
    )
    with pytest.raises(ValidationError, match="计划数量合计为0，不能报审"):
        purchases.submit_plan(actor=meters_world.store_keeper, plan=drafted)


@time_machine.travel(APRIL)
def test_a_returned_plan_needs_its_reason_and_goes_back_to_the_store_keeper(meters_world):
    drafted = plan(meters_world, month=4)
    purchases.submit_plan(actor=meters_world.store_keeper, plan=drafted)
    with pytest.raises(ValidationError, match="请填写退回原因"):
        purchases.return_plan(actor=meters_world.head, plan=drafted, reason=" ")
    purchases.return_plan(actor=meters_world.head, plan=drafted, reason="DN20数量偏大")
    drafted.refresh_from_db()
    assert drafted.state == State.RETURNED
    purchases.set_quantities(actor=meters_world.store_keeper, plan=drafted, quantities={20: 30})
    purchases.submit_plan(actor=meters_world.store_keeper, plan=drafted)
    purchases.center_approve(actor=meters_world.head, plan=drafted)
    with pytest.raises(ValidationError, match="为「待投资管理部审批」，不能修改数量"):
        purchases.set_quantities(actor=meters_world.store_keeper, plan=drafted, quantities={20: 1})


@time_machine.travel(APRIL)
def test_the_investment_approval_needs_its_reference_and_sets_the_purchase_due(meters_world):
    drafted = plan(meters_world, month=4)
    purchases.submit_plan(actor=meters_world.store_keeper, plan=drafted)
    purchases.center_approve(actor=meters_world.head, plan=drafted)
    with pytest.raises(ValidationError, match="请填写投资管理部批文号"):
        purchases.record_investment_approval(
            actor=meters_world.head, plan=drafted, approved_on=date(2026, 4, 10), reference=""
        )
    with pytest.raises(ValidationError, match="批准日期不能晚于今天"):
        purchases.record_investment_approval(
            actor=meters_world.head, plan=drafted, approved_on=date(2026, 4, 11), reference="投资〔2026〕3号"
        )
    with pytest.raises(ValidationError, match="批准日期不能早于中心负责人审核日期2026-04-10"):
        purchases.record_investment_approval(
            actor=meters_world.head, plan=drafted, approved_on=date(2026, 4, 9), reference="投资〔2026〕3号"
        )
    purchases.record_investment_approval(
        actor=meters_world.head, plan=drafted, approved_on=date(2026, 4, 10), reference="投资〔2026〕3号"
    )
    drafted.refresh_from_db()
    assert drafted.state == State.APPROVED
    assert drafted.purchase_due == date(2026, 4, 30)  # 20 calendar days (ch.4 §1.2)


@time_machine.travel(APRIL)
def test_the_purchase_days_are_the_rule(meters_world):
    Policy.objects.create(key="meters.purchase_days", value="30")
    assert approved_plan(meters_world, month=4).purchase_due == date(2026, 5, 10)


def test_a_purchase_past_its_due_is_alerted_once_to_store_keepers_and_center_heads(meters_world):
    with time_machine.travel(APRIL):
        late = approved_plan(meters_world, month=4)
    with time_machine.travel("2026-04-30 18:00 +0800"):
        assert purchases.overdue(timezone.now()) == []
    with time_machine.travel("2026-05-01 09:00 +0800"):
        assert purchases.overdue(timezone.now()) == [f"购置计划{late.number}采购逾期（期限2026-04-30）"]
        assert purchases.overdue(timezone.now()) == []
    told = set(Alert.objects.filter(kind="meters.purchase_overdue").values_list("recipient_id", flat=True))
    assert told == {meters_world.store_keeper.pk, meters_world.head.pk}
    late.refresh_from_db()
    assert late.overdue_alerted


@time_machine.travel(APRIL)
def test_the_store_keeper_may_mark_an_approved_plan_received(meters_world):
    approved = approved_plan(meters_world, month=4)
    purchases.mark_received(actor=meters_world.store_keeper, plan=approved)
    approved.refresh_from_db()
    assert (approved.state, approved.received_on) == (State.RECEIVED, date(2026, 4, 10))
    with pytest.raises(ValidationError, match="为「已到货」，不能登记到货"):
        purchases.mark_received(actor=meters_world.store_keeper, plan=approved)


# ---- pages


@time_machine.travel(APRIL)
def test_the_plan_list_filters_and_reads_few_queries(meters_world, client_for, django_assert_max_num_queries):
    plan(meters_world, month=4)
    purchases.draft_plan(actor=meters_world.store_keeper, kind=PurchasePlan.Kind.YEARLY, year=2026)
    client = client_for(meters_world.head)
    with django_assert_max_num_queries(10):
        page = client.get("/meters/plans/?kind=monthly&year=2026").content.decode()
    assert "月计划" in page and "CG20260410-0001" in page and "CG20260410-0002" not in page
    assert client.get("/meters/plans/export/").status_code == 200
    assert client.get("/meters/plans/?year=abc&kind=x&state=y").status_code == 200


@time_machine.travel(APRIL)
def test_the_create_page_shows_the_computed_needs_and_saves_the_quantities(meters_world, client_for):
    client = client_for(meters_world.store_keeper)
    preview = client.get("/meters/plans/new/?kind=monthly&year=2026&month=5").content.decode()
    assert "逾龄换表" in preview and 'name="quantity_20"' in preview
    saved = client.post(
        "/meters/plans/new/",
        {
            "kind": "monthly",
            "year": "2026",
            "month": "5",
            "quantity_20": "7",
            "extra_caliber": "150",
            "extra_quantity": "2",
        },
    )
    assert saved.status_code == 302
    created = PurchasePlan.objects.get()
    quantities = {line.caliber_dn: line.quantity for line in created.lines.all()}
    assert quantities[20] == 7 and quantities[150] == 2
    again = client.post("/meters/plans/new/", {"kind": "monthly", "year": "2026", "month": "5"})
    assert again.status_code == 400 and "如需增加请编制追加计划" in again.content.decode()
    assert client_for(meters_world.fitter).get("/meters/plans/new/").status_code == 403


@time_machine.travel(APRIL)
def test_the_plan_page_walks_the_approval_chain(meters_world, client_for):
    drafted = plan(meters_world, month=4)
    url = f"/meters/plans/{drafted.pk}/"
    keeper = client_for(meters_world.store_keeper)
    assert keeper.post(url + "quantities/", {"quantity_20": "abc"}).status_code == 400
    assert keeper.post(url + "submit/").status_code == 302
    assert keeper.post(url + "approve/").status_code == 403  # the store keeper cannot approve
    head = client_for(meters_world.head)
    refused = head.post(url + "return/", {"reason": ""})
    assert refused.status_code == 400 and "请填写退回原因" in refused.content.decode()
    assert head.post(url + "approve/").status_code == 302
    bad = head.post(url + "investment-approval/", {"approved_on": "2026-04-10", "reference": ""})
    assert bad.status_code == 400
    assert (
        head.post(
            url + "investment-approval/", {"approved_on": "2026-04-10", "reference": "投资〔2026〕7号"}
        ).status_code
        == 302
    )
    drafted.refresh_from_db()
    assert drafted.state == State.APPROVED
    page = head.get(url).content.decode()
    assert "投资〔2026〕7号" in page and "中心负责人审核通过" in page and "2026-04-30" in page
    assert head.get(url + "print/").status_code == 200
    assert head.get(url + "export/").status_code == 200
    assert client_for(meters_world.fitter).get(url).status_code == 403


# ---- API


def _api(client, method, url, body=None):
    data = json.dumps(body, ensure_ascii=False) if body is not None else ""
    return getattr(client, method)(url, data=data, content_type="application/json")


@time_machine.travel(APRIL)
def test_the_api_drafts_submits_approves_and_records_the_investment_approval(meters_world, client_for):
    keeper = client_for(meters_world.store_keeper)
    needs = keeper.get("/api/meters/purchase-plans/needs?year=2026&month=5").json()
    assert any(line["caliber_dn"] == 20 and line["replacements"] == 2 for line in needs["lines"])
    created = _api(
        keeper,
        "post",
        "/api/meters/purchase-plans",
        {"kind": "monthly", "year": 2026, "month": 5, "quantities": [{"caliber_dn": 20, "quantity": 9}]},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    url = f"/api/meters/purchase-plans/{body['id']}"
    assert next(line for line in body["lines"] if line["caliber_dn"] == 20)["quantity"] == 9
    assert _api(keeper, "post", url + "/submit").json()["state"] == "submitted"
    assert _api(keeper, "post", url + "/approve", {}).status_code == 403
    head = client_for(meters_world.head)
    returned = _api(head, "post", url + "/return", {"reason": ""})
    assert returned.status_code == 400 and "请填写退回原因" in returned.content.decode()
    assert _api(head, "post", url + "/approve", {"note": "同意"}).json()["state"] == "center_approved"
    approved = _api(
        head,
        "post",
        url + "/investment-approval",
        {"approved_on": "2026-04-10", "reference": "投资〔2026〕9号"},
    )
    assert approved.json()["purchase_due"] == "2026-04-30"
    assert [p["number"] for p in head.get("/api/meters/purchase-plans?state=approved").json()] == [
        body["number"]
    ]
    keeper = client_for(meters_world.store_keeper)  # one test client: log the store keeper in again
    assert _api(keeper, "post", url + "/received").json()["state"] == "received"
    assert client_for(meters_world.fitter).get("/api/meters/purchase-plans").status_code == 403


@time_machine.travel(APRIL)
def test_the_center_head_sees_plans_waiting_on_the_home_page(meters_world):
    from kefu.meters.home import panel

    drafted = plan(meters_world, month=4)
    assert panel(meters_world.head) == []
    purchases.submit_plan(actor=meters_world.store_keeper, plan=drafted)
    assert ("待审核的水表购置计划", 1, "/meters/plans/?state=submitted") in panel(meters_world.head)
    assert not any("购置计划" in label for label, _n, _url in panel(meters_world.store_keeper))
