"""Demo counter business: every shipped business in hand at a realistic stage, so that each page (the
department queues, the clerk's day, approvals, printed forms) has something to show on a fresh start.
Everything goes through the services, so the timelines and events are real. Runs once: nothing is
added when processes exist."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import User
from kefu.core.calendar import WorkingCalendar
from kefu.core.registry import Seeder
from kefu.customers.models import Customer
from kefu.processes import services
from kefu.processes.models import Process


@dataclass
class DemoResult:
    created: int = 0
    existing: int = 0
    notes: list[str] = field(default_factory=list)


def _hand_in(clerk, process) -> None:
    for doc in process.current_stage.documents_for(process.customer_kind):
        services.receive_document(actor=clerk, process=process, code=doc["code"])


def _advance(clerk, process, stages: int) -> Process:
    for _ in range(stages):
        _hand_in(clerk, process)
        process = services.advance(actor=clerk, process=process)
    return process


def _customers() -> list[Customer]:
    """Customers with a connection point and an area, no arrears, not low income: good applicants."""
    return list(
        Customer.objects.filter(
            status=Customer.Status.ACTIVE,
            service_area__isnull=False,
            low_income=False,
            service_points__meters__isnull=False,
            accounts__arrears=0,
        )
        .distinct()
        .order_by("id")[:40]
    )


def _next_working_moment(hour: int, minute: int) -> datetime:
    calendar, day = WorkingCalendar(), timezone.localdate() + timedelta(days=1)
    while not calendar.day(day).working:
        day += timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@transaction.atomic
def seed_processes() -> DemoResult:
    existing = Process.objects.count()
    if existing:
        return DemoResult(existing=existing)
    clerk = User.objects.filter(username="clerk1").first()
    head = User.objects.filter(username="head").first()
    people = _customers()
    if clerk is None or head is None or len(people) < 12:
        return DemoResult(notes=["演示窗口业务未创建：缺少演示员工或客户"])
    result = DemoResult()
    good = {"area_pressure_mpa": "0.30"}

    def start(code, customer, **facts):
        result.created += 1
        return services.start_process(actor=clerk, definition_code=code, customer=customer, facts=facts)

    # New connections: waiting at the counter, with the design office, at the budget, and completed.
    start("new_connection", people[0], **good)
    _advance(clerk, start("new_connection", people[1], **good), 2)  # survey and design
    _advance(clerk, start("new_connection", people[2], **good), 3)  # budget
    whole = start("new_connection", people[3], **good)
    services.record_fee(actor=clerk, process=whole, amount=whole.definition.fee_individual)
    _advance(clerk, whole, 13)
    # One found ineligible after the fee was paid: the refund waits for a leader.
    refused = start("new_connection", people[4], **good)
    services.record_fee(actor=clerk, process=refused, amount=refused.definition.fee_individual)
    services.reject(actor=clerk, process=refused, reason="勘测发现申请用水建筑属违章建筑")
    # One with an extension asked for.
    slow = _advance(clerk, start("new_connection", people[5], **good), 1)
    services.request_approval(
        actor=clerk, process=slow, kind="extend", days=3, reason="客户补充规划许可证需要时间"
    )
    # The other businesses.
    contract = _advance(clerk, start("supply_contract", people[6]), 2)  # signed, to the archive room
    start(
        "connection_number",
        people[6],
        drawing_matches_card=True,
        application_fields_complete=True,
        signatures=["设计室", "预算室", "工程部"],  # the counter's own signature is missing
        caliber_applied_dn=25,
        caliber_drawing_dn=25,
    )
    old, new = people[7], people[8]
    caliber = old.service_points.filter(meters__isnull=False).values_list("meters__caliber_dn", flat=True)[0]
    start(
        "transfer",
        old,
        old_holder_name=old.name,
        transfer_address=old.address,
        caliber_dn=caliber,
        new_holder_name=new.name,
        new_customer_number=new.number,
    )
    _advance(clerk, start("suspension", people[9]), 1)  # with the branch for the meter removal
    start("cancellation", people[10])
    start("capacity_change", people[11], removes_old_meter=True)
    start("temporary_use", people[0], use_until=(timezone.localdate() + timedelta(days=90)).isoformat())
    low_income = Customer.objects.filter(low_income=True).first() or people[1]
    start(
        "low_income",
        low_income,
        id_card_name=low_income.name,
        certificate_name=low_income.name,
        invoice_name=low_income.name,
        certificate_number="DB2026-0031",
    )
    _advance(
        clerk,
        start(
            "counter_appointment",
            people[2],
            contact_phone=people[2].phone,
            appointment_at=_next_working_moment(9, 30).isoformat(),
            wanted_business="更名过户",
        ),
        1,
    )
    result.notes.append(f"供用水合同 {contract.facts.get('contract_number', '')} 已签订")
    return result


def add_arguments(parser) -> None:
    parser.add_argument(
        "--no-processes",
        dest="processes",
        action="store_false",
        help="不创建演示窗口业务（默认在没有业务时创建各业务各环节的演示件）",
    )


def seed_demo_processes(options: dict) -> list[str]:
    if not options.get("processes", True):
        return []
    result = seed_processes()
    lines = []
    if result.created:
        lines.append(f"窗口业务演示：新增 {result.created} 件（各业务、各环节，含待审批的延期和退费）")
    return lines + [f"窗口业务演示：{note}" for note in result.notes]


SEEDER = Seeder("processes", 50, seed_demo_processes, arguments=add_arguments)
