"""Rules from the seed regulations, as data.

Each rule has a default here (the regulation's own number) and may be changed by an administrator
(a `Policy` row, edited in the admin). Read at call time, never cached at import, so a change takes
effect on the next request.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class PolicyDefault:
    default: Any
    label: str
    source: str = ""


DEFAULTS: dict[str, PolicyDefault] = {
    "customers.cluster_min_households": PolicyDefault(
        20, "集群客户最少户数", "用水申请指南：20户以上为集群客户"
    ),
    "customers.arrears_tolerance_yuan": PolicyDefault(
        "0.00", "欠费校验容差（元）：欠费超过此数视为有欠费", "窗口工作制度：无欠费方可办理"
    ),
    "customers.search_min_digits": PolicyDefault(4, "按号码片段查询的最少位数"),
    "hotline.callback_hours": PolicyDefault(
        24, "转办后回电时限（小时）", "热线服务规范第15条：转交相关部门处理后24小时内主动去电"
    ),
    "hotline.callback_retry_hours": PolicyDefault(2, "回电未联系上时，再次回电间隔（小时）"),
    "hotline.callback_max_attempts": PolicyDefault(3, "回电最多尝试次数（超过后提醒班长）"),
    "hotline.transfer_target_minutes": PolicyDefault(
        30, "转办及时标准（分钟）：受理到转办不超过此数视为及时", "电话接听制度2.9：转办及时率达到100%"
    ),
    "hotline.due_soon_hours": PolicyDefault(4, "工单到期前多少小时提醒"),
    "kpi.refresh_margin_seconds": PolicyDefault(
        300, "指标汇总回看时长（秒）：每次刷新多看这么久以前的改动，以免漏掉提交较慢的事务"
    ),
    "kpi.max_range_days": PolicyDefault(1100, "指标看板一次最多查询的天数"),
    "kpi.export_max_rows": PolicyDefault(100000, "明细导出Excel的最多行数（超过请缩小范围）"),
    "hotline.escalate_level2_after_hours": PolicyDefault(
        24, "超期多少小时后上报客服部主任", "请示报告制度：逐级上报"
    ),
    "hotline.escalate_level3_after_hours": PolicyDefault(48, "超期多少小时后上报中心主任"),
    "hotline.hold_script_seconds": PolicyDefault(60, "客户等待超过多少秒须致歉（话术）", "电话话术：60秒内"),
    "knowledge.outage_lookahead_hours": PolicyDefault(
        72, "提前多少小时向坐席提示即将开始的计划停水", "停水时客户询问应告知原因（热线服务规范第11条）"
    ),
    "processes.min_pressure_mpa": PolicyDefault(
        "0.12", "用水申请：片区供水压力低于此值（MPa）不予受理", "用水申请指南二（三）：压力低于0.12MPa"
    ),
    "processes.design_batch_time": PolicyDefault(
        "16:30", "设计委托每日集中发送时间", "一站式服务：每日16:30"
    ),
    "processes.daily_report_time": PolicyDefault(
        "17:00", "每日用水申请日报生成时间", "营业窗口工作制度1.5：每日17:00报送"
    ),
    "processes.arrears_category": PolicyDefault(
        "billing", "过户时前户欠费：通知分公司催缴所用的热线类别编码", "申请更名、过户制度6.2"
    ),
    "processes.connection_point_prefix": PolicyDefault("JSD", "接水点编号前缀（后接年份和6位序号）"),
    "processes.contract_prefix": PolicyDefault("GYS", "供用水合同编号前缀（后接年份和5位序号）"),
    "processes.appointment_lead_minutes": PolicyDefault(
        30, "窗口预约：预约时间至少在多少分钟之后", "营业厅服务规范第13条：留下联系方式另行预约办理"
    ),
    "processes.upload_max_mb": PolicyDefault(10, "窗口业务材料扫描件大小上限（MB）"),
    "telephony.answer_within_seconds": PolicyDefault(
        15, "铃响三声内接听：振铃到接听不超过此秒数", "热线服务规范第2条：铃响三声内接听"
    ),
    # Report documents (kefu.reports.schedule): when the worker makes each one.
    "reports.daily_time": PolicyDefault(
        "00:30",
        "工作量日报生成时间（次日此时生成前一天的日报）",
        "班长责任制4：每天统计当天工作量日报交客服部主任",
    ),
    "reports.weekly_weekday": PolicyDefault(
        1,
        "周报生成日（1=周一……7=周日），生成上一周的周报",
        "客服部主任职责6：每周汇总督办、反馈、回访情况上报",
    ),
    "reports.weekly_time": PolicyDefault("08:00", "周报生成时间"),
    "reports.monthly_day": PolicyDefault(
        1,
        "月报生成日（每月几日生成上月的月报）",
        "电话接听制度3.4：每月来电记录及汇总表交部门负责人；班长责任制3：服务质量分析报告22日前交客服部主任",
    ),
    "reports.monthly_time": PolicyDefault("01:00", "月报生成时间"),
    "reports.complaint_categories": PolicyDefault(
        "misconduct,service_complaint",
        "服务质量分析统计的投诉类别编码（逗号分隔，第一个为员工违规违纪投诉）",
        "热线服务规范：违规违纪投诉转纪委监察室，服务质量投诉转责任单位",
    ),
}


def get_policy(key: str) -> Any:
    from kefu.core.models import Policy

    if key not in DEFAULTS:
        raise KeyError(f"unknown policy {key!r}")
    row = Policy.objects.filter(key=key).values_list("value", flat=True).first()
    return DEFAULTS[key].default if row is None else row


def get_decimal_policy(key: str) -> Decimal:
    return Decimal(str(get_policy(key)))
