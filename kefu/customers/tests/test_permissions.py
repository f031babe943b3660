"""Who may see and change which archive (S1, A1): roles, the branch scope of unit staff, and API tokens.
The pages and the API share one permission helper, so every check is made on both."""

import json

import pytest
from django.http import Http404
from django.test import Client
from django.utils import timezone

from kefu.accounts.auth import issue_token
from kefu.accounts.models import ApiToken, Role
from kefu.accounts.tests.factories import ServiceAreaFactory, UnitFactory
from kefu.core.models import Event
from kefu.customers.models import ArchiveAccess, Customer
from kefu.customers.permissions import get_customer_for
from kefu.customers.tests.factories import (
    AccountFactory,
    ContactPersonFactory,
    CustomerFactory,
    ServicePointFactory,
)


@pytest.fixture
def customer(db):
    return CustomerFactory(name="王建国", phone="13812345678")


def new_customer_payload(area) -> dict:
    return {
        "kind": "individual",
        "name": "李秀英",
        "phone": "13905710001",
        "address": "拱墅区湖墅南路1号",
        "service_area": area.code,
    }


# An account without a role


def test_an_account_without_a_role_may_not_open_any_archive_page(client_for, outsider, customer):
    client = client_for(outsider)
    for url in (
        "/customers/",
        "/customers/?q=王",
        f"/customers/{customer.pk}/",
        f"/customers/{customer.pk}/edit/",
        f"/customers/{customer.pk}/print/",
        "/customers/new/",
        "/customers/export.xlsx?q=王",
    ):
        assert client.get(url).status_code == 403, url


