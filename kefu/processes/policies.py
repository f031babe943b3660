"""The processes app's rules: defaults from the seeds, each editable on the 业务规则 page."""

from decimal import Decimal

from kefu.core.policies import DECIMAL, INT, TEXT, TIME, PolicyDefault

RULES: dict[str, PolicyDefault] = {
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
    "processes.upload_max_mb": PolicyDefault(
        10, "窗口业务材料扫描件大小上限（MB）", kind=INT, minimum=1, maximum=100
    ),
}
