"""换表 (M4–M6, seed 000 ch.4 §4): the branch's monthly age-based plan approved by the center (§4.1.2),
the urgent 换表报核单 verified by the center within meters.urgent_verify_working_days and replaced
within meters.urgent_replace_working_days of its notice (§4.2.2), and the replacement itself (§4.3):
the fitted meter must be the one issued (no 甲表换乙表, §4.3.3), the customer checks the old reading
and the new seal and signs the 换表通知书 (§4.3.6), the work stops on a reading far from the form's or
a broken large-meter seal (§4.3.7), a same-caliber substitution needs the oral report and both heads
(§4.3.4). Fitting updates the archive in the same transaction (customers.services.replace_meter)."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Unit
from kefu.archives.models import Category
from kefu.archives.services.filing import register_file
from kefu.core.alerts import send_alert
from kefu.core.numbering import next_number, year_period
from kefu.core.permissions import can, require
from kefu.core.policies import policy
from kefu.customers import services as customer_services
from kefu.customers.models import Meter
from kefu.meters import selectors_plan
from kefu.meters.dates import working_days_after
from kefu.meters.events import ReplacementEvents, StoreEvents, meters_event
from kefu.meters.models import MeterIssue, Purpose, Replacement, ReplacementPlan, StockMeter, TrackingTask
from kefu.meters.permissions import require_branch
from kefu.meters.recipients import branch_staff, center_heads
from kefu.meters.services import tracking

SERIES = "meters.replacement"
OPEN = [
    Replacement.State.REPORTED,
    Replacement.State.TO_ISSUE,
    Replacement.State.ISSUED,
    Replacement.State.STOPPED,
    Replacement.State.FITTED,
]
VERIFY_OVERDUE = "meters.replacement_verify_overdue"
REPLACE_OVERDUE = "meters.replacement_overdue"
ALERT_KINDS: dict[str, str] = {
    VERIFY_OVERDUE: "急换报核单核查逾期",
    REPLACE_OVERDUE: "换表逾期未完成",
}
# The signature image the fitting page draws (a PNG data URL); a few hundred KB at most.
SIGNATURE_PREFIX = "data:image/png;base64,"
SIGNATURE_MAX = 300_000
_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*")
SCAN_LIMIT = 500


def replacement_number(day: date) -> str:
    """换表单号: HB + year + six digits, one series a year."""
    return f"HB{day.year}{next_number(SERIES, year_period(day)):06d}"


def branch_of(meter: Meter) -> Unit:
    return meter.service_point.service_area.branch


def _text(value, field: str, label: str, *, required: bool = True, most: int = 200) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"请填写{label}"})
    if len(value) > most:
        raise ValidationError({field: f"{label}不能超过{most}个字符"})
    return value


def _reading(value, field: str, label: str) -> Decimal:
    try:
        reading = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: f"{label}应为数字（m³）"}) from None
    if not reading.is_finite() or reading < 0 or reading >= Decimal("1e11"):
        raise ValidationError({field: f"{label}应在0至99999999999.9 m³之间"})
    return reading


def _locked(replacement: Replacement) -> Replacement:
    return (
        Replacement.objects.select_for_update(of=("self",))
        .select_related("meter__service_point__service_area__branch", "issue__stock_meter", "branch")
        .get(pk=replacement.pk)
    )


def _require_state(replacement: Replacement, *states: str, action: str) -> None:
    if replacement.state not in states:
        wanted = "、".join(str(Replacement.State(s).label) for s in states)
        raise ValidationError(
            f"换表单{replacement.number}当前为「{replacement.get_state_display()}」，只有「{wanted}」的换表单才能{action}"
        )


def open_replacement_of(meter: Meter) -> Replacement | None:
    return Replacement.objects.filter(meter=meter, state__in=OPEN).first()


def _refuse_second(meter: Meter) -> None:
    existing = open_replacement_of(meter)
    if existing is not None:
        raise ValidationError(
            {
                "meter": f"水表{meter.number}已有未完成的换表单{existing.number}"
                f"（{existing.get_state_display()}），一只水表同一时间只能有一张换表单"
            }
        )


# ---- urgent replacement (M5, ch.4 §4.2)


@transaction.atomic
def report_urgent(*, actor, meter: Meter, fault: str, fault_note: str = "") -> Replacement:
    """换表报核单 (§4.2.1–4.2.2): the branch reports a faulty meter of its own; the center verifies
    within meters.urgent_verify_working_days, and the inspection team gets its verification task."""
    require(actor, "meters.add_replacement")
    if fault not in Replacement.Fault.values:
        raise ValidationError({"fault": "请选择故障情况（停走、滞行、无铅封、黑面或无法正常抄收）"})
    fault_note = _text(fault_note, "fault_note", "故障说明", required=False)
    meter = Meter.objects.select_related("service_point__service_area__branch").get(pk=meter.pk)
    if meter.status == Meter.Status.REMOVED:
        raise ValidationError({"meter": f"水表{meter.number}已拆除，不能填报换表"})
    branch = branch_of(meter)
    require_branch(actor, branch)
    _refuse_second(meter)
    now = timezone.now()
    today = timezone.localdate(now)
    replacement = Replacement(
        number=replacement_number(today),
        kind=Replacement.Kind.URGENT,
        state=Replacement.State.REPORTED,
        meter=meter,
        branch=branch,
        plan_reading=meter.last_reading,
        fault=fault,
        fault_note=fault_note,
        reported_by=actor,
        reported_at=now,
        verify_due=working_days_after(today, policy("meters.urgent_verify_working_days")),
    )
    try:
        with transaction.atomic():
            replacement.save()
    except IntegrityError:  # a report at the same moment won the meter
        _refuse_second(meter)
        raise
    meters_event(
        actor=actor,
        target=replacement,
        verb=ReplacementEvents.REPORTED,
        changes={
            "meter": meter.number,
            "fault": replacement.get_fault_display(),
            "verify_due": replacement.verify_due.isoformat(),
        },
        note=fault_note,
    )
    tracking.open_task(actor=actor, replacement=replacement, kind=TrackingTask.Kind.VERIFICATION)
    return replacement


@transaction.atomic
def verify(*, actor, replacement: Replacement, note: str = "") -> Replacement:
    """核查属实 (§4.2.2): the center's notice; the branch replaces within
    meters.urgent_replace_working_days of it."""
    require(actor, "meters.verify_replacement")
    note = _text(note, "note", "核查意见", required=False)
    replacement = _locked(replacement)
    _require_state(replacement, Replacement.State.REPORTED, action="核查")
    now = timezone.now()
    replacement.state = Replacement.State.TO_ISSUE
    replacement.verified_by, replacement.verified_at = actor, now
    replacement.verification_note = note
    replacement.replace_due = working_days_after(
        timezone.localdate(now), policy("meters.urgent_replace_working_days")
    )
    replacement.overdue_alerted = False  # the replacement's own deadline is alerted afresh
    replacement.save()
    meters_event(
        actor=actor,
        target=replacement,
        verb=ReplacementEvents.VERIFIED,
        changes={"replace_due": replacement.replace_due.isoformat()},
        note=note,
    )
    tracking.close_verification(actor=actor, replacement=replacement, note=note or "中心核查属实")
    return replacement


@transaction.atomic
def reject(*, actor, replacement: Replacement, reason: str) -> Replacement:
    """核查不属实: the report ends with the center's reason."""
    require(actor, "meters.verify_replacement")
    reason = _text(reason, "reason", "核查不属实的原因")
    replacement = _locked(replacement)
    _require_state(replacement, Replacement.State.REPORTED, action="核查")
    replacement.state = Replacement.State.REJECTED
    replacement.verified_by, replacement.verified_at = actor, timezone.now()
    replacement.verification_note = reason
    replacement.save()
    meters_event(actor=actor, target=replacement, verb=ReplacementEvents.REJECTED, note=reason)
    tracking.close_verification(actor=actor, replacement=replacement, note=f"核查不属实：{reason}")
    return replacement


