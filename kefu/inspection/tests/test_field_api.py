"""The field API (I2): the same services and the same Chinese refusals as the phone page — evidence by
multipart upload with its SHA-256, list, file with its check header, supersede; statements; notices,
signature and follow-up; 403 to other roles, 404 for another case's rows."""

import hashlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.inspection.models import CaseRead
from kefu.inspection.tests.factories_cases import make_director
from kefu.inspection.tests.factories_field import add_photo, issue, lead_of, make_case, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def base(case) -> str:
    return f"/api/inspection/cases/{case.pk}"


def test_an_inspector_uploads_a_photo_and_gets_its_sha256(client_for):
    case = make_case()
    client = client_for(lead_of(case))
    response = client.post(
        f"{base(case)}/evidence",
        {
            "kind": "photo",
            "taken_at": timezone.now().isoformat(),
            "place": "江南大道100号",
            "latitude": "30.25",
            "longitude": "120.16",
            "file": SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png"),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sha256"] == hashlib.sha256(png_bytes()).hexdigest()
    assert body["latitude"] == 30.25 and body["kind_label"] == "现场照片"
    listed = client.get(f"{base(case)}/evidence").json()
    assert [e["id"] for e in listed] == [body["id"]]
    served = client.get(body["file_url"])
    assert served.status_code == 200 and served["X-Evidence-SHA256-Match"] == "yes"


def test_the_api_refuses_a_wrong_file_type_in_the_pages_words(client_for):
    case = make_case()
    response = client_for(lead_of(case)).post(
        f"{base(case)}/evidence",
        {
            "kind": "photo",
            "taken_at": timezone.now().isoformat(),
            "place": "现场",
            "file": SimpleUploadedFile("x.txt", b"hello", content_type="text/plain"),
        },
    )
    assert response.status_code == 400
    assert "现场照片只能是 JPG 或 PNG 文件" in response.content.decode()


def test_the_api_refuses_a_case_with_one_inspector(client_for):
    from kefu.inspection.tests.factories_cases import make_inspector

    solo = make_inspector()
    case = make_case(inspectors=[solo])
    response = client_for(solo).post(
        f"{base(case)}/statements",
        {"kind": "statement", "person": "王某", "content": "……", "signature": "signed"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "稽查人员必须2人以上" in response.content.decode()


def test_supersede_needs_a_reason(client_for):
    case = make_case()
    first, second = add_photo(case), add_photo(case)
    client = client_for(lead_of(case))
    url = f"{base(case)}/evidence/{first.pk}/supersede"
    response = client.post(url, {"replacement": second.pk}, content_type="application/json")
    assert response.status_code == 400
    assert "替换证据须写明原因" in response.content.decode()
    response = client.post(url, {"replacement": second.pk, "reason": "重拍"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["superseded_by"] == second.pk


def test_statements_and_notices_through_the_api(client_for):
    case = make_case()
    client = client_for(lead_of(case))
    statement = client.post(
        f"{base(case)}/statements",
        {
            "kind": "defence",
            "person": "王某",
            "content": "不是我接的",
            "signature": "refused",
            "witness": "陈某",
        },
        content_type="application/json",
    )
    assert statement.status_code == 201 and statement.json()["signature_label"] == "当事人拒签"
    refused = client.post(
        f"{base(case)}/notices", {"kind": "rectify", "content": "限期拆除"}, content_type="application/json"
    )
    assert refused.status_code == 400 and "整改通知书须写明整改期限" in refused.content.decode()
    deadline = (timezone.localdate() + timedelta(days=7)).isoformat()
    notice = client.post(
        f"{base(case)}/notices",
        {"kind": "rectify", "content": "限期拆除", "deadline": deadline},
        content_type="application/json",
    )
    assert notice.status_code == 201
    body = notice.json()
    assert body["number"].startswith("ZG") and body["status"] == "整改期内"
    signed = client.post(
        f"{base(case)}/notices/{body['id']}/signature",
        {"signature": "refused", "witness": "网格员", "witness_signed": True},
        content_type="application/json",
    )
    assert signed.status_code == 200 and signed.json()["signature_label"] == "当事人拒签"
    followed = client.post(
        f"{base(case)}/notices/{body['id']}/follow-up",
        {"rectified": False, "result": "仍未拆除"},
        content_type="application/json",
    )
    assert followed.status_code == 200 and followed.json()["status"] == "复查未整改"
    assert [n["number"] for n in client.get(f"{base(case)}/notices").json()] == [body["number"]]
    assert client.get(f"{base(case)}/statements").json()[0]["witness"] == "陈某"


def test_other_roles_get_403_leaders_read_but_do_not_write(client_for, make_user):
    case = make_case()
    photo = add_photo(case)
    agent = client_for(make_user(Role.AGENT, username="agent_api"))
    assert agent.get(f"{base(case)}/evidence").status_code == 403
    assert agent.get(f"{base(case)}/evidence/{photo.pk}/file").status_code == 403
    director = client_for(make_director())
    before = CaseRead.objects.filter(case=case).count()
    assert director.get(f"{base(case)}/evidence").status_code == 200
    assert CaseRead.objects.filter(case=case).count() == before + 1
    response = director.post(
        f"{base(case)}/notices", {"kind": "stop", "content": "停"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_another_cases_notice_is_404(client_for):
    case, other = make_case(), make_case()
    notice = issue(other)
    response = client_for(lead_of(case)).post(
        f"{base(case)}/notices/{notice.pk}/signature",
        {"signature": "signed"},
        content_type="application/json",
    )
    assert response.status_code == 404
