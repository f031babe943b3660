"""Test helpers for the field subject (I2), through the services: a tiny real PNG/JPEG/PDF, evidence,
statements and notices on a case made by the cases subject's `make_case` (two inspectors, IDs shown).

    case = make_case()
    photo = add_photo(case)                       # a PNG, its SHA-256 recorded
    notice = issue(case, kind="rectify")          # ZG<year>-00001, deadline the rule's default
"""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kefu.inspection.models import Evidence, Notice, Signature, Statement
from kefu.inspection.services import evidence as evidence_services
from kefu.inspection.services import notices as notice_services
from kefu.inspection.services import statements as statement_services
from kefu.inspection.tests.factories_cases import lead_of, make_case  # noqa: F401  (re-exported)


def png_bytes(colour: tuple[int, int, int] = (200, 30, 30), size: int = 2) -> bytes:
    """A valid PNG of `size`×`size` pixels of one colour, built without Pillow."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    row = b"\x00" + bytes(colour) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    """A small JPEG from Pillow when it is installed, else bytes with the JPEG signature."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover
        return b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9"
    output = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 90, 160)).save(output, "JPEG")
    return output.getvalue()


def upload(name: str = "现场.png", content: bytes | None = None, content_type: str = "image/png"):
    return SimpleUploadedFile(name, png_bytes() if content is None else content, content_type=content_type)


def add_photo(
    case, *, actor=None, name: str = "现场.png", content: bytes | None = None, **kwargs
) -> Evidence:
    kwargs.setdefault("taken_at", timezone.now())
    kwargs.setdefault("place", case.address)
    kwargs.setdefault("description", "表前私接水管")
    return evidence_services.add_evidence(
        actor=actor or lead_of(case),
        case=case,
        kind=kwargs.pop("kind", Evidence.Kind.PHOTO),
        file=upload(name, content),
        **kwargs,
    )


def record(case, *, actor=None, kind=Statement.Kind.STATEMENT, signature=Signature.SIGNED, **kwargs):
    kwargs.setdefault("person", "当事人王某")
    kwargs.setdefault("content", "管子是装修队接的，我不知道不能这样接。")
    return statement_services.record_statement(
        actor=actor or lead_of(case), case=case, kind=kind, signature=signature, **kwargs
    )


def issue(case, *, actor=None, kind=Notice.Kind.STOP, deadline=None, content="请立即拆除表前私接水管。"):
    if kind == Notice.Kind.RECTIFY and deadline is None:
        deadline = notice_services.default_deadline()
    return notice_services.issue_notice(
        actor=actor or lead_of(case), case=case, kind=kind, content=content, deadline=deadline
    )
