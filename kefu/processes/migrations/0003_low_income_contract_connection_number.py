"""Three more shipped counter businesses (seed 000 ch.6 §2–§4): low-income registration (P4), the
supply contract (P5) and the connection-point number (P6). Only what is missing is created."""

from django.db import migrations

IND, UNIT, CLUSTER = "individual", "unit", "cluster"
DEFINITIONS = {
    "low_income": (
        "低保户注册",
        "核对身份证、低保证、用水发票相符后注册，打印水费减免单；补打留痕",
        [
            ("check_papers", "核对证件", "客服中心窗口", (1, 1),
             [{"code": "id_card", "name": "身份证", "kinds": []},
              {"code": "low_income_certificate", "name": "低保证", "kinds": []},
              {"code": "water_invoice", "name": "用水发票", "kinds": []}],
             ["low_income_papers_agree"], [], "身份证、低保证、用水发票须相符"),
            ("register", "录入注册、打印减免单", "客服中心窗口", (1, 1), [], ["low_income_papers_agree"],
             ["fee_reduction_slip"], "注册资料及时准确录入；打印水费减免单"),
        ],
    ),
    "supply_contract": (
        "签订供用水合同",
        "审核资料齐全，按模板打印合同，签订后送档案室存档；每月最后一天出合同月报",
        [
            ("check_documents", "审核资料", "客服中心窗口", (1, 1),
             [{"code": "id_card", "name": "户主身份证", "kinds": [IND]},
              {"code": "property_certificate", "name": "产权证明", "kinds": [IND]},
              {"code": "business_licence", "name": "营业执照副本（复印件）", "kinds": [UNIT, CLUSTER]},
              {"code": "legal_rep_id", "name": "法定代表人身份证（复印件）", "kinds": [UNIT, CLUSTER]},
              {"code": "authorisation", "name": "经办人授权委托书", "kinds": [UNIT, CLUSTER]}],
             [], [], "资料须齐全"),
            ("sign", "打印并签订合同", "客服中心窗口", (1, 1), [], [], ["supply_contract"],
             "合同书面整洁、项目填写到位"),
            ("archive", "送交档案室存档", "档案室", (2, 2), [], [], [], "合同文本及资料送档案室存档"),
        ],
    ),
    "connection_number": (
        "发放接水点编号",
        "图卡相符、申请表完整且各部门签字、已签供用水合同、图纸口径与申请口径一致方可发号；每月出发号月报",
        [
            ("check", "审核发号条件", "客服中心窗口", (1, 1),
             [{"code": "drawing", "name": "施工设计图纸", "kinds": []},
              {"code": "application", "name": "用水申请表", "kinds": []}],
             ["drawing_matches_card", "application_complete_and_signed", "supply_contract_signed",
              "caliber_matches_drawing"],
             [], "没有图纸、没有用水申请表或其他正常手续者，一律不发号"),
            ("issue", "发放编号", "客服中心窗口", (1, 1), [], [], ["connection_number_notice"],
             "严格认真发放每一个接水点，做到准确无误"),
        ],
    ),
}


def create(apps, schema_editor):
    ProcessDefinition = apps.get_model("processes", "ProcessDefinition")
    StageDefinition = apps.get_model("processes", "StageDefinition")
    for code, (name, description, stages) in DEFINITIONS.items():
        definition, created = ProcessDefinition.objects.get_or_create(
            code=code, defaults={"name": name, "description": description}
        )
        if not created:
            continue
        for order, (stage_code, stage_name, responsible, (ind, unit), docs, rules, forms, note) in enumerate(
            stages, 1
        ):
            StageDefinition.objects.create(
                definition=definition, order=order * 10, code=stage_code, name=stage_name,
                responsible=responsible, deadline_individual=ind, deadline_unit_customer=unit,
                documents=docs, rules=rules, forms=forms, note=note,
            )


def remove(apps, schema_editor):
    ProcessDefinition = apps.get_model("processes", "ProcessDefinition")
    StageDefinition = apps.get_model("processes", "StageDefinition")
    Process = apps.get_model("processes", "Process")
    for definition in ProcessDefinition.objects.filter(code__in=DEFINITIONS):
        if not Process.objects.filter(definition=definition).exists():
            StageDefinition.objects.filter(definition=definition).delete()
            definition.delete()


class Migration(migrations.Migration):
    dependencies = [("processes", "0002_new_connection")]
    operations = [migrations.RunPython(create, remove)]
