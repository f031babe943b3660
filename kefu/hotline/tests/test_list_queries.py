"""The hotline's lists cost the same number of queries with 2 rows as with 12 (an N+1 — a query per
row for its customer, unit, owner or category — fails here first): the unit queue, the overdue list,
the callbacks list and the contact register."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.customers.tests.factories import CustomerFactory

# Bounds for the first (small) measurement; the point of each test is the equality after growth.
LIST_QUERIES = 14


def east_repairs(world, count: int, *, when=None) -> list:
    """`count` repairs, each from another customer of the east area, so each row has its own customer."""
    return [
        world.record(when, customer=CustomerFactory(service_area=world.east_area), matter=f"第{n}处漏水")
        for n in range(count)
    ]


def assert_same_cost(client, url, grow, django_assert_max_num_queries, django_assert_num_queries) -> None:
    # Warm once: PostgreSQL's full-text search reads the planner's statistics on its first use in a
    # process (cached afterwards), which is not a cost of the page.
    client.get(url)
    with django_assert_max_num_queries(LIST_QUERIES) as small:
        assert client.get(url).status_code == 200
    grow()
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_the_unit_queue_costs_the_same_with_12_orders_as_with_2(
    world, client_for, django_assert_max_num_queries, django_assert_num_queries
):
    # given the east branch's dispatcher with two orders in the unit's queue
    east_repairs(world, 2)
    client = client_for(world.east_staff)
    # when ten more arrive, then the queue costs the same
    assert_same_cost(
        client,
        "/hotline/orders/?queue=unit",
        lambda: east_repairs(world, 10),
        django_assert_max_num_queries,
        django_assert_num_queries,
    )
    assert client.get("/hotline/orders/?queue=unit").content.decode().count('href="/hotline/orders/') >= 12


def test_the_overdue_list_costs_the_same_with_12_orders_as_with_2(
    world, client_for, django_assert_max_num_queries, django_assert_num_queries
):
    # given two orders recorded ten days ago, long past their deadline
    long_ago = timezone.now() - timedelta(days=10)
    east_repairs(world, 2, when=long_ago)
    client = client_for(world.head)
    # when ten more are overdue, then the list costs the same
    assert_same_cost(
        client,
        "/hotline/orders/?queue=overdue",
        lambda: east_repairs(world, 10, when=long_ago),
        django_assert_max_num_queries,
        django_assert_num_queries,
    )
    assert "第9处漏水" in client.get("/hotline/orders/?queue=overdue").content.decode()


def test_the_callbacks_list_costs_the_same_with_12_callbacks_as_with_2(
    world, client_for, django_assert_max_num_queries, django_assert_num_queries
):
    orders = []

    def replied(count):
        for contact in east_repairs(world, count):
            orders.append(world.handle(contact.work_order, None))

    # given two orders the branch replied to, each waiting for the agent's callback
    replied(2)
    client = client_for(world.agent)
    # when ten more wait, then the list costs the same
    assert_same_cost(
        client,
        "/hotline/orders/?queue=callbacks",
        lambda: replied(10),
        django_assert_max_num_queries,
        django_assert_num_queries,
    )
    page = client.get("/hotline/orders/?queue=callbacks").content.decode()
    assert all(order.number in page for order in orders) and len(orders) == 12


@pytest.mark.parametrize("query", ["", "?q=漏水"], ids=["register", "search"])
def test_the_contact_register_costs_the_same_with_12_contacts_as_with_2(
    world, client_for, query, django_assert_max_num_queries, django_assert_num_queries
):
    # given two transfers and an answered consultation by another agent
    east_repairs(world, 2)
    world.record(code="consult", disposition="answered", actor=world.night_agent, matter="咨询水价")
    client = client_for(world.head)
    # when ten more are recorded, then the register (and its search) costs the same
    assert_same_cost(
        client,
        f"/hotline/contacts/{query}",
        lambda: east_repairs(world, 10),
        django_assert_max_num_queries,
        django_assert_num_queries,
    )
    assert "第9处漏水" in client.get(f"/hotline/contacts/{query}").content.decode()
