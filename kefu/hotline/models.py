"""Hotline and work orders (H1–H14, W1–W5): contacts, their categories and handling rules, the work
orders that carry a transferred matter to a responsible unit, callbacks, return visits and alerts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Role, ServiceArea, Team, Unit
from kefu.core.models import TimeStampedModel
from kefu.customers.models import Customer


class Channel(models.TextChoices):
    PHONE = "phone", _("电话")
    COUNTER = "counter", _("窗口")
    VISIT = "visit", _("来访")
    WEB = "web", _("网站/自助")
    EMAIL = "email", _("电子邮件")
    FAX = "fax", _("传真")
    MEDIA = "media", _("新闻媒体")
    AUTHORITY = "authority", _("上级部门")


class Priority(models.TextChoices):
    NORMAL = "normal", _("一般")
    IMPORTANT = "important", _("重要")
    URGENT = "urgent", _("紧急")


class Category(TimeStampedModel):
    """A category of contact and its handling rule (H3). Rows are configuration: the shipped ones are
    created by a data migration and an administrator may edit them or add more."""

    class Route(models.TextChoices):
        NONE = "none", _("不转办")
        BRANCH_BY_AREA = "branch_by_area", _("按片区转供水分公司")
        UNIT_KIND = "unit_kind", _("转指定类型的责任单位")
        LEADERSHIP = "leadership", _("转部门负责人或中心负责人")

    class Disposition(models.TextChoices):
        ANSWER = "answer", _("当即答复")
        TRANSFER = "transfer", _("转办")
        CLOSE = "close", _("记录后关闭")

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    description = models.CharField(_("处理规则说明"), max_length=300, blank=True)
    route = models.CharField(_("转办去向"), max_length=20, choices=Route.choices, default=Route.NONE)
    target_unit_kind = models.CharField(
        _("目标单位类型"), max_length=20, choices=Unit.Kind.choices, blank=True
    )
    default_disposition = models.CharField(
        _("默认处理方式"), max_length=10, choices=Disposition.choices, default=Disposition.ANSWER
    )
    may_answer = models.BooleanField(_("可当即答复结案"), default=True)
    may_transfer = models.BooleanField(_("可转办"), default=False)
    may_follow_up = models.BooleanField(_("可坐席跟进后答复"), default=False)
    answer_hint = models.CharField(
        _("当即答复提示"),
        max_length=200,
        blank=True,
        help_text=_("例如：报修属客户内部故障时，指导客户排除后结案"),
    )
    deadline_amount = models.PositiveIntegerField(_("办理时限"), default=3)
    deadline_unit = models.CharField(
        _("时限单位"),
        max_length=12,
        choices=[("hours", _("小时")), ("working_days", _("工作日"))],
        default="working_days",
    )
    escalate_priorities = models.JSONField(
        _("立即上报领导的紧急程度"), default=list, blank=True, help_text=_('例如 ["important", "urgent"]')
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    @property
    def deadline_label(self) -> str:
        unit = "小时" if self.deadline_unit == "hours" else "个工作日"
        return f"{self.deadline_amount}{unit}"


class ContactQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Center staff see every contact; a responsible unit sees those whose work order it may open,
        # by the work orders' own rule (its orders and those it co-handles), so that no list shows a
        # contact whose order the detail page would refuse, nor hides one it would show.
        if user.role == Role.UNIT_STAFF:
            if not user.unit_id:
                return self.none()
            # A repeat contact (repeat_of) is the unit's to read when the order it was linked to is.
            orders = WorkOrder.objects.visible_to(user).values("pk")
            return self.filter(Q(work_order__in=orders) | Q(repeat_of__in=orders))
        return self


class Contact(TimeStampedModel):
    """One contact (来电来访登记, H1/H2), whatever its outcome."""

    class Disposition(models.TextChoices):
        ANSWERED = "answered", _("已当即答复")
        FOLLOW_UP = "follow_up", _("坐席跟进后答复")
        TRANSFERRED = "transferred", _("已转办")
        CLOSED = "closed", _("记录后关闭")
        # 重复来电 (H16): linked to the caller's open order (repeat_of) instead of opening another.
        REPEAT = "repeat", _("并入在办工单")

    number = models.CharField(_("受理编号"), max_length=20, unique=True)
    received_on = models.DateField(_("受理日期"))
    sequence = models.PositiveIntegerField(_("当日序号"))
    received_at = models.DateTimeField(_("受理时间"))
    channel = models.CharField(_("渠道"), max_length=12, choices=Channel.choices, default=Channel.PHONE)
    # No single-column indexes on agent, category, customer: the composite indexes below lead with them.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("值班坐席"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    team = models.ForeignKey(
        Team, verbose_name=_("班组"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("客户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
        db_index=False,
    )
    caller_name = models.CharField(_("客户姓名"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    service_area = models.ForeignKey(
        ServiceArea,
        verbose_name=_("服务片区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    matter = models.TextField(_("事项"))
    # The matter as first recorded: corrections change `matter` and are events; this never changes (H2).
    original_matter = models.TextField(_("原始记录"), editable=False)
    category = models.ForeignKey(
        Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    suggested_category = models.ForeignKey(
        Category,
        verbose_name=_("系统建议类别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    suggestion_confidence = models.FloatField(_("建议置信度"), null=True, blank=True)
    priority = models.CharField(
        _("紧急程度"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    disposition = models.CharField(_("处理方式"), max_length=12, choices=Disposition.choices)
    result = models.TextField(_("处理结果"), blank=True)
    transferred_at = models.DateTimeField(_("转办时间"), null=True, blank=True)
    transferred_to = models.ForeignKey(
        Unit, verbose_name=_("转办单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The PBX's identifier of the call: one call is recorded once (unique where given, see Meta).
    call_id = models.CharField(_("通话标识"), max_length=64, blank=True)
    # The key the agent's form or the API client sent with the request that recorded this contact: a
    # repeat of that request (double click, retry after a timeout) finds this row instead of recording
    # the call again. Unique per agent, so one user's key never answers with another user's contact.
    idempotency_key = models.CharField(_("幂等键"), max_length=64, blank=True, default="", editable=False)
    # Space-separated search tokens (words and character bigrams) kept by the services; see kefu.fulltext.
    search_text = models.TextField(editable=False, blank=True, default="")
    # 重复来电 (H1, W1): the open order this contact was about, when the same number or customer called
    # again within hotline.repeat_window_days; the contact is linked to it instead of opening a new order.
    repeat_of = models.ForeignKey(
        "WorkOrder",
        verbose_name=_("重复来电所属工单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeat_contacts",
    )

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("来电来访登记")
        verbose_name_plural = _("来电来访登记")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["received_on", "sequence"], name="contact_day_sequence_unique"),
            # Partial: most contacts (counter, web, typed by hand) have no call id.
            models.UniqueConstraint(
                fields=["call_id"], condition=~Q(call_id=""), name="contact_call_id_unique"
            ),
            models.UniqueConstraint(
                fields=["agent", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="contact_agent_idempotency_unique",
            ),
        ]
        indexes = [
            # The KPI worker finds the days to recompute by what changed since its watermark.
            models.Index(fields=["updated_at"], name="contact_updated_idx"),
            models.Index(fields=["-received_at", "-id"], name="contact_received_idx"),
            models.Index(fields=["customer", "-received_at"], name="contact_customer_idx"),
            models.Index(fields=["phone", "-received_at"], name="contact_phone_idx"),
            models.Index(fields=["agent", "-received_at"], name="contact_agent_idx"),
            models.Index(fields=["category", "-received_at"], name="contact_category_idx"),
        ]

    def __str__(self):
        return self.number

    @property
    def transfer_minutes(self) -> float | None:
        if not self.transferred_at:
            return None
        return (self.transferred_at - self.received_at).total_seconds() / 60


class WorkOrderState(models.TextChoices):
    NEW = "new", _("新建")
    TRANSFERRED = "transferred", _("已转办")
    ACCEPTED = "accepted", _("已受理")
    RETURNED = "returned", _("已退回")
    REPLIED = "replied", _("已回复")
    CALLED_BACK = "called_back", _("已回访客户")
    CLOSED = "closed", _("已办结")
    REOPENED = "reopened", _("已重新打开")


OPEN_STATES = [s for s in WorkOrderState.values if s != WorkOrderState.CLOSED]


class WorkOrderQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Center staff see every order; unit staff their unit's orders and those it co-handles."""
        if user.role == Role.UNIT_STAFF:
            if not user.unit_id:
                return self.none()
            # A subquery rather than a join + DISTINCT: same rows, a fraction of the planning time.
            co_handled = WorkOrder.co_units.through.objects.filter(unit_id=user.unit_id).values(
                "workorder_id"
            )
            return self.filter(Q(unit_id=user.unit_id) | Q(id__in=co_handled))
        return self

    def open(self):
        return self.exclude(state=WorkOrderState.CLOSED)


