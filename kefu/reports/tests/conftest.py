"""Report tests use the root test world (kefu/testing/world.py) from the east branch's side: two shifts
with an agent each, the east branch's dispatcher, the leadership unit (for 上级督办) and 王建国's east
archive. Contacts are recorded through the hotline services only (`world.record`, the ContactFactory),
at times set with time-machine, so the reports read what the app writes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.hotline.models import Contact
from kefu.testing.world import World

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    """A local (Beijing time) moment: at(2026, 11, 10, 9, 30)."""
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def world(world):
    """The root world (kefu/testing/world.py), followed from the east branch: a call recorded without a
    customer named comes from 王建国's east archive, so its order goes to 城东供水分公司, whose
    dispatcher (`east_staff`) handles it."""
    world.caller = world.east_customer
    return world


# ---------------------------------------------------------------------------------------------------
# Report documents


BUSY_DAY = at(2026, 11, 17, 9, 0)  # a Tuesday


@pytest.fixture
def busy_day(world) -> World:
    """17 November 2026: the day agent takes four calls (two repairs transferred to the branch, one
    consultation answered at once, one followed up) and a supervision call that goes to the leadership;
    the night agent takes one repair. One repair is handled, called back, closed and visited the same
    day."""
    first = world.record(BUSY_DAY, waited=5).work_order
    world.record(BUSY_DAY + timedelta(minutes=30), waited=45)
    world.record(BUSY_DAY + timedelta(hours=1), code="consult", disposition=Contact.Disposition.ANSWERED)
    world.record(BUSY_DAY + timedelta(hours=2), code="consult", disposition=Contact.Disposition.FOLLOW_UP)
    world.record(
        BUSY_DAY + timedelta(hours=3),
        code="supervision",
        matter="市长热线督办：城东停水",
        customer=None,
        phone="057187654321",
    )
    world.record(BUSY_DAY + timedelta(hours=4), waited=10, actor=world.night_agent)
    world.handle(first, BUSY_DAY + timedelta(hours=5))
    world.call_back(first, BUSY_DAY + timedelta(hours=6), satisfied=True)
    world.close(first, BUSY_DAY + timedelta(hours=7))
    world.visit(first, BUSY_DAY + timedelta(hours=8), "satisfied")
    return world


def summary_table(data: bytes, title: str) -> tuple[list, list[list], list | None]:
    """One table of a generated workbook's first sheet: (headers, rows, the 合计 row or None)."""
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(data)).worksheets[0]
    lines = [list(row) for row in sheet.iter_rows(values_only=True)]
    start = next(i for i, line in enumerate(lines) if line and line[0] == title)
    headers = [v for v in lines[start + 1] if v is not None]
    rows, footer = [], None
    for line in lines[start + 2 :]:
        if not line or line[0] is None:
            break
        if len(headers) > 1 and all(v is None for v in line[1 : len(headers)]):
            break  # the table's note, or 本期没有数据
        if str(line[0]).startswith("合计"):
            footer = line[: len(headers)]
            break
        rows.append(line[: len(headers)])
    return headers, rows, footer


def pdf_text(data: bytes) -> str:
    """The text poppler reads out of a PDF, without the spaces it puts between CJK glyphs."""
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return text.stdout.decode().replace(" ", "")
