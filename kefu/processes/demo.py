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
from kefu.core.policies import policy
from kefu.core.registry import Seeder
from kefu.customers.models import Customer
from kefu.customers.services import add_contract
from kefu.processes import services
from kefu.processes.jobs import alert_overdue_suspensions
from kefu.processes.models import Process


@dataclass
class DemoResult:
    created: int = 0
    existing: int = 0
    notes: list[str] = field(default_factory=list)


def _hand_in(clerk, process) -> None:
    have = set(process.documents.values_list("code", flat=True))
    for doc in process.current_stage.documents_for(process.customer_kind):
        if doc["code"] not in have:
            services.receive_document(actor=holder(process, clerk), process=process, code=doc["code"])


def _advance(clerk, process, stages: int) -> Process:
    for _ in range(stages):
        _hand_in(clerk, process)
        process = services.advance(actor=holder(process, clerk), process=process)
    return process


def holder(process: Process, clerk):
    """Who works the current stage: the counter's clerk, or a member of staff of the unit holding it (the
    设计室, the 预算室, the customer's branch), as the engine allows (services.may_handle)."""
    if process.unit_id is None:
        return clerk
    staff = User.objects.filter(unit_id=process.unit_id, is_active=True).order_by("id").first()
    if staff is None:
        raise LookupError(f"{process.unit} 没有员工，无法办理「{process.current_stage.name}」")
    return staff


def issue_connection_number(clerk, process: Process) -> Process:
    """Complete the connection_number business the one-stop process started: its gate wants the drawing
    and the application form, the drawing = card, every department's signature, a supply contract and
    equal calibers (P6)."""
    child = Process.objects.get(number=process.facts["connection_number_process"])
    customer = process.customer
    if not customer.contracts.filter(kind__contains="供用水", status="active").exists():
        add_contract(
            actor=clerk,
            customer=customer,
            number=f"GYS{timezone.localdate():%Y}{900000 + process.pk:06d}",
            signed_on=timezone.localdate(),
        )
    caliber = process.facts.get("meter_caliber_dn") or 20
    services.set_facts(
        actor=clerk,
        process=child,
        facts={
            "drawing_matches_card": True,
            "application_fields_complete": True,
            "signatures": list(policy("processes.required_signatures")),
            "caliber_applied_dn": caliber,
            "caliber_drawing_dn": caliber,
        },
    )
    return _advance(clerk, child, 2)


def walk_new_connection(
    clerk, process: Process, *, until: str | None = None, steps: int | None = None, signer=None
) -> Process:
    """Take a one-stop new connection from where it is, each stage by its holder, to `until` (a stage
    code), by `steps` stages, or to completion: the fee before the design, the center head's signature
    for a unit, the numbering business when construction is ordered, the meter recorded for the
    archive."""
    if process.customer_kind == Customer.Kind.INDIVIDUAL and process.fee < process.definition.standard_fee():
        services.record_fee(
            actor=clerk, process=process, amount=process.definition.standard_fee() - process.fee
        )
    if process.customer_kind != Customer.Kind.INDIVIDUAL and not process.facts.get("center_head_signature"):
        process = services.sign_application(actor=signer, process=process, note="同意受理")
    while process.state == Process.State.ACTIVE and process.current_stage.code != until and steps != 0:
        steps = None if steps is None else steps - 1
        code = process.current_stage.code
        if code == "system_filing":
            issue_connection_number(clerk, process)
        _hand_in(clerk, process)
        process = services.advance(actor=holder(process, clerk), process=process)
    return process


UNIT_CONTENTS = {
    "water_use_category": "非居民用水",
    "water_volume_m3": "85",
    "building_numbers": "综合楼1栋",
    "storeys": 9,
    "floor_area_m2": "12600",
    "households": 1,
}


def _at(moment):
    import time_machine

    return time_machine.travel(moment, tick=False)


