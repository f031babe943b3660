"""One check for uploaded files, shared by a page and the API that take the same upload.

A file's name is whatever the sender typed, so the allow-list checks the first bytes too: an HTML page
or an SVG (both can carry script) renamed to `.pdf` is refused like one sent under its own name. The
size limit is a policy an administrator may change, read at call time.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from kefu.core.policies import get_policy


@dataclass(frozen=True)
class FileKind:
    label: str
    suffixes: tuple[str, ...]
    signatures: tuple[bytes, ...]  # the file must start with one of these


PDF = FileKind("PDF", (".pdf",), (b"%PDF-",))
JPEG = FileKind("JPG", (".jpg", ".jpeg"), (b"\xff\xd8\xff",))
PNG = FileKind("PNG", (".png",), (b"\x89PNG\r\n\x1a\n",))
TIFF = FileKind("TIFF", (".tif", ".tiff"), (b"II*\x00", b"MM\x00*"))
SCANS = (PDF, JPEG, PNG, TIFF)
# Office files of the customer archive (an old customer's paper contract typed up, an account list):
# the legacy formats are OLE compound files, the current ones ZIP packages.
WORD = FileKind("Word", (".doc", ".docx"), (b"\xd0\xcf\x11\xe0", b"PK\x03\x04"))
EXCEL = FileKind("Excel", (".xls", ".xlsx"), (b"\xd0\xcf\x11\xe0", b"PK\x03\x04"))
ARCHIVE_DOCUMENTS = (*SCANS, WORD, EXCEL)


def check_upload(file, *, field: str, label: str, kinds: tuple[FileKind, ...], limit_policy: str) -> None:
    """Refuse `file` with a Chinese error under `field` unless it is one of `kinds` by name and by
    content, and no larger than the policy `limit_policy` (in MB)."""
    labels = [kind.label for kind in kinds]
    allowed = "、".join(labels[:-1]) + " 或 " + labels[-1] if len(labels) > 1 else labels[0]
    name = (file.name or "").lower()
    kind = next((k for k in kinds if name.endswith(k.suffixes)), None)
    if kind is None or not _starts_with(file, kind.signatures):
        raise ValidationError({field: f"{label}只能是 {allowed} 文件"})
    limit = int(get_policy(limit_policy))
    if file.size > limit * 1024 * 1024:
        raise ValidationError({field: f"{label}不能超过 {limit} MB"})


def _starts_with(file, signatures: tuple[bytes, ...]) -> bool:
    file.seek(0)
    head = file.read(max(len(s) for s in signatures))
    file.seek(0)  # the storage saves the file from its start
    return head.startswith(signatures)
