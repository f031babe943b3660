"""The knowledge app's rules: defaults from the seeds, each editable on the 业务规则 page."""

from kefu.core.policies import INT, PolicyDefault

RULES: dict[str, PolicyDefault] = {
    "knowledge.outage_lookahead_hours": PolicyDefault(
        72,
        "提前多少小时向坐席提示即将开始的计划停水",
        "停水时客户询问应告知原因（热线服务规范第11条）",
        kind=INT,
        minimum=0,
        maximum=744,
    ),
}
