"""The one-stop new water connection (P1–P3, seed 000 ch.9–10) as a shipped definition. Deadlines are
(individual, unit or cluster) in working days; None means the stage has no time limit of its own.
Administrators edit deadlines, checklists and texts afterwards; this only creates what is missing."""

from django.db import migrations

IND, UNIT, CLUSTER = "individual", "unit", "cluster"
P2_RULES = ["not_illegal_building", "no_mixed_pipes", "no_arrears", "pressure_sufficient",
            "not_single_household_renovation"]
APPLICATION_DOCUMENTS = [
    {"code": "application", "name": "用水申请报告（客户用水申请表）", "kinds": []},
    {"code": "property_certificate", "name": "私房产权证复印件", "kinds": [IND]},
    {"code": "owner_id", "name": "产权户主身份证复印件及私章或签名", "kinds": [IND]},
    {"code": "nearby_receipt", "name": "原用水地或邻近用户水费收据", "kinds": [IND]},
    {"code": "entrust_letter", "name": "用水单位委托信函及经办人身份证", "kinds": [UNIT, CLUSTER]},
    {"code": "red_line_map", "name": "用地红线图（含规划许可证）", "kinds": [UNIT, CLUSTER]},
    {"code": "site_plan", "name": "平面布置图（1:500，经规划部门认可）", "kinds": [UNIT, CLUSTER]},
    {"code": "topographic_map", "name": "现状地形图（1:500）", "kinds": [UNIT, CLUSTER]},
    {"code": "pipeline_map", "name": "管线综合图", "kinds": [UNIT, CLUSTER]},
    {"code": "road_sections", "name": "道路横断面图、纵断面图", "kinds": [UNIT, CLUSTER]},
]
CONTRACT_DOCUMENTS = [
    {"code": "business_licence", "name": "企业法人营业执照副本（复印件）", "kinds": [UNIT, CLUSTER]},
    {"code": "legal_rep_id", "name": "法定代表人身份证（复印件）", "kinds": [UNIT, CLUSTER]},
    {"code": "bank_account", "name": "开户银行基本账户证明（复印件）", "kinds": [UNIT, CLUSTER]},
]
# code, name, responsible, (individual, unit/cluster), documents, rules, forms, kinds, note
STAGES = [
    ("application", "受理审核", "客服中心窗口", (1, 1), APPLICATION_DOCUMENTS, P2_RULES,
     ["application_receipt"], [], "个人客户缴纳勘测设计费42.5元；单位、集群客户在工程款中一并收取"),
    ("design_commission", "设计委托", "客服中心", (1, 1), [], [], ["design_commission"], [],
     "每日16:30集中发送设计委托"),
    ("survey_design", "勘测设计", "设计室", (5, 10), [], ["not_illegal_building", "no_mixed_pipes"], [], [],
     "勘测中发现不具备用水条件的，退回客服中心由其退还资料"),
    ("budget", "编制预算", "预算室", (2, 4), [], [], [], [], ""),
    ("documents_handover", "资料移交（一式五份）", "预算室", (1, 1), [], [], [], [], ""),
    ("customer_notice", "通知客户（核价、破路手续）", "客服中心", (1, 1), [], [], [], [], ""),
    ("contract_payment", "签订合同、缴纳工程款", "客服中心窗口", (None, None), CONTRACT_DOCUMENTS, [],
     ["construction_contract"], [],
     "个人：装表通水前签订供用水合同；单位：施工合同和供用水合同；集群：中心签施工合同，分户供用水合同由分公司签"),
    ("construction_notice", "下达施工通知", "工程部", (1, 1), [], [], ["construction_notice"], [],
     "取得破路许可后1个工作日内"),
    ("project_team", "组建项目组", "工程部", (None, 1), [], [], [], [UNIT, CLUSTER], ""),
    ("technical_briefing", "技术交底", "工程部", (None, 2), [], [], [], [UNIT, CLUSTER], ""),
    ("construction", "施工", "施工单位", (None, None), [], [], [], [], ""),
    ("acceptance", "竣工验收", "工程部", (1, 1), [], [], [], [], ""),
    ("system_filing", "系统建档", "客服中心", (2, 2), [], [], [], [], ""),
    ("account_card", "建立账卡", "客服中心", (1, 1), [], [], [], [], ""),
    ("settlement", "工程结算", "预算室", (10, 15), [], [], [], [], ""),
]


def create(apps, schema_editor):
    ProcessDefinition = apps.get_model("processes", "ProcessDefinition")
    StageDefinition = apps.get_model("processes", "StageDefinition")
    definition, created = ProcessDefinition.objects.get_or_create(
        code="new_connection",
        defaults={
            "name": "用水报装（一站式）",
            "description": "新装用水：受理 → 设计 → 预算 → 合同缴费 → 施工 → 验收 → 建档 → 结算",
            "fee_individual": "42.50",
            "fee_label": "勘测设计费",
        },
    )
    if not created:
        return
    for order, (code, name, responsible, (ind, unit), docs, rules, forms, kinds, note) in enumerate(STAGES, 1):
        StageDefinition.objects.create(
            definition=definition, order=order * 10, code=code, name=name, responsible=responsible,
            deadline_individual=ind, deadline_unit_customer=unit, documents=docs, rules=rules,
            forms=forms, customer_kinds=kinds, note=note,
        )


def remove(apps, schema_editor):
    ProcessDefinition = apps.get_model("processes", "ProcessDefinition")
    StageDefinition = apps.get_model("processes", "StageDefinition")
    Process = apps.get_model("processes", "Process")
    definition = ProcessDefinition.objects.filter(code="new_connection").first()
    if definition and not Process.objects.filter(definition=definition).exists():
        StageDefinition.objects.filter(definition=definition).delete()
        definition.delete()


class Migration(migrations.Migration):
    dependencies = [("processes", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
