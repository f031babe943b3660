"""Definitions are configuration an administrator edits (deadlines, checklists, texts, which named
rules and actions a stage uses); each edit is checked so that a definition cannot name a rule, action
or form that does not exist, and recorded as an event with the old and new values."""

from django.core.exceptions import ValidationError
from django.db import transaction

from kefu.core.events import diff
from kefu.customers.models import Customer
from kefu.processes.events import definition_saved_event, stage_saved_event
from kefu.processes.hooks import HOOKS
from kefu.processes.models import DeadlineUnit, ProcessDefinition, StageDefinition, StageRoute
from kefu.processes.rules import RULES

STAGE_FIELDS = [
    "order",
    "code",
    "name",
    "responsible",
    "route",
    "unit",
    "deadline_unit",
    "deadline_individual",
    "deadline_unit_customer",
    "documents",
    "rules",
    "hooks",
    "forms",
    "customer_kinds",
    "note",
]
DEFINITION_FIELDS = ["code", "name", "description", "fee_individual", "fee_label", "fee_rule", "active"]


def _names(value, known, label: str, field: str, errors: dict) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors[field] = f'{label}应为名称列表，例如 ["no_arrears"]'
        return
    unknown = [item for item in value if item not in known]
    if unknown:
        errors[field] = f"没有这些{label}：" + "、".join(unknown) + "。可用：" + "、".join(sorted(known))


def check_stage(stage: StageDefinition) -> None:
    from kefu.processes.printing import FORMS

    errors: dict[str, str] = {}
    _names(stage.rules, RULES, "规则", "rules", errors)
    _names(stage.hooks, HOOKS, "完成时动作", "hooks", errors)
    _names(stage.forms, FORMS, "打印表单", "forms", errors)
    _names(stage.customer_kinds, Customer.Kind.values, "客户类型", "customer_kinds", errors)
    documents = stage.documents
    if not isinstance(documents, list) or not all(
        isinstance(doc, dict) and doc.get("code") and doc.get("name") for doc in documents
    ):
        errors["documents"] = (
            '必备材料应为列表，每项含 code 和 name，例如 [{"code": "id_card", "name": "身份证"}]'
        )
    else:
        codes = [doc["code"] for doc in documents]
        if len(codes) != len(set(codes)):
            errors["documents"] = "必备材料的编码不能重复"
        bad_kinds = [k for doc in documents for k in doc.get("kinds", []) if k not in Customer.Kind.values]
        if bad_kinds:
            errors["documents"] = "材料适用的客户类型只能是 individual、unit、cluster"
    if stage.route == StageRoute.UNIT and stage.unit_id is None:
        errors["unit"] = "办理单位为「指定单位」时须选择单位"
    if stage.deadline_unit == DeadlineUnit.APPOINTMENT and "appointment_booked" not in _earlier_rules(stage):
        errors["deadline_unit"] = "按预约时间计时的环节之前须有「已预约」规则（appointment_booked）"
    if stage.deadline_unit == DeadlineUnit.ROAD_PERMIT and "road_permit_recorded" not in (
        set(stage.rules) | _earlier_rules(stage)
    ):
        errors["deadline_unit"] = (
            "按破路许可计时的环节（或之前的环节）须有「已登记破路许可」规则（road_permit_recorded）"
        )
    for field in ("deadline_individual", "deadline_unit_customer"):
        value = getattr(stage, field)
        if value is not None and value < 1:
            errors[field] = "时限至少为1；不限时请留空"
    if errors:
        raise ValidationError(errors)


def _earlier_rules(stage: StageDefinition) -> set[str]:
    earlier = StageDefinition.objects.filter(definition_id=stage.definition_id, order__lt=stage.order)
    return {rule for rules in earlier.values_list("rules", flat=True) for rule in rules}


@transaction.atomic
def save_stage(*, actor, stage: StageDefinition) -> StageDefinition:
    check_stage(stage)
    if stage.pk is None:
        stage.save()
        stage_saved_event(actor=actor, stage=stage, created=True, changes={"code": [None, stage.code]})
        return stage
    stored = StageDefinition.objects.select_for_update().get(pk=stage.pk)
    changes = diff(stored, {field: getattr(stage, field) for field in STAGE_FIELDS})
    stage.save()
    if changes:
        stage_saved_event(actor=actor, stage=stage, created=False, changes=changes)
    return stage


def check_definition(definition: ProcessDefinition) -> None:
    """A fee rule must be one of the 业务规则 holding an amount in yuan (processes.survey_design_fee_yuan)."""
    from kefu.core.policies import DECIMAL, DEFAULTS

    rule = definition.fee_rule
    if rule and (rule not in DEFAULTS or DEFAULTS[rule].kind != DECIMAL or DEFAULTS[rule].unit != "元"):
        amounts = sorted(
            key for key, default in DEFAULTS.items() if default.kind == DECIMAL and default.unit == "元"
        )
        raise ValidationError({"fee_rule": f"没有以元计的业务规则「{rule}」。可用：" + "、".join(amounts)})


@transaction.atomic
def save_definition(*, actor, definition: ProcessDefinition) -> ProcessDefinition:
    check_definition(definition)
    if definition.pk is None:
        definition.save()
        definition_saved_event(
            actor=actor, definition=definition, created=True, changes={"code": [None, definition.code]}
        )
        return definition
    stored = ProcessDefinition.objects.select_for_update().get(pk=definition.pk)
    changes = diff(stored, {field: getattr(definition, field) for field in DEFINITION_FIELDS})
    definition.save()
    if changes:
        definition_saved_event(actor=actor, definition=definition, created=False, changes=changes)
    return definition
