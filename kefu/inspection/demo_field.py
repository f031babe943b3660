"""The field part of the inspection demo (I2), run after demo_cases: on the demo cases under
investigation (two inspectors, IDs shown), site photos with their SHA-256, a site record, the customer's
statement and defence (one refused to sign, with a witness), a stop notice signed, a rectification notice
refused with a witness, and one rectification notice past its deadline waiting for the follow-up visit
(alerted by the job as it would be).

Through the services (kefu.hotline.demo.at for the back-dated notice). Idempotent: a case that has
evidence already is left alone. Skipped, with a line saying so, when no case is ready for field work."""

import io
import struct
import zlib
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from kefu.inspection.models import Case, Evidence, Notice, Signature, Statement
from kefu.inspection.services import evidence as evidence_services
from kefu.inspection.services import notices as notice_services
from kefu.inspection.services import statements as statement_services
from kefu.inspection.services.cases import FIELD_STATES

CASES = 3


def photo_bytes(colour: tuple[int, int, int], label: str) -> bytes:
    """A small JPEG of a 'site' (Pillow), or a tiny valid PNG built in code when Pillow is absent."""
    try:
        from PIL import Image, ImageDraw
    except ImportError:  # pragma: no cover
        return _tiny_png(colour)
    image = Image.new("RGB", (320, 240), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 150, 280, 170), fill=(90, 90, 90))  # the pipe
    draw.rectangle((140, 120, 180, 200), fill=(30, 60, 120))  # the meter box
    draw.text((10, 10), label, fill=(255, 255, 255))
    output = io.BytesIO()
    image.save(output, "JPEG", quality=70)
    return output.getvalue()


def _tiny_png(colour) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    row = b"\x00" + bytes(colour) * 2
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * 2))
        + chunk(b"IEND", b"")
    )


def _ready_cases() -> list[Case]:
    """Cases in field work whose every inspector (two at least) has shown the ID, with no evidence yet."""
    ready = []
    rows = (
        Case.objects.filter(state__in=FIELD_STATES).order_by("opened_at", "id").prefetch_related("inspectors")
    )
    for case in rows[:200]:
        seats = list(case.inspectors.all())
        if len(seats) >= 2 and all(seat.id_shown_at for seat in seats) and not case.evidence.exists():
            ready.append(case)
        if len(ready) == CASES:
            break
    return ready


def _inspectors(case: Case):
    seats = list(case.inspectors.select_related("inspector").order_by("-lead", "id"))
    return seats[0].inspector, seats[1].inspector


def site_photos(case: Case, actor, when) -> None:
    """Two site photos of a bypass pipe (the cases demo takes them too, before it asks for approval)."""
    for n, (colour, text) in enumerate(
        [((70, 120, 70), "SITE-1 meter well"), ((120, 90, 60), "SITE-2 bypass pipe")], start=1
    ):
        upload = SimpleUploadedFile(f"现场照片{n}.jpg", photo_bytes(colour, text), content_type="image/jpeg")
        evidence_services.add_evidence(
            actor=actor,
            case=case,
            kind=Evidence.Kind.PHOTO,
            file=upload,
            taken_at=when + timedelta(minutes=n),
            place=case.address,
            description=["水表井内表前加装旁通管", "旁通管接至院内储水池"][n - 1],
        )


