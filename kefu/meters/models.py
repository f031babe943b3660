"""The meter store and the meters' working life (M1–M8, seed 000 ch.4 水表管理制度).

New meters are rows of the store (StockMeter) from goods-in to fitting; a fitted meter becomes the
archive's meter (kefu.customers.Meter), which stays the one record of a meter in service. Replacements
(逾龄 and 急换), the issue forms, old-meter returns, acceptances and the store's tasks from counter
business are rows here, each with its history in the core event log. Nothing is deleted: a row moves
through its states."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Unit
from kefu.core.models import TimeStampedModel
from kefu.customers.models import Customer, Meter


class Purpose(models.TextChoices):
    """What an issued meter is for; decides the papers the store asks for (ch.4 §3.2, §4.3.2)."""

    NEW_CONNECTION = "new_connection", _("新开户（新接水点）")
    CAPACITY_CHANGE = "capacity_change", _("增容、减容")
    TEMPORARY_USE = "temporary_use", _("临时用水")
    COMPENSATION = "compensation", _("赔表")
    RESUMPTION = "resumption", _("复水")
    AGE_REPLACEMENT = "age_replacement", _("逾龄换表")
    URGENT_REPLACEMENT = "urgent_replacement", _("急换水表")


# Issues after which the joint acceptance is due (ch.4 §6.1: new installs, temporary use, capacity change).
ACCEPTED_PURPOSES = [Purpose.NEW_CONNECTION, Purpose.CAPACITY_CHANGE, Purpose.TEMPORARY_USE]
REPLACEMENT_PURPOSES = [Purpose.AGE_REPLACEMENT, Purpose.URGENT_REPLACEMENT]


class PurchasePlan(TimeStampedModel):
    """水表购置计划 (M1, ch.4 §1): yearly, monthly or supplementary, drafted by the store keeper from the
    needs the system computes, approved by the center head and then the investment department."""

    class Kind(models.TextChoices):
        YEARLY = "yearly", _("年计划")
        MONTHLY = "monthly", _("月计划")
        SUPPLEMENTARY = "supplementary", _("追加计划")

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待中心负责人审核")
        CENTER_APPROVED = "center_approved", _("待投资管理部审批")
        APPROVED = "approved", _("已批准，采购中")
        RECEIVED = "received", _("已到货")
        RETURNED = "returned", _("已退回")

    number = models.CharField(_("计划编号"), max_length=20, unique=True)
    kind = models.CharField(_("计划类型"), max_length=16, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("编制人"), on_delete=models.PROTECT, related_name="+"
    )
    center_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("中心审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    center_approved_at = models.DateTimeField(_("中心审核时间"), null=True, blank=True)
    approved_on = models.DateField(_("投资管理部批准日期"), null=True, blank=True)
    approval_reference = models.CharField(_("批文号"), max_length=50, blank=True)
    purchase_due = models.DateField(_("采购完成期限"), null=True, blank=True)
    received_on = models.DateField(_("到货日期"), null=True, blank=True)
    overdue_alerted = models.BooleanField(_("已发逾期提醒"), default=False)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("水表购置计划")
        verbose_name_plural = _("水表购置计划")
        permissions = [
            ("approve_purchaseplan", "审核水表购置计划（中心负责人）"),
            ("record_investment_approval", "登记投资管理部审批"),
        ]
        ordering = ["-year", "-month", "-id"]
        indexes = [models.Index(fields=["state", "purchase_due"], name="meters_plan_state_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12), name="meters_plan_month"
            ),
        ]

    def __str__(self):
        return self.number


class PurchasePlanLine(models.Model):
    """One caliber of a purchase plan: the four computed needs (ch.4 §1.1) and the quantity asked."""

    plan = models.ForeignKey(PurchasePlan, on_delete=models.PROTECT, related_name="lines")
    caliber_dn = models.PositiveSmallIntegerField(_("口径DN"))
    replacements = models.PositiveIntegerField(_("逾龄换表"), default=0)
    new_connections = models.PositiveIntegerField(_("设计查勘（新装）"), default=0)
    renovations = models.PositiveIntegerField(_("户表改造"), default=0)
    stock_shortfall = models.PositiveIntegerField(_("低于库存下限"), default=0)
    quantity = models.PositiveIntegerField(_("计划数量"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("购置计划明细")
        verbose_name_plural = _("购置计划明细")
        ordering = ["plan", "caliber_dn"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "caliber_dn"], name="meters_plan_line_caliber"),
        ]

    def __str__(self):
        return f"DN{self.caliber_dn} × {self.quantity}"


class GoodsReceipt(TimeStampedModel):
    """入库验收单 (M2, ch.4 §2): one delivery; each meter on it is checked and signed for."""

    number = models.CharField(_("入库单号"), max_length=20, unique=True)
    purchase_plan = models.ForeignKey(
        PurchasePlan,
        verbose_name=_("购置计划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="receipts",
    )
    supplier = models.CharField(_("送货单位"), max_length=100, default="物贸公司")
    received_on = models.DateField(_("入库日期"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("验收人"), on_delete=models.PROTECT, related_name="+"
    )
    refused = models.JSONField(_("拒收记录"), default=list, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("水表入库单")
        verbose_name_plural = _("水表入库单")
        ordering = ["-received_on", "-id"]

    def __str__(self):
        return self.number


class StockMeter(TimeStampedModel):
    """A new meter of the store, from goods-in to fitting; its archive meter once fitted."""

    class State(models.TextChoices):
        IN_STOCK = "in_stock", _("在库")
        ISSUED = "issued", _("已领出")
        FITTED = "fitted", _("已安装")
        OLD_RETURNED = "old_returned", _("旧表已回收")
        SCRAPPED = "scrapped", _("已报废")
        COMPENSATED = "compensated", _("已赔偿")

    number = models.CharField(_("表号"), max_length=30, unique=True)
    caliber_dn = models.PositiveSmallIntegerField(_("口径DN"))
    model = models.CharField(_("型号"), max_length=50)
    maker = models.CharField(_("生产厂家"), max_length=100)
    batch = models.CharField(_("批次"), max_length=50, blank=True)
    certificate_no = models.CharField(_("检定合格证号"), max_length=50)
    certificate_date = models.DateField(_("检定日期"))
    receipt = models.ForeignKey(
        GoodsReceipt, verbose_name=_("入库单"), on_delete=models.PROTECT, related_name="meters"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("验收签字人"), on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("验收签字时间"))
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.IN_STOCK)
    archive_meter = models.OneToOneField(
        Meter,
        verbose_name=_("档案水表"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_record",
    )

    class Meta:
        verbose_name = _("库存水表")
        verbose_name_plural = _("库存水表")
        ordering = ["caliber_dn", "number"]
        indexes = [models.Index(fields=["state", "caliber_dn"], name="meters_stock_state_caliber")]
        constraints = [
            models.CheckConstraint(condition=~Q(certificate_no=""), name="meters_stock_has_certificate"),
        ]

    def __str__(self):
        return f"{self.number}（DN{self.caliber_dn}）"


class Stocktake(TimeStampedModel):
    """月末盘存 (ch.4 §3.1): a count sheet per caliber on the month's last working day."""

    class State(models.TextChoices):
        COUNTING = "counting", _("盘点中")
        CLOSED = "closed", _("已完成")

    month = models.DateField(_("月份（当月1日）"), unique=True)
    taken_on = models.DateField(_("盘存日期"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.COUNTING)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("盘点人"), on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("月末盘存")
        verbose_name_plural = _("月末盘存")
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%Y年%m月}盘存"


