"""The destruction API, the holdings checks and the hand-overs: the same services, rights and Chinese
refusals as the pages."""

import pytest
from django.utils import timezone

from kefu.accounts import services as accounts
from kefu.accounts.models import Role
from kefu.archives.models import ArchiveFile, Destruction
from kefu.archives.services import destruction as services
from kefu.archives.tests.factories_destruction import current_file, expired_files, member, permanent_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def director(make_user):
    return make_user(Role.CENTER_DIRECTOR, username="director", name="中心主任老王")


def _post(client, url, data):
    return client.post(url, data=data, content_type="application/json")


def test_the_whole_flow_through_the_api(client_for, archivist, department_head, director):
    files = expired_files(2)
    colleague = member()
    archive_room = client_for(archivist)

    # the expired files, then the proposal
    expired = archive_room.get("/api/archives/destructions/expired-files").json()
    assert {row["id"] for row in expired["items"]} == {f.pk for f in files}
    created = _post(
        archive_room,
        "/api/archives/destructions",
        {"files": [f.pk for f in files], "reason": "期满", "appraisal_group": [colleague.pk]},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "proposed" and len(body["items"]) == 2 and body["file_count"] == 2
    pk = body["id"]

    assert (
        _post(
            client_for(department_head), f"/api/archives/destructions/{pk}/review", {"note": "核对无误"}
        ).json()["state"]
        == "reviewed"
    )
    assert (
        _post(client_for(director), f"/api/archives/destructions/{pk}/approve", {}).json()["state"]
        == "approved"
    )
    done = _post(
        client_for(archivist),
        f"/api/archives/destructions/{pk}/carry-out",
        {"place": "档案室碎纸间", "witnesses": [archivist.pk, department_head.pk]},
    ).json()
    assert done["state"] == "destroyed" and {i["file_state"] for i in done["items"]} == {"destroyed"}
    rechecked = _post(
        client_for(department_head),
        f"/api/archives/destructions/{pk}/recheck",
        {"items": [i["id"] for i in done["items"]]},
    ).json()
    assert rechecked["rechecked_by"] == "主任老李"
    listing = client_for(department_head).get("/api/archives/destructions?state=destroyed").json()
    assert [row["id"] for row in listing["items"]] == [pk]


def test_the_api_refuses_in_chinese(client_for, archivist, department_head, director):
    drawing = permanent_file()
    refused = _post(
        client_for(archivist),
        "/api/archives/destructions",
        {"files": [drawing.pk], "reason": "期满", "appraisal_group": [member().pk]},
    )
    assert refused.status_code == 400 and "永久保管" in refused.content.decode()

    young = current_file()
    refused = _post(
        client_for(archivist),
        "/api/archives/destructions",
        {"files": [young.pk], "reason": "期满", "appraisal_group": []},
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "尚未期满" in text or "鉴定小组至少2人" in text


def test_the_api_checks_rights_and_independence(client_for, archivist, department_head, counter_clerk):
    files = expired_files(1)
    destruction = services.propose(
        actor=archivist, files=files, reason="期满", appraisal_group=[department_head]
    )
    assert client_for(counter_clerk).get("/api/archives/destructions").status_code == 403
    assert client_for(counter_clerk).get(f"/api/archives/destructions/{destruction.pk}").status_code == 403
    refused = _post(client_for(department_head), f"/api/archives/destructions/{destruction.pk}/review", {})
    assert refused.status_code == 403 and "鉴定小组成员" in refused.content.decode()
    assert client_for(archivist).get("/api/archives/destructions/999999").status_code == 404


def test_holdings_checks_through_the_api(client_for, archivist, department_head):
    inspection, _ = services.open_inspection(day=timezone.localdate())
    answers = [
        {"code": item["code"], "ok": item["code"] != "防火", "note": ""} for item in inspection.checklist
    ]
    client = client_for(archivist)
    refused = _post(client, f"/api/archives/holdings-checks/{inspection.pk}/record", {"answers": answers})
    assert refused.status_code == 400 and "请写明情况：防火" in refused.content.decode()
    answers[1]["note"] = "灭火器过期一具"
    done = _post(
        client,
        f"/api/archives/holdings-checks/{inspection.pk}/record",
        {"answers": answers, "reported_to": department_head.pk},
    )
    assert done.status_code == 200, done.content
    assert done.json()["problems"] == "防火：灭火器过期一具" and done.json()["reported_to"] == "主任老李"
    assert (
        client_for(department_head).get("/api/archives/holdings-checks").json()["items"][0]["id"]
        == inspection.pk
    )


def test_hand_overs_through_the_api(client_for, archivist, department_head, make_user):
    successor = make_user(Role.ARCHIVIST, username="archivist2", name="接任档案员小林")
    file = current_file(custodian=archivist)
    accounts.hand_over_holdings(actor=department_head, from_user=archivist, to_user=successor, reason="调岗")
    client = client_for(department_head)
    listing = client.get("/api/archives/hand-overs").json()
    record = client.get(f"/api/archives/hand-overs/{listing['items'][0]['id']}").json()
    assert record["catalogue_numbers"] == [file.catalogue_number] and record["witness"] == "主任老李"
    assert ArchiveFile.objects.get(pk=file.pk).custodian == successor
    assert Destruction.objects.count() == 0
