"""The one test world: a small water utility built once for every test that asks for `world`.

Two branches with their areas (城东 FGS01/CD, 城西 FGS02/CX), the special units (纪委监察室, 稽查执法队,
新闻办公室, 中心领导), a day and a night shift, and staff by role: an agent on each shift, the day
shift's leader, the department head, the center director and each branch's dispatcher. 王建国 (138
1234 5678) holds two archives, as an owner of two flats does: `customer`, whose connection point is in
the west (the point decides the area, even where the archive says otherwise), and `east_customer`,
in the east. Any other role's user comes from
`user(role)`, made the first time it is asked for, so the stock people above stay the only ones
who receive alerts or appear in per-agent reports.

Hotline work is done through the services only: `record` goes through the ContactFactory
(`open_contact`), `handle`, `call_back`, `close` and `visit` through the work-order and follow-up
services, each at a moment set with time-machine when one is given."""

from dataclasses import dataclass, field
from datetime import datetime

import time_machine

from kefu.accounts.models import Role, ServiceArea, Team, Unit, User
from kefu.accounts.tests.factories import ServiceAreaFactory, TeamFactory, UnitFactory, UserFactory
from kefu.customers.models import Customer
from kefu.customers.tests.factories import CustomerFactory, ServicePointFactory


@dataclass
class World:
    east: Unit
    west: Unit
    east_area: ServiceArea
    west_area: ServiceArea
    discipline: Unit
    inspection: Unit
    press: Unit
    leadership: Unit
    day_shift: Team
    night_shift: Team
    agent: User  # 话务员甲, day shift
    night_agent: User  # 话务员乙, night shift
    leader: User  # the day shift's team leader
    head: User
    director: User
    east_staff: User  # the east branch's dispatcher
    west_staff: User
    customer: Customer  # connected in the west
    east_customer: Customer
    # Whose call `record` takes when a test names no customer; the report tests follow the east.
    caller: Customer | None = None
    others: dict = field(default_factory=dict)

    def category(self, code: str):
        from kefu.hotline.models import Category

        return Category.objects.get(code=code)

    def user(self, role: str) -> User:
        """The world's user in `role`; roles without a stock person get one on first use."""
        stock = {
            Role.AGENT: self.agent,
            Role.TEAM_LEADER: self.leader,
            Role.DEPARTMENT_HEAD: self.head,
            Role.CENTER_DIRECTOR: self.director,
            Role.UNIT_STAFF: self.east_staff,
        }
        if role in stock:
            return stock[role]
        if role not in self.others:
            self.others[role] = UserFactory(role=role, username=f"w_{role}", name=Role(role).label)
        return self.others[role]

    def record(self, when: datetime | None = None, *, waited: float = 0, actor: User | None = None, **fields):
        """A call the agent records (at `when`, having come in `waited` minutes earlier); keywords are
        the ContactFactory's: code="complaint", disposition="answered", customer=None, matter=…"""
        from kefu.hotline.tests.factories import ContactFactory

        fields.setdefault("customer", self.caller or self.customer)
        return ContactFactory(actor=actor or self.agent, at=when, waited=waited, **fields)

    def handle(self, order, when: datetime):
        """The east branch accepts and replies."""
        from kefu.hotline.services import work_orders

        with _at(when):
            work_orders.accept(actor=self.east_staff, work_order=order)
            return work_orders.reply(actor=self.east_staff, work_order=order, result="已修复")

    def call_back(self, order, when: datetime, *, reached=True, satisfied=None):
        from kefu.hotline.services import follow_up

        callback = order.callbacks.filter(done_at__isnull=True).get()
        feedback = "客户确认已恢复供水" if reached else ""
        with _at(when):
            return follow_up.record_callback(
                actor=self.agent, callback=callback, reached=reached, feedback=feedback, satisfied=satisfied
            )

    def close(self, order, when: datetime):
        from kefu.hotline.services import work_orders

        with _at(when):
            return work_orders.close(actor=self.agent, work_order=order)

    def visit(self, order, when: datetime, result: str):
        from kefu.hotline.services import follow_up

        comment = "处理太慢" if result == "dissatisfied" else ""
        with _at(when):
            return follow_up.record_return_visit(
                actor=self.agent, work_order=order, result=result, comment=comment
            )


def _at(when: datetime | None):
    from contextlib import nullcontext

    return time_machine.travel(when, tick=False) if when else nullcontext()


def build_world() -> World:
    east = UnitFactory(code="FGS01", name="城东供水分公司")
    west = UnitFactory(code="FGS02", name="城西供水分公司")
    east_area = ServiceAreaFactory(
        code="CD", name="城东片区", branch=east, description="解放路以东、钱塘江以北"
    )
    west_area = ServiceAreaFactory(code="CX", name="城西片区", branch=west, description="文三路、古墩路一带")
    day_shift = TeamFactory(code="BAI", name="白班")
    night_shift = TeamFactory(code="YE", name="夜班")
    customer = CustomerFactory(
        name="王建国", phone="13812345678", address="西湖区文三路100号1幢1单元101室", service_area=west_area
    )
    ServicePointFactory(customer=customer, service_area=west_area, address=customer.address)
    return World(
        east=east,
        west=west,
        east_area=east_area,
        west_area=west_area,
        discipline=UnitFactory(code="JWJC", name="纪委监察室", kind=Unit.Kind.DISCIPLINE),
        inspection=UnitFactory(code="JCD", name="供水稽查执法队", kind=Unit.Kind.INSPECTION),
        press=UnitFactory(code="XWB", name="新闻办公室", kind=Unit.Kind.PRESS),
        leadership=UnitFactory(code="ZXLD", name="中心领导", kind=Unit.Kind.LEADERSHIP),
        day_shift=day_shift,
        night_shift=night_shift,
        agent=UserFactory(role=Role.AGENT, username="agent11", name="话务员甲", team=day_shift),
        night_agent=UserFactory(role=Role.AGENT, username="agent12", name="话务员乙", team=night_shift),
        leader=UserFactory(role=Role.TEAM_LEADER, username="leader1", name="班长老陈", team=day_shift),
        head=UserFactory(role=Role.DEPARTMENT_HEAD, username="w_head", name="主任老李"),
        director=UserFactory(role=Role.CENTER_DIRECTOR, username="w_director", name="中心主任"),
        east_staff=UserFactory(role=Role.UNIT_STAFF, username="unit11", name="城东调度", unit=east),
        west_staff=UserFactory(role=Role.UNIT_STAFF, username="unit21", name="城西调度", unit=west),
        customer=customer,
        east_customer=CustomerFactory(
            name="王建国",
            phone="13812345678",
            address="上城区解放路200号3幢1单元502室",
            service_area=east_area,
        ),
    )
