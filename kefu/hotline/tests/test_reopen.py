"""W4, W1, W2: a reopened order goes back to the unit that handled it, in its queue with its buttons, with
a new deadline counted from the reopen by the category's rule; the old deadline stays on the timeline."""

import json
from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from kefu.core.calendar import WorkingCalendar
from kefu.core.models import Alert, Event
from kefu.hotline import actions
from kefu.hotline.events import HotlineEvents
from kefu.hotline.models import WorkOrder
from kefu.hotline.services import deadlines, work_orders
from kefu.hotline.services.alerts import AlertKind, subject_of
from kefu.hotline.services.routing import deadline_for

S = WorkOrder.State
TZ = timezone.get_default_timezone()
CALLED = datetime(2026, 11, 9, 9, 30, tzinfo=TZ)  # a Monday
VISITED = datetime(2026, 11, 18, 15, 0, tzinfo=TZ)  # the Wednesday after next


@pytest.fixture
def closed(world):
    """A repair of the east customer, handled by the east branch, called back and closed."""
    world.caller = world.east_customer
    order = world.record(CALLED, code="repair").work_order
    world.handle(order, datetime(2026, 11, 9, 16, 0, tzinfo=TZ))
    world.call_back(order, datetime(2026, 11, 10, 9, 0, tzinfo=TZ))
    return world.close(order, datetime(2026, 11, 10, 10, 0, tzinfo=TZ))


def reopen_events(order):
    return Event.objects.filter(
        verb=HotlineEvents.WORK_ORDER_REOPENED,
        target_type=ContentType.objects.get_for_model(WorkOrder),
        target_id=order.pk,
    )


def test_a_dissatisfied_visit_sends_the_order_back_to_its_unit_with_a_new_deadline(world, closed):
    # given a closed order whose deadline has long passed
    old_deadline = closed.deadline
    assert old_deadline < VISITED
    # when the customer says at the return visit that it is not solved
    world.visit(closed, VISITED, "dissatisfied")
    # then the order is open again at the same unit, due by the category's rule from the visit
    order = WorkOrder.objects.get(pk=closed.pk)
    expected = deadline_for(order.category, VISITED, WorkingCalendar()).deadline
    assert order.state == S.REOPENED
    assert order.unit == world.east
    assert order.deadline == expected
    assert order.deadline > VISITED
    assert order.reopened_at == VISITED
    assert order.reopen_count == 1
    assert order.closed_at is None
    assert not order.is_overdue or timezone.now() > expected


def test_the_old_and_the_new_deadline_are_on_the_timeline(world, closed):
    old = timezone.localtime(closed.deadline).strftime("%Y-%m-%d %H:%M")
    world.visit(closed, VISITED, "dissatisfied")
    order = WorkOrder.objects.get(pk=closed.pk)
    event = reopen_events(order).get()
    new = timezone.localtime(order.deadline).strftime("%Y-%m-%d %H:%M")
    assert event.changes["deadline"] == [old, new]
    assert event.changes["state"] == [S.CLOSED, S.REOPENED]
    assert "回访不满意" in event.note


def test_the_unit_has_its_buttons_again_and_can_finish_the_order(world, closed):
    world.visit(closed, VISITED, "dissatisfied")
    order = WorkOrder.objects.get(pk=closed.pk)
    # then the branch is offered accept and return, the owner not
    offered = actions.offered(world.east_staff, order, None)
    assert actions.A.ACCEPT in offered and actions.A.RETURN in offered
    assert actions.A.ACCEPT not in actions.offered(world.agent, order, None)
    # and the whole loop runs again: accept, reply, callback (due again), close
    with time_machine.travel(datetime(2026, 11, 19, 9, 0, tzinfo=TZ), tick=False):
        order = work_orders.accept(actor=world.east_staff, work_order=order)
        order = work_orders.reply(actor=world.east_staff, work_order=order, result="已更换阀门")
    assert order.replied_at < order.deadline
    world.call_back(order, datetime(2026, 11, 19, 14, 0, tzinfo=TZ))
    order = world.close(WorkOrder.objects.get(pk=order.pk), datetime(2026, 11, 19, 15, 0, tzinfo=TZ))
    assert order.state == S.CLOSED


def test_the_unit_can_return_a_reopened_order(world, closed):
    world.visit(closed, VISITED, "dissatisfied")
    order = work_orders.return_order(
        actor=world.east_staff, work_order=WorkOrder.objects.get(pk=closed.pk), reason="客户内部管道问题"
    )
    assert order.state == S.RETURNED


def test_a_callback_is_due_again_after_the_reopen(world, closed):
    world.visit(closed, VISITED, "dissatisfied")
    pending = closed.callbacks.filter(done_at__isnull=True).get()
    assert pending.attempt == 2
    assert pending.due_at > VISITED


def test_the_unit_and_the_owner_are_told_with_the_new_deadline(world, closed):
    world.visit(closed, VISITED, "dissatisfied")
    order = WorkOrder.objects.get(pk=closed.pk)
    alerts = Alert.objects.filter(kind=AlertKind.REOPENED, subject=subject_of(order))
    assert set(alerts.values_list("recipient", flat=True)) >= {world.east_staff.pk, world.agent.pk}
    message = alerts.get(recipient=world.east_staff).message
    assert "城东供水分公司" in message
    assert f"{timezone.localtime(order.deadline):%m月%d日 %H:%M}" in message


