"""Finding a customer the way callers describe themselves (A1): a name or its pinyin, a piece of a
phone number, an account or connection-point number, an ID number, part of the address."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.core import services as core_services
from kefu.core.pinyin import name_pinyin
from kefu.customers.selectors import search_customers
from kefu.customers.tests.factories import (
    AccountFactory,
    ContactPersonFactory,
    CustomerFactory,
    ServicePointFactory,
)


def customer(name: str, **fields):
    """A customer whose pinyin matches its name (the factory's default pinyin is 王建国's)."""
    kind = fields.get("kind", "individual")
    full, initials = name_pinyin(name, personal=kind == "individual")
    return CustomerFactory(name=name, name_pinyin=full, name_initials=initials, **fields)


def found(user, query: str, **kwargs) -> list[str]:
    return [c.name for c in search_customers(user, query, **kwargs).customers]


@pytest.fixture
def wang(db):
    return customer(
        "王建国",
        number="KH90000042",
        phone="13812345678",
        id_number="330106198503150016",
        address="西湖区文三路100号1幢1单元101室",
    )


@pytest.fixture
def others(db):
    return [
        customer("李秀英", phone="13905710001", id_number="310115197811053021", address="拱墅区湖墅南路88号"),
        customer("老王建设", phone="13700000000", id_number="", address="上城区解放路2号"),
        customer("曾小贤", phone="057187654321", id_number="", address="滨江区江南大道3号"),
    ]


# Names and pinyin


def test_two_characters_match_the_start_of_a_name(agent, wang, others):
    # given 王建国 and 老王建设, whose name has 王建 in the middle
    # when searching for 王建
    # then only the name that starts with it is found
    assert found(agent, "王建") == ["王建国"]


def test_two_characters_do_not_match_inside_a_name(agent, wang, others):
    assert found(agent, "建国") == []


def test_three_characters_match_anywhere_in_a_name(agent, wang, others, db):
    hospital = customer("杭州市第一人民医院", kind="unit", id_number="", address="上城区浣纱路261号")
    assert found(agent, "第一人民") == [hospital.name]
    assert found(agent, "王建设") == ["老王建设"]
    assert found(agent, "王建国") == ["王建国"]


def test_a_single_surname_finds_everyone_with_it(agent, wang, others):
    assert found(agent, "王") == ["王建国"]
    assert found(agent, "李") == ["李秀英"]


@pytest.mark.parametrize("query", ["wjg", "WJG", "wj", "wangjianguo", "wangjian", "WangJianGuo"])
def test_pinyin_initials_or_full_pinyin_find_a_name(agent, wang, others, query):
    assert found(agent, query) == ["王建国"]


def test_pinyin_uses_the_surname_reading(agent, wang, others):
    assert found(agent, "zxx") == ["曾小贤"]
    assert found(agent, "zengxiaoxian") == ["曾小贤"]
    assert found(agent, "cxx") == []


# Phone numbers, whole or in pieces (by a clerk, who sees them whole; for those who see them masked,
# test_search_masked_numbers.py)


@pytest.mark.parametrize("query", ["13812345678", "2345", "1234 5678", "123-4567", "5678"])
def test_any_four_or_more_digits_of_a_mobile_find_it(counter_clerk, wang, others, query):
    assert found(counter_clerk, query) == ["王建国"]


@pytest.mark.parametrize("query", ["0571-87654321", "87654321", "8765-4321", "(0571)8765"])
def test_a_piece_of_a_landline_finds_it(counter_clerk, wang, others, query):
    assert found(counter_clerk, query) == ["曾小贤"]


def test_a_contact_persons_phone_finds_the_customer(agent, counter_clerk, wang, others):
    # given 王建国's daughter gave her own mobile as contact
    ContactPersonFactory(customer=wang, name="王小丽", phone="15968880001")
    # when the caller gives that number, or a clerk a piece of it
    # then 王建国 is found
    assert found(counter_clerk, "6888000") == ["王建国"]
    assert found(agent, "15968880001") == ["王建国"]


def test_a_short_phone_fragment_asks_for_more_digits(client_for, agent, wang):
    # when an agent searches the phone field with three digits
    result = search_customers(agent, "567", field="phone")
    # then nothing is searched and the agent is told why
    assert result.customers == []
    assert result.notice == "按电话查询请至少输入4位数字"
    page = client_for(agent).get("/customers/", {"q": "567", "field": "phone"}).content.decode()
    assert "按电话查询请至少输入4位数字" in page


def test_the_minimum_phone_digits_is_a_policy(agent, administrator, wang):
    core_services.set_policy(actor=administrator, key="customers.search_min_digits", value=3)
    assert found(agent, "678", field="phone") == ["王建国"]


# Numbers printed on paper: account, connection point, ID, customer number


def test_an_account_number_prefix_finds_the_customer(agent, wang, others):
    AccountFactory(customer=wang, number="3301209876")
    assert found(agent, "3301209876") == ["王建国"]
    assert found(agent, "330120") == ["王建国"]
    assert found(agent, "209876", field="account") == []


def test_a_connection_point_number_finds_the_customer(agent, wang, others):
    ServicePointFactory(customer=wang, connection_point_no="JS20240001")
    assert found(agent, "JS20240001") == ["王建国"]
    assert found(agent, "js2024") == ["王建国"]


@pytest.mark.parametrize("query", ["330106198503150016", "33010619850315", "330106 19850315 0016"])
def test_an_id_number_or_its_start_finds_the_customer(counter_clerk, wang, others, query):
    assert found(counter_clerk, query) == ["王建国"]


def test_an_id_number_with_a_lower_case_x_is_found(agent, db):
    customer("赵晓东", id_number="11010519491231002X", phone="18600000001")
    assert found(agent, "11010519491231002x") == ["赵晓东"]


@pytest.mark.parametrize("query", ["KH90000042", "kh90000042", "KH9000004"])
def test_the_customer_number_finds_the_customer(agent, wang, others, query):
    assert "王建国" in found(agent, query)
    assert found(agent, "KH90000042") == ["王建国"]


# Addresses


def test_three_characters_of_an_address_find_the_customer(agent, wang, others):
    assert found(agent, "文三路") == ["王建国"]
    assert found(agent, "湖墅南路88号") == ["李秀英"]


def test_two_characters_of_an_address_ask_for_more(agent, wang, others):
    result = search_customers(agent, "文三", field="address")
    assert result.customers == []
    assert result.notice == "按地址查询请至少输入3个字"


# Choosing the field


def test_a_field_restricts_the_search(agent, wang, others):
    assert found(agent, "wjg", field="phone") == []
    assert found(agent, "wjg", field="pinyin") == ["王建国"]
    assert found(agent, "2345", field="name") == []
    assert found(agent, "文三路", field="name") == []
    assert found(agent, "文三路", field="address") == ["王建国"]


def test_an_empty_query_finds_nothing_and_runs_no_query(agent, wang, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert search_customers(agent, "   ").customers == []


# Paging: newest first, 20 a page, "next" without counting everything


def test_paging_shows_twenty_newest_first_and_knows_whether_there_is_more(agent, db):
    # given 21 customers named 王…
    made = [customer(f"王{n:02d}号", phone=f"1380000{n:04d}", id_number="") for n in range(21)]
    # when the first page is asked for
    first = search_customers(agent, "王")
    # then it holds the 20 newest and says there is a next page
    assert [c.pk for c in first.customers] == [c.pk for c in reversed(made)][:20]
    assert first.has_next and not first.has_previous
    # and the second page holds the oldest, and no further page
    second = search_customers(agent, "王", page=2)
    assert [c.pk for c in second.customers] == [made[0].pk]
    assert not second.has_next and second.has_previous


def test_the_search_page_links_to_the_next_page(client_for, agent, db):
    for n in range(21):
        customer(f"王{n:02d}号", phone=f"1380000{n:04d}", id_number="")
    page = client_for(agent).get("/customers/", {"q": "王"}).content.decode()
    assert "page=2" in page and "下一页" in page
    page = client_for(agent).get("/customers/", {"q": "王", "page": 2}).content.decode()
    assert "下一页" not in page and "上一页" in page


def test_the_api_pages_the_same_way(client_for, agent, db):
    for n in range(21):
        customer(f"王{n:02d}号", phone=f"1380000{n:04d}", id_number="")
    body = client_for(agent).get("/api/customers", {"q": "王"}).json()
    assert len(body["results"]) == 20 and body["has_next"] is True
    body = client_for(agent).get("/api/customers", {"q": "王", "page": 2}).json()
    assert len(body["results"]) == 1 and body["has_next"] is False


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "王", "page": 0}, "page"),
        ({"q": "王", "field": "email"}, "field"),
        ({"q": "王", "page": "two"}, "page"),
    ],
)
def test_the_api_refuses_a_bad_page_or_field_in_chinese(client_for, agent, params, field):
    response = client_for(agent).get("/api/customers", params)
    assert response.status_code == 400
    assert not response.json()["errors"][field][0].isascii()


# Query count: no query per result row


def test_the_search_page_costs_the_same_number_of_queries_for_2_or_20_results(
    client_for, agent, db, django_assert_num_queries
):
    # given a warmed-up client (session, permissions) and two matching customers
    client = client_for(agent)
    for n in range(2):
        customer(f"王{n:02d}号", phone=f"1380000{n:04d}", id_number="")
    client.get("/customers/", {"q": "王"})
    with CaptureQueriesContext(connection) as two:
        assert len(client.get("/customers/", {"q": "王"}).context["result"].customers) == 2
    # when there are twenty
    for n in range(2, 20):
        customer(f"王{n:02d}号", phone=f"1380000{n:04d}", id_number="")
    # then the page runs exactly as many queries
    with django_assert_num_queries(len(two)):
        response = client.get("/customers/", {"q": "王"})
    assert len(response.context["result"].customers) == 20
    assert len(two) <= 12


def test_the_api_search_costs_the_same_number_of_queries_for_2_or_20_results(
    client_for, agent, db, django_assert_num_queries
):
    client = client_for(agent)
    for n in range(2):
        customer(f"王{n:02d}号", phone=f"1380000{n:04d}", id_number="")
    client.get("/api/customers", {"q": "王"})
    with CaptureQueriesContext(connection) as two:
        client.get("/api/customers", {"q": "王"})
    for n in range(2, 20):
        customer(f"王{n:02d}号", phone=f"1380000{n:04d}", id_number="")
    with django_assert_num_queries(len(two)):
        assert len(client.get("/api/customers", {"q": "王"}).json()["results"]) == 20
