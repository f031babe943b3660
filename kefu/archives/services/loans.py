"""Reading and borrowing archive files (D2; 物业客服规章制度·住户档案管理规定 3 档案使用, 客服部档案管理
（档案的借阅和剔除）A). One `FileLoan` per request, the line of the 《文件借阅登记表》.

- `request`: reading for one's work goes straight to the archive room's desk (state APPROVED, no
  approval: 3(1)); reading not for work needs the manager's approval when the rule
  archives.read_not_for_work_needs_approval is on (3(2)); every loan needs it (3(4)) and is for work
  only. The manager is the holder of `archives.approve_fileloan` (客服部主任, 中心主任), never for their
  own request.
- A confidential file (`ArchiveFile.confidential`: owners' and tenants' papers, inspection files) is
  never lent or copied, even with approval (3(3)): refused at the request, at the approval and at the
  desk; it may be read on site. Only filed files are read or lent (not pending, not destroyed).
- `lend` / `start_reading`: the registrar (`archives.register_fileloan`: 档案员, 客服部主任 — the seed's
  客服主任) registers it and records that the borrower signed the register; a loan's due date is at most
  archives.loan_days working days away, a reading is on site and due back the same day. One file is
  out to one person at a time (constraint archives_one_loan_out).
- `return_file`, `cancel`; `run_due`: loans and readings past their due date alerted once to the
  borrower, the registrar and the archivists (event OVERDUE_FLAGGED); a loan due within
  archives.loan_remind_days working days reminded to its borrower.
"""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.archives.events import LoanEvents, archives_event
from kefu.archives.models import ArchiveFile, Category, FileLoan
from kefu.archives.sources import HOUSEHOLD_ARCHIVES, SALES_ARCHIVES
from kefu.core.alerts import send_alert
from kefu.core.calendar import SHANGHAI, add_working_days
from kefu.core.permissions import require
from kefu.core.policies import policy

ALERT_KINDS: dict[str, str] = {
    "archives.loan_overdue": "档案借阅逾期未还",
    "archives.loan_due_soon": "借阅档案即将到期",
    "archives.loan_waiting": "档案借阅待审批",
}
OPEN_STATES = (FileLoan.State.REQUESTED, FileLoan.State.APPROVED, FileLoan.State.OUT, FileLoan.State.READING)
AWAY_STATES = (FileLoan.State.OUT, FileLoan.State.READING)
# How many overdue loans one run of the job claims; the rest wait for the next run.
BATCH = 500


def working_days_after(day: date, working_days: int) -> date:
    start = datetime.combine(day, datetime.min.time().replace(hour=12), tzinfo=SHANGHAI)
    return add_working_days(start, working_days).deadline_date


def confidential_refusal(file: ArchiveFile) -> str:
    name = file.catalogue_number or file.title
    if file.category == Category.INSPECTION:
        # An inspection file is confidential by ch.7 第三条(十一), not as an owner's personal papers.
        return (
            f"「{name}」是稽查案卷，属保密档案，不得借出或复印"
            "（供水手册第七章第三条（十一）：稽查文书档案不得泄漏给当事人或无关人员）；可在档案室查阅"
        )
    return (
        f"「{name}」属业主/租户个人资料等保密档案，不得借出或复印（{HOUSEHOLD_ARCHIVES}3(3)）；可在档案室查阅"
    )


def loan_url(loan: FileLoan) -> str:
    return reverse("archives:loan", args=[loan.pk])


def _name(file: ArchiveFile) -> str:
    return file.catalogue_number or file.title


def _moved(old, new) -> list[str]:
    return [str(FileLoan.State(old).label), str(FileLoan.State(new).label)]


def _check_file_usable(file: ArchiveFile, field: str = "file") -> None:
    if file.state == ArchiveFile.State.DESTROYED:
        raise ValidationError({field: f"「{_name(file)}」已销毁，不能查阅或借出"})
    if file.state != ArchiveFile.State.FILED:
        raise ValidationError({field: f"「{_name(file)}」尚未归档编目，归档后才能查阅或借出"})


def _check_not_confidential(file: ArchiveFile, field: str) -> None:
    if file.confidential:
        raise ValidationError({field: confidential_refusal(file)})


def _locked(loan: FileLoan) -> FileLoan:
    return FileLoan.objects.select_for_update().select_related("file", "borrower").get(pk=loan.pk)


def _check_state(loan: FileLoan, *states, doing: str) -> None:
    if loan.state not in states:
        raise ValidationError({"state": f"借阅单当前为「{loan.get_state_display()}」，不能{doing}"})


