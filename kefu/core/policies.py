"""Rules from the seed regulations, as data.

Each rule has a default here (the regulation's own number) and may be changed by an administrator
(a `Policy` row, edited in the admin). Read at call time, never cached at import, so a change takes
effect on the next request.

Each rule has a kind and bounds: a value an administrator saves is checked against them (a Chinese
form error naming the rule and the bound), and `get_policy` returns the typed value — an int, a
Decimal, a time of day, a text or a list — so callers never parse it again. A stored row that no longer
fits (saved before the check existed) is logged and the default used: one bad value must not stop the
worker's callbacks or the deadlines with a 500.
"""

import logging
import re
from dataclasses import dataclass
from datetime import time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string

from kefu.core.validators import find_control_character

log = logging.getLogger(__name__)

INT, DECIMAL, TIME, TEXT, LIST = "int", "decimal", "time", "text", "list"
KIND_NAMES = {INT: "整数", DECIMAL: "数值", TIME: "时刻（HH:MM）", TEXT: "文本", LIST: "逗号分隔的编码"}
TEXT_MAX_LENGTH = 200
_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_WHOLE = re.compile(r"[+-]?\d+")


@dataclass(frozen=True)
class PolicyDefault:
    default: Any
    label: str
    source: str = ""
    # int / decimal / time / text / list; inferred from the default when not given (an int is an int,
    # anything else a text), so a rule added without them is still checked.
    kind: str = ""
    minimum: int | Decimal | None = None
    maximum: int | Decimal | None = None
    # A check beyond kind and bounds, as the dotted path of a callable taking the typed value and
    # raising a Chinese ValidationError ("kefu.hotline.selectors.transfer_category": the code names a
    # category). A path, resolved when a value is saved: core imports no domain app.
    check: str = ""

    def __post_init__(self):
        if not self.kind:
            inferred = INT if isinstance(self.default, int) and not isinstance(self.default, bool) else TEXT
            object.__setattr__(self, "kind", inferred)
        if self.kind == INT and self.minimum is None:
            object.__setattr__(self, "minimum", 0)  # counts, hours and limits are never negative

    def typed(self, value) -> Any:
        """The value as its kind (int, Decimal, time, str, list[str]); ValidationError in Chinese when it
        is not one or lies outside the bounds."""
        return getattr(self, f"_{self.kind}")(value)

    def stored(self, value) -> Any:
        """The value checked (kind, bounds and the rule's own check, which may read the database) as the
        Policy row keeps it (JSON): numbers as numbers or text, times as "HH:MM", lists as "a,b" like the
        defaults, so the admin shows what it would show for them. get_policy checks kind and bounds only:
        each read must stay cheap, and a caller of a checked rule fetches through the same check."""
        typed = self.typed(value)
        if self.check:
            self._check(typed)
        if self.kind == DECIMAL:
            return str(typed)
        if self.kind == TIME:
            return f"{typed:%H:%M}"
        if self.kind == LIST:
            return ",".join(typed)
        return typed

    def as_text(self, value) -> str:
        """A stored value as an administrator types it."""
        if isinstance(value, list):
            return ",".join(str(item) for item in value)
        return "" if value is None else str(value)

    def describe(self) -> str:
        """The kind and bounds in words, for the admin's help text."""
        bounds = ""
        if self.minimum is not None and self.maximum is not None:
            bounds = f"，{self.minimum}至{self.maximum}"
        elif self.minimum is not None:
            bounds = f"，不小于{self.minimum}"
        return f"{KIND_NAMES[self.kind]}{bounds}"

    def _refuse(self, value, expected: str):
        raise ValidationError(f"规则“{self.label}”应为{expected}，收到“{value}”", code="policy_value")

    def _check(self, typed) -> None:
        try:
            import_string(self.check)(typed)
        except ValidationError as error:
            refusal = "；".join(error.messages)
            raise ValidationError(f"规则“{self.label}”：{refusal}", code="policy_value") from None

    def _within(self, number, value, expected: str):
        if (self.minimum is not None and number < self.minimum) or (
            self.maximum is not None and number > self.maximum
        ):
            self._refuse(value, expected)
        return number

    def _bounds_text(self, noun: str) -> str:
        if self.maximum is not None:
            return f"{self.minimum}至{self.maximum}之间的{noun}"
        return f"不小于{self.minimum}的{noun}"

    def _int(self, value) -> int:
        expected = self._bounds_text("整数")
        text = str(value).strip() if not isinstance(value, bool) else ""
        if not text.isascii() or not _WHOLE.fullmatch(text):
            self._refuse(value, expected)
        return self._within(int(text), value, expected)

    def _decimal(self, value) -> Decimal:
        expected = self._bounds_text("数值")
        try:
            number = Decimal(str(value).strip()) if not isinstance(value, bool) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self._refuse(value, expected)
        return self._within(number, value, expected)

    def _time(self, value) -> time:
        found = _TIME.fullmatch(str(value).strip())
        if not found or int(found[1]) > 23 or int(found[2]) > 59:
            self._refuse(value, "一天中的时刻，格式 HH:MM，例如 16:30")
        return time(int(found[1]), int(found[2]))

    def _text(self, value) -> str:
        text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
        if not text or len(text) > TEXT_MAX_LENGTH or find_control_character(text):
            self._refuse(value, f"不超过{TEXT_MAX_LENGTH}个字符的文本（不能为空，不能含控制字符）")
        return text

    def _list(self, value) -> list[str]:
        items = value if isinstance(value, list) else str(value).replace("，", ",").split(",")
        codes = [str(item).strip() for item in items if str(item).strip()]
        if not codes or any(find_control_character(code) or len(code) > 40 for code in codes):
            self._refuse(value, "逗号分隔的编码，至少一个，例如 misconduct,service_complaint")
        return codes


# The catalogue: every app's rules, declared by the app (`kefu.<app>.policies.RULES`) in its
# AppConfig.ready() through declare_rules. Filled once at start-up; core names no domain app.
DEFAULTS: dict[str, PolicyDefault] = {}
# The domain each rule belongs to (its app's verbose name), for the 业务规则 page's groups.
DOMAINS: dict[str, str] = {}


def declare_rules(domain: str, rules: dict[str, PolicyDefault]) -> None:
    """Add an app's rules to the catalogue. A key declared twice with another rule is a programming
    error: two apps would read one number with two meanings."""
    for key, rule in rules.items():
        if key in DEFAULTS and DEFAULTS[key] != rule:
            raise ValueError(f"rule {key!r} is declared twice")
        DEFAULTS[key] = rule
        DOMAINS[key] = domain


def get_policy(key: str) -> Any:
    """The rule's value, typed: the administrator's when there is a valid one, else the default."""
    from kefu.core.models import Policy

    if key not in DEFAULTS:
        raise KeyError(f"unknown policy {key!r}")
    rule = DEFAULTS[key]
    row = Policy.objects.filter(key=key).values_list("value", flat=True).first()
    if row is not None:
        try:
            return rule.typed(row)
        except ValidationError:
            log.warning("policy %s holds %r, which is not a valid %s; using the default", key, row, rule.kind)
    return rule.typed(rule.default)


def get_decimal_policy(key: str) -> Decimal:
    return Decimal(str(get_policy(key)))
