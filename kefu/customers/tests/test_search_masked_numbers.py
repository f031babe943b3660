"""Search is no oracle for masked numbers (A3, issue 11 item 1).

An agent sees 138****5678. If any piece of a number found the customer, the agent could ask for 45678,
then 345678, … and read the masked digits off which searches find them. So for a user who sees numbers
masked, a phone or ID query matches only inside the parts the mask shows, or the complete number; in
every search box (archive search page and API, the hotline lookup, the contact register). A search by
the complete number is a read of the archive and is logged; number searches are rate-limited."""

import re

import pytest
from django.core.cache import caches

from kefu.core import services as core_services
from kefu.core.validators import mask_id_number, mask_phone
from kefu.customers.masking import shown_id_parts, shown_phone_parts
from kefu.customers.models import ArchiveAccess
from kefu.customers.selectors import search_customers
from kefu.customers.tests.factories import ContactPersonFactory, CustomerFactory

PHONE = "13812345678"
ID_NUMBER = "330106198503150016"
LANDLINE = "057187654321"


@pytest.fixture
def wang(db):
    return CustomerFactory(name="王建国", phone=PHONE, id_number=ID_NUMBER, id_type="resident_id")


@pytest.fixture
def generous_limit(administrator):
    """A limit no test below reaches, so that what is shown is the matching rule, not the limit."""
    core_services.set_policy(actor=administrator, key="customers.search_per_minute", value=10000)


def found(user, query: str, **kwargs) -> list[str]:
    return [c.name for c in search_customers(user, query, **kwargs).customers]


def api_found(client, query: str, field: str = "auto") -> list[str]:
    response = client.get("/api/customers", {"q": query, "field": field})
    assert response.status_code == 200
    return [row["name"] for row in response.json()["results"]]


# The attack from the review, replayed


def test_the_digit_by_digit_attack_on_a_phone_recovers_nothing(client_for, agent, wang, generous_limit):
    # given an agent who sees 王建国's phone as 138****5678
    client = client_for(agent)
    assert api_found(client, "5678", "phone") == ["王建国"]
    # when the agent adds one digit at a time before the visible 5678, trying every digit each time
    answers = {}
    known = "5678"
    for _position in range(4):
        hits = [digit for digit in "0123456789" if api_found(client, digit + known, "phone")]
        answers[known] = hits
        known = (hits[0] if hits else "0") + known
    # then no guess is ever confirmed: the masked digits stay unknown
    assert all(hits == [] for hits in answers.values())


def test_the_prefix_attack_on_an_id_number_recovers_nothing(client_for, agent, wang, generous_limit):
    # given an agent who sees 王建国's ID as 330106********0016
    client = client_for(agent)
    assert api_found(client, "330106", "id_number") == ["王建国"]
    # when the agent extends the visible region code by every possible next digit
    confirmed = [digit for digit in "0123456789" if api_found(client, "330106" + digit, "id_number")] + [
        digit for digit in "0123456789" if api_found(client, "3301061" + digit, "auto")
    ]
    # then nothing is confirmed
    assert confirmed == []


def test_the_complete_number_still_finds_the_customer(client_for, agent, wang):
    client = client_for(agent)
    assert api_found(client, PHONE) == ["王建国"]
    assert api_found(client, "138-1234-5678", "phone") == ["王建国"]
    assert api_found(client, ID_NUMBER) == ["王建国"]


# What the mask shows behaves as before


@pytest.mark.parametrize("query", ["5678", "138 1234 5678"])
def test_the_shown_last_four_digits_or_the_whole_number_find_a_mobile(agent, wang, query):
    assert found(agent, query, field="phone") == ["王建国"]


@pytest.mark.parametrize("query", ["2345", "1234", "8123", "812345678", "3812345678"])
def test_digits_the_mask_hides_find_nothing(agent, wang, query):
    assert found(agent, query, field="phone") == []


