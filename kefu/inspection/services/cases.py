"""The case (I1, I3; seed 000 ch.7 第三条): opened within the team's scope (第二条, 第三条(二)), worked by two
inspectors or more who show their IDs first (第三条(三)), concluded; a violation goes to the center leader
with the 违章登记表 and 违章审批表 after the customer's statement or defence is heard (第三条(六)(九)); the
amounts are recorded only after approval and never above it; the papers go to the archive and the case
closes once the archive room has catalogued and numbered them (第三条(十)).

Every write: keyword-only arguments, @transaction.atomic, its event from kefu.inspection.events in the
same transaction."""

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.archives.models import ArchiveFile
from kefu.core.alerts import send_alert
from kefu.core.calendar import SHANGHAI, add_working_days
from kefu.core.claims import claim
from kefu.core.models import JobClaim
from kefu.core.numbering import next_number
from kefu.core.policies import policy
from kefu.inspection.events import CaseEvents, inspection_event
from kefu.inspection.models import Case, CaseInspector, CaseKind, PenaltyApproval, Statement

OVERDUE = "inspection.case_overdue"
ALERT_KINDS: dict[str, str] = {OVERDUE: "稽查案件超过办理期限"}
FIELD_STATES = (Case.State.OPEN, Case.State.INVESTIGATING)
OUT_OF_SCOPE = "超出稽查范围（供水手册第七章第三条（二））"
NEEDS_APPROVAL = "须经客户服务中心领导批准后再进行处理（第三条（九））"
# Cases looked at per scan (closing and overdue alerts): the scan stays bounded; the rest next pass.
SCAN_LIMIT = 500
S = Case.State


# ---------------------------------------------------------------- checks


def min_inspectors() -> int:
    return int(policy("inspection.min_inspectors"))


def _too_few(count: int) -> str:
    return (
        f"稽查人员必须{min_inspectors()}人以上（供水手册第七章第三条（三）），本案现有{count}人，"
        "请先指派稽查员"
    )


def require_field_work(case: Case, actor) -> None:
    """CONTRACT (used by the field subject before evidence, statements and notices): the case is open for
    field work, has two inspectors at least (第三条(三), rule inspection.min_inspectors), the actor is
    one of them and has shown their ID."""
    if case.state not in FIELD_STATES:
        raise ValidationError(f"案件{case.number}当前为「{case.get_state_display()}」，不能再现场取证")
    seats = list(case.inspectors.all())
    if len(seats) < min_inspectors():
        raise ValidationError(_too_few(len(seats)))
    mine = next((seat for seat in seats if seat.inspector_id == actor.pk), None)
    if mine is None:
        raise PermissionDenied("只有本案的稽查员可以现场取证")
    if mine.id_shown_at is None:
        raise ValidationError("执行职务时应首先出示稽查证件（供水手册第七章第三条（三）），请先登记出示证件")


def _require_worker(actor) -> None:
    if actor is None or not actor.has_perm("inspection.work_case"):
        raise PermissionDenied("只有稽查员可以办理稽查案件")


def _require_on_case(case: Case, actor, label: str) -> None:
    _require_worker(actor)
    if not case.inspectors.filter(inspector=actor).exists():
        raise PermissionDenied(f"只有本案的稽查员可以{label}")


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _require_state(case: Case, states, label: str) -> None:
    if case.state not in states:
        raise ValidationError(f"案件{case.number}当前为「{case.get_state_display()}」，不能{label}")


def _move(actor, case: Case, verb, *, note: str = "", **changes) -> Case:
    record = {}
    for field, value in changes.items():
        old = getattr(case, field)
        setattr(case, field, value)
        if old != value:
            record[field] = [_plain(old), _plain(value)]
    case.save(update_fields=[*changes, "updated_at"])
    inspection_event(actor=actor, target=case, verb=verb, changes=record, note=note)
    return case


def _plain(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, (date, Decimal)):
        return str(value)
    if hasattr(value, "pk"):
        return str(value)
    return value


def working_days_after(day: date, working_days: int) -> date:
    """The working day `working_days` after `day` on the center's calendar (调休 included)."""
    start = datetime.combine(day, time(12, 0), tzinfo=SHANGHAI)
    return add_working_days(start, working_days).deadline_date


