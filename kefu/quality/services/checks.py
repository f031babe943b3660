"""QA checks (Q1): putting a contact up for a check, scoring it on its card, and the job that makes a
scored check final once its appeal window has passed. Appeals are in services/appeals.py, calibrations
in services/calibration.py; both score through `apply_scores` here.

The score of a check is Σ(weight × score / max) / Σ weight × 100, to one decimal; a critical item
scored 0 makes the whole check 0 (critical_failed); the check passes at the card's pass mark."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.core.calendar import SHANGHAI, add_working_days
from kefu.core.events import events_for
from kefu.core.numbering import next_number, year_period
from kefu.core.policies import policy
from kefu.quality.events import CheckEvents, quality_event
from kefu.quality.models import CheckRemark, CheckScore, QaAppeal, QaCheck, Scorecard, ScorecardItem
from kefu.quality.policies import RULES
from kefu.quality.services.scorecards import active_scorecard, card_items

SERIES = "quality.check"
APPEAL_RULE = "quality.check_appeal_days"
MAX_MARKS = 50
S = QaCheck.Status


def check_number(day: date, sequence: int) -> str:
    """ZJ2026000123: 质检, the year, the year's sequence (like the meters' HB/HS numbers)."""
    return f"ZJ{day.year}{sequence:06d}"


def working_days_after(day: date, working_days: int) -> date:
    """The working day `working_days` after `day` on the center's calendar (调休 included)."""
    start = datetime.combine(day, time(12, 0), tzinfo=SHANGHAI)
    return add_working_days(start, working_days).deadline_date


def appeal_rule_text() -> str:
    rule = RULES[APPEAL_RULE]
    return f"“{rule.label}”为{policy(APPEAL_RULE)}个工作日（{APPEAL_RULE}）"


# ---------------------------------------------------------------- opening a check


@transaction.atomic
def open_check(*, actor, contact, source: str, sample_reason: str = "", month=None) -> QaCheck:
    """Put one contact up for a check (sampling proposes, an inspector adds). A contact is checked
    once: asked again, the existing check is the answer (qacheck_contact_once)."""
    if source not in (QaCheck.Source.SAMPLED, QaCheck.Source.ADDED):
        raise ValidationError({"source": "来源应为系统抽样或质检员追加（校准请在校准页面发起）"})
    if not getattr(contact, "agent_id", None):
        raise ValidationError({"contact": f"受理记录{contact}没有值班坐席，无法质检"})
    if source == QaCheck.Source.ADDED:
        if actor is None or not actor.has_perm("quality.add_qacheck"):
            raise PermissionDenied("您的角色没有追加质检的权限")
        if actor.pk == contact.agent_id:
            raise ValidationError({"contact": "不能质检自己受理的记录"})
    existing = _existing(contact)
    if existing is not None:
        return existing
    if month is None:
        month = contact.received_on.replace(day=1)
    card = active_scorecard()
    today = timezone.localdate()
    try:
        with transaction.atomic():
            check = QaCheck.objects.create(
                number=check_number(today, next_number(SERIES, year_period(today))),
                month=month,
                agent_id=contact.agent_id,
                contact=contact,
                scorecard=card,
                source=source,
                sample_reason=(sample_reason or "")[:100],
                status=S.PROPOSED,
            )
    except IntegrityError:
        existing = _existing(contact)
        if existing is None:
            raise
        return existing
    verb = CheckEvents.ADDED if source == QaCheck.Source.ADDED else CheckEvents.PROPOSED
    quality_event(
        actor=actor,
        target=check,
        verb=verb,
        changes={"contact": contact.number, "agent": str(check.agent)},
        note=check.sample_reason,
    )
    return check


def _existing(contact) -> QaCheck | None:
    return QaCheck.objects.filter(contact=contact, calibration__isnull=True).exclude(status=S.DROPPED).first()


# ---------------------------------------------------------------- the score


@dataclass(frozen=True)
class ScoreResult:
    score: Decimal
    critical_failed: bool
    passed: bool


