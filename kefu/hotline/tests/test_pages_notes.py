"""The order's page for 督办意见, 批示 and internal notes (W1, H17): who may write and sign, the queue's
badge and count, attachments behind the order's permission, and notes kept off customer-facing paper."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from kefu.hotline.models import LeaderInstruction, WorkOrderNote
from kefu.hotline.services import notes

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
SECRET = "内部备注：该户曾多次恶意投诉"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def order(world):
    """A repair transferred to the west branch (unit21)."""
    return world.record(code="repair", matter="文三路100号门口水管漏水").work_order


def test_a_leader_writes_a_supervision_from_the_page_and_the_unit_signs_it(world, order, client_for):
    # given the team leader on the order's page
    leader = client_for(world.leader)
    page = leader.get(f"/hotline/orders/{order.pk}/").content.decode()
    assert 'id="supervise-form"' in page
    # when they write a 督办意见
    response = leader.post(f"/hotline/orders/{order.pk}/supervise/", {"text": "请今日到场", "reply_by": ""})
    assert response.status_code == 302 and response["Location"].endswith("#collaboration")
    instruction = LeaderInstruction.objects.get()
    # then the west branch sees the badge on its queue and the count, and signs on the order's page
    unit = client_for(world.west_staff)
    queue = unit.get("/hotline/orders/?queue=unit").content.decode()
    assert "待签收督办" in queue and 'id="unit-pending-instructions"' in queue
    detail = unit.get(f"/hotline/orders/{order.pk}/").content.decode()
    assert "请今日到场" in detail and f"/instructions/{instruction.pk}/acknowledge/" in detail
    signed = unit.post(
        f"/hotline/orders/{order.pk}/instructions/{instruction.pk}/acknowledge/", {"reply": "已派人"}
    )
    assert signed.status_code == 302
    queue = unit.get("/hotline/orders/?queue=unit").content.decode()
    assert "待签收督办" not in queue and 'id="unit-pending-instructions"' not in queue
    timeline = unit.get(f"/hotline/orders/{order.pk}/").content.decode()
    assert "督办意见" in timeline and "签收督办" in timeline


def test_an_agent_is_offered_no_supervision_form_and_is_refused_with_403_words(world, order, client_for):
    agent = client_for(world.agent)
    assert 'id="supervise-form"' not in agent.get(f"/hotline/orders/{order.pk}/").content.decode()
    response = agent.post(f"/hotline/orders/{order.pk}/supervise/", {"text": "快点"})
    assert response.status_code == 400
    assert "只有班长、客服部主任、中心主任可以写督办意见" in response.content.decode()
    assert not LeaderInstruction.objects.exists()


def test_a_supervision_without_text_is_a_400_naming_the_field(world, order, client_for):
    response = client_for(world.head).post(f"/hotline/orders/{order.pk}/supervise/", {"text": ""})
    assert response.status_code == 400
    assert "请填写督办意见或批示内容" in response.content.decode()
    bad_time = client_for(world.head).post(
        f"/hotline/orders/{order.pk}/supervise/", {"text": "尽快", "reply_by": "明天"}
    )
    assert bad_time.status_code == 400 and "要求答复时间格式" in bad_time.content.decode()


def test_another_units_staff_can_neither_see_nor_add_notes(world, order, client_for):
    notes.add_note(actor=world.agent, work_order=order, text=SECRET)
    east = client_for(world.east_staff)
    assert east.get(f"/hotline/orders/{order.pk}/").status_code == 404
    assert east.post(f"/hotline/orders/{order.pk}/notes/", {"text": "看看"}).status_code == 404
    assert WorkOrderNote.objects.count() == 1


def test_a_note_with_a_photo_is_added_and_the_photo_is_served_only_to_those_who_see_the_order(
    world, order, client_for, media
):
    west = client_for(world.west_staff)
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    response = west.post(
        f"/hotline/orders/{order.pk}/notes/", {"text": "现场照片 @agent11", "attachments": [photo]}
    )
    assert response.status_code == 302
    attachment = WorkOrderNote.objects.get().attachments.get()
    url = f"/hotline/orders/{order.pk}/notes/attachments/{attachment.pk}/"
    assert url in west.get(f"/hotline/orders/{order.pk}/").content.decode()
    assert "/media/" not in west.get(f"/hotline/orders/{order.pk}/").content.decode()
    served = west.get(url)
    assert served.status_code == 200 and b"".join(served.streaming_content) == PNG
    # (client_for logs the one test client in as another person)
    assert client_for(world.east_staff).get(url).status_code == 404


def test_a_refused_attachment_is_a_400_with_the_rule(world, order, client_for, media):
    fake = SimpleUploadedFile("scan.pdf", b"<svg onload=alert(1)>", content_type="application/pdf")
    response = client_for(world.agent).post(
        f"/hotline/orders/{order.pk}/notes/", {"text": "扫描件", "attachments": [fake]}
    )
    assert response.status_code == 400
    assert "附件只能是 PDF、JPG、PNG 或 TIFF 文件" in response.content.decode()
    assert not WorkOrderNote.objects.exists()


def test_notes_are_never_on_the_dispatch_form_or_the_excel_export(world, order, client_for):
    notes.add_note(actor=world.agent, work_order=order, text=SECRET)
    notes.write_supervision(actor=world.head, work_order=order, text="督办：该户曾多次恶意投诉")
    head = client_for(world.head)
    assert SECRET in head.get(f"/hotline/orders/{order.pk}/").content.decode()
    printed = head.get(f"/hotline/orders/{order.pk}/print/").content.decode()
    assert order.number in printed and "恶意投诉" not in printed
    contact_page = head.get(f"/hotline/contacts/{order.contact_id}/").content.decode()
    assert "恶意投诉" not in contact_page
    workbook = load_workbook(BytesIO(head.get("/hotline/orders/?queue=all&format=xlsx").content))
    cells = [str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value]
    assert order.number in cells and not any("恶意投诉" in c for c in cells)
    # the unit's copy of the dispatch form, which the customer signs, neither
    unit_print = client_for(world.west_staff).get(f"/hotline/orders/{order.pk}/print/").content.decode()
    assert order.number in unit_print and "恶意投诉" not in unit_print


def test_the_escalated_orders_leader_records_an_instruction_on_the_page(world, client_for):
    order = world.record(code="service_complaint", priority="important", matter="抢修人员态度恶劣").work_order
    head = client_for(world.head)
    assert 'id="instruct-form"' in head.get(f"/hotline/orders/{order.pk}/").content.decode()
    response = head.post(f"/hotline/orders/{order.pk}/instruct/", {"text": "三日内调查清楚并回复客户"})
    assert response.status_code == 302
    instruction = LeaderInstruction.objects.get()
    assert instruction.kind == "escalation" and instruction.level == 2
    assert "三日内调查清楚并回复客户" in head.get(f"/hotline/orders/{order.pk}/").content.decode()


def test_the_escalated_queue_says_which_orders_wait_for_the_leaders_instruction(world, client_for):
    order = world.record(code="service_complaint", priority="important", matter="抢修人员态度恶劣").work_order
    head = client_for(world.head)
    before = head.get("/hotline/orders/?queue=escalated").content.decode()
    assert "待批示" in before and "已批示" not in before
    notes.record_instruction(actor=world.head, work_order=order, text="三日内调查清楚")
    after = head.get("/hotline/orders/?queue=escalated").content.decode()
    assert "已批示" in after and "待批示" not in after