class WorkOrder(TimeStampedModel):
    """A matter that needs someone after the call (W1). The owner is the agent who took the contact
    (首问负责制, H7) until it is closed; every hand-over is an event."""

    State = WorkOrderState

    number = models.CharField(_("工单编号"), max_length=20, unique=True)
    contact = models.OneToOneField(
        Contact, verbose_name=_("来电来访登记"), on_delete=models.PROTECT, related_name="work_order"
    )
    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("状态"), max_length=12, choices=WorkOrderState.choices, default=WorkOrderState.NEW
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("首问责任人"),
        on_delete=models.PROTECT,
        related_name="owned_work_orders",
        db_index=False,  # wo_owner_queue_idx leads with owner
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_orders",
        db_index=False,  # wo_unit_queue_idx leads with unit
    )
    co_units = models.ManyToManyField(
        Unit, verbose_name=_("协办单位"), blank=True, related_name="co_work_orders"
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("客户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_orders",
        db_index=False,  # wo_customer_idx leads with customer
    )
    service_area = models.ForeignKey(
        ServiceArea,
        verbose_name=_("服务片区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    priority = models.CharField(
        _("紧急程度"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    deadline = models.DateTimeField(_("办理时限"))
    deadline_warnings = models.JSONField(_("时限提示"), default=list, blank=True)
    promised_at = models.DateTimeField(_("承诺答复时间"), null=True, blank=True)
    transferred_at = models.DateTimeField(_("转办时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    reply = models.TextField(_("办理结果"), blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    # Escalation (H9, W3): 0 none, 1 team leader, 2 department head, 3 center director.
    escalation_level = models.PositiveSmallIntegerField(_("上报级别"), default=0)
    escalated_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    # The worker claims an order for an alert with a conditional UPDATE on these (no broker needed).
    due_soon_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)
    reopen_count = models.PositiveSmallIntegerField(_("重新打开次数"), default=0)
    # The last time the order was reopened (W4): its deadline then counts again from here.
    reopened_at = models.DateTimeField(_("重新打开时间"), null=True, blank=True)
    # Contacts linked to this order as repeats (Contact.repeat_of), kept by kefu.hotline.services.repeats
    # so that lists show the count without a subquery per row.
    repeat_count = models.PositiveSmallIntegerField(_("重复来电次数"), default=0)

    objects = WorkOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-id"]
        permissions = [
            ("handle_workorder", _("责任单位办理工单（受理、回复、退回）")),
            ("manage_workorder", _("调度工单（改派、关闭他人工单、上报）")),
            ("view_escalated", _("查看领导督办队列")),
            ("export_register", _("导出来电登记与月度汇总")),
        ]
        indexes = [
            # The KPI worker finds the days to recompute by what changed since its watermark.
            models.Index(fields=["updated_at"], name="work_order_updated_idx"),
            models.Index(fields=["unit", "state", "deadline"], name="wo_unit_queue_idx"),
            # Open and overdue orders per unit now (KPI dashboard): an index-only scan of the open ones.
            models.Index(
                fields=["unit", "deadline", "promised_at"],
                name="wo_open_unit_idx",
                condition=~Q(state=WorkOrderState.CLOSED),
            ),
            models.Index(fields=["owner", "state", "deadline"], name="wo_owner_queue_idx"),
            models.Index(
                fields=["deadline"], name="wo_open_deadline_idx", condition=~Q(state=WorkOrderState.CLOSED)
            ),
            models.Index(
                fields=["-escalated_at"], name="wo_escalated_idx", condition=Q(escalation_level__gt=0)
            ),
            models.Index(fields=["customer", "-id"], name="wo_customer_idx"),
            # Due-soon and overdue lists look at the current due time: the latest promise, else the deadline.
            models.Index(
                Coalesce("promised_at", "deadline"),
                name="wo_open_due_idx",
                condition=~Q(state=WorkOrderState.CLOSED),
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state != WorkOrderState.CLOSED

    @property
    def due_at(self):
        """The time the order is due now: the latest promise to the customer (H8), else the deadline."""
        return self.promised_at or self.deadline

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.is_open and self.due_at < timezone.now()


class Callback(TimeStampedModel):
    """回访客户 within 24 hours of a transfer (H6). A missed call leaves the task done as 'not reached'
    and creates the next attempt with its own due time."""

    class Outcome(models.TextChoices):
        REACHED = "reached", _("已联系上")
        NOT_REACHED = "not_reached", _("未联系上")

    work_order = models.ForeignKey(
        WorkOrder, verbose_name=_("工单"), on_delete=models.PROTECT, related_name="callbacks"
    )
    attempt = models.PositiveSmallIntegerField(_("第几次"), default=1)
    due_at = models.DateTimeField(_("应回访时间"))
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices, blank=True)
    feedback = models.TextField(_("客户反馈"), blank=True)
    satisfied = models.BooleanField(_("客户是否满意"), null=True, blank=True)
    done_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回访人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("回电")
        verbose_name_plural = _("回电")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["work_order", "attempt"], name="callback_attempt_unique"),
        ]
        indexes = [
            # The KPI worker finds the days to recompute by what changed since its watermark.
            models.Index(fields=["updated_at"], name="callback_updated_idx"),
            models.Index(fields=["due_at"], name="callback_pending_idx", condition=Q(done_at=None)),
            # The weekly summary (W5) counts the callbacks done in a week.
            models.Index(fields=["done_at"], name="callback_done_idx", condition=Q(done_at__isnull=False)),
        ]

    def __str__(self):
        return f"{self.work_order} 第{self.attempt}次回电"


class ReturnVisit(TimeStampedModel):
    """回访 after closure (W4). A dissatisfied customer reopens the order."""

    class Result(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
        DISSATISFIED = "dissatisfied", _("不满意")

    work_order = models.ForeignKey(
        WorkOrder, verbose_name=_("工单"), on_delete=models.PROTECT, related_name="return_visits"
    )
    result = models.CharField(_("满意度"), max_length=20, choices=Result.choices)
    comment = models.TextField(_("客户意见"), blank=True)
    visited_at = models.DateTimeField(_("回访时间"))
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("回访人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["-visited_at", "-id"]
        indexes = [
            models.Index(fields=["visited_at"], name="return_visit_time_idx"),
            models.Index(fields=["updated_at"], name="return_visit_updated_idx"),
        ]

    def __str__(self):
        return f"{self.work_order} {self.get_result_display()}"


class InterimReply(TimeStampedModel):
    """H8: the promised time cannot be met, so the customer is told the plan and a new date."""

    work_order = models.ForeignKey(
        WorkOrder, verbose_name=_("工单"), on_delete=models.PROTECT, related_name="interim_replies"
    )
    plan = models.TextField(_("处理计划"))
    promised_at = models.DateTimeField(_("新承诺时间"))
    told_customer_at = models.DateTimeField(_("告知客户时间"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("阶段答复")
        verbose_name_plural = _("阶段答复")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.work_order} 阶段答复"


class LeaderInstruction(TimeStampedModel):
    """A leader's written instruction on a work order (H17, 002 请示报告制度 7 "对上级指示要详细记载"):
    a 督办意见 written on any order the leader may see, or the 批示 a leader records on an order
    escalated to them. The unit that holds the order (its owner when no unit does) signs for it (签收),
    optionally with a reply; until then it shows on the unit's queue."""

    class Kind(models.TextChoices):
        SUPERVISION = "supervision", _("督办意见")
        ESCALATION = "escalation", _("上报批示")

    work_order = models.ForeignKey(
        WorkOrder, verbose_name=_("工单"), on_delete=models.PROTECT, related_name="instructions"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.SUPERVISION)
    # The escalation level the 批示 answers (0 for a 督办意见).
    level = models.PositiveSmallIntegerField(_("上报级别"), default=0)
    text = models.TextField(_("内容"))
    reply_by = models.DateTimeField(_("要求答复时间"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("批示人"), on_delete=models.PROTECT, related_name="+"
    )
    # Who is to sign for it: the order's unit when written (None: the order's owner signs).
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("签收单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # instruction_pending_idx leads with unit
    )
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签收人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledgement = models.TextField(_("签收回复"), blank=True)

    class Meta:
        verbose_name = _("领导督办与批示")
        verbose_name_plural = _("领导督办与批示")
        ordering = ["-created_at", "-id"]
        permissions = [("supervise_workorder", _("对工单写督办意见、批示"))]
        indexes = [
            # The unit's queue: its instructions not yet signed for.
            models.Index(
                fields=["unit", "created_at"],
                name="instruction_pending_idx",
                condition=Q(acknowledged_at=None),
            ),
            # The weekly summary (W5) counts the week's instructions.
            models.Index(fields=["created_at"], name="instruction_created_idx"),
        ]

    def __str__(self):
        return f"{self.work_order} {self.get_kind_display()}"

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class WorkOrderNote(TimeStampedModel):
    """An internal note on a work order (W1): for the center's and the units' staff only, never on a
    customer-facing print or export. It may @-mention colleagues, who are alerted."""

    work_order = models.ForeignKey(
        WorkOrder, verbose_name=_("工单"), on_delete=models.PROTECT, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("作者"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("内容"))
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("提及"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("工单内部备注")
        verbose_name_plural = _("工单内部备注")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.work_order} 备注"


def note_attachment_path(instance, filename):
    # Never under a public URL: served by a view that checks the order (hotline:note_attachment).
    return f"hotline/notes/{instance.note.work_order_id}/{filename}"


class NoteAttachment(TimeStampedModel):
    """A photo of the leak or a scan attached to a note."""

    note = models.ForeignKey(
        WorkOrderNote, verbose_name=_("备注"), on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=note_attachment_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)

    class Meta:
        verbose_name = _("备注附件")
        verbose_name_plural = _("备注附件")
        ordering = ["id"]

    def __str__(self):
        return self.name
