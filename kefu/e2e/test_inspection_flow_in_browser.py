"""A theft report from the hotline to a closed, filed inspection case, in Chromium (issue 17: I1–I3, D1,
D2), the agent, the inspectors and the center director on phones (375×812, touch), the archivist at
a desktop screen:

1. an agent records a 偷盗水举报 on the workspace (on a phone as well) and transfers it; the hotline
   sends it to 供水稽查执法队 and a 偷盗水 case opens by itself (the receiver, after commit);
2. an inspector puts himself and a colleague on the case (the case page), each shows his 稽查证件 on the
   field page of his own phone, and one takes a photo (the camera input): its SHA-256 shows;
3. the customer's 申辩 is recorded, the customer refusing to sign, with a witness; a 责令停止违章行为通知书
   is issued and refused too;
4. the inspector fills the 违章登记表 and asks for approval; an amount sent before the approval is refused
   in Chinese; the director approves in the queue with an opinion; the inspector records the amounts;
5. the case goes to the archive; the archivist ticks the content list and files it with its place (a
   JC-… catalogue number); the job `inspection.deadlines` closes the case (已结案);
6. an inspector asks to borrow the filed case file: refused, it is confidential.

Screenshots go to /tmp/kefu17/e2e_shots when /tmp/kefu17 exists."""

import hashlib
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from kefu.accounts.models import Role, Unit
from kefu.accounts.tests.factories import ServiceAreaFactory, UnitFactory, UserFactory
from kefu.archives.models import ArchiveFile, FileLoan
from kefu.customers.tests.factories import CustomerFactory, ServicePointFactory
from kefu.hotline.models import Category, WorkOrder
from kefu.inspection.models import Case, CaseKind, Evidence, Notice, PenaltyApproval, Statement
from kefu.inspection.tests.factories_field import png_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/kefu17/e2e_shots")
PHONE_WIDTH = 375
PASSWORD = "kefu-test-pass"


def shot(page, name: str) -> None:
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"inspection_{name}.png"), full_page=True)


def fits_the_phone(page) -> bool:
    """Nothing wider than the phone's screen: no horizontal scroll."""
    return page.evaluate(f"document.documentElement.scrollWidth <= {PHONE_WIDTH}")


