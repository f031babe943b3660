"""Issue 13 point 6 (P1, P3, P9, A4): the one-stop new connection reaches the archive; the fee before
the design; arrears checked again later; the construction notice counted from the road permit; the
center head's signature and the application's contents for units; each stage worked by its holder;
resumption, the 6-month suspension alert and the renovation's 20 days; Chinese labels on the pages."""

import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.core.events import events_for
from kefu.core.models import Alert, Policy
from kefu.customers.models import Account, Customer, Meter, ServicePoint
from kefu.customers.tests.factories import AccountFactory, CustomerFactory, ServicePointFactory
from kefu.processes import services
from kefu.processes.demo import issue_connection_number, walk_new_connection
from kefu.processes.jobs import alert_overdue_suspensions, months_before
from kefu.processes.models import Process, StageDefinition
from kefu.processes.rules import clean_facts
from kefu.processes.services import GateRefused

SH = ZoneInfo("Asia/Shanghai")
METER = {"meter_number": "XZ260000001", "meter_caliber_dn": 25, "water_use_category": "居民生活用水"}
UNIT_CONTENTS = {
    "water_use_category": "非居民用水",
    "water_volume_m3": "120",
    "building_numbers": "1-3栋",
    "storeys": 18,
    "floor_area_m2": "36000",
    "households": 1,
}


@pytest.fixture
def clerk(make_user):
    return make_user(Role.COUNTER_CLERK, username="clerk1", name="窗口小李")


def start(clerk, customer=None, code="new_connection", **facts):
    return services.start_process(
        actor=clerk,
        definition_code=code,
        customer=customer or CustomerFactory(),
        facts={"area_pressure_mpa": "0.30", **facts},
    )


def refusals(actor, process) -> dict:
    with pytest.raises(GateRefused) as caught:
        services.advance(actor=actor, process=process)
    return {rule: messages[0] for rule, messages in caught.value.message_dict.items()}


# --- 1. the archive ------------------------------------------------------------------------------


def test_ordering_construction_starts_the_connection_number_business_linked_both_ways(clerk, offices):
    # given a new connection at the construction notice
    process = walk_new_connection(clerk, start(clerk, caliber_applied_dn=25), until="construction_notice")

    # when the construction is ordered
    process = walk_new_connection(clerk, process, steps=1)

    # then a connection_number business runs for the same customer, and each names the other
    child = Process.objects.get(number=process.facts["connection_number_process"])
    assert child.definition.code == "connection_number" and child.customer == process.customer
    assert child.facts["parent_process"] == process.number and child.facts["caliber_applied_dn"] == 25
    assert events_for(process).filter(verb="process.connection_number_called").exists()


def test_filing_waits_for_the_number_then_files_point_meter_and_account_in_the_archive_once(clerk, offices):
    # given a new connection at 系统建档 whose numbering business is not done
    process = walk_new_connection(clerk, start(clerk, **METER), until="system_filing")
    customer = process.customer
    assert "尚未发号" in refusals(clerk, process)["connection_number_issued"]

    # when the number is issued and the filing is completed
    child = issue_connection_number(clerk, process)
    assert child.state == Process.State.COMPLETED
    process = services.advance(actor=clerk, process=process)

    # then the archive has the point with the issued number, its meter and a new account
    point = ServicePoint.objects.get(connection_point_no=child.facts["connection_point_no"])
    assert point.customer == customer and point.account.customer == customer
    assert point.water_use == ServicePoint.WaterUse.RESIDENTIAL and point.address == customer.address
    meter = Meter.objects.get(service_point=point)
    assert (meter.number, meter.caliber_dn) == ("XZ260000001", 25)
    assert process.facts["archive_account"] == point.account.number
    # and both sides recorded it: the process and the archive
    assert events_for(process).filter(verb="process.archive_filed").exists()
    assert {"customer.account_added", "customer.service_point_added", "customer.meter_added"} <= set(
        events_for(customer).values_list("verb", flat=True)
    )

    # when the clerk returns to 系统建档 and completes it again
    process = services.return_to(actor=clerk, process=process, stage_code="system_filing", reason="核对")
    process = services.advance(actor=clerk, process=process)

    # then nothing is filed twice
    assert (
        ServicePoint.objects.filter(customer=customer, connection_point_no=point.connection_point_no).count()
        == 1
    )
    assert Account.objects.filter(customer=customer).count() == 1
    # and the account card follows
    process = walk_new_connection(clerk, process, until="settlement")
    assert process.facts["account_card_on"]
    assert events_for(process).filter(verb="process.account_card_opened").count() == 1


