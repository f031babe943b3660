"""Field inspection (供水稽查, I1–I4; seed 000 ch.7 供水稽查管理制度, ch.4 §4.2.2–4.2.3).

A `Case` (稽查案件) is one matter within the team's scope (第二条; nothing outside it, 第三条(二)): a theft
report from the hotline, a meter task from the meters app, a patrol finding, a referral. Two inspectors at
least work it (第三条(三)), each showing their ID first; they record evidence with its SHA-256 (第三条(四)),
the customer's statement and defence (第三条(六)), and notices (第三条(五)), refusals to sign noted as
当事人拒签 with a witness (第三条(八)). A penalty needs the violation registration and approval forms and
the center leader's approval (第三条(九)); the case closes only once its papers are filed in the archive
(第三条(十)). Case files are confidential (第三条(十一)): read only by inspection staff and leaders,
every read logged. Patrol plans split the year by area and target type (第四条(一)).

Nothing is deleted: evidence is superseded with a reason, rows change state, every change is an event."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import ServiceArea
from kefu.archives.models import ArchiveFile
from kefu.core.models import TimeStampedModel
from kefu.customers.models import Customer
from kefu.hotline.models import WorkOrder
from kefu.meters.models import TrackingTask

PERSON = settings.AUTH_USER_MODEL


class CaseKind(models.TextChoices):
    """第二条 范围: the only kinds of case there are (不得超越稽查范围)."""

    WATER_THEFT = "water_theft", _("偷盗水")
    HYDRANT = "hydrant", _("擅自启用消火栓")
    FACILITY_DAMAGE = "facility_damage", _("破坏供水设施")
    METER_TRACKING = "meter_tracking", _("运营水表跟踪")
    READING_QUALITY = "reading_quality", _("抄收质量检查")
    URGENT_VERIFICATION = "urgent_verification", _("急换水表核实")
    PRICE_CATEGORY = "price_category", _("分类水价变更核实")
    REFERRAL = "referral", _("上级下达、部门转办")
    PUBLIC_REPORT = "public_report", _("社会举报")


class Case(TimeStampedModel):
    class Source(models.TextChoices):
        HOTLINE = "hotline", _("热线举报")
        METERS = "meters", _("表务转来")
        PATROL = "patrol", _("巡查发现")
        REFERRAL = "referral", _("上级下达、部门转办")
        MANUAL = "manual", _("稽查队立案")

    class State(models.TextChoices):
        OPEN = "open", _("待查")
        INVESTIGATING = "investigating", _("调查取证")
        AWAITING_APPROVAL = "awaiting_approval", _("待领导审批")
        APPROVED = "approved", _("已批准处理")
        AWAITING_FILING = "awaiting_filing", _("待归档")
        CLOSED = "closed", _("已结案")

    class Finding(models.TextChoices):
        UNDECIDED = "", _("未定")
        VIOLATION = "violation", _("违章属实")
        NO_VIOLATION = "no_violation", _("未发现违章")
        CONFIRMED = "confirmed", _("核实属实")  # a verification (urgent replacement, price category)
        NOT_CONFIRMED = "not_confirmed", _("核实不实")

    number = models.CharField(_("案件编号"), max_length=20, unique=True)  # JC2026-00001
    kind = models.CharField(_("案件类型"), max_length=24, choices=CaseKind.choices)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.OPEN)
    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # 黑户: water used with no account; the investigation is as confidential as the case (第三条(十一)).
    unregistered = models.BooleanField(_("黑户调查"), default=False)
    address = models.CharField(_("地点"), max_length=200)
    area = models.ForeignKey(
        ServiceArea, verbose_name=_("片区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.CharField(_("案由"), max_length=300)
    opened_by = models.ForeignKey(
        PERSON, verbose_name=_("立案人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("立案时间"))
    due_on = models.DateField(_("办理期限"), null=True, blank=True)
    work_order = models.OneToOneField(
        WorkOrder,
        verbose_name=_("来源工单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    tracking_task = models.OneToOneField(
        TrackingTask,
        verbose_name=_("表务稽查任务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    patrol = models.ForeignKey(
        "Patrol",
        verbose_name=_("巡查记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    finding = models.CharField(_("调查结论"), max_length=16, choices=Finding.choices, blank=True, default="")
    conclusion = models.TextField(_("处理意见"), blank=True)
    # Recorded only after the leader's approval (第三条(九)).
    penalty_amount = models.DecimalField(
        _("违约金/罚款（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    recovery_amount = models.DecimalField(
        _("追补水费（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    amounts_recorded_at = models.DateTimeField(_("金额登记时间"), null=True, blank=True)
    archive_file = models.OneToOneField(
        ArchiveFile, verbose_name=_("档案"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("稽查案件")
        verbose_name_plural = _("稽查案件")
        ordering = ["-opened_at", "-id"]
        permissions = [
            ("work_case", "办理稽查案件（稽查员）"),
            ("approve_case", "审批违章处理（中心领导）"),
            ("view_case_reads", "查看案卷调阅记录"),
        ]
        indexes = [
            models.Index(fields=["state", "due_on"], name="inspection_case_state_due"),
            models.Index(fields=["customer", "-opened_at"], name="inspection_case_customer"),
            models.Index(fields=["kind", "-opened_at"], name="inspection_case_kind"),
        ]

    def __str__(self):
        return self.number


class SeatedManager(models.Manager):
    """The inspectors on a case now: `case.inspectors`, every count of two, "my cases". An inspector taken
    off keeps their row (removed_at, by whom, why); `CaseInspector.all_seats` reads those too."""

    def get_queryset(self):
        return super().get_queryset().filter(removed_at__isnull=True)


class CaseInspector(TimeStampedModel):
    """An inspector on the case; `id_shown_at` is when they showed their 稽查证件 (第三条(三)). Taking one
    off marks the row (nothing is deleted)."""

    case = models.ForeignKey(
        Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="inspectors"
    )
    inspector = models.ForeignKey(
        PERSON, verbose_name=_("稽查员"), on_delete=models.PROTECT, related_name="+"
    )
    lead = models.BooleanField(_("主办"), default=False)
    id_shown_at = models.DateTimeField(_("出示证件时间"), null=True, blank=True)
    removed_at = models.DateTimeField(_("撤出时间"), null=True, blank=True)
    removed_by = models.ForeignKey(
        PERSON, verbose_name=_("撤出人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_reason = models.CharField(_("撤出原因"), max_length=300, blank=True)

    objects = SeatedManager()
    all_seats = models.Manager()

    class Meta:
        verbose_name = _("案件稽查员")
        verbose_name_plural = _("案件稽查员")
        ordering = ["case", "-lead", "id"]
        # the default manager (the seated ones) is what `case.inspectors` and every count read
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "inspector"],
                condition=Q(removed_at__isnull=True),
                name="inspection_one_seat_per_inspector",
            ),
        ]
        indexes = [models.Index(fields=["inspector", "case"], name="inspection_inspector_case")]


def evidence_path(evidence, filename):
    return f"inspection/{evidence.case_id}/{filename}"


class Evidence(TimeStampedModel):
    """A photo, scan or site record. Its SHA-256 and arrival time are taken when it arrives and printed
    on every paper, so a later change is detectable; it is never deleted, only superseded with a reason."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("现场照片")
        SCAN = "scan", _("扫描件")
        SITE_RECORD = "site_record", _("现场记录")

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=200, blank=True)
    name = models.CharField(_("文件名"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"))
    uploaded_by = models.ForeignKey(
        PERSON, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    taken_at = models.DateTimeField(_("取证时间"))
    place = models.CharField(_("取证地点"), max_length=200)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    location_accuracy_m = models.PositiveIntegerField(_("定位精度（米）"), null=True, blank=True)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    superseded_by = models.ForeignKey(
        "self", verbose_name=_("替换为"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    superseded_at = models.DateTimeField(_("替换时间"), null=True, blank=True)
    superseded_reason = models.CharField(_("替换原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("证据")
        verbose_name_plural = _("证据")
        ordering = ["case", "id"]


class Signature(models.TextChoices):
    """How the party answered a paper that needs their signature (第三条(四)(八))."""

    PENDING = "", _("未签")
    SIGNED = "signed", _("当事人已签名")
    REFUSED = "refused", _("当事人拒签")


class Statement(TimeStampedModel):
    """What a person said: the customer's statement and defence before any decision (第三条(六)), an
    interview record (询问笔录) or the site notes (现场笔记)."""

    class Kind(models.TextChoices):
        STATEMENT = "statement", _("陈述")
        DEFENCE = "defence", _("申辩")
        INTERVIEW = "interview", _("询问笔录")
        SITE_NOTES = "site_notes", _("现场笔记")

    case = models.ForeignKey(
        Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="statements"
    )
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    person = models.CharField(_("陈述人"), max_length=50)
    content = models.TextField(_("内容"))
    recorded_by = models.ForeignKey(
        PERSON, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"))
    signature = models.CharField(_("签名"), max_length=8, choices=Signature.choices, blank=True, default="")
    witness = models.CharField(_("见证人"), max_length=50, blank=True)
    witness_signed = models.BooleanField(_("见证人已签字"), default=False)

    class Meta:
        verbose_name = _("陈述与笔录")
        verbose_name_plural = _("陈述与笔录")
        ordering = ["case", "recorded_at", "id"]


class Notice(TimeStampedModel):
    """供水稽查责令停止违章行为通知书 / 违规用水整改通知书 (第三条(五)), numbered; a rectification notice
    has a deadline, then an overdue alert and a follow-up visit."""

    class Kind(models.TextChoices):
        STOP = "stop", _("责令停止违章行为通知书")
        RECTIFY = "rectify", _("违规用水整改通知书")

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    number = models.CharField(_("文书编号"), max_length=20, unique=True)
    content = models.TextField(_("内容"))
    issued_by = models.ForeignKey(
        PERSON, verbose_name=_("开具人"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("开具时间"))
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    signature = models.CharField(_("签名"), max_length=8, choices=Signature.choices, blank=True, default="")
    witness = models.CharField(_("见证人"), max_length=50, blank=True)
    witness_signed = models.BooleanField(_("见证人已签字"), default=False)
    overdue_alerted = models.BooleanField(_("已发逾期提醒"), default=False)
    followed_up_at = models.DateTimeField(_("复查时间"), null=True, blank=True)
    followed_up_by = models.ForeignKey(
        PERSON, verbose_name=_("复查人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    follow_up_result = models.CharField(_("复查结果"), max_length=300, blank=True)
    rectified = models.BooleanField(_("已整改"), null=True, blank=True)

    class Meta:
        verbose_name = _("稽查文书")
        verbose_name_plural = _("稽查文书")
        ordering = ["case", "issued_at", "id"]
        indexes = [
            models.Index(
                fields=["deadline"],
                condition=Q(kind="rectify", followed_up_at__isnull=True),
                name="inspection_notice_due",
            ),
        ]


class PenaltyApproval(TimeStampedModel):
    """《违章登记表》 and 《违章审批表》 (第三条(九)): the facts, the rule broken, the proposed penalty and
    recovery, and the center leader's decision. Amounts on the case are recorded only after approval."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("待审批")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("不予批准")

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="approvals")
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.SUBMITTED)
    # 违章登记表
    facts = models.TextField(_("违章事实"))
    regulation = models.CharField(_("违反条款"), max_length=300)
    proposed_penalty = models.DecimalField(
        _("拟处违约金/罚款（元）"), max_digits=12, decimal_places=2, default=0
    )
    proposed_recovery = models.DecimalField(_("拟追补水费（元）"), max_digits=12, decimal_places=2, default=0)
    proposal = models.TextField(_("处理意见"))
    submitted_by = models.ForeignKey(
        PERSON, verbose_name=_("承办人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报批时间"))
    # 违章审批表
    decided_by = models.ForeignKey(
        PERSON, verbose_name=_("审批领导"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    opinion = models.CharField(_("审批意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("违章审批")
        verbose_name_plural = _("违章审批")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="submitted"), name="inspection_one_pending_approval"
            ),
        ]
        indexes = [models.Index(fields=["state", "submitted_at"], name="inspection_approval_queue")]


class CaseRead(models.Model):
    """Every read of a case file (第三条(十一)): who, when, what (page, print, evidence, API)."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="reads")
    reader = models.ForeignKey(PERSON, verbose_name=_("调阅人"), on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(_("调阅时间"), auto_now_add=True)
    what = models.CharField(_("调阅内容"), max_length=60)

    class Meta:
        verbose_name = _("案卷调阅记录")
        verbose_name_plural = _("案卷调阅记录")
        ordering = ["-read_at"]
        indexes = [models.Index(fields=["case", "-read_at"], name="inspection_read_case")]

    def __str__(self):
        return f"{self.reader} {self.what}"


# ---------------------------------------------------------------- patrols (I4, 第四条(一))


class TargetType(models.TextChoices):
    HYDRANT = "hydrant", _("公共消火栓")
    CONSTRUCTION = "construction", _("基建工地")
    PUBLIC_BODY = "public_body", _("公益单位（市政、环卫、园林绿化）")
    ESTATE = "estate", _("物业小区")
    FACTORY = "factory", _("工矿企业")
    HOTEL = "hotel", _("酒店")
    MARKET = "market", _("农贸市场")


class PatrolPlan(TimeStampedModel):
    """The year's patrol plan (年度计划, 第四条(一)): one per year, lines by area, target type and month."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草拟")
        APPROVED = "approved", _("已批准")

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    drafted_by = models.ForeignKey(
        PERSON, verbose_name=_("编制人"), on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        PERSON, verbose_name=_("批准人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("巡查年度计划")
        verbose_name_plural = _("巡查年度计划")
        ordering = ["-year"]
        permissions = [("approve_patrolplan", "批准巡查年度计划")]

    def __str__(self):
        return f"{self.year}年巡查年度计划"


class PatrolPlanLine(TimeStampedModel):
    plan = models.ForeignKey(
        PatrolPlan, verbose_name=_("年度计划"), on_delete=models.PROTECT, related_name="lines"
    )
    area = models.ForeignKey(ServiceArea, verbose_name=_("片区"), on_delete=models.PROTECT, related_name="+")
    target_type = models.CharField(_("巡查对象"), max_length=16, choices=TargetType.choices)
    month = models.PositiveSmallIntegerField(_("月份"))
    planned = models.PositiveIntegerField(_("计划次数"))

    class Meta:
        verbose_name = _("巡查计划明细")
        verbose_name_plural = _("巡查计划明细")
        ordering = ["plan", "month", "area", "target_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "area", "target_type", "month"], name="inspection_plan_line_unique"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="inspection_plan_month_range"
            ),
        ]


class Patrol(TimeStampedModel):
    """One patrol done (巡查记录): two inspectors at least, an area and target type, what was seen."""

    area = models.ForeignKey(ServiceArea, verbose_name=_("片区"), on_delete=models.PROTECT, related_name="+")
    target_type = models.CharField(_("巡查对象"), max_length=16, choices=TargetType.choices)
    patrolled_on = models.DateField(_("巡查日期"))
    inspectors = models.ManyToManyField(PERSON, verbose_name=_("稽查员"), related_name="+")
    places = models.CharField(_("巡查地点"), max_length=300)
    findings = models.TextField(_("巡查情况"), blank=True)
    recorded_by = models.ForeignKey(
        PERSON, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("巡查记录")
        verbose_name_plural = _("巡查记录")
        ordering = ["-patrolled_on", "-id"]
        indexes = [
            models.Index(fields=["patrolled_on", "area", "target_type"], name="inspection_patrol_month")
        ]

    def __str__(self):
        return f"{self.patrolled_on:%Y-%m-%d} {self.area} {self.get_target_type_display()}巡查"