@transaction.atomic
def report_delay(*, actor, replacement: Replacement, reason: str) -> Replacement:
    """无法按时完成的应及时向客户服务中心反馈信息 (§4.2.2, §4.1.2)."""
    require(actor, "meters.change_replacement")
    reason = _text(reason, "reason", "不能按时完成的原因")
    replacement = _locked(replacement)
    require_branch(actor, replacement.branch_id)
    _require_state(
        replacement,
        Replacement.State.TO_ISSUE,
        Replacement.State.ISSUED,
        Replacement.State.STOPPED,
        action="反馈不能按时完成",
    )
    replacement.delay_reason = reason
    replacement.save(update_fields=["delay_reason", "updated_at"])
    meters_event(actor=actor, target=replacement, verb=ReplacementEvents.DELAY_REPORTED, note=reason)
    return replacement


# ---- monthly age-based plans (M4, ch.4 §4.1.2)


def month_end(year: int, month: int) -> date:
    from kefu.meters.dates import months_after

    return date.fromordinal(months_after(date(year, month, 1), 1).toordinal() - 1)


def plan_candidates(branch_id: int, year: int, month: int, *, most: int | None = None):
    """The meters of the branch due on or before the month's last day (carried-over ones included),
    without an open replacement: what the month's plan lists before approval and becomes at it."""
    last = month_end(year, month)
    busy = set(
        Replacement.objects.filter(branch_id=branch_id, state__in=OPEN).values_list("meter_id", flat=True)
    )
    for line in selectors_plan.plan_lines(year, branch_id=branch_id):
        if line.due_on > last:
            break
        if line.meter_id in busy:
            continue
        yield line
        if most is not None:
            most -= 1
            if most <= 0:
                return