def test_filing_names_what_is_missing_about_the_meter_in_chinese(clerk, offices):
    process = walk_new_connection(clerk, start(clerk), until="system_filing")
    issue_connection_number(clerk, process)
    message = refusals(clerk, process)["meter_recorded"]
    assert "表号" in message and "口径" in message and "用水类别" in message


def test_a_water_use_that_is_not_one_of_the_archives_is_refused_with_the_choices():
    with pytest.raises(ValidationError) as caught:
        clean_facts({"water_use_category": "工业"})
    assert "居民生活用水" in caught.value.message_dict["water_use_category"][0]
    assert clean_facts({"water_use_category": "residential"}) == {"water_use_category": "居民生活用水"}


# --- 2. fee, arrears, permit, signature, papers ----------------------------------------------------


def test_the_design_is_refused_until_the_survey_and_design_fee_is_paid_naming_the_rule(clerk):
    # given an application that passed its checks and waits to be commissioned, fee unpaid
    process = walk_new_connection(clerk, start(clerk), until="design_commission")
    Process.objects.filter(pk=process.pk).update(fee=0)  # walk paid it: take it back for the test
    process.refresh_from_db()

    # then moving to the design is refused, naming the fee, its amount and the rule
    message = refusals(clerk, process)["design_fee_paid"]
    assert "勘测设计费" in message and "42.50元" in message and "个人客户勘测设计费" in message

    # and the amount is the rule's: an administrator's 50 is what the counter asks and charges
    Policy.objects.create(key="processes.survey_design_fee_yuan", value="50")
    assert "50.00元" in refusals(clerk, process)["design_fee_paid"]
    services.record_fee(actor=clerk, process=process, amount=Decimal("50"))
    with pytest.raises(ValidationError):
        services.record_fee(actor=clerk, process=process, amount=Decimal("1"))
    assert services.advance(actor=clerk, process=process).current_stage.code == "survey_design"


@pytest.mark.parametrize("stage", ["contract_payment", "construction", "acceptance"])
def test_arrears_are_checked_again_at_the_contract_construction_and_meter_stages(clerk, offices, stage):
    process = walk_new_connection(clerk, start(clerk), until=stage)
    AccountFactory(customer=process.customer, arrears=Decimal("58.30"))
    assert "58.30" in refusals(clerk, process)["no_arrears"]


def test_the_construction_notice_counts_from_the_recorded_road_permit(clerk, offices):
    # given a customer whose pipe crosses a road, at the construction notice, permit not yet obtained
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=SH), tick=False):  # Monday
        process = walk_new_connection(
            clerk, start(clerk, road_permit_needed=True), until="construction_notice"
        )
        assert process.due_at is None  # no clock while the customer has no permit
        assert "破路许可的日期" in refusals(clerk, process)["road_permit_recorded"]

        # when the clerk records the permit obtained on Tuesday 11-24 (entered on Wednesday)
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=SH), tick=False):
        process = services.set_facts(actor=clerk, process=process, facts={"road_permit_date": "2026-11-24"})

    # then the notice is due one working day after the permit, not after the recording
    assert process.due_at.astimezone(SH).date() == date(2026, 11, 25)
    assert process.runs.get(stage__code="construction_notice").due_at == process.due_at

    # and a permit dated in the future is refused
    services.set_facts(actor=clerk, process=process, facts={"road_permit_date": "2099-01-01"})
    process.refresh_from_db()
    assert "晚于今天" in refusals(clerk, process)["road_permit_recorded"]


def test_a_units_application_needs_the_center_heads_signature(clerk, director):
    customer = CustomerFactory(kind=Customer.Kind.UNIT, household_count=1)
    process = start(clerk, customer, **UNIT_CONTENTS)
    for doc in process.current_stage.documents_for(process.customer_kind):
        services.receive_document(actor=clerk, process=process, code=doc["code"])
    assert "中心负责人审核签字" in refusals(clerk, process)["center_head_signed"]

    # a clerk cannot sign; the center head can, once
    with pytest.raises(PermissionDenied):
        services.sign_application(actor=clerk, process=process)
    process = services.sign_application(actor=director, process=process, note="同意")
    assert process.facts["center_head_signature"]["name"] == str(director)
    assert events_for(process).filter(verb="process.application_signed", actor=director).exists()
    with pytest.raises(ValidationError, match="已由"):
        services.sign_application(actor=director, process=process)
    assert services.advance(actor=clerk, process=process).current_stage.code == "design_commission"


