"""The replacement pages (M4–M6, ch.4 §4): the list (tabs by state, search, filters, Excel), a
replacement with its actions by state and history, the 换表报核单, the fitting with the customer's
signature, the printable 换表单 and 换表通知书, the yearly plan (with its streaming Excel export) and
its unconfigured meters, the branches' monthly plans (逾龄水表明细), the monthly report, and the
inspection tasks."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl.styles import Font, PatternFill

from kefu.core.excel import (
    export_workbook,
    local_minute,
    set_widths,
    streaming_sheet,
    styled_cells,
    xlsx_response,
)
from kefu.core.forms import add_service_errors
from kefu.core.params import page_number, parse_month
from kefu.core.permissions import can, require
from kefu.core.policies import policy
from kefu.core.responses import bad_request, error_text
from kefu.customers.models import Meter, branch_scope
from kefu.customers.permissions import visible_customers
from kefu.meters import selectors_plan
from kefu.meters import selectors_replacements as selectors
from kefu.meters.forms_replacements import FitForm, SubstituteForm, UrgentForm
from kefu.meters.models import Replacement, ReplacementPlan, TrackingTask
from kefu.meters.permissions import fetch
from kefu.meters.services import replacements as services
from kefu.meters.services import tracking

READ = "meters.view_replacement"
PER_PAGE = 30
EXPORT_LIMIT = 50_000
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")


def _year(request, field: str = "year") -> int:
    text = (request.GET.get(field) or "").strip()
    if not text:
        return timezone.localdate().year
    if not text.isdigit() or not (2000 <= int(text) <= 2100):
        raise ValidationError({field: "年度应为2000至2100之间的四位数字"})
    return int(text)


def _month(request) -> int:
    text = (request.GET.get("month") or "").strip()
    if not text:
        return timezone.localdate().month
    if not text.isdigit() or not (1 <= int(text) <= 12):
        raise ValidationError({"month": "月份应为1至12"})
    return int(text)


# ---- the list


def _list_filters(request):
    tab = request.GET.get("tab") or "open"
    if tab not in dict(selectors.TABS):
        tab = "open"
    return {
        "tab": tab,
        "q": (request.GET.get("q") or "").strip()[:50],
        "branch": request.GET.get("branch") or "",
        "kind": request.GET.get("kind") or "",
    }


def index(request):
    require(request.user, READ)
    filters = _list_filters(request)
    rows = selectors.replacements_for(request.user, **filters)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "meters/replacements/list.html",
        {
            "page": page,
            "tabs": selectors.TABS,
            "kinds": Replacement.Kind.choices,
            "branches": selectors.branches_for(request.user),
            "can_report": can(request.user, "meters.add_replacement"),
            **filters,
        },
    )


HEADERS = [
    "换表单号",
    "类型",
    "状态",
    "分公司",
    "户号",
    "户名",
    "接水点",
    "旧表表号",
    "口径",
    "抄表底数",
    "故障",
    "核查期限",
    "换表期限",
    "新表表号",
    "旧表行度",
    "换表时间",
    "停止原因",
    "不能按时完成原因",
]


def export(request):
    require(request.user, READ)
    rows = selectors.replacements_for(request.user, **_list_filters(request)).select_related(
        "meter__service_point"
    )

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet("换表单")
        set_widths(sheet, [16, 8, 12, 14, 12, 16, 14, 14, 6, 10, 10, 11, 11, 14, 10, 17, 20, 20])
        sheet.append(styled_cells(sheet, HEADERS, font=BOLD, fill=HEADER_FILL))
        for r in rows[:EXPORT_LIMIT].iterator(chunk_size=2000):
            customer = r.meter.service_point.customer
            sheet.append(
                [
                    r.number,
                    r.get_kind_display(),
                    r.get_state_display(),
                    str(r.branch),
                    customer.number,
                    customer.name,
                    r.meter.service_point.connection_point_no,
                    r.meter.number,
                    f"DN{r.meter.caliber_dn}",
                    r.plan_reading,
                    r.get_fault_display() if r.fault else "",
                    r.verify_due,
                    r.replace_due,
                    r.new_meter_number,
                    r.old_reading,
                    local_minute(r.fitted_at),
                    r.stop_reason,
                    r.delay_reason,
                ]
            )
        book.save(output)

    return xlsx_response(write, f"换表单_{timezone.localdate():%Y%m%d}.xlsx")


# ---- one replacement


def _actions(user, r: Replacement) -> dict[str, bool]:
    State = Replacement.State
    mine = branch_scope(user) in (None, r.branch_id)
    return {
        "verify": r.state == State.REPORTED and can(user, "meters.verify_replacement"),
        "delay": r.state in (State.TO_ISSUE, State.ISSUED, State.STOPPED)
        and can(user, "meters.change_replacement")
        and mine,
        "fit": r.state == State.ISSUED and can(user, "meters.fit_replacement") and mine,
        "resume": r.state == State.STOPPED and can(user, "meters.fit_replacement") and mine,
        "substitute": r.kind == Replacement.Kind.AGE
        and r.state == State.ISSUED
        and (can(user, "meters.change_replacement") or can(user, "meters.add_meterissue"))
        and mine,
        # the store's next steps, reached from the replacement itself: its new meter, its old meter back
        "issue": r.state == State.TO_ISSUE and can(user, "meters.add_meterissue"),
        "take_back": r.state == State.FITTED and can(user, "meters.add_oldmeterreturn"),
    }


def detail(request, pk):
    r = selectors.replacement_for(request.user, pk)
    actions = _actions(request.user, r)
    targets = []
    if actions["substitute"]:
        targets = list(
            Replacement.objects.filter(
                branch_id=r.branch_id,
                kind=Replacement.Kind.URGENT,
                state=Replacement.State.TO_ISSUE,
                meter__caliber_dn=r.issue.stock_meter.caliber_dn if r.issue else 0,
            ).select_related("meter")[:50]
        )
    return render(
        request,
        "meters/replacements/detail.html",
        {
            "r": r,
            "actions": actions,
            "targets": targets,
            "tasks": r.tracking_tasks.select_related("done_by"),
            "history": selectors.history_of(r),
            "substitute_form": SubstituteForm(),
        },
    )


def _after(request, r, run, done: str):
    try:
        run()
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, done)
    return redirect("meters:replacement_detail", pk=r.pk)


def _post_action(permission: str, run, done: str):
    @require_POST
    def view(request, pk):
        r = selectors.replacement_for(request.user, pk, permission=permission)
        return _after(request, r, lambda: run(request, r), done)

    return view


verify = _post_action(
    "meters.verify_replacement",
    lambda request, r: services.verify(actor=request.user, replacement=r, note=request.POST.get("note", "")),
    "已核查属实，已通知分公司换表",
)
reject = _post_action(
    "meters.verify_replacement",
    lambda request, r: services.reject(
        actor=request.user, replacement=r, reason=request.POST.get("reason", "")
    ),
    "已登记核查不属实",
)
delay = _post_action(
    "meters.change_replacement",
    lambda request, r: services.report_delay(
        actor=request.user, replacement=r, reason=request.POST.get("reason", "")
    ),
    "已反馈不能按时完成的原因",
)
stop = _post_action(
    "meters.fit_replacement",
    lambda request, r: services.stop(
        actor=request.user, replacement=r, reason=request.POST.get("reason", "")
    ),
    "已停止更换，请报告相关负责人",
)
resume = _post_action(
    "meters.fit_replacement",
    lambda request, r: services.resume(
        actor=request.user,
        replacement=r,
        note=request.POST.get("note", ""),
        plan_reading=request.POST.get("plan_reading") or None,
    ),
    "已恢复更换",
)


@require_POST
def substitute(request, pk):
    r = selectors.replacement_for(request.user, pk)
    form = SubstituteForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return redirect("meters:replacement_detail", pk=r.pk)
    target = selectors.replacement_for(request.user, form.cleaned_data["target"])
    try:
        done = services.substitute(
            actor=request.user,
            source=r,
            target=target,
            oral_report=form.cleaned_data["oral_report"],
            branch_head=form.cleaned_data["branch_head"],
            center_head=form.cleaned_data["center_head"],
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("meters:replacement_detail", pk=r.pk)
    messages.success(request, f"已将新表替代至急换换表单{done.number}（换表单已修改）")
    return redirect("meters:replacement_detail", pk=done.pk)


# ---- the urgent report (换表报核单)


def urgent(request):
    require(request.user, READ, "meters.add_replacement")
    form = UrgentForm(request.POST or None, initial={"meter_number": request.GET.get("meter", "")[:30]})
    if request.method == "POST":
        if form.is_valid():
            meter = Meter.objects.filter(
                number=form.cleaned_data["meter_number"].strip(),
                service_point__customer__in=visible_customers(request.user),
            ).first()
            if meter is None:
                form.add_error("meter_number", "没有这只水表，或不在本分公司的档案中")
            else:
                try:
                    r = services.report_urgent(
                        actor=request.user,
                        meter=meter,
                        fault=form.cleaned_data["fault"],
                        fault_note=form.cleaned_data["fault_note"],
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    messages.success(
                        request, f"已填报换表报核单{r.number}，中心应于{r.verify_due:%Y-%m-%d}前核查"
                    )
                    return redirect("meters:replacement_detail", pk=r.pk)
        return bad_request(request, "meters/replacements/urgent.html", form, form=form)
    return render(request, "meters/replacements/urgent.html", {"form": form})


# ---- the fitting (换表登记 with the 换表通知书 signed)


def fit(request, pk):
    r = selectors.replacement_for(request.user, pk, permission="meters.fit_replacement")
    form = FitForm(request.POST or None, initial={"old_seal_state": Meter.SealState.INTACT, "new_reading": 0})
    context = {
        "r": r,
        "form": form,
        "signature_required": policy("meters.require_customer_signature"),
        "stop_reasons": [],
    }
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            if data.get("new_reading") is None:
                data["new_reading"] = 0
            try:
                services.fit(actor=request.user, replacement=r, **data)
            except ValidationError as error:
                add_service_errors(form, error)
                context["stop_reasons"] = services.stop_reasons(
                    r, old_reading=data["old_reading"], old_seal_state=data["old_seal_state"]
                )
            else:
                messages.success(request, f"已登记换表，档案已启用新表{r.new_meter_number}；请按期交回旧表")
                return redirect("meters:replacement_detail", pk=r.pk)
        return bad_request(request, "meters/replacements/fit.html", form, **context)
    return render(request, "meters/replacements/fit.html", context)


# ---- printed forms


def print_form(request, pk):
    """换表单 (ch.4 §4.3.2–4.3.3, §5.1): with the new meter's number written at issue."""
    r = selectors.replacement_for(request.user, pk)
    return render(request, "meters/replacements/form_print.html", {"r": r, "today": timezone.localdate()})


