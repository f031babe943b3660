"""Generated report documents: what the worker or a reader had made, when, for which period, and the
Excel and PDF files themselves.

The files are kept in the database (ReportFile), not under MEDIA_ROOT: the worker that writes them and
the web servers that hand them out may run on different machines, the row and its files are written in
one transaction (never a record pointing at a missing or half-written file), and a database backup
holds them. They are small (a day's report is kilobytes; a busy month's register with 300,000 contacts
is some 15 MB of compressed Excel), and live in their own table so that lists never read them.

reports still owns no data that others write: these rows are written only by kefu.reports.services."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Unit
from kefu.core.models import TimeStampedModel


class GeneratedReport(TimeStampedModel):
    class State(models.TextChoices):
        QUEUED = "queued", _("等待生成")
        RUNNING = "running", _("正在生成")
        READY = "ready", _("已生成")
        FAILED = "failed", _("生成失败")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("定时生成")
        ON_DEMAND = "on_demand", _("手动生成")

    kind = models.CharField(_("报表"), max_length=40)
    period_start = models.DateField(_("统计起始日"))
    period_end = models.DateField(_("统计截止日"))  # the last day, inclusive
    # A responsible unit's own copy (only its work orders); empty for the center's report.
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=200)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    trigger = models.CharField(_("生成方式"), max_length=10, choices=Trigger.choices)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,  # the worker
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("开始生成时间"), null=True, blank=True)
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    # Row counts and the headline figures, for the list; the tables themselves for the printable page.
    summary = models.JSONField(_("概要"), default=dict, blank=True)
    content = models.JSONField(_("内容"), default=dict, blank=True)
    error = models.TextField(_("失败原因"), blank=True)

    class Meta:
        verbose_name = _("报表文档")
        verbose_name_plural = _("报表文档")
        ordering = ["-created_at", "-id"]
        default_permissions = ()
        permissions = [("view_team_report", _("查看工作量日报与服务质量分析（班长）"))]
        constraints = [
            # The claim: the schedule makes a kind's center report once per period, however many
            # workers look at the clock.
            models.UniqueConstraint(
                fields=["kind", "period_start"],
                condition=Q(trigger="schedule", unit__isnull=True),
                name="generated_report_scheduled_once",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="generated_report_period_order"
            ),
        ]
        indexes = [
            # The list, newest first, filtered by kind (and so by period within a kind).
            models.Index(fields=["-created_at", "-id"], name="generated_report_recent_idx"),
            models.Index(fields=["kind", "-period_start"], name="generated_report_kind_idx"),
            # The worker's queue.
            models.Index(
                fields=["created_at"], name="generated_report_queue_idx", condition=Q(state="queued")
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_ready(self) -> bool:
        return self.state == self.State.READY


class ReportFile(models.Model):
    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel"
        PDF = "pdf", "PDF"

    report = models.ForeignKey(
        GeneratedReport, verbose_name=_("报表文档"), on_delete=models.PROTECT, related_name="files"
    )
    format = models.CharField(_("格式"), max_length=4, choices=Format.choices)
    filename = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content = models.BinaryField(_("文件内容"))

    class Meta:
        verbose_name = _("报表文件")
        verbose_name_plural = _("报表文件")
        ordering = ["report", "format"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["report", "format"], name="report_file_once")]

    def __str__(self):
        return self.filename
