"""Printed forms of counter business (P1, P4–P6): each form prints for the businesses whose stages list
it, in Chinese, as HTML and as a PDF whose glyphs are really drawn; reprints are logged; amounts are
written in Chinese financial numerals."""

import shutil
import subprocess
from decimal import Decimal

import pytest
from PIL import Image

from kefu.accounts.models import Role
from kefu.core.events import events_for
from kefu.customers.models import ArchiveAccess
from kefu.customers.tests.factories import AccountFactory, CustomerFactory, MeterFactory, ServicePointFactory
from kefu.processes import services
from kefu.processes.models import StageRun
from kefu.processes.printing import printable_forms, yuan_in_words

NEW_CONNECTION_FORMS = [
    "application_receipt",
    "design_commission",
    "construction_contract",
    "construction_notice",
]


@pytest.fixture
def clerk(make_user):
    return make_user(Role.COUNTER_CLERK, username="clerk1", name="营业员小王")


@pytest.fixture
def head(make_user):
    return make_user(Role.DEPARTMENT_HEAD, username="head1", name="主任老李")


def start(clerk, code, customer=None, reached_every_stage=True, **facts):
    """A process of the business; by default arranged as if it had been through every stage (a stage's
    forms print once it is reached), without walking each gate: the forms, not the gates, are tested."""
    customer = customer or CustomerFactory(name="赵秀梅")
    process = services.start_process(actor=clerk, definition_code=code, customer=customer, facts=facts)
    if reached_every_stage:
        for stage in process.definition.stages.exclude(pk=process.current_stage_id):
            StageRun.objects.create(process=process, stage=stage, entered_at=process.created_at)
    return process


def refunded(clerk):
    """A new connection whose survey fee was paid, then found ineligible: a refund approval waits."""
    process = start(clerk, "new_connection")
    services.record_fee(actor=clerk, process=process, amount=Decimal("42.50"))
    return services.reject(actor=clerk, process=process, reason="勘测发现内外管混装")


def url(process, code, pdf=False):
    return f"/processes/{process.pk}/print/{code}" + (".pdf" if pdf else "/")


@pytest.mark.parametrize(
    "definition, code, title",
    [
        ("new_connection", "application_receipt", "业务受理回执"),
        ("new_connection", "design_commission", "设计委托书"),
        ("new_connection", "construction_contract", "工程施工合同"),
        ("new_connection", "construction_notice", "施工通知书"),
        ("low_income", "fee_reduction_slip", "水费减免单"),
        ("supply_contract", "supply_contract", "供用水合同"),
        ("connection_number", "connection_number_notice", "接水点编号通知单"),
        ("supply_contract", "application_receipt", "业务受理回执"),
    ],
)
def test_each_form_prints_with_its_title_and_the_customers_name(clerk, client_for, definition, code, title):
    # given
    process = start(clerk, definition)
    # when
    response = client_for(clerk).get(url(process, code))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in page and "赵秀梅" in page and process.number in page
    assert "打印</button>" in page and f'href="/processes/{process.pk}/"' in page


def test_the_receipt_lists_documents_and_each_stages_deadline_for_the_customer_kind(clerk, client_for):
    process = start(clerk, "new_connection")
    services.receive_document(actor=clerk, process=process, code="application")
    page = client_for(clerk).get(url(process, "application_receipt")).content.decode()
    assert "用水报装（一站式）" in page and "用水申请报告（客户用水申请表）" in page
    assert "<td>勘测设计</td><td>设计室</td><td>5个工作日</td>" in page  # 10 for a unit customer
    assert "组建项目组" not in page  # a unit/cluster stage only
    assert "¥42.50（人民币肆拾贰元伍角整）" in page  # the survey fee an individual pays
    assert "营业员小王" in page


def test_the_refund_approval_prints_the_amount_in_words_and_the_decision(clerk, head, client_for):
    process = refunded(clerk)
    services.decide(actor=head, approval=process.approvals.get(), approve=True)
    page = client_for(clerk).get(url(process, "refund_approval")).content.decode()
    assert "<h1>退费审批单</h1>" in page and "赵秀梅" in page
    assert "¥42.50（人民币肆拾贰元伍角整）" in page and "勘测发现内外管混装" in page
    assert "已批准" in page and "主任老李" in page and "营业员小王" in page


