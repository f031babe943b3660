"""The appraisal catalogue is data (Q2): an administrator (the department head) edits an item's name,
points range and clause, retires or restores it, and adds items. An item's range must lie within its
kind's range by the rules (quality.bonus_points …), so every line of it passes the computation."""

from django.core.exceptions import ValidationError
from django.db import transaction

from kefu.core.permissions import require
from kefu.quality.computation import KIND_LABELS
from kefu.quality.events import AppraisalEvents, quality_event
from kefu.quality.models import AppraisalItem, ItemKind, ItemSource
from kefu.quality.rules import KIND_RULES, points_range

EDITABLE = ("name", "min_points", "max_points", "clause", "active")


def _check(*, kind: str, min_points, max_points, name: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = ["请填写项目名称"]
    if kind not in ItemKind.values:
        errors["kind"] = ["请选择类别"]
        return errors
    low, high = points_range(kind)
    for field, value in (("min_points", min_points), ("max_points", max_points)):
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors[field] = [f"{KIND_LABELS[kind]}分值应在{low}至{high}分之间（业务规则 {KIND_RULES[kind]}）"]
    if not errors and min_points > max_points:
        errors["max_points"] = ["最高分值不能低于最低分值"]
    return errors


@transaction.atomic
def add_item(
    *, actor, code: str, name: str, kind: str, min_points: int, max_points: int, clause: str = ""
) -> AppraisalItem:
    """A new item entered by hand (its source is 培训专员录入: lines from the records need code)."""
    require(actor, "quality.add_appraisalitem")
    code = (code or "").strip()
    errors = _check(kind=kind, min_points=min_points, max_points=max_points, name=name)
    if not code:
        errors["code"] = ["请填写编码"]
    elif AppraisalItem.objects.filter(code=code).exists():
        errors["code"] = [f"编码“{code}”已被使用"]
    if errors:
        raise ValidationError(errors)
    last = AppraisalItem.objects.order_by("-position").values_list("position", flat=True).first() or 0
    item = AppraisalItem.objects.create(
        code=code,
        name=name.strip(),
        kind=kind,
        min_points=min_points,
        max_points=max_points,
        source=ItemSource.MANUAL,
        clause=(clause or "").strip(),
        position=last + 1,
    )
    quality_event(
        actor=actor,
        target=item,
        verb=AppraisalEvents.ITEM_ADDED,
        changes={"kind": item.kind, "points": f"{min_points}-{max_points}"},
    )
    return item


@transaction.atomic
def change_item(*, actor, item: AppraisalItem, **values) -> AppraisalItem:
    """Change name, points range, clause or active; an unchanged item is answered as it is."""
    require(actor, "quality.change_appraisalitem")
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationError({field: ["此项不能修改"] for field in unknown})
    item = AppraisalItem.objects.select_for_update().get(pk=item.pk)
    new = {field: values.get(field, getattr(item, field)) for field in EDITABLE}
    new["name"] = (new["name"] or "").strip()
    new["clause"] = (new["clause"] or "").strip()
    errors = _check(
        kind=item.kind, min_points=new["min_points"], max_points=new["max_points"], name=new["name"]
    )
    if errors:
        raise ValidationError(errors)
    changes = {f: [getattr(item, f), v] for f, v in new.items() if getattr(item, f) != v}
    if not changes:
        return item
    for field, value in new.items():
        setattr(item, field, value)
    item.save(update_fields=[*EDITABLE, "updated_at"])
    quality_event(actor=actor, target=item, verb=AppraisalEvents.ITEM_CHANGED, changes=changes)
    return item