def _story_full(case: Case) -> None:
    """Photos, a site record, the statement and the defence, a stop notice signed, a rectification
    notice refused with a witness."""
    lead, second = _inspectors(case)
    now = timezone.now()
    site_photos(case, lead, now - timedelta(minutes=40))
    evidence_services.add_evidence(
        actor=second,
        case=case,
        kind=Evidence.Kind.SITE_RECORD,
        taken_at=now - timedelta(minutes=30),
        place=case.address,
        description="现场记录：表前DN20旁通管一根，阀门开启，水表读数停走；用户在场。",
    )
    statement_services.record_statement(
        actor=second,
        case=case,
        kind=Statement.Kind.STATEMENT,
        person=case.customer.name if case.customer_id else "现场使用人",
        content="旁通管是去年院子改造时施工队接的，当时说是消防用水，我不清楚不能这样接。",
        signature=Signature.SIGNED,
    )
    statement_services.record_statement(
        actor=lead,
        case=case,
        kind=Statement.Kind.DEFENCE,
        person=case.customer.name if case.customer_id else "现场使用人",
        content="我没有用这根管子用水，阀门是别人打开的，不同意按偷水处理。",
        signature=Signature.REFUSED,
        witness="社区网格员刘某",
        witness_signed=True,
    )
    stop = notice_services.issue_notice(
        actor=lead,
        case=case,
        kind=Notice.Kind.STOP,
        content="经现场检查，你户在水表前私自加装旁通管用水，违反供用水规定。请立即停止使用并关闭旁通阀门。",
    )
    notice_services.record_signature(actor=lead, notice=stop, signature=Signature.SIGNED)
    rectify = notice_services.issue_notice(
        actor=lead,
        case=case,
        kind=Notice.Kind.RECTIFY,
        content="请自行拆除表前旁通管并恢复原状，由我方复查确认。",
        deadline=notice_services.default_deadline(),
    )
    notice_services.record_signature(
        actor=lead, notice=rectify, signature=Signature.REFUSED, witness="社区网格员刘某", witness_signed=True
    )


def _story_overdue(case: Case) -> None:
    """A photo and a rectification notice issued some days ago whose deadline has passed: 待复查."""
    from kefu.hotline.demo import at

    lead, second = _inspectors(case)
    now = timezone.now()
    # an hour after the case was opened, at most ten days back — and never after the seed's own moment
    moment = min(max(case.opened_at + timedelta(hours=1), now - timedelta(days=10)), now)
    with at(moment):
        site_photos(case, second, moment - timedelta(minutes=20))
        statement_services.record_statement(
            actor=lead,
            case=case,
            kind=Statement.Kind.SITE_NOTES,
            person=lead.name or lead.username,
            content="消火栓铅封已破坏，周边地面有积水，附近工地承认借用消火栓取水。",
            signature=Signature.SIGNED,
        )
        notice = notice_services.issue_notice(
            actor=lead,
            case=case,
            kind=Notice.Kind.RECTIFY,
            content="请停止擅自使用消火栓，到营业厅办理临时用水手续，并配合恢复铅封。",
            deadline=timezone.localdate() + timedelta(days=3),
        )
        notice_services.record_signature(actor=lead, notice=notice, signature=Signature.SIGNED)
    if notice.deadline >= timezone.localdate():
        # The case was opened only days ago: the story's notice is made due as it would be by next week.
        Notice.objects.filter(pk=notice.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    notice_services.run_due(now)


def _story_light(case: Case) -> None:
    lead, second = _inspectors(case)
    site_photos(case, lead, timezone.now() - timedelta(minutes=15))
    statement_services.record_statement(
        actor=second,
        case=case,
        kind=Statement.Kind.INTERVIEW,
        person=case.customer.name if case.customer_id else "现场负责人",
        content="问：水表为什么倒装？答：不清楚，装修时就是这样。",
        signature=Signature.SIGNED,
    )


def seed(options) -> list[str]:
    cases = _ready_cases()
    if not cases:
        return ["稽查现场取证：没有可取证的演示案件（需二名稽查员已出示证件），跳过"]
    done = []
    for case, story in zip(cases, (_story_full, _story_overdue, _story_light), strict=False):
        try:
            with transaction.atomic():
                story(case)
        except (ValidationError, PermissionDenied) as refused:
            reason = "；".join(getattr(refused, "messages", None) or [str(refused)])
            done.append(f"稽查现场取证：案件{case.number}未能演示（{reason}）")
            continue
        done.append(
            f"稽查现场取证：案件{case.number} 证据{case.evidence.count()}份、通知书{case.notices.count()}份"
        )
    return done