@transaction.atomic
def request(*, actor, file: ArchiveFile, kind: str, purpose: str, for_work: bool = True) -> FileLoan:
    """Ask to read or borrow `file` (the caller fetched it through permissions.get_file_for)."""
    require(actor, "archives.view_archivefile", "archives.add_fileloan")
    file = ArchiveFile.objects.select_for_update().get(pk=file.pk)
    if kind not in FileLoan.Kind.values:
        raise ValidationError({"kind": "请选择借阅方式：查阅或借出"})
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": "请填写借阅事由（《文件借阅登记表》必填）"})
    if len(purpose) > 200:
        raise ValidationError({"purpose": "借阅事由不能超过200个字"})
    _check_file_usable(file)
    if kind == FileLoan.Kind.LOAN:
        _check_not_confidential(file, "kind")
        if not for_work:
            raise ValidationError(
                {
                    "for_work": f"档案只因工作需要借出（{HOUSEHOLD_ARCHIVES}3(1)）；"
                    "非工作需要请申请查阅，经服务中心经理批准后在档案室查阅"
                }
            )
    earlier = FileLoan.objects.filter(file=file, borrower=actor, state__in=OPEN_STATES).first()
    if earlier is not None:
        raise ValidationError(
            {"file": f"您已有该档案的借阅单（#{earlier.pk}，{earlier.get_state_display()}），不能重复申请"}
        )
    needs_approval = kind == FileLoan.Kind.LOAN or (
        not for_work and policy("archives.read_not_for_work_needs_approval")
    )
    now = timezone.now()
    loan = FileLoan.objects.create(
        file=file,
        kind=kind,
        state=FileLoan.State.REQUESTED if needs_approval else FileLoan.State.APPROVED,
        borrower=actor,
        purpose=purpose,
        for_work=for_work,
        requested_at=now,
        decision_note="" if needs_approval else "因工作需要查阅，无需审批（住户档案管理规定3(1)）",
    )
    archives_event(
        actor=actor,
        target=loan,
        verb=LoanEvents.REQUESTED,
        changes={
            "file": _name(file),
            "kind": str(loan.get_kind_display()),
            "for_work": for_work,
            "purpose": purpose,
            "state": str(loan.get_state_display()),
        },
    )
    if needs_approval:
        approvers = User.objects.filter(
            role__in=[Role.DEPARTMENT_HEAD, Role.CENTER_DIRECTOR], is_active=True
        ).exclude(pk=actor.pk)
        send_alert(
            recipients=list(approvers[:20]),
            kind="archives.loan_waiting",
            message=f"{actor}申请{loan.get_kind_display()}档案「{_name(file)}」：{purpose}",
            url=loan_url(loan),
            subject=f"archives.fileloan:{loan.pk}",
        )
    return loan


def _check_not_own(actor, loan: FileLoan, doing: str) -> None:
    if loan.borrower_id == actor.pk:
        raise PermissionDenied(f"不能{doing}本人的借阅申请，须由其他审批人办理")


@transaction.atomic
def approve(*, actor, loan: FileLoan, note: str = "") -> FileLoan:
    """The manager's approval (3(2), 3(4)); never one's own, never a loan of a confidential file."""
    require(actor, "archives.approve_fileloan")
    loan = _locked(loan)
    _check_not_own(actor, loan, "审批")
    _check_state(loan, FileLoan.State.REQUESTED, doing="批准")
    _check_file_usable(loan.file)
    if loan.kind == FileLoan.Kind.LOAN:
        _check_not_confidential(loan.file, "file")
    old = loan.state
    loan.state, loan.decided_by, loan.decided_at = FileLoan.State.APPROVED, actor, timezone.now()
    loan.decision_note = (note or "").strip()[:200]
    loan.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "updated_at"])
    archives_event(
        actor=actor,
        target=loan,
        verb=LoanEvents.APPROVED,
        changes={"state": _moved(old, loan.state), "note": loan.decision_note},
    )
    return loan


@transaction.atomic
def refuse(*, actor, loan: FileLoan, note: str) -> FileLoan:
    require(actor, "archives.approve_fileloan")
    loan = _locked(loan)
    _check_not_own(actor, loan, "审批")
    _check_state(loan, FileLoan.State.REQUESTED, doing="作出不予批准的决定")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "不予批准须写明理由"})
    old = loan.state
    loan.state, loan.decided_by, loan.decided_at = FileLoan.State.REFUSED, actor, timezone.now()
    loan.decision_note = note[:200]
    loan.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "updated_at"])
    archives_event(
        actor=actor,
        target=loan,
        verb=LoanEvents.REFUSED,
        changes={"state": _moved(old, loan.state), "note": loan.decision_note},
    )
    return loan


