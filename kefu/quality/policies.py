"""The quality app's rules (Q1–Q4): every number of seed 002 (客服部质检员的职责, 考核标准, 加分标准,
扣分标准, 具体奖惩措施, 会议制度), editable on the 业务规则 page. Where the seed is silent the choice is
ours, marked 本地默认 and explained in docs/QUALITY.md."""

from kefu.core.policies import INT, LOCAL_DEFAULT, SECONDS, TEXT, WORKING_DAYS, Rule

QA = "客服管理制度·客服部质检员的职责"
APPRAISAL = "客服管理制度·考核·考核标准"
BONUS = "客服管理制度·考核·二、加分标准"
DEDUCTION = "客服管理制度·考核·三、扣分标准"
PAY = "客服管理制度·考核·四、具体奖惩措施"
GRADES = "客服管理制度·考核·绩效等级"

RULES: dict[str, Rule] = {
    # ---- QA checks (Q1)
    "quality.checks_min_per_agent": Rule(
        1,
        "质检：每人每月至少监听次数（月底不足者提示质检组长）",
        f"{QA}3：每月每人监听不少于1-5次",
        kind=INT,
        minimum=0,
        maximum=50,
        unit="次",
    ),
    "quality.checks_target_per_agent": Rule(
        5,
        "质检：每人每月抽样目标次数（系统按此数提出抽样）",
        f"{QA}3：每月每人监听不少于1-5次",
        kind=INT,
        minimum=1,
        maximum=50,
        unit="次",
    ),
    "quality.long_call_seconds": Rule(
        600,
        "质检抽样：通话时长达到此数视为长通话，优先抽检",
        f"{LOCAL_DEFAULT}；{QA}3：客户需求的归纳能力、接待客户应变能力",
        kind=SECONDS,
        minimum=60,
        maximum=7200,
    ),
    "quality.new_staff_months": Rule(
        3,
        "质检抽样：入职不满此月数的员工为新员工，优先抽检",
        f"{LOCAL_DEFAULT}；客服管理制度·考核·四、4：员工从加入公司的第三个月起实行绩效工资浮动",
        kind=INT,
        minimum=0,
        maximum=24,
        unit="个月",
    ),
    "quality.check_appeal_days": Rule(
        3,
        "质检申诉：话务员收到评分后可在此期限内申诉",
        f"{LOCAL_DEFAULT}；客服管理制度·考核（员工可就质检结果申诉）",
        kind=WORKING_DAYS,
        minimum=1,
        maximum=30,
    ),
    "quality.calibration_spread_warning": Rule(
        3,
        "质检校准：同一评分项各质检员给分极差达到此数时标红",
        f"{LOCAL_DEFAULT}；{QA}4：把每人每次检查情况详细填写在服务质量综合考评表上",
        kind=INT,
        minimum=1,
        maximum=100,
        unit="分",
    ),
    "quality.rollup_before_day": Rule(
        25,
        "质检月汇总：须在每月此日前完成，供业务代表会议奖优罚劣",
        "客服管理制度·客服部会议制度3：全客服部的业务代表会议每月25日前周五召开，根据质检检查情况奖优罚劣",
        kind=INT,
        minimum=1,
        maximum=28,
        unit="日",
    ),
    # ---- the appraisal: points (Q2)
    "quality.base_points": Rule(
        80,
        "月度考核：基础分",
        f"{APPRAISAL}2：每月日常考核积分为80分",
        kind=INT,
        minimum=0,
        maximum=200,
        unit="分",
    ),
    "quality.max_points": Rule(
        110,
        "月度考核：满分（总分超过按满分计）",
        f"{APPRAISAL}5：每月考核满分为110分，当月总分在110分以上，仍按照满分110分计算",
        kind=INT,
        minimum=1,
        maximum=300,
        unit="分",
    ),
    "quality.bonus_points": Rule(
        "5-5",
        "加分项每次分值范围（最低-最高）",
        f"{BONUS}：各项5分",
        kind=TEXT,
        check="kefu.quality.rules.check_range",
    ),
    "quality.light_points": Rule(
        "1-5",
        "轻度违规每次扣分范围（最低-最高）",
        f"{DEDUCTION}1：轻度违规1-5分/次",
        kind=TEXT,
        check="kefu.quality.rules.check_range",
    ),
    "quality.medium_points": Rule(
        "10-10",
        "中度违规每次扣分范围（最低-最高）",
        f"{DEDUCTION}2：中度违规10分/次",
        kind=TEXT,
        check="kefu.quality.rules.check_range",
    ),
    "quality.severe_points": Rule(
        "20-20",
        "重度违规每次扣分范围（最低-最高）",
        f"{DEDUCTION}3：重度违规20分/次",
        kind=TEXT,
        check="kefu.quality.rules.check_range",
    ),
    "quality.dismissal_points": Rule(
        "0-20",
        "直接辞退项的扣分范围（辞退项本身即提示解除合同，分值可为0）",
        f"{LOCAL_DEFAULT}；{DEDUCTION}3：工作时间内睡觉等直接辞退",
        kind=TEXT,
        check="kefu.quality.rules.check_range",
    ),
    "quality.extra_medium_count": Rule(
        2,
        "追加扣分：当月中度违规达到此条数",
        f"{DEDUCTION}3：违反中度违规中的两条或以上，追加扣分20分/次",
        kind=INT,
        minimum=1,
        maximum=50,
        unit="条",
    ),
    "quality.extra_light_count": Rule(
        4,
        "追加扣分：当月轻度违规达到此条数",
        f"{DEDUCTION}3：违反轻度违规四条或以上，追加扣分20分/次",
        kind=INT,
        minimum=1,
        maximum=50,
        unit="条",
    ),
    "quality.extra_points": Rule(
        20,
        "追加扣分分值（当月未良好履行职责，每月至多一次）",
        f"{DEDUCTION}3：当月未良好履行客服人员的工作职责，追加扣分20分/次",
        kind=INT,
        minimum=0,
        maximum=100,
        unit="分",
    ),
    "quality.adjustment_max": Rule(
        5,
        "额外奖惩：班长可得的奖惩幅度（±，整数，须写明理由）",
        "客服管理制度·考核：培训专员可以根据各组长本月工作整体表现给与额外的奖惩，分数浮动在-5至5之间，必须说明额外奖惩理由",
        kind=INT,
        minimum=0,
        maximum=20,
        unit="分",
    ),
    "quality.emergency_late_tiers": Rule(
        "10:5,30:10,*:20",
        "突发事件处理超时扣分（超时分钟上限:扣分，*为以上）",
        f"{DEDUCTION}：超过1~10分钟5分，11~30分钟10分，30分钟以上20分",
        kind=TEXT,
        check="kefu.quality.rules.check_emergency_tiers",
    ),
    # ---- grades (Q2)
    "quality.grade_a_above": Rule(
        90, "绩效A：考核分高于", f"{GRADES}：考核分>90，绩效为A", kind=INT, unit="分"
    ),
    "quality.grade_b_from": Rule(
        80, "绩效B：考核分不低于", f"{GRADES}：考核分在80~90，绩效为B", kind=INT, unit="分"
    ),
    "quality.grade_c_from": Rule(
        70, "绩效C：考核分不低于", f"{GRADES}：考核分在70~80，绩效为C", kind=INT, unit="分"
    ),
    "quality.grade_d_from": Rule(
        65, "绩效D：考核分不低于", f"{GRADES}：考核分在65~70，绩效为D", kind=INT, unit="分"
    ),
    "quality.grade_e_from": Rule(
        60,
        "绩效E：考核分不低于（以下不评等级并提示解除合同）",
        f"{GRADES}：考核分在60~65，绩效为E",
        kind=INT,
        unit="分",
    ),
    "quality.last_place_below": Rule(
        70,
        "解除合同提示：连续两个月班组最后一名且评分低于此数",
        f"{APPRAISAL}3：如果连续两个月都是最后一名且评分低于70分，或当月评分低于60分，公司有权解雇员工",
        kind=INT,
        unit="分",
    ),
    # ---- pay (Q2)
    "quality.pay_per_point": Rule(
        10,
        "工资浮动：每分对应金额",
        f"{PAY}2：考核分每分对应10元",
        kind=INT,
        minimum=0,
        maximum=1000,
        unit="元",
    ),
    "quality.pay_limit": Rule(
        300,
        "工资浮动：上下限（±）",
        f"{PAY}2：浮动范围为±300元",
        kind=INT,
        minimum=0,
        maximum=100000,
        unit="元",
    ),
    "quality.pay_free_months": Rule(
        2,
        "工资浮动：入职后前几个自然月只评分不浮动（入职当月为第一个月）",
        f"{PAY}4：员工从加入公司的第三个月起，开始实行绩效工资浮动，前二个月只评考核分，不浮动工资",
        kind=INT,
        minimum=0,
        maximum=24,
        unit="个月",
    ),
    # ---- exam, QA and appeals feeding the appraisal (Q4)
    "quality.exam_full_marks": Rule(
        100,
        "月度考试：满分分数（满分加分）",
        f"{BONUS}：客服考试分数为满分 5分",
        kind=INT,
        minimum=1,
        maximum=1000,
        unit="分",
    ),
    "quality.exam_pass_mark": Rule(
        60,
        "月度考试：低于此分为中度违规",
        "客服管理制度·考核·三、2：客服考试，得分在60以下 10分/次",
        kind=INT,
        minimum=0,
        maximum=1000,
        unit="分",
    ),
    "quality.qa_fail_points": Rule(
        2,
        "质检不合格一次的扣分（轻度违规，关键项不合格按轻度违规上限）",
        f"{DEDUCTION}1：主管随机抽查得分 2-5分/一次错误",
        kind=INT,
        minimum=1,
        maximum=5,
        unit="分",
    ),
    "quality.late_minor_points": Rule(
        2,
        "迟到早退（不足违纪时长）每次扣分",
        f"{DEDUCTION}1：迟到早退 2-5分/次",
        kind=INT,
        minimum=1,
        maximum=5,
        unit="分",
    ),
    "quality.late_case_points": Rule(
        5,
        "迟到达到违纪（二十分钟及以上）每次扣分",
        f"{DEDUCTION}1：迟到早退 2-5分/次；客服部请假制度八：迟到二十分钟及以上者按违纪处理",
        kind=INT,
        minimum=1,
        maximum=5,
        unit="分",
    ),
    "quality.sheet_appeal_days": Rule(
        3,
        "考核申诉：考核月锁定后员工可在此期限内申诉",
        f"{LOCAL_DEFAULT}；客服管理制度·考核（员工可就考核结果申诉）",
        kind=WORKING_DAYS,
        minimum=1,
        maximum=30,
    ),
}