def print_notice(request, pk):
    """换表通知书 (ch.4 §4.3.6, 表2)."""
    r = selectors.replacement_for(request.user, pk)
    return render(request, "meters/replacements/notice_print.html", {"r": r, "today": timezone.localdate()})


# ---- the yearly plan (M4)


def _plan_scope(request):
    """(branch_id, area_code): a branch's staff their own branch; the center any branch or area."""
    scope = branch_scope(request.user)
    branch = scope if scope is not None else None
    if scope is None and (chosen := request.GET.get("branch")):
        from kefu.core.params import object_id

        branch = object_id(chosen)
    area = (request.GET.get("area") or "").strip()[:20] or None
    return branch, area


def plan(request):
    require(request.user, READ)
    try:
        year = _year(request)
    except ValidationError as error:
        return bad_request(request, "meters/replacements/plan.html", error, lines=[], year=None)
    branch, area = _plan_scope(request)
    number = page_number(request.GET.get("page"))
    lines, has_next = selectors_plan.plan_page(
        year, branch_id=branch, area_code=area, page=number, page_size=PER_PAGE
    )
    return render(
        request,
        "meters/replacements/plan.html",
        {
            "year": year,
            "lines": lines,
            "page_no": number,
            "has_next": has_next,
            "unconfigured": selectors_plan.unconfigured_count(branch_id=branch, area_code=area),
            "branches": selectors.branches_for(request.user),
            "branch": branch or "",
            "area": area or "",
            "cycles": policy("meters.replacement_cycles"),
        },
    )


