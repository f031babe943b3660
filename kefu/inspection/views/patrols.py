"""Patrol plan and patrol pages (I4, seed 000 ch.7 第四条(一)): the year's plan as a grid area × target
type × month with planned and done, totals and progress (Excel, print), drafting, the bulk edit of one
area, spreading a yearly count over the months, the director's approval, the inspectors' attendance; the
patrol list (search, filters, sorting, paging, Excel), the record form (a phone at 375 px) and one patrol."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl.styles import Font, PatternFill

from kefu.accounts.models import Role, ServiceArea, User
from kefu.core import periods
from kefu.core.excel import export_workbook, local_minute, set_widths, styled_cells, xlsx_response
from kefu.core.params import EARLIEST_MONTH_YEAR, LATEST_YEAR, object_id, parse_day, whole_number
from kefu.core.permissions import can, require
from kefu.core.responses import bad_request, error_text
from kefu.inspection import selectors_patrols as selectors
from kefu.inspection.models import Case, CaseKind, TargetType
from kefu.inspection.services import patrols as services

PER_PAGE = 30
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")
PLAN_TEMPLATE = "inspection/patrol_plan.html"


# ---------------------------------------------------------------- the year's plan


def _year_month(request) -> tuple[int, int]:
    today = timezone.localdate()
    year_text, month_text = request.GET.get("year", ""), request.GET.get("month", "")
    year = whole_number(year_text) if year_text.strip() else today.year
    if year is None or not EARLIEST_MONTH_YEAR <= year <= LATEST_YEAR:
        raise ValidationError(
            {"year": f"年度「{year_text[:10]}」应为{EARLIEST_MONTH_YEAR}至{LATEST_YEAR}之间的年份"}
        )
    default_month = today.month if year == today.year else 1
    month = whole_number(month_text) if month_text.strip() else default_month
    if month is None or not 1 <= month <= 12:
        raise ValidationError({"month": f"月份「{month_text[:10]}」应在1至12之间"})
    return year, month


def _plan_context(request, year: int, month: int) -> dict:
    plan = selectors.plan_of_year(request.user, year)
    user = request.user
    return {
        "year": year,
        "month": month,
        "plan": plan,
        "grid": selectors.plan_grid(year, plan),
        "month_rows": selectors.month_rows(year, month),
        "attendance": selectors.attendance(user, year, month),
        "months": list(selectors.MONTHS),
        "years": [year - 1, year, year + 1],
        "areas": ServiceArea.objects.filter(active=True).order_by("code"),
        "target_types": TargetType.choices,
        "can_draft": plan is None and can(user, services.DRAFT),
        "can_change": plan is not None and can(user, services.CHANGE),
        "can_approve": plan is not None and services.can_approve(user, plan),
        "is_drafter": plan is not None and plan.drafted_by_id == user.pk,
        "can_record": can(user, services.RECORD),
    }


def plan_page(request):
    require(request.user, selectors.READ_PLAN)
    try:
        year, month = _year_month(request)
    except ValidationError as error:
        today = timezone.localdate()
        return bad_request(request, PLAN_TEMPLATE, error, **_plan_context(request, today.year, today.month))
    return render(request, PLAN_TEMPLATE, _plan_context(request, year, month))


def plan_print(request):
    require(request.user, selectors.READ_PLAN)
    try:
        year, month = _year_month(request)
    except ValidationError as error:
        return bad_request(request, PLAN_TEMPLATE, error, **_plan_context(request, *_today()))
    plan = selectors.plan_of_year(request.user, year)
    return render(
        request,
        "inspection/patrol_plan_print.html",
        {
            "year": year,
            "month": month,
            "plan": plan,
            "grid": selectors.plan_grid(year, plan),
            "months": list(selectors.MONTHS),
            "printed_at": timezone.localtime(),
        },
    )


def _today() -> tuple[int, int]:
    today = timezone.localdate()
    return today.year, today.month


def plan_export(request):
    require(request.user, selectors.READ_PLAN)
    try:
        year, _month = _year_month(request)
    except ValidationError as error:
        return bad_request(request, PLAN_TEMPLATE, error, **_plan_context(request, *_today()))
    plan = selectors.plan_of_year(request.user, year)
    grid = selectors.plan_grid(year, plan)

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet(f"{year}年巡查计划")
        set_widths(sheet, [14, 26, 8] + [8] * 12 + [8, 8])
        headers = ["片区", "巡查对象", "项目"] + [f"{m}月" for m in selectors.MONTHS] + ["全年", "完成率%"]
        sheet.append(styled_cells(sheet, headers, font=BOLD, fill=HEADER_FILL))
        for block in grid.areas:
            for row in block.rows:
                sheet.append(
                    [str(block.area), row.label, "计划"] + [c.planned for c in row.cells] + [row.planned, ""]
                )
                sheet.append(
                    [str(block.area), row.label, "完成"]
                    + [c.done for c in row.cells]
                    + [row.done, row.percent if row.percent is not None else ""]
                )
            sheet.append(
                styled_cells(
                    sheet,
                    [str(block.area), "小计", "计划/完成"]
                    + [f"{c.done}/{c.planned}" for c in block.totals]
                    + [f"{block.done}/{block.planned}", block.percent if block.percent is not None else ""],
                    font=BOLD,
                )
            )
        sheet.append(
            styled_cells(
                sheet,
                ["合计", "", "计划/完成"]
                + [f"{c.done}/{c.planned}" for c in grid.month_totals]
                + [f"{grid.done}/{grid.planned}", grid.percent if grid.percent is not None else ""],
                font=BOLD,
            )
        )
        book.save(output)

    return xlsx_response(write, f"巡查年度计划_{year}.xlsx")


def _year_from_post(request) -> int:
    number = whole_number(request.POST.get("year", ""))
    if number is None or not EARLIEST_MONTH_YEAR <= number <= LATEST_YEAR:
        raise ValidationError({"year": "请填写年度（例如 2026）"})
    return number


def _back(year: int, month: int | None = None) -> str:
    url = reverse("inspection:patrol_plan") + f"?year={year}"
    return url + (f"&month={month}" if month else "")


@require_POST
def plan_draft(request):
    require(request.user, selectors.READ_PLAN, services.DRAFT)
    try:
        year = _year_from_post(request)
        plan = services.draft_plan(actor=request.user, year=year, note=request.POST.get("note", ""))
    except ValidationError as error:
        return bad_request(request, PLAN_TEMPLATE, error, **_plan_context(request, *_today()))
    messages.success(request, f"已按默认次数编制{plan.year}年巡查年度计划，请逐片区调整后报中心主任批准")
    return redirect(_back(plan.year))


def _area_from(request, data) -> ServiceArea:
    pk = object_id(data.get("area", ""))
    area = ServiceArea.objects.filter(pk=pk).first() if pk else None
    if area is None:
        raise ValidationError({"area": "请选择片区"})
    return area


def plan_edit(request, pk: int):
    """The bulk edit of one area: seven target types × twelve months of planned counts."""
    plan = selectors.plan_for(request.user, pk)
    require(request.user, services.CHANGE)
    data = request.POST if request.method == "POST" else request.GET
    areas = ServiceArea.objects.filter(active=True).order_by("code")
    try:
        area = _area_from(request, data) if data.get("area") else areas.first()
        if area is None:
            raise ValidationError({"area": "还没有启用的服务片区"})
    except ValidationError as error:
        return bad_request(request, PLAN_TEMPLATE, error, **_plan_context(request, plan.year, 1))
    planned = selectors.planned_counts(plan)
    done = selectors.done_counts(plan.year)
    error = ""
    values: dict[str, str] = {}
    if request.method == "POST":
        lines, problems = [], []
        for code, label in TargetType.choices:
            for month in selectors.MONTHS:
                name = f"p_{code}_{month}"
                text = (request.POST.get(name) or "").strip()
                values[name] = text
                number = whole_number(text or "0")
                if number is None:
                    problems.append(f"{label}{month}月的计划次数「{text[:10]}」不是整数")
                    continue
                lines.append(services.Line(area, code, month, number))
        try:
            if problems:
                raise ValidationError({"planned": "；".join(problems)})
            services.set_lines(actor=request.user, plan=plan, lines=lines)
        except ValidationError as problem:
            error = error_text(problem)
        else:
            messages.success(request, f"已保存{area}的巡查计划")
            return redirect(_back(plan.year))
    rows = [
        {
            "code": code,
            "label": label,
            "cells": [
                {
                    "month": m,
                    "name": f"p_{code}_{m}",
                    "value": values.get(f"p_{code}_{m}", planned.get((area.pk, code, m), 0)),
                    "done": done.get((area.pk, code, m), 0),
                }
                for m in selectors.MONTHS
            ],
        }
        for code, label in TargetType.choices
    ]
    return render(
        request,
        "inspection/patrol_plan_edit.html",
        {
            "plan": plan,
            "area": area,
            "areas": areas,
            "rows": rows,
            "months": list(selectors.MONTHS),
            "error": error,
        },
        status=400 if error else 200,
    )


@require_POST
def plan_split(request, pk: int):
    plan = selectors.plan_for(request.user, pk)
    require(request.user, services.CHANGE)
    try:
        area = _area_from(request, request.POST)
        yearly = whole_number(request.POST.get("yearly", ""))
        if yearly is None:
            raise ValidationError({"yearly": "请填写全年次数（整数）"})
        services.split_year(
            actor=request.user,
            plan=plan,
            area=area,
            target_type=request.POST.get("target_type", ""),
            yearly=yearly,
        )
    except ValidationError as error:
        return bad_request(request, PLAN_TEMPLATE, error, **_plan_context(request, plan.year, 1))
    label = dict(TargetType.choices).get(request.POST.get("target_type"), "")
    messages.success(request, f"已将{area}{label}全年{yearly}次平均分配到12个月")
    return redirect(_back(plan.year))


@require_POST
def plan_approve(request, pk: int):
    plan = selectors.plan_for(request.user, pk)
    try:
        services.approve_plan(actor=request.user, plan=plan)
    except ValidationError as error:
        return bad_request(request, PLAN_TEMPLATE, error, **_plan_context(request, plan.year, 1))
    messages.success(request, f"已批准{plan.year}年巡查年度计划")
    return redirect(_back(plan.year))


# ---------------------------------------------------------------- patrols


def _filters(request) -> dict:
    errors = []
    start = end = None
    month_text = (request.GET.get("month") or "").strip()
    if month_text:
        try:
            period = periods.parse_month(month_text)
            start, end = period.start, period.end
        except ValidationError as error:
            errors.append(error_text(error))
    target_type = request.GET.get("target_type", "")
    return {
        "query": (request.GET.get("q") or "").strip()[:50],
        "area": object_id(request.GET.get("area")),
        "target_type": target_type if target_type in TargetType.values else "",
        "start": start,
        "end": end,
        "month": month_text[:10],
        "inspector": object_id(request.GET.get("inspector")),
        "order": request.GET.get("sort", "-patrolled_on"),
        "errors": errors,
    }


def _rows(request, filters: dict):
    return selectors.patrols(
        request.user,
        query=filters["query"],
        area=filters["area"],
        target_type=filters["target_type"],
        start=filters["start"],
        end=filters["end"],
        inspector=filters["inspector"],
        order=filters["order"],
    )


def _list_context(request, filters: dict) -> dict:
    rows = _rows(request, filters)
    return {
        "page": Paginator(rows, PER_PAGE).get_page(request.GET.get("page")),
        "filters": filters,
        "areas": ServiceArea.objects.filter(active=True).order_by("code"),
        "target_types": TargetType.choices,
        "inspectors": services.active_inspectors(),
        "sorts": selectors.SORTS,
        "can_record": can(request.user, services.RECORD),
    }


def patrol_list(request):
    require(request.user, selectors.READ_PATROL)
    filters = _filters(request)
    if filters["errors"]:
        filters["month"] = ""
        return bad_request(
            request,
            "inspection/patrols.html",
            "；".join(filters["errors"]),
            **_list_context(request, filters),
        )
    return render(request, "inspection/patrols.html", _list_context(request, filters))


def patrol_export(request):
    require(request.user, selectors.READ_PATROL)
    filters = _filters(request)
    if filters["errors"]:
        filters["month"] = ""
        return bad_request(
            request,
            "inspection/patrols.html",
            "；".join(filters["errors"]),
            **_list_context(request, filters),
        )
    rows = _rows(request, filters)

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet("巡查记录")
        set_widths(sheet, [12, 12, 26, 20, 36, 40, 10, 17])
        headers = ["巡查日期", "片区", "巡查对象", "稽查人员", "巡查地点", "巡查情况", "记录人", "登记时间"]
        sheet.append(styled_cells(sheet, headers, font=BOLD, fill=HEADER_FILL))
        for patrol in rows[:10_000]:
            sheet.append(
                [
                    f"{patrol.patrolled_on:%Y-%m-%d}",
                    str(patrol.area),
                    patrol.get_target_type_display(),
                    "、".join(str(p) for p in patrol.inspectors.all()),
                    patrol.places,
                    patrol.findings,
                    str(patrol.recorded_by),
                    local_minute(patrol.created_at),
                ]
            )
        book.save(output)

    return xlsx_response(write, f"巡查记录_{timezone.localdate():%Y%m%d}.xlsx")


def _form(request, *, errors=None, status=200):
    post = request.POST if request.method == "POST" else None
    chosen = set()
    if post is not None:
        chosen = {object_id(v) for v in post.getlist("inspectors")} - {None}
    elif request.user.role == Role.FIELD_INSPECTOR:
        chosen = {request.user.pk}
    return render(
        request,
        "inspection/patrol_form.html",
        {
            "values": post,
            "errors": errors or {},
            "areas": ServiceArea.objects.filter(active=True).order_by("code"),
            "target_types": TargetType.choices,
            "inspectors": services.active_inspectors(),
            "chosen": chosen,
            "today": timezone.localdate(),
            "preset_area": object_id(request.GET.get("area")),
            "preset_type": request.GET.get("target_type", ""),
        },
        status=status,
    )


def patrol_create(request):
    require(request.user, selectors.READ_PATROL, services.RECORD)
    if request.method != "POST":
        return _form(request)
    post = request.POST
    errors: dict = {}
    day: date | None = None
    try:
        day = parse_day(post.get("patrolled_on", ""))
    except ValueError:
        errors["patrolled_on"] = [
            f"巡查日期「{post.get('patrolled_on', '')[:20]}」不是有效日期（YYYY-MM-DD）"
        ]
    ids = {object_id(v) for v in post.getlist("inspectors")} - {None}
    people = list(User.objects.filter(pk__in=ids))
    area_pk = object_id(post.get("area"))
    area = ServiceArea.objects.filter(pk=area_pk).first() if area_pk else None
    if errors:
        return _form(request, errors=errors, status=400)
    try:
        patrol = services.record_patrol(
            actor=request.user,
            area=area,
            target_type=post.get("target_type", ""),
            patrolled_on=day,
            inspectors=people,
            places=post.get("places", ""),
            findings=post.get("findings", ""),
        )
    except ValidationError as error:
        return _form(request, errors=error.message_dict, status=400)
    messages.success(
        request, f"已登记{patrol.patrolled_on:%m月%d日}{patrol.area}{patrol.get_target_type_display()}巡查"
    )
    return redirect("inspection:patrol", pk=patrol.pk)


# A patrol finding becomes a case (第二条 范围) of these kinds; the cases subject owns the case itself.
PATROL_CASE_KINDS = [
    (code, label)
    for code, label in CaseKind.choices
    if code in (CaseKind.WATER_THEFT, CaseKind.HYDRANT, CaseKind.FACILITY_DAMAGE, CaseKind.PRICE_CATEGORY)
]


def _patrol_page(request, patrol, *, error: str = "", status: int = 200):
    cases = list(patrol.cases.all()) if request.user.has_perm("inspection.view_case") else []
    return render(
        request,
        "inspection/patrol.html",
        {
            "patrol": patrol,
            "inspectors": list(patrol.inspectors.all()),
            "cases": cases,
            "can_open_case": can(request.user, "inspection.add_case"),
            "case_kinds": PATROL_CASE_KINDS,
            "error": error,
            "values": request.POST if request.method == "POST" else None,
        },
        status=status,
    )


def patrol_detail(request, pk: int):
    return _patrol_page(request, selectors.patrol_for(request.user, pk))


@require_POST
def patrol_open_case(request, pk: int):
    """立案 from a patrol finding: the cases subject's open_case with the patrol, its area and inspectors."""
    from kefu.inspection.services.cases import open_case

    patrol = selectors.patrol_for(request.user, pk)
    require(request.user, "inspection.add_case")
    kind = request.POST.get("kind", "")
    try:
        if kind not in dict(PATROL_CASE_KINDS):
            raise ValidationError({"kind": "请选择案件类型"})
        case = open_case(
            actor=request.user,
            kind=kind,
            source=Case.Source.PATROL,
            address=(request.POST.get("address") or patrol.places)[:200],
            summary=request.POST.get("summary", ""),
            area=patrol.area,
            patrol=patrol,
            inspectors=[p for p in patrol.inspectors.all() if p.is_active and p.role == Role.FIELD_INSPECTOR],
        )
    except ValidationError as error:
        return _patrol_page(request, patrol, error=error_text(error), status=400)
    messages.success(request, f"已由巡查发现立案{case.number}")
    try:
        return redirect(reverse("inspection:case", args=[case.pk]))
    except NoReverseMatch:
        return redirect("inspection:patrol", pk=patrol.pk)


urlpatterns = [
    path("patrols/plan/", plan_page, name="patrol_plan"),
    path("patrols/plan/export.xlsx", plan_export, name="patrol_plan_export"),
    path("patrols/plan/print/", plan_print, name="patrol_plan_print"),
    path("patrols/plan/draft/", plan_draft, name="patrol_plan_draft"),
    path("patrols/plan/<int:pk>/edit/", plan_edit, name="patrol_plan_edit"),
    path("patrols/plan/<int:pk>/split/", plan_split, name="patrol_plan_split"),
    path("patrols/plan/<int:pk>/approve/", plan_approve, name="patrol_plan_approve"),
    path("patrols/", patrol_list, name="patrols"),
    path("patrols/export.xlsx", patrol_export, name="patrols_export"),
    path("patrols/new/", patrol_create, name="patrol_create"),
    path("patrols/<int:pk>/", patrol_detail, name="patrol"),
    path("patrols/<int:pk>/open-case/", patrol_open_case, name="patrol_open_case"),
]
