"""The shipped categories and their handling rules (H3, seed 000 ch.5 §2). Administrators edit them
afterwards; this migration only creates the rows that do not exist yet."""

from django.db import migrations

# code, name, route, target unit kind, default disposition, may_answer, may_transfer, may_follow_up,
# deadline amount, deadline unit, escalate priorities, description, answer hint
CATEGORIES = [
    ("consult", "咨询", "none", "", "answer", True, False, True, 1, "working_days", [],
     "当即解答；当时无法解答的，了解清楚后由受理坐席回复客户，不得转分公司", ""),
    ("repair", "报修（漏水、停水、水压低）", "branch_by_area", "branch", "transfer", True, True, False,
     24, "hours", ["urgent"],
     "转客户所在片区的供水分公司；属客户内部故障的，电话指导排除后结案", "属客户内部故障：已电话指导客户排除"),
    ("billing", "抄表收费与欠费", "branch_by_area", "branch", "answer", True, True, False,
     3, "working_days", [],
     "告知所属分公司抄收电话请客户协商；有争议的按片区转分公司", "已告知分公司抄收电话"),
    ("service_complaint", "服务质量投诉", "branch_by_area", "branch", "transfer", False, True, False,
     3, "working_days", ["important", "urgent"], "转相关责任单位查办", ""),
    ("misconduct", "违规违纪投诉", "unit_kind", "discipline", "transfer", False, True, False,
     5, "working_days", ["important", "urgent"], "转公司纪委监察室查办", ""),
    ("theft_report", "偷盗水举报", "unit_kind", "inspection", "transfer", False, True, False,
     3, "working_days", ["urgent"], "转执法队（稽查）查办", ""),
    ("media", "新闻媒体来电", "unit_kind", "press", "answer", True, True, False,
     1, "working_days", ["important", "urgent"],
     "从客户角度反映问题的视同客户来电处理；采访请求转新闻发言人", "已视同客户来电答复"),
    ("supervision", "上级督办", "leadership", "leadership", "transfer", False, True, False,
     1, "working_days", ["normal", "important", "urgent"],
     "上级部门来电督办，直接转部门负责人或中心负责人", ""),
    ("invalid", "无效来电（打错、骚扰）", "none", "", "close", False, False, False,
     1, "hours", [], "礼貌说明或指出骚扰行为后挂断，记录后关闭", ""),
]


def create_categories(apps, schema_editor):
    Category = apps.get_model("hotline", "Category")
    for order, row in enumerate(CATEGORIES):
        (code, name, route, kind, disposition, may_answer, may_transfer, may_follow_up, amount, unit,
         escalate, description, hint) = row
        Category.objects.get_or_create(
            code=code,
            defaults=dict(
                name=name, route=route, target_unit_kind=kind, default_disposition=disposition,
                may_answer=may_answer, may_transfer=may_transfer, may_follow_up=may_follow_up,
                deadline_amount=amount, deadline_unit=unit, escalate_priorities=escalate,
                description=description, answer_hint=hint, sort_order=(order + 1) * 10,
            ),
        )


def remove_categories(apps, schema_editor):
    # Reversing leaves rows that contacts may already point to; only unused shipped rows go.
    Category = apps.get_model("hotline", "Category")
    Contact = apps.get_model("hotline", "Contact")
    used = set(Contact.objects.values_list("category_id", flat=True).distinct())
    Category.objects.filter(code__in=[row[0] for row in CATEGORIES]).exclude(pk__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("hotline", "0001_initial")]
    operations = [migrations.RunPython(create_categories, remove_categories)]