@pytest.fixture
def phones(browser, live_server, csp_violations):
    """Log a user in on a phone of their own (375×812, touch); every page is checked for CSP refusals."""
    contexts = []

    def phone_for(username: str):
        context = browser.new_context(
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport={"width": PHONE_WIDTH, "height": 812},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.on("console", csp_violations.note)
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield phone_for
    for context in contexts:
        context.close()


@pytest.fixture
def utility(db, shipped_categories):
    """The inspection team (the unit the hotline sends theft reports to), a branch, a customer, an agent,
    two inspectors, the center director and the archivist."""
    UnitFactory(code="JCD", name="供水稽查执法队", kind=Unit.Kind.INSPECTION)
    west = UnitFactory(code="FGS02", name="城西供水分公司", kind=Unit.Kind.BRANCH)
    area = ServiceAreaFactory(code="CX", name="城西片区", branch=west)
    customer = CustomerFactory(
        name="城西食品厂", phone="13900001111", address="西湖区古墩路88号", service_area=area
    )
    ServicePointFactory(customer=customer, service_area=area, address=customer.address)
    return {
        "customer": customer,
        "agent": UserFactory(username="agent_jc", name="话务员小张", role=Role.AGENT),
        "zhou": UserFactory(
            username="jc_zhou", name="周稽查", role=Role.FIELD_INSPECTOR, employee_no="JC0101"
        ),
        "wu": UserFactory(username="jc_wu", name="吴稽查", role=Role.FIELD_INSPECTOR, employee_no="JC0102"),
        "director": UserFactory(username="zx_director", name="中心主任老郑", role=Role.CENTER_DIRECTOR),
        "archivist": UserFactory(username="dang_an", name="档案员小林", role=Role.ARCHIVIST),
    }


def wait_for_case(work_order: WorkOrder) -> Case:
    """The case the receiver opened after the hotline's commit (in the server's thread)."""
    for _ in range(50):
        case = Case.objects.filter(work_order=work_order).first()
        if case is not None:
            return case
        time.sleep(0.1)
    raise AssertionError("no case was opened for the theft report")


def post_from_page(page, action: str, fields: dict) -> None:
    """What a hand-made request would send (the page shows no such form): a POST with the page's CSRF
    token to `action`, answered in the page."""
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    with page.expect_navigation():
        page.evaluate(
            """([action, fields]) => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = action;
                for (const [name, value] of Object.entries(fields)) {
                    const input = document.createElement("input");
                    input.type = "hidden";
                    input.name = name;
                    input.value = value;
                    form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
            }""",
            [action, {"csrfmiddlewaretoken": token, **fields}],
        )


def test_a_theft_report_becomes_a_filed_closed_case_on_phones(
    live_server, utility, log_in, page, phones, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    customer = utility["customer"]

    # 1. the agent records the theft report on the workspace (a phone too) and transfers it
    agent = phones("agent_jc")
    agent.goto(f"{live_server.url}/hotline/")
    assert fits_the_phone(agent)
    agent.fill("#customer-q", "城西食品厂")
    agent.locator("#customer-lookup-results tr").first.get_by_role("button", name="选择").click()
    expect(agent.locator("#selected-customer")).to_contain_text("城西食品厂")
    agent.fill("#id_matter", "举报城西食品厂在水表前私接旁通管偷水，晚上用水量很大，已经好几天了")
    agent.select_option("#id_category", value=str(Category.objects.get(code="theft_report").pk))
    agent.check("input[name=disposition][value=transferred]")
    # the preview says where it goes: the inspection team
    expect(agent.locator("#route-preview")).to_contain_text("供水稽查执法队")
    shot(agent, "1_hotline")
    agent.click("#contact-form button[type=submit]")
    expect(agent.locator(".messages")).to_contain_text("已转 供水稽查执法队")
    assert fits_the_phone(agent)
    order = WorkOrder.objects.get(contact__customer=customer)
    assert order.unit.name == "供水稽查执法队"
    # and a 偷盗水 case opened by itself, from the hotline, due with the work order
    case = wait_for_case(order)
    assert case.kind == CaseKind.WATER_THEFT and case.source == Case.Source.HOTLINE
    assert case.customer == customer and "旁通管" in case.summary

    # 2. inspector 周 finds it in the list on his phone and puts himself, then 吴, on the case
    zhou = phones("jc_zhou")
    zhou.goto(f"{live_server.url}/inspection/")
    zhou.get_by_role("link", name=case.number).click()
    expect(zhou.locator("h1")).to_contain_text(case.number)
    expect(zhou.locator("#case-facts")).to_contain_text("热线举报")
    expect(zhou.locator("#too-few")).to_be_visible()
    assert fits_the_phone(zhou)
    zhou.locator("#assign-form").get_by_label("周稽查").check()
    zhou.locator("#assign-form").get_by_role("button", name="指派").click()
    expect(zhou.locator(".messages")).to_contain_text("已指派稽查员")
    zhou.locator("#assign-form").get_by_label("吴稽查").check()
    zhou.locator("#assign-form").get_by_role("button", name="指派").click()
    expect(zhou.locator("#case-inspectors")).to_contain_text("吴稽查")
    expect(zhou.locator("#too-few")).to_have_count(0)
    assert fits_the_phone(zhou)
    shot(zhou, "2_case_assigned")

    # each shows his 稽查证件 on the field page, on his own phone
    zhou.locator("#field-block").get_by_role("link", name="打开现场取证（手机）").click()
    expect(zhou.locator("h1")).to_contain_text(case.number)
    expect(zhou.locator("#field-problem")).to_contain_text("请先登记出示证件")
    zhou.locator("#inspectors li", has_text="周稽查").get_by_role("button", name="已出示证件").click()
    expect(zhou.locator(".messages")).to_contain_text("已登记周稽查出示稽查证件")
    wu = phones("jc_wu")
    wu.goto(f"{live_server.url}/inspection/cases/{case.pk}/field/")
    wu.locator("#inspectors li", has_text="吴稽查").get_by_role("button", name="已出示证件").click()
    expect(wu.locator(".messages")).to_contain_text("已登记吴稽查出示稽查证件")
    expect(wu.locator("#inspectors")).not_to_contain_text("未出示证件")
    assert case.inspectors.filter(id_shown_at__isnull=False).count() == 2

    # 周 starts the investigation on the case page
    zhou.goto(f"{live_server.url}/inspection/cases/{case.pk}/")
    zhou.locator("#start").click()
    expect(zhou.locator(".messages")).to_contain_text("已开始调查取证")

    # and takes a photo on the field page: the camera input, then its SHA-256 shows
    zhou.locator("#field-block").get_by_role("link", name="打开现场取证（手机）").click()
    expect(zhou.locator("#field-problem")).to_have_count(0)
    assert fits_the_phone(zhou)
    photo = png_bytes(colour=(40, 90, 160), size=8)
    camera = zhou.locator("#ev-files")
    assert camera.get_attribute("capture") == "environment"
    camera.set_input_files([{"name": "表前旁通管.png", "mimeType": "image/png", "buffer": photo}])
    zhou.fill("#ev-desc", "水表前私接旁通管，阀门开启")
    zhou.click("#evidence-form button[type=submit]")
    expect(zhou.locator(".messages")).to_contain_text("已登记现场照片1份")
    digest = hashlib.sha256(photo).hexdigest()
    expect(zhou.locator("#evidence")).to_contain_text(digest)
    assert Evidence.objects.get(case=case).sha256 == digest
    assert fits_the_phone(zhou)
    shot(zhou, "3_field_photo")

    # 3. the customer's defence, refused to sign, with a witness
    form = zhou.locator("#statement-form")
    form.locator("#st-kind").select_option(label="申辩")
    expect(form.locator("#st-person")).to_have_value("城西食品厂")
    form.locator("#st-person").fill("城西食品厂 厂长王某")
    form.locator("#st-content").fill("旁通管是前任租户装的，我们不知道，不承认偷水。")
    form.get_by_label("当事人拒签").check()
    form.locator("#st-witness").fill("社区网格员李某")
    form.get_by_label("见证人已签字").check()
    form.get_by_role("button", name="保存").click()
    expect(zhou.locator(".messages")).to_contain_text("已记录申辩")
    expect(zhou.locator("#statements")).to_contain_text("当事人拒签")
    expect(zhou.locator("#statements")).to_contain_text("见证人：社区网格员李某（已签字）")
    statement = Statement.objects.get(case=case)
    assert statement.signature == "refused" and statement.witness == "社区网格员李某"

    # a stop notice issued, its receipt refused too
    zhou.locator("#notices summary", has_text="开具通知书").click()
    zhou.locator("#no-kind").select_option(label="责令停止违章行为通知书")
    zhou.fill("#no-content", "你单位在水表前私接旁通管用水，属偷盗水行为，责令立即停止并拆除旁通管。")
    zhou.locator("#notice-form").get_by_role("button", name="开具并编号").click()
    expect(zhou.locator(".messages")).to_contain_text("已开具责令停止违章行为通知书")
    notice = Notice.objects.get(case=case)
    row = zhou.locator(f"#notice-{notice.pk}")
    row.get_by_label("当事人拒签").check()
    row.locator("input[name=witness]").fill("社区网格员李某")
    row.get_by_label("见证人已签字").check()
    row.get_by_role("button", name="登记签收").click()
    expect(zhou.locator(f"#notice-{notice.pk}")).to_contain_text("当事人拒签")
    notice.refresh_from_db()
    assert notice.signature == "refused" and notice.witness == "社区网格员李某"
    assert fits_the_phone(zhou)
    shot(zhou, "4_field_done")

    # 4. the finding, then the 违章登记表 sent for approval
    zhou.goto(f"{live_server.url}/inspection/cases/{case.pk}/")
    zhou.locator("#case-conclude select[name=finding]").select_option(label="违章属实")
    zhou.locator("#case-conclude textarea[name=conclusion]").fill("表前私接旁通管偷水属实，拟按规定处理。")
    zhou.locator("#case-conclude").get_by_role("button", name="记录结论").click()
    expect(zhou.locator(".messages")).to_contain_text("已记录调查结论")
    zhou.locator("#submit-link").click()
    zhou.fill("#facts", "2026年现场查实：水表前私接DN25旁通管，阀门开启，绕表用水。")
    zhou.fill("#regulation", "供水手册第七章 偷盗水")
    zhou.fill("#proposed_penalty", "2000")
    zhou.fill("#proposed_recovery", "3600.50")
    zhou.fill("#proposal", "责令拆除旁通管，追补水费并处违约金。")
    assert fits_the_phone(zhou)
    zhou.locator("#case-submit").get_by_role("button", name="报领导审批").click()
    expect(zhou.locator(".messages")).to_contain_text("已报客户服务中心领导审批")
    expect(zhou.locator("h1 .badge")).to_have_text("待领导审批")
    # the page offers no amounts before the approval; an amount sent anyway is refused in Chinese
    expect(zhou.locator("#amounts-form")).to_have_count(0)
    post_from_page(
        zhou,
        f"{live_server.url}/inspection/cases/{case.pk}/amounts/",
        {"penalty": "2000", "recovery": "3600.50"},
    )
    expect(zhou.locator("#form-error")).to_contain_text(
        "须经客户服务中心领导批准后再进行处理（第三条（九））"
    )
    case.refresh_from_db()
    assert case.amounts_recorded_at is None

    # the director approves in the queue, with an opinion
    director = phones("zx_director")
    director.goto(f"{live_server.url}/inspection/")
    director.get_by_role("link", name="待我审批").click()
    approval = PenaltyApproval.objects.get(case=case)
    card = director.locator(f"#approval-{approval.pk}")
    expect(card).to_contain_text(case.number)
    expect(card).to_contain_text("2000")
    assert fits_the_phone(director)
    card.locator("input[name=opinion]").fill("同意。责令拆除旁通管，按拟处理意见处理。")
    shot(director, "5_approval_queue")
    card.get_by_role("button", name="批准", exact=True).click()
    expect(director.locator(".messages")).to_contain_text(f"案件{case.number}：已批准处理")
    expect(director.locator("#no-approvals")).to_be_visible()
    expect(director.locator("#decided")).to_contain_text("同意。责令拆除旁通管")

    # the inspector records the amounts
    zhou.goto(f"{live_server.url}/inspection/cases/{case.pk}/")
    expect(zhou.locator("#case-approvals")).to_contain_text("中心主任老郑")
    zhou.locator("#amounts-form input[name=penalty]").fill("2000")
    zhou.locator("#amounts-form input[name=recovery]").fill("3600.50")
    zhou.locator("#amounts-form").get_by_role("button", name="登记金额").click()
    expect(zhou.locator("#amounts")).to_contain_text("违约金/罚款 2000.00元，追补水费 3600.50元")

    # 5. the case goes to the archive room
    zhou.locator("#archive").click()
    expect(zhou.locator(".messages")).to_contain_text("案卷已移交档案室，待归档")
    expect(zhou.locator("h1 .badge")).to_have_text("待归档")
    assert fits_the_phone(zhou)
    file = ArchiveFile.objects.get(source_number=case.number)
    assert file.category == "inspection" and file.restricted_to == "inspection.view_case"

    # the archivist (at the desk: a desktop screen) ticks the content list, gives the place and files it
    log_in("dang_an")
    page.goto(f"{live_server.url}/archives/")
    page.locator("#desk-pending").get_by_role("link", name=file.title).click()
    boxes = page.locator("#file-in-form input[name=items_checked]")
    assert boxes.count() == file.items.filter(removed_at__isnull=True).count() >= 4
    for index in range(boxes.count()):
        boxes.nth(index).check()
    page.fill("#location", "A03-2-015")
    page.get_by_role("button", name="清点无误，接收归档并编号").click()
    expect(page.locator("h1")).to_contain_text("档案 JC-")
    expect(page.locator("#file-location")).to_have_text("A03-2-015")
    file.refresh_from_db()
    assert file.state == ArchiveFile.State.FILED and file.catalogue_number.startswith("JC-")
    shot(page, "6_filed")

    # the job closes the case now that its papers are filed
    call_command("worker", "--once", "--job", "inspection.deadlines")
    zhou.goto(f"{live_server.url}/inspection/cases/{case.pk}/")
    expect(zhou.locator("h1 .badge")).to_have_text("已结案")
    expect(zhou.locator("#case-archive")).to_contain_text(file.catalogue_number)
    expect(zhou.locator("#case-archive")).to_contain_text("结案")
    assert fits_the_phone(zhou)
    shot(zhou, "7_closed")

    # 6. 吴 asks to borrow the filed case file (from the case page): refused, it is confidential
    wu.goto(f"{live_server.url}/inspection/cases/{case.pk}/")
    wu.locator("#case-archive").get_by_role("link", name=file.catalogue_number).click()
    expect(wu.locator("h1")).to_contain_text(file.catalogue_number)
    expect(wu.locator("h1")).to_contain_text("保密：不得借出、复印")
    wu.get_by_role("link", name="申请查阅或借出").click()
    wu.get_by_label("借出", exact=True).check()
    wu.get_by_label("借阅事由").fill("复核处理金额")
    wu.get_by_role("button", name="提交申请").click()
    expect(wu.locator(".messages")).to_contain_text("保密档案，不得借出或复印")
    expect(wu.locator(".messages")).to_contain_text(file.catalogue_number)
    assert not FileLoan.objects.filter(file=file).exists()
    assert fits_the_phone(wu)
    shot(wu, "8_loan_refused")
