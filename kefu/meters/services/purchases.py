"""Purchase plans' writes (M1, seed 000 ch.4 §1 水表购置计划).

§1.1: the store keeper drafts a yearly plan at the start of the year and a monthly plan at the start of
each month from the needs the system computes (selectors_store.purchase_needs: age-based replacements
due, new connections in design, renovations, stock below the minimum), and may add a supplementary
plan (追加) at any time; the center head approves it. §1.2: the approved plan goes to the investment
department (投资管理部) for approval, recorded here with its date and 批文号; the purchase is due
policy("meters.purchase_days") calendar days after that approval; a plan still not received by then is
alerted once to the store keepers and the center heads. Numbers CG+yyyymmdd-seq."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kefu.core.alerts import send_alert
from kefu.core.numbering import day_period, next_number
from kefu.core.params import day_problem
from kefu.core.permissions import require
from kefu.core.policies import policy
from kefu.meters.events import StoreEvents, meters_event
from kefu.meters.models import PurchasePlan, PurchasePlanLine
from kefu.meters.recipients import center_heads, store_keepers
from kefu.meters.selectors_store import purchase_needs

ALERT_KINDS: dict[str, str] = {"meters.purchase_overdue": "水表采购逾期"}

PLAN_PREFIX = "CG"
PLAN_SERIES = "meters.purchase_plan"  # NumberSequence key; one series per day
EDITABLE = (PurchasePlan.State.DRAFT, PurchasePlan.State.RETURNED)
MAX_QUANTITY = 100_000
State = PurchasePlan.State


def plan_number(day: date, sequence: int) -> str:
    return f"{PLAN_PREFIX}{day:%Y%m%d}-{sequence:04d}"


def _period_refusal(kind: str, year: int, month: int | None, today: date) -> dict | None:
    if kind not in PurchasePlan.Kind.values:
        return {"kind": "请选择计划类型（年计划、月计划或追加计划）"}
    if year not in (today.year, today.year + 1):
        return {"year": f"只能编制{today.year}年或{today.year + 1}年的购置计划"}
    if kind == PurchasePlan.Kind.YEARLY:
        return None
    if kind == PurchasePlan.Kind.MONTHLY and month is None:
        return {"month": "月计划须选择月份"}
    if month is not None:
        if not 1 <= month <= 12:
            return {"month": "月份应在1至12之间"}
        this, wanted = today.year * 12 + today.month, year * 12 + month
        if kind == PurchasePlan.Kind.MONTHLY and wanted not in (this, this + 1):
            return {"month": "月计划只能编制本月或下月的计划（第四章1.1：每月月初制订）"}
    return None


def _clean_caliber(value) -> int:
    text = str(value).strip().upper().removeprefix("DN")
    if not (text.isascii() and text.isdigit() and 15 <= int(text) <= 600):
        raise ValidationError({"caliber_dn": f"口径「{value}」应为DN15–600的整数"})
    return int(text)


def _clean_quantity(caliber: int, value) -> int:
    try:
        quantity = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"quantity": f"DN{caliber}的计划数量应为整数"}) from None
    if not 0 <= quantity <= MAX_QUANTITY:
        raise ValidationError({"quantity": f"DN{caliber}的计划数量应在0至{MAX_QUANTITY}之间"})
    return quantity


@transaction.atomic
def draft_plan(
    *,
    actor,
    kind: str,
    year: int,
    month: int | None = None,
    quantities: dict[int, int] | None = None,
    note: str = "",
) -> PurchasePlan:
    """A plan with one line per caliber of the computed needs (and of `quantities`); each line's
    quantity is the sum of its needs unless given (a supplementary plan asks only what is given)."""
    require(actor, "meters.add_purchaseplan")
    today = timezone.localdate()
    if kind == PurchasePlan.Kind.YEARLY:
        month = None
    if problem := _period_refusal(kind, year, month, today):
        raise ValidationError(problem)
    if kind != PurchasePlan.Kind.SUPPLEMENTARY:
        same = PurchasePlan.objects.filter(kind=kind, year=year, month=month).first()
        if same is not None:
            period = f"{year}年" + (f"{month}月" if month else "")
            shown = f"{same.number}，{same.get_state_display()}"
            raise ValidationError(
                {"kind": f"{period}的{same.get_kind_display()}已编制（{shown}），如需增加请编制追加计划"}
            )
    quantities = {_clean_caliber(c): q for c, q in (quantities or {}).items()}
    quantities = {c: _clean_quantity(c, q) for c, q in quantities.items()}
    needs = purchase_needs(year=year, month=month if kind == PurchasePlan.Kind.MONTHLY else None)
    calibers = sorted(set(needs) | set(quantities))
    if not calibers:
        raise ValidationError({"quantity": "没有需要购置的水表：请填写各口径的计划数量"})
    plan = PurchasePlan.objects.create(
        number=plan_number(today, next_number(PLAN_SERIES, day_period(today))),
        kind=kind,
        year=year,
        month=month,
        drafted_by=actor,
        note=str(note or "").strip(),
    )
    lines = []
    for caliber in calibers:
        need = needs.get(caliber, {})
        computed = sum(need.values())
        default = 0 if kind == PurchasePlan.Kind.SUPPLEMENTARY else computed
        lines.append(
            PurchasePlanLine(
                plan=plan,
                caliber_dn=caliber,
                replacements=need.get("replacements", 0),
                new_connections=need.get("new_connections", 0),
                renovations=need.get("renovations", 0),
                stock_shortfall=need.get("stock_shortfall", 0),
                quantity=quantities.get(caliber, default),
            )
        )
    PurchasePlanLine.objects.bulk_create(lines)
    meters_event(
        actor=actor,
        target=plan,
        verb=StoreEvents.PLAN_DRAFTED,
        changes={"quantity": {f"DN{line.caliber_dn}": line.quantity for line in lines}},
        note=plan.note,
    )
    return plan


def _locked(plan: PurchasePlan) -> PurchasePlan:
    return PurchasePlan.objects.select_for_update().get(pk=plan.pk)


def _state_refusal(plan: PurchasePlan, allowed, action: str) -> None:
    if plan.state not in allowed:
        raise ValidationError(
            {"__all__": f"购置计划{plan.number}为「{plan.get_state_display()}」，不能{action}"}
        )


@transaction.atomic
def set_quantities(
    *, actor, plan: PurchasePlan, quantities: dict[int, int], note: str | None = None
) -> PurchasePlan:
    """Edit the quantity asked per caliber (a caliber not on the plan is added) while drafting or
    after it was returned."""
    require(actor, "meters.change_purchaseplan")
    plan = _locked(plan)
    _state_refusal(plan, EDITABLE, "修改数量")
    lines = {line.caliber_dn: line for line in plan.lines.all()}
    changes = {}
    for caliber, value in quantities.items():
        caliber = _clean_caliber(caliber)
        quantity = _clean_quantity(caliber, value)
        line = lines.get(caliber)
        if line is None:
            if quantity:
                PurchasePlanLine.objects.create(plan=plan, caliber_dn=caliber, quantity=quantity)
                changes[f"DN{caliber}"] = [None, quantity]
        elif line.quantity != quantity:
            changes[f"DN{caliber}"] = [line.quantity, quantity]
            line.quantity = quantity
            line.save(update_fields=["quantity"])
    if note is not None and note.strip() != plan.note:
        plan.note = note.strip()
        plan.save(update_fields=["note", "updated_at"])
    if changes:
        meters_event(
            actor=actor, target=plan, verb=StoreEvents.PLAN_DRAFTED, changes=changes, note="修改计划数量"
        )
    return plan


def total_quantity(plan: PurchasePlan) -> int:
    return sum(plan.lines.values_list("quantity", flat=True))


@transaction.atomic
def submit_plan(*, actor, plan: PurchasePlan) -> PurchasePlan:
    """The store keeper hands the plan to the center head (ch.4 §1.1 交客户服务中心负责人审核)."""
    require(actor, "meters.change_purchaseplan")
    plan = _locked(plan)
    _state_refusal(plan, EDITABLE, "报审")
    if total_quantity(plan) <= 0:
        raise ValidationError({"quantity": "计划数量合计为0，不能报审"})
    old = plan.state
    plan.state = State.SUBMITTED
    plan.save(update_fields=["state", "updated_at"])
    meters_event(
        actor=actor,
        target=plan,
        verb=StoreEvents.PLAN_SUBMITTED,
        changes={"state": [str(State(old).label), plan.get_state_display()]},
    )
    return plan


@transaction.atomic
def center_approve(*, actor, plan: PurchasePlan, note: str = "") -> PurchasePlan:
    """The center head's approval (ch.4 §1.1); the plan then waits for the investment department."""
    require(actor, "meters.approve_purchaseplan")
    plan = _locked(plan)
    _state_refusal(plan, [State.SUBMITTED], "审核")
    if plan.drafted_by_id == actor.pk:
        raise ValidationError({"__all__": "编制人不能审核自己编制的购置计划"})
    plan.state = State.CENTER_APPROVED
    plan.center_approved_by = actor
    plan.center_approved_at = timezone.now()
    plan.save(update_fields=["state", "center_approved_by", "center_approved_at", "updated_at"])
    meters_event(
        actor=actor,
        target=plan,
        verb=StoreEvents.PLAN_CENTER_APPROVED,
        changes={"state": [str(State.SUBMITTED.label), plan.get_state_display()]},
        note=str(note or "").strip()[:200],
    )
    return plan


