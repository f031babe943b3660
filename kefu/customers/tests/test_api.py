"""The archive API (A1, A2, A4): create and change archives with the same rules as the form, Chinese
400s naming each field and never a 500, the arrears check, and reads."""

import json
from decimal import Decimal

import pytest

from kefu.accounts.tests.factories import ServiceAreaFactory
from kefu.core import services as core_services
from kefu.core.models import Event
from kefu.customers.models import Customer
from kefu.customers.tests.factories import AccountFactory, CustomerFactory, MeterFactory, ServicePointFactory


@pytest.fixture
def area(db):
    return ServiceAreaFactory(code="CX", name="城西片区")


@pytest.fixture
def api(client_for, counter_clerk):
    client = client_for(counter_clerk)

    def call(method: str, url: str, body=None):
        data = body if isinstance(body, str) or body is None else json.dumps(body, ensure_ascii=False)
        return getattr(client, method)(url, data=data or "", content_type="application/json")

    return call


def payload(**changes) -> dict:
    return {
        "kind": "individual",
        "name": "王建国",
        "id_number": "330106198503150016",
        "phone": "+86 138 1234 5678",
        "address": "西湖区文三路100号1幢1单元101室",
        "service_area": "CX",
    } | changes


# Creating


def test_it_creates_an_archive_and_answers_201(api, counter_clerk, area):
    # when a valid archive is posted
    response = api("post", "/api/customers", payload())
    # then it is created, normalised, and returned whole to the clerk
    assert response.status_code == 201
    body = response.json()
    customer = Customer.objects.get()
    assert body["id"] == customer.pk
    assert body["number"] == customer.number
    assert body["phone"] == "13812345678"
    assert body["id_type"] == "resident_id"
    assert body["service_area"] == "城西片区"
    assert body["accounts"] == [] and body["service_points"] == []
    assert Event.objects.get(verb="customer.opened").actor == counter_clerk


def test_it_finds_the_service_area_by_code_id_or_name(api, area):
    assert api("post", "/api/customers", payload(service_area="城西片区")).status_code == 201
    assert api("post", "/api/customers", payload(service_area=str(area.pk), id_number="")).status_code == 201


def test_it_creates_a_unit_with_its_credit_code(api, area):
    response = api(
        "post",
        "/api/customers",
        payload(
            kind="unit",
            name="阿里巴巴（中国）有限公司",
            id_number="91330100799655058b",
            phone="0571-85022088",
        ),
    )
    assert response.status_code == 201
    assert response.json()["id_type"] == "credit_code"
    assert response.json()["id_number"] == "91330100799655058B"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"id_number": "330106198503150017"}, "id_number", "身份证号码校验位错误（GB 11643），请核对号码"),
        ({"phone": "12812345678"}, "phone", "手机号码应为以1开头的11位数字，例如 13812345678"),
        ({"phone": "87654321"}, "phone", "固定电话请加区号，例如 0571-87654321"),
        (
            {"kind": "cluster", "id_number": "", "household_count": 19},
            "household_count",
            "集群客户户数应不少于20户",
        ),
        ({"low_income": True}, "low_income_certificate", "登记低保户须填写低保证号"),
        ({"kind": "alien"}, "kind", "客户类型只能是：个人、单位、集群"),
        ({"id_type": "passport"}, "id_type", "证件类型只能是：居民身份证、统一社会信用代码、其他证件"),
        ({"service_area": "火星片区"}, "service_area", "服务片区“火星片区”不存在"),
        ({"name": "  "}, "name", "客户名称不能为空"),
        ({"name": "王" * 101}, "name", "客户名称不能超过100个字"),
        ({"address": "路" * 201}, "address", "地址不能超过200个字"),
        ({"household_count": 0}, "household_count", "户数应为正整数"),
    ],
)
def test_it_refuses_a_broken_rule_with_a_chinese_message_for_the_field(api, area, changes, field, message):
    response = api("post", "/api/customers", payload(**changes))
    assert response.status_code == 400
    assert message in response.json()["errors"][field]
    assert not Customer.objects.exists()


def test_it_names_every_bad_field_at_once(api, area):
    response = api("post", "/api/customers", payload(id_number="330106198503150017", phone="123", address=""))
    assert set(response.json()["errors"]) == {"id_number", "phone", "address"}


def test_it_names_the_archive_that_already_has_this_id(api, area):
    CustomerFactory(number="KH00000042", name="王建国", id_number="330106198503150016")
    response = api("post", "/api/customers", payload(name="王建"))
    assert response.status_code == 400
    assert response.json()["errors"] == {"id_number": ["该证件号码已建档：王建国（KH00000042）"]}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"household_count": "many"}, "household_count", "应为整数"),
        ({"household_count": 2.5}, "household_count", "应为整数"),
        ({"low_income": "maybe"}, "low_income", "应为是或否（true/false）"),
        ({"low_income_valid_until": "2027-02-30"}, "low_income_valid_until", "日期格式应为 YYYY-MM-DD"),
        ({"name": 123}, "name", "应为文本"),
        ({"address": ["文三路"]}, "address", "应为文本"),
        ({"phone": None}, "phone", "应为文本"),
    ],
)
def test_it_refuses_wrong_types_in_chinese(api, area, changes, field, message):
    response = api("post", "/api/customers", payload(**changes))
    assert response.status_code == 400
    assert response.json()["errors"][field] == [message]


