"""Named rule checks a stage definition refers to (P2, P6, P7). Each returns None when the process may
go on, or the refusal in Chinese. Definitions name rules as data; the rules themselves are code."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone

from kefu.core.calendar import WorkingCalendar
from kefu.core.params import whole_number
from kefu.core.policies import get_decimal_policy, get_policy
from kefu.core.validators import normalise_phone
from kefu.customers.models import Customer, Meter, ServicePoint
from kefu.customers.services import check_arrears

ACTIVE_METER_STATES = [Meter.Status.IN_USE, Meter.Status.STOPPED, Meter.Status.STUCK, Meter.Status.UNREADABLE]
Rule = Callable[["Process"], str | None]  # noqa: F821 - Process is only a type hint here
RULES: dict[str, Rule] = {}


def rule(name: str, label: str):
    def register(check: Rule) -> Rule:
        check.label = label
        RULES[name] = check
        return check

    return register


@rule("not_illegal_building", "非违章建筑")
def not_illegal_building(process) -> str | None:
    if process.facts.get("illegal_building"):
        return "申请用水的建筑属违章建筑，不予受理（用水申请指南二（三））"
    return None


@rule("no_mixed_pipes", "无混管")
def no_mixed_pipes(process) -> str | None:
    if process.facts.get("mixed_pipes"):
        return "存在自备水源与公共供水管网混接（混管），须先整改，不予受理"
    return None


@rule("no_arrears", "无欠费、无违章用水")
def no_arrears(process) -> str | None:
    result = check_arrears(process.customer_id)  # by id: no need to load the customer
    if result.has_arrears:
        owed = "，".join(f"户号{number}欠{amount:.2f}元" for number, amount in result.accounts if amount > 0)
        return f"客户有欠费，合计{result.total:.2f}元（{owed}）。请先到收费窗口结清后再办理"
    if process.facts.get("violations"):
        return "客户有违章用水记录未处理完毕，不予受理"
    return None


@rule("pressure_sufficient", "片区水压达标")
def pressure_sufficient(process) -> str | None:
    minimum = get_decimal_policy("processes.min_pressure_mpa")
    value = process.facts.get("area_pressure_mpa")
    if value in (None, ""):
        return "请填写该片区的供水压力（MPa）"
    try:
        pressure = Decimal(str(value))
    except InvalidOperation:
        return "片区供水压力应为数字（MPa）"
    if pressure < minimum:
        return f"该片区供水压力 {pressure} MPa，低于 {minimum} MPa，暂不具备供水条件"
    return None


@rule("not_single_household_renovation", "一户一表改造须整栋申请")
def not_single_household_renovation(process) -> str | None:
    if process.facts.get("building_meter_renovation") and not process.facts.get("collective_application"):
        return "楼栋一户一表改造须由整栋（小区）集体申请，不受理单户申请"
    return None


@rule("caliber_matches_drawing", "图纸口径与申请口径一致")
def caliber_matches_drawing(process) -> str | None:
    applied, drawn = process.facts.get("caliber_applied_dn"), process.facts.get("caliber_drawing_dn")
    if not applied or not drawn:
        return "请填写申请口径和图纸口径（DN）"
    if str(applied) != str(drawn):
        return f"图纸口径 DN{drawn} 与申请口径 DN{applied} 不一致，不予编号"
    return None


def refusals(process, names: list[str]) -> dict[str, str]:
    """{rule name: refusal} for every named rule the process breaks; unknown names are refusals too, so
    that a mistyped definition cannot let a process through silently."""
    found = {}
    for name in names:
        check = RULES.get(name)
        message = f"业务定义引用了不存在的规则「{name}」，请联系管理员" if check is None else check(process)
        if message:
            found[name] = message
    return found


@rule("drawing_matches_card", "图卡相符")
def drawing_matches_card(process) -> str | None:
    if not process.facts.get("drawing_matches_card"):
        return "施工设计图纸与用水申请表（图卡）不符或未核对，不予发号（发放接水点编号制度4.1）"
    return None


@rule("application_complete_and_signed", "申请表填写正确、各部门签字到位")
def application_complete_and_signed(process) -> str | None:
    # The departments a definition's process names for itself, else the rule's (供水手册第六章4.2).
    required = process.facts.get("signatures_required") or get_policy("processes.required_signatures")
    signed = set(process.facts.get("signatures") or [])
    missing = [department for department in required if department not in signed]
    if not process.facts.get("application_fields_complete"):
        return "用水申请表内容未填写完整或填写有误，不予发号（4.2）"
    if missing:
        return "用水申请表缺少以下部门签字：" + "、".join(missing) + "，不予发号（4.2）"
    return None


@rule("supply_contract_signed", "已签订供用水合同")
def supply_contract_signed(process) -> str | None:
    signed = process.customer.contracts.filter(kind__contains="供用水", status="active").exists()
    if not signed:
        return "客户尚未签订有效的供用水合同，不予发号（4.3）"
    return None


@rule("low_income_papers_agree", "身份证、低保证、用水发票相符")
def low_income_papers_agree(process) -> str | None:
    facts = process.facts
    names = {
        "身份证": (facts.get("id_card_name") or "").strip(),
        "低保证": (facts.get("certificate_name") or "").strip(),
        "用水发票": (facts.get("invoice_name") or "").strip(),
    }
    missing = [paper for paper, name in names.items() if not name]
    if missing:
        return "请填写" + "、".join(missing) + "上的姓名"
    if len(set(names.values())) > 1:
        shown = "，".join(f"{paper}：{name}" for paper, name in names.items())
        return f"身份证、低保证、用水发票上的姓名不一致（{shown}），不予注册（低保注册制度2.2）"
    if not (facts.get("certificate_number") or "").strip():
        return "请填写低保证号"
    return None


@rule("transfer_matches_archive", "过户双方名称、地址及水表口径与档案相符")
def transfer_matches_archive(process) -> str | None:
    """Seed 000 ch.6 §6.1: names, address and caliber must agree with the archive, else no transfer."""
    customer, facts = process.customer, process.facts
    problems = []
    if (facts.get("old_holder_name") or "").strip() != customer.name:
        problems.append(
            f"原户名「{facts.get('old_holder_name') or '未填'}」与档案户名「{customer.name}」不符"
        )
    addresses = {customer.address, *customer.service_points.values_list("address", flat=True)}
    if (facts.get("transfer_address") or "").strip() not in addresses:
        problems.append(f"用水地址「{facts.get('transfer_address') or '未填'}」与档案地址不符")
    calibers = set(
        customer.service_points.filter(meters__status__in=ACTIVE_METER_STATES).values_list(
            "meters__caliber_dn", flat=True
        )
    )
    caliber = facts.get("caliber_dn")
    if not calibers:
        problems.append("档案中该户没有在用水表，无法核对口径")
    elif caliber in (None, "") or int(caliber) not in calibers:
        shown = "、".join(f"DN{c}" for c in sorted(calibers))
        problems.append(f"水表口径 DN{caliber or '未填'} 与档案（{shown}）不符")
    new_holder = (facts.get("new_holder_name") or "").strip()
    if not new_holder:
        problems.append("请填写新户名称")
    if problems:
        return "；".join(problems) + "，不能办理过户（更名过户制度6.1）"
    return None


@rule("new_holder_has_contract", "新户已签订供用水合同")
def new_holder_has_contract(process) -> str | None:
    """Seed 000 ch.6 §6.3: the new holder signs a supply contract before the transfer is done."""
    number = (process.facts.get("new_customer_number") or "").strip()
    new_holder = Customer.objects.filter(number=number).first() if number else None
    if new_holder is None:
        return "请填写新户在档案中的客户编号（新户须先建档）"
    if new_holder.name != (process.facts.get("new_holder_name") or "").strip():
        return f"客户编号{number}的户名是「{new_holder.name}」，与新户名称不符"
    if not new_holder.contracts.filter(kind__contains="供用水", status="active").exists():
        return f"新户「{new_holder.name}」尚未签订供用水合同，请先签订合同再办理过户（6.3）"
    return None


@rule("old_meter_returned", "旧表已交回")
def old_meter_returned(process) -> str | None:
    """Seed 000 ch.4 §6.4: where a capacity change removes the old meter, it is returned before the
    acceptance; otherwise no acceptance."""
    if process.facts.get("removes_old_meter") and not process.facts.get("old_meter_returned"):
        return "涉及拆除旧表的，旧表须在验收前交回，未办好手续的不予验收（水表验收制度6.4）"
    return None


@rule("meter_acceptance_signed", "水表验收合格并签字")
def meter_acceptance_signed(process) -> str | None:
    if not process.facts.get("acceptance_passed"):
        return "水表验收合格、验收人员在《客户变更用水申请》和《水表验收单》上签字后方可办结（6.3）"
    return None


@rule("temporary_use_period", "临时用水期限")
def temporary_use_period(process) -> str | None:
    value = process.facts.get("use_until")
    if not value:
        return "请填写临时用水截止日期"
    if date.fromisoformat(value) <= timezone.localdate():
        return f"临时用水截止日期 {value} 应晚于今天"
    return None


@rule("appointment_booked", "已留联系方式并预约时间")
def appointment_booked(process) -> str | None:
    """Seed 000 ch.2 §13: when the counter system cannot serve, take the customer's contact and book."""
    facts = process.facts
    problems = []
    if not (facts.get("contact_phone") or "").strip():
        problems.append("请留下客户联系电话")
    if not facts.get("appointment_at"):
        problems.append("请填写预约办理时间")
    else:
        at = datetime.fromisoformat(facts["appointment_at"])
        lead = int(get_policy("processes.appointment_lead_minutes"))
        if at < timezone.now() + timedelta(minutes=lead):
            problems.append(f"预约时间应至少在{lead}分钟之后")
        elif not WorkingCalendar().day(timezone.localtime(at).date()).working:
            problems.append(f"{timezone.localtime(at):%Y年%m月%d日}不是工作日，请另约时间")
    if not (facts.get("wanted_business") or "").strip():
        problems.append("请填写客户要办理的业务")
    return "；".join(problems) if problems else None