class StocktakeLine(models.Model):
    stocktake = models.ForeignKey(Stocktake, on_delete=models.PROTECT, related_name="lines")
    caliber_dn = models.PositiveSmallIntegerField(_("口径DN"))
    book_count = models.PositiveIntegerField(_("账面数"))
    counted_count = models.PositiveIntegerField(_("实盘数"), null=True, blank=True)
    reason = models.CharField(_("差异原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("盘存明细")
        verbose_name_plural = _("盘存明细")
        ordering = ["stocktake", "caliber_dn"]
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "caliber_dn"], name="meters_stocktake_caliber"),
        ]

    def __str__(self):
        return f"DN{self.caliber_dn}"

    @property
    def difference(self) -> int | None:
        return None if self.counted_count is None else self.counted_count - self.book_count


class IssueAppointment(TimeStampedModel):
    """A bulk collection booked the day before (ch.4 §3.2.1): at most one a day per branch, ≤ 50 meters."""

    class State(models.TextChoices):
        BOOKED = "booked", _("已预约")
        COLLECTED = "collected", _("已领取")
        CANCELLED = "cancelled", _("已取消")

    branch = models.ForeignKey(Unit, verbose_name=_("供水分公司"), on_delete=models.PROTECT, related_name="+")
    collect_on = models.DateField(_("领表日期"))
    quantity = models.PositiveSmallIntegerField(_("预约数量"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.BOOKED)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("预约人"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("领表预约")
        verbose_name_plural = _("领表预约")
        ordering = ["-collect_on", "branch"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "collect_on"],
                condition=~Q(state="cancelled"),
                name="meters_one_collection_a_day",
            ),
        ]

    def __str__(self):
        return f"{self.branch} {self.collect_on} 领表{self.quantity}只"


