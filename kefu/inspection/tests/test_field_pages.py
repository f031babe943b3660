"""The field pages (I2): the phone page of a case, uploads from it, the evidence page with its SHA-256
check, the prints (notice, statement, evidence list: every one lists each file's SHA-256 and upload
time), the notices register; who may open them (403 to other roles) and the read log."""

import hashlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.inspection.models import CaseRead, Evidence, Notice, Statement
from kefu.inspection.selectors_field import home_lines
from kefu.inspection.services import notices as notice_services
from kefu.inspection.tests.factories_cases import make_director, make_inspector
from kefu.inspection.tests.factories_field import add_photo, issue, lead_of, make_case, png_bytes, record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def case():
    return make_case(
        inspectors=[make_inspector(employee_no="JC0101", name="周稽查"), make_inspector(employee_no="JC0102")]
    )


def page_text(response) -> str:
    return response.content.decode()


def test_the_field_page_shows_the_case_the_inspectors_ids_and_the_camera(client_for, case):
    client = client_for(lead_of(case))
    response = client.get(reverse("inspection:field", args=[case.pk]))
    assert response.status_code == 200
    html = page_text(response)
    assert case.number in html and case.address in html
    assert "稽查证件 JC0101" in html and "稽查证件 JC0102" in html
    assert 'accept="image/*" capture="environment" multiple' in html
    assert "记录位置" in html and 'name="latitude"' in html
    assert "当事人拒签" in html
    assert "<script>" not in html and "<style" not in html  # CSP: the page's script is a file
    assert "inspection/field.js" in html


def test_a_leader_reads_the_field_page_without_the_forms(client_for, case):
    response = client_for(make_director()).get(reverse("inspection:field", args=[case.pk]))
    assert response.status_code == 200
    assert "您不是本案的稽查员，只能查看" in page_text(response)
    assert 'id="evidence-form"' not in page_text(response)


def test_other_roles_get_403_and_every_read_is_logged(client_for, make_user, case):
    agent = make_user(Role.AGENT, username="agent_x")
    for name, args in [
        ("inspection:field", [case.pk]),
        ("inspection:evidence_print", [case.pk]),
    ]:
        assert client_for(agent).get(reverse(name, args=args)).status_code == 403
    photo = add_photo(case)
    assert (
        client_for(agent).get(reverse("inspection:evidence_file", args=[case.pk, photo.pk])).status_code
        == 403
    )
    assert client_for(agent).get(reverse("inspection:notices")).status_code == 403
    # the inspector's reads are logged, the refused ones are not
    reads = CaseRead.objects.filter(case=case).count()
    client = client_for(lead_of(case))
    client.get(reverse("inspection:field", args=[case.pk]))
    client.get(reverse("inspection:evidence_file", args=[case.pk, photo.pk]))
    assert CaseRead.objects.filter(case=case).count() == reads + 2
    assert CaseRead.objects.filter(case=case, what="查看证据").exists()


def test_the_id_shown_button_records_it_for_the_inspector(client_for):
    case = make_case(id_shown=False)
    lead = lead_of(case)
    client = client_for(lead)
    html = page_text(client.get(reverse("inspection:field", args=[case.pk])))
    assert "执行职务时应首先出示稽查证件" in html and "已出示证件" in html
    seat = case.inspectors.get(inspector=lead)
    response = client.post(reverse("inspection:field_id_shown", args=[case.pk]), {"seat": seat.pk})
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.id_shown_at is not None


