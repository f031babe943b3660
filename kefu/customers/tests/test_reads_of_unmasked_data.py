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


# --- reads outside the archive's own pages (issue 11 review, item 3) ------------------------------


@pytest.fixture
def transferred_repair(db, agent):
    """A repair for a customer of the east branch, transferred to the branch; the branch's repairer."""
    from kefu.accounts.models import Role
    from kefu.accounts.tests.factories import ServiceAreaFactory, UnitFactory, UserFactory
    from kefu.hotline.tests.factories import ContactFactory

    branch = UnitFactory(name="城东供水分公司")
    customer = CustomerFactory(
        name="王建国", phone="13912345678", service_area=ServiceAreaFactory(branch=branch)
    )
    contact = ContactFactory(actor=agent, matter="水表井漏水", customer=customer, phone="13912345678")
    repairer = UserFactory(role=Role.UNIT_STAFF, username="east", name="城东维修员", unit=branch)
    return contact.work_order, repairer


def test_the_dispatch_form_that_shows_the_unit_the_full_phone_is_a_printed_read(
    client_for, agent, transferred_repair
):
    # given a work order whose dispatch form shows the unit doing the job the caller's full number
    order, repairer = transferred_repair
    # when the unit prints it, and the agent (who sees the number masked) prints it too
    page = client_for(repairer).get(f"/hotline/orders/{order.pk}/print/").content.decode()
    masked = client_for(agent).get(f"/hotline/orders/{order.pk}/print/").content.decode()
    # then the unit's print is one read of that archive, and the masked print is none
    assert "13912345678" in page and "139****5678" in masked and "13912345678" not in masked
    assert reads() == [("east", "print", [order.customer_id])]


def ring(agent, number: str, call_id: str):
    from django.utils import timezone

    from kefu.telephony.models import Call

    now = timezone.now()
    return Call.objects.create(
        call_id=call_id, agent=agent, caller_number=number, started_at=now, ring_at=now
    )


def test_a_screen_pop_that_shows_a_customer_is_one_read_per_call_not_per_poll(client_for, department_head):
    # given a call ringing at the department head's phone from a customer in the archive
    customer = CustomerFactory(name="王建国", phone="13812345678")
    ring(department_head, customer.phone, "C1")
    client = client_for(department_head)
    # when the workspace polls the pop every two seconds, and an integration reads it through the API
    for _ in range(3):
        assert "王建国" in client.get("/telephony/pop/", headers={"HX-Request": "true"}).content.decode()
    for _ in range(2):
        assert client.get("/api/telephony/screen-pop").json()["customers"][0]["name"] == "王建国"
    # then the call is one read of the archive it found by the complete number
    assert reads() == [("head", "page", [customer.pk])]
    # and the next call from the same customer is another
    ring(department_head, customer.phone, "C2")
    client.get("/api/telephony/screen-pop")
    assert reads() == [("head", "page", [customer.pk]), ("head", "api", [customer.pk])]


def test_a_screen_pop_for_a_number_not_in_the_archive_is_no_read(client_for, department_head):
    ring(department_head, "13800000000", "C1")
    client_for(department_head).get("/telephony/pop/", headers={"HX-Request": "true"})
    assert reads() == []


def test_the_payment_page_that_shows_the_arrears_is_a_read(client_for, counter_clerk, db):
    # given a customer with an account in arrears
    from decimal import Decimal

    from kefu.customers.tests.factories import AccountFactory

    customer = CustomerFactory(name="王建国")
    AccountFactory(customer=customer, arrears=Decimal("128.50"))
    # when the clerk opens the payment page, as /api/customers/{id}/arrears would show the amounts
    response = client_for(counter_clerk).get("/collection/pay/", {"customer": customer.pk})
    # then it is one read of that archive
    assert response.status_code == 200 and "128.50" in response.content.decode()
    assert reads() == [("clerk", "page", [customer.pk])]
