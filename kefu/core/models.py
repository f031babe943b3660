"""Shared pieces every domain uses: timestamps, the event log, policies and the calendar overrides."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class Event(models.Model):
    """One change to a record: who, when, what. Append-only; services write it in their transaction."""

    occurred_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verb = models.CharField(_("动作"), max_length=64)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.BigIntegerField()
    target_repr = models.CharField(_("对象"), max_length=200)
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "-occurred_at"], name="event_target_idx")]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.verb} {self.target_repr}"


class Policy(models.Model):
    """An administrator's value for one rule; rules without a row use the default in core.policies."""

    key = models.CharField(_("规则"), max_length=100, unique=True)
    value = models.JSONField(_("取值"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("业务规则")
        verbose_name_plural = _("业务规则")
        ordering = ["key"]

    def __str__(self):
        return self.key


class CalendarDay(TimeStampedModel):
    """A local override of the official calendar: a holiday, or a make-up working day (调休上班)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("节日名称"), max_length=50)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    # Withdrawn overrides stay in the table (and the event log); only active ones count.
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"


class CalendarYear(TimeStampedModel):
    """Marks a year whose arrangement an administrator has entered in full from the State Council notice.

    Without it (and outside the years the chinesecalendar package knows) the calendar only knows
    weekends, and every deadline computed there carries a loud warning.
    """

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    complete = models.BooleanField(_("已录入全年安排"), default=False)
    source = models.CharField(
        _("依据"), max_length=200, blank=True, help_text=_("例如：国务院办公厅通知文号")
    )

    class Meta:
        verbose_name = _("年度节假日安排")
        verbose_name_plural = _("年度节假日安排")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class NumberSequence(models.Model):
    """The last number issued in one series for one period: contacts per day (RX…), payments per day
    (SF…), connection points and contracts per year (JSD…, GYS…). `kefu.core.numbering.next_number`
    bumps it with a conditional UPDATE inside the issuing transaction: the row lock serialises two
    clerks, and a rolled-back issue gives its number back, so a series is unique and gap-free."""

    key = models.CharField(_("编号类型"), max_length=40)
    period = models.CharField(_("期间"), max_length=16)  # "20261203" for a day, "2026" for a year
    last = models.PositiveIntegerField(_("已发至"), default=0)

    class Meta:
        verbose_name = _("编号计数器")
        verbose_name_plural = _("编号计数器")
        ordering = ["key", "period"]
        constraints = [models.UniqueConstraint(fields=["key", "period"], name="number_sequence_unique")]

    def __str__(self):
        return f"{self.key} {self.period}: {self.last}"


class JobClaim(models.Model):
    """A once-per-period job done (the 16:30 design batch of a day, the 17:00 report of a day…). The
    unique row is the claim: two workers, or a worker run twice, do a period's job once
    (`kefu.core.claims.claim`)."""

    job = models.CharField(_("任务"), max_length=60)
    period = models.CharField(_("期间"), max_length=20)
    claimed_at = models.DateTimeField(_("执行时间"), auto_now_add=True)
    summary = models.JSONField(_("结果"), default=dict, blank=True)

    class Meta:
        verbose_name = _("定时任务记录")
        verbose_name_plural = _("定时任务记录")
        ordering = ["-claimed_at", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="job_claim_once")]

    def __str__(self):
        return f"{self.period} {self.job}"


# The last part of the kinds shown in red on the bell's page ("hotline.overdue", "incidents.declared").
URGENT_ALERT_ENDINGS = ("overdue", "escalated", "declared", "suspension_overdue")


class Alert(models.Model):
    """A notice to one person (提醒): an order due soon or overdue, an escalation, a mention, an incident.

    Written by `kefu.core.alerts.send_alert` in the caller's transaction; `kind` is a dotted code whose
    Chinese label the app registers (`platform.alert_kinds`), `subject` the stable key of the thing it is
    about ("hotline.workorder:123"). Each person hears about one subject once per kind and level."""

    MESSAGE_MAX_LENGTH = 300

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.PROTECT, related_name="notices"
    )
    kind = models.CharField(_("类型"), max_length=64)
    level = models.PositiveSmallIntegerField(_("级别"), default=0)
    subject = models.CharField(_("对象"), max_length=100, blank=True)
    message = models.CharField(_("内容"), max_length=MESSAGE_MAX_LENGTH)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at", "-id"]
        constraints = [
            # The worker may scan the same order twice; each alert reaches each person once.
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject", "level"], name="core_alert_once_per_level"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="core_alert_inbox_idx"),
        ]

    def __str__(self):
        return self.message

    @property
    def kind_label(self) -> str:
        from kefu.core.registry import platform

        return platform.alert_kinds.get(self.kind, self.kind)

    @property
    def urgent(self) -> bool:
        """Shown in red: something late, escalated or declared; the rest in amber."""
        return self.kind.rsplit(".", 1)[-1] in URGENT_ALERT_ENDINGS
