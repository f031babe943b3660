"""Named actions a stage runs when it is completed (StageDefinition.hooks), inside the same transaction
as the advance: a failed action refuses the advance and leaves nothing half-done. Definitions name
actions as data; the actions are code, like the rules.

Each action takes (process, actor) and may change process.facts (saved by the caller)."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kefu.archives.models import Category
from kefu.archives.services.filing import register_file
from kefu.core.numbering import next_number, year_period
from kefu.core.policies import DEFAULTS, get_policy
from kefu.customers.events import customer_transferred_events
from kefu.customers.models import Customer, ServicePoint
from kefu.customers.services import (
    add_account,
    add_contract,
    add_meter,
    add_service_point,
    check_arrears,
    set_supply_status,
    update_customer,
)
from kefu.processes.events import (
    account_card_opened_event,
    archive_filed_event,
    connection_number_called_event,
    meter_work_requested_event,
)
from kefu.processes.signals import meter_work_requested

Hook = Callable[..., None]
HOOKS: dict[str, Hook] = {}


def hook(name: str, label: str):
    def register(action: Hook) -> Hook:
        action.label = label
        HOOKS[name] = action
        return action

    return register


def run_hooks(process, actor, names: list[str]) -> None:
    for name in names:
        action = HOOKS.get(name)
        if action is None:
            raise ValidationError({"hooks": f"业务定义引用了不存在的动作「{name}」，请联系管理员"})
        action(process, actor)


# NumberSequence keys of the counter's yearly series (kefu.core.numbering).
CONNECTION_POINT_SERIES = "processes.connection_point"
ACCOUNT_SERIES = "processes.account"
SUPPLY_CONTRACT_SERIES = "processes.supply_contract"


def yearly_number(series: str, prefix: str, width: int) -> str:
    """PREFIX + year + a gap-free serial, e.g. JSD2026000017; runs inside the advance's transaction,
    so a refused advance gives its number back and two clerks never get the same one."""
    today = timezone.localdate()
    return f"{prefix}{today.year}{next_number(series, year_period(today)):0{width}d}"


def branch_of(customer: Customer):
    """The branch company serving the customer: the area of a connection point, else of the archive."""
    point = customer.service_points.select_related("service_area__branch").first()
    area = point.service_area if point else customer.service_area
    return area.branch if area else None


@hook("notify_branch_of_arrears", "前户欠费通知分公司催缴")
def notify_branch_of_arrears(process, actor) -> None:
    """P7 / seed 000 ch.6 §6.2: a transfer checks the previous holder's arrears; if any, a work order
    asks the area's branch to collect them. The transfer itself goes on."""
    from kefu.hotline.models import Channel, Contact
    from kefu.hotline.selectors import transfer_category
    from kefu.hotline.services.contacts import open_contact

    arrears = check_arrears(process.customer)
    if not arrears.has_arrears:
        process.facts["arrears_work_order"] = ""
        return
    customer = process.customer
    phone = customer.phone or next((p.phone for p in customer.contact_persons.all() if p.phone), "")
    branch = branch_of(customer)
    if not phone or branch is None:
        message = (
            f"前户有欠费（{arrears.message}），须通知分公司催缴，但档案缺少联系电话或所属片区，请先补充档案"
        )
        raise ValidationError({"customer": message})
    try:
        # Checked when the rule is saved; a row stored before the check, or a category changed since,
        # is still possible, and the clerk must learn what to ask the administrator to fix.
        category = transfer_category(get_policy("processes.arrears_category"))
    except ValidationError as error:
        rule = DEFAULTS["processes.arrears_category"].label
        problem = "；".join(error.messages)
        message = f"前户有欠费须通知分公司催缴，但业务规则“{rule}”有误：{problem}。请系统管理员改正后再办理"
        raise ValidationError({"hooks": message}) from None
    contact = open_contact(
        actor=actor,
        matter=f"更名过户（{process.number}）：前户{customer.name}有欠费，{arrears.message}，请分公司及时催缴",
        category=category,
        disposition=Contact.Disposition.TRANSFERRED,
        channel=Channel.COUNTER,
        customer=customer,
        phone=phone,
        address=customer.address,
        service_area=customer.service_area,
        unit=branch,
    )
    work_order = getattr(contact, "work_order", None)
    process.facts["arrears_work_order"] = work_order.number if work_order else contact.number


