"""The monthly collection report as Excel (openpyxl write-only), the same figures as the page."""

from io import BytesIO

from openpyxl.styles import Font

from kefu.collection.selectors import MonthlyReport
from kefu.core.excel import export_workbook, styled_cells

MONEY = "#,##0.00"


def report_workbook(report: MonthlyReport) -> bytes:
    workbook = export_workbook()
    sheet = workbook.create_sheet(f"{report.year}年{report.month}月收费月报")

    def money(value):
        # Decimal written as a number with the money format, so the finance office can sum it.
        return styled_cells(sheet, [value], formats={object: MONEY})[0]

    def heading(text):
        return styled_cells(sheet, [text], font=Font(bold=True))[0]

    sheet.append([heading(f"{report.year}年{report.month}月 收费月报")])
    sheet.append(["收费笔数", report.count, "收费金额", money(report.amount)])
    sheet.append(
        ["其中当期（现收）", money(report.current_collected), "欠费（追收）", money(report.arrears_collected)]
    )
    sheet.append(["作废笔数", report.voided_count, "作废金额", money(report.voided_amount)])
    sheet.append(["现金收款", money(report.cash_collected), "现金解款", money(report.cash_banked)])
    sheet.append(
        ["增值税专用发票开具张数", report.vat_issued_count, "开票金额", money(report.vat_issued_amount)]
    )
    for title, rows in (
        ("按收费类型", report.by_kind),
        ("按支付方式", report.by_method),
        ("按收费员", report.by_clerk),
    ):
        sheet.append([])
        sheet.append([heading(title), heading("笔数"), heading("金额（元）")])
        for row in rows:
            sheet.append([row.label, row.count, money(row.amount)])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
