"""Incidents (突发事件, 000 ch.1 §1.10: 对重大水厂安全事故和突发事件应建立相应的客户服务应急预案).

One outage, many calls: an unplanned stop or a burst main brings dozens of calls from one area in an
hour. The incident holds what every agent reads to those callers (the agreed answer, 统一答复口径) and
the contacts linked to it, so the branch sees one incident instead of N work orders; closing it answers
every linked contact with the final answer and queues the callbacks the callers asked for."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Role, ServiceArea, Unit
from kefu.core.models import TimeStampedModel
from kefu.hotline.models import Contact, WorkOrder
from kefu.knowledge.models import PlannedOutage


class IncidentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The center sees every incident; a responsible unit sees those it is responsible for or that
        touch one of its service areas (one incident, not N orders)."""
        if user.role == Role.UNIT_STAFF:
            if not user.unit_id:
                return self.none()
            in_its_areas = Incident.service_areas.through.objects.filter(
                servicearea__branch_id=user.unit_id
            ).values("incident_id")
            return self.filter(Q(responsible_unit_id=user.unit_id) | Q(id__in=in_its_areas))
        return self

    def live(self):
        """Suspected or open: what the workspace shows."""
        return self.filter(state__in=(Incident.State.SUSPECTED, Incident.State.OPEN))

    def open(self):
        return self.filter(state=Incident.State.OPEN)


class Incident(TimeStampedModel):
    class Kind(models.TextChoices):
        UNPLANNED_OUTAGE = "unplanned_outage", _("计划外停水")
        BURST_MAIN = "burst_main", _("爆管")
        WATER_QUALITY = "water_quality", _("水质")
        OTHER = "other", _("其他")

    class State(models.TextChoices):
        SUSPECTED = "suspected", _("疑似待确认")
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已恢复")
        DISMISSED = "dismissed", _("已排除")

    class Source(models.TextChoices):
        LEADER = "leader", _("领导发布")
        SYSTEM = "system", _("系统发现")
        PLANNED_OUTAGE = "planned_outage", _("计划停水转入")

    number = models.CharField(_("事件编号"), max_length=20, unique=True)
    kind = models.CharField(_("事件类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("事件名称"), max_length=200)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.OPEN)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default=Source.LEADER)
    service_areas = models.ManyToManyField(
        ServiceArea, verbose_name=_("影响片区"), blank=True, related_name="incidents"
    )
    # Streets, estates, buildings: matched against the caller's address (片区 alone is too coarse).
    streets = models.CharField(
        _("影响街道/小区"), max_length=300, blank=True, help_text=_("用空格、逗号或顿号分隔，按来电地址匹配")
    )
    cause = models.TextField(_("原因"), blank=True)
    started_at = models.DateTimeField(_("发生时间"))
    expected_restoration_at = models.DateTimeField(_("预计恢复时间"), null=True, blank=True)
    agreed_answer = models.TextField(_("统一答复口径"), help_text=_("话务员向该片区来电客户宣读的内容"))
    # Raised by every change of the agreed answer; the earlier texts are in the event log.
    answer_version = models.PositiveIntegerField(_("口径版本"), default=1)
    responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    planned_outage = models.ForeignKey(
        PlannedOutage,
        verbose_name=_("来源计划停水"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    declared_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    final_answer = models.TextField(_("最终答复"), blank=True)
    closed_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("关闭人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dismiss_reason = models.TextField(_("排除原因"), blank=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("突发事件")
        verbose_name_plural = _("突发事件")
        ordering = ["-started_at", "-id"]
        permissions = [
            ("declare_incident", _("发布、确认、关闭突发事件并修改答复口径")),
        ]
        indexes = [
            # The workspace's panel and the dashboard: the live incidents, newest first.
            models.Index(
                fields=["-started_at"],
                name="incident_live_idx",
                condition=Q(state__in=["suspected", "open"]),
            ),
            models.Index(fields=["-started_at", "-id"], name="incident_list_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=models.F("started_at")),
                name="incident_closed_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_live(self) -> bool:
        return self.state in (self.State.SUSPECTED, self.State.OPEN)

    @property
    def street_list(self) -> list[str]:
        text = self.streets
        for sep in ("，", ",", "、", "；", ";"):
            text = text.replace(sep, " ")
        return [word for word in text.split() if word]

    @property
    def duration_minutes(self) -> int | None:
        end = self.closed_at or (timezone.now() if self.is_live else None)
        if end is None:
            return None
        return max(0, int((end - self.started_at).total_seconds() // 60))

    @property
    def duration_display(self) -> str:
        minutes = self.duration_minutes
        if minutes is None:
            return "—"
        hours, rest = divmod(minutes, 60)
        return f"{hours}小时{rest}分钟" if hours else f"{rest}分钟"

    @property
    def restoration_display(self) -> str:
        if not self.expected_restoration_at:
            return "恢复时间待定"
        at = timezone.localtime(self.expected_restoration_at)
        return f"{at.month}月{at.day}日 {at:%H:%M}"


class IncidentContactQuerySet(models.QuerySet):
    def visible_to(self, user):
        # A linked contact is seen by whoever sees its incident: the branch works the incident, not
        # N orders, so it needs the callers behind it (numbers masked by Masker for those without the right).
        return self.filter(incident__in=Incident.objects.visible_to(user).values("pk"))


class IncidentContact(TimeStampedModel):
    """A contact the agent linked to a live incident instead of opening a branch work order."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("突发事件"), on_delete=models.PROTECT, related_name="links"
    )
    contact = models.OneToOneField(
        Contact, verbose_name=_("来电来访登记"), on_delete=models.PROTECT, related_name="incident_link"
    )
    # The hotline's contact form has no "needs a callback" flag; the link keeps it (issue 13 item 5).
    wants_callback = models.BooleanField(_("需要回电"), default=False)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("关联人"), on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(_("关联时间"))
    answered_at = models.DateTimeField(_("最终答复时间"), null=True, blank=True)
    # The follow-up order that carries the callback (hotline's callbacks hang on a work order).
    callback_order = models.OneToOneField(
        WorkOrder,
        verbose_name=_("回电工单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incident_link",
    )

    objects = IncidentContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("关联来电")
        verbose_name_plural = _("关联来电")
        ordering = ["-linked_at", "-id"]
        indexes = [models.Index(fields=["incident", "-linked_at"], name="incident_contact_list_idx")]

    def __str__(self):
        return f"{self.incident.number} ← {self.contact.number}"