@hook("transfer_service_points", "接水点和户号转到新户名下")
def transfer_service_points(process, actor) -> None:
    """P7: the previous holder's connection points and accounts pass to the new holder; both archives
    record the change, so nothing is overwritten silently."""
    new_holder = Customer.objects.filter(number=process.facts.get("new_customer_number", "")).first()
    if new_holder is None:
        raise ValidationError({"new_customer_number": "新户客户编号在档案中不存在"})
    old_holder = process.customer
    points = list(old_holder.service_points.values_list("connection_point_no", flat=True))
    accounts = list(old_holder.accounts.values_list("number", flat=True))
    old_holder.service_points.update(customer=new_holder, updated_at=timezone.now())
    old_holder.accounts.update(customer=new_holder, updated_at=timezone.now())
    moved = {"connection_points": points, "accounts": accounts}
    customer_transferred_events(
        actor=actor, old_holder=old_holder, new_holder=new_holder, moved=moved, note=process.number
    )


@hook("issue_connection_point_number", "发放接水点编号")
def issue_connection_point_number(process, actor) -> None:
    if process.facts.get("connection_point_no"):
        return  # a stage returned to and done again keeps the number already issued
    process.facts["connection_point_no"] = yearly_number(
        CONNECTION_POINT_SERIES, get_policy("processes.connection_point_prefix"), 6
    )


@hook("call_connection_number", "发起发放接水点编号业务")
def call_connection_number(process, actor) -> None:
    """P1 + P6 (seed 000 ch.10 §8.3: during construction the branch has the connection point numbered at
    the center). The one-stop process starts the connection_number business for the same customer, with
    what it knows already, and links both ways; that business keeps its own gate (drawing = card, every
    signature, a supply contract, calibers equal) and its gap-free JSD number. Done once: a stage done
    again after a return keeps the business already started."""
    from kefu.processes.models import Process
    from kefu.processes.services import start_process

    linked = process.facts.get("connection_number_process")
    if linked and not Process.objects.filter(number=linked, state=Process.State.REJECTED).exists():
        return  # one numbering business per connection; a refused one is started again
    carried = {
        name: process.facts[name]
        for name in ("caliber_applied_dn", "caliber_drawing_dn")
        if process.facts.get(name) not in (None, "")
    }
    child = start_process(
        actor=actor,
        definition_code="connection_number",
        customer=process.customer,
        facts={**carried, "parent_process": process.number},
    )
    process.facts["connection_number_process"] = child.number
    connection_number_called_event(actor=actor, process=process, child=child)


@hook("file_new_connection", "系统建档：接水点、水表和户号入档")
def file_new_connection(process, actor) -> None:
    """P1 → A1 (seed 000 ch.10 §9.4: 完成系统建档、归档). The connection point with the number the
    connection_number business issued, its meter and a new account go into the customer's archive
    through the customers services (each records its event on the archive); the process records what it
    filed. Idempotent: a point with that number already in the archive is not filed twice."""
    from kefu.processes.models import Process
    from kefu.processes.rules import water_use_label

    if process.facts.get("archive_account"):
        return
    child = Process.objects.get(number=process.facts["connection_number_process"])
    number = child.facts["connection_point_no"]
    if ServicePoint.objects.filter(connection_point_no=number).exists():
        raise ValidationError({"connection_point_no": f"接水点编号{number}已在档案中，请核对后再建档"})
    customer, facts = process.customer, process.facts
    use = water_use_label(facts.get("water_use_category") or "")
    water_use = next(code for code, label in ServicePoint.WaterUse.choices if str(label) == use)
    account = add_account(
        actor=actor,
        customer=customer,
        number=yearly_number(ACCOUNT_SERIES, get_policy("processes.account_prefix"), 6),
    )
    point = add_service_point(
        actor=actor,
        customer=customer,
        connection_point_no=number,
        address=(facts.get("install_address") or "").strip() or customer.address,
        service_area=customer.service_area,
        account=account,
        water_use=water_use,
    )
    meter = add_meter(
        actor=actor,
        service_point=point,
        number=facts["meter_number"].strip(),
        caliber_dn=int(facts["meter_caliber_dn"]),
        install_date=timezone.localdate(),
        last_reading=0,
    )
    facts.update(
        archive_account=account.number,
        archive_service_point=point.connection_point_no,
        archive_meter=meter.number,
    )
    archive_filed_event(actor=actor, process=process, account=account, point=point, meter=meter)


