"""A `Document` drawn three ways: an Excel workbook (openpyxl write-only, so a 300,000-row register
streams to disk in constant memory), an A4 PDF (reportlab, kefu.core.pdf) and the JSON the printable
page is rendered from. All three take the same tables in the same order."""

import unicodedata
from datetime import date
from decimal import Decimal
from io import BytesIO
from tempfile import SpooledTemporaryFile

from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer
from reportlab.platypus import Table as PdfTable

from kefu.core.excel import export_workbook, set_widths, styled_cells
from kefu.core.pdf import FLAG_BG, FOOTER_BG, LANDSCAPE_WIDTH, PAGE_WIDTH, a4_document, grid_style, paragraph
from kefu.reports.documents import Document, plain
from kefu.reports.exports import BOLD, FLAG_FILL, HEADER_FILL, TITLE
from kefu.reports.tables import Table

SUMMARY_SHEET = "报表"
FORMATS = {date: "yyyy-mm-dd", Decimal: "#,##0.00"}
SPOOL_BYTES = 8 * 1024 * 1024
EMPTY = "本期没有数据"
KEEP_TOGETHER_ROWS = 20


def width_of(value) -> int:
    """Display width in Latin characters: a Chinese character takes two."""
    text = "" if value is None else str(plain(value))
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _column_widths(tables: list[Table], *, least: int = 6, most: int = 40) -> list[int]:
    widths: list[int] = []
    for table in tables:
        for row in [table.headers, *table.rows, table.footer or []]:
            for i, value in enumerate(row):
                if i >= len(widths):
                    widths.append(least)
                widths[i] = max(widths[i], min(most, width_of(value) + 2))
    return widths


def made_at_text(document: Document) -> str:
    return f"{timezone.localtime(document.made_at or timezone.now()):%Y-%m-%d %H:%M}"


# ----------------------------------------------------------------------------------------------- Excel


def to_xlsx(document: Document) -> bytes:
    workbook = export_workbook()
    sheet = workbook.create_sheet(SUMMARY_SHEET)
    set_widths(sheet, _column_widths(document.tables))
    sheet.append(styled_cells(sheet, [document.title], font=TITLE))
    sheet.append([f"统计期间：{document.period.label}　　制表时间：{made_at_text(document)}"])
    for table in document.tables:
        sheet.append([])
        sheet.append(styled_cells(sheet, [table.title], font=BOLD))
        sheet.append(styled_cells(sheet, table.headers, font=BOLD, fill=HEADER_FILL))
        for row, flagged in table.flagged_rows:
            sheet.append(styled_cells(sheet, row, fill=FLAG_FILL if flagged else None, formats=FORMATS))
        if not table.rows:
            sheet.append([EMPTY])
        if table.footer:
            sheet.append(styled_cells(sheet, table.footer, font=BOLD, formats=FORMATS))
        if table.note:
            sheet.append([table.note])
    if document.notes:
        sheet.append([])
        sheet.append(styled_cells(sheet, ["说明"], font=BOLD))
        for note in document.notes:
            sheet.append([note])
    for extra in document.sheets:
        # The long lists: rows are pulled from the database while they are written.
        register = workbook.create_sheet(extra.name[:31])
        set_widths(register, extra.widths)
        register.freeze_panes = "A2"
        register.append(styled_cells(register, extra.headers, font=BOLD, fill=HEADER_FILL))
        for row in extra.rows():
            register.append(row)
    output = SpooledTemporaryFile(max_size=SPOOL_BYTES)
    workbook.save(output)
    output.seek(0)
    return output.read()


# ------------------------------------------------------------------------------------------------- PDF