PLAN_HEADERS = ["表号", "口径", "安装日期", "应换日期", "逾期未换"]


def write_plan(output, lines, year: int) -> int:
    """The whole plan into a workbook, row by row as `plan_lines` yields it (no list), through the
    shared streaming sheet (XlsxWriter's constant-memory mode: ≈27,000 rows/s on the loaded 2-core
    machine where openpyxl wrote ≈6,000; bench/bench_meters.py)."""
    sheet = streaming_sheet(output, f"{year}年逾龄换表计划", PLAN_HEADERS, [18, 8, 12, 12, 10])
    append = sheet.append
    for line in lines:
        append(
            (
                line.meter_number,
                line.caliber_dn,
                line.installed_on,
                line.due_on,
                "是" if line.carried_over else None,
            )
        )
    return sheet.close()


def plan_export(request):
    require(request.user, READ)
    try:
        year = _year(request)
    except ValidationError as error:
        return bad_request(request, "meters/replacements/plan.html", error, lines=[], year=None)
    branch, area = _plan_scope(request)
    lines = selectors_plan.plan_lines(year, branch_id=branch, area_code=area)
    return xlsx_response(lambda output: write_plan(output, lines, year), f"逾龄换表计划_{year}.xlsx")


def unconfigured(request):
    require(request.user, READ)
    branch, area = _plan_scope(request)
    page = Paginator(
        selectors_plan.unconfigured(branch_id=branch, area_code=area).select_related(
            "service_point__customer"
        ),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "meters/replacements/unconfigured.html",
        {"page": page, "cycles": policy("meters.replacement_cycles")},
    )


