"""Shared pieces for Chinese PDFs drawn with reportlab (printed forms, report documents).

The text uses the Adobe CID font STSong-Light, which reportlab knows without a font file. It is not
embedded: PDF viewers draw it with their own Chinese font (Acrobat's Asian font pack, or the system's
fonts through poppler/pdf.js), which every counter PC with Chinese Windows has."""

from functools import lru_cache
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, TableStyle

FONT = "STSong-Light"
MARGIN = 18 * mm
PAGE_WIDTH = A4[0] - 2 * MARGIN  # portrait, inside the margins
LANDSCAPE_WIDTH = A4[1] - 2 * MARGIN
GRID = colors.HexColor("#98a2b3")
HEADER_BG = colors.HexColor("#eef2f7")
FOOTER_BG = colors.HexColor("#f5f7fa")
FLAG_BG = colors.HexColor("#fee4e2")


@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    # Registered on first use, not at import: importing the module costs nothing.
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=15, wordWrap="CJK")
    small = ParagraphStyle("small", parent=base, fontSize=8, leading=10.5)
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=26, alignment=TA_CENTER),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, leading=15, alignment=TA_CENTER),
        "meta": ParagraphStyle("meta", parent=base, fontSize=9, leading=12, alignment=TA_RIGHT),
        "caption": ParagraphStyle("caption", parent=base, fontSize=11.5, leading=16, spaceBefore=8),
        "cell": base,
        "label": ParagraphStyle("label", parent=base, textColor=colors.HexColor("#344054")),
        "body": ParagraphStyle("clause", parent=base, spaceBefore=3, firstLineIndent=0),
        "note": ParagraphStyle(
            "note", parent=base, fontSize=8.5, leading=12, textColor=colors.HexColor("#475467")
        ),
        "notice": ParagraphStyle(
            "notice", parent=base, borderColor=GRID, borderWidth=0.5, borderPadding=6, spaceBefore=10
        ),
        # Wide report tables (a dozen columns and more) use a smaller face.
        "small": small,
        "small_label": ParagraphStyle("small_label", parent=small, textColor=colors.HexColor("#344054")),
    }


def paragraph(text, style: str = "cell") -> Paragraph:
    """Any value as an escaped paragraph (None as empty), so that `<` in a customer's words is text."""
    return Paragraph(escape("" if text is None else str(text)), styles()[style])


def grid_style(*, header: bool = True, extra: list | None = None) -> TableStyle:
    """A ruled grid; the first row shaded when it is a header row, else the first column (label | value
    forms)."""
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEADER_BG))
    else:
        commands.append(("BACKGROUND", (0, 0), (0, -1), HEADER_BG))
    return TableStyle(commands + (extra or []))


def a4_document(output: BinaryIO, *, title: str, author: str = "", wide: bool = False) -> SimpleDocTemplate:
    """An A4 page (landscape when `wide`) with the house margins."""
    return SimpleDocTemplate(
        output,
        pagesize=landscape(A4) if wide else A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title,
        author=author,
    )