def test_photos_uploaded_from_the_phone_are_hashed(client_for, case):
    client = client_for(lead_of(case))
    files = [
        SimpleUploadedFile("一.png", png_bytes((1, 1, 1)), content_type="image/png"),
        SimpleUploadedFile("二.png", png_bytes((2, 2, 2)), content_type="image/png"),
    ]
    response = client.post(
        reverse("inspection:field_evidence", args=[case.pk]),
        {
            "kind": "photo",
            "files": files,
            "taken_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "place": "江南大道100号",
            "latitude": "30.2",
            "longitude": "120.2",
            "accuracy": "15",
        },
    )
    assert response.status_code == 302
    photos = list(Evidence.objects.filter(case=case).order_by("id"))
    assert [p.sha256 for p in photos] == [
        hashlib.sha256(png_bytes((1, 1, 1))).hexdigest(),
        hashlib.sha256(png_bytes((2, 2, 2))).hexdigest(),
    ]
    assert photos[0].latitude is not None
    html = page_text(client.get(response.url))
    assert "已登记现场照片2份" in html and photos[0].sha256 in html


def test_a_wrong_file_type_is_the_page_again_with_the_reason(client_for, case):
    response = client_for(lead_of(case)).post(
        reverse("inspection:field_evidence", args=[case.pk]),
        {
            "kind": "photo",
            "files": [SimpleUploadedFile("a.gif", b"GIF89a....", content_type="image/gif")],
            "taken_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "place": "现场",
        },
    )
    assert response.status_code == 400
    assert "现场照片只能是 JPG 或 PNG 文件" in page_text(response)
    assert not Evidence.objects.exists()


def test_the_evidence_page_warns_when_the_stored_file_changed(client_for, case):
    photo = add_photo(case)
    client = client_for(lead_of(case))
    url = reverse("inspection:evidence", args=[case.pk, photo.pk])
    html = page_text(client.get(url))
    assert "SHA-256 与登记时一致" in html and "可能已被改动" not in html
    served = client.get(reverse("inspection:evidence_file", args=[case.pk, photo.pk]))
    assert b"".join(served.streaming_content) == png_bytes()
    assert served["X-Evidence-SHA256-Match"] == "yes"
    # when the stored bytes are changed behind the application's back
    with open(photo.file.path, "wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n tampered")
    html = page_text(client.get(url))
    assert "文件与登记时的SHA-256不一致，可能已被改动" in html
    assert hashlib.sha256(b"\x89PNG\r\n\x1a\n tampered").hexdigest() in html
    served = client.get(reverse("inspection:evidence_file", args=[case.pk, photo.pk]))
    assert served["X-Evidence-SHA256-Match"] == "no"


def test_supersede_without_a_reason_is_refused_on_the_page(client_for, case):
    first, second = add_photo(case), add_photo(case)
    client = client_for(lead_of(case))
    url = reverse("inspection:evidence_supersede", args=[case.pk, first.pk])
    response = client.post(url, {"replacement": second.pk, "reason": ""})
    assert response.status_code == 400
    assert "替换证据须写明原因" in page_text(response)
    assert client.post(url, {"replacement": second.pk, "reason": "拍摄角度不对"}).status_code == 302
    first.refresh_from_db()
    assert first.superseded_by == second
    html = page_text(client.get(reverse("inspection:evidence", args=[case.pk, first.pk])))
    assert "拍摄角度不对" in html and "原证据保留" in html


def test_a_refused_statement_prints_with_the_witness_and_the_hashes(client_for, case):
    photo = add_photo(case)
    client = client_for(lead_of(case))
    response = client.post(
        reverse("inspection:field_statement", args=[case.pk]),
        {
            "kind": "interview",
            "person": "王某",
            "content": "问：水管谁接的？答：不知道。",
            "signature": "refused",
            "witness": "物业陈某",
            "witness_signed": "on",
        },
    )
    assert response.status_code == 302
    statement = Statement.objects.get(case=case)
    printed = page_text(client.get(reverse("inspection:statement_print", args=[case.pk, statement.pk])))
    assert "{% extends" not in printed and "询问笔录" in printed
    assert "当事人拒签" in printed and "物业陈某" in printed
    assert photo.sha256 in printed
    assert timezone.localtime(photo.uploaded_at).strftime("%Y-%m-%d %H:%M:%S") in printed


