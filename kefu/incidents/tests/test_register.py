"""The monthly incident register as a report document: Excel, PDF and the printable page."""

from datetime import datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from kefu.core import periods
from kefu.incidents import services
from kefu.incidents.tests.factories import declare, link
from kefu.reports.models import GeneratedReport, ReportFile
from kefu.reports.services import generate

pytestmark = pytest.mark.django_db
STARTED = datetime(2026, 11, 10, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_register_is_made_with_its_excel_and_pdf_and_printed(world, client_for):
    # given one incident in November with two calls, restored after 3½ hours
    incident = declare(world, at=STARTED)
    link(world, incident, at=STARTED + timedelta(minutes=20), wants_callback=True)
    link(world, incident, at=STARTED + timedelta(minutes=30), customer=world.east_customer)
    with time_machine.travel(STARTED + timedelta(hours=3, minutes=30), tick=False):
        services.close_incident(actor=world.leader, incident=incident, final_answer="已恢复")
    # when
    with time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        report = generate("incident_register", periods.month(2026, 11), actor=world.head)
    # then
    assert report.state == GeneratedReport.State.READY, report.error
    made = {f.format: bytes(f.content) for f in ReportFile.objects.filter(report=report)}
    sheet = load_workbook(BytesIO(made["xlsx"])).worksheets[0]
    cells = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert incident.number in cells and "3小时30分钟" in cells
    assert made["pdf"].startswith(b"%PDF")
    page = client_for(world.head).get(f"/reports/documents/{report.pk}/")
    assert page.status_code == 200 and incident.number in page.content.decode()
