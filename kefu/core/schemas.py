"""The base of every API schema and the parameter types the API shares: what no endpoint may accept.

Every api.py imports `Schema` from here, not from ninja, so that a rule added here holds for every
request body and query at once (kefu/core/tests/test_api_schemas.py checks that none is missed).
Range checks live in the types (limits in kefu.core.params), not in each endpoint: a page number of
2**63 or a time in the year 184 with a -19:20 offset is a Chinese 400 before the view runs, never a
database error.
"""

import re
from datetime import date, datetime
from types import NoneType
from typing import Annotated, get_args

from ninja import Schema as NinjaSchema
from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo, field_validator

from kefu.core.api_errors import refusal
from kefu.core.params import MAX_OBJECT_ID, MAX_PAGE, day_problem, moment_problem
from kefu.core.validators import control_character_message, find_control_character


class Schema(NinjaSchema):
    @field_validator("*", mode="after")
    @classmethod
    def _refuse_control_characters(cls, value, info: ValidationInfo):
        # Only requests are judged (ninja validates them with {"request": …}); a response
        # ({"response_status": …}) shows what is stored, and an old row must still be readable.
        context = info.context or {}
        if "request" not in context or "response_status" in context:
            return value
        if character := find_control_character(value):
            raise refusal("control_character", control_character_message(character))
        return value

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_numbers_as_flags(cls, value, info: ValidationInfo):
        # JSON 0/1 for a boolean: pydantic would take it, the published schema says true/false. (A
        # query string's "1" or "true" is text and still reads as a flag.)
        if isinstance(value, int | float) and not isinstance(value, bool):
            field = cls.model_fields.get(info.field_name or "")
            if field is not None and _is_flag(field.annotation):
                raise refusal("bool_type", "应为 true 或 false")
        return value


# The ISO shapes the schema publishes (format: date / date-time). Pydantic alone would also read 0 or
# "0.5" as a Unix time, so a client's typo would silently mean 1970.
_DAY_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def iso_day(value):
    if isinstance(value, date) or (isinstance(value, str) and _DAY_TEXT.fullmatch(value.strip())):
        return value
    raise refusal("day_format", "日期格式应为 YYYY-MM-DD，例如 2026-09-30")


def iso_moment(value):
    if isinstance(value, datetime) or (isinstance(value, str) and _MOMENT_TEXT.match(value.strip())):
        return value
    raise refusal("moment_format", "时间格式应为 ISO 8601，例如 2026-09-30T10:00:00+08:00")


def _is_flag(annotation) -> bool:
    """bool or bool | None."""
    arguments = set(get_args(annotation))
    return annotation is bool or (bool in arguments and arguments <= {bool, NoneType})


def sane_day(value: date) -> date:
    if problem := day_problem(value):
        raise refusal("day_range", problem)
    return value


def sane_moment(value: datetime) -> datetime:
    if problem := moment_problem(value):
        raise refusal("moment_range", problem)
    return value


PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE, description="页码，从1开始")]
ObjectId = Annotated[int, Field(ge=1, le=MAX_OBJECT_ID)]
Day = Annotated[date, BeforeValidator(iso_day), AfterValidator(sane_day)]
Moment = Annotated[datetime, BeforeValidator(iso_moment), AfterValidator(sane_moment)]