# ---- monthly plans (ch.4 §4.1.2)


def month_plans(request):
    require(request.user, "meters.view_replacementplan")
    if request.method == "POST":
        require(request.user, "meters.add_replacementplan")
        branch = selectors.branches_for(request.user).filter(pk=request.POST.get("branch") or 0).first()
        if branch is None and request.user.unit_id:
            branch = selectors.branches_for(request.user).filter(pk=request.user.unit_id).first()
        try:
            if branch is None:
                raise ValidationError({"branch": "请选择供水分公司"})
            year, month = parse_month(request.POST.get("month"))
            new_plan = services.draft_plan(actor=request.user, branch=branch, year=year, month=month)
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect("meters:replacement_month_plans")
        return redirect("meters:replacement_month_plan", pk=new_plan.pk)
    page = Paginator(selectors.plans_for(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "meters/replacements/month_plans.html",
        {
            "page": page,
            "branches": selectors.branches_for(request.user),
            "can_draft": can(request.user, "meters.add_replacementplan"),
            "this_month": f"{timezone.localdate():%Y-%m}",
        },
    )


def _month_lines(plan: ReplacementPlan, most: int | None = None):
    """The plan's meters: its replacements once approved, the computed list before."""
    if plan.state == ReplacementPlan.State.APPROVED:
        rows = plan.replacements.select_related("meter__service_point__customer").order_by(
            "meter__install_date"
        )
        return [
            {
                "number": r.meter.number,
                "caliber_dn": r.meter.caliber_dn,
                "installed_on": r.meter.install_date,
                "customer": r.meter.service_point.customer.name,
                "address": r.meter.service_point.address,
                "reading": r.plan_reading,
                "replacement": r,
            }
            for r in (rows[:most] if most else rows)
        ]
    lines = list(services.plan_candidates(plan.branch_id, plan.year, plan.month, most=most))
    meters = Meter.objects.select_related("service_point__customer").in_bulk(
        [line.meter_id for line in lines]
    )
    return [
        {
            "number": line.meter_number,
            "caliber_dn": line.caliber_dn,
            "installed_on": line.installed_on,
            "due_on": line.due_on,
            "carried_over": line.carried_over,
            "customer": meters[line.meter_id].service_point.customer.name,
            "address": meters[line.meter_id].service_point.address,
            "reading": line.last_reading,
        }
        for line in lines
        if line.meter_id in meters
    ]


def _month_plan(request, pk, permission="meters.view_replacementplan"):
    return fetch(
        ReplacementPlan, request.user, pk, permission=permission, label="换表计划", related=("branch",)
    )


MONTH_LIMIT = 2000


def month_plan(request, pk):
    plan_ = _month_plan(request, pk)
    lines = _month_lines(plan_, MONTH_LIMIT)
    mine = branch_scope(request.user) in (None, plan_.branch_id)
    return render(
        request,
        "meters/replacements/month_plan.html",
        {
            "plan": plan_,
            "lines": lines,
            "limited": len(lines) >= MONTH_LIMIT,
            "can_submit": plan_.state in (ReplacementPlan.State.DRAFT, ReplacementPlan.State.RETURNED)
            and can(request.user, "meters.change_replacementplan")
            and mine,
            "can_approve": plan_.state == ReplacementPlan.State.SUBMITTED
            and can(request.user, "meters.approve_replacementplan"),
            "history": selectors.history_of(plan_),
        },
    )


def _plan_post(permission, run, done):
    @require_POST
    def view(request, pk):
        plan_ = _month_plan(request, pk, permission)
        try:
            run(request, plan_)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, done)
        return redirect("meters:replacement_month_plan", pk=plan_.pk)

    return view


