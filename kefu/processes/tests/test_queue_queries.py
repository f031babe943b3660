"""The stage queue costs the same number of queries with 2 businesses waiting as with 12: a query per
row for its customer, definition, stage or unit would fail here first."""

from kefu.accounts.models import Role
from kefu.processes.tests.factories import ProcessFactory

COUNTER = "客服中心窗口"


def test_the_counters_queue_costs_the_same_with_12_businesses_as_with_2(
    world, client_for, django_assert_max_num_queries, django_assert_num_queries
):
    # given two new connections waiting at the counter, each for another customer
    clerk = world.user(Role.COUNTER_CLERK)
    started = [ProcessFactory(actor=clerk) for _ in range(2)]
    client = client_for(clerk)
    url = f"/processes/queue/?department={COUNTER}"
    with django_assert_max_num_queries(14) as small:
        assert client.get(url).status_code == 200
    # when ten more wait
    started += [ProcessFactory(actor=clerk) for _ in range(10)]
    # then the queue costs the same and lists all twelve
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(url).content.decode()
    assert all(process.number in page for process in started) and len(started) == 12
