"""A notice as PDF (I2): the same facts as the printed page (kefu/inspection/templates/inspection/
notice_print.html) on A4, with the signature line or 当事人拒签 and the evidence files' SHA-256 and upload
times. The font, styles and grid are kefu.core.pdf's."""

from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table

from kefu.core.pdf import PAGE_WIDTH, a4_document, grid_style, paragraph
from kefu.inspection.models import Notice, Signature


def _local(moment, pattern: str = "%Y-%m-%d %H:%M") -> str:
    return timezone.localtime(moment).strftime(pattern) if moment else ""


def _signature_line(notice: Notice) -> str:
    if notice.signature == Signature.REFUSED:
        line = "当事人签名：当事人拒签"
        if notice.witness:
            line += f"　　见证人：{notice.witness}（{'已签字' if notice.witness_signed else '未签字'}）"
        return line
    if notice.signature == Signature.SIGNED:
        return "当事人签名（押印）：__________（已签名）"
    return "当事人签名（押印）：__________　　日期：__________"


def render_notice(notice: Notice, context: dict) -> bytes:
    case = context["case"]
    buffer = BytesIO()
    title = f"供水稽查{notice.get_kind_display()}"
    document = a4_document(buffer, title=f"{title} {notice.number}", author=str(notice.issued_by))
    customer = case.customer.name if case.customer_id else "用户"
    inspectors = "、".join(
        f"{seat.inspector.name or seat.inspector.username}（稽查证件{seat.inspector.employee_no or '—'}）"
        for seat in context["seats"]
    )
    story = [
        paragraph(title, "title"),
        Spacer(1, 3 * mm),
        paragraph(f"编号：{notice.number}　　案件编号：{case.number}", "meta"),
        Spacer(1, 3 * mm),
        paragraph(f"{customer}（地点：{case.address}）：", "body"),
    ]
    story += [paragraph(line, "body") for line in notice.content.splitlines() if line.strip()]
    if notice.kind == Notice.Kind.RECTIFY:
        story.append(
            paragraph(
                f"请于{notice.deadline:%Y年%m月%d日}前整改完毕，逾期我方将上门复查，并依法依规处理。", "body"
            )
        )
    else:
        story.append(paragraph("请立即停止上述违章行为，听候处理。", "body"))
    story += [
        paragraph(f"稽查人员：{inspectors}", "body"),
        paragraph(f"开具时间：{_local(notice.issued_at)}", "body"),
        Spacer(1, 10 * mm),
        paragraph(_signature_line(notice) + "　　稽查人员签名：__________　__________", "body"),
        paragraph("证据文件校验（SHA-256）", "caption"),
    ]
    rows = [[paragraph(h, "small_label") for h in ("序号", "类别", "文件", "上传时间", "SHA-256")]]
    for e in context["hashes"]:
        kind = e.get_kind_display() + (f"（已替换为#{e.superseded_by_id}）" if e.superseded_by_id else "")
        rows.append(
            [
                paragraph(f"#{e.pk}", "small"),
                paragraph(kind, "small"),
                paragraph(e.name or "（无附件）", "small"),
                paragraph(_local(e.uploaded_at, "%Y-%m-%d %H:%M:%S"), "small"),
                paragraph(e.sha256 or "—", "small"),
            ]
        )
    if len(rows) == 1:
        rows.append([paragraph("本案尚无证据文件", "small")] + [paragraph("", "small")] * 4)
    widths = [12 * mm, 22 * mm, 34 * mm, 30 * mm]
    grid = Table(rows, colWidths=widths + [PAGE_WIDTH - sum(widths)], repeatRows=1)
    grid.setStyle(grid_style(header=True))
    story += [grid, Spacer(1, 4 * mm), paragraph(f"打印时间：{_local(context['printed_at'])}", "meta")]
    document.build(story)
    return buffer.getvalue()


def notice_pdf(notice: Notice, context: dict) -> HttpResponse:
    response = HttpResponse(render_notice(notice, context), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{notice.number}.pdf"'  # ASCII: TZ2026-00001
    return response
