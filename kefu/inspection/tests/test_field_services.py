"""The field subject's rules (I2, 供水手册第七章第二条, 第三条(三)(四)(五)(七)(八)) through the services:
two inspectors with IDs shown before any field work, evidence typed, hashed and never deleted, statements
and notices signed or refused (当事人拒签 with a witness), numbered gap-free, a rectification deadline,
the overdue follow-up alerted once."""

import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kefu.core.models import Alert, Event
from kefu.core.services import set_policy
from kefu.inspection.events import CaseEvents
from kefu.inspection.models import Evidence, Notice, Signature, Statement
from kefu.inspection.services import evidence as evidence_services
from kefu.inspection.services import notices as notice_services
from kefu.inspection.services import statements as statement_services
from kefu.inspection.tests.factories_cases import make_inspector
from kefu.inspection.tests.factories_field import (
    add_photo,
    issue,
    jpeg_bytes,
    lead_of,
    make_case,
    png_bytes,
    record,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def messages_of(excinfo) -> str:
    return "；".join(excinfo.value.messages)


# ---------------------------------------------------------------- field work needs two, IDs shown


def test_evidence_on_a_case_with_one_inspector_is_refused():
    # given a case with only one inspector
    case = make_case(inspectors=[make_inspector()])
    # when they try to record a photo
    with pytest.raises(ValidationError) as refused:
        add_photo(case)
    # then the rule of two is quoted
    assert "稽查人员必须2人以上" in messages_of(refused)
    assert not Evidence.objects.exists()


def test_an_inspector_who_has_not_shown_their_id_is_refused():
    case = make_case(id_shown=False)
    with pytest.raises(ValidationError) as refused:
        record(case)
    assert "应首先出示稽查证件" in messages_of(refused)


def test_someone_not_on_the_case_is_refused():
    case = make_case()
    with pytest.raises(PermissionDenied) as refused:
        issue(case, actor=make_inspector())
    assert "只有本案的稽查员" in str(refused.value)


# ---------------------------------------------------------------- evidence


def test_a_photo_is_stored_with_the_sha256_of_its_bytes_and_the_upload_time():
    case = make_case()
    before = timezone.now()
    photo = add_photo(case, content=png_bytes((1, 2, 3)))
    assert photo.sha256 == hashlib.sha256(png_bytes((1, 2, 3))).hexdigest()
    assert photo.uploaded_at >= before
    assert photo.size == len(png_bytes((1, 2, 3)))
    assert photo.name == "现场.png"
    assert photo.file.name.startswith(f"inspection/{case.pk}/")
    event = Event.objects.get(verb=CaseEvents.EVIDENCE_ADDED)
    assert event.changes["sha256"] == photo.sha256


def test_a_jpeg_photo_and_a_pdf_scan_are_accepted():
    case = make_case()
    assert add_photo(case, name="a.jpg", content=jpeg_bytes()).sha256
    scan = add_photo(case, kind=Evidence.Kind.SCAN, name="笔录.pdf", content=b"%PDF-1.4 scan")
    assert scan.sha256 == hashlib.sha256(b"%PDF-1.4 scan").hexdigest()


def test_a_file_of_the_wrong_type_is_refused():
    case = make_case()
    with pytest.raises(ValidationError) as refused:
        add_photo(case, name="x.pdf", content=b"%PDF-1.4 not a photo")
    assert refused.value.message_dict == {"file": ["现场照片只能是 JPG 或 PNG 文件"]}
    # an HTML page renamed to .png is refused by its first bytes
    with pytest.raises(ValidationError) as refused:
        add_photo(case, name="x.png", content=b"<html><script>alert(1)</script>")
    assert "现场照片只能是 JPG 或 PNG 文件" in messages_of(refused)


def test_a_file_over_the_size_rule_is_refused_naming_the_limit(administrator):
    set_policy(actor=administrator, key="inspection.evidence_upload_max_mb", value=1)
    case = make_case()
    big = png_bytes() + b"\x00" * (1024 * 1024 + 1)
    with pytest.raises(ValidationError) as refused:
        add_photo(case, content=big)
    assert refused.value.message_dict == {"file": ["现场照片不能超过 1 MB"]}


def test_a_photo_needs_a_file_and_a_site_record_needs_text():
    case = make_case()
    with pytest.raises(ValidationError) as refused:
        evidence_services.add_evidence(
            actor=lead_of(case), case=case, kind="photo", taken_at=timezone.now(), place="现场"
        )
    assert refused.value.message_dict == {"file": ["请选择现场照片文件"]}
    with pytest.raises(ValidationError) as refused:
        evidence_services.add_evidence(
            actor=lead_of(case), case=case, kind="site_record", taken_at=timezone.now(), place="现场"
        )
    assert refused.value.message_dict == {"description": ["现场记录没有附件时须写明记录内容"]}
    site = evidence_services.add_evidence(
        actor=lead_of(case),
        case=case,
        kind="site_record",
        taken_at=timezone.now(),
        place="江南大道100号水表井",
        description="表前发现私接DN20水管一根",
    )
    assert site.sha256 == "" and not site.file


def test_time_and_place_are_required_and_the_time_not_in_the_future():
    case = make_case()
    with pytest.raises(ValidationError) as refused:
        add_photo(case, place="  ")
    assert "请填写取证地点" in messages_of(refused)
    with pytest.raises(ValidationError) as refused:
        add_photo(case, taken_at=timezone.now() + timedelta(hours=2))
    assert refused.value.message_dict == {"taken_at": ["取证时间不能晚于现在"]}


def test_the_location_is_optional_and_checked_for_range():
    case = make_case()
    assert add_photo(case).latitude is None
    located = add_photo(case, latitude="30.209812", longitude="120.210456", accuracy="12.4")
    assert located.latitude == Decimal("30.209812")
    assert located.location_accuracy_m == 12
    with pytest.raises(ValidationError) as refused:
        add_photo(case, latitude="91", longitude="120")
    assert refused.value.message_dict == {"latitude": ["纬度应在-90至90之间"]}
    with pytest.raises(ValidationError) as refused:
        add_photo(case, latitude="30", longitude="-180.5")
    assert refused.value.message_dict == {"longitude": ["经度应在-180至180之间"]}
    with pytest.raises(ValidationError) as refused:
        add_photo(case, latitude="30")
    assert "须同时有纬度和经度" in messages_of(refused)


def test_tampering_with_the_stored_file_is_detected():
    case = make_case()
    photo = add_photo(case)
    assert evidence_services.verify(photo).ok
    # when someone changes the stored bytes
    with open(photo.file.path, "wb") as handle:
        handle.write(png_bytes((9, 9, 9)))
    check = evidence_services.verify(photo)
    assert not check.ok
    assert check.warning == "文件与登记时的SHA-256不一致，可能已被改动"
    assert check.actual == hashlib.sha256(png_bytes((9, 9, 9))).hexdigest()


def test_evidence_is_superseded_with_a_reason_never_deleted():
    case = make_case()
    blurred, sharp = add_photo(case), add_photo(case, name="清晰.png")
    with pytest.raises(ValidationError) as refused:
        evidence_services.supersede_evidence(
            actor=lead_of(case), evidence=blurred, replacement=sharp, reason=" "
        )
    assert refused.value.message_dict == {
        "reason": ["替换证据须写明原因（证据不能删除，只能注明原因后替换）"]
    }
    old = evidence_services.supersede_evidence(
        actor=lead_of(case), evidence=blurred, replacement=sharp, reason="照片模糊，重拍"
    )
    assert old.superseded_by == sharp and old.superseded_reason == "照片模糊，重拍"
    assert Evidence.objects.filter(case=case).count() == 2
    with pytest.raises(ValidationError) as refused:
        evidence_services.supersede_evidence(
            actor=lead_of(case), evidence=blurred, replacement=sharp, reason="再换"
        )
    assert "已被替换" in messages_of(refused)
    other = add_photo(make_case())
    with pytest.raises(ValidationError) as refused:
        evidence_services.supersede_evidence(
            actor=lead_of(case), evidence=sharp, replacement=other, reason="换"
        )
    assert refused.value.message_dict == {"replacement": ["只能用本案的证据替换"]}
    assert Event.objects.filter(verb=CaseEvents.EVIDENCE_SUPERSEDED).count() == 1


# ---------------------------------------------------------------- statements


def test_a_statement_and_a_defence_are_recorded_signed():
    case = make_case()
    statement = record(case)
    defence = record(case, kind=Statement.Kind.DEFENCE, content="水管是前任住户接的。")
    assert statement.signature == Signature.SIGNED
    assert [s.kind for s in case.statements.all()] == ["statement", "defence"]
    assert defence.recorded_by == lead_of(case)
    assert Event.objects.filter(verb=CaseEvents.STATEMENT_RECORDED).count() == 2


def test_a_refusal_to_sign_is_recorded_with_an_optional_witness():
    case = make_case()
    refused = record(
        case,
        kind=Statement.Kind.INTERVIEW,
        signature=Signature.REFUSED,
        witness="物业管理员陈某",
        witness_signed=True,
    )
    assert refused.get_signature_display() == "当事人拒签"
    assert refused.witness == "物业管理员陈某" and refused.witness_signed
    assert record(case, signature=Signature.REFUSED).witness == ""


def test_a_statement_needs_the_signature_answered_a_person_and_content():
    case = make_case()
    with pytest.raises(ValidationError) as refused:
        record(case, signature="")
    assert "当事人拒签" in refused.value.message_dict["signature"][0]
    with pytest.raises(ValidationError) as refused:
        record(case, person="")
    assert refused.value.message_dict == {"person": ["请填写陈述人（被询问人）姓名"]}
    with pytest.raises(ValidationError) as refused:
        record(case, kind=Statement.Kind.DEFENCE, content="")
    assert refused.value.message_dict == {"content": ["请填写申辩内容"]}
    with pytest.raises(ValidationError) as refused:
        record(case, signature=Signature.REFUSED, witness_signed=True)
    assert refused.value.message_dict == {"witness": ["见证人已签字时须写明见证人姓名"]}
    with pytest.raises(ValidationError) as refused:
        statement_services.record_statement(
            actor=lead_of(case), case=case, kind="rumour", person="甲", content="乙", signature="signed"
        )
    assert "笔录类别" in messages_of(refused)


# ---------------------------------------------------------------- notices


def test_notices_are_numbered_per_kind_and_year_without_gaps():
    case = make_case()
    year = timezone.localdate().year
    first = issue(case)
    # a refused notice takes no number
    with pytest.raises(ValidationError):
        issue(case, content="")
    second = issue(case)
    rectify = issue(case, kind=Notice.Kind.RECTIFY)
    assert [first.number, second.number] == [f"TZ{year}-00001", f"TZ{year}-00002"]
    assert rectify.number == f"ZG{year}-00001"


def test_a_rectification_notice_without_a_deadline_is_refused():
    case = make_case()
    with pytest.raises(ValidationError) as refused:
        notice_services.issue_notice(
            actor=lead_of(case), case=case, kind="rectify", content="限期拆除私接管道"
        )
    message = refused.value.message_dict["deadline"][0]
    assert "整改通知书须写明整改期限" in message and "默认7天，最长30天" in message


def test_the_deadline_lies_after_today_and_within_the_rules_maximum(administrator):
    case = make_case()
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        issue(case, kind="rectify", deadline=today)
    assert refused.value.message_dict == {"deadline": ["整改期限应晚于开具之日"]}
    with pytest.raises(ValidationError) as refused:
        issue(case, kind="rectify", deadline=today + timedelta(days=31))
    assert "不能超过开具之日起30天" in messages_of(refused)
    set_policy(actor=administrator, key="inspection.rectify_max_days", value=60)
    assert issue(case, kind="rectify", deadline=today + timedelta(days=31)).deadline == today + timedelta(
        days=31
    )
    with pytest.raises(ValidationError) as refused:
        issue(case, kind="stop", deadline=today + timedelta(days=3))
    assert "不设整改期限" in messages_of(refused)


def test_the_customer_signs_or_refuses_a_notice_once():
    case = make_case()
    stop, rectify = issue(case), issue(case, kind="rectify")
    lead = lead_of(case)
    notice_services.record_signature(actor=lead, notice=stop, signature=Signature.SIGNED)
    refused = notice_services.record_signature(
        actor=lead, notice=rectify, signature=Signature.REFUSED, witness="社区网格员李某", witness_signed=True
    )
    assert refused.get_signature_display() == "当事人拒签" and refused.witness == "社区网格员李某"
    with pytest.raises(ValidationError) as again:
        notice_services.record_signature(actor=lead, notice=stop, signature=Signature.REFUSED)
    assert "已登记“当事人已签名”，不能重复登记" in messages_of(again)
    verbs = list(
        Event.objects.filter(verb__startswith="inspection_case.notice_").values_list("verb", flat=True)
    )
    assert CaseEvents.NOTICE_SIGNED in verbs and CaseEvents.NOTICE_REFUSED in verbs


def test_the_overdue_job_alerts_the_inspectors_once_and_the_notice_waits_for_a_follow_up():
    case = make_case()
    notice = issue(case, kind="rectify")
    issue(case)  # a stop notice has no deadline: never overdue
    day_after = timezone.now() + timedelta(days=8)
    # before the deadline nothing happens
    assert notice_services.run_due(timezone.now()) == []
    # when the deadline has passed
    assert notice_services.run_due(day_after) == ["稽查：1份整改通知书逾期，已提醒稽查员复查"]
    alerts = Alert.objects.filter(kind="inspection.notice_overdue")
    assert sorted(a.recipient_id for a in alerts) == sorted(s.inspector_id for s in case.inspectors.all())
    assert "整改期限已到，请复查" in alerts[0].message and notice.number in alerts[0].message
    # and again: once only
    assert notice_services.run_due(day_after) == []
    assert alerts.count() == 2
    assert Event.objects.filter(verb=CaseEvents.NOTICE_OVERDUE).count() == 1
    notice.refresh_from_db()
    assert notice.overdue_alerted


def test_the_follow_up_is_recorded_once_by_an_inspector_of_the_case():
    case = make_case()
    notice = issue(case, kind="rectify")
    with pytest.raises(PermissionDenied):
        notice_services.record_follow_up(
            actor=make_inspector(), notice=notice, rectified=True, result="已拆除"
        )
    with pytest.raises(ValidationError) as refused:
        notice_services.record_follow_up(actor=lead_of(case), notice=notice, rectified=True, result="")
    assert refused.value.message_dict == {"result": ["请填写复查结果"]}
    done = notice_services.record_follow_up(
        actor=lead_of(case), notice=notice, rectified=True, result="私接管道已拆除"
    )
    assert done.rectified and done.followed_up_by == lead_of(case)
    with pytest.raises(ValidationError) as again:
        notice_services.record_follow_up(actor=lead_of(case), notice=notice, rectified=False, result="再查")
    assert "复查" in messages_of(again)
    with pytest.raises(ValidationError) as stop:
        notice_services.record_follow_up(
            actor=lead_of(case), notice=issue(case), rectified=True, result="已停"
        )
    assert stop.value.message_dict == {"notice": ["只有整改通知书需要复查"]}
    # a notice followed up is not overdue
    assert notice_services.run_due(timezone.now() + timedelta(days=40)) == []


def test_upload_helper_files_are_real_pngs():
    assert upload().read().startswith(b"\x89PNG")
