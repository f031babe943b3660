"""Counter business in a real browser (P1–P3, P14, issue 4 item 7): a clerk takes a one-stop new connection
for an individual customer in arrears, the gate refuses it in plain Chinese until the arrears are paid at
the collection window, the design office works its stage from its own queue, the clerk takes the
business through every stage to 已办结 and prints the 业务受理回执 as a page and as a PDF."""

import re
from decimal import Decimal
from importlib import import_module

import pytest
from playwright.sync_api import expect

from kefu.accounts.models import Role, Unit, User
from kefu.accounts.tests.factories import ServiceAreaFactory, UnitFactory, UserFactory
from kefu.collection.models import Payment
from kefu.core.events import events_for
from kefu.customers.models import Account
from kefu.customers.tests.factories import AccountFactory, CustomerFactory
from kefu.processes import services
from kefu.processes.demo import issue_connection_number
from kefu.processes.models import Process

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The stages an individual customer goes through (组建项目组 and 技术交底 are for unit customers only).
INDIVIDUAL_STAGES = [
    "受理审核",
    "设计委托",
    "勘测设计",
    "编制预算",
    "资料移交（一式五份）",
    "通知客户（核价、破路手续）",
    "签订合同、缴纳工程款",
    "下达施工通知",
    "施工",
    "竣工验收",
    "系统建档",
    "建立账卡",
    "工程结算",
]


@pytest.fixture
def shipped_businesses(db):
    """The counter businesses and the design office the data migrations ship. A transactional test
    flushes them afterwards (see `shipped_categories`), so they are created again here; each `create`
    only adds what is missing."""
    from django.apps import apps

    for name in (
        "0002_new_connection",
        "0003_low_income_contract_connection_number",
        "0007_transfer_p9_appointment",
        "0013_one_stop_to_archive_resumption",
    ):
        import_module(f"kefu.processes.migrations.{name}").create(apps, None)


@pytest.fixture
def counter(shipped_businesses):
    branch = UnitFactory(code="FGS02", name="城西供水分公司", kind=Unit.Kind.BRANCH)
    area = ServiceAreaFactory(code="CX", name="城西片区", branch=branch)
    customer = CustomerFactory(
        name="王建国", phone="13812345678", address="西湖区文三路100号3幢2单元501室", service_area=area
    )
    account = AccountFactory(customer=customer, number="0100012345", arrears=Decimal("86.40"))
    UserFactory(username="clerk", name="营业员小王", role=Role.COUNTER_CLERK)
    UserFactory(
        username="designer",
        name="设计员老周",
        role=Role.UNIT_STAFF,
        unit=Unit.objects.get(code="design_office"),
    )
    UserFactory(
        username="budgeter",
        name="预算员老郑",
        role=Role.UNIT_STAFF,
        unit=Unit.objects.get(code="budget_office"),
    )
    return {"customer": customer, "account": account}


def complete_stage(page, stage: str, following: str | None) -> None:
    """Register the stage's own documents, if any, and complete it."""
    messages = page.locator(".messages")
    expect(page.locator("#current-stage")).to_contain_text(stage)
    expect(page.locator("#gate")).to_have_count(0)
    unticked = page.locator("#checklist input[name=code]:not([disabled])")
    if unticked.count():
        for box in unticked.all():
            box.check()
        page.locator("#checklist").get_by_role("button", name="登记收件").click()
        expect(messages).to_contain_text("已收取")
    page.get_by_role("button", name=f"完成「{stage}」，进入下一环节").click()
    expect(messages).to_contain_text(f"已进入「{following}」" if following else "业务已办结")


def log_out(page) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/login/"))


