"""The shipped scorecard and appraisal catalogue (kefu/quality/defaults.py: plain data, no models)."""

from django.db import migrations

from kefu.quality.defaults import ensure_defaults


def add_defaults(apps, schema_editor):
    ensure_defaults(apps)


def keep_defaults(apps, schema_editor):
    # The shipped rows go with the schema when 0001 is reversed; checks may already refer to them.
    pass


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, keep_defaults)]