def compute_score(items: list[ScorecardItem], scores: dict[int, int], pass_mark: int) -> ScoreResult:
    """Σ(weight × score/max) / Σweight × 100 to one decimal; a critical item at 0 → 0 and failed."""
    if any(item.critical and scores[item.pk] == 0 for item in items):
        return ScoreResult(Decimal("0.0"), True, False)
    total_weight = sum(item.weight for item in items)
    weighted = sum(
        Decimal(item.weight) * Decimal(scores[item.pk]) / Decimal(item.max_score) for item in items
    )
    score = (weighted / Decimal(total_weight) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return ScoreResult(score, False, score >= pass_mark)


def clean_scores(card: Scorecard, entries) -> dict[int, tuple[int, str]]:
    """{item id: (score, remark)} for every item of the card, from [{"item": id or code, "score": n,
    "remark": ""}]. Each item once, each score a whole number 0..max; Chinese errors under "scores"."""
    items = card_items(card)
    by_key = {}
    for item in items:
        by_key[str(item.pk)] = item
        by_key[item.code] = item
    given: dict[int, tuple[int, str]] = {}
    for entry in entries or []:
        key = str(entry.get("item", "")).strip()
        item = by_key.get(key)
        if item is None:
            raise ValidationError({"scores": f"评分项“{key[:30]}”不在评分表“{card}”上"})
        if item.pk in given:
            raise ValidationError({"scores": f"评分项“{item.name}”重复"})
        raw = entry.get("score")
        text = str(raw if raw is not None else "").strip()
        if isinstance(raw, bool) or not (text.isascii() and text.isdigit()) or int(text) > item.max_score:
            raise ValidationError({"scores": f"“{item.name}”的得分应为0至{item.max_score}之间的整数"})
        remark = str(entry.get("remark") or "").strip()
        if len(remark) > 300:
            raise ValidationError({"scores": f"“{item.name}”的说明不超过300字"})
        given[item.pk] = (int(text), remark)
    missing = [item.name for item in items if item.pk not in given]
    if missing:
        raise ValidationError({"scores": f"请为每一项打分，未打分：{'、'.join(missing)}"})
    return given


_MARK = re.compile(r"^(?:(\d{1,2}):)?(\d{1,3}):([0-5]\d)\s+(.+)$")


def parse_marks(text: str) -> list[tuple[int, str]]:
    """Time-stamped remarks, one a line: "01:25 未使用问候语" (mm:ss, or h:mm:ss) → [(85, "未使用问候语")]."""
    marks: list[tuple[int, str]] = []
    for number, line in enumerate(str(text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = _MARK.match(line)
        if not match:
            raise ValidationError(
                {"marks": f"录音备注第{number}行应写作“分:秒 内容”，例如“01:25 未使用问候语”"}
            )
        hours, minutes, seconds, body = match.groups()
        body = body.strip()
        if len(body) > 300:
            raise ValidationError({"marks": f"录音备注第{number}行不超过300字"})
        marks.append((int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds), body))
    if len(marks) > MAX_MARKS:
        raise ValidationError({"marks": f"录音备注一次最多{MAX_MARKS}条"})
    return marks


def mm_ss(seconds: int) -> str:
    minutes, second = divmod(int(seconds), 60)
    return f"{minutes:02d}:{second:02d}"


def scorer_ids(check: QaCheck) -> set[int]:
    """Everyone who scored the check (a re-scoring by another inspector included)."""
    ids = set(
        events_for(check)
        .filter(verb=CheckEvents.SCORED)
        .exclude(actor=None)
        .values_list("actor_id", flat=True)
    )
    if check.inspector_id:
        ids.add(check.inspector_id)
    return ids


def apply_scores(*, check: QaCheck, given: dict[int, tuple[int, str]]) -> tuple[ScoreResult, dict]:
    """Write the item scores and the result on `check` (not saved); the changes {label: [old, new]}
    for the event. Inside the caller's transaction."""
    card = check.scorecard
    items = card_items(card)
    old = {row.item_id: row for row in check.scores.all()}
    result = compute_score(items, {pk: value[0] for pk, value in given.items()}, card.pass_mark)
    changes: dict = {}
    for item in items:
        score, remark = given[item.pk]
        row = old.get(item.pk)
        if row is None:
            CheckScore.objects.create(check_record=check, item=item, score=score, remark=remark)
            changes[item.name] = [None, score]
        elif row.score != score or row.remark != remark:
            if row.score != score:
                changes[item.name] = [row.score, score]
            row.score, row.remark = score, remark
            row.save(update_fields=["score", "remark"])
    if check.score != result.score:
        changes["score"] = [None if check.score is None else str(check.score), str(result.score)]
    if check.passed != result.passed:
        changes["passed"] = [_yes_no(check.passed), _yes_no(result.passed)]
    if check.critical_failed != result.critical_failed:
        changes["critical_failed"] = [_yes_no(check.critical_failed), _yes_no(result.critical_failed)]
    check.score, check.passed, check.critical_failed = result.score, result.passed, result.critical_failed
    return result, changes


def _yes_no(value) -> str | None:
    return None if value is None else ("是" if value else "否")


@transaction.atomic
def score_check(
    *,
    actor,
    check: QaCheck,
    scores,
    comment: str = "",
    coaching_note: str = "",
    marks: str | list[tuple[int, str]] = "",
    now=None,
) -> QaCheck:
    """Score (or, before it is final, score again) a check; the agent may appeal until the working day
    `quality.check_appeal_days` after. A re-scoring keeps the old scores in the event (old → new)."""
    now = now or timezone.now()
    if not actor.has_perm("quality.score_qacheck"):
        raise PermissionDenied("您的角色没有质检评分的权限")
    check = (
        QaCheck.objects.select_for_update(of=("self",))
        .select_related("scorecard", "calibration")
        .get(pk=check.pk)
    )
    if actor.pk == check.agent_id:
        raise ValidationError({"check": "不能给自己的受理记录评分"})
    if check.calibration_id:
        if check.inspector_id != actor.pk:
            raise PermissionDenied("校准评分只能由本人填写")
        if check.calibration.status != check.calibration.Status.OPEN:
            raise ValidationError({"check": "校准已揭晓，不能再修改评分"})
    elif check.status not in (S.PROPOSED, S.SCORED):
        raise ValidationError({"check": f"质检{check.number}{check.get_status_display()}，不能再修改评分"})
    given = clean_scores(check.scorecard, scores)
    marks = parse_marks(marks) if isinstance(marks, str) else marks
    comment = (comment or "").strip()
    coaching_note = (coaching_note or "").strip()
    if len(comment) > 2000 or len(coaching_note) > 2000:
        raise ValidationError({"comment": "评语和辅导意见各不超过2000字"})
    first = check.status == S.PROPOSED
    _result, changes = apply_scores(check=check, given=given)
    if (
        not first
        and not changes
        and comment == check.comment
        and coaching_note == check.coaching_note
        and not marks
    ):
        return check  # the same form sent twice: answered, not a second event
    if check.comment != comment:
        changes["comment"] = [check.comment, comment]
    if check.coaching_note != coaching_note:
        changes["coaching_note"] = [check.coaching_note, coaching_note]
    check.comment, check.coaching_note = comment, coaching_note
    check.inspector = check.inspector if check.calibration_id else actor
    check.status = S.SCORED
    check.scored_at = now
    if not check.calibration_id:
        due = working_days_after(timezone.localtime(now).date(), policy(APPEAL_RULE))
        if check.appeal_due != due:
            changes["appeal_due"] = [str(check.appeal_due) if check.appeal_due else None, str(due)]
        check.appeal_due = due
    check.save()
    CheckRemark.objects.bulk_create(
        [CheckRemark(check_record=check, at_second=at, text=text) for at, text in marks]
    )
    if marks:
        changes["marks"] = "；".join(f"{mm_ss(at)} {text}" for at, text in marks)
    quality_event(actor=actor, target=check, verb=CheckEvents.SCORED, changes=changes)
    return check


@transaction.atomic
def drop_check(*, actor, check: QaCheck, reason: str) -> QaCheck:
    """An inspector gives up a proposed check (the recording is missing, the contact is not the agent's)."""
    if not actor.has_perm("quality.score_qacheck"):
        raise PermissionDenied("您的角色没有质检评分的权限")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写放弃质检的原因"})
    if check.calibration_id or not QaCheck.objects.filter(pk=check.pk, status=S.PROPOSED).update(
        status=S.DROPPED
    ):
        raise ValidationError({"check": f"质检{check.number}已评分或已处理，不能放弃"})
    check.refresh_from_db()
    quality_event(
        actor=actor,
        target=check,
        verb=CheckEvents.DROPPED,
        changes={"status": [str(S.PROPOSED.label), str(S.DROPPED.label)]},
        note=reason[:300],
    )
    return check


# ---------------------------------------------------------------- the job


def finalise_due(now) -> list[str]:
    """Scored checks whose appeal window has passed without an open appeal become final. Each row is
    claimed with a conditional UPDATE, so two workers never finalise one twice."""
    today = timezone.localtime(now).date()
    due = list(
        QaCheck.objects.filter(status=S.SCORED, calibration__isnull=True, appeal_due__lt=today)
        .exclude(appeals__status=QaAppeal.Status.OPEN)
        .values_list("pk", flat=True)[:5000]
    )
    done = 0
    for pk in due:
        with transaction.atomic():
            if not QaCheck.objects.filter(pk=pk, status=S.SCORED).update(status=S.FINAL, finalised_at=now):
                continue
            check = QaCheck.objects.get(pk=pk)
            quality_event(
                actor=None,
                target=check,
                verb=CheckEvents.FINALISED,
                changes={"status": [str(S.SCORED.label), str(S.FINAL.label)]},
                note=f"申诉期满（截止{check.appeal_due:%Y-%m-%d}）未申诉",
            )
            done += 1
    return [f"质检：{done}条质检记录申诉期满，已定稿"] if done else []
