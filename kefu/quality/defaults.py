"""The shipped scorecard (002 客服部质检员的职责 3: 服务用语, 服务态度, 语气语调, 客户需求的归纳能力,
接待客户应变能力) and the appraisal catalogue (002 加分标准, 扣分标准): plain data, written by the data
migration and again by `ensure_defaults()` where a flushed test database or a new center lacks them.
Rows an administrator changed are never overwritten (get_or_create by code)."""

QA_CLAUSE = "客服管理制度·客服部质检员的职责3"
SCORECARD_ITEMS = [
    # code, name, guidance, weight, critical
    ("phrases", "服务用语", "使用规范服务用语，做到问声、应声、送声三声服务", 20, False),
    ("attitude", "服务态度", "礼貌、亲切、耐心、周到，不与客户争执", 25, True),
    ("tone", "语气语调", "语气平和、声调适中、应答清晰简练", 15, False),
    ("summarising", "客户需求的归纳能力", "准确归纳客户诉求，登记完整无误", 20, False),
    ("handling", "接待客户应变能力", "遇疑难问题应变得当，及时请示班长", 20, False),
]

BONUS = "客服管理制度·考核·二、加分标准"
LIGHT = "客服管理制度·考核·三、扣分标准 1.轻度违规"
MEDIUM = "客服管理制度·考核·三、扣分标准 2.中度违规"
SEVERE = "客服管理制度·考核·三、扣分标准 3.重度违规"
CATALOGUE = [
    # code, name, kind, min, max, source, clause
    ("top_performer", "当月工作量、质量为全客服之首，并且无违规事件", "bonus", 5, 5, "manual", BONUS),
    ("exam_full_marks", "客服考试分数为满分", "bonus", 5, 5, "exam_full", BONUS),
    ("standing_in", "突发情况或活动期间人手不够时随叫随到主动顶班", "bonus", 5, 5, "standing_in", BONUS),
    ("extra_task", "完成本职工作之外，完成上级提出的额外工作", "bonus", 5, 5, "manual", BONUS),
    ("zero_complaints", "当月有效投诉率为零", "bonus", 5, 5, "zero_complaints", BONUS),
    ("suggestion_adopted", "对团队管理提出合理化建议，试行后效果理想", "bonus", 5, 5, "manual", BONUS),
    ("no_mandarin", "工作时间未使用普通话", "light", 2, 2, "manual", LIGHT),
    ("messy_desk", "交接班后本人办公桌面凌乱", "light", 2, 2, "manual", LIGHT),
    ("cleaning_undone", "当班值日人员下班后未完成打扫卫生工作", "light", 2, 2, "manual", LIGHT),
    ("late_or_early", "迟到早退", "light", 2, 5, "lateness", LIGHT),
    ("handover_record", "未能认真记录填写交接班记录及相关表单", "light", 5, 5, "manual", LIGHT),
    (
        "complaint_reply",
        "当班时间未能及时回复顾客申诉，回复申诉不耐心、不友好（有效投诉）",
        "light",
        5,
        5,
        "valid_complaint",
        LIGHT,
    ),
    ("away_unreported", "当班时间离开工作岗位超过5分钟，未告知上级", "light", 5, 5, "away", LIGHT),
    ("slack_execution", "未能及时有效地执行客服的工作", "light", 2, 5, "manual", LIGHT),
    ("idle_talk", "上班时间谈论与本职工作无关的事情", "light", 1, 2, "manual", LIGHT),
    ("noise", "在办公区域大声喧哗，影响他人工作", "light", 2, 2, "manual", LIGHT),
    ("eating_smoking", "在办公区域抽烟或就餐或吃膨化食品、瓜子等", "light", 5, 5, "manual", LIGHT),
    ("entry_error", "客服信息录入错误", "light", 2, 2, "entry_error", LIGHT),
    (
        "emergency_late_10",
        "未在流程控制时间内处理突发事件，超过1~10分钟",
        "light",
        5,
        5,
        "emergency_late",
        LIGHT,
    ),
    ("spot_check", "主管随机抽查（质检）不合格，每次错误", "light", 2, 5, "qa_result", LIGHT),
    ("games_films", "工作时间内观看在线播放电影、玩游戏", "medium", 10, 10, "manual", MEDIUM),
    ("false_workload", "表单数据记录与实际工作量严重不符，虚报工作量", "medium", 10, 10, "manual", MEDIUM),
    ("unreported_abnormal", "当班时间异常情况未能及时反映，或者知情不报", "medium", 10, 10, "manual", MEDIUM),
    (
        "unauthorised_software",
        "未经主管批准，私自在工作机器中下载、安装软件",
        "medium",
        10,
        10,
        "manual",
        MEDIUM,
    ),
    ("skipped_work", "私自跳过未处理的问题或其他工作记录", "medium", 10, 10, "manual", MEDIUM),
    ("missed_meeting", "未请假缺席部门例会", "medium", 10, 10, "manual", MEDIUM),
    ("exam_failed", "客服考试得分在60以下", "medium", 10, 10, "exam_fail", MEDIUM),
    (
        "emergency_late_30",
        "未在流程控制时间内处理突发事件，超过11~30分钟",
        "medium",
        10,
        10,
        "emergency_late",
        MEDIUM,
    ),
    ("absence", "旷工", "severe", 20, 20, "absence", SEVERE),
    ("quarrel", "当班时间与客户发生口角争执或冲突（有效投诉）", "severe", 20, 20, "valid_complaint", SEVERE),
    ("outsiders", "将非公司人员带入工作区域", "severe", 20, 20, "manual", SEVERE),
    (
        "equipment_removed",
        "未经允许私自拆卸公司的设备带出公司（同时照价赔偿）",
        "severe",
        20,
        20,
        "manual",
        SEVERE,
    ),
    (
        "emergency_late_over",
        "未在流程控制时间内处理突发事件，超过30分钟以上",
        "severe",
        20,
        20,
        "emergency_late",
        SEVERE,
    ),
    ("sleeping", "工作时间内睡觉", "dismissal", 0, 0, "manual", SEVERE),
    (
        "hotline_off_hook",
        "工作时间内将客服电话挂起，导致用户无法打入电话",
        "dismissal",
        0,
        0,
        "manual",
        SEVERE,
    ),
    (
        "cliques",
        "拉帮结派，搞小团体，破坏团队健康发展，影响其他员工工作情绪",
        "dismissal",
        0,
        0,
        "manual",
        SEVERE,
    ),
    ("abuse_of_power", "利用职权徇私舞弊（并追究责任）", "dismissal", 0, 0, "manual", SEVERE),
]


def ensure_defaults(apps=None) -> None:
    """Add the shipped scorecard and catalogue items that are missing. `apps` is the migration's
    historical registry; at run time the app's own models."""
    if apps is None:
        from django.apps import apps
    Scorecard = apps.get_model("quality", "Scorecard")
    ScorecardItem = apps.get_model("quality", "ScorecardItem")
    AppraisalItem = apps.get_model("quality", "AppraisalItem")
    if not Scorecard.objects.filter(code="hotline").exists():
        card = Scorecard.objects.create(
            code="hotline",
            version=1,
            name="服务质量综合考评表",
            status="active",
            pass_mark=80,
            note=QA_CLAUSE,
        )
        for position, (code, name, guidance, weight, critical) in enumerate(SCORECARD_ITEMS, start=1):
            ScorecardItem.objects.create(
                scorecard=card,
                code=code,
                name=name,
                guidance=guidance,
                weight=weight,
                max_score=10,
                critical=critical,
                position=position,
            )
    for position, (code, name, kind, low, high, source, clause) in enumerate(CATALOGUE, start=1):
        AppraisalItem.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "min_points": low,
                "max_points": high,
                "source": source,
                "clause": clause,
                "position": position,
            },
        )
