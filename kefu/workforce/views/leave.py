"""Leave pages (S2): my requests, those waiting for me, all I may see; asking; the request with its
decisions; approving or refusing at my level; withdrawing; the sick note handed to the team leader."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl.styles import Font, PatternFill

from kefu.accounts.models import Role
from kefu.core.excel import export_workbook, local_minute, set_widths, styled_cells, xlsx_response
from kefu.core.forms import add_service_errors
from kefu.core.permissions import can, require
from kefu.core.responses import error_text
from kefu.workforce import selectors_leave as selectors
from kefu.workforce.forms_leave import LeaveForm
from kefu.workforce.models import LeaveRequest
from kefu.workforce.services import leave as services

PER_PAGE = 30
EXPORT_LIMIT = 10_000
READ = "workforce.view_leaverequest"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")


def _tabs(user) -> list[tuple[str, str]]:
    tabs = [("mine", "我的请假")]
    if can(user, "workforce.approve_leaverequest"):
        tabs.append(("awaiting", "待我审批"))
    if user.is_superuser or user.role in (Role.TEAM_LEADER, *selectors.SEES_ALL):
        tabs.append(("all", "全部"))
    return tabs


def _chosen(request) -> tuple[str, list[tuple[str, str]]]:
    tabs = _tabs(request.user)
    codes = [code for code, _label in tabs]
    tab = request.GET.get("tab", "")
    if tab not in codes:
        tab = "awaiting" if "awaiting" in codes else "mine"
    return tab, tabs


def _rows(user, tab: str, q: str):
    rows = {"mine": selectors.mine, "awaiting": selectors.awaiting, "all": selectors.visible_to}[tab](user)
    return selectors.search(rows, q).order_by("-starts_at", "-id")


def leave_list(request):
    require(request.user, READ)
    tab, tabs = _chosen(request)
    q = (request.GET.get("q") or "").strip()[:50]
    page = Paginator(_rows(request.user, tab, q), PER_PAGE).get_page(request.GET.get("page"))
    for leave in page.object_list:
        leave.waiting_for = services.current_level_label(leave)
    return render(
        request,
        "workforce/leave_list.html",
        {
            "page": page,
            "tab": tab,
            "tabs": tabs,
            "q": q,
            "waiting": selectors.awaiting(request.user).count() if "awaiting" in dict(tabs) else 0,
            "can_add": can(request.user, "workforce.add_leaverequest"),
        },
    )


HEADERS = [
    "请假单号",
    "请假人",
    "班组",
    "假别",
    "开始时间",
    "结束时间",
    "事由",
    "状态",
    "待审批",
    "未按时提前请假",
    "证明应交日期",
    "证明交回时间",
    "提出人",
    "提出时间",
]


def leave_export(request):
    require(request.user, READ)
    tab, _tabs_ = _chosen(request)
    q = (request.GET.get("q") or "").strip()[:50]
    rows = _rows(request.user, tab, q)

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet("请假单")
        set_widths(sheet, [14, 10, 12, 14, 17, 17, 30, 8, 12, 10, 12, 17, 10, 17])
        sheet.append(styled_cells(sheet, HEADERS, font=BOLD, fill=HEADER_FILL))
        for leave in rows[:EXPORT_LIMIT].iterator(chunk_size=1000):
            sheet.append(
                [
                    leave.number,
                    str(leave.person),
                    str(leave.person.team or ""),
                    leave.get_kind_display(),
                    local_minute(leave.starts_at),
                    local_minute(leave.ends_at),
                    leave.reason,
                    leave.get_status_display(),
                    services.current_level_label(leave),
                    "是" if leave.late_notice else "",
                    f"{leave.certificate_due_on:%Y-%m-%d}" if leave.certificate_due_on else "",
                    local_minute(leave.certificate_handed_in_at),
                    str(leave.asked_by),
                    local_minute(leave.created_at),
                ]
            )
        book.save(output)

    return xlsx_response(write, f"请假单_{timezone.localdate():%Y%m%d}.xlsx")


def leave_create(request):
    require(request.user, READ, "workforce.add_leaverequest")
    form = LeaveForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                leave = services.ask_leave(actor=request.user, person=data.pop("person", None), **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                text = f"已提交请假单 {leave.number}，待{services.current_level_label(leave)}审批"
                if leave.late_notice:
                    text += "；未按规定提前请假，须经批准方可生效，否则按旷工处理"
                messages.success(request, text)
                return redirect("workforce:leave_detail", pk=leave.pk)
        return render(request, "workforce/leave_form.html", {"form": form}, status=400)
    return render(request, "workforce/leave_form.html", {"form": form})


def leave_detail(request, pk: int):
    leave = selectors.get_leave_for(request.user, pk)
    user = request.user
    return render(
        request,
        "workforce/leave_detail.html",
        {
            "leave": leave,
            "entries": selectors.entries_of(leave),
            "decisions": leave.decisions.select_related("decided_by"),
            "levels": [services.LEVEL_LABELS.get(level, level) for level in leave.levels],
            "waiting_for": services.current_level_label(leave),
            "can_decide": not services.decide_refusal(user, leave),
            "can_withdraw": user.pk in (leave.person_id, leave.asked_by_id)
            and leave.status in (LeaveRequest.Status.REQUESTED, LeaveRequest.Status.APPROVED),
            "can_receive": leave.certificate_required
            and leave.certificate_handed_in_at is None
            and leave.status in services.OPEN
            and services.may_receive_certificate(user, leave),
            "history": selectors.history_for(leave),
        },
    )


def _after(request, leave, run, done: str):
    try:
        run()
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, done)
    return redirect("workforce:leave_detail", pk=leave.pk)


@require_POST
def leave_decide(request, pk: int):
    leave = selectors.get_leave_for(request.user, pk)
    require(request.user, "workforce.approve_leaverequest")
    approve = request.POST.get("approve") == "1"
    note = request.POST.get("note", "")
    return _after(
        request,
        leave,
        lambda: services.decide_leave(actor=request.user, leave=leave, approve=approve, note=note),
        "已同意" if approve else "已不同意，请假单审结",
    )


@require_POST
def leave_withdraw(request, pk: int):
    leave = selectors.get_leave_for(request.user, pk)
    was_approved = leave.status == LeaveRequest.Status.APPROVED
    return _after(
        request,
        leave,
        lambda: services.withdraw_leave(actor=request.user, leave=leave, note=request.POST.get("note", "")),
        "已撤销请假，班次恢复在班" if was_approved else "已撤回请假",
    )


@require_POST
def leave_certificate(request, pk: int):
    leave = selectors.get_leave_for(request.user, pk)
    return _after(
        request,
        leave,
        lambda: services.hand_in_certificate(actor=request.user, leave=leave),
        "已登记收到医疗证明",
    )
