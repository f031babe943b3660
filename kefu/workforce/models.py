"""Shift handover (交接班, H13): what the outgoing shift hands to the one relieving it.

The outgoing agent stays until relieved: a handover is pending until the incoming agent confirms it.
Never deleted; corrections go through services and are events with the old values.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Team
from kefu.core.models import TimeStampedModel


class HandoverQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(received_at__isnull=True)

    def pending_first(self):
        return self.annotate(
            is_received=models.Case(
                models.When(received_at__isnull=True, then=models.Value(0)),
                default=models.Value(1),
                output_field=models.IntegerField(),
            )
        ).order_by("is_received", "-handed_over_at", "-id")


class Handover(TimeStampedModel):
    team = models.ForeignKey(
        Team, verbose_name=_("交班班组"), on_delete=models.PROTECT, related_name="handovers"
    )
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("交班人"), on_delete=models.PROTECT, related_name="+"
    )
    # Named when the outgoing agent knows who relieves them; otherwise whoever confirms is recorded.
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接班人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    shift_started_at = models.DateTimeField(_("本班开始"))
    handed_over_at = models.DateTimeField(_("交班时间"), default=timezone.now)
    equipment_state = models.TextField(_("设备状况"), blank=True, help_text=_("电脑、电话、录音系统"))
    open_cases = models.TextField(_("未结疑难事项"), blank=True)
    staffing_changes = models.TextField(_("人员变动/请假"), blank=True)
    notes = models.TextField(_("其他事项"), blank=True)
    received_at = models.DateTimeField(_("接班确认时间"), null=True, blank=True)

    objects = HandoverQuerySet.as_manager()

    class Meta:
        verbose_name = _("交接班记录")
        verbose_name_plural = _("交接班记录")
        ordering = ["-handed_over_at", "-id"]
        permissions = [("correct_handover", "更正他人的交接班记录")]
        indexes = [
            models.Index(fields=["-handed_over_at"], name="handover_latest"),
            models.Index(fields=["team", "-handed_over_at"], name="handover_team"),
            # the "waiting to be received" list at the top of the page: small, so a partial index
            models.Index(
                fields=["-handed_over_at"], condition=Q(received_at__isnull=True), name="handover_pending"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(handed_over_at__gte=F("shift_started_at")), name="handover_after_shift_start"
            ),
            models.CheckConstraint(
                condition=Q(received_by__isnull=True) | ~Q(received_by=F("handed_over_by")),
                name="handover_not_to_oneself",
            ),
            models.CheckConstraint(
                condition=Q(received_at__isnull=True) | Q(received_by__isnull=False),
                name="handover_received_by_someone",
            ),
        ]

    def __str__(self):
        return f"{self.team} {timezone.localtime(self.handed_over_at):%Y-%m-%d %H:%M} 交接班"

    @property
    def pending(self) -> bool:
        return self.received_at is None


# ---------------------------------------------------------------------------------------------------
# Rosters, leave, swaps, attendance (issue 14, S1–S4). The rules that refuse a roster live in
# kefu/workforce/roster_rules.py, one checker shared by the month grid, leave, swaps and the generator.


class ShiftKind(models.TextChoices):
    DAY = "day", _("白班")
    EVENING = "evening", _("中班")
    NIGHT = "night", _("夜班")
    OFFICE = "office", _("常日班")


class Shift(TimeStampedModel):
    """A shift definition (班次): 08:00–16:00 白班, 16:00–24:00 中班, 00:00–08:00 夜班, or the
    12-hour shifts of a 四班三运转 rotation. An end not after the start crosses midnight."""

    code = models.CharField(_("班次代码"), max_length=8, unique=True)
    name = models.CharField(_("班次名称"), max_length=20)
    kind = models.CharField(_("类别"), max_length=10, choices=ShiftKind.choices)
    starts_at = models.TimeField(_("上班时间"))
    ends_at = models.TimeField(_("下班时间"))
    active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("班次")
        verbose_name_plural = _("班次")
        ordering = ["order", "starts_at", "code"]
        constraints = [
            models.CheckConstraint(condition=~Q(starts_at=F("ends_at")), name="shift_has_a_length"),
        ]

    def __str__(self):
        return f"{self.name}（{self.starts_at:%H:%M}–{self.ends_at:%H:%M}）"

    @property
    def hours(self) -> float:
        start = self.starts_at.hour * 60 + self.starts_at.minute
        end = self.ends_at.hour * 60 + self.ends_at.minute
        return ((end - start) % (24 * 60)) / 60

    def span(self, day):
        """The shift's start and end (aware datetimes) when it begins on `day`."""
        from datetime import datetime, timedelta

        start = timezone.make_aware(datetime.combine(day, self.starts_at))
        return start, start + timedelta(hours=self.hours)


