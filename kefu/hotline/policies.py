"""The hotline app's rules: defaults from the seeds, each editable on the 业务规则 page."""

from kefu.core.policies import BOOL, HOURS, INT, LOCAL_DEFAULT, LONG_TEXT, MINUTES, SECONDS, Rule

# Where the greeting names the center: replaced by the organisation's own name when the script is shown.
CENTER_PLACEHOLDER = "{中心名称}"
# The seed's e-commerce scripts (供水手册 as published carries 《客服工作手册》第一章客服话术 after its
# thirty chapters); the greeting is the water company's own (第三章第2条).
SCRIPTS_SOURCE = "供水手册所附《客服工作手册》第一章客服话术"

RULES: dict[str, Rule] = {
    "hotline.callback_hours": Rule(
        24,
        "转办后回电时限（小时）",
        "供水手册第三章第15条：转交相关部门处理后的24小时内主动向客户去电",
        kind=HOURS,
        minimum=1,
        maximum=720,
    ),
    "hotline.callback_retry_hours": Rule(
        2, "回电未联系上时，再次回电间隔（小时）", LOCAL_DEFAULT, kind=HOURS, minimum=1, maximum=72
    ),
    "hotline.callback_max_attempts": Rule(
        3, "回电最多尝试次数（超过后提醒班长）", LOCAL_DEFAULT, kind=INT, minimum=1, maximum=10, unit="次"
    ),
    # H16 重复来电: a contact from the number or customer of an open order, within this many days of the
    # order's last contact, is linked to that order instead of opening another.
    "hotline.repeat_window_days": Rule(
        7,
        "重复来电认定期限（天）：同一号码或客户在此期限内再次来电，并入其在办工单",
        "本地默认；依据供水手册所附《客服工作手册》第一章客服话术1.1.3"
        "“当日再次来电，用户表示问题未解决，主动向用户确认问题”，未给出天数",
        kind=INT,
        minimum=1,
        maximum=90,
        unit="天",
    ),
    "hotline.repeat_same_day_raises_priority": Rule(
        True,
        "当日再次来电时将工单紧急程度提高一级",
        "供水手册所附《客服工作手册》第一章客服话术1.1.3：当日再次来电，用户表示问题未解决",
        kind=BOOL,
    ),
    "hotline.transfer_target_minutes": Rule(
        30,
        "转办及时标准（分钟）：受理到转办不超过此数视为及时",
        "本地默认；供水手册第五章2.9只要求转办及时率达到100%，未给出分钟数",
        kind=MINUTES,
        minimum=1,
        maximum=1440,
    ),
    "hotline.due_soon_hours": Rule(
        4, "工单到期前多少小时提醒", LOCAL_DEFAULT, kind=HOURS, minimum=1, maximum=168
    ),
    "hotline.escalate_level2_after_hours": Rule(
        24,
        "超期多少小时后上报客服部主任",
        "本地默认；逐级上报依据客服管理制度·请示报告制度第6条",
        kind=HOURS,
        minimum=1,
        maximum=720,
    ),
    "hotline.escalate_level3_after_hours": Rule(
        48,
        "超期多少小时后上报中心主任",
        "本地默认；逐级上报依据客服管理制度·请示报告制度第6条",
        kind=HOURS,
        minimum=1,
        maximum=720,
    ),
    "hotline.hold_script_seconds": Rule(
        60,
        "客户等待超过多少秒须致歉（话术）",
        f"{SCRIPTS_SOURCE}1.1.5：如感觉60秒内不能查询到所需答案，则应马上回复客户",
        kind=SECONDS,
        minimum=10,
        maximum=600,
    ),
    "hotline.note_upload_max_mb": Rule(
        10, "工单备注附件大小上限（MB）", LOCAL_DEFAULT, kind=INT, minimum=1, maximum=100, unit="MB"
    ),
    "hotline.note_attachments_max": Rule(
        5, "工单备注附件个数上限", LOCAL_DEFAULT, kind=INT, minimum=1, maximum=20, unit="个"
    ),
    # H11: the scripts the workspace shows the agent, editable wording.
    "hotline.script_greeting": Rule(
        f"您好，{CENTER_PLACEHOLDER}，请讲",
        "服务话术：问候",
        "供水手册第三章第2条：应答时应首先以普通话问候对方“您好，长沙供水有限公司客户中心，请讲”",
        kind=LONG_TEXT,
        help=f"文中的 {CENTER_PLACEHOLDER} 显示为本中心的名称。",
    ),
    "hotline.script_confirm": Rule(
        "请问您反映的是……，对吗？",
        "服务话术：确认",
        f"{SCRIPTS_SOURCE}1.1.3：主动向用户确认问题",
        kind=LONG_TEXT,
    ),
    "hotline.script_hold": Rule(
        "对不起，让您久等了，我们正在为您查询，请您稍等。",
        "服务话术：等待致歉",
        f"{SCRIPTS_SOURCE}1.1.5：用户在线等待",
        kind=LONG_TEXT,
        help="客户等待超过“客户等待超过多少秒须致歉”所设秒数时使用。",
    ),
    "hotline.script_closing": Rule(
        "请问您还有其他问题吗？感谢您的来电，再见",
        "服务话术：结束",
        f"{SCRIPTS_SOURCE}1.1.6：问题解决完毕",
        kind=LONG_TEXT,
    ),
}
