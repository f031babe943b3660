"""The processes app's rules: defaults from the seeds, each editable on the 业务规则 page."""

from decimal import Decimal

from kefu.core.policies import DECIMAL, INT, LIST, LOCAL_DEFAULT, MINUTES, TEXT, TIME, WORKING_DAYS, Rule

# The survey and design fee an individual pays before the design starts (ProcessDefinition.fee_rule of
# the one-stop new connection names it, so the fee form, the gate and the receipt read one number).
SURVEY_DESIGN_FEE = "processes.survey_design_fee_yuan"

RULES: dict[str, Rule] = {
    "processes.min_pressure_mpa": Rule(
        "0.12",
        "用水申请：片区供水压力低于此值（MPa）不予受理",
        "供水手册第九章二（三）3：水压偏低地区（低于0.12MPa）暂不受理",
        kind=DECIMAL,
        minimum=Decimal("0"),
        maximum=Decimal("2"),
        unit="MPa",
    ),
    "processes.design_batch_time": Rule(
        "16:30",
        "设计委托每日集中发送时间",
        "供水手册第十章2.1：一个工作日内（每天下午四点半）传交设计公司进行设计",
        kind=TIME,
    ),
    "processes.daily_report_time": Rule(
        "17:00",
        "每日用水申请日报生成时间",
        "供水手册第六章1.5：每天下午5点准时做好当天用水申请报表",
        kind=TIME,
    ),
    "processes.arrears_category": Rule(
        "billing",
        "过户时前户欠费：通知分公司催缴所用的热线类别编码",
        "供水手册第六章6.2：查询前户是否欠水费，如有欠费通知分公司及时催缴",
        kind=TEXT,
        check="kefu.hotline.selectors.transfer_category",
    ),
    "processes.connection_point_prefix": Rule(
        "JSD", "接水点编号前缀（后接年份和6位序号）", LOCAL_DEFAULT, kind=TEXT
    ),
    "processes.contract_prefix": Rule(
        "GYS", "供用水合同编号前缀（后接年份和5位序号）", LOCAL_DEFAULT, kind=TEXT
    ),
    "processes.appointment_lead_minutes": Rule(
        30,
        "窗口预约：预约时间至少在多少分钟之后",
        "本地默认；另行预约依据供水手册第二章第13条：留下客户联系方式另行预约办理",
        kind=MINUTES,
        minimum=0,
        maximum=1440,
    ),
    "processes.upload_max_mb": Rule(
        10, "窗口业务材料扫描件大小上限（MB）", LOCAL_DEFAULT, kind=INT, minimum=1, maximum=100, unit="MB"
    ),
    # An extension is at least one working day; any approval holds at most a year's days (the API's
    # bound and Approval.days' column), so this rule cannot pass 366.
    "processes.extension_max_working_days": Rule(
        60,
        "办理时限延期：一次最多延期的工作日数",
        LOCAL_DEFAULT,
        kind=WORKING_DAYS,
        minimum=1,
        maximum=366,
    ),
    "processes.required_signatures": Rule(
        "设计室,预算室,工程部,客服中心",
        "发放接水点编号：用水申请表上必须签字的部门（逗号分隔）",
        "供水手册第六章4.2：严格检查客户申请表上各部门签字是否到位，如有不符规定的不予发号",
        kind=LIST,
        help="某一业务单另记有“须签字部门”时，以该业务单所记为准。",
    ),
    SURVEY_DESIGN_FEE: Rule(
        "42.50",
        "用水报装：个人客户勘测设计费（元），缴清后方可进入勘测设计",
        "供水手册第九章二（四）1：居民个人客户用水，需缴纳勘测设计费42.5元；第十章1.6–2.1",
        kind=DECIMAL,
        minimum=Decimal("0"),
        maximum=Decimal("10000"),
        unit="元",
    ),
    "processes.suspension_max_months": Rule(
        6,
        "暂停用水：超过此月数未恢复也未销户的，提醒所属分公司",
        "供水手册第四章5.4：客户申请暂停用水的暂拆水表……6个月后恢复或销户",
        kind=INT,
        minimum=1,
        maximum=60,
        unit="个月",
    ),
    "processes.account_prefix": Rule(
        "HH", "用水报装建档：新户号前缀（后接年份和6位序号）", LOCAL_DEFAULT, kind=TEXT
    ),
}