def test_a_rectification_notice_without_a_deadline_is_refused_on_the_page(client_for, case):
    response = client_for(lead_of(case)).post(
        reverse("inspection:field_notice", args=[case.pk]), {"kind": "rectify", "content": "限期拆除"}
    )
    assert response.status_code == 400
    assert "整改通知书须写明整改期限" in page_text(response)
    assert not Notice.objects.exists()


def test_a_notice_is_issued_refused_and_printed_with_its_number_deadline_and_hashes(client_for, case):
    photo = add_photo(case)
    client = client_for(lead_of(case))
    deadline = timezone.localdate() + timedelta(days=5)
    response = client.post(
        reverse("inspection:field_notice", args=[case.pk]),
        {"kind": "rectify", "content": "表前私接水管，限期拆除。", "deadline": deadline.isoformat()},
    )
    assert response.status_code == 302
    notice = Notice.objects.get(case=case)
    response = client.post(
        reverse("inspection:notice_signature", args=[case.pk, notice.pk]),
        {"signature": "refused", "witness": "网格员李某", "witness_signed": "on"},
    )
    assert response.status_code == 302
    printed = page_text(client.get(reverse("inspection:notice_print", args=[case.pk, notice.pk])))
    assert notice.number in printed and "违规用水整改通知书" in printed
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in printed
    assert "当事人拒签" in printed and "网格员李某" in printed
    assert "稽查证件JC0101" in printed
    assert photo.sha256 in printed
    pdf = client.get(reverse("inspection:notice_pdf", args=[case.pk, notice.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    field_html = page_text(client.get(reverse("inspection:field", args=[case.pk])))
    assert "整改期内" in field_html and "data-share" in field_html


def test_the_evidence_list_prints_every_hash_and_upload_time(client_for, case):
    photos = [add_photo(case), add_photo(case, content=png_bytes((5, 5, 5)))]
    printed = page_text(client_for(make_director()).get(reverse("inspection:evidence_print", args=[case.pk])))
    assert "供水稽查证据清单" in printed
    for photo in photos:
        assert photo.sha256 in printed
        assert timezone.localtime(photo.uploaded_at).strftime("%Y-%m-%d %H:%M:%S") in printed


def test_the_follow_up_after_the_overdue_alert(client_for, case):
    notice = issue(case, kind="rectify")
    notice_services.run_due(timezone.now() + timedelta(days=10))
    lead = lead_of(case)
    client = client_for(lead)
    with_time = timezone.now() + timedelta(days=10)
    # the register shows it as 待复查 (the clock moved past the deadline)
    Notice.objects.filter(pk=notice.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    html = page_text(client.get(reverse("inspection:notices") + "?state=due"))
    assert notice.number in html and "待复查" in html
    assert ("整改通知书待复查", 1, reverse("inspection:notices") + "?state=due") in home_lines(lead)
    response = client.post(
        reverse("inspection:notice_follow_up", args=[case.pk, notice.pk]),
        {"rectified": "yes", "result": "已拆除"},
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.rectified and notice.followed_up_at < with_time
    assert "整改通知书待复查" not in [line[0] for line in home_lines(lead)]


def test_the_notices_register_searches_and_exports(client_for, case):
    stop = issue(case)
    issue(case, kind="rectify")
    client = client_for(lead_of(case))
    html = page_text(client.get(reverse("inspection:notices") + f"?q={stop.number}"))
    assert stop.number in html and "共1份" in html
    export = client.get(reverse("inspection:notices_export"))
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_field_work_by_someone_not_on_the_case_is_refused(client_for, case):
    outsider = make_inspector()
    response = client_for(outsider).post(
        reverse("inspection:field_statement", args=[case.pk]),
        {"kind": "statement", "person": "王某", "content": "……", "signature": "signed"},
    )
    assert response.status_code == 400
    assert "只有本案的稽查员可以现场取证" in page_text(response)
    director = client_for(make_director())
    response = director.post(
        reverse("inspection:field_notice", args=[case.pk]), {"kind": "stop", "content": "x"}
    )
    assert response.status_code == 403


def test_record_helper_writes_a_signed_statement(case):
    assert record(case).get_signature_display() == "当事人已签名"
