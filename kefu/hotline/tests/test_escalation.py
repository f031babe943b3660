"""H9/W3: urgent complaints reach the leaders at once; the worker alerts and escalates level by level."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from kefu.core.models import Alert
from kefu.hotline.models import WorkOrder
from kefu.hotline.services.alerts import AlertKind, subject_of
from kefu.hotline.services.deadlines import scan


def test_an_important_complaint_goes_up_to_the_department_head_level_by_level(world):
    order = world.record(code="service_complaint", priority="important", matter="抢修人员态度恶劣").work_order
    order.refresh_from_db()
    assert order.escalation_level == 2
    assert Alert.objects.filter(recipient=world.leader, kind=AlertKind.ESCALATED, level=1).exists()
    told = Alert.objects.get(recipient=world.head, kind=AlertKind.ESCALATED, level=2)
    assert told.message.endswith("请在工单上记录批示")  # 002 请示报告制度 7
    assert not Alert.objects.filter(recipient=world.director).exists()


def test_an_urgent_complaint_skips_to_the_director_and_the_skipped_levels_are_told_afterwards(world):
    order = world.record(
        code="service_complaint", priority="urgent", matter="主管爆裂抢修人员拒不到场"
    ).work_order
    order.refresh_from_db()
    assert order.escalation_level == 3
    assert Alert.objects.filter(recipient=world.director, kind=AlertKind.ESCALATED, level=3).exists()
    for person, level in ((world.leader, 1), (world.head, 2)):
        assert Alert.objects.filter(recipient=person, kind=AlertKind.REPORTED_AFTER, level=level).exists()


def test_an_ordinary_repair_is_not_escalated(world):
    order = world.record(code="repair").work_order
    assert order.escalation_level == 0
    assert not Alert.objects.exists()


def test_the_worker_alerts_due_soon_orders_once(world):
    order = world.record(code="repair").work_order  # due in 24 h
    with time_machine.travel(order.deadline - timedelta(hours=2), tick=False):
        first = scan()
        second = scan()
    assert first.due_soon == 1 and second.due_soon == 0
    recipients = set(
        Alert.objects.filter(kind=AlertKind.DUE_SOON).values_list("recipient__username", flat=True)
    )
    assert recipients == {"agent11", "unit21"}


def test_an_overdue_order_alerts_owner_unit_and_team_leader_then_climbs_a_level_at_a_time(world):
    order = world.record(code="repair").work_order
    with time_machine.travel(order.deadline + timedelta(minutes=5), tick=False):
        result = scan()
    assert result.overdue == 1
    order.refresh_from_db()
    assert order.escalation_level == 1
    overdue_to = set(
        Alert.objects.filter(kind=AlertKind.OVERDUE).values_list("recipient__username", flat=True)
    )
    assert overdue_to == {"agent11", "unit21", "leader1"}
    # 24 hours later the department head, then after 48 the director — never two levels in one step
    with time_machine.travel(order.deadline + timedelta(hours=25), tick=False):
        scan()
    order.refresh_from_db()
    assert order.escalation_level == 2
    with time_machine.travel(order.deadline + timedelta(hours=49), tick=False):
        scan()
    order.refresh_from_db()
    assert order.escalation_level == 3
    assert Alert.objects.filter(recipient=world.director, level=3).count() == 1


def test_a_promised_date_postpones_the_overdue_alert(world):
    from kefu.hotline.services import work_orders

    order = world.record(code="repair").work_order
    work_orders.interim_reply(
        actor=world.west_staff,
        work_order=order,
        plan="需夜间停水",
        promised_at=order.deadline + timedelta(days=1),
    )
    with time_machine.travel(order.deadline + timedelta(hours=1), tick=False):
        assert scan().overdue == 0


def test_a_due_callback_alerts_its_owner(world):
    order = world.record(code="repair").work_order
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        assert scan().callbacks_due == 1
    assert Alert.objects.filter(
        recipient=world.agent, kind=AlertKind.CALLBACK_DUE, subject=subject_of(order)
    ).exists()


def test_every_due_callback_is_announced_once_even_beyond_one_scans_batch(world):
    orders = [world.record(code="repair").work_order for _ in range(3)]
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        first = scan(batch=2)
        second = scan(batch=2)  # the third callback, behind the two already announced
        third = scan(batch=2)
    assert (first.callbacks_due, second.callbacks_due, third.callbacks_due) == (2, 1, 0)
    assert third.alerts == 0  # a scan that writes nothing new says so
    announced = Alert.objects.filter(kind=AlertKind.CALLBACK_DUE, subject__in=[subject_of(o) for o in orders])
    assert announced.count() == 3


def test_closed_orders_are_left_alone(world):
    order = world.record(code="repair").work_order
    WorkOrder.objects.filter(pk=order.pk).update(state=WorkOrder.State.CLOSED)
    with time_machine.travel(order.deadline + timedelta(days=3), tick=False):
        result = scan()
    assert (result.overdue, result.escalated, result.callbacks_due) == (0, 0, 0)


@pytest.mark.django_db
def test_the_worker_command_scans_once(capsys):
    call_command("worker", "--once")
    assert "超期" in capsys.readouterr().out