month_plan_submit = _plan_post(
    "meters.change_replacementplan",
    lambda request, p: services.submit_plan(actor=request.user, plan=p, note=request.POST.get("note", "")),
    "已报送中心审批",
)
month_plan_approve = _plan_post(
    "meters.approve_replacementplan",
    lambda request, p: services.approve_plan(actor=request.user, plan=p, note=request.POST.get("note", "")),
    "已批准，计划内水表已生成换表单（待领表）",
)
month_plan_return = _plan_post(
    "meters.approve_replacementplan",
    lambda request, p: services.return_plan(
        actor=request.user, plan=p, reason=request.POST.get("reason", "")
    ),
    "已退回分公司",
)


def month_plan_print(request, pk):
    """逾龄水表明细 (ch.4 §4.1.2): printed for the center's approval."""
    plan_ = _month_plan(request, pk)
    return render(
        request,
        "meters/replacements/month_plan_print.html",
        {"plan": plan_, "lines": _month_lines(plan_, MONTH_LIMIT), "today": timezone.localdate()},
    )


def month_plan_export(request, pk):
    plan_ = _month_plan(request, pk)
    lines = _month_lines(plan_, EXPORT_LIMIT)

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet("逾龄水表明细")
        set_widths(sheet, [18, 8, 12, 12, 16, 30, 12])
        sheet.append(
            styled_cells(
                sheet,
                ["表号", "口径", "安装日期", "应换日期", "户名", "用水地址", "抄表底数"],
                font=BOLD,
                fill=HEADER_FILL,
            )
        )
        for line in lines:
            sheet.append(
                [
                    line["number"],
                    line["caliber_dn"],
                    line["installed_on"],
                    line.get("due_on"),
                    line["customer"],
                    line["address"],
                    line["reading"],
                ]
            )
        book.save(output)

    return xlsx_response(write, f"逾龄水表明细_{plan_.branch}_{plan_.year}{plan_.month:02d}.xlsx")


# ---- the monthly report


def report(request):
    require(request.user, READ)
    try:
        year, month = _year(request), _month(request)
    except ValidationError as error:
        return bad_request(request, "meters/replacements/report.html", error, rows=[])
    rows = selectors.monthly_report(request.user, year, month)
    return render(
        request,
        "meters/replacements/report.html",
        {"rows": rows, "year": year, "month": month, "month_value": f"{year:04d}-{month:02d}"},
    )


