"""Sampling and the monthly roll-up pages (Q1): the month's sampling per agent (contacts taken, checks
so far against the minimum and target, proposed checks with their reasons), the button that proposes
the month's checks, an inspector adding any contact by its number; the roll-up per agent and team
with its Excel and printable page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl.styles import Font, PatternFill

from kefu.core.excel import export_workbook, set_widths, styled_cells, xlsx_response
from kefu.core.permissions import can, require
from kefu.core.responses import error_text
from kefu.quality import selectors_rollup as rollup
from kefu.quality import selectors_sampling as selectors
from kefu.quality.models import QaCheck
from kefu.quality.services import sampling as services
from kefu.quality.services.checks import open_check

PER_PAGE = 50
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")


def check_url(pk: int) -> str:
    return reverse("quality:check", args=[pk])


def _month(request, *, source=None):
    """The month asked for, or the error under `month` (then this month is shown)."""
    try:
        return selectors.month_from((source or request.GET).get("month")), ""
    except ValidationError as error:
        return timezone.localdate().replace(day=1), error_text(error)


def sampling(request, *, error: str = "", status: int = 200, number: str = ""):
    require(request.user, "quality.view_qacheck", selectors.READ)
    month, month_error = _month(request, source=request.POST if request.method == "POST" else None)
    error = error or month_error
    data = selectors.month_sampling(month, query=request.GET.get("q", ""))
    page = Paginator(data.rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/sampling.html",
        {
            "data": data,
            "page": page,
            "month_value": f"{month:%Y-%m}",
            "query": request.GET.get("q", ""),
            "error": error,
            "number": number,
            "can_propose": can(request.user, "quality.add_qacheck"),
        },
        status=400 if error and request.method == "POST" else status,
    )


@require_POST
def sampling_propose(request):
    require(request.user, "quality.view_qacheck", selectors.READ, "quality.add_qacheck")
    try:
        month = selectors.month_from(request.POST.get("month"))
        result = services.propose_month(month=month, actor=request.user)
    except ValidationError as error:
        return sampling(request, error=error_text(error), status=400)
    if result.proposed:
        messages.success(
            request, f"{month:%Y年%m月}已抽样{len(result.proposed)}条待质检记录（{result.agents}人）"
        )
    else:
        messages.info(request, f"{month:%Y年%m月}每人的抽样已达目标，没有新增")
    return redirect(reverse("quality:sampling") + f"?month={month:%Y-%m}")


@require_POST
def sampling_add(request):
    require(request.user, "quality.view_qacheck", selectors.READ, "quality.add_qacheck")
    number = (request.POST.get("contact") or "").strip()[:20]
    try:
        contact = selectors.contact_by_number(number)
        existed = QaCheck.objects.filter(services.LIVE, contact=contact).first()
        check = open_check(actor=request.user, contact=contact, source=QaCheck.Source.ADDED)
    except ValidationError as error:
        return sampling(request, error=error_text(error), status=400, number=number)
    if existed is not None:
        messages.info(request, f"受理记录{contact.number}已有质检{check.number}")
    else:
        messages.success(request, f"已追加质检{check.number}（受理编号{contact.number}）")
    return redirect(check_url(check.pk))


# ---------------------------------------------------------------- the monthly roll-up


def _rollup_data(request):
    team = rollup.rollup_team_scope(request.user)
    month, error = _month(request)
    rows = rollup.month_rollup(month=month, team=team)
    query = (request.GET.get("q") or "").strip()
    if query:
        rows = [r for r in rows if query in r.label or query in (r.agent.employee_no or "")]
    order = request.GET.get("sort", "")
    keys = {
        "score": lambda r: (r.average is None, r.average or 0),
        "-score": lambda r: (r.average is None, -(r.average or 0)),
        "checks": lambda r: r.scored,
        "critical": lambda r: -r.critical,
    }
    if order in keys:
        rows = sorted(rows, key=keys[order])
    return month, error, team, rows


SORTS = [
    ("", "班组、工号"),
    ("score", "平均分（低→高）"),
    ("-score", "平均分（高→低）"),
    ("checks", "已检次数（少→多）"),
    ("critical", "关键项不合格（多→少）"),
]


def rollup_page(request):
    month, error, team, rows = _rollup_data(request)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/rollup.html",
        {
            "month_value": f"{month:%Y-%m}",
            "month": month,
            "error": error,
            "team": team,
            "page": page,
            "teams": rollup.team_rows(rows),
            "note": rollup.rollup_due_note(month),
            "query": request.GET.get("q", ""),
            "sort": request.GET.get("sort", ""),
            "sorts": SORTS,
        },
        status=400 if error else 200,
    )


def rollup_print(request):
    month, error, team, rows = _rollup_data(request)
    return render(
        request,
        "quality/rollup_print.html",
        {
            "month": month,
            "team": team,
            "rows": rows,
            "teams": rollup.team_rows(rows),
            "note": rollup.rollup_due_note(month),
            "printed_at": timezone.localtime(),
        },
        status=400 if error else 200,
    )


ROLLUP_HEADERS = [
    "班组",
    "工号",
    "姓名",
    "受理量",
    "已检次数",
    "待检",
    "至少",
    "目标",
    "平均分",
    "合格率%",
    "关键项不合格",
    "申诉",
    "维持",
    "改评",
    "待处理",
    "薄弱项",
]


def _line(row) -> list:
    return [
        str(row.team) if row.team else "",
        (row.agent.employee_no or "") if row.agent else "",
        row.label,
        row.contacts,
        row.scored,
        row.pending,
        row.minimum,
        row.target,
        float(row.average) if row.average is not None else "",
        float(row.pass_rate) if row.pass_rate is not None else "",
        row.critical,
        row.appeals,
        row.appeals_upheld,
        row.appeals_amended,
        row.appeals_open,
        "、".join(f"{name}{share}%" for name, share in row.weakest),
    ]


def rollup_export(request):
    month, _error, _team, rows = _rollup_data(request)

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet("质检月汇总")
        set_widths(sheet, [12, 10, 10, 8, 8, 6, 6, 6, 8, 8, 10, 6, 6, 6, 6, 40])
        sheet.append(styled_cells(sheet, ROLLUP_HEADERS, font=BOLD, fill=HEADER_FILL))
        for row in rows:
            sheet.append(_line(row))
        teams = book.create_sheet("按班组")
        set_widths(teams, [14, 8, 8, 8, 8, 8, 8, 10, 6, 6, 6, 6])
        teams.append(
            styled_cells(
                teams,
                [
                    "班组",
                    "人数",
                    "受理量",
                    "已检次数",
                    "待检",
                    "平均分",
                    "合格率%",
                    "关键项不合格",
                    "申诉",
                    "维持",
                    "改评",
                    "待处理",
                ],
                font=BOLD,
                fill=HEADER_FILL,
            )
        )
        for row in rollup.team_rows(rows):
            teams.append(
                [
                    row.label,
                    row.agents,
                    row.contacts,
                    row.scored,
                    row.pending,
                    float(row.average) if row.average is not None else "",
                    float(row.pass_rate) if row.pass_rate is not None else "",
                    row.critical,
                    row.appeals,
                    row.appeals_upheld,
                    row.appeals_amended,
                    row.appeals_open,
                ]
            )
        book.save(output)

    return xlsx_response(write, f"质检月汇总_{month:%Y%m}.xlsx")


urlpatterns = [
    path("sampling/", sampling, name="sampling"),
    path("sampling/propose/", sampling_propose, name="sampling_propose"),
    path("sampling/add/", sampling_add, name="sampling_add"),
    path("rollup/", rollup_page, name="rollup"),
    path("rollup/export.xlsx", rollup_export, name="rollup_export"),
    path("rollup/print/", rollup_print, name="rollup_print"),
]