def default_due_on(source: str, *, work_order=None, tracking_task=None, today: date | None = None) -> date:
    """The case's deadline: the hotline category's deadline for a report, the meters' task date for a
    meter task, otherwise inspection.case_working_days working days."""
    if work_order is not None and work_order.deadline:
        return timezone.localdate(work_order.deadline)
    if tracking_task is not None and tracking_task.due_on:
        return tracking_task.due_on
    return working_days_after(today or timezone.localdate(), int(policy("inspection.case_working_days")))


# ---------------------------------------------------------------- opening and inspectors


@transaction.atomic
def open_case(
    *,
    actor,
    kind: str,
    source: str,
    address: str,
    summary: str,
    customer=None,
    area=None,
    work_order=None,
    tracking_task=None,
    patrol=None,
    unregistered: bool = False,
    inspectors=(),
    due_on: date | None = None,
) -> Case:
    """CONTRACT: open a case of a kind within the team's scope (CaseKind), numbered JC<year>-<5 digits>
    from the one counter; `inspectors` (two at least before any field work) may be named now or later.
    `actor` None is the system (a hook from the hotline or the meters)."""
    if actor is not None and not actor.has_perm("inspection.add_case"):
        raise PermissionDenied("只有稽查员可以立案")
    if kind not in CaseKind.values:
        raise ValidationError({"kind": OUT_OF_SCOPE})
    if source not in Case.Source.values:
        raise ValidationError({"source": "案件来源应为热线举报、表务转来、巡查发现、上级转办或稽查队立案"})
    address, summary = (address or "").strip(), (summary or "").strip()
    if not address and customer is not None:
        address = customer.address
    if not address:
        raise ValidationError({"address": "请填写稽查地点"})
    if not summary:
        raise ValidationError({"summary": "请填写案由"})
    if len(address) > 200:
        raise ValidationError({"address": "稽查地点不能超过200个字符"})
    if len(summary) > 300:
        raise ValidationError({"summary": "案由不能超过300个字符"})
    if area is None and customer is not None:
        area = customer.service_area
    now = timezone.now()
    today = timezone.localdate(now)
    if due_on is None:
        due_on = default_due_on(source, work_order=work_order, tracking_task=tracking_task, today=today)
    elif due_on < today:
        raise ValidationError({"due_on": "办理期限不能早于今天"})
    number = f"JC{today.year:04d}-{next_number('inspection.case', f'{today.year:04d}'):05d}"
    case = Case.objects.create(
        number=number,
        kind=kind,
        source=source,
        customer=customer,
        unregistered=bool(unregistered),
        address=address,
        area=area,
        summary=summary,
        opened_by=actor,
        opened_at=now,
        due_on=due_on,
        work_order=work_order,
        tracking_task=tracking_task,
        patrol=patrol,
    )
    inspection_event(
        actor=actor,
        target=case,
        verb=CaseEvents.OPENED,
        changes={
            "kind": case.get_kind_display(),
            "source": case.get_source_display(),
            "due_on": due_on.isoformat(),
            **({"unregistered": "黑户调查"} if case.unregistered else {}),
        },
        note=summary,
    )
    if inspectors:
        _assign(actor, case, list(inspectors))
    return case


def _check_inspector(person) -> None:
    if person is None or not person.is_active or person.role != Role.FIELD_INSPECTOR:
        raise ValidationError({"inspectors": f"{person}不是在岗的稽查员，不能指派到稽查案件"})


def _assign(actor, case: Case, people: list) -> list[CaseInspector]:
    seated = set(case.inspectors.values_list("inspector_id", flat=True))
    has_lead = case.inspectors.filter(lead=True).exists()
    added = []
    for person in people:
        _check_inspector(person)
        if person.pk in seated:
            continue
        seat = CaseInspector.objects.create(case=case, inspector=person, lead=not has_lead)
        has_lead = True
        seated.add(person.pk)
        added.append(seat)
        inspection_event(
            actor=actor,
            target=case,
            verb=CaseEvents.INSPECTOR_ASSIGNED,
            changes={"inspector": str(person), **({"lead": "主办"} if seat.lead else {})},
        )
    return added


