"""Appeals against a QA check (Q1, Q4): the agent appeals within `quality.check_appeal_days` working
days of the scoring, one open appeal at a time; the QA lead (quality.decide_qaappeal) upholds it with a
note or amends the scores. Whoever scored the check does not decide its appeal. Either way the check is
then final; the old scores stay in the check's history and on the appeal (score_before/after)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.quality.events import CheckEvents, quality_event
from kefu.quality.models import QaAppeal, QaCheck
from kefu.quality.services.checks import appeal_rule_text, apply_scores, clean_scores, scorer_ids

S = QaCheck.Status
UPHOLD, AMEND = "uphold", "amend"


@transaction.atomic
def file_appeal(*, actor, check: QaCheck, reason: str, now=None) -> QaAppeal:
    now = now or timezone.now()
    reason = (reason or "").strip()
    if actor.pk != check.agent_id:
        raise PermissionDenied("只有被检人本人可以对质检结果申诉")
    if check.calibration_id:
        raise ValidationError({"check": "校准评分不计入个人质检结果，不能申诉"})
    open_appeal = QaAppeal.objects.filter(check_record=check, status=QaAppeal.Status.OPEN).first()
    if open_appeal is not None:
        if open_appeal.filed_by_id == actor.pk and open_appeal.reason == reason:
            return open_appeal  # the same appeal sent twice
        raise ValidationError({"check": f"质检{check.number}已有一条申诉在处理中，请等待质检组长处理"})
    if not reason:
        raise ValidationError({"reason": "请填写申诉理由"})
    if len(reason) > 2000:
        raise ValidationError({"reason": "申诉理由不超过2000字"})
    check = QaCheck.objects.select_for_update().get(pk=check.pk)
    if check.status != S.SCORED:
        if check.status == S.PROPOSED:
            raise ValidationError({"check": f"质检{check.number}尚未评分，不能申诉"})
        raise ValidationError({"check": f"质检{check.number}{check.get_status_display()}，不能再申诉"})
    today = timezone.localtime(now).date()
    if check.appeal_due is None or today > check.appeal_due:
        due = f"{check.appeal_due:%Y-%m-%d}" if check.appeal_due else "—"
        raise ValidationError({"reason": f"已过申诉期限（截止{due}）：{appeal_rule_text()}"})
    try:
        with transaction.atomic():
            appeal = QaAppeal.objects.create(
                check_record=check, filed_by=actor, reason=reason, score_before=check.score
            )
    except IntegrityError:
        raise ValidationError({"check": f"质检{check.number}已有一条申诉在处理中"}) from None
    QaCheck.objects.filter(pk=check.pk).update(status=S.APPEALED)
    check.status = S.APPEALED
    quality_event(
        actor=actor,
        target=check,
        verb=CheckEvents.APPEALED,
        changes={"status": [str(S.SCORED.label), str(S.APPEALED.label)]},
        note=reason[:300],
    )
    return appeal


def may_decide(user, check: QaCheck) -> bool:
    return bool(
        user.has_perm("quality.decide_qaappeal")
        and user.pk != check.agent_id
        and user.pk not in scorer_ids(check)
    )


@transaction.atomic
def decide_appeal(
    *, actor, appeal: QaAppeal, decision: str, note: str = "", scores=None, now=None
) -> QaAppeal:
    """Uphold (a note is required) or amend (new item scores, a new score); the check becomes final."""
    now = now or timezone.now()
    note = (note or "").strip()
    if not actor.has_perm("quality.decide_qaappeal"):
        raise PermissionDenied("只有质检组长（或客服部主任）可以处理质检申诉")
    if decision not in (UPHOLD, AMEND):
        raise ValidationError({"decision": "处理结果应为维持原评（uphold）或改评（amend）"})
    if len(note) > 2000:
        raise ValidationError({"note": "处理意见不超过2000字"})
    check = (
        QaCheck.objects.select_for_update(of=("self",))
        .select_related("scorecard")
        .get(pk=appeal.check_record_id)
    )
    if actor.pk == check.agent_id:
        raise PermissionDenied("不能处理自己的申诉")
    if actor.pk in scorer_ids(check):
        raise PermissionDenied(
            f"您给质检{check.number}评过分，按回避原则不能处理它的申诉，请由其他质检组长处理"
        )
    appeal = QaAppeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.status != QaAppeal.Status.OPEN:
        raise ValidationError({"decision": f"该申诉已处理（{appeal.get_status_display()}）"})
    changes: dict = {}
    if decision == UPHOLD:
        if not note:
            raise ValidationError({"note": "维持原评须填写处理意见，说明理由"})
        appeal.status = QaAppeal.Status.UPHELD
        verb = CheckEvents.APPEAL_UPHELD
    else:
        given = clean_scores(check.scorecard, scores)
        _result, changes = apply_scores(check=check, given=given)
        appeal.status = QaAppeal.Status.AMENDED
        verb = CheckEvents.APPEAL_AMENDED
    appeal.decided_by, appeal.decided_at, appeal.decision_note = actor, now, note
    appeal.score_after = check.score
    appeal.save()
    changes["status"] = [str(S.APPEALED.label), str(S.FINAL.label)]
    check.status, check.finalised_at = S.FINAL, now
    check.save()
    quality_event(actor=actor, target=check, verb=verb, changes=changes, note=note[:300])
    return appeal