@transaction.atomic
def return_plan(*, actor, plan: PurchasePlan, reason: str) -> PurchasePlan:
    """Back to the store keeper with the reason: by the center head while it waits for their review,
    or by whoever records the investment department's decision while it waits for that."""
    plan = _locked(plan)
    if plan.state == State.SUBMITTED:
        require(actor, "meters.approve_purchaseplan")
    elif plan.state == State.CENTER_APPROVED:
        require(actor, "meters.record_investment_approval")
    else:
        _state_refusal(plan, [], "退回")
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写退回原因"})
    old = plan.state
    plan.state = State.RETURNED
    plan.center_approved_by, plan.center_approved_at = None, None
    plan.save(update_fields=["state", "center_approved_by", "center_approved_at", "updated_at"])
    meters_event(
        actor=actor,
        target=plan,
        verb=StoreEvents.PLAN_RETURNED,
        changes={"state": [str(State(old).label), plan.get_state_display()]},
        note=reason[:500],
    )
    return plan


@transaction.atomic
def record_investment_approval(
    *, actor, plan: PurchasePlan, approved_on: date, reference: str
) -> PurchasePlan:
    """投资管理部审批 (ch.4 §1.2): its date and 批文号; the purchase is then due
    policy("meters.purchase_days") calendar days later (物贸公司应当在20日内完成采购计划)."""
    require(actor, "meters.record_investment_approval")
    plan = _locked(plan)
    _state_refusal(plan, [State.CENTER_APPROVED], "登记投资管理部审批")
    reference = str(reference or "").strip()
    if not reference:
        raise ValidationError({"reference": "请填写投资管理部批文号"})
    if len(reference) > 50:
        raise ValidationError({"reference": "批文号不能超过50个字符"})
    if not isinstance(approved_on, date) or day_problem(approved_on):
        raise ValidationError({"approved_on": "请填写批准日期（YYYY-MM-DD）"})
    if approved_on > timezone.localdate():
        raise ValidationError({"approved_on": "批准日期不能晚于今天"})
    reviewed = timezone.localdate(plan.center_approved_at) if plan.center_approved_at else None
    if reviewed and approved_on < reviewed:
        raise ValidationError({"approved_on": f"批准日期不能早于中心负责人审核日期{reviewed:%Y-%m-%d}"})
    days = policy("meters.purchase_days")
    plan.state = State.APPROVED
    plan.approved_on = approved_on
    plan.approval_reference = reference
    plan.purchase_due = date.fromordinal(approved_on.toordinal() + days)
    plan.save(update_fields=["state", "approved_on", "approval_reference", "purchase_due", "updated_at"])
    meters_event(
        actor=actor,
        target=plan,
        verb=StoreEvents.PLAN_APPROVED,
        changes={
            "state": [str(State.CENTER_APPROVED.label), plan.get_state_display()],
            "approval_reference": reference,
            "purchase_due": f"{plan.purchase_due:%Y-%m-%d}",
        },
        note=f"批准日期{approved_on:%Y-%m-%d}；物贸公司应在{days}日内完成采购（规则“meters.purchase_days”）",
    )
    return plan