def _check_signed(signed: bool) -> None:
    if not signed:
        raise ValidationError(
            {
                "signed": "借阅人须在《文件借阅登记表》上签字后才能登记"
                f"（{HOUSEHOLD_ARCHIVES}3(4)；{SALES_ARCHIVES}A：必须填写借阅登记表方能借阅）"
            }
        )


def _check_file_in(loan: FileLoan) -> None:
    away = (
        FileLoan.objects.filter(file_id=loan.file_id, state__in=AWAY_STATES)
        .exclude(pk=loan.pk)
        .select_related("borrower")
        .first()
    )
    if away is not None:
        doing = "借出" if away.state == FileLoan.State.OUT else "查阅"
        raise ValidationError(
            {
                "file": f"「{_name(loan.file)}」正由{away.borrower}{doing}中"
                f"（应还日期{away.due_on:%Y-%m-%d}），归还后才能再登记"
            }
        )


@transaction.atomic
def lend(*, actor, loan: FileLoan, signed: bool, due_on: date | None = None) -> FileLoan:
    """The registrar registers an approved loan: the borrower has signed the register, the due date at
    most archives.loan_days working days away."""
    require(actor, "archives.register_fileloan")
    loan = _locked(loan)
    _check_state(loan, FileLoan.State.APPROVED, doing="登记借出")
    if loan.kind != FileLoan.Kind.LOAN:
        raise ValidationError({"kind": "这是查阅申请，请登记查阅（在档案室阅看，不借出）"})
    if loan.borrower_id == actor.pk:
        raise PermissionDenied("不能为本人的借阅登记借出，须由其他登记人办理")
    if loan.decided_by_id is None:
        raise ValidationError({"state": f"档案借出须经服务中心经理批准（{HOUSEHOLD_ARCHIVES}3(4)）"})
    _check_file_usable(loan.file)
    _check_not_confidential(loan.file, "file")
    _check_signed(signed)
    today = timezone.localdate()
    days = policy("archives.loan_days")
    latest = working_days_after(today, days)
    if due_on is None:
        due_on = latest
    elif due_on < today:
        raise ValidationError({"due_on": "应还日期不能早于今天"})
    elif due_on > latest:
        raise ValidationError(
            {"due_on": f"应还日期不能晚于{latest:%Y-%m-%d}（借阅期限为{days}个工作日，archives.loan_days）"}
        )
    _check_file_in(loan)
    old = loan.state
    now = timezone.now()
    loan.state, loan.registered_by, loan.registered_at = FileLoan.State.OUT, actor, now
    loan.borrower_signed_at, loan.due_on = now, due_on
    try:
        with transaction.atomic():
            loan.save(
                update_fields=[
                    "state",
                    "registered_by",
                    "registered_at",
                    "borrower_signed_at",
                    "due_on",
                    "updated_at",
                ]
            )
    except IntegrityError:  # archives_one_loan_out: another desk lent it a moment ago
        raise ValidationError({"file": f"「{_name(loan.file)}」已借出，归还后才能再借"}) from None
    archives_event(
        actor=actor,
        target=loan,
        verb=LoanEvents.LENT,
        changes={
            "state": _moved(old, loan.state),
            "file": _name(loan.file),
            "borrower": str(loan.borrower),
            "due_on": due_on.isoformat(),
        },
    )
    return loan


@transaction.atomic
def start_reading(*, actor, loan: FileLoan, signed: bool) -> FileLoan:
    """The registrar hands the file over for reading in the archive room, due back the same day."""
    require(actor, "archives.register_fileloan")
    loan = _locked(loan)
    _check_state(loan, FileLoan.State.APPROVED, doing="登记查阅")
    if loan.kind != FileLoan.Kind.READ:
        raise ValidationError({"kind": "这是借出申请，请登记借出"})
    _check_file_usable(loan.file)
    _check_signed(signed)
    _check_file_in(loan)
    old = loan.state
    now = timezone.now()
    loan.state, loan.registered_by, loan.registered_at = FileLoan.State.READING, actor, now
    loan.borrower_signed_at, loan.due_on = now, timezone.localdate()
    loan.save(
        update_fields=[
            "state",
            "registered_by",
            "registered_at",
            "borrower_signed_at",
            "due_on",
            "updated_at",
        ]
    )
    archives_event(
        actor=actor,
        target=loan,
        verb=LoanEvents.READ_STARTED,
        changes={"state": _moved(old, loan.state), "file": _name(loan.file), "borrower": str(loan.borrower)},
    )
    return loan


