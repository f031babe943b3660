"""The archivist's hand-over (seed 000 ch.8 §6: 档案人员工作变动严格办理档案移交手续): an archivist who keeps
files or keys cannot be deactivated until the department head hands them, with a signed 《档案移交清单》,
to the archivist who takes over."""

import pytest
from django.core.exceptions import ValidationError

from kefu.accounts import services as accounts
from kefu.accounts.models import Role
from kefu.archives import holdings
from kefu.archives.events import DestructionEvents, FileEvents
from kefu.archives.models import ArchiveFile, HandOver
from kefu.archives.tests.factories_destruction import current_file, filed_file, key
from kefu.core.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def successor(make_user):
    return make_user(Role.ARCHIVIST, username="archivist2", name="接任档案员小林")


def test_an_archivist_keeping_files_cannot_be_deactivated_until_handed_over(
    administrator, department_head, archivist, successor
):
    # given an archivist who keeps two files and a key
    files = [current_file(custodian=archivist), current_file(custodian=archivist)]
    cabinet_key = key(custodian=archivist, label="3栋-设备房-水泵房")
    destroyed = filed_file(custodian=archivist, state=ArchiveFile.State.DESTROYED)  # not held any more

    # when the administrator deactivates her: refused, naming what she keeps
    with pytest.raises(ValidationError) as refused:
        accounts.update_staff(actor=administrator, user=archivist, is_active=False)
    message = refused.value.message_dict["is_active"][0]
    assert "保管中的档案2件" in message and "保管中的钥匙1件" in message and "不能停用" in message

    # when the head hands everything over to the successor
    moved = accounts.hand_over_holdings(
        actor=department_head, from_user=archivist, to_user=successor, reason="调岗至营业厅"
    )

    # then custody moves, a signed hand-over lists the holdings, the head witnessed it
    assert moved["archives"] == 3
    for file in files:
        file.refresh_from_db()
        assert file.custodian == successor
        assert Event.objects.filter(target_id=file.pk, verb=FileEvents.HANDED_OVER).exists()
    destroyed.refresh_from_db()
    assert destroyed.custodian == archivist
    cabinet_key.refresh_from_db()
    assert cabinet_key.custodian == successor
    record = HandOver.objects.get()
    assert (record.from_user, record.to_user, record.witness) == (archivist, successor, department_head)
    assert (record.file_count, record.key_count) == (2, 1)
    assert record.from_signed_at and record.to_signed_at
    numbers, labels = holdings.holdings_list(record)
    assert sorted(numbers) == sorted(f.catalogue_number for f in files) and labels == ["3栋-设备房-水泵房"]
    assert Event.objects.filter(target_id=record.pk, verb=DestructionEvents.HAND_OVER_SIGNED).exists()

    # and now she may be deactivated
    accounts.update_staff(actor=administrator, user=archivist, is_active=False)


def test_only_an_archivist_may_take_the_archive_over(department_head, archivist, counter_clerk):
    current_file(custodian=archivist)
    with pytest.raises(ValidationError) as refused:
        accounts.hand_over_holdings(
            actor=department_head, from_user=archivist, to_user=counter_clerk, reason="离职"
        )
    assert "不是档案员，不能接收档案和钥匙" in refused.value.message_dict["to_user"][0]
    assert holdings.refuse(counter_clerk) and not holdings.refuse(archivist)


def test_nothing_held_nothing_handed(archivist, successor, department_head):
    assert holdings.held(archivist) == []
    assert (
        holdings.hand_over(actor=department_head, from_user=archivist, to_user=successor, reason="调岗") == 0
    )
    assert not HandOver.objects.exists()


def test_held_points_at_the_custody_page(archivist):
    current_file(custodian=archivist)
    assert holdings.held(archivist) == [("保管中的档案", 1, f"/archives/custody/{archivist.pk}/")]


def test_a_large_archive_moves_in_a_few_statements(
    department_head, archivist, successor, django_assert_max_num_queries
):
    ArchiveFile.objects.bulk_create(
        [
            ArchiveFile(
                category="meter_return",
                catalogue_number=f"JB-2020-{n:05d}",
                title=f"旧表回收{n}",
                state=ArchiveFile.State.FILED,
                finished_on="2020-01-01",
                filing_due_on="2020-01-15",
                custodian=archivist,
            )
            for n in range(1500)
        ]
    )
    with django_assert_max_num_queries(30):
        moved = holdings.hand_over(
            actor=department_head, from_user=archivist, to_user=successor, reason="离职"
        )
    assert moved == 1500
    assert ArchiveFile.objects.filter(custodian=successor).count() == 1500
    assert Event.objects.filter(verb=FileEvents.HANDED_OVER).count() == 1500


def test_the_printed_list_and_the_pages(client_for, department_head, archivist, successor):
    file = current_file(custodian=archivist)
    client = client_for(department_head)
    custody = client.get(f"/archives/custody/{archivist.pk}/").content.decode()
    assert file.catalogue_number in custody and f"/org/staff/{archivist.pk}/hand-over/" in custody

    accounts.hand_over_holdings(actor=department_head, from_user=archivist, to_user=successor, reason="离职")
    record = HandOver.objects.get()
    listing = client.get("/archives/hand-overs/").content.decode()
    assert "接任档案员小林" in listing and "《档案移交清单》" in listing
    printed = client.get(f"/archives/hand-overs/{record.pk}/")
    page = printed.content.decode()
    assert printed.status_code == 200
    assert (
        "档案移交清单" in page and file.catalogue_number in page and "监交人" in page and "主任老李" in page
    )


def test_the_hand_over_pages_need_the_right(client_for, counter_clerk, archivist):
    client = client_for(counter_clerk)
    assert client.get("/archives/hand-overs/").status_code == 403
    assert client.get(f"/archives/custody/{archivist.pk}/").status_code == 403


def test_the_accounts_hand_over_page_moves_the_archive(client_for, department_head, archivist, successor):
    file = current_file(custodian=archivist)
    client = client_for(department_head)
    page = client.get(f"/org/staff/{archivist.pk}/hand-over/").content.decode()
    assert "保管中的档案" in page
    response = client.post(
        f"/org/staff/{archivist.pk}/hand-over/", {"to_user": successor.pk, "reason": "调岗"}, follow=True
    )
    assert response.status_code == 200
    file.refresh_from_db()
    assert file.custodian == successor
