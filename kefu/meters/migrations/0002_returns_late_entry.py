"""An old-meter return entered after meters.old_meter_entry_working_days working days of its return day
(seed 000 ch.4 §5.7) is recorded all the same and flagged, for the list's 「录入超期」 filter."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meters", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="oldmeterreturn",
            name="late_entry",
            field=models.BooleanField(default=False, verbose_name="录入超期"),
        ),
    ]