@transaction.atomic
def assign_inspectors(*, actor, case: Case, inspectors) -> list[CaseInspector]:
    """Name inspectors (active 稽查员 only) on an open case; the first one named is the lead (主办)."""
    _require_worker(actor)
    case = _lock(case)
    _require_state(case, FIELD_STATES, "指派稽查员")
    people = list(inspectors)
    if not people:
        raise ValidationError({"inspectors": "请选择要指派的稽查员"})
    return _assign(actor, case, people)


@transaction.atomic
def remove_inspector(*, actor, case: Case, inspector, reason: str) -> None:
    """Take an inspector off an open case (the event keeps who and why); with fewer than two left the
    field work waits for another (第三条(三))."""
    _require_worker(actor)
    case = _lock(case)
    _require_state(case, FIELD_STATES, "撤出稽查员")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请说明撤出原因"})
    seat = case.inspectors.filter(inspector=inspector).first()
    if seat is None:
        raise ValidationError({"inspector": f"{inspector}不是本案的稽查员"})
    was_lead = seat.lead
    # The seat is marked, not deleted: who sat on the case stays on record (nothing is lost).
    seat.removed_at = timezone.now()
    seat.removed_by = actor
    seat.removed_reason = reason[:300]
    seat.lead = False
    seat.save(update_fields=["removed_at", "removed_by", "removed_reason", "lead", "updated_at"])
    if was_lead:
        successor = case.inspectors.order_by("id").first()
        if successor is not None:
            successor.lead = True
            successor.save(update_fields=["lead", "updated_at"])
    inspection_event(
        actor=actor,
        target=case,
        verb=CaseEvents.INSPECTOR_REMOVED,
        changes={"inspector": str(inspector)},
        note=reason[:300],
    )


@transaction.atomic
def record_id_shown(*, actor, case: Case, inspector=None, at: datetime | None = None) -> CaseInspector:
    """An inspector of the case showed their 稽查证件 to the customer (第三条(三)); an inspector records it
    for themself or a colleague on the same case, at the time given (not in the future) or now."""
    _require_on_case(case, actor, "登记出示证件")
    case = _lock(case)
    _require_state(case, FIELD_STATES, "登记出示证件")
    person = inspector or actor
    seat = case.inspectors.filter(inspector=person).first()
    if seat is None:
        raise ValidationError({"inspector": f"{person}不是本案的稽查员"})
    now = timezone.now()
    at = at or now
    if at > now:
        raise ValidationError({"at": "出示证件时间不能晚于现在"})
    if at < case.opened_at:
        raise ValidationError({"at": "出示证件时间不能早于立案时间"})
    seat.id_shown_at = at
    seat.save(update_fields=["id_shown_at", "updated_at"])
    inspection_event(
        actor=actor,
        target=case,
        verb=CaseEvents.ID_SHOWN,
        changes={"inspector": str(person), "at": _plain(at)},
    )
    return seat


@transaction.atomic
def start_investigation(*, actor, case: Case) -> Case:
    """Start the field work: two inspectors or more (inspection.min_inspectors), each having shown their
    ID first (第三条(三)); a task with one is refused."""
    _require_on_case(case, actor, "开始调查取证")
    case = _lock(case)
    _require_state(case, (S.OPEN,), "开始调查取证")
    seats = list(case.inspectors.select_related("inspector"))
    if len(seats) < min_inspectors():
        raise ValidationError({"inspectors": _too_few(len(seats))})
    not_shown = [str(seat.inspector) for seat in seats if seat.id_shown_at is None]
    if not_shown:
        raise ValidationError(
            {
                "inspectors": "执行职务时应首先出示稽查证件（供水手册第七章第三条（三））："
                f"{'、'.join(not_shown)}尚未登记出示证件"
            }
        )
    return _move(actor, case, CaseEvents.STARTED, state=S.INVESTIGATING)


