"""Reads of the issue subject (M3) and what blocks a branch's next issue (M6, M8).

`blocking_reasons(branch, today)` is the rule of ch.4 §4.1.2/§4.3.5/§5.4–5.6 (old meters back within
their deadlines) and §6.5 (超过一个月未验收或验收不合格者将影响下一次领表): while any line is listed, the
store refuses the branch's issue. A failed acceptance blocks until the same acceptance is passed on a
later visit (its row goes from 验收不合格 to 验收合格; the acceptance subject records it)."""

from datetime import date

from django.db.models import Count, Q, QuerySet

from kefu.core import periods
from kefu.meters.models import (
    Acceptance,
    IssueAppointment,
    MeterIssue,
    MeterWork,
    Replacement,
    StockMeter,
)

# A page shows every reason; past this many, the rest are counted (a branch with hundreds is told so).
MAX_REASONS = 30
OUTSTANDING_REPLACEMENT_STATES = [Replacement.State.ISSUED, Replacement.State.FITTED]
# One-for-one (§4.3.5): a collector's replacement whose old meter is not yet back.
UNRETURNED_REPLACEMENT_STATES = [
    Replacement.State.ISSUED,
    Replacement.State.FITTED,
    Replacement.State.STOPPED,
]


def _late(due: date, today: date) -> str:
    return f"已逾期{(today - due).days}天"


def blocking_reasons(branch, today: date) -> list[str]:
    """Why the branch may not take a meter today: one line per outstanding old meter past its deadline,
    per acceptance overdue or failed. Empty when nothing blocks."""
    reasons: list[str] = []
    replacements = (
        Replacement.objects.filter(
            branch=branch,
            state__in=OUTSTANDING_REPLACEMENT_STATES,
            replace_due__lt=today,
            old_return__isnull=True,
        )
        .select_related("meter", "issue")
        .order_by("replace_due", "id")
    )
    for row in replacements[: MAX_REASONS + 1]:
        form = f"（领表单{row.issue.number}）" if row.issue_id else ""
        reasons.append(
            f"换表单{row.number}{form}旧表{row.meter.number}未交回：应于{row.replace_due:%Y-%m-%d}前"
            f"完成换表并交回旧表，{_late(row.replace_due, today)}"
        )
    works = (
        MeterWork.objects.filter(
            branch=branch, kind=MeterWork.Kind.REMOVE, state=MeterWork.State.OPEN, due_on__lt=today
        )
        .select_related("process", "meter")
        .order_by("due_on", "id")
    )
    for work in works[: MAX_REASONS + 1]:
        meter = f"旧表{work.meter.number}" if work.meter_id else "旧表"
        reasons.append(
            f"拆表任务单（业务{work.process.number or work.process_id}）{meter}未交回："
            f"应于{work.due_on:%Y-%m-%d}前交回，{_late(work.due_on, today)}"
        )
    acceptances = (
        Acceptance.objects.filter(branch=branch)
        .filter(Q(state=Acceptance.State.PENDING, due_on__lt=today) | Q(state=Acceptance.State.FAILED))
        .select_related("issue__stock_meter")
        .order_by("due_on", "id")
    )
    for acceptance in acceptances[: MAX_REASONS + 1]:
        issue = acceptance.issue
        if acceptance.state == Acceptance.State.FAILED:
            when = f"于{acceptance.accepted_on:%Y-%m-%d}" if acceptance.accepted_on else ""
            reasons.append(
                f"领表单{issue.number}（表号{issue.stock_meter.number}）{when}验收不合格，须重新验收合格"
            )
        else:
            reasons.append(
                f"领表单{issue.number}（表号{issue.stock_meter.number}）未验收：应于"
                f"{acceptance.due_on:%Y-%m-%d}前完成联合验收，{_late(acceptance.due_on, today)}"
            )
    if len(reasons) > MAX_REASONS:
        more = len(reasons) - MAX_REASONS
        reasons = reasons[:MAX_REASONS] + [f"另有{more}项未列出"]
    return reasons


def unreturned_replacement_of(collector, *, exclude=None) -> Replacement | None:
    """The collector's earlier replacement whose old meter is not back (one for one, §4.3.5)."""
    rows = Replacement.objects.filter(
        issue__collector=collector, state__in=UNRETURNED_REPLACEMENT_STATES, old_return__isnull=True
    ).select_related("meter")
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    return rows.order_by("id").first()


def issues_for_list() -> QuerySet:
    return MeterIssue.objects.select_related(
        "branch", "collector", "stock_meter", "issued_by", "customer", "process"
    )


def search_issues(rows: QuerySet, *, q: str = "", branch_id=None, purpose: str = "", start=None, end=None):
    """The issue list's filters: a form, card or meter number (contains), branch, purpose, issue date."""
    if q:
        rows = rows.filter(
            Q(number__icontains=q) | Q(application_card__icontains=q) | Q(stock_meter__number__icontains=q)
        )
    if branch_id:
        rows = rows.filter(branch_id=branch_id)
    if purpose:
        rows = rows.filter(purpose=purpose)
    if start:
        rows = rows.filter(issued_at__gte=periods.day(start).bounds()[0])
    if end:
        rows = rows.filter(issued_at__lt=periods.day(end).bounds()[1])
    return rows


def in_stock_meters(caliber_dn: int | None = None, *, limit: int = 50) -> list[StockMeter]:
    """Meters the store can issue now, suggested on the form (of the caliber asked, if any)."""
    rows = StockMeter.objects.filter(state=StockMeter.State.IN_STOCK)
    if caliber_dn:
        rows = rows.filter(caliber_dn=caliber_dn)
    return list(rows.order_by("caliber_dn", "number")[:limit])


def replacements_to_issue(branch=None, *, limit: int = 200) -> list[Replacement]:
    rows = Replacement.objects.filter(state=Replacement.State.TO_ISSUE).select_related("meter", "branch")
    if branch is not None:
        rows = rows.filter(branch=branch)
    return list(rows.order_by("branch_id", "number")[:limit])


def open_issue_works(branch=None, *, limit: int = 200) -> list[MeterWork]:
    rows = MeterWork.objects.filter(kind=MeterWork.Kind.ISSUE, state=MeterWork.State.OPEN).select_related(
        "process", "customer", "branch"
    )
    if branch is not None:
        rows = rows.filter(branch=branch)
    return list(rows.order_by("due_on", "id")[:limit])


def issued_on(branch, day: date) -> int:
    """Meters the branch has taken on `day` (the bulk rule counts them)."""
    start, end = periods.day(day).bounds()
    return MeterIssue.objects.filter(branch=branch, issued_at__gte=start, issued_at__lt=end).count()


def live_appointment(branch, day: date) -> IssueAppointment | None:
    return (
        IssueAppointment.objects.filter(branch=branch, collect_on=day)
        .exclude(state=IssueAppointment.State.CANCELLED)
        .first()
    )


def appointments_for_list() -> QuerySet:
    return IssueAppointment.objects.select_related("branch", "booked_by").annotate(
        issued_count=Count("issues")
    )
