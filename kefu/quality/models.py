"""Quality inspection and the monthly appraisal (Q1–Q4, seed 002 客服部质检员的职责 and 考核标准).

QA inspectors score contacts (a hotline call with its contact and work order, or a counter visit) on a
versioned scorecard; agents see their checks and may appeal; several inspectors may score the same
contact blind to calibrate. Inspectors write a weekly summary with a training plan. Each month the
training specialist (培训专员) drafts every staff member's appraisal sheet from the catalogue of bonus
and deduction items — most lines read from the center's own records — the supervisor reviews, the
department head approves and locks the month. Nothing is deleted: rows move through their states and
every change is an event in the core log."""

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.core.models import TimeStampedModel
from kefu.hotline.models import Contact, WorkOrder

PERSON = settings.AUTH_USER_MODEL


# ---------------------------------------------------------------- scorecards (Q1)


class Scorecard(TimeStampedModel):
    """服务质量综合考评表: one version of a scorecard. A change makes a new version (same code, version
    + 1); a check keeps the version it was scored on, so old checks keep their card."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("在用")
        RETIRED = "retired", _("已停用")

    code = models.CharField(_("编码"), max_length=30)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=100)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # A check's score is the weighted mean of its items on 0–100; below this it "fails" (a QA line on
    # the appraisal). Per card, since a card for counter visits may be stricter than the hotline's.
    pass_mark = models.PositiveSmallIntegerField(_("合格线（百分制）"), default=80)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        PERSON, verbose_name=_("制定人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("质检评分表")
        verbose_name_plural = _("质检评分表")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="scorecard_code_version"),
            # One version of a card is in use at a time.
            models.UniqueConstraint(
                fields=["code"], condition=Q(status="active"), name="scorecard_one_active_version"
            ),
        ]

    def __str__(self):
        return f"{self.name}（第{self.version}版）"


class ScorecardItem(models.Model):
    """One line of a scorecard: 服务用语, 服务态度, 语气语调, 客户需求的归纳能力, 接待客户应变能力…"""

    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("评分表"), on_delete=models.PROTECT, related_name="items"
    )
    code = models.CharField(_("编码"), max_length=30)
    name = models.CharField(_("项目"), max_length=50)
    guidance = models.CharField(_("评分要点"), max_length=300, blank=True)
    weight = models.PositiveSmallIntegerField(_("权重"), default=20)
    # The item is scored 0..max_score (the scale); its share of the check is weight / Σ weights.
    max_score = models.PositiveSmallIntegerField(_("满分"), default=10)
    # A critical item scored 0 fails the whole check (score 0), whatever the other items say.
    critical = models.BooleanField(_("关键项"), default=False)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        ordering = ["scorecard", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "code"], name="scorecard_item_code"),
            models.CheckConstraint(condition=Q(max_score__gte=1), name="scorecard_item_scale_positive"),
        ]

    def __str__(self):
        return self.name


# ---------------------------------------------------------------- checks, appeals, calibration (Q1)


class Calibration(TimeStampedModel):
    """校准: several inspectors score the same contact blind; the page shows the spread per item once
    every inspector has scored (or the lead closes it)."""

    class Status(models.TextChoices):
        OPEN = "open", _("评分中")
        CLOSED = "closed", _("已揭晓")

    contact = models.ForeignKey(
        Contact, verbose_name=_("受理记录"), on_delete=models.PROTECT, related_name="+"
    )
    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("评分表"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=100)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        PERSON, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("揭晓时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("质检校准")
        verbose_name_plural = _("质检校准")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class QaCheck(TimeStampedModel):
    """One QA check of one agent's contact (002 质检员职责 3–4). Proposed by the month's sampling or
    added by an inspector; scored; seen by the agent, who may appeal; final once the appeal window has
    passed or the appeal is decided. A calibration check is scored blind and does not count for the
    agent until the lead adopts it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待质检")
        SCORED = "scored", _("已评分")
        APPEALED = "appealed", _("申诉中")
        FINAL = "final", _("已定稿")
        DROPPED = "dropped", _("已放弃")

    class Source(models.TextChoices):
        SAMPLED = "sampled", _("系统抽样")
        ADDED = "added", _("质检员追加")
        CALIBRATION = "calibration", _("校准")

    number = models.CharField(_("质检编号"), max_length=20, unique=True)
    month = models.DateField(_("所属月份"), help_text=_("当月1日"))
    agent = models.ForeignKey(
        PERSON, verbose_name=_("被检人"), on_delete=models.PROTECT, related_name="qa_checks"
    )
    inspector = models.ForeignKey(
        PERSON, verbose_name=_("质检员"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("受理记录"), on_delete=models.PROTECT, related_name="+"
    )
    scorecard = models.ForeignKey(
        Scorecard,
        verbose_name=_("评分表"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checks",
    )
    calibration = models.ForeignKey(
        Calibration,
        verbose_name=_("校准"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checks",
    )
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices, default=Source.SAMPLED)
    # Why sampling proposed it (投诉, 长通话, 回访不满意, 新员工, 随机), shown on the list.
    sample_reason = models.CharField(_("抽样理由"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(_("合格"), null=True, blank=True)
    critical_failed = models.BooleanField(_("关键项不合格"), default=False)
    comment = models.TextField(_("评语"), blank=True)
    coaching_note = models.TextField(_("辅导意见"), blank=True)
    scored_at = models.DateTimeField(_("评分时间"), null=True, blank=True)
    appeal_due = models.DateField(_("申诉截止"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("质检记录")
        verbose_name_plural = _("质检记录")
        ordering = ["-month", "-scored_at", "-id"]
        indexes = [
            models.Index(fields=["month", "agent"], name="qacheck_month_agent"),
            models.Index(fields=["inspector", "status"], name="qacheck_inspector_status"),
            models.Index(fields=["agent", "-scored_at"], name="qacheck_agent_recent"),
        ]
        constraints = [
            # An agent's contact is checked once outside calibrations (a calibration scores it again).
            models.UniqueConstraint(
                fields=["contact"],
                condition=Q(calibration__isnull=True) & ~Q(status="dropped"),
                name="qacheck_contact_once",
            ),
            models.UniqueConstraint(
                fields=["calibration", "inspector"],
                condition=Q(calibration__isnull=False),
                name="qacheck_calibration_inspector_once",
            ),
        ]
        permissions = [
            ("score_qacheck", "质检评分"),
            ("decide_qaappeal", "处理质检申诉（质检组长）"),
            ("view_all_qachecks", "查看全部质检记录"),
        ]

    def __str__(self):
        return self.number


class CheckScore(models.Model):
    """One item's score on one check."""

    check_record = models.ForeignKey(
        QaCheck, verbose_name=_("质检记录"), on_delete=models.PROTECT, related_name="scores"
    )
    item = models.ForeignKey(
        ScorecardItem, verbose_name=_("评分项"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("得分"))
    remark = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("评分项得分")
        verbose_name_plural = _("评分项得分")
        ordering = ["check_record", "item__position", "item_id"]
        constraints = [models.UniqueConstraint(fields=["check_record", "item"], name="checkscore_once")]

    def __str__(self):
        return f"{self.item_id}: {self.score}"


class CheckRemark(models.Model):
    """A time-stamped remark: where in the recording (seconds from the start) something was heard."""

    check_record = models.ForeignKey(
        QaCheck, verbose_name=_("质检记录"), on_delete=models.PROTECT, related_name="remarks"
    )
    at_second = models.PositiveIntegerField(_("录音位置（秒）"))
    text = models.CharField(_("备注"), max_length=300)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("录音备注")
        verbose_name_plural = _("录音备注")
        ordering = ["check_record", "at_second", "id"]

    def __str__(self):
        return f"{self.at_second // 60:02d}:{self.at_second % 60:02d} {self.text}"


class QaAppeal(TimeStampedModel):
    """An agent's appeal against a check (Q4), decided by the QA lead: upheld (the score stands) or
    amended (new item scores; the old ones stay in the check's history)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        UPHELD = "upheld", _("维持原评")
        AMENDED = "amended", _("已改评")

    check_record = models.ForeignKey(
        QaCheck, verbose_name=_("质检记录"), on_delete=models.PROTECT, related_name="appeals"
    )
    filed_by = models.ForeignKey(PERSON, verbose_name=_("申诉人"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("申诉理由"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        PERSON, verbose_name=_("处理人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_note = models.TextField(_("处理意见"), blank=True)
    score_before = models.DecimalField(_("原得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    score_after = models.DecimalField(_("改评后得分"), max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = _("质检申诉")
        verbose_name_plural = _("质检申诉")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["check_record"], condition=Q(status="open"), name="qaappeal_one_open"
            )
        ]


class WeeklySummary(TimeStampedModel):
    """质检周小结 (002 质检员职责 5): the week's common problems and a training plan (the whole team or
    named people), submitted to the department head."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        READ = "read", _("主任已阅")

    class Scope(models.TextChoices):
        ALL = "all", _("全员培训")
        INDIVIDUAL = "individual", _("单独培训")

    week_start = models.DateField(_("周起始日（周一）"))
    author = models.ForeignKey(PERSON, verbose_name=_("质检员"), on_delete=models.PROTECT, related_name="+")
    common_problems = models.TextField(_("共性问题"))
    analysis = models.TextField(_("质检分析"), blank=True)
    training_plan = models.TextField(_("培训计划"))
    training_scope = models.CharField(_("培训范围"), max_length=12, choices=Scope.choices, default=Scope.ALL)
    trainees = models.ManyToManyField(PERSON, verbose_name=_("培训对象"), blank=True, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    read_by = models.ForeignKey(
        PERSON, verbose_name=_("阅示人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(_("阅示时间"), null=True, blank=True)
    head_comment = models.TextField(_("主任意见"), blank=True)

    class Meta:
        verbose_name = _("质检周小结")
        verbose_name_plural = _("质检周小结")
        ordering = ["-week_start", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["week_start", "author"], name="weeklysummary_once_per_author")
        ]

    def __str__(self):
        return f"{self.week_start:%Y-%m-%d} 周质检小结"


# ---------------------------------------------------------------- the appraisal (Q2, Q4)


class ItemKind(models.TextChoices):
    BONUS = "bonus", _("加分")
    LIGHT = "light", _("轻度违规")
    MEDIUM = "medium", _("中度违规")
    SEVERE = "severe", _("重度违规")
    DISMISSAL = "dismissal", _("直接辞退")


class ItemSource(models.TextChoices):
    """Where a catalogue item's lines come from: the records the system has, or the specialist's hand."""

    MANUAL = "manual", _("培训专员录入")
    LATENESS = "lateness", _("考勤：迟到早退")
    ABSENCE = "absence", _("考勤：旷工")
    AWAY = "away", _("考勤：擅离岗位")
    VALID_COMPLAINT = "valid_complaint", _("有效投诉")
    ZERO_COMPLAINTS = "zero_complaints", _("当月零有效投诉")
    QA_RESULT = "qa_result", _("质检结果")
    STANDING_IN = "standing_in", _("顶班")
    ENTRY_ERROR = "entry_error", _("受理信息更正")
    EXAM_FULL = "exam_full", _("月度考试满分")
    EXAM_FAIL = "exam_fail", _("月度考试不及格")
    EMERGENCY_LATE = "emergency_late", _("突发事件处理超时")


class AppraisalItem(TimeStampedModel):
    """An item of the appraisal catalogue (002 加分标准, 扣分标准). Data: an administrator adds, edits or
    retires items; `min_points..max_points` is the range a line of this item may take."""

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("项目"), max_length=100)
    kind = models.CharField(_("类别"), max_length=10, choices=ItemKind.choices)
    min_points = models.PositiveSmallIntegerField(_("最低分值"))
    max_points = models.PositiveSmallIntegerField(_("最高分值"))
    source = models.CharField(_("来源"), max_length=20, choices=ItemSource.choices, default=ItemSource.MANUAL)
    clause = models.CharField(_("依据"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("考核项目")
        verbose_name_plural = _("考核项目")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_points__gte=models.F("min_points")), name="appraisalitem_range"
            )
        ]

    def __str__(self):
        return self.name


class AppraisalMonth(TimeStampedModel):
    """One month's appraisal: drafted by the training specialist, reviewed by the supervisor (客服主管),
    approved and locked by the department head; after that sheets change only through an appeal."""

    class Status(models.TextChoices):
        DRAFTING = "drafting", _("编制中")
        REVIEWED = "reviewed", _("主管已审核")
        LOCKED = "locked", _("主任已批准（锁定）")

    month = models.DateField(_("考核月份"), unique=True, help_text=_("当月1日"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFTING)
    drafted_by = models.ForeignKey(
        PERSON, verbose_name=_("编制人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField(_("编制时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        PERSON, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        PERSON, verbose_name=_("批准人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("月度考核")
        verbose_name_plural = _("月度考核")
        ordering = ["-month"]
        permissions = [
            ("draft_appraisalmonth", "编制月度考核（培训专员）"),
            ("review_appraisalmonth", "审核月度考核（主管）"),
            ("approve_appraisalmonth", "批准并锁定月度考核（客服部主任）"),
            ("export_appraisalmonth", "导出考核工资表"),
        ]

    def __str__(self):
        return f"{self.month:%Y年%m月}考核"


class AppraisalSheet(TimeStampedModel):
    """One person's sheet for one month: the lines, and the result of the computation
    (kefu.quality.computation) stored as it was last computed, every step shown on the sheet."""

    class Grade(models.TextChoices):
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"
        D = "D", "D"
        E = "E", "E"

    appraisal_month = models.ForeignKey(
        AppraisalMonth, verbose_name=_("月度考核"), on_delete=models.PROTECT, related_name="sheets"
    )
    person = models.ForeignKey(
        PERSON, verbose_name=_("被考核人"), on_delete=models.PROTECT, related_name="appraisal_sheets"
    )
    # Snapshots at drafting: the team the rank is within, and the joining date the pay rule reads.
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("班组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    joined_on = models.DateField(_("入职日期"), null=True, blank=True)
    adjustment = models.SmallIntegerField(_("额外奖惩"), default=0)
    adjustment_reason = models.CharField(_("额外奖惩理由"), max_length=300, blank=True)
    adjusted_by = models.ForeignKey(
        PERSON,
        verbose_name=_("奖惩评定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    score = models.SmallIntegerField(_("考核分"), default=80)
    grade = models.CharField(_("绩效等级"), max_length=1, choices=Grade.choices, blank=True)
    pay_delta = models.SmallIntegerField(_("工资浮动（元）"), default=0)
    termination_flag = models.BooleanField(_("解除合同提示"), default=False)
    termination_reasons = models.JSONField(_("提示原因"), default=list, blank=True)
    # The computation's lines as last computed (label, points, running total) for the sheet and print.
    computed_lines = models.JSONField(_("计算过程"), default=list, blank=True)
    rank_in_team = models.PositiveSmallIntegerField(_("班组名次"), null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核表")
        verbose_name_plural = _("考核表")
        ordering = ["appraisal_month", "person__employee_no", "person_id"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal_month", "person"], name="appraisalsheet_once"),
            models.CheckConstraint(
                condition=Q(adjustment__gte=-5) & Q(adjustment__lte=5), name="appraisalsheet_adjustment_range"
            ),
        ]
        indexes = [models.Index(fields=["person", "appraisal_month"], name="appraisalsheet_person")]
        permissions = [("adjust_appraisalsheet", "额外奖惩（班长 ±5 分）")]

    def __str__(self):
        return f"{self.person} {self.appraisal_month}"


class AppraisalLine(TimeStampedModel):
    """One bonus or deduction on a sheet, with its evidence: a record the system has (a discipline case,
    a work order, a QA check, a roster entry, a corrected contact) or the specialist's note. A line
    struck off (an appeal upheld, a record withdrawn) stays, marked void."""

    sheet = models.ForeignKey(
        AppraisalSheet, verbose_name=_("考核表"), on_delete=models.PROTECT, related_name="lines"
    )
    item = models.ForeignKey(
        AppraisalItem, verbose_name=_("考核项目"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=ItemKind.choices)
    points = models.PositiveSmallIntegerField(_("分值"))
    occurred_on = models.DateField(_("日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    # The evidence: "<app>.<model>:<pk>" of the source record and the page that shows it.
    evidence = models.CharField(_("依据记录"), max_length=60, blank=True)
    evidence_url = models.CharField(_("依据链接"), max_length=200, blank=True)
    automatic = models.BooleanField(_("系统取数"), default=False)
    entered_by = models.ForeignKey(
        PERSON, verbose_name=_("录入人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    void = models.BooleanField(_("已作废"), default=False)
    void_reason = models.CharField(_("作废原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("考核明细")
        verbose_name_plural = _("考核明细")
        ordering = ["sheet", "kind", "occurred_on", "id"]
        constraints = [
            # A record gives one line per sheet (drafting again does not double it).
            models.UniqueConstraint(
                fields=["sheet", "item", "evidence"],
                condition=~Q(evidence="") & Q(void=False),
                name="appraisalline_evidence_once",
            )
        ]

    @property
    def evidence_label(self) -> str:
        """The evidence as the sheet shows it: the kind of record (质检记录, 违纪记录…), not its key."""
        label, _sep, pk = self.evidence.partition(":")
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            return self.evidence
        return f"{model._meta.verbose_name} #{pk}"


class SheetAppeal(TimeStampedModel):
    """A staff member's appeal against their sheet (Q4), decided by the department head."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        UPHELD = "upheld", _("维持")
        AMENDED = "amended", _("已更正")

    sheet = models.ForeignKey(
        AppraisalSheet, verbose_name=_("考核表"), on_delete=models.PROTECT, related_name="appeals"
    )
    filed_by = models.ForeignKey(PERSON, verbose_name=_("申诉人"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("申诉理由"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        PERSON, verbose_name=_("处理人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_note = models.TextField(_("处理意见"), blank=True)

    class Meta:
        verbose_name = _("考核申诉")
        verbose_name_plural = _("考核申诉")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["sheet"], condition=Q(status="open"), name="sheetappeal_one_open")
        ]
        permissions = [("decide_sheetappeal", "处理考核申诉")]


class ExamScore(TimeStampedModel):
    """The month's skills exam (002 考核标准 6), entered by the training specialist: full marks is a bonus,
    below 60 a medium deduction (rules quality.exam_full_marks, quality.exam_pass_mark)."""

    month = models.DateField(_("考试月份"), help_text=_("当月1日"))
    person = models.ForeignKey(PERSON, verbose_name=_("考生"), on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("成绩"))
    entered_by = models.ForeignKey(
        PERSON, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("月度考试成绩")
        verbose_name_plural = _("月度考试成绩")
        ordering = ["-month", "person_id"]
        constraints = [models.UniqueConstraint(fields=["month", "person"], name="examscore_once")]


class ComplaintFinding(TimeStampedModel):
    """A complaint work order found to be against a member of staff, valid (有效投诉) or not: the hotline
    records the complaint, the QA lead decides whom it is against and whether it stands."""

    work_order = models.ForeignKey(
        WorkOrder, verbose_name=_("投诉工单"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(PERSON, verbose_name=_("被投诉人"), on_delete=models.PROTECT, related_name="+")
    valid = models.BooleanField(_("有效投诉"))
    # A valid complaint of a quarrel with the customer is the severe item (002 重度违规); others a light one.
    quarrel = models.BooleanField(_("与客户发生口角争执"), default=False)
    occurred_on = models.DateField(_("投诉日期"))
    note = models.CharField(_("认定意见"), max_length=300)
    decided_by = models.ForeignKey(
        PERSON, verbose_name=_("认定人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("投诉认定")
        verbose_name_plural = _("投诉认定")
        ordering = ["-occurred_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["work_order", "person"], name="complaintfinding_once")]
        indexes = [models.Index(fields=["person", "occurred_on"], name="complaintfinding_person")]


# ---------------------------------------------------------------- indicators by role (Q3)


class SoftIndicatorScore(TimeStampedModel):
    """A soft indicator scored by hand for one person and month (工作态度, 应变能力…, 002 考核细则)."""

    month = models.DateField(_("月份"), help_text=_("当月1日"))
    person = models.ForeignKey(PERSON, verbose_name=_("被评人"), on_delete=models.PROTECT, related_name="+")
    indicator = models.CharField(_("指标"), max_length=40)
    score = models.PositiveSmallIntegerField(_("得分（百分制）"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    scored_by = models.ForeignKey(
        PERSON, verbose_name=_("评分人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("软性指标评分")
        verbose_name_plural = _("软性指标评分")
        ordering = ["-month", "person_id", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["month", "person", "indicator"], name="softindicator_once"),
            models.CheckConstraint(condition=Q(score__lte=100), name="softindicator_score_range"),
        ]
