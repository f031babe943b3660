"""A printed form as PDF (R2): the same FormContent as the HTML page, laid out on A4 with reportlab.

The text uses the Adobe CID font STSong-Light, which reportlab knows without a font file. It is not
embedded: PDF viewers draw it with their own Chinese font (Acrobat's Asian font pack, or the system's
fonts through poppler/pdf.js), which every counter PC with Chinese Windows has."""

from functools import lru_cache
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kefu.processes.printing import FormContent

FONT = "STSong-Light"
PAGE_WIDTH = A4[0] - 36 * mm  # inside the 18 mm margins
GRID = colors.HexColor("#98a2b3")
HEADER_BG = colors.HexColor("#eef2f7")


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    # Registered on first use, not at import: importing the module costs nothing.
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=15, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=26, alignment=TA_CENTER),
        "meta": ParagraphStyle("meta", parent=base, fontSize=9, leading=12, alignment=TA_RIGHT),
        "caption": ParagraphStyle("caption", parent=base, fontSize=11.5, leading=16, spaceBefore=8),
        "cell": base,
        "label": ParagraphStyle("label", parent=base, textColor=colors.HexColor("#344054")),
        "body": ParagraphStyle("clause", parent=base, spaceBefore=3, firstLineIndent=0),
        "notice": ParagraphStyle(
            "notice", parent=base, borderColor=GRID, borderWidth=0.5, borderPadding=6, spaceBefore=10
        ),
    }


def _p(text: str, style: str) -> Paragraph:
    return Paragraph(escape(text or ""), _styles()[style])


def _grid(header: bool) -> TableStyle:
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
    return TableStyle(commands)


def render_pdf(content: FormContent) -> bytes:
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"{content.title} {content.number}",
        author=content.issuer,
    )
    meta = f"编号：{content.number}　　打印日期：{content.printed_on}"
    if content.copy_note and content.copy_note != "首次打印":
        meta += f"　　{content.copy_note}"
    story = [_p(content.title, "title"), Spacer(1, 3 * mm), _p(meta, "meta"), Spacer(1, 3 * mm)]

    rows = [[_p(label, "label"), _p(value, "cell")] for label, value in content.fields]
    if rows:
        fields = Table(rows, colWidths=[38 * mm, PAGE_WIDTH - 38 * mm])
        fields.setStyle(_grid(header=False))
        story.append(fields)

    for table in content.tables:
        story.append(_p(table.caption, "caption"))
        body = table.rows or [["（无）"] + [""] * (len(table.headers) - 1)]
        data = [[_p(h, "label") for h in table.headers]] + [
            [_p(cell, "cell") for cell in row] for row in body
        ]
        # The first column (序号, 户号, 编号) is narrow when it is a serial number.
        first = 12 * mm if table.headers[0] == "序号" else PAGE_WIDTH / len(table.headers)
        rest = (PAGE_WIDTH - first) / (len(table.headers) - 1)
        grid = Table(data, colWidths=[first] + [rest] * (len(table.headers) - 1), repeatRows=1)
        grid.setStyle(_grid(header=True))
        story.append(Spacer(1, 1.5 * mm))
        story.append(grid)

    if content.clauses:
        story.append(Spacer(1, 3 * mm))
        story.extend(_p(clause, "body") for clause in content.clauses)
    if content.notice:
        story.append(_p(content.notice, "notice"))

    if content.signatures:
        story.append(Spacer(1, 14 * mm))
        width = PAGE_WIDTH / len(content.signatures)
        signatures = Table(
            [[_p(f"{label}：", "cell") for label in content.signatures]],
            colWidths=[width] * len(content.signatures),
        )
        story.append(signatures)
        story.append(Spacer(1, 6 * mm))
        story.append(_p(f"{content.issuer}　　{content.printed_on}", "meta"))

    document.build(story)
    return buffer.getvalue()
