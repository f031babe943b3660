import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Each meter carries its connection point's area (set on save), so that the meters' replacement
    plan reads an area's meters from one index (docs/PERFORMANCE.md, issue 15)."""

    dependencies = [
        ("accounts", "0001_initial"),
        ("customers", "0011_meter_plan_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="meter",
            name="service_area",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.servicearea",
                verbose_name="服务片区",
            ),
        ),
    ]
