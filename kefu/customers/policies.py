"""The customers app's rules: defaults from the seeds, each editable on the 业务规则 page."""

from decimal import Decimal

from kefu.core.policies import DECIMAL, INT, LOCAL_DEFAULT, Rule

RULES: dict[str, Rule] = {
    "customers.cluster_min_households": Rule(
        20,
        "集群客户最少户数",
        "供水手册第九章二（四）2：单位客户或20户以上的集群户",
        kind=INT,
        minimum=2,
        maximum=10000,
        unit="户",
        help="达到此户数的用水申请按集群户办理（资料、勘测设计和工程时限与单位户相同）。",
    ),
    "customers.arrears_tolerance_yuan": Rule(
        "0.00",
        "欠费校验容差（元）：欠费超过此数视为有欠费",
        "供水手册第九章二（三）2：有拖欠水费及违章用水的，暂不受理其申请",
        kind=DECIMAL,
        minimum=Decimal("0"),
        maximum=Decimal("100000"),
        unit="元",
    ),
    "customers.search_min_digits": Rule(
        4,
        "按号码片段查询的最少位数",
        LOCAL_DEFAULT,
        kind=INT,
        minimum=3,
        maximum=18,
        unit="位",
    ),
    "customers.search_per_minute": Rule(
        30,
        "无权查看完整号码的人员每分钟最多按电话或证件号码查询的次数（防止逐位试探被遮掩的号码）",
        "本地默认；依据供水手册第一章1.4：不得泄漏客户的保密资料",
        kind=INT,
        minimum=1,
        maximum=10000,
        unit="次",
    ),
    "customers.upload_max_mb": Rule(
        10, "客户档案资料文件大小上限（MB）", LOCAL_DEFAULT, kind=INT, minimum=1, maximum=100, unit="MB"
    ),
}
