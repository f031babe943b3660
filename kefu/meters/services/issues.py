"""Issuing meters (M3, seed 000 ch.4 §3 水表领用制度, §4.3 水表的更换) and bulk-collection appointments.

`issue_meter` enforces, each refusal in Chinese naming its rule:
- 领表时间 (§3.1): working days of the center's calendar only (a 调休 Saturday is one, a holiday weekday
  is not), between the rules meters.issue_opens and meters.issue_closes; never on the stocktake day
  (the month's last working day, `dates.last_working_day_of_month`).
- 一卡一表 (§3.2, §4.3.2): one meter per application card / 换表单 and per issue form.
- the papers of the purpose (kefu.meters.papers), the meter in stock, for a replacement the 换表单 of
  the branch waiting for its meter (待领表) and a new meter of the old one's caliber.
- 一换一 (§4.3.5): a collector with an earlier replacement whose old meter is not back takes no other
  replacement meter (严禁一次性归还).
- what blocks the branch (selectors_issues.blocking_reasons: old meters late, acceptances late or failed).
- 批量领表 (§3.2.1): beyond meters.bulk_issue_threshold meters a day the branch needs an appointment for
  the day booked the day before or earlier; one collection a day; at most meters.bulk_issue_max meters
  on an appointment, and no more issues than it booked.

Decisions (本地默认, docs/METERS.md): with an appointment for the day every issue of the branch that day
is counted against it (and linked to it), so its quantity is the day's limit; the appointment becomes
已领取 at its first issue and can no longer be cancelled; for a replacement the card is the 换表单's
number unless another is given."""

from datetime import date, datetime

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import Role, Unit
from kefu.core.calendar import is_working_day
from kefu.core.numbering import day_period, next_number
from kefu.core.permissions import can
from kefu.core.policies import policies, policy
from kefu.meters import papers as paper_rules
from kefu.meters import selectors_issues as selectors
from kefu.meters.dates import last_working_day_of_month, working_days_after
from kefu.meters.events import IssueEvents, ReplacementEvents, StoreEvents, meters_event
from kefu.meters.models import (
    ACCEPTED_PURPOSES,
    REPLACEMENT_PURPOSES,
    IssueAppointment,
    MeterIssue,
    Purpose,
    Replacement,
    StockMeter,
)
from kefu.meters.permissions import require_branch

ALERT_KINDS: dict[str, str] = {}
SERIES = "meters.issue"
SEPARATOR = "；"

CLAUSE_TIME = "第四章3.1：周一至周五上班时间为领表时间，每月最后一个工作日为表库盘存时间"
CLAUSE_ONE_CARD = "第四章3.2：每张卡和每张领表单只能领一只表"
CLAUSE_BULK = "第四章3.2.1：领表数量多则须预约一天，限领一次，领表上限为50只"
CLAUSE_REPLACEMENT = (
    "第四章4.3.2、4.3.3：凭分公司负责人签字的换表单领取相对应的新水表，每张换表单只能领一只表"
)
CLAUSE_ONE_FOR_ONE = "第四章4.3.5：领取新表时必须归还上一次换下的旧表，严禁一次性归还"
CLAUSE_BLOCKS = "第四章4.1.2、5.4—5.6、6.5：旧表逾期未交回、超过一个月未验收或验收不合格将影响下一次领表"

KIND_OF_PURPOSE = {
    Purpose.AGE_REPLACEMENT: Replacement.Kind.AGE,
    Purpose.URGENT_REPLACEMENT: Replacement.Kind.URGENT,
}


def overdue(now) -> list[str]:
    """The deadline scan of this subject: nothing of its own is late (the blocks are read at issue)."""
    return []


def issue_number(day: date, sequence: int) -> str:
    """LB20260212001: 领表单, the day, the day's sequence."""
    return f"LB{day:%Y%m%d}{sequence:03d}"


# --- the checks ---------------------------------------------------------------------------------------------


def _hhmm(value) -> str:
    return f"{value:%H:%M}"


