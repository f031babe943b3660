"""Reads of the QA checks shared by the pages, the API and the export: the desk's list with its
filters and sorting, the open appeals, a check's contact with its call and work order, its history."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import F, Q

from kefu.core.events import events_for, verb_label
from kefu.hotline.models import WorkOrder
from kefu.quality.models import AppraisalSheet, Calibration, QaAppeal, QaCheck
from kefu.quality.permissions_checks import visible_checks

RELATED = ("agent", "agent__team", "inspector", "contact", "contact__category", "scorecard")
SORTS = {
    "number": "number",
    "-number": "-number",
    "agent": "agent__name",
    "-agent": "-agent__name",
    "score": "score",
    "-score": "-score",
    "scored": "scored_at",
    "-scored": "-scored_at",
    "month": "month",
    "-month": "-month",
}
DEFAULT_SORT = "-scored"


def checks(
    user,
    *,
    month: date | None = None,
    status: str = "",
    agent_id: int | None = None,
    inspector_id: int | None = None,
    q: str = "",
    sort: str = "",
    calibration: bool = False,
):
    """The checks `user` may see (calibration checks only when asked), filtered and sorted."""
    rows = visible_checks(QaCheck.objects.select_related(*RELATED), user)
    rows = rows.filter(calibration__isnull=not calibration)
    if month:
        rows = rows.filter(month=month)
    if status in QaCheck.Status.values:
        rows = rows.filter(status=status)
    if agent_id:
        rows = rows.filter(agent_id=agent_id)
    if inspector_id:
        rows = rows.filter(inspector_id=inspector_id)
    q = (q or "").strip()
    if q:
        rows = rows.filter(
            Q(number__icontains=q) | Q(agent__name__icontains=q) | Q(contact__number__icontains=q)
        )
    order = SORTS.get(sort, SORTS[DEFAULT_SORT])
    field = order.lstrip("-")
    if field in ("score", "scored_at"):
        expression = (
            F(field).desc(nulls_last=True) if order.startswith("-") else F(field).asc(nulls_last=True)
        )
        return rows.order_by(expression, "-id")
    return rows.order_by(order, "-id")


def open_appeals(user):
    """Appeals waiting for the QA lead, oldest first (only for those who decide them)."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm("quality.decide_qaappeal"):
        return QaAppeal.objects.none()
    return (
        QaAppeal.objects.filter(status=QaAppeal.Status.OPEN)
        .filter(check_record__in=visible_checks(QaCheck.objects.all(), user))
        .select_related("check_record", "check_record__agent", "check_record__inspector", "filed_by")
        .order_by("created_at", "id")
    )


def calibrations(user, *, status: str = ""):
    if not getattr(user, "is_authenticated", False) or not user.has_perm("quality.view_calibration"):
        return Calibration.objects.none()
    rows = Calibration.objects.select_related("contact", "created_by")
    if status in Calibration.Status.values:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-id")


@dataclass
class CallFacts:
    call_id: str
    ring_at: datetime | None
    answer_at: datetime | None
    hangup_at: datetime | None
    ring_seconds: float | None
    talk_seconds: int | None

    @property
    def talk_text(self) -> str:
        if self.talk_seconds is None:
            return "—"
        minutes, seconds = divmod(self.talk_seconds, 60)
        return f"{minutes}分{seconds:02d}秒"


def call_of(contact) -> CallFacts | None:
    """The telephony record of the contact's call (by call_id), if the PBX reported one."""
    if not contact.call_id:
        return None
    from kefu.telephony.models import Call

    call = Call.objects.filter(call_id=contact.call_id).first()
    if call is None:
        return None
    talk = None
    if call.answer_at and call.hangup_at:
        talk = max(int((call.hangup_at - call.answer_at).total_seconds()), 0)
    return CallFacts(call.call_id, call.ring_at, call.answer_at, call.hangup_at, call.ring_seconds, talk)


def work_order_of(contact) -> WorkOrder | None:
    return WorkOrder.objects.filter(contact=contact).first()


LABELS = {
    "score": "得分",
    "passed": "合格",
    "critical_failed": "关键项不合格",
    "comment": "评语",
    "coaching_note": "辅导意见",
    "appeal_due": "申诉截止",
    "marks": "录音备注",
    "status": "状态",
    "contact": "受理记录",
    "agent": "被检人",
    "version": "版本",
    "items": "评分项",
    "inspectors": "参与质检员",
}


@dataclass
class HistoryLine:
    occurred_at: datetime
    actor: str
    action: str
    details: list[str]
    note: str


def history(target, *, most: int = 50) -> list[HistoryLine]:
    lines = []
    for event in events_for(target).order_by("occurred_at", "id")[:most]:
        details = []
        for key, value in event.changes.items():
            label = LABELS.get(key, key)
            if isinstance(value, list) and len(value) == 2:
                old = "（空）" if value[0] in (None, "") else value[0]
                new = "（空）" if value[1] in (None, "") else value[1]
                details.append(f"{label}：{old} → {new}")
            elif value not in (None, ""):
                details.append(f"{label}：{value}")
        lines.append(
            HistoryLine(
                event.occurred_at, str(event.actor or "系统"), verb_label(event.verb), details, event.note
            )
        )
    return lines


def my_checks(user):
    """A person's own checks that count (calibrations never do), newest first."""
    return (
        QaCheck.objects.filter(agent=user, calibration__isnull=True)
        .exclude(status__in=[QaCheck.Status.PROPOSED, QaCheck.Status.DROPPED])
        .select_related("inspector", "contact", "scorecard")
        .order_by("-month", "-scored_at", "-id")
    )


def my_sheets(user):
    return (
        AppraisalSheet.objects.filter(person=user)
        .select_related("appraisal_month")
        .order_by("-appraisal_month__month")
    )


def scores_by_item(check: QaCheck) -> dict[int, object]:
    return {row.item_id: row for row in check.scores.all()}


def home_lines(user) -> list[tuple[str, int, str]]:
    """The checks' lines of the home page's 我的待办 (only non-zero ones)."""
    from django.utils import timezone

    lines: list[tuple[str, int, str]] = []
    if not getattr(user, "is_authenticated", False):
        return lines
    if user.has_perm("quality.score_qacheck"):
        waiting = QaCheck.objects.filter(status=QaCheck.Status.PROPOSED, calibration__isnull=True).count()
        if waiting:
            lines.append(("待质检评分", waiting, "/quality/checks/?status=proposed"))
    if user.has_perm("quality.decide_qaappeal"):
        appeals = open_appeals(user).count()
        if appeals:
            lines.append(("待处理的质检申诉", appeals, "/quality/checks/#open-appeals"))
    appealable = QaCheck.objects.filter(
        agent=user,
        calibration__isnull=True,
        status=QaCheck.Status.SCORED,
        appeal_due__gte=timezone.localdate(),
    ).count()
    if appealable:
        lines.append(("新的质检评分（申诉期内）", appealable, "/quality/mine/"))
    return lines
