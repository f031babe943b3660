"""W1/H7: the work order's state machine, who may take each step, and the timeline."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kefu.core.events import events_for
from kefu.core.models import Alert
from kefu.hotline.models import WorkOrder
from kefu.hotline.services import follow_up, work_orders
from kefu.hotline.services.alerts import AlertKind
from kefu.hotline.services.work_orders import TransitionError

S = WorkOrder.State


@pytest.fixture
def order(world):
    return world.record(code="repair").work_order


def _replied(world, order):
    work_orders.accept(actor=world.west_staff, work_order=order)
    return work_orders.reply(actor=world.west_staff, work_order=order, result="已更换破损管段，恢复正常")


def test_the_whole_loop_from_transfer_to_close(world, order):
    # when
    work_orders.accept(actor=world.west_staff, work_order=order)
    work_orders.reply(actor=world.west_staff, work_order=order, result="已抢修完毕")
    callback = order.callbacks.get()
    follow_up.record_callback(
        actor=world.agent, callback=callback, reached=True, feedback="已恢复", satisfied=True
    )
    closed = work_orders.close(actor=world.agent, work_order=order)
    # then
    assert closed.state == S.CLOSED
    verbs = [event.verb for event in events_for(order)]
    assert {
        "work_order.created",
        "work_order.transferred",
        "work_order.accepted",
        "work_order.replied",
        "callback.recorded",
        "work_order.called_back",
        "work_order.closed",
    } <= set(verbs)


def test_the_owner_is_the_agent_who_took_the_call(world, order):
    assert order.owner == world.agent


@pytest.mark.parametrize(
    "action, kwargs",
    [
        ("reply", {"result": "好了"}),
        ("close", {}),
        ("reopen", {"reason": "再看看"}),
    ],
)
def test_steps_the_state_does_not_allow_are_refused_with_the_reason(world, order, action, kwargs):
    actor = world.west_staff if action == "reply" else world.agent
    function = {"reply": work_orders.reply, "close": work_orders.close, "reopen": work_orders.reopen}[action]
    with pytest.raises(TransitionError) as caught:
        function(actor=actor, work_order=order, **kwargs)
    assert "当前状态为「已转办」" in caught.value.messages[0]
    order.refresh_from_db()
    assert order.state == S.TRANSFERRED


def test_a_closed_order_cannot_be_accepted(world, order):
    _replied(world, order)
    follow_up.record_callback(actor=world.agent, callback=order.callbacks.get(), reached=True, feedback="好")
    work_orders.close(actor=world.agent, work_order=order)
    with pytest.raises(TransitionError):
        work_orders.accept(actor=world.west_staff, work_order=order)


def test_another_unit_cannot_accept_the_order(world, order):
    with pytest.raises(PermissionDenied):
        work_orders.accept(actor=world.east_staff, work_order=order)


def test_an_agent_cannot_close_someone_elses_order(world, order):
    _replied(world, order)
    follow_up.record_callback(actor=world.agent, callback=order.callbacks.get(), reached=True, feedback="好")
    with pytest.raises(PermissionDenied) as caught:
        work_orders.close(actor=world.night_agent, work_order=order)
    assert "首问责任人" in str(caught.value)


def test_a_team_leader_may_close_an_agents_order(world, order):
    _replied(world, order)
    follow_up.record_callback(actor=world.agent, callback=order.callbacks.get(), reached=True, feedback="好")
    assert work_orders.close(actor=world.leader, work_order=order).state == S.CLOSED


def test_the_unit_returns_with_a_reason_and_the_owner_reassigns(world, order):
    # when the west branch says it is not theirs
    with pytest.raises(ValidationError):
        work_orders.return_order(actor=world.west_staff, work_order=order, reason="  ")
    returned = work_orders.return_order(actor=world.west_staff, work_order=order, reason="地址属城东片区")
    # then the owner is told and sends it to the east branch
    assert returned.state == S.RETURNED
    assert Alert.objects.filter(recipient=world.agent, kind=AlertKind.RETURNED).exists()
    moved = work_orders.reassign(
        actor=world.agent, work_order=returned, unit=world.east, reason="按地址改派城东"
    )
    assert moved.state == S.TRANSFERRED and moved.unit == world.east
    assert work_orders.accept(actor=world.east_staff, work_order=moved).state == S.ACCEPTED


def test_an_accepted_order_can_be_reassigned_by_a_leader(world, order):
    work_orders.accept(actor=world.west_staff, work_order=order)
    moved = work_orders.reassign(
        actor=world.leader, work_order=order, unit=world.inspection, reason="涉及偷水"
    )
    assert moved.unit == world.inspection and moved.state == S.TRANSFERRED


def test_co_handling_units_see_the_order(world, order):
    work_orders.set_co_units(actor=world.agent, work_order=order, units=[world.east])
    assert WorkOrder.objects.visible_to(world.east_staff).filter(pk=order.pk).exists()


def test_unit_a_cannot_see_unit_bs_orders(world, order):
    assert WorkOrder.objects.visible_to(world.west_staff).filter(pk=order.pk).exists()
    assert not WorkOrder.objects.visible_to(world.east_staff).filter(pk=order.pk).exists()


def test_a_hand_over_changes_the_owner_and_is_recorded(world, order):
    moved = work_orders.hand_over(
        actor=world.agent, work_order=order, new_owner=world.night_agent, reason="交班，移交乙跟进"
    )
    assert moved.owner == world.night_agent
    event = events_for(order).filter(verb="work_order.handed_over").get()
    assert event.changes["owner"] == ["话务员甲", "话务员乙"]


def test_the_owner_can_never_be_a_unit_member(world, order):
    with pytest.raises(ValidationError):
        work_orders.hand_over(actor=world.agent, work_order=order, new_owner=world.west_staff, reason="x")


def test_a_follow_up_is_replied_and_closed_by_its_owner(world):
    order = world.record(code="consult", disposition="follow_up", matter="二次供水改造补贴政策").work_order
    work_orders.reply(actor=world.agent, work_order=order, result="已致电告知补贴标准")
    assert work_orders.close(actor=world.agent, work_order=order).state == S.CLOSED


def test_an_interim_reply_sets_a_new_promised_date(world, order):
    from datetime import timedelta

    from django.utils import timezone

    promised = timezone.now() + timedelta(days=2)
    work_orders.interim_reply(
        actor=world.west_staff, work_order=order, plan="需停水施工，后天完成", promised_at=promised
    )
    order.refresh_from_db()
    assert order.promised_at == promised and order.due_at == promised
    with pytest.raises(ValidationError) as caught:
        work_orders.interim_reply(
            actor=world.west_staff,
            work_order=order,
            plan="x",
            promised_at=timezone.now() - timedelta(hours=1),
        )
    assert "promised_at" in caught.value.message_dict


def test_the_reply_is_searchable_with_the_contact(world, order):
    _replied(world, order)
    order.contact.refresh_from_db()
    assert "管段" in order.contact.search_text


def test_a_departing_agents_open_orders_move_to_a_colleague_one_event_each(world):
    first, second = world.record(code="repair").work_order, world.record(code="billing").work_order
    with pytest.raises(PermissionDenied):
        work_orders.hand_over_all(
            actor=world.agent, from_owner=world.agent, new_owner=world.night_agent, reason="离职"
        )
    moved = work_orders.hand_over_all(
        actor=world.leader, from_owner=world.agent, new_owner=world.night_agent, reason="话务员甲离职"
    )
    assert moved == 2
    for order in (first, second):
        order.refresh_from_db()
        assert order.owner == world.night_agent
        assert events_for(order).filter(verb="work_order.handed_over", note="话务员甲离职").count() == 1
