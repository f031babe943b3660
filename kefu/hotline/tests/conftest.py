"""A small water utility for hotline tests: two branches with their areas, the special units, a shift
with an agent and its team leader, the department head, the center director and unit staff."""

from dataclasses import dataclass

import pytest

from kefu.accounts.models import Role, ServiceArea, Team, Unit, User
from kefu.accounts.tests.factories import ServiceAreaFactory, TeamFactory, UnitFactory, UserFactory
from kefu.customers.models import Customer
from kefu.customers.tests.factories import CustomerFactory, ServicePointFactory
from kefu.hotline.models import Category


@dataclass
class Utility:
    east: Unit
    west: Unit
    east_area: ServiceArea
    west_area: ServiceArea
    discipline: Unit
    inspection: Unit
    press: Unit
    leadership: Unit
    team: Team
    agent: User
    other_agent: User
    leader: User
    head: User
    director: User
    east_staff: User
    west_staff: User
    customer: Customer

    def category(self, code: str) -> Category:
        return Category.objects.get(code=code)


@pytest.fixture
def utility(db) -> Utility:
    east = UnitFactory(code="FGS01", name="城东供水分公司")
    west = UnitFactory(code="FGS02", name="城西供水分公司")
    east_area = ServiceAreaFactory(
        code="CD", name="城东片区", branch=east, description="解放路以东、钱塘江以北"
    )
    west_area = ServiceAreaFactory(code="CX", name="城西片区", branch=west, description="文三路、古墩路一带")
    team = TeamFactory(code="RX1", name="热线一班")
    customer = CustomerFactory(
        name="王建国", phone="13812345678", address="西湖区文三路100号1幢1单元101室", service_area=west_area
    )
    # The connection point decides the area, even where the archive says otherwise.
    ServicePointFactory(customer=customer, service_area=west_area, address=customer.address)
    return Utility(
        east=east,
        west=west,
        east_area=east_area,
        west_area=west_area,
        discipline=UnitFactory(code="JWJC", name="纪委监察室", kind=Unit.Kind.DISCIPLINE),
        inspection=UnitFactory(code="JCD", name="供水稽查执法队", kind=Unit.Kind.INSPECTION),
        press=UnitFactory(code="XWB", name="新闻办公室", kind=Unit.Kind.PRESS),
        leadership=UnitFactory(code="ZXLD", name="中心领导", kind=Unit.Kind.LEADERSHIP),
        team=team,
        agent=UserFactory(role=Role.AGENT, username="agent11", name="话务员甲", team=team),
        other_agent=UserFactory(role=Role.AGENT, username="agent12", name="话务员乙", team=team),
        leader=UserFactory(role=Role.TEAM_LEADER, username="leader1", name="班长老陈", team=team),
        head=UserFactory(role=Role.DEPARTMENT_HEAD, username="head", name="主任老李"),
        director=UserFactory(role=Role.CENTER_DIRECTOR, username="director", name="中心主任"),
        east_staff=UserFactory(role=Role.UNIT_STAFF, username="unit11", name="城东调度", unit=east),
        west_staff=UserFactory(role=Role.UNIT_STAFF, username="unit21", name="城西调度", unit=west),
        customer=customer,
    )


@pytest.fixture
def record(utility):
    """Record a contact as the utility's agent with sensible defaults; keyword arguments override."""
    from kefu.hotline.services.contacts import open_contact

    def record_contact(code="repair", disposition="transferred", **kwargs):
        values = {
            "actor": utility.agent,
            "matter": "家里水管漏水，水流很大",
            "category": utility.category(code),
            "disposition": disposition,
            "customer": utility.customer,
        }
        values.update(kwargs)
        return open_contact(**values)

    return record_contact


@pytest.fixture
def workspace_form(db):
    """The workspace form's fields as the page draws them for a new call, filled in for a repair to be
    transferred; keyword arguments change fields (customer=…, matter="", idempotency_key=…)."""

    def form(**changes) -> dict:
        data = {
            "channel": "phone",
            "customer": "",
            "caller_name": "",
            "phone": "",
            "address": "",
            "service_area": "",
            "matter": "家里突然没水了，邻居也没水",
            "category": Category.objects.get(code="repair").pk,
            "priority": "normal",
            "disposition": "transferred",
            "result": "",
            "unit": "",
            "suggested_category": "",
            "suggestion_confidence": "",
            "call_id": "",
        }
        return data | changes

    return form
