"""The knowledge app's rules: defaults from the seeds, each editable on the 业务规则 page."""

from kefu.core.policies import HOURS, Rule

RULES: dict[str, Rule] = {
    "knowledge.outage_lookahead_hours": Rule(
        72,
        "提前多少小时向坐席提示即将开始的计划停水",
        "本地默认；依据供水手册第十一章1：有计划的停水信息直接告知客户",
        kind=HOURS,
        minimum=0,
        maximum=744,
    ),
}
