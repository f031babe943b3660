"""Calibration (Q1): several QA inspectors score the same contact blind — each sees only their own
score until the calibration is closed (揭晓) by its creator or the QA lead; then the page shows, per
item, every inspector's score, the mean, min, max and the spread, highlighted from
`quality.calibration_spread_warning`. Calibration checks (source CALIBRATION) never count for the agent."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.core.numbering import next_number, year_period
from kefu.core.policies import policy
from kefu.quality.events import CheckEvents, quality_event
from kefu.quality.models import Calibration, CheckScore, QaCheck
from kefu.quality.services.checks import SERIES, check_number, score_check
from kefu.quality.services.scorecards import active_scorecard, card_items

S = QaCheck.Status
SPREAD_RULE = "quality.calibration_spread_warning"


def may_close(user, calibration: Calibration) -> bool:
    return user.pk == calibration.created_by_id or user.has_perm("quality.decide_qaappeal")


@transaction.atomic
def open_calibration(*, actor, contact, title: str) -> Calibration:
    if not actor.has_perm("quality.add_calibration"):
        raise PermissionDenied("您的角色没有发起质检校准的权限")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "请填写校准标题"})
    if len(title) > 100:
        raise ValidationError({"title": "校准标题不超过100字"})
    if not getattr(contact, "agent_id", None):
        raise ValidationError({"contact": f"受理记录{contact}没有值班坐席，无法质检"})
    same = Calibration.objects.filter(
        contact=contact, title=title, status=Calibration.Status.OPEN, created_by=actor
    ).first()
    if same is not None:
        return same  # the same form sent twice
    calibration = Calibration.objects.create(
        contact=contact, scorecard=active_scorecard(), title=title, created_by=actor
    )
    quality_event(
        actor=actor,
        target=calibration,
        verb=CheckEvents.CALIBRATION_OPENED,
        changes={"contact": contact.number},
    )
    return calibration


def own_check(user, calibration: Calibration) -> QaCheck | None:
    return QaCheck.objects.filter(calibration=calibration, inspector=user).first()


@transaction.atomic
def score_calibration(
    *, actor, calibration: Calibration, scores, comment: str = "", marks="", now=None
) -> QaCheck:
    """The actor's own blind score of the calibration (a check of source CALIBRATION, created the first
    time), which they may change until the calibration is closed."""
    if not actor.has_perm("quality.score_qacheck"):
        raise PermissionDenied("您的角色没有质检评分的权限")
    calibration = Calibration.objects.select_for_update().get(pk=calibration.pk)
    if calibration.status != Calibration.Status.OPEN:
        raise ValidationError({"calibration": "校准已揭晓，不能再评分"})
    check = own_check(actor, calibration)
    if check is None:
        today = timezone.localdate()
        contact = calibration.contact
        try:
            with transaction.atomic():
                check = QaCheck.objects.create(
                    number=check_number(today, next_number(SERIES, year_period(today))),
                    month=contact.received_on.replace(day=1),
                    agent_id=contact.agent_id,
                    inspector=actor,
                    contact=contact,
                    scorecard=calibration.scorecard,
                    calibration=calibration,
                    source=QaCheck.Source.CALIBRATION,
                    status=S.PROPOSED,
                )
        except IntegrityError:
            check = own_check(actor, calibration)
    return score_check(actor=actor, check=check, scores=scores, comment=comment, marks=marks, now=now)


@transaction.atomic
def close_calibration(*, actor, calibration: Calibration, now=None) -> Calibration:
    now = now or timezone.now()
    if not may_close(actor, calibration):
        raise PermissionDenied("只有校准发起人或质检组长可以揭晓校准结果")
    if not Calibration.objects.filter(pk=calibration.pk, status=Calibration.Status.OPEN).update(
        status=Calibration.Status.CLOSED, closed_at=now
    ):
        raise ValidationError({"calibration": "校准已揭晓"})
    calibration.refresh_from_db()
    scored = QaCheck.objects.filter(calibration=calibration, status=S.SCORED)
    count = scored.count()
    scored.update(status=S.FINAL, finalised_at=now)
    QaCheck.objects.filter(calibration=calibration, status=S.PROPOSED).update(status=S.DROPPED)
    quality_event(
        actor=actor,
        target=calibration,
        verb=CheckEvents.CALIBRATION_CLOSED,
        changes={
            "status": [str(Calibration.Status.OPEN.label), str(Calibration.Status.CLOSED.label)],
            "inspectors": count,
        },
    )
    return calibration


@dataclass
class SpreadRow:
    item: object
    scores: list  # [(inspector, score or None)] in the inspectors' order
    mean: Decimal | None
    low: int | None
    high: int | None
    spread: int | None
    warn: bool


def spread(calibration: Calibration) -> tuple[list, list[SpreadRow], int]:
    """(inspector checks, per-item rows, warning threshold) of a calibration's scored checks."""
    threshold = policy(SPREAD_RULE)
    checks = list(
        QaCheck.objects.filter(calibration=calibration, status__in=[S.SCORED, S.FINAL])
        .select_related("inspector")
        .order_by("inspector__name", "id")
    )
    table = {
        (row.check_record_id, row.item_id): row.score
        for row in CheckScore.objects.filter(check_record__in=checks)
    }
    rows = []
    for item in card_items(calibration.scorecard):
        scores = [(check.inspector, table.get((check.pk, item.pk))) for check in checks]
        values = [value for _who, value in scores if value is not None]
        if values:
            mean = (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            low, high = min(values), max(values)
            rows.append(SpreadRow(item, scores, mean, low, high, high - low, high - low >= threshold))
        else:
            rows.append(SpreadRow(item, scores, None, None, None, None, False))
    return checks, rows, threshold
