"""Rules from the seed regulations, as data: the catalogue (业务规则).

Each app declares its rules in `kefu/<app>/policies.py` (`RULES`), each a `Rule`: its kind (an integer,
a decimal, hours, minutes, seconds, working days, a clock time, a date, yes/no, a choice among codes, a
text, a long text such as an agent's script, or a list of codes), its unit, bounds, default, Chinese
label and help, and its source — the seed document, chapter and clause the number comes from, or
"本地默认" when the seeds give none. An administrator may change a rule on the 业务规则 page (a `Policy`
row, written by `kefu.core.services.set_policy` with its event). `policy(key)` reads it at call time,
never cached at import, so a change takes effect on the next request.

A value an administrator saves is checked against the rule's kind and bounds (a Chinese error naming
the rule and the bound), and `policy` returns the typed value — an int for every count and duration, a
Decimal, a time of day, a date, a bool, the choice's code, a text or a list — so callers never parse it
again. A stored row that no longer fits (saved before the check existed, or a bound tightened since) is
logged and the default used: one bad value must not stop the worker's callbacks or the deadlines with
a 500. An unknown key is a programming error (KeyError), caught by the test that reads every rule.
"""

import logging
import re
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string

from kefu.core.validators import find_control_character

log = logging.getLogger(__name__)

INT, DECIMAL, TIME, TEXT, LIST = "int", "decimal", "time", "text", "list"
HOURS, MINUTES, SECONDS, WORKING_DAYS = "hours", "minutes", "seconds", "working_days"
DATE, BOOL, CHOICE, LONG_TEXT = "date", "bool", "choice", "long_text"
KIND_NAMES = {
    INT: "整数",
    DECIMAL: "数值",
    HOURS: "小时数",
    MINUTES: "分钟数",
    SECONDS: "秒数",
    WORKING_DAYS: "工作日数",
    TIME: "时刻（HH:MM）",
    DATE: "日期（YYYY-MM-DD）",
    BOOL: "是/否",
    CHOICE: "选项",
    TEXT: "文本",
    LONG_TEXT: "长文本",
    LIST: "逗号分隔的编码",
}
# The whole numbers: a count, or a duration in its unit. All are read as an int.
WHOLE_KINDS = (INT, HOURS, MINUTES, SECONDS, WORKING_DAYS)
UNITS = {HOURS: "小时", MINUTES: "分钟", SECONDS: "秒", WORKING_DAYS: "个工作日"}
TEXT_MAX_LENGTH = 200
LONG_TEXT_MAX_LENGTH = 2000
LOCAL_DEFAULT = "本地默认"
_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_WHOLE = re.compile(r"[+-]?\d+")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_YES = {"true", "1", "yes", "on", "是"}
_NO = {"false", "0", "no", "off", "否"}