@transaction.atomic
def conclude(*, actor, case: Case, finding: str, conclusion: str) -> Case:
    """The investigation's finding (违章属实 / 未发现违章 / 核实属实 / 核实不实) and the proposed handling."""
    _require_on_case(case, actor, "作出调查结论")
    case = _lock(case)
    _require_state(case, (S.INVESTIGATING,), "作出调查结论")
    if finding not in Case.Finding.values or not finding:
        raise ValidationError({"finding": "请选择调查结论"})
    conclusion = (conclusion or "").strip()
    if not conclusion:
        raise ValidationError({"conclusion": "请填写处理意见"})
    if len(conclusion) > 2000:
        raise ValidationError({"conclusion": "处理意见不能超过2000个字符"})
    return _move(
        actor, case, CaseEvents.CONCLUDED, note=conclusion[:300], finding=finding, conclusion=conclusion
    )


# ---------------------------------------------------------------- approval (第三条(六)(九))


def has_hearing(case: Case) -> bool:
    """The customer's (for 黑户 the occupant's) statement or defence is on record (第三条(六))."""
    return case.statements.filter(kind__in=[Statement.Kind.STATEMENT, Statement.Kind.DEFENCE]).exists()


def _amount(value, field: str, label: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else "0")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"{label}应为金额（元）"}) from None
    if amount < 0:
        raise ValidationError({field: f"{label}不能为负数"})
    if amount >= Decimal("10000000000"):
        raise ValidationError({field: f"{label}超出可登记的范围"})
    return amount


@transaction.atomic
def submit_for_approval(
    *,
    actor,
    case: Case,
    facts: str,
    regulation: str,
    proposed_penalty,
    proposed_recovery,
    proposal: str,
) -> PenaltyApproval:
    """The 违章登记表 and 违章审批表 to the center leader (第三条(九)): only for a violation found, only once
    the customer's statement or defence has been heard (第三条(六), inspection.statement_before_approval),
    one waiting at a time."""
    _require_on_case(case, actor, "报领导审批")
    case = _lock(case)
    _require_state(case, (S.INVESTIGATING,), "报领导审批")
    if case.finding != Case.Finding.VIOLATION:
        raise ValidationError({"finding": "报批前须作出调查结论「违章属实」"})
    if policy("inspection.statement_before_approval") and not has_hearing(case):
        who = "实际用水人" if case.unregistered else "当事人"
        raise ValidationError(
            {
                "statements": f"作出处理决定前，应当听取{who}的陈述和申辩（供水手册第七章第三条（六））："
                "请先记录陈述或申辩"
            }
        )
    facts, regulation, proposal = (facts or "").strip(), (regulation or "").strip(), (proposal or "").strip()
    if not facts:
        raise ValidationError({"facts": "请填写违章事实"})
    if not regulation:
        raise ValidationError({"regulation": "请填写违反的条款"})
    if len(regulation) > 300:
        raise ValidationError({"regulation": "违反条款不能超过300个字符"})
    if not proposal:
        raise ValidationError({"proposal": "请填写拟处理意见"})
    penalty = _amount(proposed_penalty, "proposed_penalty", "拟处违约金/罚款")
    recovery = _amount(proposed_recovery, "proposed_recovery", "拟追补水费")
    approval = PenaltyApproval.objects.create(
        case=case,
        facts=facts[:5000],
        regulation=regulation,
        proposed_penalty=penalty,
        proposed_recovery=recovery,
        proposal=proposal[:5000],
        submitted_by=actor,
        submitted_at=timezone.now(),
    )
    _move(
        actor,
        case,
        CaseEvents.APPROVAL_SUBMITTED,
        note=f"拟处违约金/罚款{penalty}元，拟追补水费{recovery}元",
        state=S.AWAITING_APPROVAL,
    )
    return approval


