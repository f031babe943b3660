"""Every write of counter business: start, documents, advance through gates, return, reject (with the
refund approval), suspend and extend with a leader's approval. Each records its event in the same
transaction, and every refusal names the rule in Chinese."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Unit
from kefu.archives.models import Category
from kefu.archives.services.filing import register_file
from kefu.core.calendar import WorkingCalendar
from kefu.core.events import record_event
from kefu.core.policies import policy
from kefu.core.uploads import SCANS, check_upload
from kefu.customers.models import Customer
from kefu.processes.events import ProcessEvents, application_signed_event
from kefu.processes.hooks import branch_of, run_hooks
from kefu.processes.models import (
    Approval,
    DeadlineUnit,
    Process,
    ProcessDefinition,
    ProcessDocument,
    StageDefinition,
    StageRoute,
    StageRun,
)
from kefu.processes.rules import refusals

# What entering, leaving or completing a stage changes on the process (saved without the rest).
# An approval's days: an extension is 1 to processes.extension_max_working_days (a rule, 60 by default)
# working days; any kind holds at most a year's days, the API's bound too (Approval.days is a
# PositiveSmallIntegerField: -1 broke its CHECK, 40000 overflowed PostgreSQL's smallint, each a 500).
MAX_APPROVAL_DAYS = 366
MOVED = ["number", "current_stage", "due_at", "unit", "state", "completed_at", "facts", "updated_at"]


class GateRefused(ValidationError):
    """A stage's gate said no: missing documents or broken rules, each with its reason."""


def _stages(process: Process) -> list[StageDefinition]:
    return [s for s in process.definition.stages.order_by("order") if s.applies_to(process.customer_kind)]


def stage_deadline(process: Process, stage: StageDefinition, at) -> tuple:
    """(due, calendar warnings) of a stage entered at `at`, for this customer's kind."""
    if stage.deadline_unit == DeadlineUnit.APPOINTMENT:
        booked = process.facts.get("appointment_at")
        return (datetime.fromisoformat(booked) if booked else None), []
    amount = stage.deadline_for(process.customer_kind)
    if amount is None:
        return None, []
    if stage.deadline_unit == DeadlineUnit.ROAD_PERMIT:
        # Seed 000 ch.10 §7.1: counted from the day the permit was obtained; no clock while the customer
        # still has to obtain one (the stage's rule road_permit_recorded asks for the date).
        if process.facts.get("road_permit_needed"):
            permit = process.facts.get("road_permit_date")
            if not permit:
                return None, []
            at = timezone.make_aware(datetime.combine(date.fromisoformat(permit), time(0, 0)))
        deadline = WorkingCalendar().add_working_days(at, amount)
        return deadline.deadline, deadline.warnings
    if stage.deadline_unit == DeadlineUnit.CALENDAR_DAYS:
        return at + timedelta(days=amount), []
    calendar = WorkingCalendar()
    if stage.deadline_unit == DeadlineUnit.HOURS:
        deadline = calendar.add_hours(at, amount)
    else:
        deadline = calendar.add_working_days(at, amount)
    return deadline.deadline, deadline.warnings


def stage_unit(process: Process, stage: StageDefinition) -> Unit | None:
    """The unit holding the stage: none for the center's own desks, the named unit, or the branch of
    the customer's area. A branch stage for a customer with no area cannot be routed: say so."""
    if stage.route == StageRoute.UNIT:
        return stage.unit
    if stage.route == StageRoute.BRANCH:
        branch = branch_of(process.customer)
        if branch is None:
            raise ValidationError(
                {"customer": f"「{stage.name}」由客户所在片区的供水分公司办理，但档案没有所属片区，请先补充"}
            )
        return branch
    return None


def _enter(process: Process, stage: StageDefinition, at) -> StageRun:
    due, warnings = stage_deadline(process, stage, at)
    process.current_stage, process.due_at, process.unit = stage, due, stage_unit(process, stage)
    return StageRun.objects.create(
        process=process, stage=stage, entered_at=at, due_at=due, deadline_warnings=warnings
    )


