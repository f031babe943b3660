"""The API of 督办意见, 批示 and internal notes (W1, H17): the page's rules, as 201/400/403/404 in Chinese."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kefu.core.models import Alert
from kefu.hotline.models import LeaderInstruction, WorkOrderNote

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def order(world):
    return world.record(code="repair", matter="文三路100号门口水管漏水").work_order


def test_a_leader_writes_a_supervision_and_the_unit_signs_it_through_the_api(world, order, as_user):
    base = f"/api/hotline/work-orders/{order.pk}"
    written = post(as_user(world.head), f"{base}/supervisions", {"text": "今日内到场处理"})
    assert written.status_code == 201, written.content
    body = written.json()
    assert body["kind"] == "supervision" and body["unit"] == "城西供水分公司"
    assert body["acknowledged_at"] is None
    unit = as_user(world.west_staff)
    listed = unit.get(f"{base}/instructions").json()
    assert [i["may_acknowledge"] for i in listed] == [True]
    signed = post(unit, f"{base}/instructions/{body['id']}/acknowledgement", {"reply": "已派人"})
    assert signed.status_code == 200 and signed.json()["acknowledgement"] == "已派人"
    again = post(unit, f"{base}/instructions/{body['id']}/acknowledgement", {})
    assert again.status_code == 400 and "已于" in json.dumps(again.json(), ensure_ascii=False)


def test_the_api_refuses_as_the_page_does(world, order, as_user, client):
    base = f"/api/hotline/work-orders/{order.pk}"
    assert client.get(f"{base}/instructions").status_code == 401
    agent = as_user(world.agent)
    refused = post(agent, f"{base}/supervisions", {"text": "快点"})
    assert refused.status_code == 403 and "督办意见" in refused.json()["detail"]
    empty = post(as_user(world.head), f"{base}/supervisions", {"text": ""})
    assert empty.status_code == 400 and empty.json()["errors"]["text"] == ["请填写督办意见或批示内容"]
    not_escalated = post(as_user(world.head), f"{base}/instructions", {"text": "处理"})
    assert not_escalated.status_code == 400 and "未上报" in not_escalated.json()["errors"]["text"][0]
    assert as_user(world.east_staff).get(f"{base}/notes").status_code == 404
    missing = post(as_user(world.west_staff), f"{base}/instructions/999999/acknowledgement", {})
    assert missing.status_code == 404
    assert not LeaderInstruction.objects.exists()


def test_a_note_with_an_attachment_and_a_mention_through_the_api(world, order, as_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = as_user(world.west_staff)
    base = f"/api/hotline/work-orders/{order.pk}"
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    response = client.post(f"{base}/notes", {"text": "现场照片 @agent11", "attachments": [photo]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["mentions"] == ["话务员甲"] and body["attachments"][0]["name"] == "现场.png"
    assert Alert.objects.filter(kind="hotline.mention", recipient=world.agent).exists()
    served = client.get(body["attachments"][0]["url"])
    assert served.status_code == 200 and b"".join(served.streaming_content) == PNG
    assert [n["text"] for n in client.get(f"{base}/notes").json()] == ["现场照片 @agent11"]
    bad = client.post(f"{base}/notes", {"text": "", "attachments": [SimpleUploadedFile("a.png", PNG)]})
    assert bad.status_code == 400 and bad.json()["errors"]["text"] == ["请填写备注内容"]
    assert WorkOrderNote.objects.count() == 1
