"""The archive pages (A1, A2, A4): opening an archive through the form, the Chinese errors, editing with
history, the arrears check, documents, the Excel export and the cost of the archive page."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from kefu.accounts.tests.factories import ServiceAreaFactory
from kefu.core import services as core_services
from kefu.core.events import events_for
from kefu.core.models import Event
from kefu.customers import services
from kefu.customers.exports import HEADERS
from kefu.customers.models import Account, Customer, Document
from kefu.customers.tests.factories import (
    AccountFactory,
    ContactPersonFactory,
    ContractFactory,
    CustomerFactory,
    MeterFactory,
    ServicePointFactory,
)


@pytest.fixture
def area(db):
    return ServiceAreaFactory(name="城西片区")


def form_data(area, **changes) -> dict:
    data = {
        "kind": "individual",
        "name": "王建国",
        "id_type": "resident_id",
        "id_number": "330106198503150016",
        "phone": "138 1234 5678",
        "address": "西湖区文三路100号1幢1单元101室",
        "service_area": area.pk,
        "household_count": "1",
        "note": "",
    }
    return data | changes


# Opening an archive through the form


def test_a_counter_clerk_opens_an_archive_through_the_form(client_for, counter_clerk, area):
    # given a clerk with the new customer's details
    client = client_for(counter_clerk)
    assert client.get("/customers/new/").status_code == 200
    # when the form is sent
    response = client.post("/customers/new/", form_data(area))
    # then the archive exists, normalised, numbered, with its pinyin, and the clerk lands on it
    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response.url == f"/customers/{customer.pk}/"
    assert customer.number.startswith("KH") and len(customer.number) == 10
    assert customer.phone == "13812345678"
    assert (customer.name_pinyin, customer.name_initials) == ("wangjianguo", "wjg")
    assert customer.service_area == area
    # and the opening is recorded under the clerk
    event = events_for(customer).get()
    assert (event.verb, event.actor) == ("customer.opened", counter_clerk)
    assert "已建档" in client.get(response.url).content.decode()


def test_a_cluster_of_twenty_households_is_accepted(client_for, counter_clerk, area):
    data = form_data(area, kind="cluster", name="文三新村小区", id_number="", household_count="20")
    assert client_for(counter_clerk).post("/customers/new/", data).status_code == 302
    assert Customer.objects.get().household_count == 20


def test_a_low_income_household_with_its_certificate_is_accepted(client_for, counter_clerk, area):
    data = form_data(
        area,
        low_income="on",
        low_income_certificate="杭低保字2026第0012号",
        low_income_valid_until="2027-06-30",
    )
    assert client_for(counter_clerk).post("/customers/new/", data).status_code == 302
    customer = Customer.objects.get()
    assert customer.low_income and customer.low_income_valid_until == date(2027, 6, 30)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id_number": "330106198503150017"}, "身份证号码校验位错误"),
        ({"id_number": "330106199302290017"}, "身份证号码中的出生日期无效"),
        ({"phone": "1381234567"}, "手机号码应为以1开头的11位数字"),
        ({"phone": "8765 4321"}, "固定电话请加区号"),
        ({"kind": "cluster", "id_number": "", "household_count": "19"}, "集群客户户数应不少于20户"),
        ({"low_income": "on"}, "登记低保户须填写低保证号"),
        (
            {"low_income": "on", "low_income_certificate": "杭低保字001", "id_number": ""},
            "登记低保户须填写身份证号码",
        ),
        (
            {"kind": "unit", "low_income": "on", "low_income_certificate": "001", "id_number": ""},
            "只有个人客户可以登记为低保户",
        ),
        ({"name": ""}, "客户名称不能为空"),
        ({"address": ""}, "地址不能为空"),
        ({"service_area": ""}, "服务片区不能为空"),
        ({"household_count": "0"}, "户数应为正整数"),
        ({"household_count": "many"}, "户数应为正整数"),
        ({"low_income_valid_until": "2027-02-30"}, "日期格式应为 YYYY-MM-DD"),
        (
            {"kind": "unit", "id_type": "credit_code", "id_number": "91330100799655058C"},
            "统一社会信用代码校验位错误",
        ),
    ],
)
def test_the_form_explains_a_mistake_in_chinese(client_for, counter_clerk, area, changes, message):
    # when the clerk sends a form with a mistake
    response = client_for(counter_clerk).post("/customers/new/", form_data(area, **changes))
    # then the form comes back with the reason next to the field, and nothing is saved
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Customer.objects.exists()


def test_the_form_names_the_archive_that_already_has_this_id(client_for, counter_clerk, area):
    # given 王建国 already has an archive
    CustomerFactory(number="KH00000042", name="王建国", id_number="330106198503150016")
    # when a second archive is opened with his ID number
    response = client_for(counter_clerk).post("/customers/new/", form_data(area, name="王建"))
    # then the clerk is told which archive holds it
    assert "该证件号码已建档：王建国（KH00000042）" in response.content.decode()
    assert Customer.objects.count() == 1


def test_the_cluster_minimum_is_a_policy(client_for, counter_clerk, administrator, area):
    core_services.set_policy(actor=administrator, key="customers.cluster_min_households", value=10)
    data = form_data(area, kind="cluster", name="文三新村小区", id_number="", household_count="12")
    assert client_for(counter_clerk).post("/customers/new/", data).status_code == 302


# Editing keeps the history


def test_editing_records_the_old_and_new_values(client_for, counter_clerk, area):
    # given an archive opened by the clerk
    client = client_for(counter_clerk)
    client.post("/customers/new/", form_data(area))
    customer = Customer.objects.get()
    # when the phone and address are changed, with a reason
    response = client.post(
        f"/customers/{customer.pk}/edit/",
        form_data(area, phone="139-9876-5432", address="西湖区文三路200号", change_note="客户来电更正"),
    )
    assert response.status_code == 302
    # then the archive holds the new values
    customer.refresh_from_db()
    assert (customer.phone, customer.address) == ("13998765432", "西湖区文三路200号")
    # and the event holds both, old and new, with the reason and the clerk
    event = Event.objects.get(verb="customer.updated")
    assert event.actor == counter_clerk
    assert event.changes == {
        "phone": ["13812345678", "13998765432"],
        "address": ["西湖区文三路100号1幢1单元101室", "西湖区文三路200号"],
    }
    assert event.note == "客户来电更正"
    # and the original values stay visible in the archive's history
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "联系电话：13812345678 → 13998765432" in page
    assert "地址：西湖区文三路100号1幢1单元101室 → 西湖区文三路200号" in page
    assert "客户来电更正" in page


def test_saving_an_unchanged_archive_records_nothing(client_for, counter_clerk, area):
    client = client_for(counter_clerk)
    client.post("/customers/new/", form_data(area))
    customer = Customer.objects.get()
    client.post(f"/customers/{customer.pk}/edit/", form_data(area))
    assert not Event.objects.filter(verb="customer.updated").exists()


def test_the_edit_form_refuses_another_archives_id(client_for, counter_clerk, area):
    CustomerFactory(number="KH00000042", name="李秀英", id_number="310115197811053021")
    own = CustomerFactory(name="王建国", id_number="330106198503150016", service_area=area)
    response = client_for(counter_clerk).post(
        f"/customers/{own.pk}/edit/", form_data(area, id_number="310115197811053021")
    )
    assert "该证件号码已建档：李秀英（KH00000042）" in response.content.decode()
    own.refresh_from_db()
    assert own.id_number == "330106198503150016"


def test_the_edit_form_is_filled_with_the_current_values(client_for, counter_clerk, area):
    customer = CustomerFactory(name="王建国", address="西湖区文三路100号", service_area=area)
    page = client_for(counter_clerk).get(f"/customers/{customer.pk}/edit/").content.decode()
    assert 'value="西湖区文三路100号"' in page


# The arrears check (A4)


@pytest.fixture
def indebted(db):
    customer = CustomerFactory(name="王建国")
    AccountFactory(customer=customer, number="3301000001", arrears=Decimal("125.50"))
    AccountFactory(customer=customer, number="3301000002", arrears=Decimal("0"))
    return customer


def test_the_arrears_check_adds_up_the_active_accounts(indebted):
    # given a closed account that still shows a debt
    AccountFactory(
        customer=indebted, number="3301000003", arrears=Decimal("80"), status=Account.Status.CLOSED
    )
    # when the check runs
    result = services.check_arrears(indebted)
    # then only the active accounts count
    assert result.has_arrears
    assert result.total == Decimal("125.50")
    assert result.message == "该客户有欠费，合计125.50元（户号3301000001欠费125.50元），须结清后方可办理"


def test_require_no_arrears_refuses_a_customer_in_debt(indebted):
    with pytest.raises(ValidationError) as caught:
        services.require_no_arrears(indebted)
    assert caught.value.message_dict["arrears"][0].startswith("该客户有欠费，合计125.50元")


def test_a_customer_without_arrears_passes(db):
    customer = CustomerFactory()
    AccountFactory(customer=customer, arrears=Decimal("0"))
    result = services.require_no_arrears(customer.pk)
    assert not result.has_arrears and result.message == "无欠费"


def test_a_customer_without_accounts_has_no_arrears(db):
    assert not services.check_arrears(CustomerFactory()).has_arrears


def test_the_tolerance_is_a_policy_an_administrator_changes(indebted, administrator):
    # given the center tolerates arrears up to 200 yuan
    core_services.set_policy(actor=administrator, key="customers.arrears_tolerance_yuan", value="200.00")
    # then 125.50 no longer blocks, but 200.01 does
    assert not services.check_arrears(indebted).has_arrears
    services.require_no_arrears(indebted)
    Account.objects.filter(number="3301000002").update(arrears=Decimal("74.51"))
    assert services.check_arrears(indebted).has_arrears
    # and the change is recorded
    assert Event.objects.get(verb="policy.changed").changes == {"value": ["0.00", "200.00"]}


def test_arrears_equal_to_the_tolerance_do_not_block(indebted, administrator):
    core_services.set_policy(actor=administrator, key="customers.arrears_tolerance_yuan", value="125.50")
    assert not services.check_arrears(indebted).has_arrears


def test_the_archive_page_shows_the_arrears(client_for, agent, indebted):
    page = client_for(agent).get(f"/customers/{indebted.pk}/").content.decode()
    assert "欠费 125.50 元" in page


# Documents


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_clerk_uploads_a_document_and_downloads_it_again(client_for, counter_clerk, media):
    # given an archive and a scanned licence
    customer = CustomerFactory()
    client = client_for(counter_clerk)
    content = b"%PDF-1.4 scanned licence"
    # when the clerk uploads it
    response = client.post(
        f"/customers/{customer.pk}/documents/",
        {"kind": "licence", "title": "营业执照", "file": SimpleUploadedFile("licence.pdf", content)},
    )
    # then it is kept, listed on the archive and recorded
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.title, document.uploaded_by) == ("营业执照", counter_clerk)
    assert Event.objects.filter(verb="customer.document_added").exists()
    assert "营业执照" in client.get(f"/customers/{customer.pk}/").content.decode()
    # and downloading gives back the same bytes, as an attachment
    download = client.get(f"/customers/{customer.pk}/documents/{document.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert "attachment" in download["Content-Disposition"]


def test_a_program_file_cannot_be_uploaded(client_for, counter_clerk, media):
    customer = CustomerFactory()
    response = client_for(counter_clerk).post(
        f"/customers/{customer.pk}/documents/",
        {"kind": "other", "title": "工具", "file": SimpleUploadedFile("tool.exe", b"MZ")},
        follow=True,
    )
    assert "文件只能是 PDF、JPG、PNG、TIFF、Word 或 Excel 文件" in response.content.decode()
    assert not Document.objects.exists()


def test_an_html_page_renamed_pdf_is_refused_like_any_program(client_for, counter_clerk, media):
    # given a page that could carry script, renamed to look like a scan (issue 11 item 11)
    customer = CustomerFactory()
    page = SimpleUploadedFile("licence.pdf", b"<html><script>alert(1)</script></html>")
    # when a clerk uploads it to the archive
    response = client_for(counter_clerk).post(
        f"/customers/{customer.pk}/documents/", {"kind": "licence", "file": page}, follow=True
    )
    # then it is refused by its content, not let through by its name
    assert "文件只能是 PDF、JPG、PNG、TIFF、Word 或 Excel 文件" in response.content.decode()
    assert not Document.objects.exists()


def test_the_archive_upload_limit_is_a_rule_the_administrator_sets(client_for, counter_clerk, media):
    # given the administrator lowered the archive's file limit to 1 MB
    from kefu.core.services import set_policy

    set_policy(actor=None, key="customers.upload_max_mb", value=1)
    customer = CustomerFactory()
    scan = SimpleUploadedFile("big.pdf", b"%PDF-1.4" + b"0" * (1024 * 1024 + 1))
    # when a clerk uploads a larger scan
    response = client_for(counter_clerk).post(
        f"/customers/{customer.pk}/documents/", {"kind": "licence", "file": scan}, follow=True
    )
    # then the page says the limit
    assert "文件不能超过 1 MB" in response.content.decode()
    assert not Document.objects.exists()


def test_an_agent_cannot_upload_documents(client_for, agent, media):
    customer = CustomerFactory()
    response = client_for(agent).post(
        f"/customers/{customer.pk}/documents/",
        {"kind": "other", "title": "x", "file": SimpleUploadedFile("x.pdf", b"%PDF")},
    )
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_a_document_of_another_customer_is_not_served(client_for, counter_clerk, media):
    owner, other = CustomerFactory(), CustomerFactory()
    document = services.add_document(
        actor=counter_clerk,
        customer=owner,
        kind="other",
        title="图纸",
        file=SimpleUploadedFile("plan.pdf", b"%PDF"),
    )
    assert client_for(counter_clerk).get(f"/customers/{other.pk}/documents/{document.pk}/").status_code == 404


# Contact persons


def test_a_clerk_adds_a_contact_person(client_for, counter_clerk):
    customer = CustomerFactory()
    client = client_for(counter_clerk)
    client.post(
        f"/customers/{customer.pk}/contacts/",
        {"name": "李秀英", "phone": "139-0571-0001", "relation": "配偶"},
    )
    person = customer.contact_persons.get()
    assert (person.name, person.phone) == ("李秀英", "13905710001")


def test_a_bad_contact_phone_is_explained(client_for, counter_clerk):
    customer = CustomerFactory()
    response = client_for(counter_clerk).post(
        f"/customers/{customer.pk}/contacts/", {"name": "李秀英", "phone": "12345"}, follow=True
    )
    assert "手机号码应为以1开头的11位数字" in response.content.decode()
    assert not customer.contact_persons.exists()


# The Excel export


def test_the_export_opens_in_excel_and_holds_the_found_rows(client_for, counter_clerk, area):
    # given two customers named 王 and one who is not
    wang = CustomerFactory(number="KH00000001", name="王建国", service_area=area, household_count=1)
    CustomerFactory(number="KH00000002", name="王秀英", service_area=area)
    CustomerFactory(number="KH00000003", name="李秀英", service_area=area)
    # when the clerk exports the search for 王
    response = client_for(counter_clerk).get("/customers/export.xlsx", {"q": "王"})
    # then the file is a workbook with the header and the two rows, newest first
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.content))
    sheet = workbook["客户档案"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert [r[0] for r in rows[1:]] == ["KH00000002", "KH00000001"]
    first = dict(zip(HEADERS, rows[2], strict=True))
    assert first["客户名称"] == "王建国"
    assert first["证件号码"] == wang.id_number
    assert first["服务片区"] == "城西片区"
    assert first["客户类型"] == "个人"
    assert first["低保户"] == "否"


def test_an_agent_may_not_export(client_for, agent):
    assert client_for(agent).get("/customers/export.xlsx", {"q": "王"}).status_code == 403


# The archive page costs a fixed number of queries


def full_archive(customer, points: int, meters_per_point: int):
    ContactPersonFactory(customer=customer)
    AccountFactory(customer=customer)
    ContractFactory(customer=customer)
    for _ in range(points):
        point = ServicePointFactory(customer=customer, account=AccountFactory(customer=customer))
        for _ in range(meters_per_point):
            MeterFactory(service_point=point)


def test_the_archive_page_costs_the_same_however_many_meters(
    client_for, counter_clerk, django_assert_num_queries, media
):
    # given a small archive (one connection point, one meter) and a warmed-up client
    client = client_for(counter_clerk)
    small, large = CustomerFactory(), CustomerFactory()
    full_archive(small, points=1, meters_per_point=1)
    client.get(f"/customers/{small.pk}/")
    with CaptureQueriesContext(connection) as baseline:
        assert client.get(f"/customers/{small.pk}/").status_code == 200
    # and a large one: four connection points with six meters each, documents and history
    full_archive(large, points=4, meters_per_point=6)
    for n in range(3):
        services.add_document(
            actor=counter_clerk,
            customer=large,
            kind="other",
            title=f"资料{n}",
            file=SimpleUploadedFile(f"d{n}.pdf", b"%PDF"),
        )
    # then the large archive page runs no more queries than the small one
    with django_assert_num_queries(len(baseline)):
        response = client.get(f"/customers/{large.pk}/")
    assert response.content.decode().count("DN20") == 24
    # the page and the archive (about 17) and the relationship timeline's one bounded read per kind of
    # row (papers, archive changes, contacts, order steps, callbacks, return visits, counter steps, payments)
    assert len(baseline) <= 26


def test_the_print_view_costs_the_same_however_many_meters(
    client_for, counter_clerk, django_assert_num_queries
):
    client = client_for(counter_clerk)
    small, large = CustomerFactory(), CustomerFactory()
    full_archive(small, points=1, meters_per_point=1)
    full_archive(large, points=3, meters_per_point=5)
    client.get(f"/customers/{small.pk}/print/")
    with CaptureQueriesContext(connection) as baseline:
        client.get(f"/customers/{small.pk}/print/")
    with django_assert_num_queries(len(baseline)):
        client.get(f"/customers/{large.pk}/print/")