def _walk_over_weeks(clerk, process: Process, director) -> Process:
    """The completed demo connection, each stage a working day or two after the last (not all at the
    minute the seed runs), its meter recorded before the filing."""
    services.set_facts(
        actor=clerk,
        process=process,
        facts={
            "meter_number": f"XZ{timezone.localdate():%y}{process.pk:07d}",
            "meter_caliber_dn": 20,
            "water_use_category": "居民生活用水",
        },
    )
    calendar, day = WorkingCalendar(), timezone.localdate() - timedelta(days=40)
    step = 0
    while process.state == Process.State.ACTIVE:
        day += timedelta(days=1)
        if not calendar.day(day).working:
            continue
        # a working day per stage, in office hours (10:00–16:00), as a counter would
        moment = timezone.make_aware(datetime.combine(day, time(10, 0)) + timedelta(minutes=step * 47 % 360))
        with _at(min(moment, timezone.now() - timedelta(hours=1))):
            process = walk_new_connection(clerk, process, steps=1, signer=director)
        step += 1
    return process


def _office_hours(day, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _budget_office_staff() -> None:
    """The 预算室 (processes migration 0013) holds the budget stages; its demo login is budget1."""
    from kefu.accounts.models import Role, Unit
    from kefu.accounts.services import create_staff

    office = Unit.objects.filter(code="budget_office").first()
    if office is None or User.objects.filter(username="budget1").exists():
        return
    design1 = User.objects.filter(username="design1").first()
    user = create_staff(actor=None, username="budget1", name="预算员老郑", role=Role.UNIT_STAFF, unit=office)
    if design1 is not None:  # the same demo password as every demo login
        user.password = design1.password
        user.save(update_fields=["password"])


def _unit_applicant() -> Customer | None:
    return (
        Customer.objects.filter(
            kind=Customer.Kind.UNIT,
            status=Customer.Status.ACTIVE,
            accounts__arrears=0,
            processes__isnull=True,
        )
        .order_by("id")
        .first()
    )


def _customers() -> list[Customer]:
    """Customers with a connection point and an area, no arrears, not low income: good applicants."""
    return list(
        Customer.objects.filter(
            kind=Customer.Kind.INDIVIDUAL,  # the unit's application has its own demo (_unit_applicant)
            status=Customer.Status.ACTIVE,
            service_area__isnull=False,
            low_income=False,
            service_points__meters__isnull=False,
            accounts__arrears=0,
        )
        .distinct()
        .order_by("id")[:40]
    )


def _recent_office_moments():
    """Moments in office hours on the last working days, newest first (09:05, 09:47… up to 16:30), all
    before now: when the counter took in the businesses still in hand."""
    calendar, day, now = WorkingCalendar(), timezone.localdate(), timezone.now()
    while True:
        if calendar.day(day).working:
            for minutes in range(16 * 60 + 30, 9 * 60, -42):
                moment = timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60)))
                if moment < now - timedelta(minutes=30):
                    yield moment
        day -= timedelta(days=1)


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

    director = User.objects.filter(username="director").first()

    def start(code, customer, **facts):
        result.created += 1
        if code == "new_connection" and customer.kind != Customer.Kind.INDIVIDUAL:
            facts = {**UNIT_CONTENTS, **facts}
        return services.start_process(actor=clerk, definition_code=code, customer=customer, facts=facts)

    _budget_office_staff()
    # New connections: waiting at the counter, with the design office, at the budget, and completed:
    # the completed one filed its connection point (numbered by the connection_number business it
    # started), its meter and a new account in the customer's archive.
    moments = _recent_office_moments()

    def recently():
        # Each business in hand was taken in at the counter in office hours over the last working days,
        # not at the minute the seed runs (which may be 3 a.m.).
        return _at(next(moments))

    with recently():
        start("new_connection", people[0], **good)
    with recently():
        walk_new_connection(
            clerk, start("new_connection", people[1], **good), until="survey_design", signer=director
        )
    with recently():
        walk_new_connection(
            clerk, start("new_connection", people[2], **good), until="budget", signer=director
        )
    with _at(_office_hours(timezone.localdate() - timedelta(days=40), 9, 20)):
        whole = start("new_connection", people[3], **good)
    whole = _walk_over_weeks(clerk, whole, director)
    result.notes.append(
        f"用水报装 {whole.number} 已办结并入档：接水点 {whole.facts.get('archive_service_point', '')}，"
        f"水表 {whole.facts.get('archive_meter', '')}，户号 {whole.facts.get('archive_account', '')}"
        f"（客户 {whole.customer.name}）"
    )
    # A unit's application waiting for the center head's signature (ch.10 §1.5).
    unit = _unit_applicant()
    if unit is not None:
        with recently():
            applied = start("new_connection", unit, **good)
            _hand_in(clerk, applied)
    # One found ineligible after the fee was paid: the refund waits for a leader.
    with recently():
        refused = start("new_connection", people[4], **good)
        services.record_fee(actor=clerk, process=refused, amount=refused.definition.standard_fee())
        services.reject(actor=clerk, process=refused, reason="勘测发现申请用水建筑属违章建筑")
    # One with an extension asked for.
    with recently():
        slow = walk_new_connection(
            clerk, start("new_connection", people[5], **good), until="design_commission", signer=director
        )
        services.request_approval(
            actor=clerk, process=slow, kind="extend", days=3, reason="客户补充规划许可证需要时间"
        )
    # The other businesses.
    with recently():
        contract = _advance(clerk, start("supply_contract", people[6]), 2)  # signed, to the archive room
    with recently():
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
    with recently():
        start(
            "transfer",
            old,
            old_holder_name=old.name,
            transfer_address=old.address,
            caliber_dn=caliber,
            new_holder_name=new.name,
            new_customer_number=new.number,
        )
    with recently():
        _advance(clerk, start("suspension", people[9]), 1)  # with the branch for the meter removal
    # A suspension done seven months ago, never resumed nor cancelled: the daily scan alerts the branch.
    if len(people) > 12:
        with _at(_office_hours(timezone.localdate() - timedelta(days=215), 10, 5)):
            long_suspended = _advance(clerk, start("suspension", people[12]), 3)
        if len(people) > 13:  # another, two months ago, whose customer now asks to resume (复水)
            with _at(_office_hours(timezone.localdate() - timedelta(days=60), 14, 40)):
                _advance(clerk, start("suspension", people[13]), 3)
            with recently():
                resumption = start("resumption", people[13])
                _hand_in(clerk, resumption)
        alerted = alert_overdue_suspensions(timezone.now())
        result.notes.append(
            f"暂停用水 {long_suspended.number}（{people[12].name}）已超过规定月数未恢复或销户，"
            f"已提醒所属分公司（{'、'.join(alerted) or '今日已扫描'}）"
        )
    with recently():
        start("cancellation", people[10])
    renovated = Customer.objects.filter(kind=Customer.Kind.CLUSTER, status=Customer.Status.ACTIVE).first()
    if renovated is not None:  # 户表改造: the collective account is cancelled, 20 working days
        with recently():
            start("renovation_cancellation", renovated)
    with recently():
        start("capacity_change", people[11], removes_old_meter=True)
    with recently():
        start("temporary_use", people[0], use_until=(timezone.localdate() + timedelta(days=90)).isoformat())
    low_income = Customer.objects.filter(low_income=True).first() or people[1]
    with recently():
        start(
            "low_income",
            low_income,
            id_card_name=low_income.name,
            certificate_name=low_income.name,
            invoice_name=low_income.name,
            certificate_number="DB2026-0031",
        )
    appointment = _next_working_moment(9, 30)  # the next working day, counted from today
    with recently():
        _advance(
            clerk,
            start(
                "counter_appointment",
                people[2],
                contact_phone=people[2].phone,
                appointment_at=appointment.isoformat(),
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