def report_export(request):
    require(request.user, READ)
    try:
        year, month = _year(request), _month(request)
    except ValidationError as error:
        return bad_request(request, "meters/replacements/report.html", error, rows=[])
    rows = selectors.monthly_report(request.user, year, month)

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet(f"{year}年{month}月换表")
        set_widths(sheet, [18, 10, 10, 10, 10, 10, 10])
        sheet.append(
            styled_cells(
                sheet,
                ["分公司", "计划换表", "急换报核", "领表", "换表", "停止更换", "逾期"],
                font=BOLD,
                fill=HEADER_FILL,
            )
        )
        for row in rows:
            sheet.append(
                [str(row.branch), row.planned, row.reported, row.issued, row.fitted, row.stopped, row.overdue]
            )
        book.save(output)

    return xlsx_response(write, f"换表月报_{year}{month:02d}.xlsx")


# ---- inspection tasks


def tracking_tasks(request):
    require(request.user, "meters.view_trackingtask")
    state = request.GET.get("state") or "open"
    tasks = tracking.visible_tasks(request.user)
    if state in TrackingTask.State.values:
        tasks = tasks.filter(state=state)
    page = Paginator(tasks.order_by("state", "due_on", "id"), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "meters/replacements/tracking.html",
        {
            "page": page,
            "state": state,
            "can_complete": can(request.user, "meters.change_trackingtask"),
            "today": timezone.localdate(),
        },
    )


@require_POST
def tracking_complete(request, pk):
    require(request.user, "meters.view_trackingtask", "meters.change_trackingtask")
    from kefu.core.params import object_id

    task = tracking.visible_tasks(request.user).filter(pk=object_id(pk) or 0).first()
    if task is None:
        raise Http404("稽查任务不存在")
    try:
        tracking.complete_task(actor=request.user, task=task, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "稽查任务已办结")
    return redirect(reverse("meters:tracking_tasks"))


urlpatterns = [
    path("replacements/", index, name="replacements"),
    path("replacements/export/", export, name="replacements_export"),
    path("replacements/urgent/", urgent, name="replacement_urgent"),
    path("replacements/plan/", plan, name="replacement_plan"),
    path("replacements/plan/export/", plan_export, name="replacement_plan_export"),
    path("replacements/plan/unconfigured/", unconfigured, name="replacement_unconfigured"),
    path("replacements/month-plans/", month_plans, name="replacement_month_plans"),
    path("replacements/month-plans/<int:pk>/", month_plan, name="replacement_month_plan"),
    path(
        "replacements/month-plans/<int:pk>/submit/", month_plan_submit, name="replacement_month_plan_submit"
    ),
    path(
        "replacements/month-plans/<int:pk>/approve/",
        month_plan_approve,
        name="replacement_month_plan_approve",
    ),
    path(
        "replacements/month-plans/<int:pk>/return/", month_plan_return, name="replacement_month_plan_return"
    ),
    path("replacements/month-plans/<int:pk>/print/", month_plan_print, name="replacement_month_plan_print"),
    path(
        "replacements/month-plans/<int:pk>/export/", month_plan_export, name="replacement_month_plan_export"
    ),
    path("replacements/report/", report, name="replacement_report"),
    path("replacements/report/export/", report_export, name="replacement_report_export"),
    path("replacements/tracking/", tracking_tasks, name="tracking_tasks"),
    path("replacements/tracking/<int:pk>/complete/", tracking_complete, name="tracking_complete"),
    path("replacements/<int:pk>/", detail, name="replacement_detail"),
    path("replacements/<int:pk>/verify/", verify, name="replacement_verify"),
    path("replacements/<int:pk>/reject/", reject, name="replacement_reject"),
    path("replacements/<int:pk>/delay/", delay, name="replacement_delay"),
    path("replacements/<int:pk>/stop/", stop, name="replacement_stop"),
    path("replacements/<int:pk>/resume/", resume, name="replacement_resume"),
    path("replacements/<int:pk>/substitute/", substitute, name="replacement_substitute"),
    path("replacements/<int:pk>/fit/", fit, name="replacement_fit"),
    path("replacements/<int:pk>/form/", print_form, name="replacement_form_print"),
    path("replacements/<int:pk>/notice/", print_notice, name="replacement_notice_print"),
]
