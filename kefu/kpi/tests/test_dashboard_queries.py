"""The KPI dashboard costs the same number of queries however many agents, units, categories and
days its figures list: a query per row (an agent's name, a unit's, a category's) would fail here."""

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.customers.tests.factories import CustomerFactory
from kefu.hotline.models import Contact
from kefu.kpi import rollup

from .conftest import at

MARCH = "start=2026-03-01&end=2026-03-31"


def a_day_of_calls(world, day: int, *, agents: int) -> None:
    """On 2 March + `day`: each of `agents` new night-shift agents takes a repair for one branch and
    answers a consultation; the center's day agent takes a complaint."""
    for n in range(agents):
        agent = UserFactory(role=Role.AGENT, team=world.night_shift, name=f"话务员{day}-{n}")
        area = world.east_area if n % 2 else world.west_area
        when = at(2026, 3, 2 + day, 9, n)
        world.record(when, waited=5, actor=agent, customer=CustomerFactory(service_area=area))
        world.record(when, actor=agent, code="consult", disposition=Contact.Disposition.ANSWERED)
    world.record(at(2026, 3, 2 + day, 15, 0), code="service_complaint", matter="抄表员态度很差")
    rollup.rebuild()  # the records were written "in March", behind any refresh watermark


def test_the_dashboard_costs_the_same_with_twelve_agents_as_with_two(
    world, client_for, django_assert_max_num_queries, django_assert_num_queries
):
    # given one day of March with two agents' calls
    a_day_of_calls(world, 0, agents=2)
    client = client_for(world.head)
    with django_assert_max_num_queries(30) as small:
        response = client.get(f"/kpi/?{MARCH}")
    assert response.context["figures"]["summary"]["contacts"] == 5
    # when five more days bring ten more agents
    for day in range(1, 6):
        a_day_of_calls(world, day, agents=2)
    # then the dashboard costs the same
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(f"/kpi/?{MARCH}")
    figures = response.context["figures"]
    assert figures["summary"]["contacts"] == 30
    assert len(figures["agents"]) == 13  # the twelve new agents and the day agent