def test_the_supply_contract_carries_connection_points_calibers_and_the_contract_number(clerk, client_for):
    customer = CustomerFactory(name="赵秀梅")
    MeterFactory(
        service_point=ServicePointFactory(customer=customer, connection_point_no="JS20260007"), caliber_dn=25
    )
    process = start(clerk, "supply_contract", customer=customer, contract_number="GYS2026000012")
    page = client_for(clerk).get(url(process, "supply_contract")).content.decode()
    assert "JS20260007" in page and "DN25" in page and "GYS2026000012" in page
    assert customer.id_number in page  # a clerk may see the full number (customers.view_sensitive_customer)


def test_the_connection_number_notice_shows_the_issued_number_and_both_calibers(clerk, client_for):
    process = start(
        clerk,
        "connection_number",
        connection_point_no="JSD2026000017",
        caliber_applied_dn=20,
        caliber_drawing_dn=20,
    )
    page = client_for(clerk).get(url(process, "connection_number_notice")).content.decode()
    assert "JSD2026000017" in page and page.count("DN20") == 2


def test_the_fee_reduction_slip_names_the_papers_and_the_customers_accounts(clerk, client_for):
    customer = CustomerFactory(name="赵秀梅")
    AccountFactory(customer=customer, number="0100200300")
    process = start(
        clerk, "low_income", customer=customer, id_card_name="赵秀梅", certificate_number="DB2026-0031"
    )
    page = client_for(clerk).get(url(process, "fee_reduction_slip")).content.decode()
    assert "DB2026-0031" in page and "0100200300" in page


@pytest.mark.parametrize(
    "definition, code",
    [
        ("new_connection", "fee_reduction_slip"),  # another business's form
        ("low_income", "design_commission"),
        ("new_connection", "refund_approval"),  # no refund asked for
        ("new_connection", "no_such_form"),
    ],
)
def test_a_form_the_business_does_not_print_is_not_found(clerk, client_for, definition, code):
    process = start(clerk, definition)
    for pdf in (False, True):
        response = client_for(clerk).get(url(process, code, pdf=pdf))
        assert response.status_code == 404
    assert not events_for(process).filter(verb="form.printed").exists()


def test_a_stage_s_forms_print_only_once_the_process_has_reached_it(clerk, client_for):
    process = start(clerk, "new_connection", reached_every_stage=False)
    assert [form["code"] for form in printable_forms(process)] == ["application_receipt"]
    page = client_for(clerk).get(url(process, "construction_notice")).content.decode()
    assert "「施工通知书」在「下达施工通知」环节打印，本业务尚未办理到该环节" in page


def test_the_404_says_in_chinese_which_form_the_business_lacks(clerk, client_for):
    process = start(clerk, "new_connection")
    page = client_for(clerk).get(url(process, "fee_reduction_slip")).content.decode()
    assert "「用水报装（一站式）」业务没有「水费减免单」可打印" in page


@pytest.mark.parametrize("role", [Role.UNIT_STAFF, ""])
def test_a_user_who_may_not_view_processes_cannot_print(clerk, make_user, client_for, role):
    process = start(clerk, "new_connection")
    client = client_for(make_user(role, username="someone"))
    assert client.get(url(process, "application_receipt")).status_code == 403
    assert client.get(url(process, "application_receipt", pdf=True)).status_code == 403
    assert not events_for(process).filter(verb="form.printed").exists()


