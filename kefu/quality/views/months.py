"""The monthly close's pages (Q2, Q4): the months (status, counts per grade), opening a month, a month's
sheets with search, sorting and paging and the workflow buttons by permission, the payroll Excel, the
printable sheets (one, or the month's batch), and the appeals on sheets (file one's own; the head
decides)."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl.styles import Font, PatternFill

from kefu.core.excel import export_workbook, set_widths, styled_cells, xlsx_response
from kefu.core.params import parse_month
from kefu.core.permissions import can, require
from kefu.core.responses import error_text
from kefu.quality import selectors_months as selectors
from kefu.quality.models import AppraisalItem, SheetAppeal
from kefu.quality.services import months as services
from kefu.quality.services import sheet_appeals as appeal_services

PER_PAGE = 50
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")
PAYROLL_HEADERS = ["工号", "姓名", "班组", "考核分", "绩效等级", "工资浮动（元）", "解除合同提示"]
SORT_LABELS = [
    ("no", "工号"),
    ("name", "姓名"),
    ("team", "班组"),
    ("-score", "考核分（高→低）"),
    ("score", "考核分（低→高）"),
    ("-pay", "工资浮动（高→低）"),
    ("pay", "工资浮动（低→高）"),
    ("rank", "班组名次"),
]


def month_list(request):
    require(request.user, selectors.READ_MONTH)
    page = Paginator(selectors.months(), 24).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "quality/months.html",
        {
            "page": page,
            "can_open": can(request.user, services.DRAFT),
            "suggested": f"{services.previous_month(today.replace(day=1)):%Y-%m}",
            "stage_labels": services.STAGE_LABELS,
        },
    )


@require_POST
def month_open(request):
    require(request.user, selectors.READ_MONTH, services.DRAFT)
    try:
        year, month = parse_month(request.POST.get("month"))
        appraisal_month = services.open_month(month=date(year, month, 1), actor=request.user)
    except ValidationError as error:
        page = Paginator(selectors.months(), 24).get_page(1)
        return render(
            request,
            "quality/months.html",
            {
                "page": page,
                "can_open": True,
                "suggested": request.POST.get("month", ""),
                "stage_labels": services.STAGE_LABELS,
                "error": error_text(error),
            },
            status=400,
        )
    messages.success(request, f"已开始编制{appraisal_month}，请从记录取数生成考核表")
    return redirect("quality:month", pk=appraisal_month.pk)


def _filters(request) -> dict:
    grade = request.GET.get("grade", "")
    sort = request.GET.get("sort", "no")
    return {
        "q": (request.GET.get("q") or "").strip()[:50],
        "grade": grade if grade in ("A", "B", "C", "D", "E", "none") else "",
        "flagged": request.GET.get("flagged") == "1",
        "sort": sort if sort.lstrip("-") in selectors.SORTS else "no",
    }


def month_detail(request, pk: int):
    appraisal_month = selectors.fetch_month(request.user, pk)
    return _detail(request, appraisal_month)


def _detail(request, appraisal_month, *, error: str = "", status: int = 200):
    user = request.user
    filters = _filters(request)
    rows = selectors.month_sheets(appraisal_month, user, **filters)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    stage = services.stage(appraisal_month)
    return render(
        request,
        "quality/month.html",
        {
            "month": appraisal_month,
            "stage": stage,
            "stage_label": services.STAGE_LABELS[stage],
            "page": page,
            "filters": filters,
            "sorts": SORT_LABELS,
            "grades": selectors.grade_distribution(appraisal_month),
            "appeal_due": services.appeal_due(appraisal_month),
            "error": error,
            "can_draft": stage == "drafting" and can(user, services.DRAFT),
            "can_submit": stage == "drafting" and can(user, services.DRAFT),
            "can_review": stage == "submitted"
            and can(user, services.REVIEW)
            and appraisal_month.drafted_by_id != user.pk,
            "can_return": (stage == "submitted" and can(user, services.REVIEW))
            or (stage == "reviewed" and can(user, services.APPROVE)),
            "can_approve": stage == "reviewed" and can(user, services.APPROVE),
            "can_export": can(user, "quality.export_appraisalmonth"),
            "can_decide": can(user, appeal_services.DECIDE),
            "open_appeals": selectors.month_appeals(appraisal_month, status="open").count(),
            "history": selectors.history(appraisal_month),
        },
        status=status,
    )


def _act(request, pk, run, done: str):
    appraisal_month = selectors.fetch_month(request.user, pk)
    try:
        run(appraisal_month)
    except ValidationError as error:
        appraisal_month.refresh_from_db()
        return _detail(request, appraisal_month, error=error_text(error), status=400)
    messages.success(request, done)
    return redirect("quality:month", pk=appraisal_month.pk)


@require_POST
def month_draft(request, pk: int):
    require(request.user, services.DRAFT)
    return _act(
        request,
        pk,
        lambda m: services.draft_all(appraisal_month=m, actor=request.user),
        "已从记录取数生成全部考核表，并计算班组名次",
    )


@require_POST
def month_submit(request, pk: int):
    require(request.user, services.DRAFT)
    return _act(request, pk, lambda m: services.submit(appraisal_month=m, actor=request.user), "已报主管审核")


@require_POST
def month_review(request, pk: int):
    require(request.user, services.REVIEW)
    return _act(
        request,
        pk,
        lambda m: services.review(appraisal_month=m, actor=request.user, note=request.POST.get("note", "")),
        "审核通过，已报客服部主任批准",
    )


@require_POST
def month_return(request, pk: int):
    if not (can(request.user, services.REVIEW) or can(request.user, services.APPROVE)):
        raise PermissionDenied("您的角色没有此项权限")
    return _act(
        request,
        pk,
        lambda m: services.return_month(
            appraisal_month=m, actor=request.user, reason=request.POST.get("reason")
        ),
        "已退回培训专员修改",
    )


@require_POST
def month_approve(request, pk: int):
    require(request.user, services.APPROVE)
    return _act(
        request,
        pk,
        lambda m: services.approve(appraisal_month=m, actor=request.user),
        "已批准并锁定；解除合同提示已报中心主任，员工可在申诉期内申诉",
    )


def payroll_values(sheet) -> list:
    """One payroll row: 工号, 姓名, 班组, 考核分, 绩效等级, 工资浮动（元）, 解除合同提示."""
    person = sheet.person
    return [
        person.employee_no or "",
        str(person),
        sheet.team.name if sheet.team_id else "",
        sheet.score,
        sheet.grade or "无",
        sheet.pay_delta,
        "是" if sheet.termination_flag else "",
    ]


def month_payroll(request, pk: int):
    appraisal_month = selectors.fetch_month(request.user, pk)
    require(request.user, "quality.export_appraisalmonth")
    rows = selectors.payroll_rows(appraisal_month)

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet("考核工资表")
        set_widths(sheet, [12, 12, 14, 10, 10, 14, 14])
        sheet.append(styled_cells(sheet, PAYROLL_HEADERS, font=BOLD, fill=HEADER_FILL))
        for row in rows.iterator(chunk_size=500):
            sheet.append(payroll_values(row))
        book.save(output)

    return xlsx_response(write, f"考核工资表_{appraisal_month.month:%Y%m}.xlsx")


def _sheet_lines(sheet):
    return list(sheet.lines.select_related("item").order_by("void", "kind", "occurred_on", "id"))


def sheet_print(request, pk: int):
    sheet = selectors.fetch_sheet(request.user, pk)
    return render(
        request,
        "quality/sheet_print.html",
        {
            "sheets": [{"sheet": sheet, "lines": _sheet_lines(sheet)}],
            "month": sheet.appraisal_month,
            "printed_at": timezone.now(),
            "back": "quality:month" if can(request.user, selectors.READ_MONTH) else "",
        },
    )


def month_print(request, pk: int):
    appraisal_month = selectors.fetch_month(request.user, pk)
    require(request.user, selectors.READ_SHEETS)
    rows = list(
        selectors.month_sheets(appraisal_month, request.user, **_filters(request)).prefetch_related(
            "lines__item"
        )[:1000]
    )
    return render(
        request,
        "quality/sheet_print_batch.html",
        {
            "sheets": [
                {"sheet": s, "lines": sorted(s.lines.all(), key=lambda li: (li.void, li.kind, li.pk))}
                for s in rows
            ],
            "month": appraisal_month,
            "printed_at": timezone.now(),
        },
    )


# ---------------------------------------------------------------- appeals on sheets


def sheet_appeal(request, pk: int):
    """The sheet's person files an appeal (and sees their appeals on it)."""
    sheet = selectors.fetch_sheet(request.user, pk)
    error, status = "", 200
    if request.method == "POST":
        try:
            appeal_services.file_appeal(sheet=sheet, actor=request.user, reason=request.POST.get("reason"))
        except ValidationError as problem:
            error, status = error_text(problem), 400
        else:
            messages.success(request, "申诉已提交，等待客服部主任处理")
            return redirect("quality:sheet_appeal", pk=sheet.pk)
    refusal = appeal_services.window_refusal(sheet, timezone.localdate())
    return render(
        request,
        "quality/sheet_appeal.html",
        {
            "sheet": sheet,
            "lines": _sheet_lines(sheet),
            "appeals": sheet.appeals.select_related("filed_by", "decided_by"),
            "own": sheet.person_id == request.user.pk,
            "refusal": refusal,
            "has_open": sheet.appeals.filter(status="open").exists(),
            "appeal_due": services.appeal_due(sheet.appraisal_month),
            "error": error,
            "reason": request.POST.get("reason", "") if error else "",
        },
        status=status,
    )


