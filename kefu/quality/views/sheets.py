"""The appraisal sheet page (Q2, Q4) — every line grouped by kind with its evidence, every step of the
computation, the forms to add and void lines and to adjust, recomputed live in the browser through the
preview API (static/quality/sheet.js) — and the catalogue, exam scores and complaint findings pages."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.core.actions import unknown_action
from kefu.core.excel import streaming_sheet, xlsx_response
from kefu.core.params import object_id, parse_day, parse_month, whole_number
from kefu.core.permissions import can, require
from kefu.core.policies import policy
from kefu.core.responses import bad_request
from kefu.hotline.models import WorkOrder
from kefu.quality import rules
from kefu.quality.computation import KIND_LABELS
from kefu.quality.models import (
    AppraisalItem,
    AppraisalLine,
    AppraisalMonth,
    ComplaintFinding,
    ExamScore,
    ItemKind,
)
from kefu.quality.permissions_sheets import get_sheet_for
from kefu.quality.selectors_mine import APPRAISED_ROLES
from kefu.quality.services import catalogue as catalogue_services
from kefu.quality.services import complaints as complaint_services
from kefu.quality.services import exams as exam_services
from kefu.quality.services import sheets as services

PER_PAGE = 50
KIND_ORDER = [kind for kind, _label in ItemKind.choices]


# ---- the sheet


def _may_write(user, sheet, permission: str) -> bool:
    if sheet.appraisal_month.status == AppraisalMonth.Status.LOCKED:
        return False
    try:
        services.check_writer(sheet, user, permission)
    except PermissionDenied:
        return False
    return True


def _sheet_context(request, sheet) -> dict:
    lines = list(sheet.lines.select_related("item", "entered_by").order_by("occurred_on", "id"))
    groups = [
        {"kind": kind, "label": KIND_LABELS[kind], "lines": [line for line in lines if line.kind == kind]}
        for kind in KIND_ORDER
    ]
    may_add = _may_write(request.user, sheet, "quality.add_appraisalline")
    may_adjust = (
        sheet.person.role == Role.TEAM_LEADER
        and sheet.appraisal_month.status != AppraisalMonth.Status.LOCKED
        and can(request.user, "quality.adjust_appraisalsheet")
        and sheet.person_id != request.user.pk
    )
    return {
        "sheet": sheet,
        "groups": groups,
        "live_lines": [line for line in lines if not line.void],
        "may_add": may_add,
        "may_void": _may_write(request.user, sheet, "quality.change_appraisalline"),
        "may_adjust": may_adjust,
        "hand_items": AppraisalItem.objects.filter(active=True, source__in=services.HAND_SOURCES).exclude(
            source="emergency_late"
        ),
        "locked": sheet.appraisal_month.status == AppraisalMonth.Status.LOCKED,
        "month_path": f"/quality/months/{sheet.appraisal_month_id}/",
        "preview": {
            "month": f"{sheet.appraisal_month.month:%Y-%m}",
            "joined_on": f"{sheet.joined_on:%Y-%m-%d}" if sheet.joined_on else None,
            "items": [
                {"kind": line.kind, "points": line.points, "label": line.item.name}
                for line in lines
                if not line.void
            ],
            "adjustment": sheet.adjustment,
            "adjustment_reason": sheet.adjustment_reason,
            "emergency_tiers": _emergency_tiers(),
            "last_place_twice_below": any(
                services.LAST_PLACE_MARK in reason for reason in sheet.termination_reasons or []
            ),
        },
    }


def _emergency_tiers() -> list[dict]:
    """The tiers of rule quality.emergency_late_tiers with the kind of each tier's item, for the live
    preview of a line entered by minutes late."""
    items = list(AppraisalItem.objects.filter(source="emergency_late", active=True))
    tiers = []
    for bound, points in rules.parse_emergency_tiers(policy("quality.emergency_late_tiers")):
        item = next((i for i in items if i.min_points <= points <= i.max_points), None)
        tiers.append({"bound": bound, "points": points, "kind": item.kind if item else "light"})
    return tiers


def _day(value: str, field: str, errors: dict) -> date | None:
    if not (value or "").strip():
        return None
    try:
        return parse_day(value)
    except ValueError:
        errors[field] = ["日期格式应为 YYYY-MM-DD"]
        return None


def sheet_detail(request, pk: int):
    sheet = get_sheet_for(request.user, pk)
    if request.method != "POST":
        return render(request, "quality/sheet.html", _sheet_context(request, sheet))
    sheet = get_sheet_for(request.user, pk, write=True)
    action = request.POST.get("action", "")
    data = request.POST
    if action in ("add", "void"):
        permission = "quality.add_appraisalline" if action == "add" else "quality.change_appraisalline"
        services.check_writer(sheet, request.user, permission)
    elif action == "adjust":
        require(request.user, "quality.adjust_appraisalsheet")
    try:
        if action == "add":
            errors: dict[str, list[str]] = {}
            minutes = whole_number(data.get("minutes")) if data.get("minutes", "").strip() else None
            if data.get("minutes", "").strip() and minutes is None:
                errors["minutes"] = ["超时分钟应为整数"]
            item = None
            if minutes is None:
                item = AppraisalItem.objects.filter(pk=object_id(data.get("item"))).first()
                if item is None:
                    errors["item"] = ["请选择考核项目"]
            points = whole_number(data.get("points")) if data.get("points", "").strip() else None
            if data.get("points", "").strip() and (points is None or points > 1000):
                errors["points"] = ["分值应为整数"]
            occurred_on = _day(data.get("occurred_on", ""), "occurred_on", errors)
            if errors:
                raise ValidationError(errors)
            services.add_line(
                sheet=sheet,
                actor=request.user,
                item=item,
                points=points,
                note=data.get("note", "")[:300],
                occurred_on=occurred_on,
                minutes=minutes,
            )
            messages.success(request, "已录入考核项并重新计算")
        elif action == "void":
            line = AppraisalLine.objects.filter(sheet=sheet, pk=object_id(data.get("line"))).first()
            if line is None:
                raise ValidationError({"line": ["考核明细不存在"]})
            services.void_line(line=line, actor=request.user, reason=data.get("reason", "")[:300])
            messages.success(request, "已作废该项并重新计算")
        elif action == "adjust":
            text = (data.get("adjustment") or "0").strip()
            number = whole_number(text.lstrip("-+"))
            if number is None or number > 1000:
                raise ValidationError({"adjustment": ["额外奖惩应为整数"]})
            adjustment = -number if text.startswith("-") else number
            services.adjust(
                sheet=sheet, actor=request.user, adjustment=adjustment, reason=data.get("reason", "")[:300]
            )
            messages.success(request, "已保存额外奖惩并重新计算")
        else:
            raise unknown_action(action, ["add", "void", "adjust"], "考核表")
    except ValidationError as error:
        sheet = get_sheet_for(request.user, pk)
        return bad_request(request, "quality/sheet.html", error, **_sheet_context(request, sheet))
    return redirect("quality:sheet", pk=sheet.pk)


# ---- the catalogue


def catalogue(request):
    require(request.user, "quality.view_appraisalitem")
    items = AppraisalItem.objects.all()
    q = (request.GET.get("q") or "").strip()[:50]
    kind = request.GET.get("kind", "")
    if q:
        items = items.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(clause__icontains=q))
    if kind in ItemKind.values:
        items = items.filter(kind=kind)
    context = {
        "items": items.order_by("position", "code"),
        "q": q,
        "kind": kind,
        "kinds": ItemKind.choices,
        "may_change": can(request.user, "quality.change_appraisalitem"),
        "may_add": can(request.user, "quality.add_appraisalitem"),
    }
    if request.method != "POST":
        return render(request, "quality/catalogue.html", context)
    data = request.POST
    try:
        if data.get("action") == "add":
            catalogue_services.add_item(
                actor=request.user,
                code=data.get("code", "")[:40],
                name=data.get("name", "")[:100],
                kind=data.get("kind", ""),
                min_points=whole_number(data.get("min_points")),
                max_points=whole_number(data.get("max_points")),
                clause=data.get("clause", "")[:200],
            )
            messages.success(request, "已新增考核项目")
        elif data.get("action") == "change":
            require(request.user, "quality.change_appraisalitem")
            item = AppraisalItem.objects.filter(pk=object_id(data.get("item"))).first()
            if item is None:
                raise ValidationError({"item": ["考核项目不存在"]})
            catalogue_services.change_item(
                actor=request.user,
                item=item,
                name=data.get("name", "")[:100],
                min_points=whole_number(data.get("min_points")),
                max_points=whole_number(data.get("max_points")),
                clause=data.get("clause", "")[:200],
                active=data.get("active") == "1",
            )
            messages.success(request, f"已保存“{item.name}”")
        else:
            raise unknown_action(data.get("action", ""), ["add", "change"], "考核项目")
    except ValidationError as error:
        return bad_request(request, "quality/catalogue.html", error, **context)
    return redirect("quality:catalogue")


# ---- exam scores


def _month_of(request) -> tuple[date, str | None]:
    text = request.POST.get("month") or request.GET.get("month")
    today = timezone.localdate()
    if not text:
        return date(today.year, today.month, 1), None
    try:
        year, month = parse_month(text)
    except ValidationError as error:
        return date(today.year, today.month, 1), "；".join(error.messages)
    return date(year, month, 1), None


def _appraised_people():
    return User.objects.filter(is_active=True, role__in=APPRAISED_ROLES).order_by("employee_no", "username")


def exams(request):
    require(request.user, "quality.view_examscore")
    month, problem = _month_of(request)
    rows = ExamScore.objects.filter(month=month).select_related("person", "entered_by")
    q = (request.GET.get("q") or "").strip()[:50]
    if q:
        rows = rows.filter(Q(person__name__icontains=q) | Q(person__employee_no__icontains=q))
    sort = request.GET.get("sort", "person")
    rows = rows.order_by({"score": "score", "-score": "-score"}.get(sort, "person__employee_no"), "person_id")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "month": month,
        "page": page,
        "q": q,
        "sort": sort,
        "people": _appraised_people(),
        "may_add": can(request.user, "quality.add_examscore"),
        "full_marks": policy("quality.exam_full_marks"),
        "pass_mark": policy("quality.exam_pass_mark"),
    }
    if problem:
        return bad_request(request, "quality/exams.html", problem, **context)
    if request.method != "POST":
        return render(request, "quality/exams.html", context)
    require(request.user, "quality.add_examscore")
    person = _appraised_people().filter(pk=object_id(request.POST.get("person"))).first()
    score = whole_number(request.POST.get("score"))
    try:
        if person is None:
            raise ValidationError({"person": ["请选择考生"]})
        if score is None or score > 100000:
            raise ValidationError({"score": ["成绩应为整数"]})
        exam_services.record_score(actor=request.user, month=month, person=person, score=score)
    except ValidationError as error:
        return bad_request(request, "quality/exams.html", error, **context)
    messages.success(request, f"已录入{person}的考试成绩{score}分")
    return redirect(f"/quality/exams/?month={month:%Y-%m}")


def _exam_rows(request, month: date):
    rows = ExamScore.objects.filter(month=month).select_related("person", "entered_by")
    q = (request.GET.get("q") or "").strip()[:50]
    if q:
        rows = rows.filter(Q(person__name__icontains=q) | Q(person__employee_no__icontains=q))
    return rows.order_by("person__employee_no", "person_id")


def exams_export(request):
    require(request.user, "quality.view_examscore")
    month, problem = _month_of(request)
    if problem:
        return bad_request(request, "quality/exams.html", problem, month=month, people=[])
    rows = _exam_rows(request, month)
    full, pass_mark = policy("quality.exam_full_marks"), policy("quality.exam_pass_mark")

    def write(output):
        sheet = streaming_sheet(
            output, "月度考试成绩", ["工号", "姓名", "成绩", "考核", "录入人"], [12, 12, 8, 14, 12]
        )
        for exam in rows.iterator(chunk_size=2000):
            verdict = "满分加分" if exam.score >= full else ("不及格扣分" if exam.score < pass_mark else "")
            sheet.append(
                [exam.person.employee_no or "", str(exam.person), exam.score, verdict, str(exam.entered_by)]
            )
        sheet.close()

    return xlsx_response(write, f"月度考试成绩_{month:%Y%m}.xlsx")


# ---- complaint findings


def _findings(request):
    q = (request.GET.get("q") or "").strip()[:50]
    rows = ComplaintFinding.objects.select_related("work_order", "person", "decided_by")
    if q:
        rows = rows.filter(
            Q(work_order__number__icontains=q) | Q(person__name__icontains=q) | Q(note__icontains=q)
        )
    valid = request.GET.get("valid", "")
    if valid in ("1", "0"):
        rows = rows.filter(valid=valid == "1")
    return rows.order_by("-occurred_on", "-id"), q, valid


def complaints_export(request):
    require(request.user, "quality.view_complaintfinding")
    rows, _q, _valid = _findings(request)

    def write(output):
        sheet = streaming_sheet(
            output,
            "投诉认定",
            ["投诉日期", "工单号", "被投诉人", "认定", "口角争执", "认定意见", "认定人"],
            [12, 16, 12, 8, 10, 40, 12],
        )
        for c in rows.iterator(chunk_size=2000):
            sheet.append(
                [
                    c.occurred_on,
                    c.work_order.number,
                    str(c.person),
                    "有效" if c.valid else "无效",
                    "是" if c.quarrel else "",
                    c.note,
                    str(c.decided_by),
                ]
            )
        sheet.close()

    return xlsx_response(write, f"投诉认定_{timezone.localdate():%Y%m%d}.xlsx")


def complaints(request):
    require(request.user, "quality.view_complaintfinding")
    rows, q, valid = _findings(request)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    found = set(ComplaintFinding.objects.values_list("work_order_id", flat=True))
    pending = (
        complaint_services.complaint_orders()
        .exclude(pk__in=found)
        .select_related("contact", "category", "owner")
        .order_by("-created_at")[:30]
    )
    context = {
        "page": page,
        "q": q,
        "valid": valid,
        "pending": pending,
        "people": _appraised_people(),
        "may_add": can(request.user, "quality.add_complaintfinding"),
    }
    if request.method != "POST":
        return render(request, "quality/complaints.html", context)
    require(request.user, "quality.add_complaintfinding")
    data = request.POST
    number = (data.get("work_order") or "").strip()[:20]
    order = complaint_services.complaint_orders().filter(number=number).select_related("contact").first()
    if order is None:
        order = WorkOrder.objects.filter(number=number).select_related("contact", "category").first()
    person = _appraised_people().filter(pk=object_id(data.get("person"))).first()
    try:
        if order is None:
            raise ValidationError({"work_order": [f"工单“{number}”不存在"]})
        if person is None:
            raise ValidationError({"person": ["请选择被投诉人"]})
        complaint_services.record_finding(
            actor=request.user,
            work_order=order,
            person=person,
            valid=data.get("valid") == "1",
            quarrel=data.get("quarrel") == "1",
            note=data.get("note", "")[:300],
        )
    except ValidationError as error:
        return bad_request(request, "quality/complaints.html", error, **context)
    messages.success(request, f"已记录对工单{order.number}的投诉认定")
    return redirect("quality:complaints")


urlpatterns = [
    path("sheets/<int:pk>/", sheet_detail, name="sheet"),
    path("catalogue/", catalogue, name="catalogue"),
    path("exams/", exams, name="exams"),
    path("exams/export/", exams_export, name="exams_export"),
    path("complaints/", complaints, name="complaints"),
    path("complaints/export/", complaints_export, name="complaints_export"),
]
