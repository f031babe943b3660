"""Shift swap pages (换班, S3): my swaps, those awaiting my approval and the month's swap register
(换班登记表) with its Excel export and print; asking, approving or refusing, withdrawing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.core.excel import export_workbook, local_minute, set_widths, xlsx_response
from kefu.core.forms import add_service_errors
from kefu.core.params import parse_month
from kefu.core.permissions import can, require
from kefu.core.responses import bad_request, error_text
from kefu.workforce import selectors_swaps
from kefu.workforce.forms_swaps import SwapForm, shift_text
from kefu.workforce.models import ShiftSwap
from kefu.workforce.permissions_swaps import (
    can_decide,
    can_withdraw,
    get_swap_for,
    get_swap_to_decide,
    get_swap_to_withdraw,
)
from kefu.workforce.services import swaps as services

PER_PAGE = 30
TABS = {"mine": "我的换班", "awaiting": "待我批准", "register": "换班登记表"}


def _month(request) -> tuple[int, int]:
    value = request.GET.get("month", "").strip()
    if not value:
        today = timezone.localdate()
        return today.year, today.month
    return parse_month(value)


def _status(request) -> str:
    value = request.GET.get("status", "")
    return value if value in ShiftSwap.Status.values else ""


def swaps(request):
    require(request.user, "workforce.view_shiftswap")
    user = request.user
    can_approve = can(user, "workforce.approve_shiftswap")
    awaiting_count = selectors_swaps.awaiting(user).count() if can_approve else 0
    tab = request.GET.get("tab") or ("awaiting" if awaiting_count else "mine")
    if tab not in TABS:
        tab = "mine"
    context = {
        "tab": tab,
        "tabs": TABS,
        "can_add": can(user, "workforce.add_shiftswap"),
        "can_approve": can_approve,
        "statuses": ShiftSwap.Status.choices,
        "status": _status(request),
        "awaiting_count": awaiting_count,
    }
    try:
        year, month = _month(request)
    except ValidationError as error:
        context.update(month_value=request.GET.get("month", ""), page=None, tab="register")
        return bad_request(request, "workforce/swap_list.html", error, **context)
    context["month_value"] = f"{year:04d}-{month:02d}"
    if tab == "awaiting":
        rows = selectors_swaps.awaiting(user)
    elif tab == "register":
        rows = selectors_swaps.register(user, year=year, month=month, status=context["status"])
    else:
        rows = selectors_swaps.mine(user)
        if context["status"]:
            rows = rows.filter(status=context["status"])
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    names = selectors_swaps.approver_names(page.object_list)
    context["page"] = page
    context["rows"] = [(swap, selectors_swaps.approvals(swap, names)) for swap in page.object_list]
    return render(request, "workforce/swap_list.html", context)


def swap_create(request):
    require(request.user, "workforce.view_shiftswap", "workforce.add_shiftswap")
    form = SwapForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            swap = services.ask_swap(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"换班申请{swap.number}已提交，待批准后排班生效")
            return redirect("workforce:swap_detail", pk=swap.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "workforce/swap_form.html", {"form": form, "title": "申请换班"}, status=status)


def swap_detail(request, pk: int):
    swap = get_swap_for(request.user, pk)
    return render(request, "workforce/swap_detail.html", _detail_context(request.user, swap))


def _detail_context(user, swap: ShiftSwap) -> dict:
    return {
        "swap": swap,
        "given": shift_text(swap.given_entry),
        "taken": shift_text(swap.taken_entry) if swap.taken_entry_id else "",
        "approvals": selectors_swaps.approvals(swap),
        "can_decide": can_decide(user, swap),
        "can_withdraw": can_withdraw(user, swap),
        "history": selectors_swaps.history_for(swap),
        "entries": swap.entries.select_related("person", "shift").order_by("starts_at", "pk"),
    }


@require_POST
def swap_decide(request, pk: int):
    swap = get_swap_to_decide(request.user, pk)
    decision = request.POST.get("decision", "")
    if decision not in ("approve", "refuse"):
        return bad_request(
            request, "workforce/swap_detail.html", "请选择同意或不同意", **_detail_context(request.user, swap)
        )
    try:
        services.decide_swap(
            actor=request.user, swap=swap, approve=decision == "approve", note=request.POST.get("note", "")
        )
    except ValidationError as error:
        return bad_request(
            request, "workforce/swap_detail.html", error, **_detail_context(request.user, swap)
        )
    swap.refresh_from_db()
    if swap.status == ShiftSwap.Status.APPROVED:
        messages.success(request, f"换班{swap.number}已批准，排班已调整")
    elif swap.status == ShiftSwap.Status.REFUSED:
        messages.success(request, f"已不同意换班{swap.number}")
    else:
        messages.success(request, f"已同意，换班{swap.number}还需其他批准人同意")
    return redirect("workforce:swap_detail", pk=swap.pk)


@require_POST
def swap_withdraw(request, pk: int):
    swap = get_swap_to_withdraw(request.user, pk)
    try:
        services.withdraw_swap(actor=request.user, swap=swap, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"换班申请{swap.number}已撤回")
    return redirect("workforce:swap_detail", pk=swap.pk)


REGISTER_HEADERS = [
    "登记号",
    "换班人",
    "对方",
    "换出的班",
    "换入的班",
    "还班",
    "事由",
    "双方交待事项",
    "批准人",
    "状态",
    "申请时间",
    "审结时间",
]


def _register_rows(user, year: int, month: int, status: str):
    swaps = list(selectors_swaps.register(user, year=year, month=month, status=status))
    names = selectors_swaps.approver_names(swaps)
    for swap in swaps:
        approvals = selectors_swaps.approvals(swap, names)
        yield (
            swap,
            [
                swap.number,
                str(swap.requester),
                str(swap.colleague),
                shift_text(swap.given_entry),
                shift_text(swap.taken_entry) if swap.taken_entry_id else "对方替班，日后还班",
                swap.returns.number if swap.returns_id else "",
                swap.reason,
                swap.handover_note,
                "、".join(f"{a.user}（{'已同意' if a.approved else '待批准'}）" for a in approvals),
                swap.get_status_display(),
                local_minute(swap.created_at),
                local_minute(swap.decided_at),
            ],
        )


def _bad_register(request, error):
    require(request.user, "workforce.view_shiftswap")
    context = {"tab": "register", "tabs": TABS, "page": None, "month_value": request.GET.get("month", "")}
    return bad_request(request, "workforce/swap_list.html", error, **context)


def swap_register_export(request):
    require(request.user, "workforce.view_shiftswap")
    try:
        year, month = _month(request)
    except ValidationError as error:
        return _bad_register(request, error)
    rows = [values for _swap, values in _register_rows(request.user, year, month, _status(request))]

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet(f"换班登记表{year}-{month:02d}")
        set_widths(sheet, [14, 10, 10, 26, 30, 14, 24, 24, 30, 8, 17, 17])
        sheet.append(REGISTER_HEADERS)
        for values in rows:
            sheet.append(values)
        book.save(output)

    return xlsx_response(write, f"换班登记表-{year}{month:02d}.xlsx")


def swap_register_print(request):
    require(request.user, "workforce.view_shiftswap")
    try:
        year, month = _month(request)
    except ValidationError as error:
        return _bad_register(request, error)
    return render(
        request,
        "workforce/swap_register_print.html",
        {
            "year": year,
            "month": month,
            "month_value": f"{year:04d}-{month:02d}",
            "rows": list(_register_rows(request.user, year, month, _status(request))),
            "printed_at": timezone.localtime(),
        },
    )
