"""The one place that files (D1): a completed counter process, a supply contract issued, a meter
replaced and an old meter returned each register their file in the same transaction."""

from decimal import Decimal

import pytest

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import DepartmentFactory
from kefu.archives.models import ArchiveFile, Category
from kefu.customers.tests.factories import CustomerFactory
from kefu.meters.services import replacements as replacement_services
from kefu.meters.services import returns as return_services
from kefu.meters.tests.conftest import meters_world  # noqa: F401 (the meters' test world)
from kefu.meters.tests.factories_replacements import SIGNATURE, issued
from kefu.processes import services as process_services
from kefu.processes.models import Process, StageDefinition

pytestmark = pytest.mark.django_db


def hand_in(clerk, process):
    for stage in StageDefinition.objects.filter(definition=process.definition):
        for doc in stage.documents_for(process.customer_kind):
            process_services.receive_document(actor=clerk, process=process, code=doc["code"])


def test_a_completed_counter_process_leaves_its_file_with_the_papers_collected(make_user):
    department = DepartmentFactory(name="营业窗口")
    clerk = make_user(Role.COUNTER_CLERK, username="clerk1", department=department)
    customer = CustomerFactory(name="李秀兰")
    process = process_services.start_process(
        actor=clerk,
        definition_code="low_income",
        customer=customer,
        facts={
            "id_card_name": "李秀兰",
            "certificate_name": "李秀兰",
            "invoice_name": "李秀兰",
            "certificate_number": "DB2026-0031",
        },
    )
    hand_in(clerk, process)
    process = process_services.advance(actor=clerk, process=process)
    assert not ArchiveFile.objects.exists()  # not before the business is finished
    process = process_services.advance(actor=clerk, process=process)
    assert process.state == Process.State.COMPLETED
    file = ArchiveFile.objects.get(subject=f"processes.process:{process.pk}")
    assert file.category == Category.PROCESS and file.state == ArchiveFile.State.PENDING
    assert file.customer == customer and file.department == department
    assert file.source_number == process.number and process.number in file.title
    assert file.item_count == process.documents.count() > 0
    assert set(file.items.values_list("title", flat=True)) == set(
        process.documents.values_list("name", flat=True)
    )


def test_a_replaced_meter_and_its_returned_old_meter_each_leave_a_file(meters_world):  # noqa: F811
    world = meters_world
    replacement = issued(world)
    number = replacement.new_meter_number
    replacement_services.fit(
        actor=world.fitter,
        replacement=replacement,
        new_meter_number=number,
        old_reading=Decimal("1234.5"),
        old_seal_state="intact",
        new_seal_intact=True,
        customer_signed_name="张三",
        customer_signature=SIGNATURE,
    )
    file = ArchiveFile.objects.get(subject=f"meters.replacement:{replacement.pk}")
    assert file.category == Category.METER_REPLACEMENT and file.unit == world.branch
    assert file.source_number == replacement.number
    assert file.customer == world.meter.service_point.customer
    old_return = return_services.return_old_meter(
        actor=world.store_keeper,
        meter=world.meter,
        returned_by=world.fitter,
        reading=Decimal("1234.5"),
        seal_state="intact",
        replacement=replacement,
    )
    returned = ArchiveFile.objects.get(subject=f"meters.oldmeterreturn:{old_return.pk}")
    assert returned.category == Category.METER_RETURN and returned.unit == world.branch
    assert list(returned.items.values_list("title", flat=True)) == ["旧表回收单"]
