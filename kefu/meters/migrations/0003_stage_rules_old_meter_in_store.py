"""Counter business waits for the meter store (seed 000 ch.4 §5.4–§5.6, §6.4): the branch's removal
stage of a suspension, a cancellation and a 户表改造 cancellation, and the acceptance of a capacity
change, check the rule `old_meter_in_store` (kefu/meters/process_rules.py: the store has recorded the
old meter of the process's 拆表任务单). Only stages that do not name it yet get it; reversing takes it
out again."""

from django.db import migrations

RULE = "old_meter_in_store"
STAGES = [
    ("suspension", "meter_removal"),
    ("cancellation", "meter_removal"),
    ("renovation_cancellation", "meter_removal"),
    ("capacity_change", "acceptance"),
]


def add_rule(apps, schema_editor):
    StageDefinition = apps.get_model("processes", "StageDefinition")
    for definition, code in STAGES:
        for stage in StageDefinition.objects.filter(definition__code=definition, code=code):
            if RULE not in stage.rules:
                stage.rules = [*stage.rules, RULE]
                stage.save(update_fields=["rules", "updated_at"])


def remove_rule(apps, schema_editor):
    StageDefinition = apps.get_model("processes", "StageDefinition")
    for definition, code in STAGES:
        for stage in StageDefinition.objects.filter(definition__code=definition, code=code):
            if RULE in stage.rules:
                stage.rules = [name for name in stage.rules if name != RULE]
                stage.save(update_fields=["rules", "updated_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("meters", "0002_returns_late_entry"),
        ("processes", "0013_one_stop_to_archive_resumption"),
    ]

    operations = [migrations.RunPython(add_rule, remove_rule)]
