"""The three 8-hour shifts of a 24-hour hotline (三班倒): 白班 08–16, 中班 16–24, 夜班 00–08.
An administrator may add others (四班三运转, 常日班) in the admin; these are a starting point."""

from datetime import time

from django.db import migrations

SHIFTS = [
    ("D", "白班", "day", time(8), time(16), 1),
    ("E", "中班", "evening", time(16), time(0), 2),
    ("N", "夜班", "night", time(0), time(8), 3),
]


def add_shifts(apps, schema_editor):
    Shift = apps.get_model("workforce", "Shift")
    for code, name, kind, starts_at, ends_at, order in SHIFTS:
        Shift.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "starts_at": starts_at, "ends_at": ends_at, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("workforce", "0002_rosters_leave_swaps_attendance")]

    operations = [migrations.RunPython(add_shifts, migrations.RunPython.noop)]