def time_problem(moment: datetime) -> str | None:
    """Why no meter may be issued at `moment` (local time), or None."""
    local = timezone.localtime(moment)
    day = local.date()
    info = is_working_day(day)
    if not info.working:
        return f"{day:%Y-%m-%d}是{info.reason}，非工作日不领表（{CLAUSE_TIME}）"
    if day == last_working_day_of_month(day.year, day.month):
        return f"{day:%Y-%m-%d}是本月最后一个工作日，为表库盘存时间，当天不领表（{CLAUSE_TIME}）"
    opens, closes = policies("meters.issue_opens", "meters.issue_closes")
    if not opens <= local.time().replace(tzinfo=None) < closes:
        return (
            f"现在是{local:%H:%M}，领表时间为每个工作日{_hhmm(opens)}至{_hhmm(closes)}"
            f"（规则 meters.issue_opens、meters.issue_closes；{CLAUSE_TIME}）"
        )
    return None


def appointment_day_problem(day: date) -> str | None:
    """Why a collection cannot be booked for `day` (not an issue day)."""
    info = is_working_day(day)
    if not info.working:
        return f"{day:%Y-%m-%d}是{info.reason}，非工作日不领表（{CLAUSE_TIME}）"
    if day == last_working_day_of_month(day.year, day.month):
        return f"{day:%Y-%m-%d}是该月最后一个工作日，为表库盘存时间，不领表（{CLAUSE_TIME}）"
    return None


def _collector_problem(collector, branch) -> str | None:
    if collector is None:
        return "请选择领表人"
    if not collector.is_active:
        return f"{collector}的账号已停用"
    if collector.role != Role.UNIT_STAFF or collector.unit_id != branch.pk:
        return f"领表人{collector}不是{branch}的人员，只能由本分公司人员领表"
    return None


def _papers_problem(purpose: str, papers: list[str]) -> str | None:
    allowed = paper_rules.allowed_for(purpose)
    unknown = [code for code in papers if code not in allowed]
    label = Purpose(purpose).label
    if unknown:
        shown = "、".join(paper_rules.names(unknown))
        return f"{shown}不是{label}领表的凭据"
    missing = paper_rules.missing(purpose, papers)
    if missing:
        return (
            f"{label}领表须凭{'、'.join(paper_rules.names(paper_rules.required_for(purpose)))}，"
            f"缺少：{'、'.join(paper_rules.names(missing))}（{paper_rules.CLAUSES[purpose]}）"
        )
    return None


def _replacement_problems(purpose, replacement, branch, stock_meter) -> dict[str, str]:
    problems: dict[str, str] = {}
    if purpose not in REPLACEMENT_PURPOSES:
        if replacement is not None:
            problems["replacement"] = f"{Purpose(purpose).label}领表不凭换表单，请选择逾龄换表或急换水表"
        return problems
    if replacement is None:
        problems["replacement"] = f"换表领表须选择换表单（{CLAUSE_REPLACEMENT}）"
        return problems
    if replacement.branch_id != branch.pk:
        problems["replacement"] = f"换表单{replacement.number}属于{replacement.branch}，不是{branch}的"
    elif replacement.state != Replacement.State.TO_ISSUE:
        problems["replacement"] = (
            f"换表单{replacement.number}当前为「{replacement.get_state_display()}」，"
            f"只有待领表的换表单可以领表（{CLAUSE_REPLACEMENT}）"
        )
    elif replacement.kind != KIND_OF_PURPOSE[purpose]:
        expected = next(p for p, kind in KIND_OF_PURPOSE.items() if kind == replacement.kind)
        problems["replacement"] = (
            f"换表单{replacement.number}是{replacement.get_kind_display()}，用途应选{expected.label}"
        )
    old_caliber = replacement.meter.caliber_dn
    if stock_meter is not None and stock_meter.caliber_dn != old_caliber:
        problems["stock_meter"] = (
            f"新表{stock_meter.number}口径DN{stock_meter.caliber_dn}与换表单{replacement.number}旧表"
            f"{replacement.meter.number}的口径DN{old_caliber}不同，换表须领取同口径的新表"
        )
    return problems


