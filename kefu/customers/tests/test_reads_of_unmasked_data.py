"""Every response that shows a customer's data unmasked is a read of the archive (A3, issue 11 item 4):
one ArchiveAccess row per response, carrying the ids of every customer shown, written in one INSERT."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.customers.models import ArchiveAccess
from kefu.customers.tests.factories import CustomerFactory


def reads():
    rows = ArchiveAccess.objects.order_by("id").values_list("user__username", "channel", "customer_ids")
    return [(user, channel, sorted(ids)) for user, channel, ids in rows]


@pytest.fixture
def wangs(db):
    return [CustomerFactory(name=f"王{n:02d}号", phone=f"1380000{n:04d}", id_number="") for n in range(20)]


def test_a_clerks_search_list_is_one_read_of_all_the_customers_shown(client_for, counter_clerk, wangs):
    # when a clerk, who sees full numbers, searches 王 and gets a page of 20
    response = client_for(counter_clerk).get("/customers/", {"q": "王"})
    # then one row names all twenty
    assert len(response.context["result"].customers) == 20
    assert reads() == [("clerk", "search", sorted(c.pk for c in wangs))]


def test_the_api_search_and_the_htmx_results_are_logged_alike(client_for, counter_clerk, wangs):
    client = client_for(counter_clerk)
    client.get("/api/customers", {"q": "王"})
    client.get("/customers/", {"q": "王"}, headers={"HX-Request": "true"})
    assert [(user, channel) for user, channel, _ in reads()] == [("clerk", "api"), ("clerk", "search")]


def test_an_agents_masked_search_list_is_not_a_read(client_for, agent, wangs):
    client_for(agent).get("/customers/", {"q": "王"})
    client_for(agent).get("/hotline/customer-lookup/", {"q": "王"})
    assert reads() == []


def test_a_search_that_finds_nothing_writes_nothing(client_for, counter_clerk, db):
    client_for(counter_clerk).get("/customers/", {"q": "没有此人"})
    assert reads() == []


def test_logging_a_search_list_costs_one_insert_whatever_its_length(
    client_for, counter_clerk, db, django_assert_num_queries
):
    # given a warmed-up client and a search that shows two customers
    client = client_for(counter_clerk)
    for n in range(2):
        CustomerFactory(name=f"王{n:02d}号", id_number="")
    client.get("/customers/", {"q": "王"})
    with CaptureQueriesContext(connection) as two:
        client.get("/customers/", {"q": "王"})
    inserts = [q["sql"] for q in two.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    # when it shows twenty
    for n in range(2, 20):
        CustomerFactory(name=f"王{n:02d}号", id_number="")
    # then the page, its log row included, costs no more queries
    with django_assert_num_queries(len(two)):
        response = client.get("/customers/", {"q": "王"})
    assert len(response.context["result"].customers) == 20


@pytest.mark.parametrize(
    ("url", "channel"),
    [
        ("/hotline/customer-history/?customer={pk}", "page"),
        ("/hotline/customer-history/?customer={pk}&select=1", "page"),
        ("/hotline/?customer={pk}", "page"),
        ("/api/customers/{pk}/arrears", "api"),
    ],
)
def test_panels_that_show_one_customer_are_reads_of_that_archive(
    client_for, department_head, url, channel, db
):
    # given a customer (the department head sees numbers whole and may take calls)
    customer = CustomerFactory(name="王建国")
    # when the panel is opened
    response = client_for(department_head).get(url.format(pk=customer.pk))
    # then one row records the read of that archive
    assert response.status_code == 200
    assert reads() == [("head", channel, [customer.pk])]
    assert ArchiveAccess.objects.get().customer == customer


def test_the_hotline_lookup_of_a_user_who_sees_numbers_whole_is_a_read(client_for, department_head, wangs):
    client_for(department_head).get("/hotline/customer-lookup/", {"q": "王"})
    assert [(user, channel, len(ids)) for user, channel, ids in reads()] == [("head", "search", 10)]


def test_the_access_log_lists_the_lists_that_showed_the_customer(
    client_for, counter_clerk, department_head, wangs
):
    # given a clerk's search list that showed 王05号 among others
    client_for(counter_clerk).get("/customers/", {"q": "王"})
    shown = wangs[5]
    # when the department head opens that customer's read log, on the page and through the API
    page = client_for(department_head).get(f"/customers/{shown.pk}/access-log/").content.decode()
    rows = client_for(department_head).get(f"/api/customers/{shown.pk}/access-log").json()
    # then the clerk's search is listed
    assert "营业员小王" in page and "查询结果" in page
    assert [(r["user"], r["channel"]) for r in rows] == [("营业员小王", "查询结果")]
    # and a customer the list did not show has an empty log
    other = CustomerFactory(name="李秀英")
    assert client_for(department_head).get(f"/api/customers/{other.pk}/access-log").json() == []
