"""The customers app's rules: defaults from the seeds, each editable on the 业务规则 page."""

from decimal import Decimal

from kefu.core.policies import DECIMAL, INT, PolicyDefault

RULES: dict[str, PolicyDefault] = {
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
    "customers.upload_max_mb": PolicyDefault(
        10, "客户档案资料文件大小上限（MB）", "本地默认", kind=INT, minimum=1, maximum=100
    ),
}
