"""hotline 0013/0014: the hotline's own alerts move into the platform's alerts (core.Alert) that the bell
on every page reads, keeping person, kind, level, message, time and read state, and come back when the
migrations are reversed (issue 13 item 4)."""

from datetime import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

TZ = timezone.get_default_timezone()
CALLED = datetime(2026, 11, 9, 9, 30, tzinfo=TZ)
TOLD = datetime(2026, 11, 10, 8, 0, tzinfo=TZ)
READ = datetime(2026, 11, 10, 9, 0, tzinfo=TZ)
BEFORE = [("hotline", "0012_work_order_notes")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor.loader.project_state(targets or executor.loader.graph.leaf_nodes()).apps


@pytest.mark.django_db(transaction=True)
def test_the_hotline_alerts_move_to_the_bell_and_back(shipped_categories, world):
    # given an order and, before the move, an overdue alert read by its owner and an unread escalation
    order = world.record(CALLED, code="repair").work_order
    old = migrate(BEFORE)
    HotlineAlert = old.get_model("hotline", "Alert")
    overdue = HotlineAlert.objects.create(
        recipient_id=world.agent.pk,
        work_order_id=order.pk,
        kind="overdue",
        level=1,
        message=f"工单{order.number}已超过办理时限",
        read_at=READ,
    )
    HotlineAlert.objects.filter(pk=overdue.pk).update(created_at=TOLD)
    HotlineAlert.objects.create(
        recipient_id=world.leader.pk, work_order_id=order.pk, kind="escalated", level=1, message="上报班长"
    )

    # when the migrations run
    new = migrate(None)

    # then both are platform alerts under the hotline's codes, about the order, linking to its page
    moved = {
        alert.kind: alert
        for alert in new.get_model("core", "Alert").objects.filter(subject=f"hotline.workorder:{order.pk}")
    }
    assert set(moved) == {"hotline.overdue", "hotline.escalated"}
    told = moved["hotline.overdue"]
    assert (told.recipient_id, told.level, told.created_at, told.read_at) == (world.agent.pk, 1, TOLD, READ)
    assert told.url == f"/hotline/orders/{order.pk}/"
    assert moved["hotline.escalated"].read_at is None

    # and reversing brings the hotline's rows back
    back = migrate(BEFORE)
    kinds = set(back.get_model("hotline", "Alert").objects.values_list("kind", "recipient_id"))
    assert kinds == {("overdue", world.agent.pk), ("escalated", world.leader.pk)}
    migrate(None)