def _require_clerk(actor) -> None:
    if not actor.has_perm("processes.change_process"):
        raise PermissionDenied("您的角色不能办理窗口业务")


def may_handle(actor, process: Process) -> bool:
    """Each stage is worked by its holder (issue 13): a stage a unit holds (the 设计室, the 预算室, the
    customer's branch) by that unit's staff only, not by the counter; the center's own stages by the
    counter. The page (its buttons) and the API (through the services) ask this one question."""
    if process.unit_id:
        return actor.has_perm("processes.handle_stage") and process.unit_id == actor.unit_id
    return actor.has_perm("processes.change_process")


def _require_handler(actor, process: Process) -> None:
    if not may_handle(actor, process):
        if process.unit_id and process.current_stage_id:
            holder = process.unit.name if process.unit else process.current_stage.responsible
            raise PermissionDenied(
                f"「{process.current_stage.name}」由{holder}办理，您不能办理该业务的当前环节"
            )
        raise PermissionDenied("您不能办理该业务的当前环节")


@transaction.atomic
def start_process(*, actor, definition_code: str, customer: Customer, facts: dict | None = None) -> Process:
    if not actor.has_perm("processes.add_process"):
        raise PermissionDenied("您的角色不能受理窗口业务")
    definition = ProcessDefinition.objects.filter(code=definition_code, active=True).first()
    if definition is None:
        raise ValidationError({"definition": f"业务「{definition_code}」不存在或已停用"})
    now = timezone.now()
    process = Process.objects.create(
        definition=definition,
        customer=customer,
        customer_kind=customer.kind,
        facts=dict(facts or {}),
        started_by=actor,
    )
    process.number = f"YW{timezone.localtime(now):%Y}{process.pk:07d}"
    stages = _stages(process)
    if not stages:
        raise ValidationError({"definition": f"业务「{definition.name}」没有适用于该客户类型的环节"})
    _enter(process, stages[0], now)
    process.save(update_fields=MOVED)
    record_event(
        actor=actor,
        target=process,
        verb=ProcessEvents.STARTED,
        changes={"stage": [None, stages[0].name]},
        note=f"{definition.name}：{customer}",
    )
    return process


@transaction.atomic
def set_facts(*, actor, process: Process, facts: dict) -> Process:
    process = _lock(process)
    _require_handler(actor, process)
    changes = {k: [process.facts.get(k), v] for k, v in facts.items() if process.facts.get(k) != v}
    process.facts.update(facts)
    fields = ["facts", "updated_at"]
    if changes and process.state == Process.State.ACTIVE and _deadline_reads_facts(process.current_stage):
        # the permit's date (or the appointment) moves the current stage's time limit: count again
        run = process.runs.filter(left_at__isnull=True).order_by("-id").first()
        if run is not None:
            due, warnings = stage_deadline(process, process.current_stage, run.entered_at)
            run.due_at, run.deadline_warnings = due, warnings
            run.save(update_fields=["due_at", "deadline_warnings", "updated_at"])
            process.due_at = due
            fields.append("due_at")
    process.save(update_fields=fields)
    if changes:
        record_event(actor=actor, target=process, verb=ProcessEvents.FACTS_CHANGED, changes=changes)
    return process


def _deadline_reads_facts(stage: StageDefinition | None) -> bool:
    return stage is not None and stage.deadline_unit in (DeadlineUnit.ROAD_PERMIT, DeadlineUnit.APPOINTMENT)


def check_scan(file) -> None:
    """The one check of a scanned document, whether it came through the page or the API."""
    check_upload(file, field="file", label="扫描件", kinds=SCANS, limit_policy="processes.upload_max_mb")


