from django.db import migrations, models


class Migration(migrations.Migration):
    """The age-based replacement plan (kefu.meters.selectors_plan) reads meters by caliber range and
    install date, one index range per caliber cycle; the unconfigured calibers by caliber alone."""

    dependencies = [("customers", "0010_document_dated_on_required")]

    operations = [
        migrations.AddIndex(
            model_name="meter",
            index=models.Index(fields=["install_date", "id"], name="meter_install_date"),
        ),
        migrations.AddIndex(
            model_name="meter",
            index=models.Index(fields=["caliber_dn", "install_date"], name="meter_caliber_installed"),
        ),
    ]
