"""What the published OpenAPI schema says about refusals.

Every endpoint can refuse: bad input (400, with the Chinese message per field), no or an invalid
credential (401), a role without the permission (403), an object that does not exist or is not the
caller's to see (404). django-ninja documents only the answers an endpoint declares, so a client
generator, or the fuzzing in kefu/core/tests/test_api_fuzz.py, would treat those answers as undocumented.
They are documented here once for every operation, with the one error body kefu.api answers them with.
"""

ERROR_SCHEMA_NAME = "ErrorOut"

ERROR_SCHEMA = {
    "title": ERROR_SCHEMA_NAME,
    "type": "object",
    "description": "拒绝的原因。输入有误时 errors 按字段列出中文说明（__all__ 为不属于某个字段的说明）。",
    "properties": {
        "detail": {"title": "说明", "type": "string"},
        "errors": {
            "title": "各字段的错误",
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail"],
}

REFUSALS = {
    "400": "输入有误",
    "401": "未登录或访问令牌无效",
    "403": "无此项权限（登录会话的写操作还须通过 CSRF 校验）",
    "404": "对象不存在或不在您的查看范围内",
}
# An operation anyone may call (the health check) can still be sent bad input, nothing else.
PUBLIC_REFUSALS = {"400": REFUSALS["400"]}

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def document_refusals(schema: dict) -> dict:
    """Add the shared error answers to every operation that does not document that status itself."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(ERROR_SCHEMA_NAME, ERROR_SCHEMA)
    reference = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            refusals = REFUSALS if operation.get("security") else PUBLIC_REFUSALS
            responses = operation.setdefault("responses", {})
            for status, description in refusals.items():
                content = {"application/json": {"schema": reference}}
                responses.setdefault(status, {"description": description, "content": content})
    return schema
