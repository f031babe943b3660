"""The replacements API (M4–M6): the yearly plan and its unconfigured meters exactly as issue 15 states
them, the replacements (list, detail, urgent report, verify/reject, delay, fit, stop/resume,
substitution), the branches' monthly plans and the inspection tasks. The same services, visibility and
Chinese refusals as the pages."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Router, Status
from pydantic import Field

from kefu.core.permissions import require
from kefu.core.schemas import ObjectId, PageNumber, Schema
from kefu.customers.models import Meter, branch_scope
from kefu.customers.permissions import visible_customers
from kefu.meters import selectors_plan
from kefu.meters import selectors_replacements as selectors
from kefu.meters.models import Replacement, ReplacementPlan, TrackingTask
from kefu.meters.permissions import fetch
from kefu.meters.services import replacements as services
from kefu.meters.services import tracking

router = Router(tags=["水表"])
PER_PAGE = 30


# ---- the yearly plan (M4)


class ReplacementPlanQuery(Schema):
    year: int = Field(..., ge=2000, le=2100, description="年度（YYYY）")
    area: str = Field("", max_length=20, description="服务片区编码")
    page: PageNumber = 1
    page_size: int = Field(50, ge=1, le=500, description="每页条数，最多500")


class ReplacementPlanItemOut(Schema):
    meter_number: str
    caliber_dn: int
    installed_on: date
    due_on: date
    carried_over: bool = Field(..., description="应换日期在当年1月1日之前（逾期未换）")


class ReplacementPlanOut(Schema):
    year: int
    items: list[ReplacementPlanItemOut]
    has_next: bool
    unconfigured_count: int = Field(..., description="口径未配置更换周期的在用水表数")


class ReplacementUnconfiguredQuery(Schema):
    page: PageNumber = 1
    page_size: int = Field(50, ge=1, le=500, description="每页条数，最多500")


class ReplacementUnconfiguredItemOut(Schema):
    meter_number: str
    caliber_dn: int
    installed_on: date


class ReplacementUnconfiguredOut(Schema):
    items: list[ReplacementUnconfiguredItemOut]
    has_next: bool


def _scope(user) -> int | None:
    return branch_scope(user)


@router.get("/replacement-plan", response=ReplacementPlanOut, summary="逾龄换表年计划（按应换日期）")
def replacement_plan(request, filters: Query[ReplacementPlanQuery]):
    require(request.user, "meters.view_replacement")
    branch_id = _scope(request.user)
    lines, has_next = selectors_plan.plan_page(
        filters.year,
        branch_id=branch_id,
        area_code=filters.area or None,
        page=filters.page,
        page_size=filters.page_size,
    )
    return {
        "year": filters.year,
        "items": [
            {
                "meter_number": line.meter_number,
                "caliber_dn": line.caliber_dn,
                "installed_on": line.installed_on,
                "due_on": line.due_on,
                "carried_over": line.carried_over,
            }
            for line in lines
        ],
        "has_next": has_next,
        "unconfigured_count": selectors_plan.unconfigured_count(
            branch_id=branch_id, area_code=filters.area or None
        ),
    }


@router.get(
    "/replacement-plan/unconfigured",
    response=ReplacementUnconfiguredOut,
    summary="口径未配置更换周期的在用水表（不列入换表计划，须补充规则）",
)
def replacement_plan_unconfigured(request, filters: Query[ReplacementUnconfiguredQuery]):
    require(request.user, "meters.view_replacement")
    start = (filters.page - 1) * filters.page_size
    rows = list(
        selectors_plan.unconfigured(branch_id=_scope(request.user)).values_list(
            "number", "caliber_dn", "install_date"
        )[start : start + filters.page_size + 1]
    )
    return {
        "items": [
            {"meter_number": n, "caliber_dn": c, "installed_on": d} for n, c, d in rows[: filters.page_size]
        ],
        "has_next": len(rows) > filters.page_size,
    }


# ---- replacements


class ReplacementOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    state: str
    state_label: str
    branch: str
    meter_number: str
    caliber_dn: int
    customer_number: str
    plan_reading: Decimal | None
    fault: str
    fault_note: str
    verify_due: date | None
    verification_note: str
    replace_due: date | None
    delay_reason: str
    new_meter_number: str
    old_reading: Decimal | None
    customer_signed_name: str
    fitted_at: datetime | None
    stop_reason: str
    substitution_note: str


class ReplacementFilters(Schema):
    tab: str = Field("open", max_length=20, description="open 办理中；all 全部；或状态代码")
    q: str = Field("", max_length=50, description="换表单号、表号、户号或户名")
    kind: str = Field("", max_length=10, description="age 逾龄换表；urgent 急换")
    branch: ObjectId | None = None
    page: PageNumber = 1


class ReplacementUrgentIn(Schema):
    meter: ObjectId = Field(..., description="档案水表id")
    fault: Replacement.Fault
    fault_note: str = Field("", max_length=200)


class ReplacementNoteIn(Schema):
    note: str = Field("", max_length=200)


class ReplacementReasonIn(Schema):
    reason: str = Field(..., max_length=200)


class ReplacementFitIn(Schema):
    new_meter_number: str = Field(..., max_length=30, description="所安装新表的表号（须与领表时登记的一致）")
    old_reading: Decimal = Field(..., ge=0, le=Decimal("99999999999.9"), description="旧表行度（m³）")
    old_seal_state: Meter.SealState
    new_seal_intact: bool
    customer_signed_name: str = Field(..., max_length=50)
    customer_signature: str = Field("", max_length=300_000, description="用户签名（PNG data URL）")
    new_reading: Decimal = Field(Decimal("0"), ge=0, le=Decimal("99999999999.9"))


class ReplacementResumeIn(Schema):
    note: str = Field(..., max_length=200)
    plan_reading: Decimal | None = Field(None, ge=0, le=Decimal("99999999999.9"))


class ReplacementSubstituteIn(Schema):
    target: ObjectId = Field(..., description="接受新表的急换换表单id")
    oral_report: str = Field(..., max_length=120)
    branch_head: str = Field(..., max_length=20)
    center_head: str = Field(..., max_length=20)


def out(r: Replacement) -> dict:
    return {
        "id": r.pk,
        "number": r.number,
        "kind": r.kind,
        "kind_label": r.get_kind_display(),
        "state": r.state,
        "state_label": r.get_state_display(),
        "branch": str(r.branch),
        "meter_number": r.meter.number,
        "caliber_dn": r.meter.caliber_dn,
        "customer_number": r.meter.service_point.customer.number,
        "plan_reading": r.plan_reading,
        "fault": r.fault,
        "fault_note": r.fault_note,
        "verify_due": r.verify_due,
        "verification_note": r.verification_note,
        "replace_due": r.replace_due,
        "delay_reason": r.delay_reason,
        "new_meter_number": r.new_meter_number,
        "old_reading": r.old_reading,
        "customer_signed_name": r.customer_signed_name,
        "fitted_at": r.fitted_at,
        "stop_reason": r.stop_reason,
        "substitution_note": r.substitution_note,
    }


def _detail(user, pk) -> dict:
    return out(selectors.replacement_for(user, pk))


@router.get("/replacements", response=list[ReplacementOut], summary="换表单（逾龄与急换）")
def list_replacements(request, filters: Query[ReplacementFilters]):
    require(request.user, "meters.view_replacement")
    if filters.tab not in dict(selectors.TABS):
        raise ValidationError({"tab": "tab 应为 open、all 或换表单状态代码"})
    rows = selectors.replacements_for(
        request.user, tab=filters.tab, q=filters.q, branch=filters.branch, kind=filters.kind
    )
    start = (filters.page - 1) * PER_PAGE
    return [out(r) for r in rows[start : start + PER_PAGE]]


@router.get("/replacements/{int:id}", response=ReplacementOut, summary="换表单")
def read_replacement(request, id: ObjectId):
    return _detail(request.user, id)


@router.post("/replacements/urgent", response={201: ReplacementOut}, summary="填报换表报核单（急换）")
def report_urgent(request, payload: ReplacementUrgentIn):
    require(request.user, "meters.view_replacement", "meters.add_replacement")
    customers = visible_customers(request.user)
    meter = Meter.objects.filter(pk=payload.meter, service_point__customer__in=customers).first()
    if meter is None:
        raise Http404("水表不存在")
    replacement = services.report_urgent(
        actor=request.user, meter=meter, fault=payload.fault, fault_note=payload.fault_note
    )
    return Status(201, _detail(request.user, replacement.pk))


def _act(request, id, permission, run):
    replacement = selectors.replacement_for(request.user, id, permission=permission)
    run(replacement)
    return _detail(request.user, replacement.pk)


@router.post("/replacements/{int:id}/verify", response=ReplacementOut, summary="中心核查属实，通知分公司换表")
def verify(request, id: ObjectId, payload: ReplacementNoteIn):
    return _act(
        request,
        id,
        "meters.verify_replacement",
        lambda r: services.verify(actor=request.user, replacement=r, note=payload.note),
    )


@router.post("/replacements/{int:id}/reject", response=ReplacementOut, summary="中心核查不属实")
def reject(request, id: ObjectId, payload: ReplacementReasonIn):
    return _act(
        request,
        id,
        "meters.verify_replacement",
        lambda r: services.reject(actor=request.user, replacement=r, reason=payload.reason),
    )


@router.post("/replacements/{int:id}/delay", response=ReplacementOut, summary="反馈不能按时完成的原因")
def delay(request, id: ObjectId, payload: ReplacementReasonIn):
    return _act(
        request,
        id,
        "meters.change_replacement",
        lambda r: services.report_delay(actor=request.user, replacement=r, reason=payload.reason),
    )


@router.post("/replacements/{int:id}/fit", response=ReplacementOut, summary="登记换表（用户签收换表通知书）")
def fit(request, id: ObjectId, payload: ReplacementFitIn):
    return _act(
        request,
        id,
        "meters.fit_replacement",
        lambda r: services.fit(actor=request.user, replacement=r, **payload.dict()),
    )


@router.post("/replacements/{int:id}/stop", response=ReplacementOut, summary="停止更换（须写明原因）")
def stop(request, id: ObjectId, payload: ReplacementReasonIn):
    return _act(
        request,
        id,
        "meters.fit_replacement",
        lambda r: services.stop(actor=request.user, replacement=r, reason=payload.reason),
    )


@router.post("/replacements/{int:id}/resume", response=ReplacementOut, summary="问题处理后恢复更换")
def resume(request, id: ObjectId, payload: ReplacementResumeIn):
    return _act(
        request,
        id,
        "meters.fit_replacement",
        lambda r: services.resume(
            actor=request.user, replacement=r, note=payload.note, plan_reading=payload.plan_reading
        ),
    )


@router.post(
    "/replacements/{int:id}/substitute",
    response=ReplacementOut,
    summary="同口径替代：已领逾龄换表新表替代急换表",
)
def substitute(request, id: ObjectId, payload: ReplacementSubstituteIn):
    source = selectors.replacement_for(request.user, id)
    target = selectors.replacement_for(request.user, payload.target)
    done = services.substitute(
        actor=request.user,
        source=source,
        target=target,
        oral_report=payload.oral_report,
        branch_head=payload.branch_head,
        center_head=payload.center_head,
    )
    return _detail(request.user, done.pk)


# ---- monthly plans


class ReplacementMonthPlanOut(Schema):
    id: int
    branch: str
    year: int
    month: int
    state: str
    state_label: str
    note: str
    replacements: int = Field(..., description="批准后生成的换表单数")


class ReplacementMonthPlanIn(Schema):
    branch: ObjectId | None = Field(None, description="分公司id；分公司人员不填即为本分公司")
    year: int = Field(..., ge=2000, le=2100)
    month: int = Field(..., ge=1, le=12)


class ReplacementMonthPlanFilters(Schema):
    page: PageNumber = 1


def plan_out(plan: ReplacementPlan) -> dict:
    return {
        "id": plan.pk,
        "branch": str(plan.branch),
        "year": plan.year,
        "month": plan.month,
        "state": plan.state,
        "state_label": plan.get_state_display(),
        "note": plan.note,
        "replacements": plan.replacements.count(),
    }


def _plan(user, id, permission="meters.view_replacementplan") -> ReplacementPlan:
    return fetch(ReplacementPlan, user, id, permission=permission, label="换表计划", related=("branch",))


@router.get(
    "/replacement-month-plans", response=list[ReplacementMonthPlanOut], summary="分公司逾龄换表月计划"
)
def list_month_plans(request, filters: Query[ReplacementMonthPlanFilters]):
    require(request.user, "meters.view_replacementplan")
    start = (filters.page - 1) * PER_PAGE
    return [plan_out(p) for p in selectors.plans_for(request.user)[start : start + PER_PAGE]]


@router.post(
    "/replacement-month-plans", response={201: ReplacementMonthPlanOut}, summary="编制逾龄换表月计划"
)
def draft_month_plan(request, payload: ReplacementMonthPlanIn):
    require(request.user, "meters.add_replacementplan")
    branches = selectors.branches_for(request.user)
    branch = branches.filter(pk=payload.branch).first() if payload.branch else None
    if branch is None and payload.branch is None and request.user.unit_id:
        branch = branches.filter(pk=request.user.unit_id).first()
    if branch is None:
        raise ValidationError({"branch": "请选择本人可办理的供水分公司"})
    plan = services.draft_plan(actor=request.user, branch=branch, year=payload.year, month=payload.month)
    return Status(201, plan_out(plan))


@router.post(
    "/replacement-month-plans/{int:id}/submit", response=ReplacementMonthPlanOut, summary="报送中心审批"
)
def submit_month_plan(request, id: ObjectId, payload: ReplacementNoteIn):
    plan = _plan(request.user, id, "meters.change_replacementplan")
    return plan_out(services.submit_plan(actor=request.user, plan=plan, note=payload.note))


@router.post(
    "/replacement-month-plans/{int:id}/approve", response=ReplacementMonthPlanOut, summary="中心批准月计划"
)
def approve_month_plan(request, id: ObjectId, payload: ReplacementNoteIn):
    plan = _plan(request.user, id, "meters.approve_replacementplan")
    return plan_out(services.approve_plan(actor=request.user, plan=plan, note=payload.note))


@router.post(
    "/replacement-month-plans/{int:id}/return", response=ReplacementMonthPlanOut, summary="中心退回月计划"
)
def return_month_plan(request, id: ObjectId, payload: ReplacementReasonIn):
    plan = _plan(request.user, id, "meters.approve_replacementplan")
    return plan_out(services.return_plan(actor=request.user, plan=plan, reason=payload.reason))


# ---- inspection tasks


class TrackingTaskOut(Schema):
    id: int
    kind: str
    kind_label: str
    state: str
    replacement_number: str
    meter_number: str
    due_on: date | None
    done_at: datetime | None
    note: str


class TrackingTaskFilters(Schema):
    state: str = Field("open", max_length=10, description="open 待办；done 已完成；all 全部")
    page: PageNumber = 1


class TrackingCompleteIn(Schema):
    note: str = Field(..., max_length=200)


def task_out(task: TrackingTask) -> dict:
    return {
        "id": task.pk,
        "kind": task.kind,
        "kind_label": task.get_kind_display(),
        "state": task.state,
        "replacement_number": task.replacement.number,
        "meter_number": task.replacement.meter.number,
        "due_on": task.due_on,
        "done_at": task.done_at,
        "note": task.note,
    }


def _task(user, id) -> TrackingTask:
    require(user, "meters.view_trackingtask")
    task = tracking.visible_tasks(user).filter(pk=id).first()
    if task is None:
        raise Http404("稽查任务不存在")
    return task


@router.get(
    "/tracking-tasks", response=list[TrackingTaskOut], summary="稽查跟踪任务（急换核查、换表后用水跟踪）"
)
def list_tracking_tasks(request, filters: Query[TrackingTaskFilters]):
    require(request.user, "meters.view_trackingtask")
    tasks = tracking.visible_tasks(request.user)
    if filters.state in TrackingTask.State.values:
        tasks = tasks.filter(state=filters.state)
    elif filters.state != "all":
        raise ValidationError({"state": "state 应为 open、done 或 all"})
    start = (filters.page - 1) * PER_PAGE
    return [task_out(t) for t in tasks.order_by("state", "due_on", "id")[start : start + PER_PAGE]]


@router.post(
    "/tracking-tasks/{int:id}/complete", response=TrackingTaskOut, summary="办结稽查任务（填写结果）"
)
def complete_tracking_task(request, id: ObjectId, payload: TrackingCompleteIn):
    task = _task(request.user, id)
    require(request.user, "meters.change_trackingtask")
    return task_out(tracking.complete_task(actor=request.user, task=task, note=payload.note))