def _unit_or_cluster(process) -> bool:
    return process.customer_kind in (Customer.Kind.UNIT, Customer.Kind.CLUSTER)


@rule("design_fee_paid", "勘测设计费已缴清")
def design_fee_paid(process) -> str | None:
    """P1 / seed 000 ch.9 二（四）1, ch.10 §1.6–2.1: an individual pays the survey and design fee before
    the design is commissioned; a unit or cluster pays it with the construction money."""
    from kefu.core.policies import DEFAULTS

    if _unit_or_cluster(process):
        return None
    definition = process.definition
    standard = definition.standard_fee()
    if not standard or process.fee >= standard:
        return None
    label = definition.fee_label or "本业务收费"
    named = f"（业务规则“{DEFAULTS[definition.fee_rule].label}”）" if definition.fee_rule else ""
    return (
        f"尚未缴清{label}：标准{standard:.2f}元，已收{process.fee:.2f}元{named}。"
        "请先登记收费，再送设计室勘测设计（供水手册第九章二（四）1）"
    )


@rule("center_head_signed", "单位、集群申请经中心负责人审核签字")
def center_head_signed(process) -> str | None:
    """Seed 000 ch.10 §1.5: a unit's or cluster's application is signed by the center's head, by a
    person holding processes.sign_application on the process page (not a box the clerk ticks)."""
    if not _unit_or_cluster(process) or process.facts.get("center_head_signature"):
        return None
    return (
        "单位户、集群户的用水申请须由客户服务中心负责人审核签字（一站式服务流程1.5），请中心负责人在本页签字"
    )


