"""Counter reports (P11): the daily application report and the monthly registers (P5–P8), on a
print-styled page or as an Excel download (?format=xlsx). Thin: parse the day or month, call
kefu.processes.reports, render. A bad day or month is the reader's typo, so the page comes back with a
Chinese message and a 400, never a 500."""

import re
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from kefu.core import params, periods
from kefu.core.excel import XLSX, export_workbook, set_widths, styled_cells
from kefu.core.permissions import can, require
from kefu.core.responses import bad_request
from kefu.processes import reports

PERMISSION = "processes.view_process"
# The collections report is the collection app's own, so it is shown to whoever may read that one.
COLLECTION_PERMISSION = "collection.view_collection_report"
_DAY = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")


def _wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


def _tabs(user, active: str, month_value: str) -> list[dict]:
    query = f"?month={month_value}" if month_value else ""
    tabs = [{"label": "用水申请日报", "url": reverse("processes:report_daily"), "active": active == "daily"}]
    tabs += [
        {
            "label": title,
            "url": reverse("processes:report_monthly", args=[code]) + query,
            "active": active == code,
        }
        for code, (title, _) in reports.MONTHLY_REPORTS.items()
        if code != "collections" or can(user, COLLECTION_PERMISSION)
    ]
    return tabs


def _parse_day(value: str, today: date) -> date:
    value = (value or "").strip()
    if not value:
        return today
    match = _DAY.match(value)
    try:
        if not match:
            raise ValueError
        # 2026-3-5 is read as 2026-03-05; the one day parser checks the date and its year (year 1: the
        # day's range would overflow).
        day = params.parse_day("-".join(part.zfill(2) for part in match.groups()))
    except ValueError:
        years = f"{params.EARLIEST_YEAR}至{params.LATEST_YEAR}年间"
        raise ValidationError(
            f"日期「{value}」无效，应为{years}的“年-月-日”，例如 {today:%Y-%m-%d}"
        ) from None
    if day > today:
        raise ValidationError(f"{day:%Y年%m月%d日}还没到，没有日报；请选择今天或以前的日期")
    return day


@require_GET
def daily(request):
    require(request.user, PERMISSION)
    today = timezone.localdate()
    value = request.GET.get("day", "")
    context = {"tabs": _tabs(request.user, "daily", ""), "day_value": value, "today": today}
    try:
        day = _parse_day(value, today)
    except ValidationError as error:
        return bad_request(request, "processes/reports/daily.html", error, **context)
    report = reports.daily_report(day)
    if _wants_xlsx(request):
        return _download(_daily_workbook(report), f"{day:%Y年%m月%d日}用水申请日报.xlsx")
    context.update(
        report=report,
        day_value=day.isoformat(),
        previous_day=(day - timedelta(days=1)).isoformat(),
        next_day=(day + timedelta(days=1)).isoformat() if day < today else "",
    )
    return render(request, "processes/reports/daily.html", context)


@require_GET
def monthly(request, report: str):
    require(request.user, PERMISSION)
    if report not in reports.MONTHLY_REPORTS:
        raise Http404("没有这张报表")
    if report == "collections":
        require(request.user, COLLECTION_PERMISSION)
    value = request.GET.get("month", "")
    title = reports.MONTHLY_REPORTS[report][0]
    try:
        period = periods.parse_month(value)
    except ValidationError as error:
        context = {
            "tabs": _tabs(request.user, report, ""),
            "title": title,
            "month_value": value,
            "kind": report,
        }
        return bad_request(request, "processes/reports/monthly.html", error, **context)
    month_value = f"{period.start:%Y-%m}"
    if report == "collections" and _wants_xlsx(request):
        # The collection app's workbook is the collections report; do not write a second one.
        return redirect(f"{reverse('collection:report_export')}?month={month_value}")
    result = reports.monthly_report(report, period.start.year, period.start.month)
    if _wants_xlsx(request):
        return _download(_monthly_workbook(result), f"{result.full_title}.xlsx")
    previous = period.start - timedelta(days=1)
    context = {
        "tabs": _tabs(request.user, report, month_value),
        "title": title,
        "kind": report,
        "report": result,
        "period": period,
        "month_value": month_value,
        "previous_month": f"{previous:%Y-%m}",
        # No link into months that have not begun.
        "next_month": f"{period.end:%Y-%m}" if period.end <= timezone.localdate() else "",
    }
    return render(request, "processes/reports/monthly.html", context)


# ------------------------------------------------------------------------------------------- Excel

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")
MONEY = "#,##0.00"
DAY = "yyyy-mm-dd"


def _cells(sheet, values, *, font=None, fill=None) -> list:
    return styled_cells(sheet, values, font=font, fill=fill, formats={date: DAY, Decimal: MONEY})


def _sheet(workbook: Workbook, name: str, widths: list[int]):
    sheet = workbook.create_sheet(name[:31])
    set_widths(sheet, widths)
    return sheet


def _monthly_workbook(report: reports.MonthlyReport) -> bytes:
    """Title row, Chinese headers, the rows, the 合计 row, then the totals by line."""
    workbook = export_workbook()
    widths = [max(8, min(30, len(header) * 2 + 4)) for header in report.headers]
    sheet = _sheet(workbook, report.title, widths)
    sheet.append(_cells(sheet, [report.full_title], font=TITLE))
    sheet.append(_cells(sheet, report.headers, font=BOLD, fill=HEADER_FILL))
    for row in report.rows:
        sheet.append(_cells(sheet, row))
    if not report.rows:
        sheet.append([report.empty_text])
    sheet.append(_cells(sheet, report.footer, font=BOLD))
    sheet.append([])
    for label, figure, unit in report.totals:
        sheet.append(_cells(sheet, [label, figure, unit]))
    sheet.append([f"制表时间：{timezone.localtime():%Y-%m-%d %H:%M}"])
    return _save(workbook)


def _daily_workbook(report: reports.DailyReport) -> bytes:
    workbook = export_workbook()
    sheet = _sheet(workbook, "用水申请日报", [28, 12])
    sheet.append(_cells(sheet, [f"{report.day:%Y年%m月%d日} 用水申请日报"], font=TITLE))
    sheet.append(_cells(sheet, ["受理业务", "件数"], font=BOLD, fill=HEADER_FILL))
    for name, count in report.started:
        sheet.append([name, count])
    sheet.append(_cells(sheet, ["合计", report.started_total], font=BOLD))
    sheet.append([])
    sheet.append(_cells(sheet, ["环节办理结果", "次数"], font=BOLD, fill=HEADER_FILL))
    for label, count in report.outcomes:
        sheet.append([label, count])
    sheet.append(_cells(sheet, ["合计", report.outcomes_total], font=BOLD))
    sheet.append([])
    sheet.append(["在办业务", report.in_hand if report.in_hand is not None else "—"])
    sheet.append(["其中超期", report.overdue if report.overdue is not None else "—"])
    made = (
        f"后台任务 {timezone.localtime(report.ran_at):%Y-%m-%d %H:%M} 生成" if report.stored else "实时统计"
    )
    sheet.append([made])
    return _save(workbook)


def _save(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _download(content: bytes, filename: str) -> FileResponse:
    # FileResponse writes the RFC 5987 filename*=utf-8''… form that Chinese file names need.
    return FileResponse(BytesIO(content), as_attachment=True, filename=filename, content_type=XLSX)
