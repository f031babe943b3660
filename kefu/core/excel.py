"""Small pieces shared by the Excel exports (openpyxl write-only workbooks)."""

from collections.abc import Callable, Iterable
from datetime import datetime
from tempfile import SpooledTemporaryFile
from typing import BinaryIO

from django.http import FileResponse
from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter


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
        cell = WriteOnlyCell(sheet, value=value)
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