@transaction.atomic
def mark_received(
    *, actor, plan: PurchasePlan, received_on: date | None = None, automatic: bool = False
) -> PurchasePlan:
    """The purchase arrived: by the goods-in that covers the plan, or marked by the store keeper."""
    require(actor, "meters.change_purchaseplan")
    plan = _locked(plan)
    _state_refusal(plan, [State.APPROVED], "登记到货")
    received_on = received_on or timezone.localdate()
    plan.state = State.RECEIVED
    plan.received_on = received_on
    plan.save(update_fields=["state", "received_on", "updated_at"])
    late = plan.purchase_due and received_on > plan.purchase_due
    meters_event(
        actor=actor,
        target=plan,
        verb=StoreEvents.PLAN_RECEIVED,
        changes={
            "state": [str(State.APPROVED.label), plan.get_state_display()],
            "received_on": f"{received_on:%Y-%m-%d}",
        },
        note=("入库数量已满足计划" if automatic else "表库管理员登记到货") + ("（逾期到货）" if late else ""),
    )
    return plan


def overdue(now) -> list[str]:
    """Approved plans past their purchase due date, alerted once each (the flag is claimed by a
    conditional UPDATE, so two workers never alert twice)."""
    today = timezone.localdate(now)
    lines: list[str] = []
    late = PurchasePlan.objects.filter(state=State.APPROVED, purchase_due__lt=today, overdue_alerted=False)
    for plan in late.order_by("purchase_due", "id")[:200]:
        with transaction.atomic():
            if not PurchasePlan.objects.filter(pk=plan.pk, overdue_alerted=False).update(
                overdue_alerted=True
            ):
                continue
            send_alert(
                recipients=[*store_keepers(), *center_heads()],
                kind="meters.purchase_overdue",
                message=f"水表购置计划{plan.number}应于{plan.purchase_due:%Y-%m-%d}前完成采购，至今未到货",
                url=reverse("meters:purchase_plan", args=[plan.pk]),
                subject=f"meters.purchaseplan:{plan.pk}",
            )
        lines.append(f"购置计划{plan.number}采购逾期（期限{plan.purchase_due:%Y-%m-%d}）")
    return lines
