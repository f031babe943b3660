"""Issue 13 point 6 (P1, P3, P9, A4) on the shipped definitions; only rows still as shipped change, so an
administrator's edits stay:

- the 预算室 becomes a unit that holds 编制预算, 资料移交 and 工程结算 (as the 设计室 holds 勘测设计), so
  the counter can no longer complete them;
- the survey and design fee is the rule processes.survey_design_fee_yuan and is paid before the design is
  commissioned (design_fee_paid); unit and cluster applications need the center head's signature and the
  application report's contents; arrears are checked again at the contract and payment, construction and
  acceptance (meter) stages; the contract checklist has the seven papers of ch.9 二（八）3; the construction
  notice counts from the road-opening permit;
- ordering construction starts the connection_number business; 系统建档 files the connection point, the
  meter and the account in the archive; 建立账卡 records the card;
- 复水 (resumption) and 户表改造销户 are shipped businesses; an ordinary cancellation's meter removal is 10
  working days for every customer (the 20 days are the renovation's)."""

from django.db import migrations

IND, UNIT, CLUSTER = "individual", "unit", "cluster"
FEE_RULE = "processes.survey_design_fee_yuan"
BUDGET_STAGES = ["budget", "documents_handover", "settlement"]
MORE_CONTRACT_DOCUMENTS = [
    {"code": "org_code_certificate", "name": "企业（事业）机构代码证副本（复印件）", "kinds": [UNIT, CLUSTER]},
    {"code": "tax_registration", "name": "国家税务登记证副本（复印件）", "kinds": [UNIT, CLUSTER]},
    {"code": "legal_rep_seal", "name": "法定代表人私章", "kinds": [UNIT, CLUSTER]},
    {"code": "unit_seal", "name": "单位公章", "kinds": [UNIT, CLUSTER]},
]
# (stage, rules added, hooks added)
NEW_CONNECTION = [
    ("application", ["application_contents_complete", "center_head_signed"], []),
    ("design_commission", ["design_fee_paid"], []),
    ("contract_payment", ["no_arrears"], []),
    ("construction_notice", ["road_permit_recorded"], ["call_connection_number"]),
    ("construction", ["no_arrears"], []),
    ("acceptance", ["no_arrears"], []),
    ("system_filing", ["connection_number_issued", "meter_recorded"], ["file_new_connection"]),
    ("account_card", ["archive_filed"], ["open_account_card"]),
]
HOLDER_ID = {"code": "holder_id", "name": "户主身份证或单位证明（复印件）", "kinds": []}
REMOVAL_APPLICATION = {"code": "removal_application", "name": "《客户拆表销户申请》", "kinds": []}
REMOVAL_TASK = {"code": "removal_task_copy", "name": "《拆表任务单》第一联", "kinds": []}
# code, name, responsible, route, (individual, unit/cluster), documents, rules, hooks, forms, kinds, note
DEFINITIONS = {
    "resumption": (
        "复水（恢复用水）",
        "暂停用水的客户申请恢复用水：结清水费后受理，开具《改表领表单》；分公司领表装表复水；2日内录入系统",
        [
            ("application", "受理复水申请", "客服中心窗口", "center", (1, 1),
             [{"code": "resumption_card", "name": "《客户赔表、复水申请》卡", "kinds": []}, HOLDER_ID],
             ["supply_suspended", "no_arrears"], ["request_meter_issue"], ["application_receipt"], [],
             "每张《客户赔表、复水申请》卡和《改表领表单》只能领一只表（第四章3.2.4）"),
            ("meter_reinstall", "领表装表复水", "供水分公司", "branch", (10, 10), [], [], [], [], [],
             "分公司领表、装表并恢复供水；不能按时完成的及时反馈客服中心"),
            ("system_entry", "复水信息录入系统", "客服中心", "center", (2, 2), [], [], ["restore_supply"], [],
             [], "2日内输入营销管理系统（第四章5.7）"),
        ],
    ),
    "renovation_cancellation": (
        "户表改造销户",
        "户表改造（包括单元改造）必须销集体户或单位户：客户填写《客户拆表销户申请》，中心填写拆表任务单；"
        "分公司20个工作日内办理销户手续",
        [
            ("application", "受理户表改造销户申请", "客服中心窗口", "center", (1, 1),
             [REMOVAL_APPLICATION, HOLDER_ID], ["no_arrears"], ["request_meter_removal"],
             ["application_receipt"], [UNIT, CLUSTER], "第四章5.6：必须让客户填写《客户拆表销户申请》"),
            ("meter_removal", "拆表销户、交回旧表", "供水分公司", "branch", (20, 20), [REMOVAL_TASK], [], [],
             [], [UNIT, CLUSTER], "施工人员将《拆表任务单》和旧表转交供水分公司，分公司20个工作日内办理销户手续"),
            ("system_entry", "销户信息录入系统", "客服中心", "center", (2, 2), [], [], ["cancel_supply"], [],
             [UNIT, CLUSTER], "旧表回收信息2日内输入营销管理系统"),
        ],
    ),
}