@hook("open_account_card", "建立账卡")
def open_account_card(process, actor) -> None:
    """Seed 000 ch.10 §9.5: the account card of the account filed at 系统建档 (建卡、入册)."""
    if process.facts.get("account_card_on"):
        return
    process.facts["account_card_on"] = timezone.localdate().isoformat()
    account_card_opened_event(actor=actor, process=process, account=process.facts["archive_account"])


@hook("restore_supply", "恢复供水（复水）")
def restore_supply(process, actor) -> None:
    note = f"{process.definition.name}（{process.number}）"
    set_supply_status(actor=actor, customer=process.customer, status=Customer.Status.ACTIVE, note=note)


@hook("archive_supply_contract", "合同登记入档")
def archive_supply_contract(process, actor) -> None:
    if process.facts.get("contract_number"):
        return
    number = yearly_number(SUPPLY_CONTRACT_SERIES, get_policy("processes.contract_prefix"), 5)
    contract = add_contract(
        actor=actor, customer=process.customer, number=number, signed_on=timezone.localdate()
    )
    process.facts["contract_number"] = number
    register_file(  # the signed contract goes to the archive room (D1)
        actor=actor,
        category=Category.SUPPLY_CONTRACT,
        title=f"供用水合同·{process.customer.name}（{number}）"[:200],
        subject=f"customers.contract:{contract.pk}",
        finished_on=contract.signed_on,
        customer=process.customer,
        department=getattr(actor, "department", None),
        source_number=number,
        items=["供用水合同"],
    )


@hook("register_low_income", "低保户注册")
def register_low_income(process, actor) -> None:
    update_customer(
        actor=actor,
        customer=process.customer,
        data={"low_income": True, "low_income_certificate": process.facts.get("certificate_number", "")},
        note=f"低保注册（{process.number}）",
    )


@hook("suspend_supply", "暂停供水")
def suspend_supply(process, actor) -> None:
    note = f"{process.definition.name}（{process.number}）"
    set_supply_status(actor=actor, customer=process.customer, status=Customer.Status.SUSPENDED, note=note)


@hook("cancel_supply", "销户")
def cancel_supply(process, actor) -> None:
    note = f"{process.definition.name}（{process.number}）"
    set_supply_status(actor=actor, customer=process.customer, status=Customer.Status.CANCELLED, note=note)


def _ask_meter_store(work: str):
    """The meter store's side (removal tasks, issuing meters, taking old meters back) belongs to the
    meters app of a later issue: it will listen to `meter_work_requested`. Until then the request is an
    event on the process and the branch/meter-store stages that follow carry the deadlines."""

    def action(process, actor) -> None:
        meter_work_requested_event(actor=actor, process=process, work=work)
        transaction.on_commit(
            lambda: meter_work_requested.send(sender=type(process), process=process, work=work)
        )

    return action


hook("request_meter_removal", "开具拆表任务单")(_ask_meter_store("remove"))
hook("request_meter_issue", "开具改表领表单")(_ask_meter_store("issue"))
