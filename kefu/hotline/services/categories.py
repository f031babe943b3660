"""Categories are configuration an administrator edits (H3/H4); every edit is an event."""

from django.core.exceptions import ValidationError
from django.db import transaction

from kefu.core.events import diff
from kefu.hotline.events import category_saved_event
from kefu.hotline.models import Category, Priority

RULE_FIELDS = [
    "code",
    "name",
    "description",
    "route",
    "target_unit_kind",
    "default_disposition",
    "may_answer",
    "may_transfer",
    "may_follow_up",
    "answer_hint",
    "deadline_amount",
    "deadline_unit",
    "escalate_priorities",
    "sort_order",
    "active",
]


def check_category(category: Category) -> None:
    """The combinations that would make a rule impossible to follow, refused with the field named."""
    errors = {}
    if category.route == Category.Route.UNIT_KIND and not category.target_unit_kind:
        errors["target_unit_kind"] = "转指定类型的责任单位时，须选择目标单位类型"
    if category.may_transfer and category.route == Category.Route.NONE:
        errors["route"] = "可转办的类别须设置转办去向"
    if category.default_disposition == Category.Disposition.TRANSFER and not category.may_transfer:
        errors["default_disposition"] = "默认转办的类别须允许转办"
    if category.default_disposition == Category.Disposition.ANSWER and not category.may_answer:
        errors["default_disposition"] = "默认当即答复的类别须允许当即答复"
    if category.deadline_amount < 1:
        errors["deadline_amount"] = "办理时限至少为1"
    unknown = [p for p in (category.escalate_priorities or []) if p not in Priority.values]
    if not isinstance(category.escalate_priorities, list) or unknown:
        errors["escalate_priorities"] = "立即上报的紧急程度只能包含 normal、important、urgent"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_category(*, actor, category: Category) -> Category:
    """Create or update a category from an edited instance; the event holds the old and new rule."""
    check_category(category)
    if category.pk is None:
        category.save()
        category_saved_event(
            actor=actor, category=category, created=True, changes={"code": [None, category.code]}
        )
        return category
    stored = Category.objects.select_for_update().get(pk=category.pk)
    changes = diff(stored, {field: getattr(category, field) for field in RULE_FIELDS})
    category.save()
    if changes:
        category_saved_event(actor=actor, category=category, created=False, changes=changes)
    return category
