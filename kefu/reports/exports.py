"""Excel workbooks of the reports (openpyxl write-only, so a month of 100,000 rows streams to disk in
constant memory instead of building every cell object first)."""

from collections.abc import Callable, Iterable
from typing import BinaryIO

from openpyxl.styles import Font, PatternFill

from kefu.core.excel import XLSX, export_workbook, set_widths, styled_cells  # noqa: F401 (XLSX: for the views)
from kefu.core.periods import Period
from kefu.reports import selectors
from kefu.reports.tables import Table, monthly_tables, timeliness_table, weekly_tables

REGISTER_SHEET = "来电登记"
SUMMARY_SHEET = "月度汇总"
# Widths in characters, one per register column, so the printed register reads without resizing.
REGISTER_WIDTHS = [16, 17, 10, 18, 10, 14, 30, 50, 17, 18, 40, 10]
SUMMARY_WIDTHS = [28, 12, 12, 12, 12, 14, 14, 12, 12, 12, 12]
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")
FLAG_FILL = PatternFill("solid", fgColor="FEE4E2")


def write_tables(sheet, title: str, tables: list[Table]) -> None:
    sheet.append(styled_cells(sheet, [title], font=TITLE))
    for table in tables:
        sheet.append([])
        sheet.append(styled_cells(sheet, [table.title], font=BOLD))
        sheet.append(styled_cells(sheet, table.headers, font=BOLD, fill=HEADER_FILL))
        for row, flagged in table.flagged_rows:
            sheet.append(styled_cells(sheet, row, fill=FLAG_FILL if flagged else None))
        if table.footer:
            sheet.append(styled_cells(sheet, table.footer, font=BOLD))
        if table.note:
            sheet.append([table.note])


def monthly_workbook(
    period: Period,
    output: BinaryIO,
    *,
    phone: Callable[[str], str] = str,
    wrap: Callable[[Iterable], Iterable] = lambda rows: rows,
) -> None:
    """来电登记 (every contact of the month, H2 columns) and 月度汇总 (the summary tables) in one file,
    the department head's monthly hand-in (seed 000 ch.5 §3.4). `wrap` lets the command show progress."""
    workbook = export_workbook()
    register = workbook.create_sheet(REGISTER_SHEET)
    set_widths(register, REGISTER_WIDTHS)
    register.freeze_panes = "A2"
    register.append(styled_cells(register, selectors.REGISTER_HEADERS, font=BOLD, fill=HEADER_FILL))
    for row in wrap(selectors.monthly_register(period, phone=phone)):
        register.append(row)
    summary_sheet = workbook.create_sheet(SUMMARY_SHEET)
    set_widths(summary_sheet, SUMMARY_WIDTHS)
    summary = selectors.monthly_summary(period)
    write_tables(summary_sheet, f"{period.label}来电汇总（共{summary.total}件）", monthly_tables(summary))
    workbook.save(output)


def weekly_workbook(period: Period, output: BinaryIO) -> None:
    workbook = export_workbook()
    sheet = workbook.create_sheet("周汇总")
    set_widths(sheet, SUMMARY_WIDTHS)
    summary = selectors.weekly_summary(period)
    write_tables(sheet, f"督办、反馈、回访周汇总 {period.label}", weekly_tables(summary))
    workbook.save(output)


def timeliness_workbook(result: selectors.Timeliness, output: BinaryIO) -> None:
    workbook = export_workbook()
    sheet = workbook.create_sheet("转办及时率")
    set_widths(sheet, [20, 10, 10, 10, 10, 16, 16])
    write_tables(sheet, f"转办及时率 {result.period.label}", [timeliness_table(result)])
    workbook.save(output)
