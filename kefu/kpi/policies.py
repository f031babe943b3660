"""The kpi app's rules: defaults from the seeds, each editable on the 业务规则 page."""

from kefu.core.policies import INT, LOCAL_DEFAULT, SECONDS, Rule

RULES: dict[str, Rule] = {
    "kpi.refresh_margin_seconds": Rule(
        300,
        "指标汇总回看时长（秒）：每次刷新多看这么久以前的改动，以免漏掉提交较慢的事务",
        LOCAL_DEFAULT,
        kind=SECONDS,
        minimum=0,
        maximum=86400,
    ),
    "kpi.max_range_days": Rule(
        1100, "指标看板一次最多查询的天数", LOCAL_DEFAULT, kind=INT, minimum=1, maximum=3660, unit="天"
    ),
    "kpi.export_max_rows": Rule(
        100000,
        "明细导出Excel的最多行数（超过请缩小范围）",
        LOCAL_DEFAULT,
        kind=INT,
        minimum=1,
        maximum=1000000,
        unit="行",
    ),
}