@transaction.atomic
def receive_document(*, actor, process: Process, code: str, file=None, note: str = "") -> ProcessDocument:
    _require_handler(actor, process)
    if file:
        check_scan(file)
    names = {doc["code"]: doc["name"] for stage in process.definition.stages.all() for doc in stage.documents}
    if code not in names:
        raise ValidationError({"code": f"本业务没有名为「{code}」的材料"})
    document = ProcessDocument.objects.create(
        process=process, code=code, name=names[code], file=file or "", note=note, received_by=actor
    )
    record_event(
        actor=actor,
        target=process,
        verb=ProcessEvents.DOCUMENT_RECEIVED,
        changes={"document": [None, names[code]]},
    )
    return document


def gate(process: Process, have: set[str] | None = None) -> dict[str, str]:
    """What stops the current stage: {"documents": "缺少：…", rule name: refusal, …}; empty when clear.
    `have`: the codes of the documents received, when the caller has read them already."""
    stage = process.current_stage
    problems = {}
    if have is None:
        have = set(process.documents.values_list("code", flat=True))
    missing = [doc["name"] for doc in stage.documents_for(process.customer_kind) if doc["code"] not in have]
    if missing:
        problems["documents"] = "缺少材料：" + "、".join(missing)
    problems.update(refusals(process, stage.rules))
    return problems


def _lock(process: Process) -> Process:
    return (
        Process.objects.select_for_update(of=("self",))
        .select_related("definition", "current_stage")
        .get(pk=process.pk)
    )


def _leave(process: Process, actor, outcome: str, note: str, at) -> None:
    StageRun.objects.filter(process=process, stage=process.current_stage, left_at__isnull=True).update(
        left_at=at, outcome=outcome, left_by=actor, note=note
    )


def _require_active(process: Process) -> None:
    if process.state != Process.State.ACTIVE:
        raise ValidationError({"state": f"业务当前状态为「{process.get_state_display()}」，不能办理"})


@transaction.atomic
def advance(*, actor, process: Process, note: str = "") -> Process:
    """Finish the current stage and enter the next, if its gate allows; the last stage completes."""
    process = _lock(process)
    _require_handler(actor, process)
    _require_active(process)
    problems = gate(process)
    if problems:
        raise GateRefused(problems)
    return _move_on(process, actor, note)


def _move_on(process: Process, actor, note: str) -> Process:
    """Leave the current stage and enter the next applicable one, or complete after the last."""
    run_hooks(process, actor, process.current_stage.hooks)
    now = timezone.now()
    stages = _stages(process)
    index = [s.pk for s in stages].index(process.current_stage_id)
    old = process.current_stage.name
    _leave(process, actor, StageRun.Outcome.ADVANCED, note, now)
    if index + 1 < len(stages):
        _enter(process, stages[index + 1], now)
        new = process.current_stage.name
    else:
        process.state, process.completed_at = Process.State.COMPLETED, now
        process.current_stage, process.due_at, process.unit = None, None, None
        new = "办结"
    process.save(update_fields=MOVED)
    record_event(
        actor=actor, target=process, verb=ProcessEvents.ADVANCED, changes={"stage": [old, new]}, note=note
    )
    if process.state == Process.State.COMPLETED:
        archive_completed(process, actor)
    return process


def archive_completed(process: Process, actor) -> None:
    """A completed business leaves its file for the archive room (D1), in the same transaction: the
    papers the counter collected are its content list; the counter's department hands them in."""
    documents = [d.name for d in process.documents.order_by("id")] or [f"{process.definition.name}申请资料"]
    register_file(
        actor=actor,
        category=Category.PROCESS,
        title=f"{process.definition.name}·{process.customer.name}（{process.number}）"[:200],
        subject=f"processes.process:{process.pk}",
        finished_on=timezone.localdate(process.completed_at),
        customer=process.customer,
        department=getattr(process.started_by, "department", None),
        source_number=process.number or "",
        source_url=reverse("processes:detail", args=[process.pk]),
        items=documents,
    )