def test_an_account_without_a_role_may_not_use_the_archive_api(client_for, outsider, customer):
    client = client_for(outsider)
    assert client.get("/api/customers", {"q": "王"}).status_code == 403
    assert client.get(f"/api/customers/{customer.pk}").status_code == 403
    assert client.get(f"/api/customers/{customer.pk}/arrears").status_code == 403
    response = client.post(
        "/api/customers", new_customer_payload(customer.service_area), content_type="application/json"
    )
    assert response.status_code == 403
    assert "角色" in response.json()["detail"]
    assert (
        client.patch(
            f"/api/customers/{customer.pk}", {"name": "改名"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert Customer.objects.count() == 1


def test_an_account_without_a_role_may_not_use_the_calendar_api(client_for, outsider):
    response = client_for(outsider).get(
        "/api/calendar/deadline", {"start": "2026-09-30T10:00:00", "working_days": 3}
    )
    assert response.status_code == 403


# Unit staff see only their own branch's customers


@pytest.fixture
def branches(db):
    branch_a, branch_b = UnitFactory(name="城东供水分公司"), UnitFactory(name="城西供水分公司")
    area_a = ServiceAreaFactory(branch=branch_a, name="城东片区")
    area_b = ServiceAreaFactory(branch=branch_b, name="城西片区")
    return {"a": branch_a, "b": branch_b, "area_a": area_a, "area_b": area_b}


@pytest.fixture
def unit_staff_a(make_user, branches):
    return make_user(Role.UNIT_STAFF, username="unit_a", unit=branches["a"])


@pytest.fixture
def east_and_west(branches):
    east = CustomerFactory(
        name="王建国", phone="13812340001", address="解放路东段100号", service_area=branches["area_a"]
    )
    west = CustomerFactory(
        name="王建华", phone="13812340002", address="解放路西段200号", service_area=branches["area_b"]
    )
    for customer, tail in ((east, "1"), (west, "2")):
        AccountFactory(customer=customer, number=f"880000000{tail}")
        ServicePointFactory(customer=customer, connection_point_no=f"JS8800000{tail}")
        ContactPersonFactory(customer=customer, phone=f"1590000111{tail}")
    return east, west


def test_unit_staff_open_their_own_branchs_archives(client_for, unit_staff_a, east_and_west):
    east, _ = east_and_west
    client = client_for(unit_staff_a)
    assert client.get(f"/customers/{east.pk}/").status_code == 200
    assert client.get(f"/api/customers/{east.pk}").status_code == 200
    assert client.get(f"/api/customers/{east.pk}/arrears").status_code == 200


def test_unit_staff_get_404_for_another_branchs_archive(client_for, unit_staff_a, east_and_west):
    # given a customer of the west branch
    _, west = east_and_west
    client = client_for(unit_staff_a)
    # then an east-branch member of staff cannot tell it exists, on any channel
    assert client.get(f"/customers/{west.pk}/").status_code == 404
    assert client.get(f"/customers/{west.pk}/print/").status_code == 404
    assert client.get(f"/api/customers/{west.pk}").status_code == 404
    assert client.get(f"/api/customers/{west.pk}/arrears").status_code == 404


@pytest.mark.parametrize(
    "query", ["王建", "wjh", "1381234", "解放路西段", "8800000002", "JS88000002", "15900001112", "KH"]
)
def test_unit_staff_never_find_another_branchs_customers(client_for, unit_staff_a, east_and_west, query):
    # given a query that matches the west branch's customer (by name, pinyin, phone, address, account,
    # connection point, contact phone or customer number)
    east, west = east_and_west
    client = client_for(unit_staff_a)
    # when east-branch staff search, on the page and through the API
    page = client.get("/customers/", {"q": query}).content.decode()
    api_ids = {row["id"] for row in client.get("/api/customers", {"q": query}).json()["results"]}
    # then the west customer is never among the results
    assert west.pk not in api_ids
    assert f"/customers/{west.pk}/" not in page


def test_unit_staff_find_their_own_customers(client_for, unit_staff_a, east_and_west):
    east, _ = east_and_west
    api_ids = {
        row["id"] for row in client_for(unit_staff_a).get("/api/customers", {"q": "王建"}).json()["results"]
    }
    assert api_ids == {east.pk}


def test_other_roles_see_every_branch(client_for, agent, east_and_west):
    ids = {row["id"] for row in client_for(agent).get("/api/customers", {"q": "王建"}).json()["results"]}
    assert ids == {c.pk for c in east_and_west}


# Who may change an archive


def test_an_agent_may_read_but_not_change_an_archive(client_for, agent, customer):
    client = client_for(agent)
    assert client.get(f"/customers/{customer.pk}/").status_code == 200
    assert client.get(f"/customers/{customer.pk}/edit/").status_code == 403
    assert client.post(f"/customers/{customer.pk}/edit/", {"name": "改名"}).status_code == 403
    assert client.get("/customers/new/").status_code == 403
    response = client.patch(
        f"/api/customers/{customer.pk}", {"name": "改名"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "您的角色没有此项权限"
    response = client.post(
        "/api/customers", new_customer_payload(customer.service_area), content_type="application/json"
    )
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.name == "王建国"


def test_an_agent_sees_no_edit_button(client_for, agent, customer):
    page = client_for(agent).get(f"/customers/{customer.pk}/").content.decode()
    assert f"/customers/{customer.pk}/edit/" not in page


def test_a_counter_clerk_may_change_an_archive(client_for, counter_clerk, customer):
    client = client_for(counter_clerk)
    assert f"/customers/{customer.pk}/edit/" in client.get(f"/customers/{customer.pk}/").content.decode()
    response = client.patch(
        f"/api/customers/{customer.pk}", {"address": "西湖区文三路200号"}, content_type="application/json"
    )
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.address == "西湖区文三路200号"


def test_unit_staff_may_not_change_even_their_own_branchs_archive(client_for, unit_staff_a, east_and_west):
    east, _ = east_and_west
    response = client_for(unit_staff_a).patch(
        f"/api/customers/{east.pk}", {"name": "改名"}, content_type="application/json"
    )
    assert response.status_code == 403


# API tokens for programs


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def test_a_token_works_for_the_api(client, agent, customer):
    # given a token issued to an agent for the PBX middleware
    raw = issue_token(user=agent, name="呼叫中心中间件")
    # when a program calls the API with it, without any session
    response = client.get("/api/customers", {"q": "5678"}, headers=bearer(raw))
    # then it is answered as that agent: masked numbers, and the read is logged under the agent
    assert response.status_code == 200
    assert response.json()["results"][0]["phone"] == "138****5678"
    assert client.get(f"/api/customers/{customer.pk}", headers=bearer(raw)).status_code == 200
    assert ArchiveAccess.objects.filter(user=agent, customer=customer, channel="api").exists()
    token = ApiToken.objects.get()
    assert token.last_used_at is not None
    assert token.key_hash != raw  # only the hash is stored


def test_a_token_needs_no_csrf_token_for_writes(counter_clerk, customer):
    # given a program holding a clerk's token, with CSRF checks enforced as in production
    raw = issue_token(user=counter_clerk, name="营业系统对接")
    client = Client(enforce_csrf_checks=True)
    # when it opens an archive
    response = client.post(
        "/api/customers",
        json.dumps(new_customer_payload(customer.service_area)),
        content_type="application/json",
        headers=bearer(raw),
    )
    # then it is created, and the event names the clerk
    assert response.status_code == 201
    created = Customer.objects.get(name="李秀英")
    assert Event.objects.get(verb="customer.opened", target_id=created.pk).actor == counter_clerk


def test_a_session_write_without_csrf_token_is_refused(counter_clerk, customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(counter_clerk)
    response = client.post(
        "/api/customers",
        json.dumps(new_customer_payload(customer.service_area)),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "CSRF 校验失败，请刷新页面后重试"
    assert not Customer.objects.filter(name="李秀英").exists()


def test_a_revoked_token_gets_401(client, agent, customer):
    raw = issue_token(user=agent, name="旧中间件")
    ApiToken.objects.update(revoked_at=timezone.now())
    response = client.get("/api/customers", {"q": "5678"}, headers=bearer(raw))
    assert response.status_code == 401
    assert response.json()["detail"] == "请先登录或提供有效的访问令牌"


def test_an_unknown_token_gets_401(client, customer):
    assert client.get("/api/customers", {"q": "5678"}, headers=bearer("guessed-token")).status_code == 401
    assert (
        client.get(f"/api/customers/{customer.pk}", headers={"Authorization": "Bearer "}).status_code == 401
    )


def test_the_token_of_a_member_of_staff_who_left_gets_401(client, agent, customer):
    raw = issue_token(user=agent, name="中间件")
    agent.is_active = False
    agent.save()
    assert client.get("/api/customers", {"q": "5678"}, headers=bearer(raw)).status_code == 401


def test_the_token_of_an_account_without_a_role_gets_403(client, outsider, customer):
    raw = issue_token(user=outsider, name="中间件")
    assert client.get("/api/customers", {"q": "5678"}, headers=bearer(raw)).status_code == 403


def test_a_token_does_not_open_the_pages(client, agent, customer):
    raw = issue_token(user=agent, name="中间件")
    response = client.get(f"/customers/{customer.pk}/", headers=bearer(raw))
    assert response.status_code == 302
    assert response.url.startswith("/login/")


@pytest.mark.parametrize(
    "written",
    [
        lambda pk: str(pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),  # int() reads these
        lambda pk: f"+{pk}",
        lambda pk: "9223372036854775808",  # 2**63: beyond the database's bigint
        lambda pk: "¹",
    ],
    ids=["arabic_indic_digits", "plus_sign", "beyond_bigint", "superscript"],
)
def test_a_customer_id_written_otherwise_than_in_plain_digits_names_no_customer(agent, customer, written):
    # when the archive is fetched by an id a query could carry (?customer=…)
    # then only plain digits within the database's range name a customer (kefu.core.params.object_id)
    with pytest.raises(Http404):
        get_customer_for(agent, written(customer.pk))


def test_a_customer_id_as_plain_digits_or_a_number_names_the_customer(agent, customer):
    assert get_customer_for(agent, str(customer.pk)) == customer
    assert get_customer_for(agent, customer.pk) == customer
