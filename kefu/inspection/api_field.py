"""In the field through the API (I2): evidence (multipart upload, list, file, supersede), statements,
notices (issue, signature, follow-up). The case is fetched with get_case_for (each read logged), the
services check the rules: the API refuses what the phone page refuses, in the same words (400 with the
field, 403, 404)."""

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from pydantic import Field

from kefu.core.schemas import Day, Moment, ObjectId, Schema
from kefu.inspection.models import Evidence, Notice, Statement
from kefu.inspection.permissions import get_case_for
from kefu.inspection.selectors_field import notice_status
from kefu.inspection.services import evidence as evidence_services
from kefu.inspection.services import notices as notice_services
from kefu.inspection.services import statements as statement_services

router = Router()
READ_EVIDENCE = "查看证据"
WORK = "现场取证（API）"


class CaseEvidenceOut(Schema):
    id: int
    kind: str = Field(..., description="photo（现场照片）、scan（扫描件）或 site_record（现场记录）")
    kind_label: str
    name: str
    size: int
    sha256: str = Field(..., description="文件到达时计算的SHA-256（现场记录无附件时为空）")
    uploaded_at: datetime
    uploaded_by: str
    taken_at: datetime
    place: str
    latitude: float | None
    longitude: float | None
    location_accuracy_m: int | None
    description: str
    superseded_by: int | None
    superseded_at: datetime | None
    superseded_reason: str
    file_url: str | None


class CaseEvidenceSupersedeIn(Schema):
    replacement: ObjectId = Field(..., description="用于替换的证据id（本案）")
    reason: str = Field("", max_length=200, description="替换原因（必填）")


class CaseStatementIn(Schema):
    kind: Literal["statement", "defence", "interview", "site_notes"]
    person: str = Field("", max_length=50, description="陈述人（被询问人）")
    content: str = Field("", max_length=5000)
    signature: Literal["", "signed", "refused"] = Field(
        "", description="signed（已签名）或 refused（当事人拒签）"
    )
    witness: str = Field("", max_length=50, description="见证人（当事人拒签时）")
    witness_signed: bool = False


class CaseStatementOut(Schema):
    id: int
    kind: str
    kind_label: str
    person: str
    content: str
    recorded_by: str
    recorded_at: datetime
    signature: str
    signature_label: str
    witness: str
    witness_signed: bool


class CaseNoticeIn(Schema):
    kind: Literal["stop", "rectify"] = Field(..., description="stop（责令停止违章）或 rectify（整改）")
    content: str = Field("", max_length=3000)
    deadline: Day | None = Field(None, description="整改期限（整改通知书必填）")


class CaseNoticeSignatureIn(Schema):
    signature: Literal["", "signed", "refused"] = Field(
        "", description="signed（已签名）或 refused（当事人拒签）"
    )
    witness: str = Field("", max_length=50)
    witness_signed: bool = False


class CaseNoticeFollowUpIn(Schema):
    rectified: bool = Field(..., description="复查时是否已整改")
    result: str = Field("", max_length=300)


class CaseNoticeOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    content: str
    issued_by: str
    issued_at: datetime
    deadline: date | None
    signature: str
    signature_label: str
    witness: str
    witness_signed: bool
    status: str = Field(..., description="已开具、整改期内、待复查、已整改或复查未整改")
    followed_up_at: datetime | None
    rectified: bool | None
    follow_up_result: str
    print_url: str


def _person(user) -> str:
    return (user.name or user.username) if user else ""


def _evidence(e: Evidence) -> dict:
    return {
        "id": e.pk,
        "kind": e.kind,
        "kind_label": e.get_kind_display(),
        "name": e.name,
        "size": e.size,
        "sha256": e.sha256,
        "uploaded_at": e.uploaded_at,
        "uploaded_by": _person(e.uploaded_by),
        "taken_at": e.taken_at,
        "place": e.place,
        "latitude": float(e.latitude) if e.latitude is not None else None,
        "longitude": float(e.longitude) if e.longitude is not None else None,
        "location_accuracy_m": e.location_accuracy_m,
        "description": e.description,
        "superseded_by": e.superseded_by_id,
        "superseded_at": e.superseded_at,
        "superseded_reason": e.superseded_reason,
        "file_url": f"/api/inspection/cases/{e.case_id}/evidence/{e.pk}/file" if e.file else None,
    }


def _statement(s: Statement) -> dict:
    return {
        "id": s.pk,
        "kind": s.kind,
        "kind_label": s.get_kind_display(),
        "person": s.person,
        "content": s.content,
        "recorded_by": _person(s.recorded_by),
        "recorded_at": s.recorded_at,
        "signature": s.signature,
        "signature_label": s.get_signature_display(),
        "witness": s.witness,
        "witness_signed": s.witness_signed,
    }


def _notice(n: Notice) -> dict:
    return {
        "id": n.pk,
        "number": n.number,
        "kind": n.kind,
        "kind_label": n.get_kind_display(),
        "content": n.content,
        "issued_by": _person(n.issued_by),
        "issued_at": n.issued_at,
        "deadline": n.deadline,
        "signature": n.signature,
        "signature_label": n.get_signature_display(),
        "witness": n.witness,
        "witness_signed": n.witness_signed,
        "status": notice_status(n)[0],
        "followed_up_at": n.followed_up_at,
        "rectified": n.rectified,
        "follow_up_result": n.follow_up_result,
        "print_url": f"/inspection/cases/{n.case_id}/notices/{n.pk}/print/",
    }


def _one(rows, pk: int, missing: str):
    row = rows.filter(pk=pk).first()
    if row is None:
        raise Http404(missing)
    return row