class ReplacementPlan(TimeStampedModel):
    """A branch's monthly age-based replacement plan (ch.4 §4.1.2), approved by the center."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待中心审批")
        APPROVED = "approved", _("已批准")
        RETURNED = "returned", _("已退回")

    branch = models.ForeignKey(Unit, verbose_name=_("供水分公司"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("逾龄换表月计划")
        verbose_name_plural = _("逾龄换表月计划")
        permissions = [("approve_replacementplan", "审批分公司逾龄换表计划")]
        ordering = ["-year", "-month", "branch"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "year", "month"], name="meters_one_plan_a_month"),
        ]

    def __str__(self):
        return f"{self.branch} {self.year}年{self.month}月逾龄换表计划"


class MeterIssue(TimeStampedModel):
    """领表单 (M3): one meter on one form, for one purpose, against one application card."""

    number = models.CharField(_("领表单号"), max_length=20, unique=True)
    purpose = models.CharField(_("用途"), max_length=20, choices=Purpose.choices)
    branch = models.ForeignKey(Unit, verbose_name=_("供水分公司"), on_delete=models.PROTECT, related_name="+")
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("领表人"), on_delete=models.PROTECT, related_name="+"
    )
    stock_meter = models.OneToOneField(
        StockMeter, verbose_name=_("新表"), on_delete=models.PROTECT, related_name="issue"
    )
    application_card = models.CharField(_("申请卡/换表单编号"), max_length=40, unique=True)
    papers = models.JSONField(_("已核验凭据"), default=list)
    process = models.ForeignKey(
        "processes.Process",
        verbose_name=_("窗口业务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appointment = models.ForeignKey(
        IssueAppointment,
        verbose_name=_("预约"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issues",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发表人"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("领表时间"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("领表单")
        verbose_name_plural = _("领表单")
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["branch", "-issued_at"], name="meters_issue_branch_at"),
            models.Index(fields=["-issued_at"], name="meters_issue_at"),
        ]

    def __str__(self):
        return self.number


class Replacement(TimeStampedModel):
    """换表 (M4–M6): an age-based replacement of a monthly plan or an urgent one (换表报核单), from the
    plan or the report to the fitted meter and the old meter back in the store."""

    class Kind(models.TextChoices):
        AGE = "age", _("逾龄换表")
        URGENT = "urgent", _("急换")

    class Fault(models.TextChoices):
        STOPPED = "stopped", _("停走")
        STICKING = "sticking", _("滞行")
        NO_SEAL = "no_seal", _("无铅封")
        UNREADABLE_FACE = "unreadable_face", _("黑面（表面不清）")
        CANNOT_READ = "cannot_read", _("无法正常抄收")

    class State(models.TextChoices):
        REPORTED = "reported", _("待中心核查")
        REJECTED = "rejected", _("核查不属实")
        TO_ISSUE = "to_issue", _("待领表")
        ISSUED = "issued", _("已领表待换")
        STOPPED = "stopped", _("停止更换")
        FITTED = "fitted", _("已换表待交旧表")
        CLOSED = "closed", _("旧表已交回")

    number = models.CharField(_("换表单号"), max_length=20, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices)
    meter = models.ForeignKey(
        Meter, verbose_name=_("旧表"), on_delete=models.PROTECT, related_name="replacements"
    )
    branch = models.ForeignKey(Unit, verbose_name=_("供水分公司"), on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(
        ReplacementPlan,
        verbose_name=_("月计划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replacements",
    )
    plan_reading = models.DecimalField(
        _("换表单抄表底数（m³）"), max_digits=12, decimal_places=1, null=True, blank=True
    )
    # -- urgent (M5): the report and the center's verification
    fault = models.CharField(_("故障情况"), max_length=20, choices=Fault.choices, blank=True)
    fault_note = models.CharField(_("故障说明"), max_length=200, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("报核时间"), null=True, blank=True)
    verify_due = models.DateField(_("核查期限"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("核查时间（通知分公司）"), null=True, blank=True)
    verification_note = models.CharField(_("核查意见"), max_length=200, blank=True)
    # -- the replacement itself (M6)
    replace_due = models.DateField(_("换表期限"), null=True, blank=True)
    delay_reason = models.CharField(_("不能按时完成的原因"), max_length=200, blank=True)
    issue = models.OneToOneField(
        MeterIssue,
        verbose_name=_("领表单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replacement",
    )
    new_meter_number = models.CharField(_("新表表号（领表时登记）"), max_length=30, blank=True)
    old_reading = models.DecimalField(
        _("旧表行度（m³）"), max_digits=12, decimal_places=1, null=True, blank=True
    )
    new_seal_intact = models.BooleanField(_("新表铅封完好"), null=True, blank=True)
    customer_signed_name = models.CharField(_("用户签收人"), max_length=50, blank=True)
    customer_signature = models.TextField(_("用户签名（图像）"), blank=True)
    notice_signed_at = models.DateTimeField(_("换表通知书签收时间"), null=True, blank=True)
    fitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("换表员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    fitted_at = models.DateTimeField(_("换表时间"), null=True, blank=True)
    new_meter = models.OneToOneField(
        Meter,
        verbose_name=_("新表（档案）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_from",
    )
    stop_reason = models.CharField(_("停止更换原因"), max_length=200, blank=True)
    substitution_note = models.CharField(_("同口径替代（口头报告记录）"), max_length=200, blank=True)
    overdue_alerted = models.BooleanField(_("已发逾期提醒"), default=False)

    class Meta:
        verbose_name = _("换表")
        verbose_name_plural = _("换表")
        permissions = [
            ("verify_replacement", "核查急换报核单"),
            ("fit_replacement", "登记换表（换表员）"),
        ]
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["branch", "state"], name="meters_repl_branch_state"),
            models.Index(fields=["state", "replace_due"], name="meters_repl_state_due"),
        ]
        constraints = [
            # One replacement at a time per meter: a second report or plan line for it is refused.
            models.UniqueConstraint(
                fields=["meter"],
                condition=Q(state__in=["reported", "to_issue", "issued", "stopped", "fitted"]),
                name="meters_one_open_replacement",
            ),
        ]

    def __str__(self):
        return self.number


class MeterWork(TimeStampedModel):
    """表务任务: what counter business asks of the store (processes' `meter_work_requested`): a removal
    (拆表任务单, the old meter comes back) or an issue (改表领表单, a meter goes out)."""

    class Kind(models.TextChoices):
        REMOVE = "remove", _("拆表任务单")
        ISSUE = "issue", _("改表领表单")

    class State(models.TextChoices):
        OPEN = "open", _("待办")
        DONE = "done", _("已完成")

    process = models.ForeignKey(
        "processes.Process", verbose_name=_("窗口业务"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    customer = models.ForeignKey(Customer, verbose_name=_("客户"), on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(Unit, verbose_name=_("供水分公司"), on_delete=models.PROTECT, related_name="+")
    meter = models.ForeignKey(
        Meter, verbose_name=_("拆除的水表"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    renovation = models.BooleanField(_("户表改造（销集体户、单位户）"), default=False)
    due_on = models.DateField(_("期限"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    overdue_alerted = models.BooleanField(_("已发逾期提醒"), default=False)

    class Meta:
        verbose_name = _("表务任务")
        verbose_name_plural = _("表务任务")
        ordering = ["state", "due_on", "id"]
        indexes = [models.Index(fields=["branch", "state", "due_on"], name="meters_work_branch_state")]
        constraints = [
            models.UniqueConstraint(fields=["process", "kind"], name="meters_one_work_per_process_kind"),
        ]


class OldMeterReturn(TimeStampedModel):
    """旧表回收 (M7, ch.4 §5): a removed meter back in the store, one for one, with its reading and seal."""

    class Disposition(models.TextChoices):
        KEPT = "kept", _("按区域保存复核")
        RELEASED = "released", _("已放行")
        SCRAPPED = "scrapped", _("已报废")
        COMPENSATION = "compensation", _("赔表处理")

    number = models.CharField(_("回收单号"), max_length=20, unique=True)
    meter = models.OneToOneField(
        Meter, verbose_name=_("旧表"), on_delete=models.PROTECT, related_name="old_return"
    )
    branch = models.ForeignKey(Unit, verbose_name=_("供水分公司"), on_delete=models.PROTECT, related_name="+")
    replacement = models.OneToOneField(
        Replacement,
        verbose_name=_("换表单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="old_return",
    )
    work = models.OneToOneField(
        MeterWork,
        verbose_name=_("拆表任务单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="old_return",
    )
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("交表人"), on_delete=models.PROTECT, related_name="+"
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("收表人"), on_delete=models.PROTECT, related_name="+"
    )
    returned_on = models.DateField(_("交回日期"))
    recorded_at = models.DateTimeField(_("录入时间"))
    # Entered after meters.old_meter_entry_working_days working days of returned_on (ch.4 §5.7): recorded
    # all the same, flagged for the list's 「录入超期」 filter (migration 0002_returns_late_entry).
    late_entry = models.BooleanField(_("录入超期"), default=False)
    due_on = models.DateField(_("交回期限"), null=True, blank=True)
    reading = models.DecimalField(_("旧表行度（m³）"), max_digits=12, decimal_places=1, null=True, blank=True)
    seal_state = models.CharField(_("铅封情况"), max_length=16, choices=Meter.SealState.choices)
    damaged = models.BooleanField(_("有人为损坏痕迹"), default=False)
    damage_note = models.CharField(_("损坏情况"), max_length=200, blank=True)
    keep_until = models.DateField(_("保存至"), null=True, blank=True)
    disposition = models.CharField(
        _("处置"), max_length=16, choices=Disposition.choices, default=Disposition.KEPT
    )
    released_at = models.DateTimeField(_("放行时间"), null=True, blank=True)
    label_printed_at = models.DateTimeField(_("标签打印时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("旧表回收")
        verbose_name_plural = _("旧表回收")
        ordering = ["-returned_on", "-id"]
        indexes = [
            models.Index(fields=["branch", "-returned_on"], name="meters_return_branch_on"),
            models.Index(fields=["disposition", "keep_until"], name="meters_return_keep"),
        ]

    def __str__(self):
        return self.number


class CompensationCase(TimeStampedModel):
    """赔表 (ch.4 §5.2): an old meter with signs of deliberate damage; the branch settles it."""

    class State(models.TextChoices):
        OPEN = "open", _("待处理")
        SETTLED = "settled", _("已赔偿")

    number = models.CharField(_("赔表单号"), max_length=20, unique=True)
    old_return = models.OneToOneField(
        OldMeterReturn, verbose_name=_("旧表回收"), on_delete=models.PROTECT, related_name="compensation"
    )
    branch = models.ForeignKey(Unit, verbose_name=_("供水分公司"), on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    settled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("赔表")
        verbose_name_plural = _("赔表")
        ordering = ["state", "-id"]

    def __str__(self):
        return self.number


class Acceptance(TimeStampedModel):
    """新水表验收 (M8, ch.4 §6): branch and center accept a new install jointly within a month of issue."""

    class State(models.TextChoices):
        PENDING = "pending", _("待验收")
        PASSED = "passed", _("验收合格")
        FAILED = "failed", _("验收不合格")

    issue = models.OneToOneField(
        MeterIssue, verbose_name=_("领表单"), on_delete=models.PROTECT, related_name="acceptance"
    )
    branch = models.ForeignKey(Unit, verbose_name=_("供水分公司"), on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("验收期限"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    branch_signer = models.CharField(_("分公司验收人"), max_length=50, blank=True)
    center_signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("中心验收人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("验收意见"), max_length=200, blank=True)
    overdue_alerted = models.BooleanField(_("已发逾期提醒"), default=False)

    class Meta:
        verbose_name = _("水表验收")
        verbose_name_plural = _("水表验收")
        ordering = ["state", "due_on", "id"]
        indexes = [models.Index(fields=["branch", "state", "due_on"], name="meters_accept_branch_state")]


class TrackingTask(TimeStampedModel):
    """稽查任务 from the meters (ch.4 §4.2.3): verify an urgent report, or follow a replaced faulty
    meter's usage. The inspection app (issue 17) takes them over through `inspection_task_created`."""

    class Kind(models.TextChoices):
        VERIFICATION = "verification", _("急换核查")
        USAGE = "usage", _("换表后用水跟踪")

    class State(models.TextChoices):
        OPEN = "open", _("待办")
        DONE = "done", _("已完成")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    replacement = models.ForeignKey(
        Replacement, verbose_name=_("换表单"), on_delete=models.PROTECT, related_name="tracking_tasks"
    )
    due_on = models.DateField(_("期限"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("完成人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    note = models.CharField(_("结果"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("稽查跟踪任务")
        verbose_name_plural = _("稽查跟踪任务")
        ordering = ["state", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["replacement", "kind"], name="meters_one_task_per_kind"),
        ]