def test_an_individuals_application_needs_no_signature(clerk, director):
    process = start(clerk)
    with pytest.raises(ValidationError, match="无须"):
        services.sign_application(actor=director, process=process)


def test_a_units_application_report_must_give_its_contents(clerk, director):
    process = start(
        clerk,
        CustomerFactory(kind=Customer.Kind.CLUSTER, household_count=30),
        **{**UNIT_CONTENTS, "storeys": 0},
    )
    services.set_facts(actor=clerk, process=process, facts={"building_numbers": "", "water_volume_m3": ""})
    message = refusals(clerk, process)["application_contents_complete"]
    assert "缺少：用水量、楼栋号" in message and "层高应大于0" in message


def test_the_units_contract_checklist_has_the_seven_papers(db):
    stage = StageDefinition.objects.get(definition__code="new_connection", code="contract_payment")
    names = [doc["name"] for doc in stage.documents_for(Customer.Kind.UNIT)]
    assert len(names) == 7
    for paper in (
        "营业执照",
        "机构代码证",
        "税务登记证",
        "法定代表人身份证",
        "基本账户",
        "法定代表人私章",
        "单位公章",
    ):
        assert any(paper in name for name in names), paper
    assert stage.documents_for(Customer.Kind.INDIVIDUAL) == []


# --- 3. each stage by its holder -------------------------------------------------------------------


@pytest.mark.parametrize(
    "stage, office", [("survey_design", "design"), ("budget", "budget"), ("settlement", "budget")]
)
def test_the_counter_cannot_complete_a_stage_the_design_or_budget_office_holds(clerk, offices, stage, office):
    process = walk_new_connection(clerk, start(clerk, **METER), until=stage)
    with pytest.raises(PermissionDenied, match="由.*办理"):
        services.advance(actor=clerk, process=process)
    moved = services.advance(actor=offices[office], process=process)
    assert moved.runs.get(stage__code=stage).left_by == offices[office]


