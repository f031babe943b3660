"""The rest of the shipped counter businesses (seed 000 ch.2 §13, ch.4 §5–§6, ch.6 §6): name change and
transfer (P7), suspension, cancellation, capacity change and temporary use (P9), and the appointment
taken when the counter system is down (P10). Also: the design office as a unit that holds the survey
and design stage of a new connection, and the completion actions (hooks) of the businesses of 0003.
Only what is missing is created; administrators edit everything afterwards."""

from django.db import migrations

IND, UNIT, CLUSTER = "individual", "unit", "cluster"
CHANGE_CARD = {"code": "change_application", "name": "《客户变更用水申请》卡", "kinds": []}
HOLDER_ID = {"code": "holder_id", "name": "户主身份证或单位证明（复印件）", "kinds": []}
REMOVAL_APPLICATION = {"code": "removal_application", "name": "《客户拆表销户申请》", "kinds": []}
REMOVAL_TASK = {"code": "removal_task_copy", "name": "《拆表任务单》第一联", "kinds": []}
DRAWING = {"code": "construction_drawing", "name": "施工图", "kinds": []}
ACCEPTANCE_SHEET = {"code": "acceptance_sheet", "name": "《水表验收单》", "kinds": []}
ROSTER = {"code": "household_roster", "name": "花名册（一户一表）", "kinds": [CLUSTER]}

# code, name, responsible, route, (individual, unit/cluster), unit of the deadline, documents, rules,
# hooks, forms, note
DEFINITIONS = {
    "transfer": (
        "更名过户",
        "核对过户双方名称、地址及水表口径；前户欠费通知分公司催缴；新户签订供用水合同后办理；月底出过户月报",
        [
            ("check", "核对过户资料", "客服中心窗口", "center", (1, 1), "working_days",
             [{"code": "transfer_application", "name": "更名过户申请表", "kinds": []},
              {"code": "old_holder_id", "name": "原户主身份证或单位证明", "kinds": []},
              {"code": "new_holder_id", "name": "新户主身份证或营业执照（复印件）", "kinds": []},
              {"code": "ownership_proof", "name": "产权转移证明（房产证或买卖合同）", "kinds": []}],
             ["transfer_matches_archive"], ["notify_branch_of_arrears"], ["application_receipt"],
             "名称、地址及水表口径不符的不能办理过户；查询前户欠费，有欠费的通知分公司催缴"),
            ("transfer", "办理过户", "客服中心窗口", "center", (1, 1), "working_days", [],
             ["transfer_matches_archive", "new_holder_has_contract"], ["transfer_service_points"], [],
             "新户未签订供用水合同的，先签合同再办过户"),
            ("archive", "资料归档", "档案室", "center", (2, 2), "working_days", [], [], [], [],
             "过户资料送档案室"),
        ],
    ),
    "suspension": (
        "暂停用水",
        "受理暂停申请，开具拆表任务单；分公司暂拆水表并在10个工作日内交回旧表；6个月内恢复或销户",
        [
            ("application", "受理暂停申请", "客服中心窗口", "center", (1, 1), "working_days",
             [CHANGE_CARD, HOLDER_ID], ["no_arrears"], ["request_meter_removal"], ["application_receipt"],
             "结清水费后受理；开具《拆表任务单》"),
            ("meter_removal", "暂拆水表、交回旧表", "供水分公司", "branch", (10, 10), "working_days",
             [REMOVAL_TASK], [], [], [],
             "分公司交旧表时一并提交《拆表任务单》第一联；不能按时完成的及时反馈客服中心"),
            ("system_entry", "旧表回收信息录入系统", "客服中心", "center", (2, 2), "working_days", [], [],
             ["suspend_supply"], [], "旧表回收信息2日内输入营销管理系统；暂停6个月后恢复或销户"),
        ],
    ),
    "cancellation": (
        "拆表销户",
        "客户填写《客户拆表销户申请》，中心开具拆表任务单；分公司拆表并交回旧表；户表改造销集体户、单位户20个工作日内办结",
        [
            ("application", "受理销户申请", "客服中心窗口", "center", (1, 1), "working_days",
             [REMOVAL_APPLICATION, HOLDER_ID], ["no_arrears"], ["request_meter_removal"],
             ["application_receipt"], "结清水费后受理；客服中心填写《拆表任务单》"),
            ("meter_removal", "拆表并交回旧表", "供水分公司", "branch", (10, 20), "working_days",
             [REMOVAL_TASK], [], [], [],
             "交旧表时一并提交《客户拆表销户申请》、《拆表任务单》第一联和旧表卡；户表改造销户20个工作日"),
            ("system_entry", "销户信息录入系统", "客服中心", "center", (2, 2), "working_days", [], [],
             ["cancel_supply"], [], "旧表回收信息2日内输入营销管理系统"),
        ],
    ),
    "capacity_change": (
        "增容、减容",
        "凭《客户变更用水申请》卡和《改表领表单》领表；领表后一个月内约定验收；涉及拆除旧表的，旧表在验收前交回",
        [
            ("application", "受理变更申请", "客服中心窗口", "center", (1, 1), "working_days",
             [CHANGE_CARD, HOLDER_ID, DRAWING], ["no_arrears"], ["request_meter_issue"],
             ["application_receipt"], "开具《改表领表单》：每张卡只能领一只表"),
            ("meter_collection", "领取水表", "表库", "center", (1, 1), "working_days",
             [ACCEPTANCE_SHEET, ROSTER], [], [], [], "领表时提供施工图、水表验收单，一户一表还须提供花名册"),
            ("installation", "施工安装、交回旧表", "供水分公司", "branch", (30, 30), "days", [],
             ["old_meter_returned"], [], [], "领表后一个月内电话约定水表验收时间；拆除的旧表在验收前交回"),
            ("acceptance", "水表验收", "客服中心", "center", (1, 1), "working_days", [],
             ["old_meter_returned", "meter_acceptance_signed"], [], [],
             "分公司与客服中心共同验收，验收人员在《客户变更用水申请》《水表验收单》上签字"),
            ("system_entry", "变更信息录入系统", "客服中心", "center", (2, 2), "working_days", [], [], [], [], ""),
        ],
    ),
    "temporary_use": (
        "临时用水",
        "凭《客户变更用水申请》卡和《改表领表单》领表；领表后一个月内验收；到期拆表",
        [
            ("application", "受理临时用水申请", "客服中心窗口", "center", (1, 1), "working_days",
             [CHANGE_CARD, HOLDER_ID, DRAWING], ["no_arrears", "temporary_use_period"],
             ["request_meter_issue"], ["application_receipt"], "写明临时用水截止日期"),
            ("meter_collection", "领取水表", "表库", "center", (1, 1), "working_days", [ACCEPTANCE_SHEET],
             [], [], [], "每张卡和每张《改表领表单》只能领一只表"),
            ("installation", "施工安装", "供水分公司", "branch", (30, 30), "days", [], [], [], [],
             "领表后一个月内约定验收"),
            ("acceptance", "水表验收", "客服中心", "center", (1, 1), "working_days", [],
             ["meter_acceptance_signed"], [], [], "超过一个月未验收或验收不合格的影响下一次领表"),
        ],
    ),
    "counter_appointment": (
        "窗口预约办理",
        "系统故障短时间不能恢复时，向客户致歉，留下联系方式，另行预约办理",
        [
            ("book", "致歉、留联系方式并预约", "客服中心窗口", "center", (1, 1), "hours", [],
             ["appointment_booked"], [], ["application_receipt"], "营业厅服务规范第13条"),
            ("serve", "按预约办理", "客服中心窗口", "center", (None, None), "appointment", [], [], [], [],
             "按预约时间接待客户，办理其申请的业务"),
        ],
    ),
}
# Completion actions of the businesses shipped before (definition, stage, hooks).
EARLIER_HOOKS = [
    ("low_income", "register", ["register_low_income"]),
    ("supply_contract", "sign", ["archive_supply_contract"]),
    ("connection_number", "issue", ["issue_connection_point_number"]),
]