def test_the_shown_first_three_digits_find_a_mobile_when_the_policy_allows_three(administrator, agent, wang):
    core_services.set_policy(actor=administrator, key="customers.search_min_digits", value=3)
    assert found(agent, "138", field="phone") == ["王建国"]
    assert found(agent, "678", field="phone") == ["王建国"]
    assert found(agent, "812", field="phone") == []


def test_a_landline_is_found_by_its_area_code_or_last_four_digits(agent, db):
    CustomerFactory(name="曾小贤", phone=LANDLINE, id_number="")
    assert found(agent, "0571", field="phone") == ["曾小贤"]
    assert found(agent, "4321", field="phone") == ["曾小贤"]
    assert found(agent, "0571-87654321", field="phone") == ["曾小贤"]
    assert found(agent, "8765", field="phone") == []
    assert found(agent, "87654321", field="phone") == []


def test_a_contact_persons_phone_follows_the_same_rule(agent, wang):
    ContactPersonFactory(customer=wang, name="王小丽", phone="15968880001")
    assert found(agent, "0001", field="phone") == ["王建国"]
    assert found(agent, "15968880001", field="phone") == ["王建国"]
    assert found(agent, "6888000", field="phone") == []


def test_the_region_code_of_an_id_number_finds_it_and_a_longer_prefix_does_not(agent, wang):
    assert found(agent, "330106", field="id_number") == ["王建国"]
    assert found(agent, "3301", field="id_number") == ["王建国"]
    assert found(agent, "3301061", field="id_number") == []
    assert found(agent, "33010619850315") == []


def test_a_credit_code_is_shown_whole_and_found_by_any_prefix(agent, db):
    CustomerFactory(name="阿里巴巴", kind="unit", id_type="credit_code", id_number="91330100799655058B")
    assert found(agent, "9133010079", field="id_number") == ["阿里巴巴"]


def test_a_clerk_who_sees_numbers_whole_finds_them_by_any_piece(counter_clerk, wang):
    assert found(counter_clerk, "2345", field="phone") == ["王建国"]
    assert found(counter_clerk, "33010619850315") == ["王建国"]


@pytest.mark.parametrize(
    "number", [PHONE, LANDLINE, "01065529988", "02012345678", "0851234567", "5551234", "13900001111"]
)
def test_the_search_rule_reads_the_phone_mask_backwards(number):
    # the parts the search lets a masked user match are exactly the digits mask_phone prints
    head, tail = shown_phone_parts(number)
    masked = mask_phone(number).replace("-", "")
    assert masked.startswith(head) and masked.endswith(tail)
    assert re.fullmatch(re.escape(head) + r"\*+" + re.escape(tail), masked)


@pytest.mark.parametrize("number", [ID_NUMBER, "11010519491231002X", "G12345678"])
def test_the_search_rule_reads_the_id_mask_backwards(number):
    head, tail = shown_id_parts(number)
    assert re.fullmatch(re.escape(head) + r"\*+" + re.escape(tail), mask_id_number(number))


# Every search box: the page, the hotline lookup, the contact register


def test_the_search_page_and_the_hotline_lookup_apply_the_same_rule(client_for, agent, wang):
    client = client_for(agent)
    for url in ("/customers/", "/hotline/customer-lookup/"):
        assert "王建国" in client.get(url, {"q": "5678"}).content.decode()
        assert "王建国" not in client.get(url, {"q": "45678"}).content.decode()
        assert "王建国" in client.get(url, {"q": PHONE}).content.decode()


def test_the_contact_register_search_is_no_oracle_for_a_callers_phone(client_for, agent, generous_limit):
    # given a call recorded from 13812345678, which the register shows as 138****5678
    from kefu.hotline.tests.test_pages_contacts import consult

    consult(agent, phone=PHONE, caller_name="王先生", matter="咨询阶梯水价")
    client = client_for(agent)

    def register_finds(query: str) -> bool:
        return "王先生" in client.get("/hotline/contacts/", {"q": query}).content.decode()

    # then the shown parts and the whole number find the call; hidden pieces and prefixes do not
    assert register_finds("5678") and register_finds("138") and register_finds(PHONE)
    assert not any(register_finds(q) for q in ("1381", "13812", "1381234", "45678", "345678", "2345"))
    response = client.get("/api/hotline/contacts", {"q": "1381234"})
    assert response.status_code == 200 and response.json()["results"] == []