def test_reprints_of_the_fee_reduction_slip_are_logged_and_marked(clerk, client_for):
    # given
    process = start(clerk, "low_income", id_card_name="赵秀梅", certificate_number="DB2026-0031")
    client = client_for(clerk)
    # when: printed, the receipt printed in between, then the slip printed again (as a PDF)
    first = client.get(url(process, "fee_reduction_slip")).content.decode()
    client.get(url(process, "application_receipt"))
    client.get(url(process, "fee_reduction_slip", pdf=True))
    third = client.get(url(process, "fee_reduction_slip")).content.decode()
    # then
    slips = events_for(process).filter(verb="form.printed", changes__form__1="水费减免单").order_by("id")
    assert [e.note for e in slips] == ["首次打印", "补打（第2次）", "补打（第3次）"]
    assert {e.actor for e in slips} == {clerk}
    assert "补打（第" not in first and "补打（第3次）" in third
    receipt = events_for(process).get(verb="form.printed", changes__form__1="业务受理回执")
    assert receipt.note == "首次打印"


def test_a_print_is_logged_as_a_read_of_the_customers_archive(clerk, client_for):
    process = start(clerk, "new_connection")
    client_for(clerk).get(url(process, "application_receipt"))
    access = ArchiveAccess.objects.get(customer=process.customer)
    assert access.channel == ArchiveAccess.Channel.PRINT and access.user == clerk


def test_printable_forms_follow_the_definitions_stages_and_the_refund(clerk):
    assert [f["code"] for f in printable_forms(start(clerk, "new_connection"))] == NEW_CONNECTION_FORMS
    assert printable_forms(start(clerk, "low_income")) == [
        {"code": "application_receipt", "title": "业务受理回执"},
        {"code": "fee_reduction_slip", "title": "水费减免单"},
    ]
    assert [f["code"] for f in printable_forms(refunded(clerk))] == NEW_CONNECTION_FORMS + ["refund_approval"]


@pytest.mark.parametrize(
    "amount, words",
    [
        ("42.50", "肆拾贰元伍角整"),
        ("1005.07", "壹仟零伍元零柒分"),
        ("100000", "壹拾万元整"),
        ("0", "零元整"),
        ("0.5", "伍角整"),  # below one yuan no 元 is written
        ("0.05", "伍分"),
        ("10", "壹拾元整"),
        ("1000.50", "壹仟元伍角整"),
        ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
        ("10100000", "壹仟零壹拾万元整"),
        ("1001000", "壹佰万壹仟元整"),  # zeros closing a group are not read
        ("10000100", "壹仟万零壹佰元整"),
        ("100010000", "壹亿零壹万元整"),
        ("42.505", "肆拾贰元伍角壹分"),  # rounded half up to the fen
        (Decimal("-3"), "负叁元整"),
    ],
)
def test_yuan_in_words_writes_chinese_financial_numerals(amount, words):
    assert yuan_in_words(Decimal(amount)) == words


needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("pdftotext")), reason="poppler-utils not installed"
)


@needs_poppler
def test_the_pdf_draws_the_chinese_title_and_text(clerk, client_for, tmp_path):
    # given
    process = start(clerk, "new_connection")
    services.receive_document(actor=clerk, process=process, code="application")
    # when
    response = client_for(clerk).get(url(process, "application_receipt", pdf=True))
    # then
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{process.number}-application_receipt.pdf"'
    assert response.content.startswith(b"%PDF")
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(response.content)

    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout
    text = text.decode().replace(" ", "")
    assert "业务受理回执" in text and "赵秀梅" in text and "勘测设计" in text

    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    page = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    width, height = page.size  # A4 at 60 dpi: about 496 × 702
    # The title sits centred under the 16 mm top margin: about 38–62 px down at 60 dpi.
    title_area = page.crop((width // 4, 30, width * 3 // 4, 70))
    dark = sum(title_area.histogram()[:128])
    assert dark > 150, f"only {dark} dark pixels where the title should be"
    # Missing glyphs would be drawn as six identical boxes; real characters differ in ink.
    left, top, right, bottom = title_area.point(lambda v: 255 if v < 128 else 0).getbbox()
    step = (right - left) / len("业务受理回执")
    inks = [
        sum(
            title_area.crop((int(left + i * step), top, int(left + (i + 1) * step), bottom)).histogram()[:128]
        )
        for i in range(6)
    ]
    assert max(inks) - min(inks) > 10, f"the title's characters look alike: {inks}"