@transaction.atomic
def decide(*, actor, approval: PenaltyApproval, approve: bool, opinion: str) -> PenaltyApproval:
    """The center leader approves or refuses (第三条(九)); never the one who submitted it. A refusal sends
    the case back to the investigation."""
    if actor is None or not actor.has_perm("inspection.approve_case"):
        raise PermissionDenied("违章处理须经客户服务中心领导审批，您没有审批权限")
    approval = PenaltyApproval.objects.select_for_update().get(pk=approval.pk)
    if approval.submitted_by_id == actor.pk:
        raise PermissionDenied("报批人不能审批自己报批的违章处理")
    if approval.state != PenaltyApproval.State.SUBMITTED:
        raise ValidationError(f"该审批已{approval.get_state_display()}，不能重复审批")
    opinion = (opinion or "").strip()
    if not approve and not opinion:
        raise ValidationError({"opinion": "不予批准须写明审批意见"})
    if len(opinion) > 300:
        raise ValidationError({"opinion": "审批意见不能超过300个字符"})
    approval.state = PenaltyApproval.State.APPROVED if approve else PenaltyApproval.State.REFUSED
    approval.decided_by, approval.decided_at = actor, timezone.now()
    approval.opinion = opinion or "同意按拟处理意见处理"
    approval.save(update_fields=["state", "decided_by", "decided_at", "opinion", "updated_at"])
    case = _lock(approval.case)
    if approve:
        _move(actor, case, CaseEvents.APPROVED, note=approval.opinion, state=S.APPROVED)
    else:
        _move(actor, case, CaseEvents.APPROVAL_REFUSED, note=approval.opinion, state=S.INVESTIGATING)
    return approval


def approved_approval(case: Case) -> PenaltyApproval | None:
    return case.approvals.filter(state=PenaltyApproval.State.APPROVED).order_by("-decided_at", "-id").first()


@transaction.atomic
def record_amounts(*, actor, case: Case, penalty, recovery) -> Case:
    """The penalty and recovery charged: only after the leader's approval (第三条(九)) and never above
    the approved amounts."""
    _require_on_case(case, actor, "登记违约金与追补水费")
    case = _lock(case)
    approval = approved_approval(case)
    if approval is None or case.state != S.APPROVED:
        if case.state in (S.AWAITING_FILING, S.CLOSED):
            _require_state(case, (S.APPROVED,), "再登记金额")
        raise ValidationError({"penalty": NEEDS_APPROVAL})
    penalty = _amount(penalty, "penalty", "违约金/罚款")
    recovery = _amount(recovery, "recovery", "追补水费")
    if penalty > approval.proposed_penalty:
        raise ValidationError(
            {"penalty": f"违约金/罚款{penalty}元超过领导批准的{approval.proposed_penalty}元，须重新报批"}
        )
    if recovery > approval.proposed_recovery:
        raise ValidationError(
            {"recovery": f"追补水费{recovery}元超过领导批准的{approval.proposed_recovery}元，须重新报批"}
        )
    return _move(
        actor,
        case,
        CaseEvents.AMOUNTS_RECORDED,
        penalty_amount=penalty,
        recovery_amount=recovery,
        amounts_recorded_at=timezone.now(),
    )


# ---------------------------------------------------------------- the archive and closing (第三条(十))


def papers(case: Case) -> list[str]:
    """The case's papers for the archive's content list: notices with their numbers, statements, the
    evidence count, the registration and approval forms."""
    items = [f"{n.get_kind_display()}（{n.number}）" for n in case.notices.order_by("issued_at", "id")]
    for s in case.statements.order_by("recorded_at", "id"):
        items.append(f"{s.get_kind_display()}（{s.person}，{timezone.localtime(s.recorded_at):%Y-%m-%d}）")
    evidence = case.evidence.filter(superseded_by=None).count()
    if evidence:
        items.append(f"证据材料{evidence}件（含SHA-256校验值）")
    for approval in case.approvals.order_by("submitted_at", "id"):
        items.append(f"违章登记表（{timezone.localtime(approval.submitted_at):%Y-%m-%d}）")
        items.append(f"违章审批表（{approval.get_state_display()}）")
    items.append(f"稽查案件{case.number}调查结论与处理意见")
    return items


