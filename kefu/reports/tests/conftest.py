"""A small utility for report tests: one branch and its area, the leadership unit (for 上级督办),
two shifts with an agent each, the branch's dispatcher, and a customer. Contacts are recorded through
the hotline services only, at times set with time-machine, so the reports read what the app writes."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kefu.accounts.models import Role, Team, Unit, User
from kefu.accounts.tests.factories import ServiceAreaFactory, TeamFactory, UnitFactory, UserFactory
from kefu.customers.models import Customer
from kefu.customers.tests.factories import CustomerFactory
from kefu.hotline.models import Category, Contact, WorkOrder
from kefu.hotline.services import follow_up, work_orders
from kefu.hotline.services.contacts import open_contact

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    """A local (Beijing time) moment: at(2026, 11, 10, 9, 30)."""
    return datetime(*args, tzinfo=SHANGHAI)


@dataclass
class World:
    branch: Unit
    leadership: Unit
    day_shift: Team
    night_shift: Team
    agent: User  # on the day shift
    night_agent: User  # on the night shift
    dispatcher: User  # the branch's unit staff
    head: User
    customer: Customer

    def record(
        self,
        when: datetime,
        *,
        waited: float = 0,
        code: str = "repair",
        disposition: str = Contact.Disposition.TRANSFERRED,
        actor: User | None = None,
        **kwargs,
    ) -> Contact:
        """Record a contact at `when` that came in `waited` minutes earlier (so a transfer made now took
        that long)."""
        values = {
            "actor": actor or self.agent,
            "matter": "小区停水，请尽快处理",
            "category": Category.objects.get(code=code),
            "disposition": disposition,
            "customer": self.customer,
            "received_at": when - timedelta(minutes=waited),
        }
        if disposition == Contact.Disposition.ANSWERED:
            values["result"] = "已告知客户"
        values.update(kwargs)
        with time_machine.travel(when, tick=False):
            return open_contact(**values)

    def handle(self, order: WorkOrder, when: datetime) -> WorkOrder:
        """The branch accepts and replies."""
        with time_machine.travel(when, tick=False):
            work_orders.accept(actor=self.dispatcher, work_order=order)
            return work_orders.reply(actor=self.dispatcher, work_order=order, result="已修复")

    def call_back(self, order: WorkOrder, when: datetime, *, reached=True, satisfied=None):
        callback = order.callbacks.filter(done_at__isnull=True).get()
        with time_machine.travel(when, tick=False):
            feedback = "客户确认已恢复供水" if reached else ""
            return follow_up.record_callback(
                actor=self.agent, callback=callback, reached=reached, feedback=feedback, satisfied=satisfied
            )

    def close(self, order: WorkOrder, when: datetime) -> WorkOrder:
        with time_machine.travel(when, tick=False):
            return work_orders.close(actor=self.agent, work_order=order)

    def visit(self, order: WorkOrder, when: datetime, result: str):
        with time_machine.travel(when, tick=False):
            comment = "处理太慢" if result == "dissatisfied" else ""
            return follow_up.record_return_visit(
                actor=self.agent, work_order=order, result=result, comment=comment
            )


@pytest.fixture
def world(db) -> World:
    branch = UnitFactory(code="FGS01", name="城东供水分公司")
    area = ServiceAreaFactory(code="CD", name="城东片区", branch=branch)
    day_shift = TeamFactory(code="BAI", name="白班")
    night_shift = TeamFactory(code="YE", name="夜班")
    return World(
        branch=branch,
        leadership=UnitFactory(code="ZXLD", name="中心领导", kind=Unit.Kind.LEADERSHIP),
        day_shift=day_shift,
        night_shift=night_shift,
        agent=UserFactory(role=Role.AGENT, username="r_agent", name="话务员甲", team=day_shift),
        night_agent=UserFactory(role=Role.AGENT, username="r_night", name="话务员乙", team=night_shift),
        dispatcher=UserFactory(role=Role.UNIT_STAFF, username="r_unit", name="城东调度", unit=branch),
        head=UserFactory(role=Role.DEPARTMENT_HEAD, username="r_head", name="主任老李"),
        customer=CustomerFactory(name="王建国", phone="13812345678", service_area=area),
    )


# ---------------------------------------------------------------------------------------------------
# Report documents


BUSY_DAY = at(2026, 11, 17, 9, 0)  # a Tuesday


@pytest.fixture
def busy_day(world) -> World:
    """17 November 2026: the day agent takes four calls (two repairs transferred to the branch, one
    consultation answered at once, one followed up) and a supervision call that goes to the leadership;
    the night agent takes one repair. One repair is handled, called back, closed and visited the same
    day."""
    first = world.record(BUSY_DAY, waited=5).work_order
    world.record(BUSY_DAY + timedelta(minutes=30), waited=45)
    world.record(BUSY_DAY + timedelta(hours=1), code="consult", disposition=Contact.Disposition.ANSWERED)
    world.record(BUSY_DAY + timedelta(hours=2), code="consult", disposition=Contact.Disposition.FOLLOW_UP)
    world.record(
        BUSY_DAY + timedelta(hours=3),
        code="supervision",
        matter="市长热线督办：城东停水",
        customer=None,
        phone="057187654321",
    )
    world.record(BUSY_DAY + timedelta(hours=4), waited=10, actor=world.night_agent)
    world.handle(first, BUSY_DAY + timedelta(hours=5))
    world.call_back(first, BUSY_DAY + timedelta(hours=6), satisfied=True)
    world.close(first, BUSY_DAY + timedelta(hours=7))
    world.visit(first, BUSY_DAY + timedelta(hours=8), "satisfied")
    return world


def summary_table(data: bytes, title: str) -> tuple[list, list[list], list | None]:
    """One table of a generated workbook's first sheet: (headers, rows, the 合计 row or None)."""
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(data)).worksheets[0]
    lines = [list(row) for row in sheet.iter_rows(values_only=True)]
    start = next(i for i, line in enumerate(lines) if line and line[0] == title)
    headers = [v for v in lines[start + 1] if v is not None]
    rows, footer = [], None
    for line in lines[start + 2 :]:
        if not line or line[0] is None:
            break
        if len(headers) > 1 and all(v is None for v in line[1 : len(headers)]):
            break  # the table's note, or 本期没有数据
        if str(line[0]).startswith("合计"):
            footer = line[: len(headers)]
            break
        rows.append(line[: len(headers)])
    return headers, rows, footer


def pdf_text(data: bytes) -> str:
    """The text poppler reads out of a PDF, without the spaces it puts between CJK glyphs."""
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return text.stdout.decode().replace(" ", "")
