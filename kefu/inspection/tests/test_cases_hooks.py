"""Hooks from other domains (issue 17): a theft report the hotline sends to the inspection team opens a
偷盗水 case (another matter sent to the team a 社会举报 one); a meters' inspection task opens an urgent-
replacement verification or a usage-tracking case. After commit, once each, and a failure never reaches
the hotline."""

import pytest
from django.utils import timezone

from kefu.hotline.models import WorkOrder
from kefu.hotline.services import work_orders
from kefu.inspection import receivers
from kefu.inspection.models import Case, CaseKind

pytestmark = pytest.mark.usefixtures("shipped_categories")


def test_a_theft_report_sent_to_the_inspection_team_opens_a_case(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        contact = world.record(code="theft_report", matter="隔壁工地私接消火栓取水，已经好几天了")
    order = WorkOrder.objects.get(contact=contact)
    assert order.unit == world.inspection
    case = Case.objects.get(work_order=order)
    assert case.kind == CaseKind.WATER_THEFT and case.source == Case.Source.HOTLINE
    assert case.number.startswith("JC") and case.due_on == timezone.localdate(order.deadline)
    assert "私接消火栓" in case.summary
    # the same signal again opens nothing more
    receivers.on_work_order_sent(sender=WorkOrder, work_order=order)
    assert Case.objects.filter(work_order=order).count() == 1


def test_a_work_order_sent_to_a_branch_opens_no_case(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        world.record(code="repair")
    assert not Case.objects.exists()


def test_a_work_order_transferred_to_the_team_later_opens_a_public_report(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        contact = world.record(code="repair", matter="有人在路边消火栓接水洗车")
    order = WorkOrder.objects.get(contact=contact)
    with django_capture_on_commit_callbacks(execute=True):
        work_orders.reassign(
            actor=world.agent, work_order=order, unit=world.inspection, reason="涉嫌违章用水"
        )
    case = Case.objects.get(work_order=order)
    assert case.kind == CaseKind.PUBLIC_REPORT


def test_a_failing_receiver_does_not_break_the_hotline(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    def boom(work_order):
        raise RuntimeError("inspection down")

    monkeypatch.setattr(receivers, "case_for_work_order", boom)
    with django_capture_on_commit_callbacks(execute=True):
        contact = world.record(code="theft_report", matter="有人偷水")
    assert WorkOrder.objects.filter(contact=contact).exists()
    assert not Case.objects.exists()


def meters_world(make_user):
    from types import SimpleNamespace

    from kefu.accounts.models import Role, Unit
    from kefu.accounts.tests.factories import ServiceAreaFactory, UnitFactory
    from kefu.customers.tests.factories import CustomerFactory, MeterFactory, ServicePointFactory

    branch = UnitFactory(kind=Unit.Kind.BRANCH, name="城东供水分公司")
    area = ServiceAreaFactory(branch=branch)
    point = ServicePointFactory(customer=CustomerFactory(service_area=area), service_area=area)
    return SimpleNamespace(
        fitter=make_user(Role.UNIT_STAFF, username="fitter", name="换表员小陈", unit=branch),
        head=make_user(Role.DEPARTMENT_HEAD, username="mhead", name="主任老李"),
        meter=MeterFactory(service_point=point, caliber_dn=20, last_reading=1234),
        point=point,
    )


@pytest.mark.django_db
def test_a_meters_task_opens_a_verification_or_a_tracking_case(make_user, django_capture_on_commit_callbacks):
    from kefu.meters.models import TrackingTask
    from kefu.meters.services import tracking
    from kefu.meters.tests.factories_replacements import urgent

    mw = meters_world(make_user)
    with django_capture_on_commit_callbacks(execute=True):
        replacement = urgent(mw)  # the urgent report asks for its verification task
        task = tracking.open_task(actor=mw.head, replacement=replacement, kind=TrackingTask.Kind.VERIFICATION)
        usage = tracking.open_task(actor=mw.head, replacement=replacement, kind=TrackingTask.Kind.USAGE)
    case = Case.objects.get(tracking_task=task)
    assert case.kind == CaseKind.URGENT_VERIFICATION and case.source == Case.Source.METERS
    assert case.due_on == task.due_on and case.customer == mw.point.customer
    assert Case.objects.get(tracking_task=usage).kind == CaseKind.METER_TRACKING
    receivers.on_inspection_task_created(sender=TrackingTask, task=task)
    assert Case.objects.filter(tracking_task=task).count() == 1