@dataclass(frozen=True)
class PolicyDefault:
    """One rule of the catalogue (also importable as `Rule`)."""

    default: Any
    label: str
    source: str = ""
    # One of KIND_NAMES; inferred from the default when not given (an int is an int, a bool a bool,
    # anything else a text), so a rule added without it is still checked.
    kind: str = ""
    minimum: Any = None
    maximum: Any = None
    # A check beyond kind and bounds, as the dotted path of a callable taking the typed value and
    # raising a Chinese ValidationError ("kefu.hotline.selectors.transfer_category": the code names a
    # category). A path, resolved when a value is saved: core imports no domain app.
    check: str = ""
    # The unit shown after the value (元, MB, 户…); hours, minutes, seconds and working days have theirs.
    unit: str = ""
    help: str = ""
    # A choice's codes and their Chinese names: (("code", "名称"), …).
    choices: tuple[tuple[str, str], ...] = ()

    def __post_init__(self):
        if not self.kind:
            if isinstance(self.default, bool):
                inferred = BOOL
            elif isinstance(self.default, int):
                inferred = INT
            else:
                inferred = TEXT
            object.__setattr__(self, "kind", inferred)
        if self.kind not in KIND_NAMES:
            raise ValueError(f"rule {self.label!r} has an unknown kind {self.kind!r}")
        if self.kind in WHOLE_KINDS and self.minimum is None:
            object.__setattr__(self, "minimum", 0)  # counts, hours and limits are never negative
        if not self.unit and self.kind in UNITS:
            object.__setattr__(self, "unit", UNITS[self.kind])

    def typed(self, value) -> Any:
        """The value as its kind (int, Decimal, time, date, bool, str, list[str]); ValidationError in
        Chinese when it is not one or lies outside the bounds."""
        if self.kind in WHOLE_KINDS:
            return self._int(value)
        return getattr(self, f"_{self.kind}")(value)

    def stored(self, value) -> Any:
        """The value checked (kind, bounds and the rule's own check, which may read the database) as the
        Policy row keeps it (JSON): numbers as numbers or text, times as "HH:MM", dates as "YYYY-MM-DD",
        lists as "a,b" like the defaults. policy() checks kind and bounds only: each read must stay
        cheap, and a caller of a checked rule fetches through the same check."""
        typed = self.typed(value)
        if self.check:
            self._check(typed)
        if self.kind == DECIMAL:
            return str(typed)
        if self.kind == TIME:
            return f"{typed:%H:%M}"
        if self.kind == DATE:
            return typed.isoformat()
        if self.kind == LIST:
            return ",".join(typed)
        return typed

    def as_text(self, value) -> str:
        """A stored value as an administrator types it."""
        if isinstance(value, list):
            return ",".join(str(item) for item in value)
        if isinstance(value, bool):
            return "是" if value else "否"
        return "" if value is None else str(value)

    def shown(self, value) -> str:
        """A value (stored or typed) as the 业务规则 page shows it: a choice by its name, yes/no in
        words, a list with 、, a bad stored value as it is."""
        try:
            typed = self.typed(value)
        except ValidationError:
            return self.as_text(value)
        if self.kind == BOOL:
            return "是" if typed else "否"
        if self.kind == CHOICE:
            return dict(self.choices).get(typed, typed)
        if self.kind == LIST:
            return "、".join(typed)
        if self.kind == TIME:
            return f"{typed:%H:%M}"
        return str(typed)

    def describe(self) -> str:
        """The kind, bounds and unit in words, for the form's help text."""
        bounds = ""
        if self.minimum is not None and self.maximum is not None:
            bounds = f"，{self.minimum}至{self.maximum}"
        elif self.minimum is not None:
            bounds = f"，不小于{self.minimum}"
        elif self.maximum is not None:
            bounds = f"，不大于{self.maximum}"
        if self.kind == CHOICE:
            bounds = "：" + "、".join(f"{code}（{name}）" for code, name in self.choices)
        unit = f"，单位：{self.unit}" if self.unit else ""
        return f"{KIND_NAMES[self.kind]}{bounds}{unit}"

    def _refuse(self, value, expected: str):
        shown = str(value)
        if len(shown) > 60:
            shown = shown[:60] + "…"
        raise ValidationError(f"规则“{self.label}”应为{expected}，收到“{shown}”", code="policy_value")

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
        unit = f"（{self.unit}）" if self.unit and self.kind in UNITS else ""
        if self.minimum is not None and self.maximum is not None:
            return f"{self.minimum}至{self.maximum}之间的{noun}{unit}"
        if self.maximum is not None:
            return f"不大于{self.maximum}的{noun}{unit}"
        if self.minimum is not None:
            return f"不小于{self.minimum}的{noun}{unit}"
        return f"{noun}{unit}"

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
        if isinstance(value, time):
            return value
        found = _TIME.fullmatch(str(value).strip())
        if not found or int(found[1]) > 23 or int(found[2]) > 59:
            self._refuse(value, "一天中的时刻，格式 HH:MM，例如 16:30")
        return time(int(found[1]), int(found[2]))

    def _date(self, value) -> date:
        expected = self._bounds_text("日期（YYYY-MM-DD，例如 2026-01-01）")
        if isinstance(value, date):
            day = value
        else:
            found = _DATE.fullmatch(str(value).strip())
            try:
                day = date(int(found[1]), int(found[2]), int(found[3])) if found else None
            except ValueError:
                day = None
            if day is None:
                self._refuse(value, expected)
        return self._within(day, value, expected)

    def _bool(self, value) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _YES:
            return True
        if text in _NO:
            return False
        self._refuse(value, "“是”或“否”")

    def _choice(self, value) -> str:
        code = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
        codes = [code for code, _ in self.choices]
        if code not in codes:
            names = "、".join(f"{c}（{n}）" for c, n in self.choices)
            self._refuse(value, f"以下之一：{names}")
        return code

    def _text(self, value) -> str:
        text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
        if not text or len(text) > TEXT_MAX_LENGTH or find_control_character(text) or "\n" in text:
            self._refuse(value, f"不超过{TEXT_MAX_LENGTH}个字符的一行文本（不能为空，不能含控制字符）")
        return text

    def _long_text(self, value) -> str:
        # A script or a notice: several lines are fine (line breaks kept as \n), other control
        # characters are not.
        text = str(value).replace("\r\n", "\n").strip() if isinstance(value, str) else ""
        if not text or len(text) > LONG_TEXT_MAX_LENGTH or find_control_character(text):
            self._refuse(value, f"不超过{LONG_TEXT_MAX_LENGTH}个字符的文本（不能为空，不能含控制字符）")
        return text

    def _list(self, value) -> list[str]:
        # Commas either width, or the 、 the page shows a list with.
        text = "" if isinstance(value, list) else str(value).replace("，", ",").replace("、", ",")
        items = value if isinstance(value, list) else text.split(",")
        codes = [str(item).strip() for item in items if str(item).strip()]
        if not codes or any(find_control_character(code) or len(code) > 40 for code in codes):
            self._refuse(value, "逗号分隔的编码，至少一个，例如 misconduct,service_complaint")
        return codes


