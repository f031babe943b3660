"""Before a call id becomes unique (issue 11 item 13): double submits recorded before the fix left
contacts sharing one call id. The first contact of each call keeps the id; each later one keeps it too,
with a mark appended (#重复2, #重复3, …), so that no row is changed beyond recognition or deleted and
the duplicates can still be found by searching the call id."""

from django.db import migrations
from django.db.models import Count

MARK = "#重复"


def mark_repeated_call_ids(apps, schema_editor):
    Contact = apps.get_model("hotline", "Contact")
    repeated = (
        Contact.objects.exclude(call_id="")
        .values("call_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("call_id", flat=True)
    )
    for call_id in list(repeated):
        later = Contact.objects.filter(call_id=call_id).order_by("received_at", "id")[1:]
        for position, contact in enumerate(later, start=2):
            suffix = f"{MARK}{position}"
            contact.call_id = call_id[: 64 - len(suffix)] + suffix
            contact.save(update_fields=["call_id"])


class Migration(migrations.Migration):
    dependencies = [("hotline", "0007_open_orders_per_unit_index")]

    # Reversing keeps the marks: the ids stay distinct and nothing is lost.
    operations = [migrations.RunPython(mark_repeated_call_ids, migrations.RunPython.noop)]
