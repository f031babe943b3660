"""Work-order collaboration (W1, H9, H17): a leader's 督办意见 that the unit signs for, the 批示 on an
escalated order, and internal notes with attachments and @-mentions, through the services."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kefu.core.models import Alert, Event
from kefu.core.services import set_policy
from kefu.hotline.events import HotlineEvents
from kefu.hotline.models import LeaderInstruction, NoteAttachment
from kefu.hotline.services import notes

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def order(world):
    """A repair of 王建国's, transferred to the west branch (unit21)."""
    return world.record(code="repair", matter="文三路100号门口水管漏水").work_order


def verbs(order) -> list[str]:
    return list(
        Event.objects.filter(target_id=order.pk, target_type__model="workorder")
        .order_by("id")
        .values_list("verb", flat=True)
    )


# 督办意见


def test_a_leader_writes_a_supervision_and_the_unit_is_alerted_and_it_is_on_the_timeline(world, order):
    # when the department head writes a 督办意见 with a reply deadline
    reply_by = timezone.now() + timedelta(hours=4)
    instruction = notes.write_supervision(
        actor=world.head, work_order=order, text="请今天下午派人到场处理", reply_by=reply_by
    )
    # then it waits for the west branch to sign, its staff are told, and the timeline records it
    assert instruction.kind == LeaderInstruction.Kind.SUPERVISION
    assert instruction.unit == world.west and not instruction.is_acknowledged
    alert = Alert.objects.get(kind="hotline.supervision")
    assert alert.recipient == world.west_staff
    assert alert.url == f"/hotline/orders/{order.pk}/" and "请今天下午派人到场处理" in alert.message
    assert HotlineEvents.SUPERVISION_ISSUED in verbs(order)
    assert list(notes.pending_for_unit(world.west.pk)) == [instruction]


@pytest.mark.parametrize("role", ["agent", "west_staff"])
def test_an_agent_or_a_units_staff_cannot_write_a_supervision(world, order, role):
    with pytest.raises(PermissionDenied):
        notes.write_supervision(actor=getattr(world, role), work_order=order, text="快点处理")
    assert not LeaderInstruction.objects.exists()


def test_a_supervision_needs_its_text_and_a_reply_time_in_the_future(world, order):
    with pytest.raises(ValidationError) as empty:
        notes.write_supervision(actor=world.leader, work_order=order, text="  ")
    assert empty.value.message_dict == {"text": ["请填写督办意见"]}
    with pytest.raises(ValidationError) as past:
        notes.write_supervision(
            actor=world.leader, work_order=order, text="尽快", reply_by=timezone.now() - timedelta(hours=1)
        )
    assert "reply_by" in past.value.message_dict
    with pytest.raises(ValidationError) as long:
        notes.write_supervision(actor=world.leader, work_order=order, text="很" * 2001)
    assert "2000" in long.value.message_dict["text"][0]


def test_the_unit_signs_for_a_supervision_with_a_reply_once(world, order):
    instruction = notes.write_supervision(actor=world.director, work_order=order, text="限今日修复")
    # when the west branch's dispatcher signs for it
    notes.acknowledge(actor=world.west_staff, instruction=instruction, reply="已派维修班前往")
    instruction.refresh_from_db()
    # then it is signed, off the unit's pending list, and on the timeline
    assert instruction.acknowledged_by == world.west_staff and instruction.acknowledgement == "已派维修班前往"
    assert not notes.pending_for_unit(world.west.pk).exists()
    assert HotlineEvents.INSTRUCTION_ACKNOWLEDGED in verbs(order)
    # and a second signature is refused in words
    with pytest.raises(ValidationError, match="已于"):
        notes.acknowledge(actor=world.west_staff, instruction=instruction)


def test_another_units_staff_and_the_agent_cannot_sign_for_it(world, order):
    instruction = notes.write_supervision(actor=world.head, work_order=order, text="限今日修复")
    with pytest.raises(PermissionDenied):  # the east branch cannot even see the west's order
        notes.acknowledge(actor=world.east_staff, instruction=instruction)
    with pytest.raises(PermissionDenied, match="责任单位"):
        notes.acknowledge(actor=world.agent, instruction=instruction)


