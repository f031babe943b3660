"""Purchase plan pages (M1, seed 000 ch.4 §1): the list (by year, kind, state) with its Excel, drafting
a yearly, monthly or supplementary plan from the computed needs, the plan with its approval chain
(store keeper → center head → 投资管理部) and history, and the printable plan."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl.styles import Font, PatternFill

from kefu.core.excel import export_workbook, local_minute, set_widths, styled_cells, xlsx_response
from kefu.core.forms import add_service_errors
from kefu.core.permissions import can, require
from kefu.core.responses import error_text
from kefu.meters import selectors_store as selectors
from kefu.meters.forms_store import InvestmentApprovalForm, PlanCreateForm, quantities_from
from kefu.meters.models import PurchasePlan
from kefu.meters.permissions import fetch
from kefu.meters.services import purchases as services
from kefu.meters.services.store import received_by_caliber

PER_PAGE = 30
READ = "meters.view_purchaseplan"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")
NEED_LABELS = [
    ("replacements", "逾龄换表"),
    ("new_connections", "设计查勘（新装）"),
    ("renovations", "户表改造"),
    ("stock_shortfall", "低于库存下限"),
]


def _filters(request) -> dict:
    year = request.GET.get("year", "")
    kind = request.GET.get("kind", "")
    state = request.GET.get("state", "")
    return {
        "year": int(year) if year.isascii() and year.isdigit() and 2000 <= int(year) <= 2100 else None,
        "kind": kind if kind in PurchasePlan.Kind.values else "",
        "state": state if state in PurchasePlan.State.values else "",
    }


def plan_list(request):
    require(request.user, READ)
    filters = _filters(request)
    page = Paginator(selectors.plans(**filters), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "meters/purchases/list.html",
        {
            "page": page,
            "filters": filters,
            "kinds": PurchasePlan.Kind.choices,
            "states": PurchasePlan.State.choices,
            "years": list(PurchasePlan.objects.order_by("-year").values_list("year", flat=True).distinct()),
            "can_add": can(request.user, "meters.add_purchaseplan"),
        },
    )


LIST_HEADERS = [
    "计划编号",
    "类型",
    "年度",
    "月份",
    "状态",
    "计划数量",
    "编制人",
    "编制时间",
    "中心审核人",
    "批准日期",
    "批文号",
    "采购期限",
    "到货日期",
]


def plan_export(request):
    require(request.user, READ)
    rows = selectors.plans(**_filters(request))

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet("水表购置计划")
        set_widths(sheet, [16, 10, 8, 6, 16, 10, 10, 17, 10, 12, 16, 12, 12])
        sheet.append(styled_cells(sheet, LIST_HEADERS, font=BOLD, fill=HEADER_FILL))
        for plan in rows[:10_000]:
            sheet.append(
                [
                    plan.number,
                    plan.get_kind_display(),
                    plan.year,
                    plan.month or "",
                    plan.get_state_display(),
                    plan.total_quantity or 0,
                    str(plan.drafted_by),
                    local_minute(plan.created_at),
                    str(plan.center_approved_by or ""),
                    f"{plan.approved_on:%Y-%m-%d}" if plan.approved_on else "",
                    plan.approval_reference,
                    f"{plan.purchase_due:%Y-%m-%d}" if plan.purchase_due else "",
                    f"{plan.received_on:%Y-%m-%d}" if plan.received_on else "",
                ]
            )
        book.save(output)

    return xlsx_response(write, f"水表购置计划_{timezone.localdate():%Y%m%d}.xlsx")


def _needs_rows(needs: dict) -> list[dict]:
    return [{"caliber_dn": c, **need, "total": sum(need.values())} for c, need in needs.items()]


def _typed_quantities(post) -> dict | None:
    quantities = quantities_from(post)
    caliber, extra = (post.get("extra_caliber") or "").strip(), (post.get("extra_quantity") or "").strip()
    if caliber and extra:
        if not (caliber.isascii() and caliber.isdigit() and 15 <= int(caliber) <= 600):
            raise ValidationError({"quantity": "另加口径应为DN15–600的整数"})
        quantities[int(caliber)] = extra
    return quantities or None


def plan_create(request):
    require(request.user, READ, "meters.add_purchaseplan")
    today = timezone.localdate()
    form = PlanCreateForm(
        request.POST or request.GET or None, initial={"year": today.year, "month": today.month}
    )
    kind = form.data.get("kind") if form.is_bound else ""
    preview = None
    processes = selectors.process_needs()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        month = data.get("month") if data["kind"] == PurchasePlan.Kind.MONTHLY else None
        preview = _needs_rows(selectors.purchase_needs(year=data["year"], month=month, processes=processes))
        if request.method == "POST":
            try:
                plan = services.draft_plan(
                    actor=request.user,
                    kind=data["kind"],
                    year=data["year"],
                    month=data.get("month"),
                    quantities=_typed_quantities(request.POST),
                    note=data.get("note", ""),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"已编制购置计划 {plan.number}，核对数量后报中心负责人审核")
                return redirect("meters:purchase_plan", pk=plan.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "meters/purchases/create.html",
        {
            "form": form,
            "preview": preview,
            "kind": kind,
            "defaulted": processes.defaulted,
            "need_labels": NEED_LABELS,
        },
        status=status,
    )


def _plan(request, pk) -> PurchasePlan:
    return fetch(
        PurchasePlan,
        request.user,
        pk,
        permission=READ,
        label="购置计划",
        related=("drafted_by", "center_approved_by"),
    )


def plan_detail(request, pk: int):
    plan = _plan(request, pk)
    return _detail(request, plan)


def _detail(request, plan, *, error: str = "", status: int = 200, approval_form=None):
    user = request.user
    State = PurchasePlan.State
    lines = list(plan.lines.all())
    received = received_by_caliber(plan) if plan.state in (State.APPROVED, State.RECEIVED) else {}
    for line in lines:
        line.received = received.get(line.caliber_dn, 0)
    return render(
        request,
        "meters/purchases/detail.html",
        {
            "plan": plan,
            "lines": lines,
            "total": sum(line.quantity for line in lines),
            "error": error,
            "can_edit": plan.state in services.EDITABLE and can(user, "meters.change_purchaseplan"),
            "can_approve": plan.state == State.SUBMITTED and can(user, "meters.approve_purchaseplan"),
            "can_record": plan.state == State.CENTER_APPROVED
            and can(user, "meters.record_investment_approval"),
            "can_receive": plan.state == State.APPROVED and can(user, "meters.change_purchaseplan"),
            "approval_form": approval_form
            or InvestmentApprovalForm(initial={"approved_on": timezone.localdate()}),
            "receipts": plan.receipts.order_by("-received_on", "-id"),
            "overdue": plan.state == State.APPROVED
            and plan.purchase_due
            and plan.purchase_due < timezone.localdate(),
            "history": selectors.history([plan]),
        },
        status=status,
    )


def _act(request, plan, run, done: str):
    try:
        run()
    except ValidationError as error:
        plan.refresh_from_db()
        return _detail(request, plan, error=error_text(error), status=400)
    messages.success(request, done)
    return redirect("meters:purchase_plan", pk=plan.pk)


@require_POST
def plan_quantities(request, pk: int):
    plan = _plan(request, pk)
    require(request.user, "meters.change_purchaseplan")
    return _act(
        request,
        plan,
        lambda: services.set_quantities(
            actor=request.user,
            plan=plan,
            quantities=quantities_from(request.POST),
            note=request.POST.get("note"),
        ),
        "已保存计划数量",
    )


@require_POST
def plan_submit(request, pk: int):
    plan = _plan(request, pk)
    require(request.user, "meters.change_purchaseplan")
    return _act(
        request, plan, lambda: services.submit_plan(actor=request.user, plan=plan), "已报中心负责人审核"
    )


@require_POST
def plan_approve(request, pk: int):
    plan = _plan(request, pk)
    require(request.user, "meters.approve_purchaseplan")
    return _act(
        request,
        plan,
        lambda: services.center_approve(actor=request.user, plan=plan, note=request.POST.get("note", "")),
        "已审核通过，待投资管理部审批",
    )


@require_POST
def plan_return(request, pk: int):
    plan = _plan(request, pk)
    return _act(
        request,
        plan,
        lambda: services.return_plan(actor=request.user, plan=plan, reason=request.POST.get("reason", "")),
        "已退回表库管理员修改",
    )


@require_POST
def plan_record_approval(request, pk: int):
    plan = _plan(request, pk)
    require(request.user, "meters.record_investment_approval")
    form = InvestmentApprovalForm(request.POST)
    if not form.is_valid():
        return _detail(request, plan, error=error_text(form), status=400, approval_form=form)
    return _act(
        request,
        plan,
        lambda: services.record_investment_approval(actor=request.user, plan=plan, **form.cleaned_data),
        "已登记投资管理部审批，物贸公司开始采购",
    )


@require_POST
def plan_received(request, pk: int):
    plan = _plan(request, pk)
    require(request.user, "meters.change_purchaseplan")
    return _act(
        request, plan, lambda: services.mark_received(actor=request.user, plan=plan), "已登记采购到货"
    )


def plan_print(request, pk: int):
    plan = _plan(request, pk)
    return render(
        request,
        "meters/purchases/print.html",
        {
            "plan": plan,
            "lines": list(plan.lines.all()),
            "history": selectors.history([plan]),
            "printed_at": timezone.localtime(),
        },
    )


PLAN_HEADERS = ["口径", "逾龄换表", "设计查勘（新装）", "户表改造", "低于库存下限", "计划数量", "备注"]


def plan_lines_export(request, pk: int):
    plan = _plan(request, pk)
    lines = list(plan.lines.all())

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet("购置计划明细")
        set_widths(sheet, [10, 10, 16, 10, 14, 10, 30])
        period = f"{plan.year}年" + (f"{plan.month}月" if plan.month else "")
        sheet.append([f"{plan.number} {period}{plan.get_kind_display()}（{plan.get_state_display()}）"])
        sheet.append(styled_cells(sheet, PLAN_HEADERS, font=BOLD, fill=HEADER_FILL))
        for line in lines:
            sheet.append(
                [
                    f"DN{line.caliber_dn}",
                    line.replacements,
                    line.new_connections,
                    line.renovations,
                    line.stock_shortfall,
                    line.quantity,
                    line.note,
                ]
            )
        sheet.append(["合计", "", "", "", "", sum(line.quantity for line in lines), ""])
        book.save(output)

    return xlsx_response(write, f"水表购置计划_{plan.number}.xlsx")


urlpatterns = [
    path("plans/", plan_list, name="purchase_plans"),
    path("plans/export/", plan_export, name="purchase_plans_export"),
    path("plans/new/", plan_create, name="purchase_plan_create"),
    path("plans/<int:pk>/", plan_detail, name="purchase_plan"),
    path("plans/<int:pk>/quantities/", plan_quantities, name="purchase_plan_quantities"),
    path("plans/<int:pk>/submit/", plan_submit, name="purchase_plan_submit"),
    path("plans/<int:pk>/approve/", plan_approve, name="purchase_plan_approve"),
    path("plans/<int:pk>/return/", plan_return, name="purchase_plan_return"),
    path("plans/<int:pk>/investment-approval/", plan_record_approval, name="purchase_plan_record_approval"),
    path("plans/<int:pk>/received/", plan_received, name="purchase_plan_received"),
    path("plans/<int:pk>/print/", plan_print, name="purchase_plan_print"),
    path("plans/<int:pk>/export/", plan_lines_export, name="purchase_plan_export"),
]