def _check_month(year: int, month: int) -> None:
    if not (2000 <= year <= 2100):
        raise ValidationError({"year": "年度应在2000至2100之间"})
    if not (1 <= month <= 12):
        raise ValidationError({"month": "月份应在1至12之间"})


@transaction.atomic
def draft_plan(*, actor, branch: Unit, year: int, month: int) -> ReplacementPlan:
    """The branch's month (逾龄水表更换月计划): one a month; drafting it again opens the same plan."""
    require(actor, "meters.add_replacementplan")
    _check_month(year, month)
    require_branch(actor, branch)
    if branch.kind != Unit.Kind.BRANCH:
        raise ValidationError({"branch": "只有供水分公司编制逾龄换表计划"})
    plan, _created = ReplacementPlan.objects.get_or_create(branch=branch, year=year, month=month)
    return plan


def _plan_locked(plan: ReplacementPlan) -> ReplacementPlan:
    return ReplacementPlan.objects.select_for_update().select_related("branch").get(pk=plan.pk)


@transaction.atomic
def submit_plan(*, actor, plan: ReplacementPlan, note: str = "") -> ReplacementPlan:
    require(actor, "meters.change_replacementplan")
    plan = _plan_locked(plan)
    require_branch(actor, plan.branch_id)
    if plan.state not in (ReplacementPlan.State.DRAFT, ReplacementPlan.State.RETURNED):
        raise ValidationError(f"{plan}当前为「{plan.get_state_display()}」，只有草稿或已退回的计划才能报送")
    plan.state = ReplacementPlan.State.SUBMITTED
    plan.submitted_by, plan.submitted_at = actor, timezone.now()
    if note:
        plan.note = _text(note, "note", "说明", most=500)
    plan.save()
    meters_event(actor=actor, target=plan, verb=ReplacementEvents.PLAN_SUBMITTED, note=plan.note)
    return plan


