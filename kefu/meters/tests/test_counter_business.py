"""Counter business asks the store (processes' meter_work_requested) and waits for the old meter
(seed 000 ch.4 §5.4–§5.6, §6.4): the signal opens the store's task, the branch's removal stage is
refused until the store records the return, and the processes' own walks still pass."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from kefu.customers.models import Customer, Meter
from kefu.customers.tests.factories import MeterFactory
from kefu.meters.events import ReturnEvents
from kefu.meters.models import MeterWork
from kefu.meters.services import returns as services
from kefu.meters.tests.factories_returns import advance, clerk, give_back, issue_for, removal_requested, start
from kefu.processes import services as processes
from kefu.processes.models import Process, StageDefinition
from kefu.processes.rules import RULES
from kefu.processes.services import GateRefused
from kefu.processes.signals import meter_work_requested

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def counter(make_user):
    return clerk(make_user)


def refusals(actor, process) -> dict:
    with pytest.raises(GateRefused) as caught:
        processes.advance(actor=actor, process=process)
    return {rule: messages[0] for rule, messages in caught.value.message_dict.items()}


def test_the_rule_is_registered_and_named_by_the_removal_and_acceptance_stages(db):
    assert RULES["old_meter_in_store"].label == "表库已收回旧表"
    for definition, code in [
        ("suspension", "meter_removal"),
        ("cancellation", "meter_removal"),
        ("renovation_cancellation", "meter_removal"),
        ("capacity_change", "acceptance"),
    ]:
        assert (
            "old_meter_in_store" in StageDefinition.objects.get(definition__code=definition, code=code).rules
        )


@time_machine.travel(datetime(2026, 9, 29, 10, 0, tzinfo=SH), tick=False)
def test_a_suspension_opens_the_stores_removal_task_due_in_10_working_days(
    meters_world, counter, django_capture_on_commit_callbacks
):
    # when the counter accepts the suspension (its application stage asks for the 拆表任务单)
    process, work = removal_requested(meters_world, counter, django_capture_on_commit_callbacks)
    # then the store has the task for the customer's meter and branch, due across National Day
    assert work.meter == meters_world.meter and work.branch == meters_world.branch
    assert work.customer == meters_world.meter.service_point.customer
    assert not work.renovation and work.state == MeterWork.State.OPEN
    assert work.due_on == date(2026, 10, 19)
    assert process.current_stage.code == "meter_removal"


@time_machine.travel(datetime(2026, 9, 29, 10, 0, tzinfo=SH), tick=False)
def test_a_renovation_cancellation_gives_20_working_days(
    meters_world, counter, django_capture_on_commit_callbacks
):
    _process, work = removal_requested(
        meters_world,
        counter,
        django_capture_on_commit_callbacks,
        code="cancellation",
        building_meter_renovation=True,
    )
    assert work.renovation and work.due_on == date(2026, 11, 2)


def test_the_same_request_delivered_twice_opens_one_task(
    meters_world, counter, django_capture_on_commit_callbacks
):
    process, work = removal_requested(meters_world, counter, django_capture_on_commit_callbacks)
    meter_work_requested.send(sender=Process, process=process, work="remove")
    assert MeterWork.objects.filter(process=process).count() == 1
    assert work.pk == MeterWork.objects.get(process=process).pk


def test_of_several_meters_the_one_the_facts_name_is_removed_else_the_store_chooses(
    meters_world, counter, django_capture_on_commit_callbacks
):
    second = MeterFactory(service_point=meters_world.meter.service_point, caliber_dn=25)
    _process, work = removal_requested(meters_world, counter, django_capture_on_commit_callbacks)
    assert work.meter is None  # two meters and nothing named: the store picks it at the return
    other = meters_world.meter_in(meters_world.branch)
    MeterFactory(service_point=other.service_point, number="NAMED-01", caliber_dn=25)
    _process, named = removal_requested(
        meters_world, counter, django_capture_on_commit_callbacks, meter=other, meter_number="NAMED-01"
    )
    assert named.meter.number == "NAMED-01"
    # the store gives back the meter of the first task's customer: the task now names it
    give_back(meters_world, meter=second, work=work)
    work.refresh_from_db()
    assert work.meter == second and work.state == MeterWork.State.DONE


def test_a_capacity_change_that_removes_the_old_meter_asks_for_both_tasks(
    meters_world, counter, django_capture_on_commit_callbacks
):
    process = start(
        counter, "capacity_change", meters_world.meter.service_point.customer, removes_old_meter=True
    )
    process = advance(counter, process, django_capture_on_commit_callbacks)
    kinds = set(MeterWork.objects.filter(process=process).values_list("kind", flat=True))
    assert kinds == {MeterWork.Kind.ISSUE, MeterWork.Kind.REMOVE}
    issue_work = MeterWork.objects.get(process=process, kind=MeterWork.Kind.ISSUE)
    assert issue_work.due_on is None and issue_work.meter is None


def test_an_issue_against_the_process_closes_the_stores_issue_task(
    meters_world, counter, django_capture_on_commit_callbacks
):
    process = start(counter, "capacity_change", meters_world.meter.service_point.customer)
    process = advance(counter, process, django_capture_on_commit_callbacks)
    issue, _acceptance = issue_for(meters_world, process=process)
    services.issue_work_done(actor=meters_world.store_keeper, issue=issue)
    work = MeterWork.objects.get(process=process)
    assert work.state == MeterWork.State.DONE and work.done_at is not None
    from kefu.core.events import events_for

    assert [e.verb for e in events_for(work)][:1] == [ReturnEvents.WORK_DONE]


@time_machine.travel(datetime(2026, 9, 29, 10, 0, tzinfo=SH), tick=False)
def test_a_suspension_waits_at_the_branch_until_the_store_has_the_old_meter(
    meters_world, counter, django_capture_on_commit_callbacks
):
    # given a suspension at the branch's removal stage, its papers handed in
    process, work = removal_requested(meters_world, counter, django_capture_on_commit_callbacks)
    processes.receive_document(actor=meters_world.fitter, process=process, code="removal_task_copy")
    # when the branch tries to finish the stage before the store has the meter, it is refused
    message = refusals(meters_world.fitter, process)["old_meter_in_store"]
    assert f"拆表任务单的旧表（表号{meters_world.meter.number}）尚未交回表库" in message
    assert "交回期限2026-10-19" in message
    # when the store records the old meter
    old_return = give_back(meters_world, work=work, reading="1301.0", seal_state=Meter.SealState.BROKEN)
    # then the task is done, the archive's meter is removed with its reading, and the branch goes on
    work.refresh_from_db()
    assert (
        work.state == MeterWork.State.DONE
        and old_return.work == work
        and old_return.due_on == date(2026, 10, 19)
    )
    meter = Meter.objects.get(pk=meters_world.meter.pk)
    assert meter.status == Meter.Status.REMOVED and str(meter.last_reading) == "1301.0"
    assert meter.seal_state == Meter.SealState.BROKEN
    process = processes.advance(actor=meters_world.fitter, process=process)
    assert process.current_stage.code == "system_entry"
    process = processes.advance(actor=counter, process=process)
    assert process.state == Process.State.COMPLETED
    assert Customer.objects.get(pk=process.customer_id).status == Customer.Status.SUSPENDED


def test_a_process_the_store_holds_no_task_for_has_nothing_to_wait_for(meters_world, counter):
    # the signal is delivered after commit; without delivery (as in the processes' own tests) no task
    process = start(counter, "suspension", meters_world.meter.service_point.customer)
    from kefu.meters.tests.factories_returns import hand_in

    hand_in(counter, process)
    process = processes.advance(actor=counter, process=process)
    hand_in(meters_world.fitter, process)
    assert processes.advance(actor=meters_world.fitter, process=process).current_stage.code == "system_entry"


def test_a_capacity_change_is_not_accepted_until_the_store_has_its_old_meter(
    meters_world, counter, django_capture_on_commit_callbacks, make_user
):
    # given a capacity change that removes the old meter, walked to its acceptance
    process = start(
        counter, "capacity_change", meters_world.meter.service_point.customer, removes_old_meter=True
    )
    process = advance(counter, process, django_capture_on_commit_callbacks)
    process = advance(counter, process, django_capture_on_commit_callbacks)  # meter collection
    processes.set_facts(actor=meters_world.fitter, process=process, facts={"old_meter_returned": True})
    process = advance(meters_world.fitter, process, django_capture_on_commit_callbacks)  # installation
    assert process.current_stage.code == "acceptance"
    # then the acceptance is refused while the store has not recorded the old meter
    problems = refusals(counter, process)
    assert "尚未交回表库" in problems["old_meter_in_store"]
    give_back(meters_world, work=MeterWork.objects.get(process=process, kind=MeterWork.Kind.REMOVE))
    assert "old_meter_in_store" not in refusals(counter, process)  # only the signatures are left


def test_a_task_of_the_issue_kind_takes_no_old_meter_back(
    meters_world, counter, django_capture_on_commit_callbacks
):
    process = start(counter, "capacity_change", meters_world.meter.service_point.customer)
    process = advance(counter, process, django_capture_on_commit_callbacks)
    work = MeterWork.objects.get(process=process)
    with pytest.raises(ValidationError) as refused:
        give_back(meters_world, work=work)
    assert "《改表领表单》是领表任务，不交回旧表" in refused.value.message_dict["work"][0]


def test_the_branchs_staff_see_their_own_tasks_only(
    meters_world, counter, django_capture_on_commit_callbacks, client
):
    process, _work = removal_requested(meters_world, counter, django_capture_on_commit_callbacks)
    client.force_login(meters_world.other_fitter)
    assert process.number not in client.get("/meters/returns/works/").content.decode()
    client.force_login(meters_world.fitter)
    page = client.get("/meters/returns/works/").content.decode()
    assert process.number in page and f'href="/processes/{process.pk}/"' in page


def test_a_returns_page_links_the_counter_business_it_closed(
    meters_world, counter, django_capture_on_commit_callbacks, client
):
    process, work = removal_requested(meters_world, counter, django_capture_on_commit_callbacks)
    old_return = give_back(meters_world, work=work)
    client.force_login(meters_world.store_keeper)
    page = client.get(f"/meters/returns/{old_return.pk}/").content.decode()
    assert f'href="/processes/{process.pk}/"' in page and "表务任务完成" not in page and "旧表交回" in page
    works = client.get("/meters/returns/works/").content.decode()
    assert old_return.number in works
