"""Small pieces shared by the Excel exports (openpyxl write-only workbooks).

Every export builds its workbook with `export_workbook()`, whose sheets pass each value through
`export_value`: characters Excel cannot hold are removed (a row stored before control characters were
refused must not break the export), and a text that Excel would read as a formula (=, +, -, @, a tab
or CR first: OWASP "CSV injection") is written as text, never run. kefu/core/tests/test_excel.py checks
that no module builds a workbook or a cell any other way.

A very long export (the meters' whole-utility replacement plan: a million rows) uses
`streaming_sheet()`, XlsxWriter in constant-memory mode, several times faster than openpyxl: every text
goes through `write_string`, so nothing is ever a formula, and control characters are removed the same way.

CSV files people open in a spreadsheet (the import's error report) have no cell types: they are written
with `export_csv_writer()`, which puts the ' a spreadsheet reads as "text" before the same formula starts.
"""

import csv
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from tempfile import SpooledTemporaryFile
from typing import Any, BinaryIO

import xlsxwriter
from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# What a spreadsheet may take as the start of a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def runs_as_formula(text: str) -> bool:
    """Whether a spreadsheet would take this text as a formula: the one rule of Excel and CSV exports."""
    return text.startswith(FORMULA_STARTS)


def cell_text(value: str) -> str:
    """A text as a cell can hold it: the control characters Excel refuses removed."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _as_text(cell: Cell) -> Cell:
    # data_type "s" writes the characters as they are (not <f>); quotePrefix tells Excel to keep the cell
    # text even when someone edits it.
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _may_run(cell: Cell) -> bool:
    value = cell.value
    return isinstance(value, str) and (cell.data_type in ("f", "e") or runs_as_formula(value))


def export_value(sheet, value: Any) -> Any:
    """One value of a row as it may go into a cell: clean text, and a would-be formula as a text cell."""
    if isinstance(value, Cell):
        return _as_text(value) if _may_run(value) else value
    if not isinstance(value, str):
        return value
    text = cell_text(value)
    if not runs_as_formula(text) and text not in ERROR_CODES:
        return text  # the common case: no cell object per value (300,000-row registers)
    return _as_text(WriteOnlyCell(sheet, value=text))


class ExportSheet(WriteOnlyWorksheet):
    """A write-only sheet that passes every appended value through export_value."""

    def append(self, row):
        super().append([export_value(self, value) for value in row])


class ExportWorkbook(Workbook):
    def __init__(self):
        super().__init__(write_only=True)

    def create_sheet(self, title=None, index=None):
        sheet = ExportSheet(parent=self, title=title)
        self._add_sheet(sheet=sheet, index=index)
        return sheet


def export_workbook() -> Workbook:
    """A write-only workbook for an export (streams 300,000 rows in little memory)."""
    return ExportWorkbook()


def csv_text(value: Any) -> Any:
    """One value of a CSV row: a text a spreadsheet would run gets a leading ', which it shows as text
    (CSV has no text cells, so this is the only protection there is)."""
    return "'" + value if isinstance(value, str) and runs_as_formula(value) else value


class ExportCsvWriter:
    """csv.writer for a file people open in a spreadsheet: every value goes through csv_text."""

    def __init__(self, handle):
        self._writer = csv.writer(handle)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_text(value) for value in row])


def export_csv_writer(handle) -> ExportCsvWriter:
    return ExportCsvWriter(handle)


def set_widths(sheet, widths: list[int]) -> None:
    # In write-only mode column sizes must be set before the first row is written.
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def styled_cells(
    sheet,
    values: Iterable,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
    formats: dict[type, str] | None = None,
) -> list:
    """One row of cells with a font and fill; `formats` gives a number format per value type
    (e.g. {Decimal: "#,##0.00"})."""
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=cell_text(value) if isinstance(value, str) else value)
        if font:
            cell.font = font
        if fill:
            cell.fill = fill
        for kind, number_format in (formats or {}).items():
            if isinstance(value, kind):
                cell.number_format = number_format
                break
        cells.append(cell)
    return cells


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Workbooks up to this size are built in memory, larger ones (a busy month's register) in a temp file.
SPOOL_BYTES = 8 * 1024 * 1024


def xlsx_response(write: Callable[[BinaryIO], object], filename: str) -> FileResponse:
    """A workbook download: `write(output)` fills the file, which streams to the reader."""
    output = SpooledTemporaryFile(max_size=SPOOL_BYTES)
    write(output)
    output.seek(0)
    # FileResponse writes the RFC 5987 filename*=utf-8''… form that Chinese file names need.
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX)


def local_minute(value: datetime | None) -> str:
    """A moment as the register prints it: local time to the minute, blank when there is none."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


# Excel's day 0 (its serial numbers count days from 1899-12-30, the 1900 leap-year bug included).
EXCEL_DAY_ZERO = date(1899, 12, 30).toordinal()


class StreamingSheet:
    """One sheet of an XlsxWriter workbook in constant-memory mode: each row goes to a temporary file
    as it is written (rows in order, nothing held). Texts are written as text (never a formula),
    numbers as numbers, dates with a date format; None leaves the cell empty."""

    def __init__(self, output: BinaryIO, title: str, headers: list[str], widths: list[int]):
        self.book = xlsxwriter.Workbook(output, {"constant_memory": True})
        self.sheet = self.book.add_worksheet(title[:31])
        self.day = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.moment = self.book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        header = self.book.add_format({"bold": True, "bg_color": "#EEF2F7"})
        for column, width in enumerate(widths):
            self.sheet.set_column(column, column, width)
        for column, title_text in enumerate(headers):
            self.sheet.write_string(0, column, cell_text(title_text), header)
        self.rows = 0

    def append(self, values: Iterable[Any]) -> None:
        self.rows += 1
        row, sheet = self.rows, self.sheet
        for column, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(row, column, cell_text(value))
            elif isinstance(value, bool):
                sheet.write_string(row, column, "是" if value else "否")
            elif isinstance(value, int | float | Decimal):
                sheet.write_number(row, column, value)
            elif isinstance(value, datetime):
                sheet.write_datetime(row, column, timezone.localtime(value).replace(tzinfo=None), self.moment)
            elif isinstance(value, date):
                # A day is its serial number in a date format: XlsxWriter's own conversion of a date
                # took a third of the plan export's time.
                sheet.write_number(row, column, value.toordinal() - EXCEL_DAY_ZERO, self.day)
            else:
                sheet.write_string(row, column, cell_text(str(value)))

    def close(self) -> int:
        """Finish the file; the number of rows written below the header."""
        self.book.close()
        return self.rows


def streaming_sheet(output: BinaryIO, title: str, headers: list[str], widths: list[int]) -> StreamingSheet:
    return StreamingSheet(output, title, headers, widths)