# A search by the complete number is a read; probing is rate-limited


def test_a_search_by_the_complete_number_is_logged_as_an_archive_read(client_for, agent, wang):
    client = client_for(agent)
    # a search by a shown piece is not a read of the archive
    client.get("/api/customers", {"q": "5678"})
    assert not ArchiveAccess.objects.exists()
    # when the agent searches by the complete number
    client.get("/api/customers", {"q": PHONE})
    client.get("/hotline/customer-lookup/", {"q": ID_NUMBER})
    # then each search is one row naming the customer found
    rows = list(ArchiveAccess.objects.order_by("id").values_list("user__username", "customer_ids", "path"))
    assert [(user, ids) for user, ids, _path in rows] == [("agent", [wang.pk]), ("agent", [wang.pk])]
    assert rows[1][2].startswith("/hotline/customer-lookup/")


def test_number_searches_past_the_policys_limit_are_refused_in_chinese(
    client_for, administrator, agent, wang
):
    # given a limit of three number searches a minute
    core_services.set_policy(actor=administrator, key="customers.search_per_minute", value=3)
    client = client_for(agent)
    # when the agent searches by number a fourth time
    for query in ("1234", "2345", "3456"):
        assert client.get("/api/customers", {"q": query}).status_code == 200
    response = client.get("/api/customers", {"q": "4567"})
    # then the API answers 429 with the reason in Chinese
    assert response.status_code == 429
    assert "每分钟最多3次" in response.json()["detail"]
    # and the pages and the lookup show it in place of the results
    for url in ("/customers/", "/hotline/customer-lookup/", "/hotline/contacts/"):
        page = client.get(url, {"q": "5678"})
        assert page.status_code == 200
        assert "每分钟最多3次" in page.content.decode()
    # while a search by name is not a number search and goes on
    assert api_found(client, "王建国") == ["王建国"]


def test_reading_the_contact_register_through_its_selector_counts_no_search(
    client_for, administrator, agent, db
):
    # given a limit of one number search a minute
    core_services.set_policy(actor=administrator, key="customers.search_per_minute", value=1)
    # when the register's number search is read through its selector (a read: benches, reports, tests)
    from kefu.hotline.selectors import search_contacts

    for _ in range(3):
        list(search_contacts(agent, "5678"))
    # then nothing was counted: the agent's first search in the search box still goes through
    page = client_for(agent).get("/hotline/contacts/", {"q": "5678"})
    assert page.status_code == 200 and "每分钟最多1次" not in page.content.decode()
    # and the box's second is the one refused
    assert "每分钟最多1次" in client_for(agent).get("/hotline/contacts/", {"q": "5678"}).content.decode()


def test_the_limit_counts_each_user_on_their_own(client_for, administrator, agent, make_user, wang):
    core_services.set_policy(actor=administrator, key="customers.search_per_minute", value=1)
    other = make_user(username="agent2", name="话务员小李")
    assert client_for(agent).get("/api/customers", {"q": "5678"}).status_code == 200
    assert client_for(other).get("/api/customers", {"q": "5678"}).status_code == 200
    assert client_for(agent).get("/api/customers", {"q": "5678"}).status_code == 429


def test_users_who_see_numbers_whole_are_not_limited(client_for, administrator, counter_clerk, wang):
    core_services.set_policy(actor=administrator, key="customers.search_per_minute", value=1)
    client = client_for(counter_clerk)
    assert [client.get("/api/customers", {"q": "5678"}).status_code for _ in range(3)] == [200] * 3


def test_the_limit_is_counted_in_the_shared_database_cache():
    # every web worker must count against the same figure: not a per-process memory cache
    assert caches["limits"].__class__.__name__ == "DatabaseCache"