Rule = PolicyDefault


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


def policy(key: str) -> Any:
    """The rule's value, typed: the administrator's when there is a valid one, else the default. An
    unknown key raises KeyError: a misspelt key is a programming error, not a value to guess."""
    return policies(key)[0]


def policies(*keys: str) -> tuple:
    """Several rules' typed values in one query, in the order asked: for a page polled every few
    seconds (the screen pop) that reads more than one."""
    from kefu.core.models import Policy

    for key in keys:
        if key not in DEFAULTS:
            raise KeyError(f"unknown policy {key!r}")
    if len(keys) == 1:
        stored = dict(Policy.objects.filter(key=keys[0]).values_list("key", "value")[:1])
    else:
        stored = dict(Policy.objects.filter(key__in=keys).values_list("key", "value"))
    return tuple(_typed_or_default(key, stored.get(key)) for key in keys)


def _typed_or_default(key: str, row) -> Any:
    rule = DEFAULTS[key]
    if row is not None:
        try:
            return rule.typed(row)
        except ValidationError:
            log.warning("policy %s holds %r, which is not a valid %s; using the default", key, row, rule.kind)
    return rule.typed(rule.default)


# The name the callers written before the catalogue use; the same function.
get_policy = policy


def get_decimal_policy(key: str) -> Decimal:
    return Decimal(str(get_policy(key)))


# Core's own rules (declared by kefu.core.apps like every app's RULES).
RULES: dict[str, PolicyDefault] = {
    "core.alert_outside_kinds": PolicyDefault(
        "hotline.overdue,hotline.escalated,hotline.reported_after,incidents.declared,"
        "processes.suspension_overdue",
        "发往短信/微信等外部渠道的提醒类型",
        "本地默认；供水手册请示报告制度：紧急情况及时报告。其余提醒只在系统内（右上角铃铛）",
        kind=LIST,
        check="kefu.core.alerts.check_kinds",
        help="逗号分隔的提醒类型编码，例如 hotline.overdue,hotline.escalated；编码见提醒页的类型筛选",
    ),
}