def _bulk(branch, day: date) -> tuple[IssueAppointment | None, str | None]:
    """The day's appointment this issue counts against, or why the issue is refused by the bulk rule."""
    threshold, most = policies("meters.bulk_issue_threshold", "meters.bulk_issue_max")
    appointment = selectors.live_appointment(branch, day)
    taken = selectors.issued_on(branch, day)
    if appointment is not None:
        booked_on = timezone.localtime(appointment.created_at).date()
        if booked_on >= day:
            appointment = None  # not booked the day before: it does not count
    if appointment is None:
        if taken + 1 > threshold:
            return None, (
                f"{branch}今天已领表{taken}只，一天领表超过{threshold}只为批量领表，"
                f"须提前一天预约（规则 meters.bulk_issue_threshold；{CLAUSE_BULK}）"
            )
        return None, None
    limit = min(appointment.quantity, most)
    if taken + 1 > limit:
        return None, (
            f"{branch}今天预约领表{appointment.quantity}只，已领{taken}只，超出预约数量的不予领表"
            f"（每次上限{most}只，规则 meters.bulk_issue_max；{CLAUSE_BULK}）"
        )
    return appointment, None


def _states(old, new) -> list[str]:
    """A state change as the event log keeps it: [old label, new label] as plain text."""
    return [str(old.label), str(new.label)]


def _refuse(problems: dict[str, list[str] | str], code: str) -> None:
    if problems:
        raise ValidationError(
            {
                field: [SEPARATOR.join(messages) if isinstance(messages, list) else messages]
                for field, messages in problems.items()
            },
            code=code,
        )


# --- issuing -----------------------------------------------------------------------------------------------