def test_a_promise_made_before_the_closure_no_longer_sets_the_due_time(world, closed):
    # given an order whose promise was moved once while it was open
    WorkOrder.objects.filter(pk=closed.pk).update(promised_at=datetime(2026, 11, 11, 12, 0, tzinfo=TZ))
    world.visit(WorkOrder.objects.get(pk=closed.pk), VISITED, "dissatisfied")
    order = WorkOrder.objects.get(pk=closed.pk)
    assert order.promised_at is None
    assert order.due_at == order.deadline
    assert reopen_events(order).get().changes["promised_at"][1] is None


def test_a_leader_reopening_by_hand_sends_it_back_the_same_way(world, closed, client):
    client.force_login(world.leader)
    with time_machine.travel(VISITED, tick=False):
        response = client.post(f"/hotline/orders/{closed.pk}/reopen/", {"reason": "客户投诉仍未修好"})
    assert response.status_code == 302
    order = WorkOrder.objects.get(pk=closed.pk)
    assert order.state == S.REOPENED
    assert order.deadline == deadline_for(order.category, VISITED).deadline
    assert Alert.objects.filter(recipient=world.east_staff, kind=AlertKind.REOPENED).exists()


def test_an_order_without_a_unit_goes_back_to_its_owner(world):
    # given a consultation the agent followed up and answered
    with time_machine.travel(CALLED, tick=False):
        contact = world.record(code="consult", disposition="follow_up", matter="想了解阶梯水价怎么算")
        order = work_orders.reply(actor=world.agent, work_order=contact.work_order, result="已告知")
        order = work_orders.close(actor=world.agent, work_order=order)
    world.visit(order, VISITED, "dissatisfied")
    order = WorkOrder.objects.get(pk=order.pk)
    assert order.state == S.REOPENED
    assert order.deadline == deadline_for(order.category, VISITED).deadline
    assert actions.A.REPLY in actions.offered(world.agent, order, None)
    assert not order.callbacks.filter(done_at__isnull=True).exists()


def test_the_units_queue_shows_the_reopened_order_with_its_new_deadline(world, closed, client):
    world.visit(closed, VISITED, "dissatisfied")
    order = WorkOrder.objects.get(pk=closed.pk)
    client.force_login(world.east_staff)
    with time_machine.travel(VISITED, tick=False):
        queue = client.get("/hotline/orders/?queue=unit").content.decode()
        detail = client.get(f"/hotline/orders/{order.pk}/").content.decode()
    assert order.number in queue
    assert "重开1次" in queue
    assert f"{timezone.localtime(order.deadline):%m-%d %H:%M}" in queue
    assert 'id="action-accept"' in detail
    assert "重新打开时间" in detail


def test_the_api_offers_the_unit_its_actions_after_the_reopen(world, closed, client):
    world.visit(closed, VISITED, "dissatisfied")
    client.force_login(world.east_staff)
    body = client.get(f"/api/hotline/work-orders/{closed.pk}").json()
    assert body["state"] == S.REOPENED
    assert "accept" in body["allowed_actions"]
    assert body["reopen_count"] == 1
    response = client.post(
        f"/api/hotline/work-orders/{closed.pk}/transitions",
        data=json.dumps({"action": "accept"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert WorkOrder.objects.get(pk=closed.pk).state == S.ACCEPTED


def test_the_weekly_summary_still_counts_the_reopen(world, closed):
    from kefu.core.periods import week
    from kefu.reports.selectors import weekly_summary

    world.visit(closed, VISITED, "dissatisfied")
    summary = weekly_summary(week(datetime(2026, 11, 16).date()), now=VISITED)
    assert summary.reopened == 1


def test_the_order_page_shows_the_old_and_the_new_deadline_in_its_timeline(world, closed, client):
    old = timezone.localtime(closed.deadline).strftime("%Y-%m-%d %H:%M")
    world.visit(closed, VISITED, "dissatisfied")
    order = WorkOrder.objects.get(pk=closed.pk)
    client.force_login(world.agent)
    html = client.get(f"/hotline/orders/{order.pk}/").content.decode()
    assert old in html
    assert timezone.localtime(order.deadline).strftime("%Y-%m-%d %H:%M") in html
    assert "重新打开时间" in html


def test_a_reopened_order_that_runs_late_again_alerts_again(world):
    # given an order that ran late once (the unit heard about it), was closed and then reopened
    world.caller = world.east_customer
    order = world.record(CALLED, code="repair").work_order
    deadlines.scan(order.deadline + timedelta(minutes=5))
    first = Alert.objects.filter(recipient=world.east_staff, kind=AlertKind.OVERDUE)
    assert first.count() == 1
    world.handle(order, order.deadline + timedelta(hours=1))
    world.call_back(order, order.deadline + timedelta(hours=2))
    closed = world.close(order, order.deadline + timedelta(hours=3))
    world.visit(closed, VISITED, "dissatisfied")
    reopened = WorkOrder.objects.get(pk=order.pk)
    # when the new deadline passes too
    deadlines.scan(reopened.deadline + timedelta(minutes=5))
    deadlines.scan(reopened.deadline + timedelta(minutes=10))
    # then the unit is told again, once, naming the new deadline
    alerts = Alert.objects.filter(recipient=world.east_staff, kind=AlertKind.OVERDUE).order_by("created_at")
    assert alerts.count() == 2
    assert f"{timezone.localtime(reopened.deadline):%m月%d日 %H:%M}" in alerts.last().message
