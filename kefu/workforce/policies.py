"""The workforce app's rules: defaults from the seeds, each editable on the 业务规则 page."""

from kefu.core.policies import BOOL, CHOICE, HOURS, INT, MINUTES, SECONDS, TIME, Rule

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
    # ---- the roster (S1, S4): kefu/workforce/roster_rules.py
    "workforce.min_staff_on_duty": Rule(
        2,
        "排班：每个小时至少在岗人数（24小时热线不能空岗）",
        "供水手册第三章第1条：客户服务中心24小时受理；本地默认2人（一人离台时仍有人接听）",
        kind=INT,
        minimum=1,
        maximum=200,
    ),
    "workforce.max_continuous_hours": Rule(
        8,
        "排班：连续工作最长小时数（恰好8小时允许，超过即拒绝）",
        "客服管理制度·客服部换班制度三：换班者、还班者不允许连班；国务院关于职工工作时间的规定：每日工作8小时",
        kind=HOURS,
        minimum=1,
        maximum=24,
    ),
    "workforce.min_rest_hours": Rule(
        8,
        "排班：两个班之间至少休息小时数",
        "本地默认；三班倒（白班、中班、夜班）轮换时两班之间最少间隔8小时",
        kind=HOURS,
        minimum=0,
        maximum=48,
    ),
    "workforce.days_off_per_week": Rule(
        2,
        "排班：每人每周（7天）至少休息天数",
        "本地默认；国务院关于职工工作时间的规定：每周工作40小时；劳动法第38条：每周至少休息一日",
        kind=INT,
        minimum=1,
        maximum=6,
    ),
    # ---- leave (S2): kefu/workforce/services/leave.py
    "workforce.personal_leave_notice": Rule(
        "previous_day",
        "请假：一般事假须提前多久提出",
        "客服管理制度·客服部请假制度二：一般事假需在（班前）一天提出",
        kind=CHOICE,
        choices=(("previous_day", "班前一日（含）之前提出"), ("24_hours", "距上班时间满24小时")),
    ),
    "workforce.special_leave_notice_minutes": Rule(
        60,
        "请假：特殊事假至少在班前多少分钟提出",
        "客服管理制度·客服部请假制度二：特殊事假需在班前一小时提出",
        kind=MINUTES,
        minimum=0,
        maximum=24 * 60,
    ),
    "workforce.night_leave_deadline": Rule(
        "12:00",
        "请假：夜班请假须在当日几点之前提出",
        "客服管理制度·客服部请假制度六：原则上夜班不允许请假，特殊情况必须在当日十二点之前提出",
        kind=TIME,
    ),
    "workforce.holiday_leave_notice_days": Rule(
        2,
        "请假：节假日当班请假须提前几天提出（仅极特殊情况）",
        "客服管理制度·客服部请假制度七：节假日不允许请假，除极特殊情况需提前二天提出",
        kind=INT,
        minimum=0,
        maximum=30,
    ),
    "workforce.head_approves_up_to_days": Rule(
        1,
        "请假：客服部主任可批准的最多天数（超过由中心主任批准）",
        "客服管理制度·客服部请假制度三：一天由客服部主任批准；一天以上由客服中心主任批准",
        kind=INT,
        minimum=0,
        maximum=30,
    ),
    "workforce.leave_team_leader_first": Rule(
        True,
        "请假：逐级审批时先经班长签署",
        "客服管理制度·客服部请假制度三：请事假要逐级办理，不允许越级请假和交叉请假",
        kind=BOOL,
    ),
    "workforce.sick_certificate_days": Rule(
        1,
        "请假：病假满多少天须交医疗单位证明（到期后第一天交班长）",
        "客服管理制度·客服部请假制度五：病假满一天，必须持医疗单位证明方可生效（急诊除外）",
        kind=INT,
        minimum=1,
        maximum=30,
    ),
    # ---- shift swaps (S3): kefu/workforce/services/swaps.py
    "workforce.swap_approver": Rule(
        "team_leaders",
        "换班：由谁批准",
        "客服管理制度·客服部换班制度二：换班必须经双方班长同意（供水手册第五章另许客服部主任批准）",
        kind=CHOICE,
        choices=(("team_leaders", "双方班长"), ("department_head", "客服部主任")),
    ),
    "workforce.swaps_per_month": Rule(
        2,
        "换班：每人每月最多换班次数",
        "客服管理制度·客服部换班制度三：每人每月换班不得超过2次",
        kind=INT,
        minimum=0,
        maximum=31,
    ),
    "workforce.return_swap_counts": Rule(
        False,
        "换班：还班是否计入每月换班次数",
        "本地默认：还班是原换班的了结，不另计次数（换班制度三只限换班次数）",
        kind=BOOL,
    ),
    # ---- attendance (S4): kefu/workforce/services/attendance.py
    "workforce.roll_call_minutes": Rule(
        10,
        "考勤：班前点名提前分钟数",
        "客服管理制度·客服部交接班制度一、客服部班长责任制七：提前10分钟到岗，进行点名点评",
        kind=MINUTES,
        minimum=0,
        maximum=120,
    ),
    "workforce.late_case_minutes": Rule(
        20,
        "考勤：迟到多少分钟及以上按违纪处理",
        "客服管理制度·客服部请假制度八：班前未请假，迟到二十分钟及以上者按违纪处理",
        kind=MINUTES,
        minimum=1,
        maximum=480,
    ),
    "workforce.away_case_minutes": Rule(
        20,
        "考勤：擅离岗位多少分钟及以上按违纪处理",
        "客服管理制度·客服部请假制度八：擅离值守脱岗二十分钟及以上者按违纪处理",
        kind=MINUTES,
        minimum=1,
        maximum=480,
    ),
    # ---- forecast and staffing (S5): kefu/workforce/demand.py
    "workforce.average_handling_seconds": Rule(
        180,
        "排班测算：平均处理时长（秒，含通话与话后处理），按预测来电量测算所需座席",
        "本地默认180秒；可按电话接入记录的通话时长加话后处理时间调整",
        kind=SECONDS,
        minimum=10,
        maximum=3600,
    ),
    # ---- attendance: kefu/workforce/services/attendance.py
    "workforce.sign_in_opens_minutes": Rule(
        60,
        "考勤：班前多少分钟起可以签到（此前签到不计入该班）",
        "本地默认；客服部交接班制度一：提前10分钟到岗，签到在点名之前开放，早于此时的签到视为误点",
        kind=MINUTES,
        minimum=10,
        maximum=240,
    ),
    # ---- roster plans (S5): kefu/workforce/services/plans.py
    "workforce.solver_seconds": Rule(
        30,
        "自动排班：求解时限上限（秒），到时取已找到的最好方案并报告最优性差距；生成时可填更短",
        "本地默认30秒；页面生成时需等待此时长，上限600秒",
        kind=SECONDS,
        minimum=1,
        maximum=600,
    ),
    # Without it the generator gave a well-staffed center 12–18 shifts a person in 4 weeks: fewer shifts,
    # less overstaffing. Staff work their contracted week; the solver places those shifts.
    "workforce.contracted_shifts_per_week": Rule(
        5,
        "自动排班：每人每周应排班次数（0 表示不限定，只按需求排）",
        "本地默认；国务院关于职工工作时间的规定：每周工作40小时（8小时×5班）",
        kind=INT,
        minimum=0,
        maximum=7,
    ),
}