@transaction.atomic
def issue_meter(
    *,
    actor,
    branch: Unit,
    collector,
    stock_meter: StockMeter,
    purpose: str,
    application_card: str,
    papers: list[str],
    replacement: Replacement | None = None,
    process=None,
    customer=None,
    note: str = "",
) -> MeterIssue:
    """Issue one stock meter on one 领表单 (every rule of the module docstring), and in the same
    transaction: the stock meter 已领出; for a replacement the 换表单's new meter number, deadline and
    state 已领表待换; the acceptance due (new installs, temporary use, capacity change); the process's
    store task done."""
    if not can(actor, "meters.add_meterissue"):
        raise PermissionDenied("只有表库管理员可以办理领表")
    if purpose not in Purpose.values:
        raise ValidationError({"purpose": "请选择领表用途"}, code="issue_purpose")
    now = timezone.now()
    if problem := time_problem(now):
        raise ValidationError({NON_FIELD_ERRORS: problem}, code="issue_time")
    today = timezone.localdate(now)
    if branch is None or branch.kind != Unit.Kind.BRANCH:
        raise ValidationError({"branch": "请选择领表的供水分公司"}, code="issue_branch")
    # Issues of one branch queue here: the day's count and the appointment are read after the lock.
    Unit.objects.select_for_update().filter(pk=branch.pk).first()

    problems: dict[str, str] = {}
    if problem := _collector_problem(collector, branch):
        problems["collector"] = problem
    card = (application_card or "").strip()
    if not card and replacement is not None and purpose in REPLACEMENT_PURPOSES:
        card = replacement.number
    if not card:
        problems["application_card"] = "请填写申请卡或换表单编号"
    elif len(card) > MeterIssue._meta.get_field("application_card").max_length:
        problems["application_card"] = "申请卡编号过长"
    elif (earlier := MeterIssue.objects.filter(application_card=card).first()) is not None:
        problems["application_card"] = (
            f"申请卡{card}已于{timezone.localtime(earlier.issued_at):%Y-%m-%d}凭领表单{earlier.number}"
            f"领过表（表号{earlier.stock_meter.number}），{CLAUSE_ONE_CARD}"
        )
    papers = list(dict.fromkeys(papers or []))
    if problem := _papers_problem(purpose, papers):
        problems["papers"] = problem
    if stock_meter is None:
        problems["stock_meter"] = "请选择领出的新表"
    else:
        stock_meter = StockMeter.objects.select_for_update().get(pk=stock_meter.pk)
        if stock_meter.state != StockMeter.State.IN_STOCK:
            problems["stock_meter"] = (
                f"表号{stock_meter.number}当前为「{stock_meter.get_state_display()}」，只有在库的水表可以领出"
            )
        elif hasattr(stock_meter, "issue"):
            problems["stock_meter"] = f"表号{stock_meter.number}已凭领表单{stock_meter.issue.number}领出"
    if replacement is not None:
        replacement = (
            Replacement.objects.select_for_update().select_related("meter", "branch").get(pk=replacement.pk)
        )
    for field, problem in _replacement_problems(purpose, replacement, branch, stock_meter).items():
        problems.setdefault(field, problem)
    _refuse(problems, "issue_refused")

    if purpose in REPLACEMENT_PURPOSES:
        earlier_replacement = selectors.unreturned_replacement_of(collector, exclude=replacement)
        if earlier_replacement is not None:
            message = (
                f"{collector}须先交回上一次换下的旧表（表号{earlier_replacement.meter.number}，"
                f"换表单{earlier_replacement.number}），再领下一只换表用的新表（{CLAUSE_ONE_FOR_ONE}）"
            )
            raise ValidationError({NON_FIELD_ERRORS: message}, code="issue_one_for_one")
    reasons = selectors.blocking_reasons(branch, today)
    if reasons:
        message = f"{branch}暂停领表：{SEPARATOR.join(reasons)}（{CLAUSE_BLOCKS}）"
        raise ValidationError({NON_FIELD_ERRORS: message}, code="issue_blocked")
    appointment, problem = _bulk(branch, today)
    if problem:
        raise ValidationError({NON_FIELD_ERRORS: problem}, code="issue_bulk")
    if process is not None and customer is None:
        customer = process.customer

    issue = MeterIssue.objects.create(
        number=issue_number(today, next_number(SERIES, day_period(today))),
        purpose=purpose,
        branch=branch,
        collector=collector,
        stock_meter=stock_meter,
        application_card=card,
        papers=papers,
        process=process,
        customer=customer,
        appointment=appointment,
        issued_by=actor,
        issued_at=now,
        note=(note or "").strip()[:200],
    )
    meters_event(
        actor=actor,
        target=issue,
        verb=IssueEvents.ISSUED,
        changes={
            "stock_meter": stock_meter.number,
            "purpose": str(Purpose(purpose).label),
            "application_card": card,
            "collector": str(collector),
            "papers": "、".join(paper_rules.names(papers)),
            **({"replacement": replacement.number} if replacement is not None else {}),
            **({"appointment": str(appointment.collect_on)} if appointment is not None else {}),
        },
    )
    StockMeter.objects.filter(pk=stock_meter.pk).update(state=StockMeter.State.ISSUED)
    meters_event(
        actor=actor,
        target=stock_meter,
        verb=StoreEvents.METER_ISSUED,
        changes={
            "state": _states(StockMeter.State.IN_STOCK, StockMeter.State.ISSUED),
            "issue": issue.number,
        },
    )
    stock_meter.state = StockMeter.State.ISSUED
    if appointment is not None and appointment.state == IssueAppointment.State.BOOKED:
        IssueAppointment.objects.filter(pk=appointment.pk).update(state=IssueAppointment.State.COLLECTED)
    if replacement is not None:
        _mark_replacement_issued(actor=actor, replacement=replacement, issue=issue, today=today)
    if purpose in ACCEPTED_PURPOSES:
        from kefu.meters.services import acceptance

        acceptance.open_acceptance(actor=actor, issue=issue)
    if process is not None:
        from kefu.meters.services import returns

        returns.issue_work_done(actor=actor, issue=issue)
    return issue


def _mark_replacement_issued(*, actor, replacement: Replacement, issue: MeterIssue, today: date) -> None:
    # Age-based: 5 working days from the issue (ch.4 §4.1.2). Urgent: the center's notice set the
    # deadline (§4.2.2: 5 working days from the notice); taking the meter later does not move it.
    due = working_days_after(today, policy("meters.replace_working_days"))
    if replacement.kind == Replacement.Kind.URGENT and replacement.replace_due:
        due = replacement.replace_due
    changes = {
        "state": _states(Replacement.State(replacement.state), Replacement.State.ISSUED),
        "new_meter_number": [replacement.new_meter_number, issue.stock_meter.number],
        "issue": issue.number,
    }
    if replacement.replace_due != due:  # an urgent one keeps its notice's deadline: nothing changed
        changes["replace_due"] = [str(replacement.replace_due or ""), str(due)]
    replacement.issue = issue
    replacement.new_meter_number = issue.stock_meter.number
    replacement.replace_due = due
    replacement.state = Replacement.State.ISSUED
    replacement.save(update_fields=["issue", "new_meter_number", "replace_due", "state", "updated_at"])
    meters_event(actor=actor, target=replacement, verb=ReplacementEvents.ISSUED, changes=changes)


