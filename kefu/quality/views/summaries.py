"""Weekly QA summary pages (Q1, 002 质检员的职责5): the list (search, status, sorting, paging, Excel),
writing a week's summary with the week's figures pre-filled from the inspector's checks, the summary
with its figures and the head's reading, and the printable summary."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl.styles import Font, PatternFill

from kefu.accounts.models import Role, User
from kefu.core.excel import export_workbook, local_minute, set_widths, styled_cells, xlsx_response
from kefu.core.params import parse_day
from kefu.core.permissions import can, require
from kefu.core.responses import error_text
from kefu.quality import selectors_summaries as selectors
from kefu.quality.models import WeeklySummary
from kefu.quality.services import summaries as services

PER_PAGE = 30
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")
SORTS = [("-week_start", "周次（新→旧）"), ("week_start", "周次（旧→新）"), ("author", "质检员")]
TRAINEE_ROLES = (Role.AGENT, Role.COUNTER_CLERK, Role.TEAM_LEADER)


def _filters(request) -> dict:
    return {
        "query": (request.GET.get("q") or "").strip()[:50],
        "status": request.GET.get("status", "")
        if request.GET.get("status") in WeeklySummary.Status.values
        else "",
        "order": request.GET.get("sort", "-week_start"),
    }


def summary_list(request):
    require(request.user, selectors.READ)
    filters = _filters(request)
    rows = selectors.summaries(request.user, **filters)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/summaries.html",
        {
            "page": page,
            "filters": filters,
            "statuses": WeeklySummary.Status.choices,
            "sorts": SORTS,
            "can_write": can(request.user, services.WRITE),
            "this_week": services.monday_of(timezone.localdate()),
        },
    )


def summary_export(request):
    require(request.user, selectors.READ)
    rows = selectors.summaries(request.user, **_filters(request))

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet("质检周小结")
        set_widths(sheet, [12, 10, 10, 40, 40, 40, 10, 20, 17, 10, 30])
        headers = [
            "周起始日",
            "质检员",
            "状态",
            "共性问题",
            "质检分析",
            "培训计划",
            "培训范围",
            "培训对象",
            "提交时间",
            "阅示人",
            "主任意见",
        ]
        sheet.append(styled_cells(sheet, headers, font=BOLD, fill=HEADER_FILL))
        for summary in rows.prefetch_related("trainees")[:10_000]:
            sheet.append(
                [
                    f"{summary.week_start:%Y-%m-%d}",
                    str(summary.author),
                    summary.get_status_display(),
                    summary.common_problems,
                    summary.analysis,
                    summary.training_plan,
                    summary.get_training_scope_display(),
                    "、".join(str(p) for p in summary.trainees.all()),
                    local_minute(summary.submitted_at) if summary.submitted_at else "",
                    str(summary.read_by or ""),
                    summary.head_comment,
                ]
            )
        book.save(output)

    return xlsx_response(write, f"质检周小结_{timezone.localdate():%Y%m%d}.xlsx")


def _week(text) -> date:
    text = (text or "").strip()
    if not text:
        return services.monday_of(timezone.localdate())
    try:
        return services.monday_of(parse_day(text))
    except ValueError as error:
        raise ValidationError(
            {"week_start": f"周次「{text[:20]}」不是有效日期（YYYY-MM-DD）：{error}"}
        ) from None


def _trainee_choices():
    return User.objects.filter(role__in=TRAINEE_ROLES, is_active=True).order_by("employee_no", "pk")


def _fields(post) -> dict:
    ids = [int(v) for v in post.getlist("trainees") if v.isascii() and v.isdigit() and len(v) < 19]
    return {
        "common_problems": post.get("common_problems", ""),
        "analysis": post.get("analysis", ""),
        "training_plan": post.get("training_plan", ""),
        "training_scope": post.get("training_scope", WeeklySummary.Scope.ALL),
        "trainees": list(_trainee_choices().filter(pk__in=ids)),
    }


def _form(request, *, summary=None, week=None, errors=None, status=200):
    week = summary.week_start if summary else week
    values = request.POST if request.method == "POST" else None
    return render(
        request,
        "quality/summary_form.html",
        {
            "summary": summary,
            "week": week,
            "figures": selectors.week_figures(
                week_start=week, inspector=summary.author if summary else request.user
            ),
            "values": values,
            "errors": errors or {},
            "scopes": WeeklySummary.Scope.choices,
            "people": _trainee_choices(),
            "chosen": {int(v) for v in values.getlist("trainees") if v.isdigit() and len(v) < 19}
            if values
            else set(summary.trainees.values_list("pk", flat=True) if summary else []),
        },
        status=status,
    )


def summary_create(request):
    require(request.user, selectors.READ, services.WRITE)
    try:
        week = _week(request.POST.get("week_start") if request.method == "POST" else request.GET.get("week"))
    except ValidationError as error:
        return _form(
            request, week=services.monday_of(timezone.localdate()), errors=error.message_dict, status=400
        )
    if request.method != "POST":
        existing = WeeklySummary.objects.filter(week_start=week, author=request.user).first()
        if existing is not None:
            return redirect(
                "quality:summary_edit" if existing.status == "draft" else "quality:summary", pk=existing.pk
            )
        return _form(request, week=week)
    try:
        summary = services.write_summary(actor=request.user, week_start=week, **_fields(request.POST))
        if request.POST.get("submit"):
            summary = services.submit_summary(actor=request.user, summary=summary)
    except ValidationError as error:
        return _form(request, week=week, errors=error.message_dict, status=400)
    messages.success(
        request, "周小结已提交客服部主任" if summary.status != "draft" else "周小结已保存（草稿）"
    )
    return redirect("quality:summary", pk=summary.pk)


def summary_edit(request, pk: int):
    summary = selectors.summary_for_author(request.user, pk)
    if request.method != "POST":
        return _form(request, summary=summary)
    try:
        summary = services.edit_summary(actor=request.user, summary=summary, **_fields(request.POST))
        if request.POST.get("submit"):
            summary = services.submit_summary(actor=request.user, summary=summary)
    except ValidationError as error:
        return _form(request, summary=summary, errors=error.message_dict, status=400)
    messages.success(
        request, "周小结已提交客服部主任" if summary.status != "draft" else "周小结已保存（草稿）"
    )
    return redirect("quality:summary", pk=summary.pk)


def summary_detail(request, pk: int, *, error: str = "", status: int = 200):
    summary = selectors.summary_for(request.user, pk)
    return render(
        request,
        "quality/summary.html",
        {
            "summary": summary,
            "figures": selectors.week_figures(week_start=summary.week_start, inspector=summary.author),
            "trainees": list(summary.trainees.all()),
            "is_author": summary.author_id == request.user.pk,
            "can_read": services.can_mark_read(request.user, summary),
            "error": error,
        },
        status=status,
    )


@require_POST
def summary_submit(request, pk: int):
    summary = selectors.summary_for_author(request.user, pk)
    try:
        services.submit_summary(actor=request.user, summary=summary)
    except ValidationError as error:
        return summary_detail(request, pk, error=error_text(error), status=400)
    messages.success(request, "周小结已提交客服部主任")
    return redirect("quality:summary", pk=summary.pk)


@require_POST
def summary_read(request, pk: int):
    summary = selectors.summary_for(request.user, pk)
    try:
        services.mark_read(actor=request.user, summary=summary, comment=request.POST.get("head_comment", ""))
    except ValidationError as error:
        return summary_detail(request, pk, error=error_text(error), status=400)
    messages.success(request, "已阅示")
    return redirect("quality:summary", pk=summary.pk)


def summary_print(request, pk: int):
    summary = selectors.summary_for(request.user, pk)
    return render(
        request,
        "quality/summary_print.html",
        {
            "summary": summary,
            "figures": selectors.week_figures(week_start=summary.week_start, inspector=summary.author),
            "trainees": list(summary.trainees.all()),
            "printed_at": timezone.localtime(),
        },
    )


urlpatterns = [
    path("summaries/", summary_list, name="summaries"),
    path("summaries/export.xlsx", summary_export, name="summaries_export"),
    path("summaries/new/", summary_create, name="summary_create"),
    path("summaries/<int:pk>/", summary_detail, name="summary"),
    path("summaries/<int:pk>/edit/", summary_edit, name="summary_edit"),
    path("summaries/<int:pk>/submit/", summary_submit, name="summary_submit"),
    path("summaries/<int:pk>/read/", summary_read, name="summary_read"),
    path("summaries/<int:pk>/print/", summary_print, name="summary_print"),
]
