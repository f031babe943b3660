"""The workforce app's rules: defaults from the seeds, each editable on the 业务规则 page."""

from kefu.core.policies import HOURS, Rule

RULES: dict[str, Rule] = {
    # A handover whose shift began further back than this is a typing mistake (a wrong date), not a shift.
    "workforce.longest_shift_hours": Rule(
        24,
        "交接班：一个班次最长多少小时（本班开始时间早于此数视为填错日期）",
        "本地默认；依据供水手册第三章第1条：客户服务中心24小时受理，交接班手续必须完备",
        kind=HOURS,
        minimum=1,
        maximum=72,
    ),
}