# --- appointments ------------------------------------------------------------------------------------------


def may_book(user, branch) -> bool:
    """Branch staff of that branch, or the store keeper."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if can(user, "meters.change_issueappointment"):
        return True
    return can(user, "meters.add_issueappointment") and user.unit_id == getattr(branch, "pk", branch)


@transaction.atomic
def book_appointment(
    *, actor, branch: Unit, collect_on: date, quantity: int, note: str = ""
) -> IssueAppointment:
    """预约批量领表 (§3.2.1): for a later day (booked the day before or earlier), an issue day, at most
    meters.bulk_issue_max meters, one collection a day per branch."""
    if branch is None or branch.kind != Unit.Kind.BRANCH:
        raise ValidationError({"branch": "请选择预约领表的供水分公司"}, code="appointment_branch")
    require_branch(actor, branch)
    if not may_book(actor, branch):
        raise PermissionDenied("只有本分公司人员或表库管理员可以预约领表")
    Unit.objects.select_for_update().filter(pk=branch.pk).first()
    today = timezone.localdate()
    problems: dict[str, str] = {}
    most = policy("meters.bulk_issue_max")
    if collect_on is None:
        problems["collect_on"] = "请填写领表日期"
    elif collect_on <= today:
        problems["collect_on"] = f"批量领表须提前一天预约，领表日期应在{today:%Y-%m-%d}之后（{CLAUSE_BULK}）"
    elif problem := appointment_day_problem(collect_on):
        problems["collect_on"] = problem
    elif (other := selectors.live_appointment(branch, collect_on)) is not None:
        problems["collect_on"] = (
            f"{branch}已预约{collect_on:%Y-%m-%d}领表{other.quantity}只，每天限领一次（{CLAUSE_BULK}）"
        )
    if quantity is None or quantity < 1:
        problems["quantity"] = "预约数量至少1只"
    elif quantity > most:
        problems["quantity"] = f"一次领表上限为{most}只（规则 meters.bulk_issue_max；{CLAUSE_BULK}）"
    _refuse(problems, "appointment_refused")
    appointment = IssueAppointment.objects.create(
        branch=branch,
        collect_on=collect_on,
        quantity=quantity,
        booked_by=actor,
        note=(note or "").strip()[:200],
    )
    meters_event(
        actor=actor,
        target=appointment,
        verb=IssueEvents.APPOINTMENT_BOOKED,
        changes={"collect_on": str(collect_on), "quantity": quantity},
    )
    return appointment


@transaction.atomic
def cancel_appointment(*, actor, appointment: IssueAppointment, reason: str = "") -> IssueAppointment:
    """取消预约: before any meter is taken on it."""
    require_branch(actor, appointment.branch_id)
    if not may_book(actor, appointment.branch):
        raise PermissionDenied("只有本分公司人员或表库管理员可以取消预约")
    appointment = IssueAppointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.state != IssueAppointment.State.BOOKED or appointment.issues.exists():
        message = f"该预约当前为「{appointment.get_state_display()}」，已领表或已取消的预约不能取消"
        raise ValidationError({NON_FIELD_ERRORS: message}, code="appointment_state")
    appointment.state = IssueAppointment.State.CANCELLED
    appointment.save(update_fields=["state", "updated_at"])
    meters_event(
        actor=actor,
        target=appointment,
        verb=IssueEvents.APPOINTMENT_CANCELLED,
        changes={"state": _states(IssueAppointment.State.BOOKED, IssueAppointment.State.CANCELLED)},
        note=(reason or "").strip()[:200],
    )
    return appointment