def test_a_clerk_takes_a_new_connection_from_the_arrears_refusal_to_completed_and_prints_the_receipt(
    live_server, counter, log_in, page
):
    customer, account = counter["customer"], counter["account"]
    messages = page.locator(".messages")
    current_stage = page.locator("#current-stage")

    # given: the clerk has the customer's archive open, which shows the arrears
    log_in("clerk")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    expect(page.locator("h1")).to_contain_text("王建国")
    expect(page.locator("h1")).to_contain_text("欠费 86.40 元")

    # when the clerk starts a one-stop new connection for the customer
    page.get_by_role("link", name="办理业务").click()
    expect(page.locator("h1")).to_contain_text("为 王建国 受理业务")
    page.select_option("#definition", label="用水报装（一站式）")
    page.get_by_role("button", name="受理").click()

    # then the business is taken in and waits in 受理审核 at the counter
    expect(messages).to_contain_text("已受理用水报装（一站式），业务编号 YW")
    expect(page.locator("h1")).to_contain_text("用水报装（一站式）")
    expect(current_stage).to_contain_text("受理审核（客服中心窗口）")
    process = Process.objects.get()
    process_url = f"{live_server.url}/processes/{process.pk}/"
    assert page.url == process_url
    expect(page.locator("h1")).to_contain_text(process.number)

    # when the clerk registers every document on the checklist and fills the application facts
    checklist = page.locator("#checklist")
    expect(checklist).to_contain_text("私房产权证复印件")
    expect(checklist).not_to_contain_text("用地红线图")  # a unit's documents are not asked of an individual
    for box in checklist.locator("input[name=code]").all():
        box.check()
    checklist.get_by_role("button", name="登记收件").click()
    expect(messages).to_contain_text("已收取4份材料")
    expect(page.locator("#documents")).to_contain_text("用水申请报告（客户用水申请表）")
    page.fill("#facts input[name=area_pressure_mpa]", "0.30")
    page.locator("#facts").get_by_role("button", name="保存申请信息").click()
    expect(messages).to_contain_text("申请信息已保存")
    expect(page.locator("#facts input[name=area_pressure_mpa]")).to_have_value("0.30")

    # then only the arrears still stand in the way
    gate = page.locator("#gate")
    expect(gate).to_contain_text("客户有欠费")
    expect(gate).not_to_contain_text("缺少材料")
    expect(gate).not_to_contain_text("供水压力")

    # when the clerk tries to move on anyway
    page.locator("#advance button[type=submit]").click()

    # then the refusal says why in Chinese, and the business stays in 受理审核
    expect(messages).to_contain_text("客户有欠费")
    expect(messages).to_contain_text("86.40")
    expect(messages).to_contain_text("请先到收费窗口结清后再办理")
    expect(current_stage).to_contain_text("受理审核")

    # when the customer pays the arrears in full at the collection window
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.locator("main a.button", has_text="收费").click()  # the archive's button, not the menu's
    expect(page.locator("h1")).to_contain_text("收费 · 王建国")
    page.select_option("#id_account", label="0100012345（欠费 ¥86.40）")
    page.fill("#id_amount", "86.40")
    page.select_option("#id_kind", label="欠费")
    page.select_option("#id_method", label="现金")
    page.get_by_role("button", name="确认收费").click()

    # then the payment is recorded, the arrears are gone, and the receipt says so
    expect(messages).to_contain_text("已收费 ¥86.40，流水号")
    expect(page.locator("body")).to_contain_text("收费后欠费")
    with page.expect_popup() as popup:
        page.get_by_role("link", name="打印收费凭证").click()
    receipt = popup.value
    expect(receipt.locator("h1")).to_have_text("收费凭证")
    expect(receipt.locator("body")).to_contain_text("王建国")
    expect(receipt.locator("body")).to_contain_text("¥86.40")
    expect(receipt.locator("body")).to_contain_text("尚欠")
    expect(receipt.locator("table")).to_contain_text("¥0.00")
    receipt.close()

    # when the clerk goes back to the business, takes the survey and design fee and moves on
    page.goto(process_url)
    expect(page.locator("#gate")).to_have_count(0)
    page.fill("#fee input[name=amount]", "42.5")
    page.locator("#fee").get_by_role("button", name="登记收费").click()
    expect(messages).to_contain_text("已登记收费 42.5 元")
    expect(page.locator("dl.facts")).to_contain_text("42.50 元")
    page.locator("#advance button[type=submit]").click()

    # then it is in 设计委托; and after that with the design office
    expect(messages).to_contain_text("已进入「设计委托」")
    page.locator("#advance button[type=submit]").click()
    expect(messages).to_contain_text("已进入「勘测设计」")
    expect(current_stage).to_contain_text("勘测设计（设计室）")

    # when the design office opens its queue, finds the business and completes the design
    log_out(page)
    log_in("designer")
    page.goto(f"{live_server.url}/processes/queue/")
    expect(page.locator("h1")).to_contain_text("环节待办 · 设计室")
    queue = page.locator("#queue")
    expect(queue).to_contain_text("王建国（个人）")
    expect(queue).to_contain_text("勘测设计")
    queue.get_by_role("link", name=process.number).click()
    expect(current_stage).to_contain_text("勘测设计（设计室）")
    page.locator("#advance button[type=submit]").click()

    # then the business has left the design office's hands: back on its queue, which is now empty
    expect(messages).to_contain_text("已进入「编制预算」")
    page.goto(f"{live_server.url}/processes/queue/")
    expect(page.locator("body")).to_contain_text("目前没有待办的业务环节")

    # when the clerk opens it, the budget is the 预算室's: nothing to complete at the counter
    log_out(page)
    log_in("clerk")
    page.goto(process_url)
    expect(current_stage).to_contain_text("编制预算（预算室）")
    expect(page.locator("#advance")).to_have_count(0)

    # when the budget office completes the budget and the hand-over of the papers
    log_out(page)
    log_in("budgeter")
    page.goto(process_url)
    complete_stage(page, "编制预算", "资料移交（一式五份）")
    complete_stage(page, "资料移交（一式五份）", "通知客户（核价、破路手续）")

    # when the clerk takes it through the counter's stages, recording the meter before the filing
    log_out(page)
    log_in("clerk")
    page.goto(process_url)
    counter_stages = INDIVIDUAL_STAGES[INDIVIDUAL_STAGES.index("通知客户（核价、破路手续）") : -1]
    for stage, following in zip(counter_stages, counter_stages[1:] + ["工程结算"], strict=True):
        if stage == "系统建档":
            # the numbering business the construction order started is done at its own desk
            process.refresh_from_db()
            issue_connection_number(User.objects.get(username="clerk"), process)
            page.fill("#facts input[name=meter_number]", "XZ26E2E0001")
            page.fill("#facts input[name=meter_caliber_dn]", "20")
            page.fill("#facts input[name=water_use_category]", "居民生活用水")
            page.locator("#facts").get_by_role("button", name="保存申请信息").click()
            expect(messages).to_contain_text("申请信息已保存")
        complete_stage(page, stage, following)

    # and the budget office settles the project
    log_out(page)
    log_in("budgeter")
    page.goto(process_url)
    complete_stage(page, "工程结算", None)
    log_out(page)
    log_in("clerk")
    page.goto(process_url)

    # then the business is completed, with nothing left to do on it
    expect(page.locator("#process-state")).to_contain_text("已办结")
    expect(current_stage).to_have_text("—")
    expect(page.locator("#work")).to_have_count(0)
    expect(page.locator("#runs tbody tr")).to_have_count(len(INDIVIDUAL_STAGES))

    # when the clerk prints the 业务受理回执
    forms = page.locator("#print-forms")
    with page.expect_popup() as popup:
        forms.get_by_role("link", name="业务受理回执").click()
    slip = popup.value

    # then it names the customer and the business number, and shows the fee taken
    expect(slip.locator("h1")).to_have_text("业务受理回执")
    expect(slip).to_have_title(re.compile("业务受理回执"))
    sheet = slip.locator("main.sheet")
    expect(sheet).to_contain_text("王建国")
    expect(sheet).to_contain_text(process.number)
    expect(sheet).to_contain_text("人民币肆拾贰元伍角整")
    slip.close()

    # and the PDF of the same form is a PDF
    pdf_href = forms.locator("a", has_text="PDF").first.get_attribute("href")
    assert pdf_href.endswith("/print/application_receipt.pdf")
    response = page.request.get(f"{live_server.url}{pdf_href}")
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    # and the database agrees
    process.refresh_from_db()
    assert process.state == Process.State.COMPLETED and process.completed_at is not None
    assert process.fee == Decimal("42.50")
    runs = list(process.runs.order_by("id").values_list("stage__name", "outcome"))
    assert runs == [(name, "advanced") for name in INDIVIDUAL_STAGES]
    assert process.runs.get(stage__code="survey_design").left_by.username == "designer"
    account.refresh_from_db()
    assert account.arrears == Decimal("0.00")
    assert Payment.objects.get().kind == Payment.Kind.ARREARS
    printed = list(
        events_for(process).filter(verb="form.printed").order_by("id").values_list("note", flat=True)
    )
    assert printed == ["首次打印", "补打（第2次）"]


def test_the_design_office_lands_on_a_page_it_may_see_after_completing_its_stage(
    live_server, counter, log_in, page
):
    # given: a new connection (arrears already paid) waiting in 勘测设计 at the design office
    clerk = User.objects.get(username="clerk")
    Account.objects.filter(pk=counter["account"].pk).update(arrears=Decimal("0"))
    process = services.start_process(
        actor=clerk, definition_code="new_connection", customer=counter["customer"]
    )
    for code in ("application", "property_certificate", "owner_id", "nearby_receipt"):
        services.receive_document(actor=clerk, process=process, code=code)
    services.set_facts(actor=clerk, process=process, facts={"area_pressure_mpa": "0.30"})
    services.record_fee(actor=clerk, process=process, amount=Decimal("42.50"))
    for _ in range(2):
        process = services.advance(actor=clerk, process=process)
    assert process.current_stage.code == "survey_design"

    # when the designer completes the stage
    log_in("designer")
    page.goto(f"{live_server.url}/processes/{process.pk}/")
    with page.expect_navigation() as landed:
        page.locator("#advance button[type=submit]").click()

    # then the page they land on is not an error page
    assert landed.value.status == 200, page.title()
    expect(page.locator(".messages")).to_contain_text("已进入「编制预算」")
