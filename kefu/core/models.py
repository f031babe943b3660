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