def test_on_an_order_no_unit_holds_the_owner_signs(world):
    order = world.record(code="consult", disposition="follow_up", matter="咨询阶梯水价").work_order
    assert order.unit_id is None
    instruction = notes.write_supervision(actor=world.leader, work_order=order, text="今天内回复客户")
    assert Alert.objects.get(kind="hotline.supervision").recipient == world.agent
    notes.acknowledge(actor=world.agent, instruction=instruction)
    assert LeaderInstruction.objects.get().is_acknowledged


# 批示 on an escalation


def test_the_leader_an_order_was_escalated_to_records_an_instruction(world):
    order = world.record(code="service_complaint", priority="important", matter="抢修人员态度恶劣").work_order
    order.refresh_from_db()
    assert order.escalation_level == 2
    instruction = notes.record_instruction(
        actor=world.head, work_order=order, text="请纪委监察室三日内调查并向客户致歉"
    )
    assert instruction.kind == LeaderInstruction.Kind.ESCALATION and instruction.level == 2
    assert HotlineEvents.INSTRUCTION_RECORDED in verbs(order)
    event = Event.objects.get(verb=HotlineEvents.INSTRUCTION_RECORDED)
    assert event.note == "请纪委监察室三日内调查并向客户致歉"  # 对上级指示要详细记载
    # and the unit that holds the order is told to sign for it
    assert Alert.objects.get(kind="hotline.instruction").recipient == world.west_staff


def test_an_instruction_needs_an_escalated_order(world, order):
    with pytest.raises(ValidationError, match="未上报"):
        notes.record_instruction(actor=world.head, work_order=order, text="处理")


# internal notes


def test_a_note_with_a_photo_mentions_a_colleague_who_is_alerted(world, order, media):
    photo = SimpleUploadedFile("漏水现场.png", PNG, content_type="image/png")
    note = notes.add_note(
        actor=world.west_staff, work_order=order, text="现场照片见附件 @agent11 请告知客户", files=[photo]
    )
    assert list(note.mentions.all()) == [world.agent]
    attachment = NoteAttachment.objects.get()
    assert attachment.name == "漏水现场.png" and attachment.size == len(PNG)
    alert = Alert.objects.get(kind="hotline.mention")
    assert alert.recipient == world.agent and alert.url == f"/hotline/orders/{order.pk}/"
    event = Event.objects.get(verb=HotlineEvents.NOTE_ADDED)
    assert event.changes["attachments"] == 1 and "现场照片" not in event.note


def test_a_colleague_is_mentioned_by_name_too(world, order):
    note = notes.add_note(actor=world.agent, work_order=order, text="@城西调度 客户下午在家")
    assert list(note.mentions.all()) == [world.west_staff]


def test_a_mention_of_someone_unknown_or_who_cannot_see_the_order_is_refused(world, order):
    with pytest.raises(ValidationError, match="找不到被提及的同事"):
        notes.add_note(actor=world.agent, work_order=order, text="@nobody 看一下")
    with pytest.raises(ValidationError, match="无权查看此工单"):
        notes.add_note(actor=world.agent, work_order=order, text="@unit11 看一下")
    assert not Alert.objects.filter(kind="hotline.mention").exists()


def test_a_unit_that_cannot_see_the_order_cannot_add_a_note(world, order):
    with pytest.raises(PermissionDenied):
        notes.add_note(actor=world.east_staff, work_order=order, text="不是我们的片区")


def test_an_attachment_must_be_a_photo_or_scan_within_the_size_rule(world, order, media, administrator):
    html = SimpleUploadedFile("scan.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf")
    with pytest.raises(ValidationError) as kind:
        notes.add_note(actor=world.agent, work_order=order, text="扫描件", files=[html])
    assert kind.value.message_dict["attachments"] == ["附件只能是 PDF、JPG、PNG 或 TIFF 文件"]
    set_policy(actor=administrator, key="hotline.note_upload_max_mb", value=1)
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (1024 * 1024), content_type="image/png")
    with pytest.raises(ValidationError, match="不能超过 1 MB"):
        notes.add_note(actor=world.agent, work_order=order, text="大图", files=[big])
    many = [SimpleUploadedFile(f"p{n}.png", PNG) for n in range(6)]
    with pytest.raises(ValidationError, match="附件最多5个"):
        notes.add_note(actor=world.agent, work_order=order, text="很多图", files=many)
    assert not NoteAttachment.objects.exists()
