"""Counter business as a stage engine (P1–P11): definitions are data, processes are their runs.

A definition has ordered stages; each stage names its responsible department, a deadline in working
days or hours that depends on the customer type, the documents that gate it, the named rule checks
that gate it (kefu.processes.rules) and the forms it prints."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Department, Unit
from kefu.core.models import TimeStampedModel
from kefu.customers.models import Customer


class DeadlineUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("工作日")
    HOURS = "hours", _("小时")
    CALENDAR_DAYS = "days", _("自然日")
    # Due at the time booked with the customer (facts["appointment_at"]), e.g. a counter appointment.
    APPOINTMENT = "appointment", _("按预约时间")
    # Working days from the day the customer obtained the road-opening permit (facts["road_permit_date"],
    # seed 000 ch.10 §7.1: the construction order within 1 working day of the permit); from entering the
    # stage when no road is opened.
    ROAD_PERMIT = "road_permit", _("破路许可后工作日")


class StageRoute(models.TextChoices):
    """Who holds a stage: the center's own desk, a fixed unit (the design office), or the branch company
    of the customer's area (meter removal, collecting a previous holder's arrears)."""

    CENTER = "center", _("客服中心")
    UNIT = "unit", _("指定单位")
    BRANCH = "branch", _("客户所在片区的供水分公司")


class ProcessDefinition(TimeStampedModel):
    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    fee_individual = models.DecimalField(_("个人客户收费（元）"), max_digits=10, decimal_places=2, default=0)
    fee_label = models.CharField(_("收费项目"), max_length=50, blank=True)
    # The business rule holding the fee (kefu.processes.policies), when the fee is one of the seeds'
    # numbers: the 业务规则 page then sets it, and fee_individual is not read.
    fee_rule = models.CharField(
        _("收费标准规则"), max_length=60, blank=True, help_text=_("业务规则的编码，例如勘测设计费")
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("业务定义")
        verbose_name_plural = _("业务定义")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def standard_fee(self) -> Decimal:
        """What an individual customer pays for this business: the named rule's, else the field's."""
        if self.fee_rule:
            from kefu.core.policies import get_decimal_policy

            return get_decimal_policy(self.fee_rule)
        return self.fee_individual


class StageDefinition(TimeStampedModel):
    definition = models.ForeignKey(
        ProcessDefinition, verbose_name=_("业务"), on_delete=models.PROTECT, related_name="stages"
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    code = models.SlugField(_("编码"), max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    responsible = models.CharField(_("责任部门"), max_length=50)
    department = models.ForeignKey(
        Department, verbose_name=_("责任部门（组织）"), null=True, blank=True, on_delete=models.PROTECT
    )
    route = models.CharField(
        _("办理单位"), max_length=10, choices=StageRoute.choices, default=StageRoute.CENTER
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("指定单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("办理单位为「指定单位」时填写，例如设计室"),
    )
    deadline_unit = models.CharField(
        _("时限单位"), max_length=12, choices=DeadlineUnit.choices, default=DeadlineUnit.WORKING_DAYS
    )
    # None: no time limit of its own (the customer's part, e.g. construction by the customer's builder).
    deadline_individual = models.PositiveSmallIntegerField(_("个人客户时限"), null=True, blank=True)
    deadline_unit_customer = models.PositiveSmallIntegerField(_("单位/集群客户时限"), null=True, blank=True)
    # [{"code": "id_card", "name": "身份证复印件", "kinds": ["individual"]}, …]; empty kinds = every kind.
    documents = models.JSONField(_("必备材料"), default=list, blank=True)
    rules = models.JSONField(
        _("规则校验"), default=list, blank=True, help_text=_("kefu.processes.rules 中的规则名")
    )
    forms = models.JSONField(_("打印表单"), default=list, blank=True)
    # Named actions run when the stage is completed (kefu.processes.hooks): tell a branch to collect
    # arrears, issue the connection-point number, ask the meter store for a removal…
    hooks = models.JSONField(
        _("完成时动作"), default=list, blank=True, help_text=_("kefu.processes.hooks 中的动作名")
    )
    customer_kinds = models.JSONField(
        _("适用客户类型"), default=list, blank=True, help_text=_("为空表示所有类型；例如只对单位和集群客户")
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("业务环节")
        verbose_name_plural = _("业务环节")
        ordering = ["definition_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "order"], name="stage_order_unique"),
            models.UniqueConstraint(fields=["definition", "code"], name="stage_code_unique"),
        ]

    def __str__(self):
        return f"{self.definition.name} · {self.name}"

    def applies_to(self, kind: str) -> bool:
        return not self.customer_kinds or kind in self.customer_kinds

    def deadline_for(self, kind: str) -> int | None:
        return self.deadline_individual if kind == Customer.Kind.INDIVIDUAL else self.deadline_unit_customer

    def documents_for(self, kind: str) -> list[dict]:
        return [doc for doc in self.documents if not doc.get("kinds") or kind in doc["kinds"]]


class ProcessState(models.TextChoices):
    ACTIVE = "active", _("办理中")
    SUSPENDED = "suspended", _("已暂停")
    REJECTED = "rejected", _("不予受理")
    COMPLETED = "completed", _("已办结")


class Process(TimeStampedModel):
    State = ProcessState

    number = models.CharField(_("业务编号"), max_length=20, unique=True, null=True, editable=False)
    definition = models.ForeignKey(
        ProcessDefinition, verbose_name=_("业务"), on_delete=models.PROTECT, related_name="processes"
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("客户"),
        on_delete=models.PROTECT,
        related_name="processes",
        db_index=False,  # process_customer_idx leads with customer
    )
    customer_kind = models.CharField(_("客户类型"), max_length=12, choices=Customer.Kind.choices)
    state = models.CharField(
        _("状态"), max_length=12, choices=ProcessState.choices, default=ProcessState.ACTIVE
    )
    current_stage = models.ForeignKey(
        StageDefinition,
        verbose_name=_("当前环节"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_at = models.DateTimeField(_("当前环节时限"), null=True, blank=True)
    # The unit holding the current stage when it is not the center's own (the design office, a branch):
    # its staff see and act on the process only while it is there.
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("当前办理单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The application's facts the rules read: pressure, calibers, building status… (set by the clerk).
    facts = models.JSONField(_("申请信息"), default=dict, blank=True)
    fee = models.DecimalField(_("已收费用（元）"), max_digits=10, decimal_places=2, default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受理人"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # process_started_by_idx leads with it
    )
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    reason = models.TextField(_("不予受理/暂停原因"), blank=True)

    class Meta:
        verbose_name = _("业务办理")
        verbose_name_plural = _("业务办理")
        ordering = ["-id"]
        permissions = [
            ("approve_process", _("审批业务的暂停、延期和退费")),
            ("handle_stage", _("办理本单位负责的业务环节")),
            ("sign_application", _("以客服中心负责人身份审核签字单位、集群用水申请")),
        ]
        indexes = [
            models.Index(
                fields=["current_stage", "due_at"],
                name="process_stage_queue_idx",
                condition=Q(state="active"),
            ),
            models.Index(
                fields=["unit", "due_at"], name="process_unit_queue_idx", condition=Q(state="active")
            ),
            # a department's queue spans several stages: walk active processes in due order and keep
            # those at its stages, reading the stage from the index itself
            models.Index(
                fields=["due_at", "id"],
                name="process_due_idx",
                include=["current_stage"],
                condition=Q(state="active"),
            ),
            # the clerk's day: what this clerk took in today
            models.Index(fields=["started_by", "created_at"], name="process_started_by_idx"),
            models.Index(fields=["customer", "-id"], name="process_customer_idx"),
            # the dashboard's counter figures: taken in and completed in a date range, all businesses
            models.Index(fields=["created_at"], name="process_created_idx"),
            models.Index(
                fields=["completed_at"], name="process_completed_at_idx", condition=Q(state="completed")
            ),
            # the monthly registers (P11): completed processes of one business in a month
            models.Index(
                fields=["definition", "completed_at"],
                name="process_completed_idx",
                condition=Q(state="completed"),
            ),
        ]

    def __str__(self):
        return self.number or f"业务{self.pk}"


class StageRun(TimeStampedModel):
    """One pass through a stage: entered, due, left (advanced, returned or rejected)."""

    class Outcome(models.TextChoices):
        ADVANCED = "advanced", _("完成")
        RETURNED = "returned", _("退回")
        REJECTED = "rejected", _("不予受理")

    process = models.ForeignKey(
        Process, verbose_name=_("业务"), on_delete=models.PROTECT, related_name="runs"
    )
    stage = models.ForeignKey(
        StageDefinition, verbose_name=_("环节"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("进入时间"))
    due_at = models.DateTimeField(_("时限"), null=True, blank=True)
    deadline_warnings = models.JSONField(_("时限提示"), default=list, blank=True)
    extended_days = models.PositiveSmallIntegerField(_("已延期工作日"), default=0)
    left_at = models.DateTimeField(_("离开时间"), null=True, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices, blank=True)
    left_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("环节办理")
        verbose_name_plural = _("环节办理")
        # by the column, not the relation: ordering by "process" would join processes for their ordering
        ordering = ["process_id", "entered_at", "id"]
        # the daily report counts the stages left on a day
        indexes = [models.Index(fields=["left_at"], name="stagerun_left_idx")]

    def __str__(self):
        return f"{self.process} · {self.stage.name}"


class ProcessDocument(TimeStampedModel):
    """A document received for a process (checked off the stage's checklist; a file when scanned)."""

    process = models.ForeignKey(
        Process, verbose_name=_("业务"), on_delete=models.PROTECT, related_name="documents"
    )
    code = models.CharField(_("材料编码"), max_length=40)
    name = models.CharField(_("材料名称"), max_length=100)
    file = models.FileField(_("扫描件"), upload_to="processes/%Y/%m/", blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("收件人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("业务材料")
        verbose_name_plural = _("业务材料")
        ordering = ["process_id", "id"]

    def __str__(self):
        return self.name


class Approval(TimeStampedModel):
    """A leader's decision on a suspension, an extension or a refund (P1: the fee is refunded through an
    approval when the application is ineligible)."""

    class Kind(models.TextChoices):
        EXTEND = "extend", _("延期")
        SUSPEND = "suspend", _("暂停")
        REFUND = "refund", _("退费")

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        DECLINED = "declined", _("未批准")

    process = models.ForeignKey(
        Process, verbose_name=_("业务"), on_delete=models.PROTECT, related_name="approvals"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    days = models.PositiveSmallIntegerField(_("延期工作日"), default=0)
    amount = models.DecimalField(_("退费金额（元）"), max_digits=10, decimal_places=2, default=0)
    reason = models.TextField(_("理由"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("审批")
        verbose_name_plural = _("审批")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.process} {self.get_kind_display()}"