@transaction.atomic
def approve_plan(*, actor, plan: ReplacementPlan, note: str = "") -> ReplacementPlan:
    """The center approves the month: each listed meter becomes a replacement to issue (换表单), its
    plan reading the archive's last reading."""
    require(actor, "meters.approve_replacementplan")
    plan = _plan_locked(plan)
    if plan.state != ReplacementPlan.State.SUBMITTED:
        raise ValidationError(f"{plan}当前为「{plan.get_state_display()}」，只有待中心审批的计划才能批准")
    lines = list(plan_candidates(plan.branch_id, plan.year, plan.month))
    readings = dict(
        Meter.objects.filter(pk__in=[line.meter_id for line in lines]).values_list("id", "last_reading")
    )
    today = timezone.localdate()
    rows = [
        Replacement(
            number=replacement_number(today),
            kind=Replacement.Kind.AGE,
            state=Replacement.State.TO_ISSUE,
            meter_id=line.meter_id,
            branch_id=plan.branch_id,
            plan=plan,
            plan_reading=readings.get(line.meter_id),
        )
        for line in lines
    ]
    Replacement.objects.bulk_create(rows, batch_size=500)
    plan.state = ReplacementPlan.State.APPROVED
    plan.approved_by, plan.approved_at = actor, timezone.now()
    plan.save()
    meters_event(
        actor=actor,
        target=plan,
        verb=ReplacementEvents.PLAN_APPROVED,
        changes={"replacements": len(rows)},
        note=_text(note, "note", "审批意见", required=False),
    )
    for row in Replacement.objects.filter(plan=plan).select_related("meter").only("id", "meter__number"):
        meters_event(actor=actor, target=row, verb=ReplacementEvents.PLANNED, changes={"plan": str(plan)})
    return plan


@transaction.atomic
def return_plan(*, actor, plan: ReplacementPlan, reason: str) -> ReplacementPlan:
    require(actor, "meters.approve_replacementplan")
    reason = _text(reason, "reason", "退回原因", most=500)
    plan = _plan_locked(plan)
    if plan.state != ReplacementPlan.State.SUBMITTED:
        raise ValidationError(f"{plan}当前为「{plan.get_state_display()}」，只有待中心审批的计划才能退回")
    plan.state = ReplacementPlan.State.RETURNED
    plan.note = reason
    plan.save()
    meters_event(actor=actor, target=plan, verb=ReplacementEvents.PLAN_RETURNED, note=reason)
    return plan


# ---- the replacement itself (M6, ch.4 §4.3)


def stop_reasons(replacement: Replacement, *, old_reading, old_seal_state: str) -> list[str]:
    """Why the work must stop (§4.3.7): the old reading far from the form's reading, or a large
    meter's seal broken. Empty after a stop was handled and the work resumed."""
    if replacement.stop_reason:  # stopped before, handled by the responsible people, resumed
        return []
    reasons = []
    tolerance = policy("meters.reading_tolerance_m3")
    if old_reading is not None and replacement.plan_reading is not None:
        gap = abs(Decimal(old_reading) - replacement.plan_reading)
        if gap > Decimal(tolerance):
            reasons.append(
                f"旧表行度{old_reading}m³与换表单抄表底数{replacement.plan_reading}m³相差{gap}m³，"
                f"超过规则「换表读数允许差」{tolerance}m³，须停止更换并报告负责人"
            )
    large = policy("meters.large_caliber_dn")
    if replacement.meter.caliber_dn >= large and old_seal_state == Meter.SealState.BROKEN:
        reasons.append(
            f"DN{replacement.meter.caliber_dn}水表铅封断裂（规则「大口径水表」DN≥{large}），须停止更换并报告负责人"
        )
    return reasons


def _check_signature(signature: str) -> str:
    signature = (signature or "").strip()
    if not signature:
        if policy("meters.require_customer_signature"):
            raise ValidationError(
                {"customer_signature": "请用户在屏幕上签名：规则「用户签收换表通知书」要求签收后方可登记换表"}
            )
        return ""
    if (
        not signature.startswith(SIGNATURE_PREFIX)
        or len(signature) > SIGNATURE_MAX
        or not _BASE64.fullmatch(signature[len(SIGNATURE_PREFIX) :])
    ):
        raise ValidationError({"customer_signature": "用户签名应为屏幕签名的PNG图像，请重新签名"})
    return signature


