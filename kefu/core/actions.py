"""What every domain's action table shares (kefu/<domain>/actions.py): the form check whose refusal
names each field in Chinese, so the page and the API answer the same bad input with the same words."""

from django.core.exceptions import ValidationError


def validated(form_class, data, files=None) -> dict:
    """The form's cleaned data, or a ValidationError whose every message names its field: a form's
    own messages do ("请选择责任单位"); Django's stock ones ("选择一个有效的选项") get the label first."""
    if form_class is None:
        return {}
    form = form_class(data, files)
    if form.is_valid():
        return form.cleaned_data
    errors = {}
    for name, messages in form.errors.items():
        field = form.fields.get(name)
        errors[name] = [_naming_the_field(field, message) for message in messages]
    raise ValidationError(errors)


def _naming_the_field(field, message: str) -> str:
    label = str(field.label) if field is not None and field.label else ""
    if not label or label in message or message in _own_messages(field):
        return message
    return f"{label}：{message}"


def _own_messages(field) -> set[str]:
    """The messages the form wrote for this field, as against the ones Django gives every field."""
    stock = {}
    for cls in reversed(type(field).__mro__):
        stock.update(getattr(cls, "default_error_messages", {}))
    return {str(m) for key, m in field.error_messages.items() if str(m) != str(stock.get(key, ""))}


def unknown_action(action: str, known: list[str], what: str) -> ValidationError:
    """The refusal of an action name outside the domain's vocabulary, listing the names it has."""
    return ValidationError({"action": f"没有「{action}」这个{what}操作，可用的操作：{'、'.join(known)}"})
