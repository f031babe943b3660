"""The key label's QR code (D4; 钥匙管理规定2(2)②: 将分类的钥匙贴上标签): an inline SVG drawn on the server
by segno (pure Python), so the label page needs no script, no image file and nothing from outside — the
Content-Security-Policy and the print frame stay as they are. The code carries the key's page address, so
a phone held to the tag opens the key with its loans."""

import io

import segno
from django.utils.safestring import SafeString, mark_safe


def key_qr(data: str, label: str = "") -> SafeString:
    """An SVG QR code (error correction M, quiet zone 2) of `data`, titled with the label for screen
    readers."""
    code = segno.make_qr(data, error="m")
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        omitsize=True,  # a viewBox only: the stylesheet sizes it (kefu.css, key labels)
        border=2,
        xmldecl=False,
        svgns=True,
        svgclass="qr",
        lineclass=None,
        title=label or None,
        dark="#000",
        light="#fff",
    )
    return mark_safe(out.getvalue().decode("utf-8"))  # noqa: S308 - segno's own markup; the title is escaped
