"""The hotline app's rules: defaults from the seeds, each editable on the 业务规则 page."""

from kefu.core.policies import INT, PolicyDefault

RULES: dict[str, PolicyDefault] = {
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
    "hotline.escalate_level2_after_hours": PolicyDefault(
        24, "超期多少小时后上报客服部主任", "请示报告制度：逐级上报", kind=INT, minimum=1, maximum=720
    ),
    "hotline.escalate_level3_after_hours": PolicyDefault(
        48, "超期多少小时后上报中心主任", kind=INT, minimum=1, maximum=720
    ),
    "hotline.hold_script_seconds": PolicyDefault(
        60, "客户等待超过多少秒须致歉（话术）", "电话话术：60秒内", kind=INT, minimum=10, maximum=600
    ),
}
