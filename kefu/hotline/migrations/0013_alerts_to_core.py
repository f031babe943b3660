"""Copy the hotline's own alerts into the platform's alerts (core.Alert), which every app now writes
and the bell on every page reads (issue 13 item 4). Data only; 0014 drops the old table.

Each row keeps its person, time, level, read state and message; the kind becomes the dotted code the
hotline registers (hotline.<kind>), the subject the order's key and the link its page, exactly what
kefu.hotline.services.alerts writes today. A row already copied is not copied twice (the unique key)."""

from django.db import migrations


def _order_url(work_order_id: int) -> str:
    # The order page's path at the time of this migration (no reverse(): URLs may change later).
    return f"/hotline/orders/{work_order_id}/"


def copy_to_core(apps, schema_editor):
    HotlineAlert = apps.get_model("hotline", "Alert")
    CoreAlert = apps.get_model("core", "Alert")
    existing = set(CoreAlert.objects.values_list("recipient_id", "kind", "subject", "level"))
    batch = []
    for old in HotlineAlert.objects.order_by("pk").iterator(chunk_size=2000):
        key = (old.recipient_id, f"hotline.{old.kind}", f"hotline.workorder:{old.work_order_id}", old.level)
        if key in existing:
            continue
        existing.add(key)
        batch.append(
            (
                old.created_at,
                CoreAlert(
                    recipient_id=old.recipient_id,
                    kind=key[1],
                    subject=key[2],
                    level=old.level,
                    message=old.message,
                    url=_order_url(old.work_order_id),
                    read_at=old.read_at,
                ),
            )
        )
        if len(batch) >= 2000:
            _write(CoreAlert, batch)
            batch = []
    _write(CoreAlert, batch)


def _write(CoreAlert, batch):
    CoreAlert.objects.bulk_create([alert for _, alert in batch])
    # created_at is auto_now_add, so the copies carry the migration's time: give each its original
    # time back (an UPDATE is not touched by auto_now_add). A few rows per order, so one each is fine.
    for created_at, alert in batch:
        CoreAlert.objects.filter(
            recipient_id=alert.recipient_id, kind=alert.kind, subject=alert.subject, level=alert.level
        ).update(created_at=created_at)


def copy_back(apps, schema_editor):
    HotlineAlert = apps.get_model("hotline", "Alert")
    CoreAlert = apps.get_model("core", "Alert")
    for alert in CoreAlert.objects.filter(
        subject__startswith="hotline.workorder:", kind__startswith="hotline."
    ):
        kind = alert.kind.removeprefix("hotline.")
        if kind not in {
            "due_soon",
            "overdue",
            "escalated",
            "reported_after",
            "returned",
            "reopened",
            "callback_due",
        }:
            continue
        HotlineAlert.objects.get_or_create(
            recipient_id=alert.recipient_id,
            work_order_id=int(alert.subject.split(":", 1)[1]),
            kind=kind,
            level=alert.level,
            defaults={"message": alert.message, "read_at": alert.read_at},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_alert"),
        ("hotline", "0012_work_order_notes"),
    ]

    operations = [migrations.RunPython(copy_to_core, copy_back)]
