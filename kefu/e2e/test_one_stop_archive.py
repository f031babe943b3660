"""The one-stop new connection in a real browser where a clerk would notice (issue 13 point 6, P1, A4):
the design is refused while the survey and design fee is unpaid, in words that name the fee and the
rule; the design office's stage offers the clerk nothing to complete; and completing 系统建档 puts the
connection point (numbered by the connection_number business), the meter and a new account into the
customer's archive, which the archive page shows."""

import re
from importlib import import_module

import pytest
from playwright.sync_api import expect

from kefu.accounts.models import Role, Unit
from kefu.accounts.tests.factories import ServiceAreaFactory, UnitFactory, UserFactory
from kefu.customers.models import ServicePoint
from kefu.customers.tests.factories import CustomerFactory
from kefu.processes import services
from kefu.processes.demo import issue_connection_number, walk_new_connection

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def one_stop(db):
    """The shipped businesses and units (a transactional test flushes the migrations' rows), a clerk,
    the design and budget offices' staff, and a customer with no arrears."""
    from django.apps import apps

    for name in (
        "0002_new_connection",
        "0003_low_income_contract_connection_number",
        "0007_transfer_p9_appointment",
        "0013_one_stop_to_archive_resumption",
    ):
        import_module(f"kefu.processes.migrations.{name}").create(apps, None)
    branch = UnitFactory(code="FGS03", name="城南供水分公司", kind=Unit.Kind.BRANCH)
    area = ServiceAreaFactory(code="CN", name="城南片区", branch=branch)
    clerk = UserFactory(username="clerk", name="营业员小王", role=Role.COUNTER_CLERK)
    for username, code in (("designer", "design_office"), ("budgeter", "budget_office")):
        UserFactory(username=username, role=Role.UNIT_STAFF, unit=Unit.objects.get(code=code))
    customer = CustomerFactory(name="李明华", address="雨花区韶山路88号", service_area=area)
    process = services.start_process(
        actor=clerk, definition_code="new_connection", customer=customer, facts={"area_pressure_mpa": "0.30"}
    )
    for doc in process.current_stage.documents_for(process.customer_kind):
        services.receive_document(actor=clerk, process=process, code=doc["code"])
    return {"clerk": clerk, "customer": customer, "process": process}


def test_the_design_waits_for_the_fee_and_the_finished_filing_shows_in_the_archive(
    live_server, one_stop, log_in, page
):
    clerk, customer, process = one_stop["clerk"], one_stop["customer"], one_stop["process"]
    messages = page.locator(".messages")
    current_stage = page.locator("#current-stage")
    process_url = f"{live_server.url}/processes/{process.pk}/"
    process = services.advance(actor=clerk, process=process)  # → 设计委托, the fee not yet taken

    # when the clerk tries to send the application to the design office without the fee
    log_in("clerk")
    page.goto(process_url)
    expect(current_stage).to_contain_text("设计委托")
    expect(page.locator("#gate")).to_contain_text("尚未缴清勘测设计费")
    page.get_by_role("button", name="完成「设计委托」，进入下一环节").click()

    # then it is refused, naming the fee, the amount and the rule, and stays where it was
    expect(messages).to_contain_text("尚未缴清勘测设计费：标准42.50元，已收0.00元")
    expect(messages).to_contain_text("个人客户勘测设计费")
    expect(current_stage).to_contain_text("设计委托")

    # when the fee is taken, the design is commissioned and the design office holds the stage
    page.locator("#fee").get_by_role("button", name="登记收费").click()
    expect(messages).to_contain_text("已登记收费 42.50 元")
    page.get_by_role("button", name="完成「设计委托」，进入下一环节").click()
    expect(messages).to_contain_text("已进入「勘测设计」")

    # then the clerk has nothing to complete on the design office's stage
    expect(current_stage).to_contain_text("勘测设计（设计室）")
    expect(page.locator("#advance")).to_have_count(0)

    # given the rest done by their holders up to 系统建档, and the connection point numbered
    process.refresh_from_db()
    process = walk_new_connection(clerk, process, until="system_filing")
    issue_connection_number(clerk, process)

    # when the clerk records the meter installed and completes 系统建档
    page.goto(process_url)
    expect(current_stage).to_contain_text("系统建档")
    expect(page.locator("#linked-number")).to_contain_text("已办结")
    page.fill("#facts input[name=meter_number]", "XZ26E2E0002")
    page.fill("#facts input[name=meter_caliber_dn]", "25")
    page.fill("#facts input[name=water_use_category]", "居民生活用水")
    page.locator("#facts").get_by_role("button", name="保存申请信息").click()
    expect(messages).to_contain_text("申请信息已保存")
    page.get_by_role("button", name="完成「系统建档」，进入下一环节").click()
    expect(messages).to_contain_text("已进入「建立账卡」")

    # then the process says what it filed, and the archive shows the point, its meter and the account
    point = ServicePoint.objects.get(customer=customer)
    expect(page.locator("#archive-filed")).to_contain_text(point.connection_point_no)
    assert re.fullmatch(r"JSD\d{4}\d{6}", point.connection_point_no)
    page.locator("#archive-filed").get_by_role("link", name="查看档案").click()
    expect(page.locator("h1")).to_contain_text("李明华")
    main = page.locator("main")
    expect(main).to_contain_text(f"接水点 {point.connection_point_no}")
    expect(main).to_contain_text("XZ26E2E0002")
    expect(main).to_contain_text("DN25")
    expect(main).to_contain_text(f"户号 {point.account.number}")