@transaction.atomic
def return_file(*, actor, loan: FileLoan) -> FileLoan:
    require(actor, "archives.register_fileloan")
    loan = _locked(loan)
    _check_state(loan, *AWAY_STATES, doing="登记归还")
    old = loan.state
    now = timezone.now()
    loan.state, loan.returned_at, loan.received_by = FileLoan.State.RETURNED, now, actor
    loan.save(update_fields=["state", "returned_at", "received_by", "updated_at"])
    late = loan.due_on is not None and timezone.localdate(now) > loan.due_on
    archives_event(
        actor=actor,
        target=loan,
        verb=LoanEvents.RETURNED,
        changes={"state": _moved(old, loan.state), "late": late},
    )
    return loan


@transaction.atomic
def cancel(*, actor, loan: FileLoan, reason: str = "") -> FileLoan:
    """The borrower withdraws a request not yet registered (or the desk does, for them)."""
    loan = _locked(loan)
    if loan.borrower_id != actor.pk:
        require(actor, "archives.register_fileloan")
    _check_state(loan, FileLoan.State.REQUESTED, FileLoan.State.APPROVED, doing="撤回")
    old = loan.state
    loan.state = FileLoan.State.CANCELLED
    loan.save(update_fields=["state", "updated_at"])
    archives_event(
        actor=actor,
        target=loan,
        verb=LoanEvents.CANCELLED,
        changes={"state": _moved(old, loan.state)},
        note=(reason or "").strip()[:200],
    )
    return loan


# -- the job ----------------------------------------------------------------------------------------


def _archivists() -> list:
    return list(User.objects.filter(role=Role.ARCHIVIST, is_active=True)[:50])


def run_due(now) -> list[str]:
    """Loans and readings past their due date: alerted once (claimed by a conditional UPDATE of
    overdue_alerted), with the event; loans due soon: reminded (send_alert adds nothing the second
    time)."""
    today = timezone.localdate(now)
    lines: list[str] = []
    candidates = list(
        FileLoan.objects.filter(state__in=AWAY_STATES, due_on__lt=today, overdue_alerted=False)
        .order_by("due_on", "id")
        .values_list("pk", flat=True)[:BATCH]
    )
    archivists = None
    flagged = 0
    for pk in candidates:
        with transaction.atomic():
            claimed = FileLoan.objects.filter(pk=pk, overdue_alerted=False, state__in=AWAY_STATES).update(
                overdue_alerted=True
            )
            if not claimed:
                continue
            loan = FileLoan.objects.select_related("file", "borrower", "registered_by").get(pk=pk)
            if archivists is None:
                archivists = _archivists()
            days = (today - loan.due_on).days
            send_alert(
                recipients=[loan.borrower, loan.registered_by, *archivists],
                kind="archives.loan_overdue",
                message=f"档案「{_name(loan.file)}」{loan.get_kind_display()}人{loan.borrower}，"
                f"应还日期{loan.due_on:%Y-%m-%d}，已逾期{days}天未还",
                url=loan_url(loan),
                subject=f"archives.fileloan:{loan.pk}",
                level=1,
            )
            archives_event(
                actor=None,
                target=loan,
                verb=LoanEvents.OVERDUE_FLAGGED,
                changes={"due_on": loan.due_on.isoformat(), "days": days},
            )
            flagged += 1
    if flagged:
        lines.append(f"档案借阅：{flagged}件逾期未还已提醒")
    remind = policy("archives.loan_remind_days")
    if remind:
        horizon = working_days_after(today, remind)
        soon = FileLoan.objects.filter(
            state=FileLoan.State.OUT, due_on__gte=today, due_on__lte=horizon
        ).select_related("file", "borrower")[:BATCH]
        reminded = 0
        with transaction.atomic():
            for loan in soon:
                reminded += send_alert(
                    recipients=[loan.borrower],
                    kind="archives.loan_due_soon",
                    message=f"您借阅的档案「{_name(loan.file)}」应于{loan.due_on:%Y-%m-%d}归还",
                    url=loan_url(loan),
                    subject=f"archives.fileloan:{loan.pk}",
                )
        if reminded:
            lines.append(f"档案借阅：{reminded}件即将到期已提醒借阅人")
    return lines