# The contents a unit's or cluster's application report must give (seed 000 ch.9 二（二）1): fact,
# label and whether it is a number that must be above zero.
APPLICATION_CONTENTS = [
    ("water_use_category", "用水类别", False),
    ("water_volume_m3", "用水量", True),
    ("building_numbers", "楼栋号", False),
    ("storeys", "层高", True),
    ("floor_area_m2", "建筑面积", True),
    ("households", "户数", True),
]


@rule("application_contents_complete", "单位、集群用水申请报告内容齐全")
def application_contents_complete(process) -> str | None:
    if not _unit_or_cluster(process):
        return None
    missing, not_positive = [], []
    for name, label, number in APPLICATION_CONTENTS:
        value = process.facts.get(name)
        if value in (None, ""):
            missing.append(label)
        elif number and Decimal(str(value)) <= 0:
            not_positive.append(label)
    problems = []
    if missing:
        problems.append("用水申请报告缺少：" + "、".join(missing))
    if not_positive:
        problems.append("、".join(not_positive) + "应大于0")
    if problems:
        rule = "（用水申请指南二（二）1：申请报告须写明用水类别、用水量、楼栋号、层高、建筑面积、户数）"
        return "；".join(problems) + rule
    return None


@rule("road_permit_recorded", "已登记破路许可")
def road_permit_recorded(process) -> str | None:
    """Seed 000 ch.10 §6.2, §7.1: a customer whose pipe crosses a road obtains the road-opening permit;
    the construction order goes out within a working day of it, so its date is recorded first."""
    if not process.facts.get("road_permit_needed"):
        return None
    value = process.facts.get("road_permit_date")
    if not value:
        return (
            "该工程须办理破路手续：请登记客户取得破路许可的日期，"
            "施工通知自该日起1个工作日内下达（一站式服务流程7.1）"
        )
    if date.fromisoformat(value) > timezone.localdate():
        return f"破路许可日期 {value} 晚于今天，请核对"
    return None