@transaction.atomic
def fit(
    *,
    actor,
    replacement: Replacement,
    new_meter_number: str,
    old_reading,
    old_seal_state: str,
    new_seal_intact: bool,
    customer_signed_name: str,
    customer_signature: str = "",
    new_reading=Decimal("0"),
) -> Replacement:
    """登记换表 by the branch's fitter: the meter fitted is the one issued, the customer checked the old
    reading and the new seal and signed; the archive's old meter is removed with its final reading and
    the new one starts on the same connection point; the stock meter is fitted and linked."""
    require(actor, "meters.fit_replacement")
    replacement = _locked(replacement)
    require_branch(actor, replacement.branch_id)
    _require_state(replacement, Replacement.State.ISSUED, action="登记换表")
    number = _text(new_meter_number, "new_meter_number", "新表表号", most=30)
    issued = replacement.new_meter_number or (
        replacement.issue.stock_meter.number if replacement.issue else ""
    )
    if not issued or replacement.issue_id is None:
        raise ValidationError("换表单没有领表记录，请先到表库领表")
    if number != issued:
        raise ValidationError(
            {
                "new_meter_number": f"安装的新表表号{number}与领表时登记在换表单上的表号{issued}不一致："
                "严禁甲表换乙表，请安装所领的新表"
            }
        )
    reading = _reading(old_reading, "old_reading", "旧表行度")
    if old_seal_state not in Meter.SealState.values:
        raise ValidationError({"old_seal_state": "请选择旧表铅封情况"})
    if new_seal_intact is not True:
        raise ValidationError({"new_seal_intact": "新表铅封须经用户共同核对完好后方可安装（第四章4.3.6）"})
    signed_name = _text(customer_signed_name, "customer_signed_name", "用户签收人姓名", most=50)
    signature = _check_signature(customer_signature)
    start = _reading(new_reading if new_reading not in (None, "") else 0, "new_reading", "新表起始行度")
    reasons = stop_reasons(replacement, old_reading=reading, old_seal_state=old_seal_state)
    if reasons:
        raise ValidationError({"old_reading": reasons})
    now = timezone.now()
    today = timezone.localdate(now)
    stock = StockMeter.objects.select_for_update().get(pk=replacement.issue.stock_meter_id)
    new_meter = customer_services.replace_meter(
        actor=actor,
        old_meter=replacement.meter,
        final_reading=reading,
        seal_state=old_seal_state,
        new_number=stock.number,
        caliber_dn=stock.caliber_dn,
        replaced_on=today,
        start_reading=start,
    )
    stock.state, stock.archive_meter = StockMeter.State.FITTED, new_meter
    stock.save(update_fields=["state", "archive_meter", "updated_at"])
    meters_event(
        actor=actor,
        target=stock,
        verb=StoreEvents.METER_FITTED,
        changes={"replacement": replacement.number, "connection_point": str(new_meter.service_point)},
    )
    replacement.state = Replacement.State.FITTED
    replacement.old_reading = reading
    replacement.new_seal_intact = True
    replacement.customer_signed_name = signed_name
    replacement.customer_signature = signature
    replacement.notice_signed_at = now
    replacement.fitted_by, replacement.fitted_at = actor, now
    replacement.new_meter = new_meter
    replacement.save()
    meters_event(
        actor=actor,
        target=replacement,
        verb=ReplacementEvents.FITTED,
        changes={
            "old_meter": replacement.meter.number,
            "old_reading": str(reading),
            "new_meter": new_meter.number,
            "customer_signed_name": signed_name,
        },
    )
    if replacement.kind == Replacement.Kind.URGENT:
        tracking.open_task(actor=actor, replacement=replacement, kind=TrackingTask.Kind.USAGE)
    register_file(  # the replacement's papers go to the archive room (D1)
        actor=actor,
        category=Category.METER_REPLACEMENT,
        title=f"{replacement.get_kind_display()}·{replacement.meter.number}→{new_meter.number}"
        f"（{replacement.number}）",
        subject=f"meters.replacement:{replacement.pk}",
        finished_on=today,
        customer=new_meter.service_point.customer,
        unit=replacement.branch,
        source_number=replacement.number,
        source_url=reverse("meters:replacement_detail", args=[replacement.pk]),
        items=["换表通知单（用户签字）", "领表单"],
    )
    return replacement