@transaction.atomic
def send_to_archive(*, actor, case: Case):
    """Hand the papers to the archive room (第三条(十)): after the conclusion, and for a violation after
    approval with the amounts recorded. The file waits (待归档) until the archive room catalogues it."""
    from kefu.archives.services.filing import register_file

    _require_on_case(case, actor, "移交案卷")
    case = _lock(case)
    if case.state == S.APPROVED:
        if case.amounts_recorded_at is None:
            raise ValidationError({"penalty": "请先登记领导批准后的违约金与追补水费，再移交案卷"})
    elif case.state == S.INVESTIGATING:
        if not case.finding:
            raise ValidationError({"finding": "请先作出调查结论，再移交案卷"})
        if case.finding == Case.Finding.VIOLATION:
            raise ValidationError({"finding": f"违章属实的案件{NEEDS_APPROVAL}，不能直接移交案卷"})
    else:
        _require_state(case, (S.INVESTIGATING, S.APPROVED), "移交案卷")
    title = f"稽查案件{case.number} {case.get_kind_display()}：{case.summary}"[:200]
    file = register_file(
        actor=actor,
        category="inspection",
        title=title,
        subject=f"inspection.case:{case.pk}",
        finished_on=timezone.localdate(),
        customer=case.customer,
        source_number=case.number,
        source_url=reverse("inspection:case", args=[case.pk]),
        items=papers(case),
        restricted_to="inspection.view_case",
    )
    _move(actor, case, CaseEvents.SENT_TO_ARCHIVE, state=S.AWAITING_FILING, archive_file=file)
    return file


def _close(actor, case: Case) -> Case:
    return _move(actor, case, CaseEvents.CLOSED, state=S.CLOSED, closed_at=timezone.now())


@transaction.atomic
def close(*, actor, case: Case) -> Case:
    """Close a case whose papers the archive room has catalogued and numbered (第三条(十))."""
    _require_worker(actor)
    case = _lock(case)
    _require_state(case, (S.AWAITING_FILING,), "结案")
    file = ArchiveFile.objects.filter(pk=case.archive_file_id).first()
    if file is None or file.state != ArchiveFile.State.FILED:
        raise ValidationError(
            "结案前应将案卷材料整理编目、编号并归档（供水手册第七章第三条（十））：档案室尚未归档"
        )
    return _close(actor, case)


# ---------------------------------------------------------------- the job


def _overdue_cases(today: date):
    late = int(policy("inspection.overdue_alert_days"))
    claimed = JobClaim.objects.filter(job=OVERDUE, period=Cast(OuterRef("pk"), output_field=CharField()))
    rows = (
        Case.objects.filter(state__in=[S.OPEN, S.INVESTIGATING, S.AWAITING_APPROVAL, S.APPROVED])
        .filter(due_on__lt=today)
        .exclude(Exists(claimed))
        .order_by("due_on", "id")
    )
    for case in rows[:SCAN_LIMIT]:
        if late and working_days_after(case.due_on, late) >= today:
            continue
        yield case


def _recipients(case: Case) -> list[User]:
    people = [seat.inspector for seat in case.inspectors.select_related("inspector")]
    if not people:
        people = list(User.objects.filter(role=Role.FIELD_INSPECTOR, is_active=True)[:50])
    return people


def run_due(now) -> list[str]:
    """Close the cases whose file the archive room has filed (event CLOSED); tell the inspectors once
    about each case past its deadline (claimed per case, so a second run says nothing)."""
    lines: list[str] = []
    closing = Case.objects.filter(state=S.AWAITING_FILING, archive_file__state=ArchiveFile.State.FILED)
    closed = 0
    for pk in list(closing.order_by("id").values_list("pk", flat=True)[:SCAN_LIMIT]):
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=pk)
            if case.state != S.AWAITING_FILING:
                continue
            _close(None, case)
            closed += 1
    if closed:
        lines.append(f"稽查：{closed}件案件的案卷已归档，已结案")
    told = 0
    today = timezone.localdate(now)
    for case in list(_overdue_cases(today)):
        with transaction.atomic():
            if claim(OVERDUE, str(case.pk)) is None:
                continue
            send_alert(
                recipients=_recipients(case),
                kind=OVERDUE,
                message=f"稽查案件{case.number}（{case.get_kind_display()}）已超过办理期限{case.due_on:%Y-%m-%d}",
                url=reverse("inspection:case", args=[case.pk]),
                subject=f"inspection.case:{case.pk}",
            )
            told += 1
    if told:
        lines.append(f"稽查：{told}件案件超过办理期限，已提醒稽查员")
    return lines