@router.get(
    "/cases/{int:case_id}/evidence", response=list[CaseEvidenceOut], summary="案件的证据（含已替换的）"
)
def list_evidence(request, case_id: int):
    case = get_case_for(request.user, case_id, what=READ_EVIDENCE)
    return [_evidence(e) for e in evidence_services.evidence_of(case)]


@router.post(
    "/cases/{int:case_id}/evidence",
    response={201: CaseEvidenceOut},
    summary="上传证据（multipart：kind、taken_at、place、照片或扫描件 file；现场记录可无文件，须有说明）",
)
def upload_evidence(
    request,
    case_id: int,
    kind: Form[Literal["photo", "scan", "site_record"]],
    taken_at: Form[Moment],
    place: Form[str] = "",
    description: Form[str] = "",
    latitude: Form[str] = "",
    longitude: Form[str] = "",
    accuracy: Form[str] = "",
    # Optional inside the marker keeps the file a multipart part (see processes.api.upload_document).
    file: File[UploadedFile | None] = None,
):
    case = get_case_for(request.user, case_id, what=WORK, write=True)
    evidence = evidence_services.add_evidence(
        actor=request.user,
        case=case,
        kind=kind,
        file=file,
        taken_at=taken_at,
        place=place,
        latitude=latitude,
        longitude=longitude,
        accuracy=accuracy,
        description=description,
    )
    return Status(201, _evidence(evidence))


@router.get(
    "/cases/{int:case_id}/evidence/{int:evidence_id}/file",
    response={200: None},
    summary="下载证据文件（响应头 X-Evidence-SHA256-Match 表示文件是否与登记时一致）",
)
def evidence_file(request, case_id: int, evidence_id: int):
    case = get_case_for(request.user, case_id, what=READ_EVIDENCE)
    evidence = _one(case.evidence.all(), evidence_id, "证据不存在")
    if not evidence.file:
        raise Http404("该现场记录没有附件")
    check = evidence_services.verify(evidence)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("证据文件已不存在") from None
    response = FileResponse(handle, filename=evidence.name)
    response["X-Evidence-SHA256"] = evidence.sha256
    response["X-Evidence-SHA256-Match"] = "yes" if check.ok else "no"
    return response


@router.post(
    "/cases/{int:case_id}/evidence/{int:evidence_id}/supersede",
    response=CaseEvidenceOut,
    summary="替换证据（证据不能删除，须写明原因）",
)
def supersede_evidence(request, case_id: int, evidence_id: int, payload: CaseEvidenceSupersedeIn):
    case = get_case_for(request.user, case_id, what=WORK, write=True)
    evidence = _one(case.evidence.all(), evidence_id, "证据不存在")
    replacement = case.evidence.filter(pk=payload.replacement).first()
    if replacement is None:
        raise ValidationError({"replacement": "用于替换的证据不是本案的证据"})
    evidence = evidence_services.supersede_evidence(
        actor=request.user, evidence=evidence, replacement=replacement, reason=payload.reason
    )
    return _evidence(evidence)


@router.get("/cases/{int:case_id}/statements", response=list[CaseStatementOut], summary="陈述、申辩与笔录")
def list_statements(request, case_id: int):
    case = get_case_for(request.user, case_id, what="查看笔录（API）")
    return [
        _statement(s) for s in case.statements.select_related("recorded_by").order_by("recorded_at", "id")
    ]


@router.post(
    "/cases/{int:case_id}/statements",
    response={201: CaseStatementOut},
    summary="记录陈述、申辩、询问笔录或现场笔记（拒签的记为“当事人拒签”）",
)
def record_statement(request, case_id: int, payload: CaseStatementIn):
    case = get_case_for(request.user, case_id, what=WORK, write=True)
    statement = statement_services.record_statement(actor=request.user, case=case, **payload.dict())
    return Status(201, _statement(statement))


@router.get("/cases/{int:case_id}/notices", response=list[CaseNoticeOut], summary="案件的通知书")
def list_notices(request, case_id: int):
    case = get_case_for(request.user, case_id, what="查看通知书（API）")
    return [_notice(n) for n in case.notices.select_related("issued_by").order_by("issued_at", "id")]


@router.post(
    "/cases/{int:case_id}/notices",
    response={201: CaseNoticeOut},
    summary="开具通知书（编号TZ/ZG年度-序号；整改通知书须有整改期限）",
)
def issue_notice(request, case_id: int, payload: CaseNoticeIn):
    case = get_case_for(request.user, case_id, what=WORK, write=True)
    notice = notice_services.issue_notice(actor=request.user, case=case, **payload.dict())
    return Status(201, _notice(notice))


@router.post(
    "/cases/{int:case_id}/notices/{int:notice_id}/signature",
    response=CaseNoticeOut,
    summary="登记通知书签收：当事人签名，或当事人拒签（可有见证人）",
)
def record_signature(request, case_id: int, notice_id: int, payload: CaseNoticeSignatureIn):
    case = get_case_for(request.user, case_id, what=WORK, write=True)
    notice = _one(case.notices.all(), notice_id, "通知书不存在")
    notice = notice_services.record_signature(actor=request.user, notice=notice, **payload.dict())
    return _notice(notice)


@router.post(
    "/cases/{int:case_id}/notices/{int:notice_id}/follow-up",
    response=CaseNoticeOut,
    summary="登记整改复查",
)
def record_follow_up(request, case_id: int, notice_id: int, payload: CaseNoticeFollowUpIn):
    case = get_case_for(request.user, case_id, what="整改复查（API）", write=True)
    notice = _one(case.notices.all(), notice_id, "通知书不存在")
    notice = notice_services.record_follow_up(actor=request.user, notice=notice, **payload.dict())
    return _notice(notice)