@transaction.atomic
def stop(*, actor, replacement: Replacement, reason: str) -> Replacement:
    """停止更换 (§4.3.7), with the reason; reported to the responsible people."""
    require(actor, "meters.fit_replacement")
    reason = _text(reason, "reason", "停止更换的原因")
    replacement = _locked(replacement)
    require_branch(actor, replacement.branch_id)
    _require_state(replacement, Replacement.State.ISSUED, action="停止更换")
    replacement.state, replacement.stop_reason = Replacement.State.STOPPED, reason
    replacement.save(update_fields=["state", "stop_reason", "updated_at"])
    meters_event(actor=actor, target=replacement, verb=ReplacementEvents.STOPPED, note=reason)
    return replacement


@transaction.atomic
def resume(*, actor, replacement: Replacement, note: str, plan_reading=None) -> Replacement:
    """待问题处理之后再实施更换 (§4.3.7): how the problem was handled, and the corrected form reading
    if there is one; the fitting then goes on."""
    require(actor, "meters.fit_replacement")
    note = _text(note, "note", "问题处理情况")
    replacement = _locked(replacement)
    require_branch(actor, replacement.branch_id)
    _require_state(replacement, Replacement.State.STOPPED, action="恢复更换")
    changes = {}
    if plan_reading not in (None, ""):
        reading = _reading(plan_reading, "plan_reading", "更正后的抄表底数")
        changes["plan_reading"] = [str(replacement.plan_reading), str(reading)]
        replacement.plan_reading = reading
    replacement.state = Replacement.State.ISSUED
    replacement.save(update_fields=["state", "plan_reading", "updated_at"])
    meters_event(actor=actor, target=replacement, verb=ReplacementEvents.RESUMED, changes=changes, note=note)
    return replacement