@rule("connection_number_issued", "接水点编号已由发号业务发放")
def connection_number_issued(process) -> str | None:
    """P1 + P6: the connection point is numbered by the connection_number business the one-stop process
    started when construction was ordered (hooks.call_connection_number); filing waits for its number."""
    from kefu.processes.models import Process

    number = process.facts.get("connection_number_process")
    if not number:
        return "本业务尚未发起「发放接水点编号」业务，不能建档（一站式服务流程8.3：确定接水点编号）"
    child = Process.objects.filter(number=number).only("state", "facts").first()
    if child is not None and child.state == Process.State.REJECTED:
        return f"关联的发放接水点编号业务{number}已不予受理：请退回「下达施工通知」，完成时将重新发起发号业务"
    if child is None or child.state != Process.State.COMPLETED or not child.facts.get("connection_point_no"):
        state = child.get_state_display() if child else "不存在"
        return f"关联的发放接水点编号业务{number}（{state}）尚未发号，请先办结后再建档"
    return None


@rule("meter_recorded", "已登记所装水表")
def meter_recorded(process) -> str | None:
    facts, problems = process.facts, []
    if not (facts.get("meter_number") or "").strip():
        problems.append("请填写所装水表的表号")
    caliber = facts.get("meter_caliber_dn")
    if caliber in (None, ""):
        problems.append("请填写所装水表的口径（DN）")
    elif not 15 <= int(caliber) <= 600:
        problems.append(f"水表口径 DN{caliber} 应在 DN15 至 DN600 之间")
    if not facts.get("water_use_category"):
        problems.append("请填写用水类别（居民生活用水、非居民用水、特种行业用水或消防用水）")
    return "；".join(problems) + "，不能建档" if problems else None


@rule("archive_filed", "接水点、水表和户号已入档")
def archive_filed(process) -> str | None:
    if not process.facts.get("archive_account"):
        return "档案中尚未建立该户的接水点、水表和户号，请先完成「系统建档」"
    return None


@rule("supply_suspended", "客户处于暂停用水状态")
def supply_suspended(process) -> str | None:
    status = Customer.objects.filter(pk=process.customer_id).values_list("status", flat=True).first()
    if status != Customer.Status.SUSPENDED:
        shown = Customer.Status(status).label if status else "未知"
        return f"客户当前为「{shown}」，不是暂停用水状态，无须办理复水"
    return None


# The application facts the rules read, so that the counter page can ask for exactly those:
# name: (label, kind) with kind "bool", "decimal", "int", "text" or "list".
FACTS: dict[str, tuple[str, str]] = {
    "illegal_building": ("属违章建筑", "bool"),
    "mixed_pipes": ("内外管混装（混管）", "bool"),
    "violations": ("有未处理的违章用水", "bool"),
    "area_pressure_mpa": ("片区供水压力（MPa）", "decimal"),
    "building_meter_renovation": ("涉及门、栋水表改造", "bool"),
    "collective_application": ("整栋（小区）集体申请", "bool"),
    "caliber_applied_dn": ("申请口径（DN）", "int"),
    "caliber_drawing_dn": ("图纸口径（DN）", "int"),
    "drawing_matches_card": ("图纸与申请表（图卡）相符", "bool"),
    "application_fields_complete": ("申请表内容填写完整正确", "bool"),
    "signatures": ("已签字的部门（用顿号分隔）", "list"),
    "id_card_name": ("身份证姓名", "text"),
    "certificate_name": ("低保证姓名", "text"),
    "invoice_name": ("用水发票户名", "text"),
    "certificate_number": ("低保证号", "text"),
    "old_holder_name": ("原户名", "text"),
    "transfer_address": ("用水地址", "text"),
    "caliber_dn": ("水表口径（DN）", "int"),
    "new_holder_name": ("新户名称", "text"),
    "new_customer_number": ("新户客户编号", "text"),
    "removes_old_meter": ("涉及拆除旧表", "bool"),
    "old_meter_returned": ("旧表已交回", "bool"),
    "acceptance_passed": ("验收合格并已签字", "bool"),
    "use_until": ("临时用水截止日期", "date"),
    "contact_phone": ("客户联系电话", "phone"),
    "appointment_at": ("预约办理时间", "datetime"),
    "wanted_business": ("要办理的业务", "text"),
    "water_use_category": ("用水类别", "water_use"),
    "water_volume_m3": ("用水量（m³/日）", "decimal"),
    "building_numbers": ("楼栋号", "text"),
    "storeys": ("层高（层数）", "int"),
    "floor_area_m2": ("建筑面积（m²）", "decimal"),
    "households": ("户数", "int"),
    "road_permit_needed": ("须办理破路手续", "bool"),
    "road_permit_date": ("取得破路许可日期", "date"),
    "meter_number": ("所装水表表号", "text"),
    "meter_caliber_dn": ("所装水表口径（DN）", "int"),
    "install_address": ("用水地址（与档案地址不同时填写）", "text"),
}
RULE_FACTS: dict[str, list[str]] = {
    "not_illegal_building": ["illegal_building"],
    "no_mixed_pipes": ["mixed_pipes"],
    "no_arrears": ["violations"],
    "pressure_sufficient": ["area_pressure_mpa"],
    "not_single_household_renovation": ["building_meter_renovation", "collective_application"],
    "caliber_matches_drawing": ["caliber_applied_dn", "caliber_drawing_dn"],
    "drawing_matches_card": ["drawing_matches_card"],
    "application_complete_and_signed": ["application_fields_complete", "signatures"],
    "low_income_papers_agree": ["id_card_name", "certificate_name", "invoice_name", "certificate_number"],
    "transfer_matches_archive": ["old_holder_name", "transfer_address", "caliber_dn", "new_holder_name"],
    "new_holder_has_contract": ["new_holder_name", "new_customer_number"],
    "old_meter_returned": ["removes_old_meter", "old_meter_returned"],
    "meter_acceptance_signed": ["acceptance_passed"],
    "temporary_use_period": ["use_until"],
    "appointment_booked": ["contact_phone", "appointment_at", "wanted_business"],
    "application_contents_complete": [name for name, _label, _number in APPLICATION_CONTENTS],
    "road_permit_recorded": ["road_permit_needed", "road_permit_date"],
    "meter_recorded": ["meter_number", "meter_caliber_dn", "water_use_category", "install_address"],
}


