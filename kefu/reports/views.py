"""Report pages: an index, the monthly and weekly summaries (on screen, printable, Excel) and the
transfer timeliness table. Thin: parse the period, call a selector, render. A bad parameter is the
reader's typo, so it gets the page back with a Chinese message and a 400, never a 500."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kefu.core import periods
from kefu.core.excel import xlsx_response
from kefu.core.permissions import can
from kefu.core.responses import bad_request
from kefu.customers.masking import Masker
from kefu.reports import exports, selectors
from kefu.reports.permissions import REPORTS_PERMISSION, is_unit_staff, require_reports
from kefu.reports.tables import monthly_tables, timeliness_table, weekly_tables

TEAM_REPORTS = "reports.view_team_report"


@require_GET
def index(request):
    if is_unit_staff(request.user) or (
        not can(request.user, REPORTS_PERMISSION) and can(request.user, TEAM_REPORTS)
    ):
        # A team leader, and a unit's staff given a report right, read the generated documents only
        # (the center's live reports are not theirs: require_reports): the list is their report page.
        return redirect("reports:documents")
    require_reports(request.user)
    today = timezone.localdate()
    current = periods.month(today.year, today.month)
    summary = selectors.monthly_summary(current)
    return render(
        request,
        "reports/index.html",
        {
            "period": current,
            "summary": summary,
            "week": periods.parse_week(None),
            "last_month": periods.default_month(today.replace(day=1)),
        },
    )


@require_GET
def monthly(request):
    require_reports(request.user)
    value = request.GET.get("month", "")
    try:
        period = periods.parse_month(value)
    except ValidationError as error:
        return bad_request(request, "reports/monthly.html", error, month_value=value)
    summary = selectors.monthly_summary(period)
    context = {
        "period": period,
        "summary": summary,
        "tables": monthly_tables(summary),
        "month_value": f"{period.start:%Y-%m}",
    }
    if request.GET.get("print"):
        context["title"] = f"{period.label}来电来访汇总表"
        return render(request, "reports/print.html", context)
    return render(request, "reports/monthly.html", context)


@require_GET
def monthly_xlsx(request):
    require_reports(request.user)
    value = request.GET.get("month", "")
    try:
        period = periods.parse_month(value)
    except ValidationError as error:
        return bad_request(request, "reports/monthly.html", error, month_value=value)
    masker = Masker(request.user)

    def write(output):
        exports.monthly_workbook(period, output, phone=masker.phone)

    return xlsx_response(write, f"来电登记及汇总-{period.label}.xlsx")


@require_GET
def weekly(request):
    require_reports(request.user)
    value = request.GET.get("week", "")
    try:
        period = periods.parse_week(value)
    except ValidationError as error:
        return bad_request(request, "reports/weekly.html", error, week_value=value)
    summary = selectors.weekly_summary(period)
    context = {
        "period": period,
        "summary": summary,
        "tables": weekly_tables(summary),
        "week_value": period.start.isoformat(),
        "previous_week": (period.start - timezone.timedelta(days=7)).isoformat(),
        "next_week": period.end.isoformat(),
    }
    if request.GET.get("print"):
        context["title"] = f"督办、反馈、回访周汇总（{period.label}）"
        return render(request, "reports/print.html", context)
    return render(request, "reports/weekly.html", context)


@require_GET
def weekly_xlsx(request):
    require_reports(request.user)
    value = request.GET.get("week", "")
    try:
        period = periods.parse_week(value)
    except ValidationError as error:
        return bad_request(request, "reports/weekly.html", error, week_value=value)
    filename = f"督办反馈回访周汇总-{period.start}.xlsx"
    return xlsx_response(lambda output: exports.weekly_workbook(period, output), filename)


def _form(request) -> dict:
    return {key: request.GET.get(key, "") for key in ("from", "to", "by")}


def _timeliness_input(request):
    by = request.GET.get("by") or "agent"
    if by not in selectors.GROUPINGS:
        raise ValidationError({"by": "统计口径应为“按坐席”（agent）或“按班组”（team）"})
    return periods.parse_range(request.GET.get("from"), request.GET.get("to")), by


@require_GET
def timeliness(request):
    require_reports(request.user)
    try:
        period, by = _timeliness_input(request)
    except ValidationError as error:
        return bad_request(request, "reports/timeliness.html", error, form=_form(request))
    result = selectors.transfer_timeliness(period, by=by)
    form = {"from": period.start.isoformat(), "to": period.last_day.isoformat(), "by": by}
    return render(
        request,
        "reports/timeliness.html",
        {"result": result, "table": timeliness_table(result), "form": form, "groupings": selectors.GROUPINGS},
    )


@require_GET
def timeliness_xlsx(request):
    require_reports(request.user)
    try:
        period, by = _timeliness_input(request)
    except ValidationError as error:
        return bad_request(request, "reports/timeliness.html", error, form=_form(request))
    result = selectors.transfer_timeliness(period, by=by)
    filename = f"转办及时率-{period.start}至{period.last_day}.xlsx"
    return xlsx_response(lambda output: exports.timeliness_workbook(result, output), filename)
