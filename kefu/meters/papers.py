"""The papers the store asks for before a meter goes out (M3, seed 000 ch.4 §3.2, §4.3.2, §6.2), as data:
each paper's code and name, and for each purpose the papers it needs. The issue form shows these as
checkboxes beside the purpose; `issues.issue_meter` refuses an issue whose papers are missing, naming them.

- 新开户（新接水点）(§3.2.1): 《客户用水申请》卡、设计图、水表验收单、安装单位领表单; 一户一表 also a 花名册
  (§6.2), offered but not required (the store cannot tell an 一户一表 project from the card alone).
- 临时用水、增容、减容 (§3.2.2): 《客户变更用水申请》卡 + 《改表领表单》.
- 赔表、复水 (§3.2.4): 《客户赔表、复水申请》卡 + 《改表领表单》, one meter per card.
- 逾龄换表、急换 (§4.3.2): the 换表单 signed by the branch head (分公司负责人签字), one meter per form.
"""

from kefu.meters.models import Purpose

PAPERS: dict[str, str] = {
    "application_card": "《客户用水申请》卡",
    "design_drawing": "设计图（施工图）",
    "acceptance_sheet": "水表验收单",
    "installer_form": "安装单位领表单",
    "household_roster": "花名册（一户一表）",
    "change_card": "《客户变更用水申请》卡",
    "change_issue_form": "《改表领表单》",
    "compensation_card": "《客户赔表、复水申请》卡",
    "replacement_form": "换表单（分公司负责人签字）",
}

REQUIRED: dict[str, list[str]] = {
    Purpose.NEW_CONNECTION: ["application_card", "design_drawing", "acceptance_sheet", "installer_form"],
    Purpose.CAPACITY_CHANGE: ["change_card", "change_issue_form"],
    Purpose.TEMPORARY_USE: ["change_card", "change_issue_form"],
    Purpose.COMPENSATION: ["compensation_card", "change_issue_form"],
    Purpose.RESUMPTION: ["compensation_card", "change_issue_form"],
    Purpose.AGE_REPLACEMENT: ["replacement_form"],
    Purpose.URGENT_REPLACEMENT: ["replacement_form"],
}

# Papers a purpose may carry beyond the required ones.
OPTIONAL: dict[str, list[str]] = {
    Purpose.NEW_CONNECTION: ["household_roster"],
}

# The clause each purpose's papers come from, quoted in the refusal.
CLAUSES: dict[str, str] = {
    Purpose.NEW_CONNECTION: "第四章3.2.1",
    Purpose.CAPACITY_CHANGE: "第四章3.2.2",
    Purpose.TEMPORARY_USE: "第四章3.2.2",
    Purpose.COMPENSATION: "第四章3.2.4",
    Purpose.RESUMPTION: "第四章3.2.4",
    Purpose.AGE_REPLACEMENT: "第四章4.3.2",
    Purpose.URGENT_REPLACEMENT: "第四章4.3.2",
}


def required_for(purpose: str) -> list[str]:
    return list(REQUIRED.get(purpose, []))


def allowed_for(purpose: str) -> list[str]:
    return required_for(purpose) + list(OPTIONAL.get(purpose, []))


def names(codes) -> list[str]:
    return [PAPERS.get(code, code) for code in codes]


def missing(purpose: str, papers) -> list[str]:
    """The required papers (codes) not among `papers`, in the order the rule lists them."""
    given = set(papers)
    return [code for code in required_for(purpose) if code not in given]


def by_purpose() -> list[tuple[str, str, list[tuple[str, str, bool]]]]:
    """For the issue form: each purpose with its papers (code, name, required)."""
    rows = []
    for purpose, label in Purpose.choices:
        required = required_for(purpose)
        rows.append(
            (purpose, str(label), [(code, PAPERS[code], code in required) for code in allowed_for(purpose)])
        )
    return rows