def _pdf_widths(table: Table, page_width: float) -> list[float]:
    """Shares of the page by what the columns hold; a long header may wrap onto two lines."""
    widths = []
    for i, header in enumerate(table.headers):
        cells = [row[i] for row in [*table.rows, table.footer or []] if i < len(row)]
        data = max([width_of(v) for v in cells] or [0])
        heading = width_of(header)
        widths.append(min(max(data, heading if heading <= 8 else -(-heading // 2), 4) + 2, 32))
    total = sum(widths)
    return [page_width * w / total for w in widths]


def _pdf_table(table: Table, page_width: float) -> PdfTable:
    small = len(table.headers) > 8
    cell, label = ("small", "small_label") if small else ("cell", "label")
    data = [[paragraph(h, label) for h in table.headers]]
    extra = []
    for i, (row, flagged) in enumerate(table.flagged_rows, start=1):
        data.append([paragraph(plain(v), cell) for v in row])
        if flagged:
            extra.append(("BACKGROUND", (0, i), (-1, i), FLAG_BG))
    if not table.rows:
        data.append([paragraph(EMPTY, cell)] + [""] * (len(table.headers) - 1))
        extra.append(("SPAN", (0, 1), (-1, 1)))
    if table.footer:
        data.append([paragraph(plain(v), label) for v in table.footer])
        extra.append(("BACKGROUND", (0, len(data) - 1), (-1, len(data) - 1), FOOTER_BG))
    grid = PdfTable(data, colWidths=_pdf_widths(table, page_width), repeatRows=1)
    grid.setStyle(grid_style(header=True, extra=extra))
    return grid


def to_pdf(document: Document) -> bytes:
    buffer = BytesIO()
    page_width = LANDSCAPE_WIDTH if document.wide else PAGE_WIDTH
    pdf = a4_document(buffer, title=document.title, author="客服中心", wide=document.wide)
    story = [
        paragraph(document.title, "title"),
        Spacer(1, 2 * mm),
        paragraph(f"统计期间：{document.period.label}", "subtitle"),
        paragraph(f"制表时间：{made_at_text(document)}", "meta"),
    ]
    for table in document.tables:
        # A short table stays on one page with its caption; a long one breaks and repeats its header.
        block = [paragraph(table.title, "caption"), Spacer(1, 1.5 * mm), _pdf_table(table, page_width)]
        if table.note:
            block.append(paragraph(table.note, "note"))
        if len(table.rows) <= KEEP_TOGETHER_ROWS:
            story.append(KeepTogether(block))
        else:
            story.extend(block)
    if document.notes:
        story.append(paragraph("说明", "caption"))
        story.extend(paragraph(note, "body") for note in document.notes)
    story.append(Spacer(1, 10 * mm))
    story.append(paragraph("制表人：　　　　　　　　审核：　　　　　　　　", "body"))
    pdf.build(story)
    return buffer.getvalue()


# -------------------------------------------------------------------------------------- stored content


def to_content(document: Document) -> dict:
    """The document as the printable page needs it, kept with the generated report: the page shows the
    figures as they were made, not as they would be counted today."""
    return {
        "title": document.title,
        "period": document.period.label,
        "made_at": made_at_text(document),
        "tables": [
            {
                "title": t.title,
                "headers": list(t.headers),
                "rows": [[plain(v) for v in row] for row in t.rows],
                "footer": [plain(v) for v in t.footer] if t.footer else None,
                "note": t.note,
                "flagged": sorted(t.flagged),
            }
            for t in document.tables
        ],
        "notes": list(document.notes),
        "sheets": [{"name": s.name, "count": s.count} for s in document.sheets],
    }


def to_summary(document: Document) -> dict:
    return {
        "figures": [[label, plain(value)] for label, value in document.figures],
        "tables": [{"title": t.title, "rows": len(t.rows)} for t in document.tables],
        "sheets": [{"name": s.name, "rows": s.count} for s in document.sheets],
    }


def tables_from_content(content: dict) -> list[Table]:
    return [
        Table(
            title=t["title"],
            headers=t["headers"],
            rows=t["rows"],
            footer=t.get("footer"),
            note=t.get("note", ""),
            flagged=set(t.get("flagged", [])),
        )
        for t in content.get("tables", [])
    ]
