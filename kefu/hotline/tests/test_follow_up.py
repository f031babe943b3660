"""H6 callbacks with retry, W4 return visits (dissatisfied reopens)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from kefu.core.models import Alert, Policy
from kefu.hotline.models import Callback, ReturnVisit, WorkOrder
from kefu.hotline.services import follow_up, work_orders
from kefu.hotline.services.alerts import AlertKind, subject_of

S = WorkOrder.State


@pytest.fixture
def order(world):
    return world.record(code="repair").work_order


def _closed(world, order):
    work_orders.accept(actor=world.west_staff, work_order=order)
    work_orders.reply(actor=world.west_staff, work_order=order, result="已修复")
    follow_up.record_callback(
        actor=world.agent, callback=order.callbacks.get(), reached=True, feedback="好了"
    )
    return work_orders.close(actor=world.agent, work_order=order)


def test_a_transfer_creates_a_callback_due_24_hours_later(world, order):
    callback = order.callbacks.get()
    assert callback.attempt == 1
    assert callback.due_at - order.transferred_at == timedelta(hours=24)


def test_the_callback_window_is_a_policy(world):
    Policy.objects.create(key="hotline.callback_hours", value=12)
    order = world.record(code="repair").work_order
    assert order.callbacks.get().due_at - order.transferred_at == timedelta(hours=12)


def test_a_missed_callback_schedules_a_retry(world, order):
    first = order.callbacks.get()
    follow_up.record_callback(actor=world.agent, callback=first, reached=False)
    retry = order.callbacks.get(attempt=2)
    first.refresh_from_db()
    assert first.outcome == Callback.Outcome.NOT_REACHED
    assert retry.done_at is None
    assert retry.due_at > first.done_at


def test_after_the_last_attempt_the_team_leader_is_told(world, order):
    for attempt in (1, 2, 3):
        follow_up.record_callback(
            actor=world.agent, callback=order.callbacks.get(attempt=attempt), reached=False
        )
    assert not order.callbacks.filter(attempt=4).exists()
    assert Alert.objects.filter(
        recipient=world.leader, subject=subject_of(order), kind=AlertKind.ESCALATED
    ).exists()


def test_a_callback_is_recorded_once(world, order):
    callback = order.callbacks.get()
    follow_up.record_callback(actor=world.agent, callback=callback, reached=False)
    with pytest.raises(ValidationError):
        follow_up.record_callback(actor=world.agent, callback=callback, reached=True, feedback="x")


def test_a_reached_callback_needs_the_feedback(world, order):
    with pytest.raises(ValidationError) as caught:
        follow_up.record_callback(
            actor=world.agent, callback=order.callbacks.get(), reached=True, feedback=""
        )
    assert "feedback" in caught.value.message_dict


def test_a_reached_callback_before_the_reply_keeps_the_order_with_the_unit(world, order):
    follow_up.record_callback(
        actor=world.agent, callback=order.callbacks.get(), reached=True, feedback="还没人来"
    )
    order.refresh_from_db()
    assert order.state == S.TRANSFERRED
    assert Callback.objects.get(work_order=order).outcome == Callback.Outcome.REACHED


def test_a_dissatisfied_return_visit_reopens_the_order(world, order):
    closed = _closed(world, order)
    follow_up.record_return_visit(
        actor=world.agent, work_order=closed, result=ReturnVisit.Result.DISSATISFIED, comment="又漏了"
    )
    closed.refresh_from_db()
    assert closed.state == S.REOPENED and closed.reopen_count == 1
    assert Alert.objects.filter(recipient=world.west_staff, kind=AlertKind.REOPENED).exists()
    # and the owner sends it back to the unit
    again = work_orders.transfer(
        actor=world.agent, work_order=closed, unit=world.west, note="回访不满意，再次处理"
    )
    assert again.state == S.TRANSFERRED


def test_a_satisfied_return_visit_leaves_the_order_closed(world, order):
    closed = _closed(world, order)
    follow_up.record_return_visit(
        actor=world.agent, work_order=closed, result=ReturnVisit.Result.BASICALLY_SATISFIED
    )
    closed.refresh_from_db()
    assert closed.state == S.CLOSED


def test_a_return_visit_waits_for_closure(world, order):
    with pytest.raises(ValidationError):
        follow_up.record_return_visit(
            actor=world.agent, work_order=order, result=ReturnVisit.Result.SATISFIED
        )


def test_dissatisfied_needs_the_customers_words(world, order):
    closed = _closed(world, order)
    with pytest.raises(ValidationError) as caught:
        follow_up.record_return_visit(
            actor=world.agent, work_order=closed, result=ReturnVisit.Result.DISSATISFIED
        )
    assert "comment" in caught.value.message_dict
