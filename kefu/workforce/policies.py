"""The workforce app's rules: defaults from the seeds, each editable on the 业务规则 page."""

from kefu.core.policies import HOURS, INT, SECONDS, Rule

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
    # Staffing (S5, kefu/workforce/staffing.py): the service level the Erlang C staffing aims at.
    "workforce.answer_within_seconds": Rule(
        15,
        "排班测算：服务水平的接听时限（秒）",
        "供水手册第三章第2条：电话铃响三声内接听（三声约15秒）",
        kind=SECONDS,
        minimum=1,
        maximum=600,
    ),
    "workforce.service_level_percent": Rule(
        80,
        "排班测算：服务水平目标（接听时限内接起的来电占比，%）",
        "本地默认；呼叫中心通行的80/20目标，按本中心三声接听的时限计算",
        kind=INT,
        minimum=1,
        maximum=99,
    ),
}
