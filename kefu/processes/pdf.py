"""A printed form as PDF (R2): the same FormContent as the HTML page, laid out on A4 with reportlab.
The font, styles and grid are kefu.core.pdf's, shared with the report documents."""

from io import BytesIO

from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table

from kefu.core.pdf import PAGE_WIDTH, a4_document, grid_style, paragraph
from kefu.processes.printing import FormContent


def render_pdf(content: FormContent) -> bytes:
    buffer = BytesIO()
    document = a4_document(buffer, title=f"{content.title} {content.number}", author=content.issuer)
    meta = f"编号：{content.number}　　打印日期：{content.printed_on}"
    if content.copy_note and content.copy_note != "首次打印":
        meta += f"　　{content.copy_note}"
    story = [paragraph(content.title, "title"), Spacer(1, 3 * mm), paragraph(meta, "meta"), Spacer(1, 3 * mm)]

    rows = [[paragraph(label, "label"), paragraph(value, "cell")] for label, value in content.fields]
    if rows:
        fields = Table(rows, colWidths=[38 * mm, PAGE_WIDTH - 38 * mm])
        fields.setStyle(grid_style(header=False))
        story.append(fields)

    for table in content.tables:
        story.append(paragraph(table.caption, "caption"))
        body = table.rows or [["（无）"] + [""] * (len(table.headers) - 1)]
        data = [[paragraph(h, "label") for h in table.headers]] + [
            [paragraph(cell, "cell") for cell in row] for row in body
        ]
        # The first column (序号, 户号, 编号) is narrow when it is a serial number.
        first = 12 * mm if table.headers[0] == "序号" else PAGE_WIDTH / len(table.headers)
        rest = (PAGE_WIDTH - first) / (len(table.headers) - 1)
        grid = Table(data, colWidths=[first] + [rest] * (len(table.headers) - 1), repeatRows=1)
        grid.setStyle(grid_style(header=True))
        story.append(Spacer(1, 1.5 * mm))
        story.append(grid)

    if content.clauses:
        story.append(Spacer(1, 3 * mm))
        story.extend(paragraph(clause, "body") for clause in content.clauses)
    if content.notice:
        story.append(paragraph(content.notice, "notice"))

    if content.signatures:
        story.append(Spacer(1, 14 * mm))
        width = PAGE_WIDTH / len(content.signatures)
        signatures = Table(
            [[paragraph(f"{label}：", "cell") for label in content.signatures]],
            colWidths=[width] * len(content.signatures),
        )
        story.append(signatures)
        story.append(Spacer(1, 6 * mm))
        story.append(paragraph(f"{content.issuer}　　{content.printed_on}", "meta"))

    document.build(story)
    return buffer.getvalue()
