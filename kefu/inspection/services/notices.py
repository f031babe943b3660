"""Notices (I2, 供水手册第七章第二条, 第三条(五)(八)): 供水稽查责令停止违章行为通知书 (TZ<year>-<5 digits>)
and 供水稽查违规用水整改通知书 (ZG<year>-<5 digits>), each numbered from the one counter. A rectification
notice has a deadline (rules inspection.rectify_default_days / rectify_max_days); the customer signs or
refuses (当事人拒签, with an optional witness). Past the deadline without a follow-up, the case's
inspectors are alerted once and the notice shows 待复查 until the follow-up visit is recorded."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kefu.core.alerts import send_alert
from kefu.core.numbering import next_number, year_period
from kefu.core.params import day_problem
from kefu.core.policies import policy
from kefu.inspection.events import CaseEvents, inspection_event
from kefu.inspection.models import Case, Notice, Signature
from kefu.inspection.services.cases import require_field_work
from kefu.inspection.services.statements import check_signature

OVERDUE = "inspection.notice_overdue"
ALERT_KINDS: dict[str, str] = {OVERDUE: "整改期限已到，请复查"}
SERIES = {
    Notice.Kind.STOP: ("inspection.notice_stop", "TZ"),
    Notice.Kind.RECTIFY: ("inspection.notice_rectify", "ZG"),
}
CONTENT_MAX = 3000
RESULT_MAX = 300


def default_deadline(today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(days=policy("inspection.rectify_default_days"))


def _check_deadline(kind: str, deadline: date | None, today: date) -> date | None:
    if kind == Notice.Kind.STOP:
        if deadline is not None:
            raise ValidationError({"deadline": "责令停止违章行为通知书要求立即停止，不设整改期限"})
        return None
    default_days = policy("inspection.rectify_default_days")
    max_days = policy("inspection.rectify_max_days")
    if deadline is None:
        raise ValidationError(
            {
                "deadline": f"整改通知书须写明整改期限（供水手册第七章第二条：书面要求限期整改；"
                f"默认{default_days}天，最长{max_days}天）"
            }
        )
    problem = day_problem(deadline)
    if problem:
        raise ValidationError({"deadline": f"整改期限：{problem}"})
    if deadline <= today:
        raise ValidationError({"deadline": "整改期限应晚于开具之日"})
    if deadline > today + timedelta(days=max_days):
        raise ValidationError(
            {"deadline": f"整改期限不能超过开具之日起{max_days}天（规则“整改通知书：整改期限最长天数”）"}
        )
    return deadline


@transaction.atomic
def issue_notice(*, actor, case: Case, kind: str, content: str, deadline: date | None = None) -> Notice:
    """Issue a numbered notice on `case`, by one of its inspectors (two on the case, ID shown)."""
    require_field_work(case, actor)
    if kind not in Notice.Kind.values:
        raise ValidationError({"kind": "通知书只能是责令停止违章行为通知书或违规用水整改通知书"})
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": "请填写通知书内容（违章事实与要求）"})
    if len(content) > CONTENT_MAX:
        raise ValidationError({"content": f"通知书内容不能超过{CONTENT_MAX}字（现有{len(content)}字）"})
    now = timezone.now()
    today = timezone.localdate(now)
    deadline = _check_deadline(kind, deadline, today)
    key, prefix = SERIES[kind]
    # Taken last, after every check: a refused notice takes no number (the series stays gap-free).
    number = f"{prefix}{today.year}-{next_number(key, year_period(today)):05d}"
    notice = Notice.objects.create(
        case=case,
        kind=kind,
        number=number,
        content=content,
        issued_by=actor,
        issued_at=now,
        deadline=deadline,
    )
    inspection_event(
        actor=actor,
        target=case,
        verb=CaseEvents.NOTICE_ISSUED,
        changes={
            "notice": notice.number,
            "kind": notice.get_kind_display(),
            "deadline": deadline.isoformat() if deadline else None,
        },
    )
    return notice


@transaction.atomic
def record_signature(
    *, actor, notice: Notice, signature: str, witness: str = "", witness_signed: bool = False
) -> Notice:
    """The customer signed the notice, or refused (当事人拒签, 第三条(八)) with an optional witness."""
    notice = Notice.objects.select_for_update().select_related("case").get(pk=notice.pk)
    require_field_work(notice.case, actor)
    if notice.signature:
        raise ValidationError(
            {"signature": f"通知书{notice.number}已登记“{notice.get_signature_display()}”，不能重复登记"}
        )
    signature, witness, witness_signed = check_signature(signature, witness, witness_signed)
    notice.signature = signature
    notice.witness = witness
    notice.witness_signed = witness_signed
    notice.save(update_fields=["signature", "witness", "witness_signed", "updated_at"])
    verb = CaseEvents.NOTICE_REFUSED if signature == Signature.REFUSED else CaseEvents.NOTICE_SIGNED
    inspection_event(
        actor=actor,
        target=notice.case,
        verb=verb,
        changes={"notice": notice.number, "witness": witness, "witness_signed": witness_signed},
    )
    return notice


@transaction.atomic
def record_follow_up(*, actor, notice: Notice, rectified: bool, result: str) -> Notice:
    """The follow-up visit of a rectification notice (复查): rectified or not, and what was found."""
    notice = Notice.objects.select_for_update().select_related("case").get(pk=notice.pk)
    case = notice.case
    if not case.inspectors.filter(inspector=actor).exists():
        raise PermissionDenied("只有本案的稽查员可以登记整改复查")
    if case.state == Case.State.CLOSED:
        raise ValidationError({"notice": f"案件{case.number}已结案，不能再登记复查"})
    if notice.kind != Notice.Kind.RECTIFY:
        raise ValidationError({"notice": "只有整改通知书需要复查"})
    if notice.followed_up_at:
        raise ValidationError(
            {"notice": f"通知书{notice.number}已于{timezone.localtime(notice.followed_up_at):%Y-%m-%d}复查"}
        )
    if rectified is None:
        raise ValidationError({"rectified": "请选择是否已整改"})
    result = (result or "").strip()
    if not result:
        raise ValidationError({"result": "请填写复查结果"})
    if len(result) > RESULT_MAX:
        raise ValidationError({"result": f"复查结果不能超过{RESULT_MAX}字"})
    notice.followed_up_at = timezone.now()
    notice.followed_up_by = actor
    notice.rectified = bool(rectified)
    notice.follow_up_result = result
    notice.save(
        update_fields=["followed_up_at", "followed_up_by", "rectified", "follow_up_result", "updated_at"]
    )
    inspection_event(
        actor=actor,
        target=case,
        verb=CaseEvents.FOLLOWED_UP,
        changes={"notice": notice.number, "rectified": notice.rectified},
        note=result,
    )
    return notice


def overdue(notices, today: date):
    """Rectification notices whose deadline has passed without a follow-up visit (待复查)."""
    return notices.filter(kind=Notice.Kind.RECTIFY, followed_up_at__isnull=True, deadline__lt=today)


def run_due(now) -> list[str]:
    """Rectification notices past their deadline: each claimed once (a conditional UPDATE of
    overdue_alerted), its case's inspectors alerted, the event written, in one transaction per notice."""
    today = timezone.localdate(now)
    due = overdue(Notice.objects.filter(overdue_alerted=False), today).values_list("pk", flat=True)
    alerted = 0
    for pk in list(due[:5000]):
        with transaction.atomic():
            if not Notice.objects.filter(pk=pk, overdue_alerted=False).update(overdue_alerted=True):
                continue  # another worker took it
            notice = Notice.objects.select_related("case").get(pk=pk)
            case = notice.case
            inspectors = [seat.inspector for seat in case.inspectors.select_related("inspector")]
            send_alert(
                recipients=inspectors,
                kind=OVERDUE,
                message=f"整改期限已到，请复查：{notice.number}（案件{case.number}，{case.address}），"
                f"期限{notice.deadline:%Y-%m-%d}",
                url=reverse("inspection:field", args=[case.pk]) + f"#notice-{notice.pk}",
                subject=f"inspection.notice:{notice.pk}",
            )
            inspection_event(
                actor=None,
                target=case,
                verb=CaseEvents.NOTICE_OVERDUE,
                changes={"notice": notice.number, "deadline": notice.deadline.isoformat()},
            )
            alerted += 1
    return [f"稽查：{alerted}份整改通知书逾期，已提醒稽查员复查"] if alerted else []
