"""Evidence (I2, 供水手册第七章第三条(四)(七)): photos from the inspector's phone, scans of papers and the
site record (现场记录: time, place, customer — text, a file optional).

Each file's SHA-256 is computed from the bytes as they arrive and stored with the arrival time, so that
every print can list them and a later change of the stored file is detectable (`verify`). Evidence is
never deleted: a wrong photo is superseded by another, with a reason."""

import hashlib
import os
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kefu.core.params import moment_problem
from kefu.core.uploads import JPEG, PNG, SCANS, check_upload
from kefu.core.validators import CONTROL_CHARACTERS, control_character_message, find_control_character
from kefu.inspection.events import CaseEvents, inspection_event
from kefu.inspection.models import Case, Evidence
from kefu.inspection.services.cases import require_field_work

UPLOAD_LIMIT = "inspection.evidence_upload_max_mb"
PHOTO_KINDS = (JPEG, PNG)
# A photo may be taken a little "in the future" by a phone whose clock runs ahead.
CLOCK_SLACK_MINUTES = 10
TAMPERED = "文件与登记时的SHA-256不一致，可能已被改动"
MISSING = "证据文件已不存在，无法核对SHA-256"


def sha256_of(chunks) -> str:
    """The SHA-256 of a stream of byte chunks, read once (a phone's 15 MB photo never sits whole in
    memory)."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def _coordinate(value, *, field: str, label: str, bound: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"{label}应为数字"}) from None
    if not number.is_finite() or not -bound <= number <= bound:
        raise ValidationError({field: f"{label}应在-{bound}至{bound}之间"})
    return number.quantize(Decimal("0.000001"))


def _location(latitude, longitude, accuracy) -> tuple[Decimal | None, Decimal | None, int | None]:
    """The browser's location, only when the inspector pressed 记录位置: both coordinates or neither."""
    lat = _coordinate(latitude, field="latitude", label="纬度", bound=90)
    lng = _coordinate(longitude, field="longitude", label="经度", bound=180)
    if (lat is None) != (lng is None):
        raise ValidationError({"latitude": "位置须同时有纬度和经度（或都不填）"})
    if lat is None or accuracy in (None, ""):
        return lat, lng, None
    try:
        metres = Decimal(str(accuracy))
    except (InvalidOperation, ValueError):
        raise ValidationError({"accuracy": "定位精度应为米数"}) from None
    if not metres.is_finite() or metres < 0 or metres > 100000:
        raise ValidationError({"accuracy": "定位精度应在0至100000米之间"})
    return lat, lng, int(metres)


def _clean_name(name: str) -> str:
    base = CONTROL_CHARACTERS.sub("", os.path.basename((name or "").replace("\\", "/"))).strip()
    return (base or "evidence")[-100:]