def create(apps, schema_editor):
    ProcessDefinition = apps.get_model("processes", "ProcessDefinition")
    StageDefinition = apps.get_model("processes", "StageDefinition")
    Unit = apps.get_model("accounts", "Unit")
    design_office, _ = Unit.objects.get_or_create(
        code="design_office", defaults={"name": "设计室", "kind": "other"}
    )
    StageDefinition.objects.filter(
        definition__code="new_connection", code="survey_design", route="center"
    ).update(route="unit", unit=design_office)
    for definition_code, stage_code, hooks in EARLIER_HOOKS:
        # hooks arrived in 0006, so every shipped stage still has none
        StageDefinition.objects.filter(definition__code=definition_code, code=stage_code).update(hooks=hooks)
    for code, (name, description, stages) in DEFINITIONS.items():
        definition, created = ProcessDefinition.objects.get_or_create(
            code=code, defaults={"name": name, "description": description}
        )
        if not created:
            continue
        for order, stage in enumerate(stages, 1):
            (stage_code, stage_name, responsible, route, (ind, unit), deadline_unit, docs, rules, hooks,
             forms, note) = stage
            StageDefinition.objects.create(
                definition=definition, order=order * 10, code=stage_code, name=stage_name,
                responsible=responsible, route=route, deadline_unit=deadline_unit,
                deadline_individual=ind, deadline_unit_customer=unit, documents=docs, rules=rules,
                hooks=hooks, forms=forms, note=note,
            )


def remove(apps, schema_editor):
    ProcessDefinition = apps.get_model("processes", "ProcessDefinition")
    StageDefinition = apps.get_model("processes", "StageDefinition")
    Process = apps.get_model("processes", "Process")
    for definition in ProcessDefinition.objects.filter(code__in=DEFINITIONS):
        if not Process.objects.filter(definition=definition).exists():
            StageDefinition.objects.filter(definition=definition).delete()
            definition.delete()
    StageDefinition.objects.filter(definition__code="new_connection", code="survey_design").update(
        route="center", unit=None
    )
    for definition_code, stage_code, hooks in EARLIER_HOOKS:
        StageDefinition.objects.filter(definition__code=definition_code, code=stage_code).update(hooks=[])


class Migration(migrations.Migration):
    dependencies = [
        ("processes", "0006_stage_routes_hooks_counters"),
        ("accounts", "0002_role_default_grants"),
    ]
    operations = [migrations.RunPython(create, remove)]
