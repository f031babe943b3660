"""The meters' test world: two branches with one area each, a customer with a DN20 meter in each, the
store keeper, a branch's staff member (换表员) of each branch, the center head and an inspector."""

from dataclasses import dataclass
from datetime import date

import pytest

from kefu.accounts.models import Role, Unit
from kefu.accounts.tests.factories import ServiceAreaFactory, UnitFactory
from kefu.customers.models import Meter
from kefu.customers.tests.factories import CustomerFactory, MeterFactory, ServicePointFactory


@dataclass
class MetersWorld:
    branch: Unit
    other_branch: Unit
    store_keeper: object
    fitter: object  # a branch's staff member (换表员) of `branch`
    other_fitter: object
    head: object  # 客服部主任: approves plans, verifies urgent reports
    inspector: object
    meter: Meter  # DN20, installed 2020-05-01, in `branch`
    other_meter: Meter  # in `other_branch`

    def meter_in(self, branch=None, *, caliber_dn=20, install_date=date(2020, 5, 1), **kwargs) -> Meter:
        area = ServiceAreaFactory(branch=branch or self.branch)
        point = ServicePointFactory(customer=CustomerFactory(service_area=area), service_area=area)
        return MeterFactory(service_point=point, caliber_dn=caliber_dn, install_date=install_date, **kwargs)


@pytest.fixture
def meters_world(db, make_user) -> MetersWorld:
    branch = UnitFactory(kind=Unit.Kind.BRANCH, name="城东供水分公司")
    other_branch = UnitFactory(kind=Unit.Kind.BRANCH, name="城西供水分公司")
    world = MetersWorld(
        branch=branch,
        other_branch=other_branch,
        store_keeper=make_user(Role.METER_STORE_KEEPER, username="store", name="表库老周"),
        fitter=make_user(Role.UNIT_STAFF, username="fitter", name="换表员小陈", unit=branch),
        other_fitter=make_user(Role.UNIT_STAFF, username="fitter2", name="换表员小吴", unit=other_branch),
        head=make_user(Role.DEPARTMENT_HEAD, username="mhead", name="主任老李"),
        inspector=make_user(Role.FIELD_INSPECTOR, username="inspector", name="稽查员老孙"),
        meter=None,
        other_meter=None,
    )
    world.meter = world.meter_in(branch, last_reading=1234)
    world.other_meter = world.meter_in(other_branch)
    return world
