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


DEFAULTS: dict[str, PolicyDefault] = {
    "customers.cluster_min_households": PolicyDefault(
        20, "集群客户最少户数", "用水申请指南：20户以上为集群客户", kind=INT, minimum=2, maximum=10000
    ),
    "customers.arrears_tolerance_yuan": PolicyDefault(
        "0.00",
        "欠费校验容差（元）：欠费超过此数视为有欠费",
        "窗口工作制度：无欠费方可办理",
        kind=DECIMAL,
        minimum=Decimal("0"),
        maximum=Decimal("100000"),
    ),
    "customers.search_min_digits": PolicyDefault(
        4, "按号码片段查询的最少位数", kind=INT, minimum=3, maximum=18
    ),
    "customers.search_per_minute": PolicyDefault(
        30,
        "无权查看完整号码的人员每分钟最多按电话或证件号码查询的次数（防止逐位试探被遮掩的号码）",
        "本地默认；依据供水手册服务规范1.4：不得泄漏客户的保密资料",
        kind=INT,
        minimum=1,
        maximum=10000,
    ),
    "hotline.callback_hours": PolicyDefault(
        24,
        "转办后回电时限（小时）",
        "热线服务规范第15条：转交相关部门处理后24小时内主动去电",
        kind=INT,
        minimum=1,
        maximum=720,
    ),
    "hotline.callback_retry_hours": PolicyDefault(
        2, "回电未联系上时，再次回电间隔（小时）", kind=INT, minimum=1, maximum=72
    ),
    "hotline.callback_max_attempts": PolicyDefault(
        3, "回电最多尝试次数（超过后提醒班长）", kind=INT, minimum=1, maximum=10
    ),
    "hotline.transfer_target_minutes": PolicyDefault(
        30,
        "转办及时标准（分钟）：受理到转办不超过此数视为及时",
        "电话接听制度2.9：转办及时率达到100%",
        kind=INT,
        minimum=1,
        maximum=1440,
    ),
    "hotline.due_soon_hours": PolicyDefault(4, "工单到期前多少小时提醒", kind=INT, minimum=1, maximum=168),
    "kpi.refresh_margin_seconds": PolicyDefault(
        300,
        "指标汇总回看时长（秒）：每次刷新多看这么久以前的改动，以免漏掉提交较慢的事务",
        kind=INT,
        minimum=0,
        maximum=86400,
    ),
    "kpi.max_range_days": PolicyDefault(
        1100, "指标看板一次最多查询的天数", kind=INT, minimum=1, maximum=3660
    ),
    "kpi.export_max_rows": PolicyDefault(
        100000, "明细导出Excel的最多行数（超过请缩小范围）", kind=INT, minimum=1, maximum=1000000
    ),
    "hotline.escalate_level2_after_hours": PolicyDefault(
        24, "超期多少小时后上报客服部主任", "请示报告制度：逐级上报", kind=INT, minimum=1, maximum=720
    ),
    "hotline.escalate_level3_after_hours": PolicyDefault(
        48, "超期多少小时后上报中心主任", kind=INT, minimum=1, maximum=720
    ),
    "hotline.hold_script_seconds": PolicyDefault(
        60, "客户等待超过多少秒须致歉（话术）", "电话话术：60秒内", kind=INT, minimum=10, maximum=600
    ),
    "knowledge.outage_lookahead_hours": PolicyDefault(
        72,
        "提前多少小时向坐席提示即将开始的计划停水",
        "停水时客户询问应告知原因（热线服务规范第11条）",
        kind=INT,
        minimum=0,
        maximum=744,
    ),
    "processes.min_pressure_mpa": PolicyDefault(
        "0.12",
        "用水申请：片区供水压力低于此值（MPa）不予受理",
        "用水申请指南二（三）：压力低于0.12MPa",
        kind=DECIMAL,
        minimum=Decimal("0"),
        maximum=Decimal("2"),
    ),
    "processes.design_batch_time": PolicyDefault(
        "16:30", "设计委托每日集中发送时间", "一站式服务：每日16:30", kind=TIME
    ),
    "processes.daily_report_time": PolicyDefault(
        "17:00", "每日用水申请日报生成时间", "营业窗口工作制度1.5：每日17:00报送", kind=TIME
    ),
    "processes.arrears_category": PolicyDefault(
        "billing",
        "过户时前户欠费：通知分公司催缴所用的热线类别编码",
        "申请更名、过户制度6.2",
        kind=TEXT,
        check="kefu.hotline.selectors.transfer_category",
    ),
    "processes.connection_point_prefix": PolicyDefault(
        "JSD", "接水点编号前缀（后接年份和6位序号）", kind=TEXT
    ),
    "processes.contract_prefix": PolicyDefault("GYS", "供用水合同编号前缀（后接年份和5位序号）", kind=TEXT),
    "processes.appointment_lead_minutes": PolicyDefault(
        30,
        "窗口预约：预约时间至少在多少分钟之后",
        "营业厅服务规范第13条：留下联系方式另行预约办理",
        kind=INT,
        minimum=0,
        maximum=1440,
    ),
    "customers.upload_max_mb": PolicyDefault(
        10, "客户档案资料文件大小上限（MB）", "本地默认", kind=INT, minimum=1, maximum=100
    ),
    "processes.upload_max_mb": PolicyDefault(
        10, "窗口业务材料扫描件大小上限（MB）", kind=INT, minimum=1, maximum=100
    ),
    "telephony.answer_within_seconds": PolicyDefault(
        15,
        "铃响三声内接听：振铃到接听不超过此秒数",
        "热线服务规范第2条：铃响三声内接听",
        kind=INT,
        minimum=1,
        maximum=120,
    ),
    # Report documents (kefu.reports.schedule): when the worker makes each one.
    "reports.daily_time": PolicyDefault(
        "00:30",
        "工作量日报生成时间（次日此时生成前一天的日报）",
        "班长责任制4：每天统计当天工作量日报交客服部主任",
        kind=TIME,
    ),
    "reports.weekly_weekday": PolicyDefault(
        1,
        "周报生成日（1=周一……7=周日），生成上一周的周报",
        "客服部主任职责6：每周汇总督办、反馈、回访情况上报",
        kind=INT,
        minimum=1,
        maximum=7,
    ),
    "reports.weekly_time": PolicyDefault("08:00", "周报生成时间", kind=TIME),
    "reports.monthly_day": PolicyDefault(
        1,
        "月报生成日（每月几日生成上月的月报）",
        "电话接听制度3.4：每月来电记录及汇总表交部门负责人；班长责任制3：服务质量分析报告22日前交客服部主任",
        kind=INT,
        minimum=1,
        maximum=28,
    ),
    "reports.monthly_time": PolicyDefault("01:00", "月报生成时间", kind=TIME),
    "reports.complaint_categories": PolicyDefault(
        "misconduct,service_complaint",
        "服务质量分析统计的投诉类别编码（逗号分隔，第一个为员工违规违纪投诉）",
        "热线服务规范：违规违纪投诉转纪委监察室，服务质量投诉转责任单位",
        kind=LIST,
    ),
}


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