class RosterPlan(TimeStampedModel):
    """A roster proposed by the generator (CP-SAT) for some weeks; the department head reviews it and
    publishes it, which turns its proposed entries into the roster."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待审核")
        PUBLISHED = "published", _("已发布")
        DISCARDED = "discarded", _("已放弃")

    first_day = models.DateField(_("起始日期"))
    days = models.PositiveSmallIntegerField(_("天数"), default=28)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("生成人"), on_delete=models.PROTECT, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    solver_status = models.CharField(_("求解状态"), max_length=20, blank=True)
    objective = models.FloatField(_("目标值"), null=True, blank=True)
    best_bound = models.FloatField(_("目标下界"), null=True, blank=True)
    gap = models.FloatField(_("最优性差距"), null=True, blank=True, help_text=_("0 表示已证明最优"))
    solve_seconds = models.FloatField(_("求解用时（秒）"), null=True, blank=True)
    # Per half hour of the period: the agents required (from the forecast and Erlang) and the summary
    # the review page shows (under- and overstaffed half hours, nights and holidays per person).
    requirement = models.JSONField(_("各时段需求"), default=list, blank=True)
    summary = models.JSONField(_("方案摘要"), default=dict, blank=True)

    class Meta:
        verbose_name = _("排班方案")
        verbose_name_plural = _("排班方案")
        ordering = ["-created_at", "-id"]
        permissions = [("publish_rosterplan", "审核发布排班方案")]

    def __str__(self):
        return f"{self.first_day:%Y-%m-%d} 起 {self.days} 天排班方案"


class RosterEntry(TimeStampedModel):
    """One person on one shift on one day (个人排班). Never deleted: a shift taken off the roster is
    cancelled, one covered by approved leave is marked so (the gap shows), one given away by a swap is
    swapped out and the colleague gets an entry of their own."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("在班")
        LEAVE = "leave", _("请假")
        SWAPPED_OUT = "swapped_out", _("已换出")
        CANCELLED = "cancelled", _("已撤销")
        PROPOSED = "proposed", _("方案待发布")

    class Source(models.TextChoices):
        MANUAL = "manual", _("手工排班")
        GENERATED = "generated", _("自动排班")
        SWAP = "swap", _("换班")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="roster_entries",
    )
    day = models.DateField(_("日期"), help_text=_("班次开始的日期"))
    shift = models.ForeignKey(Shift, verbose_name=_("班次"), on_delete=models.PROTECT, related_name="entries")
    # Copied from the shift when the entry is made, so that a later change to the shift's hours does not
    # rewrite history, and so that overlap and rest checks are range queries.
    starts_at = models.DateTimeField(_("上班时间"))
    ends_at = models.DateTimeField(_("下班时间"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    plan = models.ForeignKey(
        RosterPlan,
        verbose_name=_("排班方案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    leave = models.ForeignKey(
        "LeaveRequest",
        verbose_name=_("请假单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    swap = models.ForeignKey(
        "ShiftSwap",
        verbose_name=_("换班登记"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
        help_text=_("由换班产生或被换出的班"),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("个人排班")
        verbose_name_plural = _("个人排班")
        ordering = ["starts_at", "person_id"]
        indexes = [
            models.Index(fields=["starts_at", "status"], name="roster_period"),
            models.Index(fields=["person", "starts_at"], name="roster_person"),
            models.Index(fields=["plan", "starts_at"], name="roster_plan"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="roster_entry_ends_after_start"
            ),
            # One live entry per person and start (a proposal lives in its plan until published).
            models.UniqueConstraint(
                fields=["person", "starts_at"],
                condition=Q(status__in=["scheduled", "leave"]),
                name="roster_one_live_entry_per_start",
            ),
            models.UniqueConstraint(
                fields=["plan", "person", "starts_at"],
                condition=Q(status="proposed"),
                name="roster_one_proposal_per_start",
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.day:%Y-%m-%d} {self.shift.name}"


class LeaveKind(models.TextChoices):
    PERSONAL = "personal", _("事假")
    SPECIAL = "special", _("特殊事假")
    SICK = "sick", _("病假")
    EMERGENCY_SICK = "emergency_sick", _("急诊病假")
    BUSINESS = "business", _("公假（公事、外出学习）")
    HOLIDAY = "holiday", _("节假日请假")


class LeaveRequest(TimeStampedModel):
    """A request for leave from some shifts (请假单), approved level by level (002 请假制度)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("审批中")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("未批准")
        WITHDRAWN = "withdrawn", _("已撤回")

    number = models.CharField(_("请假单号"), max_length=20, unique=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("请假人"),
        on_delete=models.PROTECT,
        related_name="leave_requests",
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("事假须本人提出；病假可由他人代请"),
    )
    kind = models.CharField(_("假别"), max_length=16, choices=LeaveKind.choices)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    reason = models.TextField(_("事由"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    # The approvers' roles in order (班长 → 客服部主任 → 中心主任), fixed when asked; `level` is how
    # many have approved so far.
    levels = models.JSONField(_("审批层级"), default=list)
    level = models.PositiveSmallIntegerField(_("已审批层级"), default=0)
    # Asked later than the notice the rules require: valid only with a manager's approval, else 旷工.
    late_notice = models.BooleanField(_("未按时提前请假"), default=False)
    certificate_required = models.BooleanField(_("需交医疗证明"), default=False)
    certificate_due_on = models.DateField(_("证明应交日期"), null=True, blank=True)
    certificate_handed_in_at = models.DateTimeField(_("证明交回时间"), null=True, blank=True)
    certificate_received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("证明接收人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    certificate_missing_flagged_at = models.DateTimeField(_("缺证明标记时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("请假单")
        verbose_name_plural = _("请假单")
        ordering = ["-starts_at", "-id"]
        permissions = [("approve_leaverequest", "审批请假")]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="leave_status"),
            models.Index(fields=["person", "-starts_at"], name="leave_person"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="leave_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.number} {self.person} {self.get_kind_display()}"


class LeaveDecision(TimeStampedModel):
    """One approver's decision on a leave request, at their level."""

    leave = models.ForeignKey(
        LeaveRequest, verbose_name=_("请假单"), on_delete=models.PROTECT, related_name="decisions"
    )
    level_role = models.CharField(_("审批层级"), max_length=32)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审批人"), on_delete=models.PROTECT, related_name="+"
    )
    approved = models.BooleanField(_("同意"))
    note = models.CharField(_("意见"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("请假审批")
        verbose_name_plural = _("请假审批")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.leave.number} {self.decided_by} {'同意' if self.approved else '不同意'}"


class ShiftSwap(TimeStampedModel):
    """A swap between two colleagues (换班登记表): the requester gives `given_entry` to the colleague and
    takes the colleague's `taken_entry`; a return swap (还班) points at the swap it returns."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待批准")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("未批准")
        WITHDRAWN = "withdrawn", _("已撤回")

    number = models.CharField(_("换班登记号"), max_length=20, unique=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("换班人"),
        on_delete=models.PROTECT,
        related_name="swaps_asked",
    )
    colleague = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("对方"),
        on_delete=models.PROTECT,
        related_name="swaps_offered",
    )
    given_entry = models.ForeignKey(
        RosterEntry, verbose_name=_("换出的班"), on_delete=models.PROTECT, related_name="+"
    )
    taken_entry = models.ForeignKey(
        RosterEntry,
        verbose_name=_("换入的班"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("空表示对方替班，日后还班"),
    )
    returns = models.ForeignKey(
        "self",
        verbose_name=_("所还的换班"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="returned_by",
    )
    reason = models.CharField(_("事由"), max_length=200)
    handover_note = models.CharField(_("双方交待事项"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    # Who must approve, fixed when asked (both team leaders, or the department head: rule
    # workforce.swap_approver), and who has.
    approvers = models.JSONField(_("应批准人"), default=list)
    approved_by = models.JSONField(_("已批准人"), default=list)
    decided_at = models.DateTimeField(_("审结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("换班登记")
        verbose_name_plural = _("换班登记")
        ordering = ["-created_at", "-id"]
        permissions = [("approve_shiftswap", "批准换班")]
        indexes = [
            models.Index(fields=["requester", "-created_at"], name="swap_requester"),
            models.Index(fields=["colleague", "-created_at"], name="swap_colleague"),
            models.Index(fields=["status", "-created_at"], name="swap_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(requester=F("colleague")), name="swap_not_with_oneself"),
        ]

    def __str__(self):
        return f"{self.number} {self.requester} ⇄ {self.colleague}"


class Attendance(TimeStampedModel):
    """Sign-in and sign-out for one rostered shift, and the roll call before it (点名)."""

    entry = models.OneToOneField(
        RosterEntry, verbose_name=_("排班"), on_delete=models.PROTECT, related_name="attendance"
    )
    roll_called_at = models.DateTimeField(_("点名时间"), null=True, blank=True)
    signed_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    signed_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    minutes_late = models.PositiveIntegerField(_("迟到分钟"), default=0)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更正人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    correction_reason = models.CharField(_("更正原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("考勤")
        verbose_name_plural = _("考勤")
        ordering = ["-entry__starts_at"]
        permissions = [("correct_attendance", "更正考勤、点名、登记离岗")]

    def __str__(self):
        return f"{self.entry} 考勤"


class PostAbsence(TimeStampedModel):
    """Time away from the post during a shift (离岗), recorded by the team leader or the agent."""

    entry = models.ForeignKey(
        RosterEntry, verbose_name=_("排班"), on_delete=models.PROTECT, related_name="absences"
    )
    left_at = models.DateTimeField(_("离岗时间"))
    returned_at = models.DateTimeField(_("返岗时间"), null=True, blank=True)
    permitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准离岗的班长"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("事由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("离岗登记")
        verbose_name_plural = _("离岗登记")
        ordering = ["-left_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | Q(returned_at__gte=F("left_at")),
                name="absence_returns_after_leaving",
            ),
        ]

    def __str__(self):
        return f"{self.entry.person} {timezone.localtime(self.left_at):%m-%d %H:%M} 离岗"


class DisciplineCase(TimeStampedModel):
    """A breach of labour discipline (违纪) found from the roster and attendance: late by 20 minutes or
    more, away from the post 20 minutes or more without leave, or absent (旷工). The quality and
    appraisal domain reads these (kefu.workforce.selectors.discipline_cases)."""

    class Kind(models.TextChoices):
        LATE = "late", _("迟到")
        AWAY = "away", _("擅离岗位")
        ABSENT = "absent", _("旷工")

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        CLOSED = "closed", _("已处理")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("当事人"),
        on_delete=models.PROTECT,
        related_name="discipline_cases",
    )
    entry = models.ForeignKey(
        RosterEntry,
        verbose_name=_("排班"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discipline_cases",
    )
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    occurred_on = models.DateField(_("日期"))
    minutes = models.PositiveIntegerField(_("分钟"), default=0)
    reason = models.CharField(_("情况"), max_length=300)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("处理意见"), max_length=300, blank=True)
    leave = models.ForeignKey(
        LeaveRequest,
        verbose_name=_("请假单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    swap = models.ForeignKey(
        ShiftSwap,
        verbose_name=_("换班登记"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("违纪记录")
        verbose_name_plural = _("违纪记录")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["person", "-occurred_on"], name="discipline_person"),
            models.Index(fields=["occurred_on"], name="discipline_day"),
        ]
        constraints = [
            # one case per person, shift and kind: the detection job runs every pass
            models.UniqueConstraint(
                fields=["person", "entry", "kind"],
                condition=Q(entry__isnull=False),
                name="discipline_once_per_shift",
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.occurred_on:%Y-%m-%d} {self.get_kind_display()}"