@transaction.atomic
def return_to(*, actor, process: Process, stage_code: str, reason: str) -> Process:
    _require_clerk(actor)
    process = _lock(process)
    _require_active(process)
    if not (reason or "").strip():
        raise ValidationError({"reason": "退回须说明原因"})
    stages = _stages(process)
    codes = [s.code for s in stages]
    if stage_code not in codes or codes.index(stage_code) >= codes.index(process.current_stage.code):
        raise ValidationError({"stage": "只能退回到本业务之前的环节"})
    now = timezone.now()
    old = process.current_stage.name
    _leave(process, actor, StageRun.Outcome.RETURNED, reason, now)
    _enter(process, stages[codes.index(stage_code)], now)
    process.save(update_fields=MOVED)
    record_event(
        actor=actor,
        target=process,
        verb=ProcessEvents.RETURNED,
        changes={"stage": [old, process.current_stage.name]},
        note=reason,
    )
    return process


@transaction.atomic
def reject(*, actor, process: Process, reason: str) -> Process:
    """Not accepted (e.g. an ineligible application found later): closed with the reason; a fee paid
    is refunded through a leader's approval."""
    _require_clerk(actor)
    process = _lock(process)
    _require_active(process)
    if not (reason or "").strip():
        raise ValidationError({"reason": "不予受理须说明原因"})
    now = timezone.now()
    _leave(process, actor, StageRun.Outcome.REJECTED, reason, now)
    process.state, process.reason, process.due_at = Process.State.REJECTED, reason.strip(), None
    process.unit = None
    process.save()
    record_event(
        actor=actor,
        target=process,
        verb=ProcessEvents.REJECTED,
        changes={"state": ["办理中", "不予受理"]},
        note=reason,
    )
    if process.fee > 0:
        Approval.objects.create(
            process=process, kind=Approval.Kind.REFUND, amount=process.fee, reason=reason, requested_by=actor
        )
    return process


@transaction.atomic
def record_fee(*, actor, process: Process, amount: Decimal) -> Process:
    _require_clerk(actor)
    process = _lock(process)
    if amount <= 0:
        raise ValidationError({"amount": "收费金额必须大于0"})
    standard = process.definition.standard_fee()
    if process.customer_kind == Customer.Kind.INDIVIDUAL and standard and process.fee + amount > standard:
        # a second click must not charge the customer twice
        label = process.definition.fee_label or "本业务收费"
        raise ValidationError({"amount": f"{label}标准为{standard}元，已收{process.fee}元，不能多收"})
    old = process.fee
    process.fee = old + amount
    process.save(update_fields=["fee", "updated_at"])
    record_event(
        actor=actor,
        target=process,
        verb=ProcessEvents.FEE_PAID,
        changes={"fee": [str(old), str(process.fee)]},
    )
    return process


@transaction.atomic
def sign_application(*, actor, process: Process, note: str = "") -> Process:
    """Seed 000 ch.10 §1.5: the center's head reviews and signs a unit's or cluster's application (rule
    center_head_signed reads the signature). Kept in the facts with the signer and the time; a second
    signature is refused rather than overwriting the first."""
    if not actor.has_perm("processes.sign_application"):
        raise PermissionDenied("只有客服中心负责人可以审核签字单位、集群用水申请")
    process = _lock(process)
    _require_active(process)
    if process.customer_kind == Customer.Kind.INDIVIDUAL:
        raise ValidationError({"customer": "个人客户的用水申请无须中心负责人审核签字"})
    if not any("center_head_signed" in stage.rules for stage in process.definition.stages.all()):
        raise ValidationError({"definition": f"「{process.definition.name}」无须中心负责人审核签字"})
    if process.facts.get("center_head_signature"):
        signed = process.facts["center_head_signature"]
        raise ValidationError({"state": f"该申请已由{signed['name']}于{signed['at'][:10]}审核签字"})
    at = timezone.localtime()
    process.facts["center_head_signature"] = {
        "user_id": actor.pk,
        "name": str(actor),
        "at": at.isoformat(timespec="minutes"),
    }
    process.save(update_fields=["facts", "updated_at"])
    application_signed_event(actor=actor, process=process, note=note)
    return process


