"""Filing (D1): the rules per category, registration (deadline, content list, idempotent), filing in
(catalogue number, retention), the content list's changes as events, moves, and the overdue alert sent
once. Each refusal is checked by its Chinese text."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import DepartmentFactory
from kefu.archives.events import FileEvents
from kefu.archives.models import ArchiveFile, Category
from kefu.archives.policies_filing import RULES
from kefu.archives.services import filing as services
from kefu.archives.tests.factories_filing import filed_file, pending_file
from kefu.core.events import events_for
from kefu.core.models import Alert
from kefu.core.policies import policy
from kefu.core.services import set_policy

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def message(excinfo, field):
    return excinfo.value.message_dict[field][0]


def test_every_category_has_a_retention_and_a_filing_deadline_marked_as_local_defaults():
    for category in Category.values:
        assert f"archives.retention_years.{category}" in RULES
        assert RULES[f"archives.filing_days.{category}"].source.startswith("本地默认")
        assert "档案保存期限规定" in RULES[f"archives.retention_years.{category}"].source
    assert policy("archives.retention_years.drawing") == 0  # permanent
    assert policy("archives.retention_years.meter_return") == 5
    assert policy("archives.filing_days.inspection") == 5
    assert policy("archives.confidential_categories") == ["owner", "tenant", "inspection"]


@time_machine.travel(datetime(2026, 9, 28, 10, 0, tzinfo=SH), tick=False)
def test_the_filing_deadline_counts_working_days_across_national_day(archivist):
    # given a process finished on Monday 2026-09-28 (10 working days to file)
    file = pending_file(actor=archivist, finished_on=date(2026, 9, 28))
    # then 09-29, 09-30, (10-01..07 holiday), 10-08, 10-09, 10-10 (调休), 10-12 … 10-16
    assert file.filing_due_on == date(2026, 10, 16)
    assert file.state == ArchiveFile.State.PENDING and file.catalogue_number is None
    assert [i.title for i in file.items.order_by("position")] == ["用水申请表", "身份证复印件"]
    assert file.item_count == 2
    assert events_for(file).filter(verb=FileEvents.REGISTERED).count() == 1


def test_a_second_registration_of_the_same_business_returns_the_file_already_there(archivist):
    first = pending_file(actor=archivist, subject="processes.process:77")
    again = pending_file(actor=archivist, subject="processes.process:77", title="另一个题名")
    assert again.pk == first.pk
    assert ArchiveFile.objects.filter(subject="processes.process:77").count() == 1
    assert events_for(first).filter(verb=FileEvents.REGISTERED).count() == 1


def test_confidential_categories_follow_the_rule(archivist, administrator):
    assert pending_file(actor=archivist, category=Category.OWNER).confidential
    assert not pending_file(actor=archivist, category=Category.PROCESS).confidential
    set_policy(actor=administrator, key="archives.confidential_categories", value="owner,process")
    assert pending_file(actor=archivist, category=Category.PROCESS).confidential


def test_a_bad_category_or_title_is_refused_in_chinese(archivist):
    with pytest.raises(ValidationError) as excinfo:
        pending_file(actor=archivist, category="secret")
    assert message(excinfo, "category") == "档案类别“secret”不存在"
    with pytest.raises(ValidationError) as excinfo:
        services.register_file(
            actor=archivist, category="process", title=" ", subject="x:1", finished_on=date(2026, 1, 5)
        )
    assert message(excinfo, "title") == "请填写案卷题名"


@time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=SH), tick=False)
def test_filing_in_numbers_the_file_by_category_and_year_and_copies_the_retention(archivist):
    first = filed_file(archivist, finished_on=date(2026, 11, 2), location="A03-2-015")
    second = filed_file(archivist, finished_on=date(2026, 11, 3))
    drawing = filed_file(archivist, category=Category.DRAWING)
    assert first.catalogue_number == "YW-2026-000001"
    assert second.catalogue_number == "YW-2026-000002"
    assert drawing.catalogue_number == "TZ-2026-000001"
    assert first.state == ArchiveFile.State.FILED and first.location == "A03-2-015"
    assert first.custodian == archivist and first.filed_by == archivist and first.filed_at
    # 30 years from 1 January after the business finished; a drawing is kept for ever
    assert first.retention_years == 30 and first.retention_until == date(2056, 12, 31)
    assert drawing.retention_years == 0 and drawing.retention_until is None
    event = events_for(first).get(verb=FileEvents.FILED)
    assert event.changes["catalogue_number"] == "YW-2026-000001"


def test_a_later_change_of_the_rule_does_not_move_a_filed_file(archivist, administrator):
    file = filed_file(archivist, category=Category.METER_RETURN)
    set_policy(actor=administrator, key="archives.retention_years.meter_return", value=8)
    file.refresh_from_db()
    assert file.retention_years == 5
    assert filed_file(archivist, category=Category.METER_RETURN).retention_years == 8


def test_filing_in_needs_every_line_checked_a_place_and_a_content_list(archivist):
    file = pending_file(actor=archivist)
    first, second = file.items.order_by("position")
    with pytest.raises(ValidationError) as excinfo:
        services.file_in(actor=archivist, file=file, location="A01-1-001", items_checked=[first.pk])
    assert "卷内文件未全部清点验收：2.身份证复印件" in message(excinfo, "items_checked")
    with pytest.raises(ValidationError) as excinfo:
        services.file_in(actor=archivist, file=file, location=" ")
    assert message(excinfo, "location") == "请填写存放位置（柜-层-盒）"
    empty = pending_file(actor=archivist, items=())
    with pytest.raises(ValidationError) as excinfo:
        services.file_in(actor=archivist, file=empty, location="A01-1-001")
    assert message(excinfo, "items").startswith("卷内目录为空")
    done = services.file_in(
        actor=archivist, file=file, location="A01-1-001", items_checked=[first.pk, second.pk]
    )
    with pytest.raises(ValidationError) as excinfo:
        services.file_in(actor=archivist, file=done, location="A01-1-002")
    assert message(excinfo, "state") == "档案当前状态为“已归档”，不能再接收归档"


def test_only_the_archive_room_files_and_changes_content_lists(archivist, counter_clerk):
    file = pending_file(actor=archivist)
    with pytest.raises(PermissionDenied) as excinfo:
        services.file_in(actor=counter_clerk, file=file, location="A01-1-001")
    assert str(excinfo.value) == "只有档案室（档案员）可以接收归档和变更卷内目录"
    with pytest.raises(PermissionDenied):
        services.add_item(actor=counter_clerk, file=file, title="补充材料")


def test_every_change_of_the_content_list_is_an_event_and_nothing_is_deleted(archivist):
    file = filed_file(archivist)
    item = services.add_item(actor=archivist, file=file, title="补充说明", pages=3, original=False)
    file.refresh_from_db()
    assert item.position == 3 and file.item_count == 3
    with pytest.raises(ValidationError) as excinfo:
        services.remove_item(actor=archivist, item=item, reason="")
    assert message(excinfo, "reason") == "请填写撤出原因"
    services.remove_item(actor=archivist, item=item, reason="重复材料，退回业务部门")
    file.refresh_from_db()
    item.refresh_from_db()
    assert file.item_count == 2 and file.items.count() == 3  # marked, not deleted
    assert item.removed_reason == "重复材料，退回业务部门" and item.removed_by == archivist
    with pytest.raises(ValidationError) as excinfo:
        services.remove_item(actor=archivist, item=item, reason="再撤一次")
    assert "已于" in message(excinfo, "item")
    verbs = list(events_for(file).order_by("occurred_at", "id").values_list("verb", flat=True))
    assert verbs[-2:] == [FileEvents.ITEM_ADDED, FileEvents.ITEM_REMOVED]
    removed = events_for(file).get(verb=FileEvents.ITEM_REMOVED)
    assert removed.changes["item_count"] == [3, 2] and removed.note == "重复材料，退回业务部门"
    with pytest.raises(ValidationError) as excinfo:
        services.add_item(actor=archivist, file=file, title="扫描件", pages=0)
    assert message(excinfo, "pages") == "页数应为1至9999的整数"


def test_a_filed_file_moves_with_an_event(archivist):
    file = filed_file(archivist, location="A01-1-001")
    services.move_file(actor=archivist, file=file, location="B02-3-010")
    file.refresh_from_db()
    assert file.location == "B02-3-010"
    assert events_for(file).get(verb=FileEvents.MOVED).changes["location"] == ["A01-1-001", "B02-3-010"]
    with pytest.raises(ValidationError) as excinfo:
        services.move_file(actor=archivist, file=pending_file(actor=archivist), location="C")
    assert message(excinfo, "location") == "只有已归档的档案才能调整存放位置"


def test_manual_registration_takes_only_the_categories_no_business_registers(archivist):
    file = services.register_manual(
        actor=archivist,
        category=Category.SUPPLY_CONTRACT,
        title="供用水合同·城东小区物业",
        finished_on=date(2026, 3, 2),
        source_number="GYS2026-00031",
        items=[("供用水合同", 6), "营业执照复印件"],
    )
    assert file.subject == "" and file.item_count == 2 and file.items.get(position=1).pages == 6
    with pytest.raises(ValidationError) as excinfo:
        services.register_manual(
            actor=archivist, category=Category.PROCESS, title="x", finished_on=date(2026, 3, 2), items=["x"]
        )
    assert "由业务办结时自动登记，不能手工登记" in message(excinfo, "category")
    with pytest.raises(ValidationError) as excinfo:
        services.register_manual(
            actor=archivist, category=Category.DRAWING, title="图纸", finished_on=date(2026, 3, 2)
        )
    assert message(excinfo, "items") == "请至少登记一件卷内文件（《档案资料清单》）"


def test_an_overdue_file_is_alerted_once_to_its_department_and_the_archivists(make_user, archivist):
    department = DepartmentFactory()
    clerk = make_user(Role.COUNTER_CLERK, username="clerk9", department=department)
    outsider = make_user(Role.COUNTER_CLERK, username="clerk10")
    with time_machine.travel(datetime(2026, 11, 2, 10, 0, tzinfo=SH), tick=False):
        file = pending_file(actor=clerk, department=department, finished_on=date(2026, 11, 2))
        on_time = pending_file(actor=clerk, department=department, finished_on=date(2026, 11, 2))
        services.file_in(actor=archivist, file=on_time, location="A01-1-001")
    assert file.filing_due_on == date(2026, 11, 16)
    # not yet on the deadline day
    assert services.run_due(datetime(2026, 11, 16, 18, 0, tzinfo=SH)) == []
    lines = services.run_due(datetime(2026, 11, 17, 9, 0, tzinfo=SH))
    assert len(lines) == 1 and file.title in lines[0]
    alerts = Alert.objects.filter(kind="archives.filing_overdue")
    assert {a.recipient for a in alerts} == {clerk, archivist}
    assert outsider not in {a.recipient for a in alerts}
    assert "已逾期" in alerts.first().message
    # a second pass alerts nothing more
    assert services.run_due(datetime(2026, 11, 18, 9, 0, tzinfo=SH)) == []
    assert alerts.count() == 2
    file.refresh_from_db()
    assert file.overdue_alerted
    assert events_for(file).filter(verb=FileEvents.OVERDUE_FLAGGED).count() == 1
