"""Pydantic's English validation errors, said in Chinese and keyed by field name."""

from pydantic_core import PydanticCustomError

# The error types kefu raises itself (`refusal`): their message is already Chinese and is shown as is.
OWN_PREFIX = "kefu_"

MESSAGES = {
    "missing": "必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "int_parsing_size": "数值过大",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为是或否（true/false）",
    "string_type": "应为文本",
    "string_too_long": "过长",
    "string_too_short": "过短",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "datetime_parsing": "时间格式应为 ISO 8601，例如 2026-09-30T10:00:00",
    "datetime_from_date_parsing": "时间格式应为 ISO 8601，例如 2026-09-30T10:00:00",
    "greater_than_equal": "不能小于下限",
    "less_than_equal": "不能大于上限",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "json_invalid": "请求体不是有效的 JSON",
    "model_attributes_type": "格式错误",
}


def pydantic_errors_to_chinese(errors: list[dict]) -> dict[str, list[str]]:
    by_field: dict[str, list[str]] = {}
    for error in errors:
        location = [
            str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "payload")
        ]
        field = ".".join(location) or "__all__"
        kind = error.get("type", "")
        message = error["msg"] if kind.startswith(OWN_PREFIX) else MESSAGES.get(kind, "格式错误")
        context = error.get("ctx") or {}
        if "ge" in context:
            message = f"不能小于{context['ge']}"
        elif "le" in context:
            message = f"不能大于{context['le']}"
        elif "max_length" in context:
            message = f"不能超过{context['max_length']}个字符"
        by_field.setdefault(field, []).append(message)
    return by_field


def refusal(code: str, message: str) -> PydanticCustomError:
    """A validation error in a schema or parameter type, with its Chinese message (raise it)."""
    return PydanticCustomError(OWN_PREFIX + code, message)