def facts_for(rule_names) -> list[str]:
    """The facts a set of rules reads, in a stable order, each once."""
    return list(dict.fromkeys(fact for name in rule_names for fact in RULE_FACTS.get(name, [])))


def clean_facts(values: dict) -> dict:
    """Facts given by the API, typed like the counter form's; unknown names and bad values are refused
    with the fact's Chinese label."""
    cleaned, errors = {}, {}
    for name, value in values.items():
        if name not in FACTS:
            errors[name] = f"没有名为「{name}」的申请信息"
            continue
        if isinstance(value, bool):
            value = "on" if value else ""
        elif isinstance(value, list):
            value = "、".join(str(item) for item in value)
        try:
            cleaned[name] = parse_fact(name, "" if value is None else str(value))
        except ValueError as error:
            errors[name] = str(error)
    if errors:
        raise ValidationError(errors)
    return cleaned


def parse_fact(name: str, raw: str):
    """A fact from a form's text, typed as the rules expect; ValueError with a Chinese message."""
    label, kind = FACTS[name]
    raw = (raw or "").strip()
    if kind == "bool":
        return raw in ("on", "1", "true", "yes")
    if kind == "list":
        parts = raw.replace("，", "、").replace(",", "、").split("、")
        return [part.strip() for part in parts if part.strip()]
    if not raw:
        return ""
    if kind == "int":
        if (number := whole_number(raw)) is None:
            raise ValueError(f"{label}应为整数")
        return number
    if kind == "date":
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError:
            raise ValueError(f"{label}应为日期，例如 2026-12-31") from None
    if kind == "datetime":
        try:
            moment = datetime.fromisoformat(raw.replace(" ", "T"))
        except ValueError:
            raise ValueError(f"{label}应为日期和时间，例如 2026-12-01 09:30") from None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment.isoformat()
    if kind == "phone":
        try:
            return normalise_phone(raw)
        except ValidationError as error:  # the archive's validator says what is wrong, in Chinese
            raise ValueError(f"{label}：{error.messages[0]}") from None
    if kind == "decimal":
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise ValueError(f"{label}应为数字") from None
        if not number.is_finite():
            raise ValueError(f"{label}应为数字")
        return str(number)
    if kind == "water_use":
        return water_use_label(raw, label)
    return raw


def water_use_label(raw: str, label: str = "用水类别") -> str:
    """The archive's 用水性质, kept in the facts in Chinese (the clerk's word), code or label accepted."""
    for code, name in ServicePoint.WaterUse.choices:
        if raw in (code, str(name)):
            return str(name)
    names = "、".join(str(name) for _code, name in ServicePoint.WaterUse.choices)
    raise ValueError(f"{label}应为以下之一：{names}")