def test_it_says_which_fields_are_missing(api, area):
    response = api("post", "/api/customers", {"name": "王建国"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"phone": ["必填"], "address": ["必填"], "service_area": ["必填"]}


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        '{"name": "王建国",}',
        "王建国",
        "",
        "null",
        "[]",
        '[{"name": "王建国"}]',
        '"王建国"',
        "123",
        "true",
    ],
)
def test_it_never_answers_garbage_with_a_500(api, area, body):
    response = api("post", "/api/customers", body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors and all(not m.isascii() for messages in errors.values() for m in messages)


def test_it_says_a_body_that_is_not_json_is_not_json(api, area):
    response = api("post", "/api/customers", "{not json")
    assert response.json()["errors"] == {"__all__": ["请求体不是有效的 JSON"]}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"household_count": 99999999999999999999}, "household_count"),
        ({"household_count": 10**12}, "household_count"),
        ({"household_count": 1e30}, "household_count"),
        ({"low_income": True, "low_income_certificate": "证" * 41}, "low_income_certificate"),
        ({"name": "王\x00建国"}, "name"),
        ({"note": "备注\x00"}, "note"),
        ({"id_type": "other", "id_number": "E" * 31}, "id_number"),
        ({"service_area": "9" * 40}, "service_area"),
    ],
)
def test_it_refuses_values_the_database_could_not_store(api, area, changes, field):
    # numbers beyond the column's range, text beyond its length, NUL characters PostgreSQL refuses
    response = api("post", "/api/customers", payload(**changes))
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Customer.objects.exists()


# Changing


@pytest.fixture
def customer(area):
    return CustomerFactory(name="王建国", phone="13812345678", service_area=area, address="西湖区文三路100号")


def test_it_changes_only_the_fields_sent_and_records_old_and_new(api, counter_clerk, customer):
    # when the clerk sends a new phone number
    response = api("patch", f"/api/customers/{customer.pk}", {"phone": "139 9876 5432"})
    # then only the phone changes, and the event keeps the old number
    assert response.status_code == 200
    assert response.json()["phone"] == "13998765432"
    assert response.json()["address"] == "西湖区文三路100号"
    event = Event.objects.get(verb="customer.updated")
    assert event.changes == {"phone": ["13812345678", "13998765432"]}
    assert event.actor == counter_clerk


def test_it_refuses_a_bad_change_and_keeps_the_archive(api, customer):
    response = api("patch", f"/api/customers/{customer.pk}", {"phone": "123", "name": None})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"phone", "name"}
    customer.refresh_from_db()
    assert customer.phone == "13812345678"
    assert not Event.objects.filter(verb="customer.updated").exists()


def test_it_answers_404_for_an_archive_that_does_not_exist(api, customer):
    assert api("patch", "/api/customers/999999", {"name": "张三"}).status_code == 404
    assert api("get", "/api/customers/999999").status_code == 404
    assert api("get", "/api/customers/999999").json()["detail"] == "客户不存在或不在您的权限范围内"


# Reading


def test_it_reads_the_whole_archive(api, customer):
    point = ServicePointFactory(customer=customer, connection_point_no="JS20240001")
    MeterFactory(service_point=point, number="SB000000001", caliber_dn=20)
    AccountFactory(customer=customer, number="3301000001", arrears=Decimal("12.30"))
    body = api("get", f"/api/customers/{customer.pk}").json()
    assert body["service_points"][0]["connection_point_no"] == "JS20240001"
    assert body["service_points"][0]["meters"][0]["number"] == "SB000000001"
    assert body["accounts"] == [{"number": "3301000001", "arrears": "12.30", "status": "active"}]


# The arrears check over HTTP (A4)


def test_the_arrears_endpoint_reports_a_debt(client_for, agent, customer):
    # given an account with an unpaid bill
    AccountFactory(customer=customer, number="3301000001", arrears=Decimal("125.50"))
    # when an agent checks before accepting an application
    response = client_for(agent).get(f"/api/customers/{customer.pk}/arrears")
    # then the answer says there are arrears, how much and where
    assert response.status_code == 200
    body = response.json()
    assert body["customer_id"] == customer.pk
    assert body["has_arrears"] is True
    assert Decimal(body["total"]) == Decimal("125.50")
    assert body["message"] == "该客户有欠费，合计125.50元（户号3301000001欠费125.50元），须结清后方可办理"


def test_the_arrears_endpoint_follows_the_tolerance_policy(client_for, agent, administrator, customer):
    AccountFactory(customer=customer, arrears=Decimal("3.50"))
    client = client_for(agent)
    assert client.get(f"/api/customers/{customer.pk}/arrears").json()["has_arrears"] is True
    # when the administrator tolerates small arrears
    core_services.set_policy(actor=administrator, key="customers.arrears_tolerance_yuan", value="5.00")
    # then the next check passes at once
    body = client.get(f"/api/customers/{customer.pk}/arrears").json()
    assert body["has_arrears"] is False
    assert body["message"] == "无欠费"


def test_the_arrears_endpoint_reports_no_debt(client_for, agent, customer):
    AccountFactory(customer=customer, arrears=Decimal("0"))
    body = client_for(agent).get(f"/api/customers/{customer.pk}/arrears").json()
    assert body["has_arrears"] is False
    assert Decimal(body["total"]) == 0


# Search input


def test_the_search_endpoint_refuses_control_characters_with_a_chinese_400(client_for, agent, customer):
    response = client_for(agent).get("/api/customers", {"q": "王\x00"})
    assert response.status_code == 400
    assert "U+0000" in response.json()["errors"]["q"][0]