@transaction.atomic
def substitute(
    *,
    actor,
    source: Replacement,
    target: Replacement,
    oral_report: str,
    branch_head: str,
    center_head: str,
) -> Replacement:
    """同口径替代 (§4.3.4): the new meter issued for an age replacement goes to an urgent one of the
    same caliber, after the branch head's oral report to the center head; the urgent 换表单 is amended
    (a new form number) and signed by both heads. The age replacement waits for a meter again."""
    if not (can(actor, "meters.change_replacement") or can(actor, "meters.add_meterissue")):
        raise PermissionDenied("您的角色没有此项权限")
    oral_report = _text(oral_report, "oral_report", "向中心负责人口头报告的记录", most=120)
    branch_head = _text(branch_head, "branch_head", "分公司负责人签字", most=20)
    center_head = _text(center_head, "center_head", "客户服务中心负责人签字", most=20)
    first, second = sorted([source.pk, target.pk])
    locked = {r.pk: r for r in (_locked(Replacement(pk=first)), _locked(Replacement(pk=second)))}
    source, target = locked[source.pk], locked[target.pk]
    require_branch(actor, source.branch_id)
    if source.kind != Replacement.Kind.AGE or source.state != Replacement.State.ISSUED:
        raise ValidationError({"source": f"换表单{source.number}不是已领表待换的逾龄换表，不能拿出新表替代"})
    if target.kind != Replacement.Kind.URGENT or target.state != Replacement.State.TO_ISSUE:
        raise ValidationError({"target": f"换表单{target.number}不是待领表的急换，不能接受替代的新表"})
    if source.branch_id != target.branch_id:
        raise ValidationError({"target": "同口径替代只能在本分公司的换表单之间进行"})
    issue = MeterIssue.objects.select_for_update().select_related("stock_meter").get(pk=source.issue_id)
    if issue.stock_meter.caliber_dn != target.meter.caliber_dn:
        raise ValidationError(
            {
                "target": f"新表{issue.stock_meter.number}为DN{issue.stock_meter.caliber_dn}，"
                f"急换水表{target.meter.number}为DN{target.meter.caliber_dn}：只能替代同口径的急换表"
            }
        )
    record = f"口头报告：{oral_report}；分公司负责人：{branch_head}；中心负责人：{center_head}"
    source.issue, source.new_meter_number, source.replace_due = None, "", None
    source.state = Replacement.State.TO_ISSUE
    source.substitution_note = record[:200]
    source.save()
    old_number = target.number
    target.number = replacement_number(timezone.localdate())  # the amended 换表单
    target.issue, target.new_meter_number = issue, issue.stock_meter.number
    target.state = Replacement.State.ISSUED
    target.substitution_note = record[:200]
    target.overdue_alerted = False
    target.save()
    issue.purpose = Purpose.URGENT_REPLACEMENT
    issue.application_card = target.number
    issue.note = f"同口径替代：原用于{source.number}，换表单{old_number}修改为{target.number}"[:200]
    issue.save(update_fields=["purpose", "application_card", "note", "updated_at"])
    changes = {
        "new_meter": issue.stock_meter.number,
        "from": source.number,
        "to": target.number,
        "amended_from": old_number,
        "branch_head": branch_head,
        "center_head": center_head,
    }
    meters_event(
        actor=actor, target=source, verb=ReplacementEvents.SUBSTITUTED, changes=changes, note=oral_report
    )
    meters_event(
        actor=actor, target=target, verb=ReplacementEvents.SUBSTITUTED, changes=changes, note=oral_report
    )
    return target


# ---- deadlines (the meters.deadlines job)


def _claim(replacement: Replacement) -> bool:
    """One alert per deadline: the row is claimed by a conditional UPDATE (two workers never both win)."""
    return bool(
        Replacement.objects.filter(pk=replacement.pk, overdue_alerted=False).update(overdue_alerted=True)
    )


def overdue(now) -> list[str]:
    """Reports not verified by verify_due (the center heads are told) and replacements not fitted by
    replace_due (the branch's staff are told), each once."""
    today = timezone.localtime(now).date()
    lines: list[str] = []
    late_reports = Replacement.objects.filter(
        state=Replacement.State.REPORTED, verify_due__lt=today, overdue_alerted=False
    ).select_related("meter")[:SCAN_LIMIT]
    for replacement in late_reports:
        if not _claim(replacement):
            continue
        send_alert(
            recipients=center_heads(),
            kind=VERIFY_OVERDUE,
            message=f"急换报核单{replacement.number}（水表{replacement.meter.number}）"
            f"应于{replacement.verify_due:%Y-%m-%d}前核查，已逾期",
            url=reverse("meters:replacement_detail", args=[replacement.pk]),
            subject=f"meters.replacement:{replacement.pk}",
        )
        lines.append(f"急换核查逾期：{replacement.number}")
    late_fits = Replacement.objects.filter(
        state__in=[Replacement.State.TO_ISSUE, Replacement.State.ISSUED, Replacement.State.STOPPED],
        replace_due__lt=today,
        overdue_alerted=False,
    ).select_related("meter")[:SCAN_LIMIT]
    for replacement in late_fits:
        if not _claim(replacement):
            continue
        send_alert(
            recipients=branch_staff(replacement.branch_id),
            kind=REPLACE_OVERDUE,
            message=f"换表单{replacement.number}（水表{replacement.meter.number}）"
            f"应于{replacement.replace_due:%Y-%m-%d}前完成换表，已逾期；不能完成请反馈原因",
            url=reverse("meters:replacement_detail", args=[replacement.pk]),
            subject=f"meters.replacement:{replacement.pk}",
            level=1,
        )
        lines.append(f"换表逾期：{replacement.number}")
    return lines
