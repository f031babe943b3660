"""Scorecards as data (Q1): the card in use, and publishing a new version of it. A version is never
edited once checks were scored on it: a change is a new version (same code, version + 1) that becomes
the active one, the old one retired, so every old check keeps the card it was scored on."""

from django.core.exceptions import ValidationError
from django.db import transaction

from kefu.quality import defaults
from kefu.quality.events import CheckEvents, quality_event
from kefu.quality.models import Scorecard, ScorecardItem

DEFAULT_CODE = "hotline"
MAX_ITEMS = 30


def active_scorecard(code: str = DEFAULT_CODE) -> Scorecard:
    """The version of the card in use (the shipped one is added back where a flushed database lacks it)."""
    card = Scorecard.objects.filter(code=code, status=Scorecard.Status.ACTIVE).first()
    if card is None and code == DEFAULT_CODE:
        defaults.ensure_defaults()
        card = Scorecard.objects.filter(code=code, status=Scorecard.Status.ACTIVE).first()
    if card is None:
        raise ValidationError({"scorecard": f"评分表“{code}”没有在用的版本"})
    return card


def card_items(card: Scorecard) -> list[ScorecardItem]:
    return list(card.items.order_by("position", "id"))


def _clean_items(items: list[dict]) -> list[dict]:
    """Each item: name, weight (> 0), max_score (≥ 1), critical; codes unique. Chinese errors naming the
    line and the field."""
    cleaned: list[dict] = []
    if not items:
        raise ValidationError({"items": "评分表至少要有一个评分项"})
    if len(items) > MAX_ITEMS:
        raise ValidationError({"items": f"评分项最多{MAX_ITEMS}个"})
    codes: set[str] = set()
    for number, item in enumerate(items, start=1):
        name = str(item.get("name") or "").strip()
        code = str(item.get("code") or "").strip() or f"item{number}"
        if not name:
            raise ValidationError({"items": f"第{number}项：项目名称不能为空"})
        if len(name) > 50:
            raise ValidationError({"items": f"第{number}项“{name[:20]}”：项目名称不超过50字"})
        try:
            weight = int(item.get("weight"))
            max_score = int(item.get("max_score"))
        except (TypeError, ValueError):
            raise ValidationError({"items": f"第{number}项“{name}”：权重和满分应为整数"}) from None
        if not 1 <= weight <= 1000:
            raise ValidationError({"items": f"第{number}项“{name}”：权重应大于0（1至1000）"})
        if not 1 <= max_score <= 100:
            raise ValidationError({"items": f"第{number}项“{name}”：满分应在1至100之间"})
        if code in codes:
            raise ValidationError({"items": f"第{number}项“{name}”：编码“{code}”重复"})
        codes.add(code)
        cleaned.append(
            {
                "code": code[:30],
                "name": name,
                "guidance": str(item.get("guidance") or "").strip()[:300],
                "weight": weight,
                "max_score": max_score,
                "critical": bool(item.get("critical")),
                "position": number,
            }
        )
    return cleaned


@transaction.atomic
def publish_version(
    *, actor, scorecard: Scorecard, name: str, pass_mark: int, items: list[dict], note: str = ""
) -> Scorecard:
    """A new version of `scorecard`'s card with these items: it becomes the one in use and the version
    in use until now is retired (its checks keep it)."""
    if not actor.has_perm("quality.change_scorecard"):
        raise ValidationError({"scorecard": "只有有“修改评分表”权限的人员（客服部主任）可以发布评分表"})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写评分表名称"})
    if len(name) > 100:
        raise ValidationError({"name": "评分表名称不超过100字"})
    try:
        pass_mark = int(pass_mark)
    except (TypeError, ValueError):
        raise ValidationError({"pass_mark": "合格线应为0至100之间的整数"}) from None
    if not 0 <= pass_mark <= 100:
        raise ValidationError({"pass_mark": "合格线应为0至100之间的整数"})
    cleaned = _clean_items(items)
    # Serialise two publications of the same card: the later one sees the first's version.
    current = list(Scorecard.objects.select_for_update().filter(code=scorecard.code))
    version = max(card.version for card in current) + 1
    retired = [card for card in current if card.status == Scorecard.Status.ACTIVE]
    Scorecard.objects.filter(pk__in=[c.pk for c in retired]).update(status=Scorecard.Status.RETIRED)
    card = Scorecard.objects.create(
        code=scorecard.code,
        version=version,
        name=name,
        status=Scorecard.Status.ACTIVE,
        pass_mark=pass_mark,
        note=(note or "").strip()[:300],
        created_by=actor,
    )
    ScorecardItem.objects.bulk_create([ScorecardItem(scorecard=card, **item) for item in cleaned])
    quality_event(
        actor=actor,
        target=card,
        verb=CheckEvents.SCORECARD_PUBLISHED,
        changes={
            "version": [retired[0].version if retired else None, version],
            "items": "、".join(f"{i['name']}（权重{i['weight']}）" for i in cleaned),
        },
    )
    return card
