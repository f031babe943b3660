"""Soft indicators scored by hand (Q3, 002 如何制定客服管理制度: 软性指标): one score 0–100 per person,
month and indicator of the person's role (kefu.quality.indicators). A team leader scores their team's
staff, the head the team leaders and the training specialist, the director the head
(kefu.quality.selectors_indicators.score_refusal says exactly who).

Scoring the same indicator again updates the score rather than refusing it (a scorer corrects a slip,
or a superior revises a leader's mark): the event keeps the old and the new score, the note and who
gave each, so the history of the mark stays. The same score sent again (a double click, a retry)
changes nothing and writes no event."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.accounts.models import User
from kefu.quality.events import AppraisalEvents, quality_event
from kefu.quality.indicators import CATALOGUE, role_of
from kefu.quality.models import SoftIndicatorScore
from kefu.quality.selectors_indicators import score_refusal

MIN_SCORE, MAX_SCORE = 0, 100


@dataclass
class Scored:
    score: SoftIndicatorScore
    created: bool
    changed: bool


def _check(*, actor, person: User, month: date, indicator: str, score) -> None:
    refusal = score_refusal(actor, person)
    if refusal:
        raise PermissionDenied(refusal)
    role = role_of(person)
    entry = CATALOGUE[role] if role else None
    if entry is None or entry.soft_indicator(indicator) is None:
        codes = "、".join(f"{i.code}（{i.name}）" for i in entry.soft) if entry else "无"
        raise ValidationError(
            {"indicator": f"指标「{indicator}」不是{person}所在岗位的软性指标；可评指标：{codes}"},
            code="indicator_unknown",
        )
    if isinstance(score, bool) or not isinstance(score, int) or not MIN_SCORE <= score <= MAX_SCORE:
        raise ValidationError(
            {"score": f"得分「{score}」不在范围内：软性指标按百分制评分，应为{MIN_SCORE}–{MAX_SCORE}的整数"},
            code="score_range",
        )
    if month.day != 1:
        raise ValidationError({"month": "月份应为当月1日"}, code="month_format")
    today = timezone.localdate()
    if month > date(today.year, today.month, 1):
        raise ValidationError(
            {"month": f"{month:%Y年%m月}尚未开始，不能评分：软性指标按月评定当月或以前月份的表现"},
            code="month_future",
        )


@transaction.atomic
def score_soft_indicator(
    *, actor: User, person: User, month: date, indicator: str, score: int, note: str = ""
) -> Scored:
    """Give `person` `score` (0–100) on the soft indicator `indicator` for `month` (its first day)."""
    _check(actor=actor, person=person, month=month, indicator=indicator, score=score)
    note = (note or "").strip()[:300]
    existing = (
        SoftIndicatorScore.objects.select_for_update()
        .filter(month=month, person=person, indicator=indicator)
        .first()
    )
    if existing is None:
        try:
            with transaction.atomic():
                row = SoftIndicatorScore.objects.create(
                    month=month, person=person, indicator=indicator, score=score, note=note, scored_by=actor
                )
        except IntegrityError:
            # Another request scored it a moment ago: answer with that row, updated below if it differs.
            existing = SoftIndicatorScore.objects.select_for_update().get(
                month=month, person=person, indicator=indicator
            )
        else:
            quality_event(
                actor=actor,
                target=row,
                verb=AppraisalEvents.SOFT_SCORED,
                changes={"score": [None, score], "indicator": indicator, "month": f"{month:%Y-%m}"},
                note=note,
            )
            return Scored(score=row, created=True, changed=True)
    if existing.score == score and existing.note == note:
        return Scored(score=existing, created=False, changed=False)
    changes = {"indicator": indicator, "month": f"{month:%Y-%m}"}
    if existing.score != score:
        changes["score"] = [existing.score, score]
    if existing.note != note:
        changes["note"] = [existing.note, note]
    if existing.scored_by_id != actor.pk:
        changes["scored_by"] = [str(existing.scored_by), str(actor)]
    existing.score, existing.note, existing.scored_by = score, note, actor
    existing.save(update_fields=["score", "note", "scored_by", "updated_at"])
    quality_event(actor=actor, target=existing, verb=AppraisalEvents.SOFT_SCORED, changes=changes, note=note)
    return Scored(score=existing, created=False, changed=True)
