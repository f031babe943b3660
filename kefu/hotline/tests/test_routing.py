"""H3/H4: every shipped category goes where the center's rules say, by the caller's area."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from kefu.hotline.models import Contact, WorkOrder
from kefu.hotline.services.routing import area_for_address, deadline_for, route

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "code, unit_attr",
    [
        ("repair", "west"),
        ("billing", "west"),
        ("service_complaint", "west"),
        ("misconduct", "discipline"),
        ("theft_report", "inspection"),
        ("media", "press"),
        ("supervision", "leadership"),
    ],
)
def test_a_transfer_goes_to_the_unit_the_category_rule_names(world, code, unit_attr):
    # when
    contact = world.record(code=code)
    # then
    expected = getattr(world, unit_attr)
    assert contact.work_order.unit == expected
    assert contact.transferred_to == expected
    assert contact.work_order.state == WorkOrder.State.TRANSFERRED


def test_repair_goes_to_the_branch_of_the_customers_connection_point_not_the_archive_area(world):
    # given: the archive says east, the connection point (接水点) is in the west
    world.customer.service_area = world.east_area
    world.customer.save()
    # when
    contact = world.record(code="repair")
    # then
    assert contact.service_area == world.west_area
    assert contact.work_order.unit == world.west


def test_an_anonymous_callers_area_comes_from_the_address(world):
    # when
    contact = world.record(code="repair", customer=None, phone="13900001111", address="解放路以东某小区3幢")
    # then
    assert contact.work_order.unit == world.east


def test_an_address_at_a_known_building_takes_that_buildings_area(world):
    assert area_for_address("西湖区文三路100号2幢2单元") == world.west_area


def test_an_anonymous_repair_without_a_known_area_is_refused_with_the_field_named(world):
    with pytest.raises(ValidationError) as caught:
        world.record(code="repair", customer=None, phone="13900001111", address="某某村口")
    assert "service_area" in caught.value.message_dict
    assert Contact.objects.count() == 0


def test_a_consultation_is_never_transferred(world):
    with pytest.raises(ValidationError) as caught:
        world.record(code="consult")
    assert "不转办" in caught.value.message_dict["disposition"][0]
    assert Contact.objects.count() == 0


def test_a_consultation_that_cannot_be_answered_now_is_followed_up_by_the_agent(world):
    # when
    contact = world.record(code="consult", disposition="follow_up", matter="想问问二次供水改造的补贴政策")
    # then: a work order with no unit, owned by the agent
    work_order = contact.work_order
    assert work_order.unit is None
    assert work_order.owner == world.agent
    assert work_order.state == WorkOrder.State.NEW


def test_a_repair_with_the_fault_on_the_customers_side_is_closed_with_the_guidance(world):
    contact = world.record(
        code="repair", disposition="answered", result="属客户内部故障，已指导关闭户内阀门并联系物业"
    )
    assert contact.disposition == Contact.Disposition.ANSWERED
    assert not WorkOrder.objects.exists()


def test_an_answer_needs_its_content(world):
    with pytest.raises(ValidationError) as caught:
        world.record(code="billing", disposition="answered", result="")
    assert "result" in caught.value.message_dict


def test_billing_is_answered_with_the_branch_billing_phone_or_a_dispute_goes_to_the_branch(world):
    answered = world.record(
        code="billing", disposition="answered", result="已告知城西分公司抄收电话 0571-86020002"
    )
    dispute = world.record(code="billing", matter="对上月水费有争议，认为抄表有误")
    assert not hasattr(answered, "work_order") or answered.work_order is None
    assert dispute.work_order.unit == world.west


def test_an_invalid_call_is_recorded_and_closed(world):
    contact = world.record(
        code="invalid", disposition="closed", matter="打错电话，要找燃气公司", customer=None
    )
    assert contact.disposition == Contact.Disposition.CLOSED
    assert not WorkOrder.objects.exists()


def test_misconduct_cannot_be_answered_and_closed_by_the_agent(world):
    with pytest.raises(ValidationError) as caught:
        world.record(code="misconduct", disposition="answered", result="好的")
    assert "须转办" in caught.value.message_dict["disposition"][0]


def test_the_agent_may_send_a_complaint_to_another_responsible_unit(world):
    contact = world.record(code="service_complaint", unit=world.inspection)
    assert contact.work_order.unit == world.inspection


def test_a_transfer_needs_a_phone_for_the_callback(world):
    with pytest.raises(ValidationError) as caught:
        world.record(code="theft_report", customer=None, phone="", address="文三路")
    assert "phone" in caught.value.message_dict


def test_every_area_routes_repairs_to_its_own_branch(world):
    for area in (world.east_area, world.west_area):
        assert route(world.category("repair"), area).unit == area.branch


def test_repair_deadline_is_24_hours_on_the_clock(world):
    start = datetime(2026, 9, 30, 10, 0, tzinfo=SH)
    assert deadline_for(world.category("repair"), start).deadline == datetime(2026, 10, 1, 10, 0, tzinfo=SH)


def test_working_day_deadlines_skip_national_day_and_count_the_adjusted_saturday(world):
    # 2026-10-01..07 are holidays; Saturday 2026-10-10 is a working day (调休)
    start = datetime(2026, 9, 30, 10, 0, tzinfo=SH)
    deadline = deadline_for(world.category("billing"), start).deadline
    assert deadline.astimezone(SH).date().isoformat() == "2026-10-10"


def test_spring_festival_adjusted_saturday_counts_as_a_working_day(world):
    # Friday 2026-02-13 + 1 working day: Saturday 2026-02-14 is a make-up working day
    start = datetime(2026, 2, 13, 15, 0, tzinfo=SH)
    deadline = deadline_for(world.category("consult"), start).deadline
    assert deadline.astimezone(SH).date().isoformat() == "2026-02-14"


@time_machine.travel(datetime(2026, 9, 30, 10, 0, tzinfo=SH), tick=False)
def test_a_work_orders_deadline_follows_its_category(world):
    contact = world.record(code="service_complaint")
    assert contact.work_order.deadline.astimezone(SH).date().isoformat() == "2026-10-10"


@time_machine.travel(datetime(2027, 3, 1, 10, 0, tzinfo=SH), tick=False)
def test_a_deadline_in_a_year_not_entered_carries_the_warning(world):
    contact = world.record(code="service_complaint")
    assert any("2027" in warning for warning in contact.work_order.deadline_warnings)
