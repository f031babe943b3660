"""Named rule checks a stage definition refers to (P2, P6, P7). Each returns None when the process may
go on, or the refusal in Chinese. Definitions name rules as data; the rules themselves are code."""

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from kefu.core.policies import get_decimal_policy
from kefu.customers.services import check_arrears

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
    result = check_arrears(process.customer)
    if result.has_arrears:
        return f"客户有欠费：{result.message}。请先到收费窗口结清后再办理"
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
    required = process.facts.get("signatures_required") or ["设计室", "预算室", "工程部", "客服中心"]
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
}


def facts_for(rule_names) -> list[str]:
    """The facts a set of rules reads, in a stable order, each once."""
    return list(dict.fromkeys(fact for name in rule_names for fact in RULE_FACTS.get(name, [])))


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
        if not raw.isdigit():
            raise ValueError(f"{label}应为整数")
        return int(raw)
    if kind == "decimal":
        try:
            return str(Decimal(raw))
        except InvalidOperation:
            raise ValueError(f"{label}应为数字") from None
    return raw