def test_the_page_and_the_api_refuse_the_clerk_on_the_design_offices_stage(client, clerk, offices):
    process = walk_new_connection(clerk, start(clerk), until="survey_design")
    client.force_login(clerk)
    page = client.get(f"/processes/{process.pk}/").content.decode()
    assert 'id="advance"' not in page  # no button the clerk cannot use, and why
    assert "「勘测设计」由设计室办理" in page
    answer = client.post(
        f"/api/processes/{process.pk}/transitions",
        data=json.dumps({"action": "advance"}),
        content_type="application/json",
    )
    assert answer.status_code == 403 and "设计室" in answer.json()["detail"]
    client.force_login(offices["design"])
    answer = client.post(
        f"/api/processes/{process.pk}/transitions",
        data=json.dumps({"action": "advance"}),
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["current_stage"] == "budget"


def test_the_center_head_signs_on_the_page_and_the_api(client, clerk, director):
    process = start(clerk, CustomerFactory(kind=Customer.Kind.UNIT, household_count=1), **UNIT_CONTENTS)
    client.force_login(director)
    assert 'id="sign"' in client.get(f"/processes/{process.pk}/").content.decode()
    client.post(f"/processes/{process.pk}/sign/", {"note": "同意"})
    process.refresh_from_db()
    assert process.facts["center_head_signature"]["user_id"] == director.pk
    answer = client.post(
        f"/api/processes/{process.pk}/transitions",
        data=json.dumps({"action": "sign"}),
        content_type="application/json",
    )
    assert answer.status_code == 400 and "已由" in json.dumps(answer.json(), ensure_ascii=False)


# --- 4. P9: resumption, long suspensions, the renovation's 20 days ---------------------------------


def suspended_customer(clerk, make_user, when):
    customer = CustomerFactory(name="暂停户老刘")
    ServicePointFactory(customer=customer, service_area=customer.service_area)
    branch_staff = make_user(Role.UNIT_STAFF, username="branch1", unit=customer.service_area.branch)
    with time_machine.travel(when, tick=False):
        process = start(clerk, customer, code="suspension")
        walk = [clerk, branch_staff, clerk]
        for actor in walk:
            for doc in process.current_stage.documents_for(process.customer_kind):
                services.receive_document(actor=actor, process=process, code=doc["code"])
            process = services.advance(actor=actor, process=process)
    customer.refresh_from_db()
    assert customer.status == Customer.Status.SUSPENDED
    return customer, process, branch_staff


def test_a_resumption_restores_the_supply_of_a_suspended_customer(clerk, make_user):
    customer, _, branch_staff = suspended_customer(clerk, make_user, datetime(2026, 10, 9, 10, 0, tzinfo=SH))
    process = start(clerk, customer, code="resumption")
    for actor in (clerk, branch_staff, clerk):
        for doc in process.current_stage.documents_for(process.customer_kind):
            services.receive_document(actor=actor, process=process, code=doc["code"])
        process = services.advance(actor=actor, process=process)
    customer.refresh_from_db()
    assert process.state == Process.State.COMPLETED and customer.status == Customer.Status.ACTIVE
    assert customer.service_points.get().status == ServicePoint.Status.ACTIVE


def test_a_resumption_is_refused_for_a_customer_whose_supply_is_not_suspended(clerk):
    process = start(clerk, CustomerFactory(), code="resumption")
    assert "不是暂停用水状态" in refusals(clerk, process)["supply_suspended"]


def test_a_suspension_past_six_months_alerts_the_branch_once(clerk, make_user):
    # given a suspension completed on 2026-05-20, never resumed nor cancelled
    customer, suspension, branch_staff = suspended_customer(
        clerk, make_user, datetime(2026, 5, 20, 10, 0, tzinfo=SH)
    )

    # then on 11-19 (not yet six months) nothing is said
    assert alert_overdue_suspensions(datetime(2026, 11, 19, 8, 0, tzinfo=SH)) == []
    # and on 11-20 the branch is told, once, naming the rule and what to do
    assert alert_overdue_suspensions(datetime(2026, 11, 20, 8, 0, tzinfo=SH)) == ["暂停用水超期提醒：1 户"]
    alert = Alert.objects.get(recipient=branch_staff)
    assert alert.kind == "processes.suspension_overdue" and "已超过6个月" in alert.message
    assert "复水或销户" in alert.message and alert.url == f"/customers/{customer.pk}/"
    assert alert_overdue_suspensions(datetime(2026, 11, 20, 15, 0, tzinfo=SH)) == []  # the day's scan is done
    assert alert_overdue_suspensions(datetime(2026, 11, 21, 8, 0, tzinfo=SH)) == []  # already told
    assert Alert.objects.count() == 1
    assert events_for(suspension).filter(verb="process.suspension_overdue").count() == 1


def test_a_suspension_with_a_resumption_in_hand_alerts_nobody(clerk, make_user):
    customer, _, _ = suspended_customer(clerk, make_user, datetime(2026, 3, 2, 10, 0, tzinfo=SH))
    start(clerk, customer, code="resumption")
    assert alert_overdue_suspensions(datetime(2026, 11, 20, 8, 0, tzinfo=SH)) == []
    assert not Alert.objects.exists()


def test_months_before_keeps_the_day_or_takes_the_months_last():
    assert months_before(date(2026, 11, 20), 6) == date(2026, 5, 20)
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_before(date(2026, 3, 15), 6) == date(2025, 9, 15)


def test_twenty_working_days_are_the_renovations_not_every_units(clerk):
    cancellation = StageDefinition.objects.get(definition__code="cancellation", code="meter_removal")
    assert cancellation.deadline_for(Customer.Kind.UNIT) == 10
    renovation = StageDefinition.objects.get(definition__code="renovation_cancellation", code="meter_removal")
    assert renovation.deadline_for(Customer.Kind.CLUSTER) == 20
    with pytest.raises(ValidationError, match="没有适用于该客户类型的环节"):
        start(clerk, CustomerFactory(), code="renovation_cancellation")


# --- 5. Chinese labels, not codes -------------------------------------------------------------------


def test_the_counter_page_names_businesses_and_rules_in_chinese_not_by_their_codes(client, clerk):
    client.force_login(clerk)
    page = client.get("/processes/").content.decode()
    assert "无欠费、无违章用水" in page and "勘测设计费已缴清" in page
    for code in ("no_arrears", "new_connection", "design_fee_paid", "pressure_sufficient"):
        assert code not in page, code


# --- 6. the demo ---------------------------------------------------------------------------------


def test_the_demo_shows_a_new_connection_in_the_archive_and_a_long_suspension_alerted(db):
    from kefu.accounts.demo import seed_organisation
    from kefu.customers.demo import seed_customers
    from kefu.processes.demo import seed_processes

    # given the demo's organisation and customers
    seed_organisation({})
    seed_customers(60, seed=7, batch_size=500)

    # when the counter's demo is seeded
    result = seed_processes()

    # then a finished new connection has its point, meter and account in the customer's archive
    finished = Process.objects.get(definition__code="new_connection", state=Process.State.COMPLETED)
    point = ServicePoint.objects.get(connection_point_no=finished.facts["archive_service_point"])
    assert point.customer == finished.customer and point.account.number == finished.facts["archive_account"]
    assert point.meters.get().number == finished.facts["archive_meter"]
    numbering = Process.objects.get(number=finished.facts["connection_number_process"])
    assert numbering.state == Process.State.COMPLETED
    # written over weeks, not at the minute the seed ran
    runs = list(finished.runs.order_by("id").values_list("left_at", flat=True))
    assert (runs[-1] - runs[0]).days >= 14
    assert all(10 <= timezone.localtime(left).hour < 16 for left in runs)  # in office hours
    # and a suspension held past the rule alerted its branch
    alerts = Alert.objects.filter(kind="processes.suspension_overdue").select_related("recipient__unit")
    assert alerts and all(a.recipient.unit.kind == "branch" and "复水或销户" in a.message for a in alerts)
    assert any("已办结并入档" in note for note in result.notes)
    # the unit waiting for the center head's signature, and the budget office's login
    assert Process.objects.filter(
        definition__code="new_connection",
        customer__kind=Customer.Kind.UNIT,
        current_stage__code="application",
    ).exists()
    assert User.objects.filter(username="budget1", unit__code="budget_office").exists()


def test_the_application_report_contents_are_asked_of_units_only(client, clerk):
    client.force_login(clerk)
    individual = start(clerk)
    unit = start(clerk, CustomerFactory(kind=Customer.Kind.UNIT, household_count=1))
    assert 'name="building_numbers"' not in client.get(f"/processes/{individual.pk}/").content.decode()
    page = client.get(f"/processes/{unit.pk}/").content.decode()
    assert 'name="building_numbers"' in page and "建筑面积（m²）" in page


def test_a_stage_counted_from_the_road_permit_must_check_the_permit(db):
    from kefu.processes.definitions import check_stage

    stage = StageDefinition.objects.get(definition__code="new_connection", code="construction_notice")
    assert stage.deadline_unit == "road_permit"
    check_stage(stage)
    stage.rules = [rule for rule in stage.rules if rule != "road_permit_recorded"]
    with pytest.raises(ValidationError) as caught:
        check_stage(stage)
    assert "road_permit_recorded" in caught.value.message_dict["deadline_unit"][0]


def test_a_definitions_fee_rule_must_be_an_amount_in_yuan(db, make_user):
    from kefu.processes.definitions import save_definition
    from kefu.processes.models import ProcessDefinition

    admin = make_user(Role.ADMINISTRATOR, username="admin1")
    definition = ProcessDefinition.objects.get(code="new_connection")
    assert definition.fee_rule == "processes.survey_design_fee_yuan"
    definition.fee_rule = "processes.upload_max_mb"
    with pytest.raises(ValidationError) as caught:
        save_definition(actor=admin, definition=definition)
    assert "processes.survey_design_fee_yuan" in caught.value.message_dict["fee_rule"][0]


def test_a_refused_numbering_business_is_started_again_when_construction_is_ordered_again(clerk, offices):
    process = walk_new_connection(clerk, start(clerk), until="construction")
    first = Process.objects.get(number=process.facts["connection_number_process"])
    services.reject(actor=clerk, process=first, reason="图纸与申请表不符")
    process = walk_new_connection(clerk, process, until="system_filing")
    assert "已不予受理" in refusals(clerk, process)["connection_number_issued"]
    # when the clerk returns to the construction notice and orders it again
    process = services.return_to(
        actor=clerk, process=process, stage_code="construction_notice", reason="重新发号"
    )
    process = walk_new_connection(clerk, process, steps=1)
    second = Process.objects.get(number=process.facts["connection_number_process"])
    assert second != first and second.state == Process.State.ACTIVE


def test_a_business_without_the_signature_rule_is_not_signed(clerk, director):
    customer = CustomerFactory(kind=Customer.Kind.UNIT, household_count=1)
    process = start(clerk, customer, code="cancellation")
    with pytest.raises(ValidationError, match="无须中心负责人审核签字"):
        services.sign_application(actor=director, process=process)


def test_the_customers_timeline_shows_the_filing_in_words(clerk, offices):
    from kefu.processes.timeline import customer_timeline

    process = walk_new_connection(clerk, start(clerk, **METER), until="account_card")
    entries = customer_timeline(process.customer, clerk, kinds={"process"}, limit=50)
    filed = next(entry for entry in entries if "系统建档" in entry.summary and "接水点" in entry.summary)
    assert f"接水点 {process.facts['archive_service_point']}" in filed.summary
    assert f"户号 {process.facts['archive_account']}" in filed.summary