@transaction.atomic
def request_approval(*, actor, process: Process, kind: str, reason: str, days: int = 0) -> Approval:
    _require_clerk(actor)
    if kind not in (Approval.Kind.EXTEND, Approval.Kind.SUSPEND):
        raise ValidationError({"kind": "只能申请延期或暂停"})
    if not (reason or "").strip():
        raise ValidationError({"reason": "请说明理由"})
    if not 0 <= days <= MAX_APPROVAL_DAYS:
        raise ValidationError({"days": f"工作日天数应在0至{MAX_APPROVAL_DAYS}之间"})
    if kind == Approval.Kind.EXTEND:
        longest = policy("processes.extension_max_working_days")
        if not 1 <= days <= longest:
            raise ValidationError({"days": f"延期应为1至{longest}个工作日"})
    _require_active(process)
    approval = Approval.objects.create(
        process=process, kind=kind, days=days, reason=reason, requested_by=actor
    )
    record_event(
        actor=actor,
        target=process,
        verb=ProcessEvents.APPROVAL_REQUESTED,
        changes={"approval": [None, approval.get_kind_display()]},
        note=reason,
    )
    return approval


@transaction.atomic
def decide(*, actor, approval: Approval, approve: bool, note: str = "") -> Approval:
    """A leader decides; an approved extension moves the current stage's deadline by working days, an
    approved suspension stops the clock, an approved refund is recorded for the cashier."""
    if not actor.has_perm("processes.approve_process"):
        raise PermissionDenied("只有部门负责人以上可以审批")
    approval = Approval.objects.select_for_update().select_related("process").get(pk=approval.pk)
    if approval.status != Approval.Status.PENDING:
        raise ValidationError({"status": "该申请已审批"})
    if approval.requested_by_id == actor.pk:
        raise PermissionDenied("不能审批自己提出的申请")
    approval.status = Approval.Status.APPROVED if approve else Approval.Status.DECLINED
    approval.decided_by, approval.decided_at = actor, timezone.now()
    approval.save()
    process = _lock(approval.process)
    if approve and approval.kind == Approval.Kind.EXTEND and process.due_at:
        run = process.runs.filter(left_at__isnull=True).order_by("-id").first()
        process.due_at = WorkingCalendar().add_working_days(process.due_at, approval.days).deadline
        if run:
            run.due_at, run.extended_days = process.due_at, run.extended_days + approval.days
            run.save(update_fields=["due_at", "extended_days", "updated_at"])
        process.save(update_fields=["due_at", "updated_at"])
    elif approve and approval.kind == Approval.Kind.SUSPEND:
        process.state, process.reason = Process.State.SUSPENDED, approval.reason
        process.save(update_fields=["state", "reason", "updated_at"])
    record_event(
        actor=actor,
        target=process,
        verb=ProcessEvents.APPROVAL_DECIDED,
        changes={approval.get_kind_display(): [None, approval.get_status_display()]},
        note=note,
    )
    return approval


@transaction.atomic
def resume(*, actor, process: Process) -> Process:
    """A suspended process goes on; the current stage gets its full time limit again from today."""
    _require_clerk(actor)
    process = _lock(process)
    if process.state != Process.State.SUSPENDED:
        raise ValidationError({"state": "业务未暂停"})
    process.state = Process.State.ACTIVE
    now = timezone.now()
    _leave(process, actor, StageRun.Outcome.ADVANCED, "暂停后恢复", now)
    _enter(process, process.current_stage, now)
    process.save(update_fields=MOVED)
    record_event(
        actor=actor, target=process, verb=ProcessEvents.RESUMED, changes={"state": ["已暂停", "办理中"]}
    )
    return process


def advance_by_system(*, process: Process, note: str) -> Process:
    """A scheduled step (the 16:30 batch): the same move as advance, by nobody in particular, and only
    where the stage has no gate left."""
    process = _lock(process)
    if process.state != Process.State.ACTIVE or gate(process):
        return process
    return _move_on(process, None, note)