def month_appeals(request, pk: int):
    appraisal_month = selectors.fetch_month(request.user, pk)
    require(request.user, selectors.READ_SHEETS)
    status = request.GET.get("status", "")
    page = Paginator(selectors.month_appeals(appraisal_month, status=status), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "quality/sheet_appeals.html",
        {
            "month": appraisal_month,
            "page": page,
            "status": status if status in SheetAppeal.Status.values else "",
            "statuses": SheetAppeal.Status.choices,
            "can_decide": can(request.user, appeal_services.DECIDE),
        },
    )


def appeal_decide(request, pk: int):
    appeal = selectors.fetch_appeal(request.user, pk)
    require(request.user, selectors.READ_SHEETS)
    error, status = "", 200
    if request.method == "POST":
        require(request.user, appeal_services.DECIDE)
        additions = []
        item = request.POST.get("add_item", "").strip()
        if item:
            additions.append(
                {
                    "item": item,
                    "points": request.POST.get("add_points"),
                    "note": request.POST.get("add_note", ""),
                }
            )
        try:
            appeal_services.decide_appeal(
                appeal=appeal,
                actor=request.user,
                outcome=request.POST.get("outcome", ""),
                note=request.POST.get("note", ""),
                void_lines=[pk for pk in request.POST.getlist("void_lines") if pk.isascii() and pk.isdigit()],
                add_lines=additions,
            )
        except ValidationError as problem:
            error, status = error_text(problem), 400
            appeal.refresh_from_db()
        else:
            messages.success(request, "申诉已处理")
            return redirect("quality:sheet_appeal_decide", pk=appeal.pk)
    sheet = appeal.sheet
    sheet.refresh_from_db()
    return render(
        request,
        "quality/sheet_appeal_decide.html",
        {
            "appeal": appeal,
            "sheet": sheet,
            "lines": _sheet_lines(sheet),
            "items": AppraisalItem.objects.filter(active=True).order_by("position", "code"),
            "can_decide": appeal.status == "open" and can(request.user, appeal_services.DECIDE),
            "history": selectors.history(sheet),
            "error": error,
        },
        status=status,
    )


urlpatterns = [
    path("months/", month_list, name="months"),
    path("months/open/", month_open, name="month_open"),
    path("months/<int:pk>/", month_detail, name="month"),
    path("months/<int:pk>/draft/", month_draft, name="month_draft"),
    path("months/<int:pk>/submit/", month_submit, name="month_submit"),
    path("months/<int:pk>/review/", month_review, name="month_review"),
    path("months/<int:pk>/return/", month_return, name="month_return"),
    path("months/<int:pk>/approve/", month_approve, name="month_approve"),
    path("months/<int:pk>/payroll.xlsx", month_payroll, name="month_payroll"),
    path("months/<int:pk>/print/", month_print, name="month_print"),
    path("months/<int:pk>/appeals/", month_appeals, name="month_appeals"),
    path("sheets/<int:pk>/print/", sheet_print, name="sheet_print"),
    path("sheets/<int:pk>/appeal/", sheet_appeal, name="sheet_appeal"),
    path("sheet-appeals/<int:pk>/", appeal_decide, name="sheet_appeal_decide"),
]
