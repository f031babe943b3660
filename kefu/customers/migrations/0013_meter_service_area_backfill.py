from django.db import migrations

# One statement on both databases: each meter takes its connection point's area.
FORWARD = """
UPDATE customers_meter SET service_area_id = (
    SELECT service_area_id FROM customers_servicepoint WHERE customers_servicepoint.id = customers_meter.service_point_id
) WHERE service_area_id IS NULL
"""


class Migration(migrations.Migration):
    dependencies = [("customers", "0012_meter_service_area")]

    operations = [migrations.RunSQL(FORWARD, reverse_sql="UPDATE customers_meter SET service_area_id = NULL")]
