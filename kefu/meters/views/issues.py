"""The issue pages (M3): the store keeper's issue form (with what blocks the branch shown before it is
sent), the list of 领表单 with search, filters, paging and Excel, one issue with its history, the printable
领表单, and bulk-collection appointments (list, booking, cancelling) for the branches and the store."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl.styles import Font, PatternFill

from kefu.accounts.models import Unit
from kefu.core import params
from kefu.core.events import events_for, verb_label
from kefu.core.excel import export_workbook, local_minute, set_widths, styled_cells, xlsx_response
from kefu.core.forms import add_service_errors
from kefu.core.permissions import can, require
from kefu.core.policies import policies
from kefu.core.responses import bad_request, error_text
from kefu.customers.models import branch_scope
from kefu.meters import papers as paper_rules
from kefu.meters import selectors_issues as selectors
from kefu.meters.forms_issues import AppointmentForm, IssueForm, branches
from kefu.meters.models import IssueAppointment, MeterIssue, Purpose, Replacement
from kefu.meters.permissions import fetch, visible
from kefu.meters.services import issues as services

PER_PAGE = 30
BULK_RULES = ("meters.bulk_issue_threshold", "meters.bulk_issue_max")
PRINT_HEADINGS = {
    Purpose.NEW_CONNECTION: "安装单位领表单",
    Purpose.AGE_REPLACEMENT: "换表领表单",
    Purpose.URGENT_REPLACEMENT: "换表领表单",
}
EXPORT_LIMIT = 20_000
READ = "meters.view_meterissue"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")
HEADERS = [
    "领表单号",
    "领表时间",
    "供水分公司",
    "领表人",
    "用途",
    "申请卡/换表单编号",
    "表号",
    "口径DN",
    "凭据",
    "发表人",
    "预约",
    "备注",
]
WIDTHS = [16, 17, 16, 10, 14, 18, 16, 8, 40, 10, 12, 20]


def _day(request, name: str, label: str):
    text = (request.GET.get(name) or "").strip()
    if not text:
        return None
    try:
        return params.parse_day(text)
    except ValueError:
        raise ValidationError(f"{label}「{text[:20]}」无效，应为“年-月-日”，例如 2026-02-12") from None


def _filters(request) -> dict:
    branch_id = params.object_id(request.GET.get("branch")) if request.GET.get("branch") else None
    if request.GET.get("branch") and branch_id is None:
        raise ValidationError("分公司参数无效")
    purpose = request.GET.get("purpose") or ""
    if purpose and purpose not in Purpose.values:
        raise ValidationError("用途参数无效")
    start, end = _day(request, "from", "开始日期"), _day(request, "to", "结束日期")
    if start and end and start > end:
        raise ValidationError(f"开始日期 {start} 晚于结束日期 {end}")
    return {
        "q": (request.GET.get("q") or "").strip()[:40],
        "branch_id": branch_id,
        "purpose": purpose,
        "start": start,
        "end": end,
    }


def _rows(user, filters: dict):
    return selectors.search_issues(visible(selectors.issues_for_list(), user), **filters)


def _list_context(request, **extra) -> dict:
    return {
        "branches": _visible_branches(request.user),
        "purposes": Purpose.choices,
        "q": (request.GET.get("q") or "")[:40],
        "chosen": request.GET,
        "can_issue": can(request.user, "meters.add_meterissue"),
        **extra,
    }


def _visible_branches(user):
    scope = branch_scope(user)
    rows = branches()
    return rows if scope is None else rows.filter(pk=scope)


def issue_list(request):
    require(request.user, READ)
    try:
        filters = _filters(request)
    except ValidationError as error:
        return bad_request(request, "meters/issues/list.html", error, **_list_context(request, page=None))
    page = Paginator(_rows(request.user, filters), PER_PAGE).get_page(request.GET.get("page"))
    for issue in page.object_list:
        issue.paper_names = "、".join(paper_rules.names(issue.papers))
    return render(request, "meters/issues/list.html", _list_context(request, page=page))


def issue_export(request):
    require(request.user, READ)
    try:
        filters = _filters(request)
    except ValidationError as error:
        return bad_request(request, "meters/issues/list.html", error, **_list_context(request, page=None))
    rows = _rows(request.user, filters).select_related("appointment")

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet("领表单")
        set_widths(sheet, WIDTHS)
        sheet.append(styled_cells(sheet, HEADERS, font=BOLD, fill=HEADER_FILL))
        for issue in rows[:EXPORT_LIMIT].iterator(chunk_size=1000):
            sheet.append(
                [
                    issue.number,
                    local_minute(issue.issued_at),
                    str(issue.branch),
                    str(issue.collector),
                    issue.get_purpose_display(),
                    issue.application_card,
                    issue.stock_meter.number,
                    issue.stock_meter.caliber_dn,
                    "、".join(paper_rules.names(issue.papers)),
                    str(issue.issued_by),
                    f"{issue.appointment.collect_on:%Y-%m-%d}" if issue.appointment_id else "",
                    issue.note,
                ]
            )
        book.save(output)

    return xlsx_response(write, f"领表单_{timezone.localdate():%Y%m%d}.xlsx")


def _chosen_branch(request):
    raw = request.POST.get("branch") or request.GET.get("branch")
    pk = params.object_id(raw) if raw else None
    return Unit.objects.filter(pk=pk, kind=Unit.Kind.BRANCH).first() if pk else None


def _form_context(request, form, branch) -> dict:
    today = timezone.localdate()
    caliber = params.whole_number(request.GET.get("caliber")) if request.GET.get("caliber") else None
    return {
        "form": form,
        "branch": branch,
        "branches": branches(),
        "blocking": selectors.blocking_reasons(branch, today) if branch is not None else [],
        "time_problem": services.time_problem(timezone.now()),
        "suggestions": selectors.in_stock_meters(caliber if caliber and caliber < 10_000 else None),
        "caliber": caliber or "",
        "appointment": selectors.live_appointment(branch, today) if branch is not None else None,
        "issued_today": selectors.issued_on(branch, today) if branch is not None else 0,
        **dict(zip(("threshold", "most"), policies(*BULK_RULES), strict=True)),
    }


def issue_create(request):
    require(request.user, READ, "meters.add_meterissue")
    branch = _chosen_branch(request)
    initial = {"branch": branch} if branch is not None else {}
    # from a replacement's page (?replacement=): that 换表单 and its purpose already chosen
    if branch is not None and (pk := params.object_id(request.GET.get("replacement"))):
        chosen = Replacement.objects.filter(pk=pk, branch=branch, state=Replacement.State.TO_ISSUE).first()
        if chosen is not None:
            initial["replacement"] = chosen
            urgent = chosen.kind == Replacement.Kind.URGENT
            initial["purpose"] = Purpose.URGENT_REPLACEMENT if urgent else Purpose.AGE_REPLACEMENT
    form = IssueForm(request.POST or None, branch=branch, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                issue = services.issue_meter(
                    actor=request.user,
                    branch=data["branch"],
                    collector=data["collector"],
                    stock_meter=data["stock_meter"],
                    purpose=data["purpose"],
                    application_card=data["application_card"],
                    papers=data["papers"],
                    replacement=data["replacement"],
                    process=data["process"],
                    customer=data["customer"],
                    note=data["note"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"已领出表号{issue.stock_meter.number}，领表单{issue.number}")
                return redirect("meters:issue", pk=issue.pk)
        return render(request, "meters/issues/form.html", _form_context(request, form, branch), status=400)
    return render(request, "meters/issues/form.html", _form_context(request, form, branch))


def _issue(request, pk):
    return fetch(
        MeterIssue,
        request.user,
        pk,
        permission=READ,
        label="领表单",
        related=("branch", "collector", "stock_meter", "issued_by", "customer", "process", "appointment"),
    )


def _history(target) -> list[dict]:
    return [
        {
            "at": event.occurred_at,
            "actor": str(event.actor or "系统"),
            "action": verb_label(event.verb),
            "changes": event.changes,
            "note": event.note,
        }
        for event in events_for(target)[:50]
    ]


def issue_detail(request, pk):
    issue = _issue(request, pk)
    replacement = getattr(issue, "replacement", None) if hasattr(issue, "replacement") else None
    acceptance = getattr(issue, "acceptance", None) if hasattr(issue, "acceptance") else None
    return render(
        request,
        "meters/issues/detail.html",
        {
            "issue": issue,
            "paper_names": paper_rules.names(issue.papers),
            "replacement": replacement,
            "acceptance": acceptance,
            "history": _history(issue),
        },
    )


def issue_print(request, pk):
    issue = _issue(request, pk)
    return render(
        request,
        "meters/issues/print.html",
        {
            "issue": issue,
            "papers": [(name, code in issue.papers) for code, name in _print_papers(issue)],
            "replacement": getattr(issue, "replacement", None) if hasattr(issue, "replacement") else None,
            "printed_at": timezone.now(),
            "heading": PRINT_HEADINGS.get(issue.purpose, "改表领表单"),
        },
    )


def _print_papers(issue) -> list[tuple[str, str]]:
    return [(code, paper_rules.PAPERS[code]) for code in paper_rules.allowed_for(issue.purpose)]


# --- appointments ------------------------------------------------------------------------------------------


def _may_book_any(user) -> bool:
    return can(user, "meters.add_issueappointment") or can(user, "meters.change_issueappointment")


def appointments(request):
    require(request.user, "meters.view_issueappointment")
    form = AppointmentForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if not _may_book_any(request.user):
            raise PermissionDenied("您的角色没有此项权限")
        if form.is_valid():
            data = form.cleaned_data
            try:
                appointment = services.book_appointment(
                    actor=request.user,
                    branch=data["branch"],
                    collect_on=data["collect_on"],
                    quantity=data["quantity"],
                    note=data["note"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"已预约{appointment.branch}{appointment.collect_on:%Y-%m-%d}领表{appointment.quantity}只",
                )
                return redirect("meters:appointments")
        status = 400
    rows = visible(selectors.appointments_for_list(), request.user).order_by("-collect_on", "branch__code")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.may_cancel = row.state == IssueAppointment.State.BOOKED and services.may_book(
            request.user, row.branch
        )
    return render(
        request,
        "meters/issues/appointments.html",
        {
            "page": page,
            "form": form,
            "can_book": _may_book_any(request.user),
            "rules": dict(
                zip(
                    ("threshold", "most"),
                    policies("meters.bulk_issue_threshold", "meters.bulk_issue_max"),
                    strict=True,
                )
            ),
        },
        status=status,
    )


@require_POST
def appointment_cancel(request, pk):
    appointment = fetch(
        IssueAppointment,
        request.user,
        pk,
        permission="meters.view_issueappointment",
        label="领表预约",
        related=("branch",),
    )
    try:
        services.cancel_appointment(
            actor=request.user, appointment=appointment, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"已取消{appointment.branch}{appointment.collect_on:%Y-%m-%d}的领表预约")
    return redirect("meters:appointments")


urlpatterns = [
    path("issues/", issue_list, name="issues"),
    path("issues/export/", issue_export, name="issue_export"),
    path("issues/new/", issue_create, name="issue_create"),
    path("issues/<int:pk>/", issue_detail, name="issue"),
    path("issues/<int:pk>/print/", issue_print, name="issue_print"),
    path("appointments/", appointments, name="appointments"),
    path("appointments/<int:pk>/cancel/", appointment_cancel, name="appointment_cancel"),
]
