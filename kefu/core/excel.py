"""Small pieces shared by the Excel exports (openpyxl write-only workbooks)."""

from collections.abc import Iterable

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