def create(apps, schema_editor):
    ProcessDefinition = apps.get_model("processes", "ProcessDefinition")
    StageDefinition = apps.get_model("processes", "StageDefinition")
    Unit = apps.get_model("accounts", "Unit")
    budget_office, _ = Unit.objects.get_or_create(code="budget_office", defaults={"name": "预算室", "kind": "other"})
    ProcessDefinition.objects.filter(code="new_connection", fee_rule="").update(fee_rule=FEE_RULE)
    stages = StageDefinition.objects.filter(definition__code="new_connection")
    stages.filter(code__in=BUDGET_STAGES, route="center").update(route="unit", unit=budget_office)
    for code, rules, hooks in NEW_CONNECTION:
        stage = stages.filter(code=code).first()
        if stage is None:
            continue
        stage.rules = stage.rules + [rule for rule in rules if rule not in stage.rules]
        stage.hooks = stage.hooks + [hook for hook in hooks if hook not in stage.hooks]
        if code == "construction_notice" and stage.deadline_unit == "working_days":
            stage.deadline_unit = "road_permit"
        if code == "contract_payment":
            have = {doc["code"] for doc in stage.documents}
            stage.documents = stage.documents + [d for d in MORE_CONTRACT_DOCUMENTS if d["code"] not in have]
        stage.save()
    StageDefinition.objects.filter(
        definition__code="cancellation", code="meter_removal", deadline_unit_customer=20
    ).update(deadline_unit_customer=10, note="交旧表时一并提交《客户拆表销户申请》、《拆表任务单》第一联和旧表卡；10个工作日内交回旧表")
    for code, (name, description, definition_stages) in DEFINITIONS.items():
        definition, created = ProcessDefinition.objects.get_or_create(
            code=code, defaults={"name": name, "description": description}
        )
        if not created:
            continue
        for order, stage in enumerate(definition_stages, 1):
            (stage_code, stage_name, responsible, route, (ind, unit), docs, rules, hooks, forms, kinds,
             note) = stage
            StageDefinition.objects.create(
                definition=definition, order=order * 10, code=stage_code, name=stage_name,
                responsible=responsible, route=route, deadline_individual=ind, deadline_unit_customer=unit,
                documents=docs, rules=rules, hooks=hooks, forms=forms, customer_kinds=kinds, note=note,
            )


def remove(apps, schema_editor):
    ProcessDefinition = apps.get_model("processes", "ProcessDefinition")
    StageDefinition = apps.get_model("processes", "StageDefinition")
    Process = apps.get_model("processes", "Process")
    for definition in ProcessDefinition.objects.filter(code__in=DEFINITIONS):
        if not Process.objects.filter(definition=definition).exists():
            StageDefinition.objects.filter(definition=definition).delete()
            definition.delete()
    StageDefinition.objects.filter(
        definition__code="cancellation", code="meter_removal", deadline_unit_customer=10
    ).update(deadline_unit_customer=20)
    stages = StageDefinition.objects.filter(definition__code="new_connection")
    for code, rules, hooks in NEW_CONNECTION:
        stage = stages.filter(code=code).first()
        if stage is None:
            continue
        stage.rules = [rule for rule in stage.rules if rule not in rules]
        stage.hooks = [hook for hook in stage.hooks if hook not in hooks]
        if code == "construction_notice" and stage.deadline_unit == "road_permit":
            stage.deadline_unit = "working_days"
        if code == "contract_payment":
            added = {d["code"] for d in MORE_CONTRACT_DOCUMENTS}
            stage.documents = [doc for doc in stage.documents if doc["code"] not in added]
        stage.save()
    stages.filter(code__in=BUDGET_STAGES, route="unit", unit__code="budget_office").update(route="center", unit=None)
    ProcessDefinition.objects.filter(code="new_connection", fee_rule=FEE_RULE).update(fee_rule="")


class Migration(migrations.Migration):
    dependencies = [
        ("processes", "0012_definition_fee_rule_road_permit_sign"),
        ("accounts", "0002_role_default_grants"),
    ]
    operations = [migrations.RunPython(create, remove)]