@transaction.atomic
def add_evidence(
    *,
    actor,
    case: Case,
    kind: str,
    file=None,
    taken_at,
    place: str,
    latitude=None,
    longitude=None,
    accuracy=None,
    description: str = "",
) -> Evidence:
    """Record one piece of evidence on `case` by one of its inspectors (two on the case, ID shown)."""
    require_field_work(case, actor)
    if kind not in Evidence.Kind.values:
        raise ValidationError({"kind": "证据类别只能是现场照片、扫描件或现场记录"})
    place = (place or "").strip()
    description = (description or "").strip()
    if not place:
        raise ValidationError(
            {"place": "请填写取证地点（供水手册第七章第三条（四）：现场记录写明时间、地点）"}
        )
    for field, text in (("place", place), ("description", description)):
        if character := find_control_character(text):
            raise ValidationError({field: control_character_message(character)})
    if len(place) > 200:
        raise ValidationError({"place": "取证地点不能超过200字"})
    if len(description) > 300:
        raise ValidationError({"description": "说明不能超过300字"})
    if taken_at is None:
        raise ValidationError({"taken_at": "请填写取证时间（供水手册第七章第三条（四）：现场记录写明时间）"})
    problem = moment_problem(taken_at)
    if problem:
        raise ValidationError({"taken_at": f"取证时间：{problem}"})
    now = timezone.now()
    if taken_at > now + timezone.timedelta(minutes=CLOCK_SLACK_MINUTES):
        raise ValidationError({"taken_at": "取证时间不能晚于现在"})
    lat, lng, metres = _location(latitude, longitude, accuracy)

    if kind == Evidence.Kind.SITE_RECORD and file is None:
        if not description:
            raise ValidationError({"description": "现场记录没有附件时须写明记录内容"})
    elif file is None:
        label = Evidence.Kind(kind).label
        raise ValidationError({"file": f"请选择{label}文件"})
    evidence = Evidence(
        case=case,
        kind=kind,
        uploaded_at=now,
        uploaded_by=actor,
        taken_at=taken_at,
        place=place,
        latitude=lat,
        longitude=lng,
        location_accuracy_m=metres,
        description=description,
    )
    if file is not None:
        kinds = PHOTO_KINDS if kind == Evidence.Kind.PHOTO else SCANS
        label = "现场照片" if kind == Evidence.Kind.PHOTO else "扫描件"
        check_upload(file, field="file", label=label, kinds=kinds, limit_policy=UPLOAD_LIMIT)
        file.seek(0)
        evidence.sha256 = sha256_of(file.chunks())
        file.seek(0)
        evidence.size = file.size
        evidence.name = _clean_name(file.name)
        evidence.file.save(evidence.name, file, save=False)
    evidence.save()
    inspection_event(
        actor=actor,
        target=case,
        verb=CaseEvents.EVIDENCE_ADDED,
        changes={
            "evidence": evidence.pk,
            "kind": evidence.get_kind_display(),
            "name": evidence.name,
            "sha256": evidence.sha256,
            "place": place,
        },
        note=description[:200],
    )
    return evidence


@transaction.atomic
def supersede_evidence(*, actor, evidence: Evidence, replacement: Evidence, reason: str) -> Evidence:
    """Mark `evidence` as replaced by `replacement` (same case), with the reason; nothing is deleted."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "替换证据须写明原因（证据不能删除，只能注明原因后替换）"})
    if len(reason) > 200:
        raise ValidationError({"reason": "替换原因不能超过200字"})
    evidence = Evidence.objects.select_for_update().select_related("case").get(pk=evidence.pk)
    case = evidence.case
    require_field_work(case, actor)
    if replacement.case_id != case.pk:
        raise ValidationError({"replacement": "只能用本案的证据替换"})
    if replacement.pk == evidence.pk:
        raise ValidationError({"replacement": "不能用证据替换它自己"})
    if evidence.superseded_by_id:
        raise ValidationError({"evidence": f"证据#{evidence.pk}已被替换，不能再次替换"})
    if replacement.superseded_by_id:
        raise ValidationError({"replacement": f"证据#{replacement.pk}已被替换，不能作为替换证据"})
    evidence.superseded_by = replacement
    evidence.superseded_at = timezone.now()
    evidence.superseded_reason = reason
    evidence.save(update_fields=["superseded_by", "superseded_at", "superseded_reason", "updated_at"])
    inspection_event(
        actor=actor,
        target=case,
        verb=CaseEvents.EVIDENCE_SUPERSEDED,
        changes={"evidence": evidence.pk, "replacement": replacement.pk},
        note=reason,
    )
    return evidence


@dataclass(frozen=True)
class Check:
    """The stored file's bytes against the SHA-256 taken on arrival."""

    ok: bool
    actual: str
    warning: str


def verify(evidence: Evidence) -> Check:
    """Recompute the SHA-256 of the stored file (each time it is served)."""
    if not evidence.file:
        return Check(ok=True, actual="", warning="")
    try:
        with evidence.file.open("rb") as handle:
            actual = sha256_of(iter(lambda: handle.read(1024 * 1024), b""))
    except (FileNotFoundError, OSError):
        return Check(ok=False, actual="", warning=MISSING)
    if actual != evidence.sha256:
        return Check(ok=False, actual=actual, warning=TAMPERED)
    return Check(ok=True, actual=actual, warning="")


def evidence_of(case: Case):
    """The case's evidence in order, the superseded included (they stay on the record)."""
    return case.evidence.select_related("uploaded_by", "superseded_by").order_by("id")
