"""The knowledge base agents read to callers (H12) and the planned outages (计划停水) they announce."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import ServiceArea
from kefu.core.models import TimeStampedModel


class ArticleQuerySet(models.QuerySet):
    def in_force(self, day=None):
        """Published and inside its validity dates: what an agent may read to a caller today."""
        day = day or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
            published=True,
        )

    def for_area(self, area):
        # No areas means the whole city. One filter() call, so one join: no duplicate rows.
        return self.filter(Q(service_areas__isnull=True) | Q(service_areas=area))


class Article(TimeStampedModel):
    class Kind(models.TextChoices):
        PRICING = "pricing", _("水价收费")
        PROCEDURE = "procedure", _("办事流程")
        POLICY = "policy", _("政策法规")
        FAQ = "faq", _("常见问题")
        SCRIPT = "script", _("话术")

    title = models.CharField(_("标题"), max_length=200)
    kind = models.CharField(_("分类"), max_length=16, choices=Kind.choices)
    body = models.TextField(_("正文"))
    keywords = models.CharField(_("关键词"), max_length=300, blank=True, help_text=_("用空格或逗号分隔"))
    service_areas = models.ManyToManyField(
        ServiceArea,
        verbose_name=_("适用片区"),
        blank=True,
        related_name="articles",
        help_text=_("不选表示全市适用"),
    )
    published = models.BooleanField(_("已发布"), default=True)
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    # Raised by every edit (services.update_article); the old texts live in the event log.
    version = models.PositiveIntegerField(_("版本"), default=1)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("编写人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # How often agents opened it: "most used" is what the panel offers before anything is typed.
    # A plain counter, bumped with an UPDATE … SET n = n + 1, not an event.
    use_count = models.PositiveIntegerField(_("查阅次数"), default=0, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("知识条目")
        verbose_name_plural = _("知识条目")
        ordering = ["kind", "-use_count", "-id"]
        indexes = [
            # the list and the panel: published articles by kind, most used first
            models.Index(fields=["published", "kind", "-use_count"], name="article_kind_list"),
            models.Index(fields=["published", "-use_count"], name="article_most_used"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="article_valid_dates_in_order",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def keyword_list(self) -> list[str]:
        return [k for k in self.keywords.replace("，", " ").replace(",", " ").replace("、", " ").split() if k]


class PlannedOutageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PlannedOutage.Status.PUBLISHED)

    def current(self, at: datetime):
        return self.published().filter(starts_at__lte=at, ends_at__gt=at)

    def upcoming(self, at: datetime):
        return self.published().filter(starts_at__gt=at)

    def past(self, at: datetime):
        # Finished or called off: both are history the agents no longer announce.
        return self.filter(Q(ends_at__lte=at) | Q(status=PlannedOutage.Status.CANCELLED))


class PlannedOutage(TimeStampedModel):
    """A water stop the branch announced: agents read its notice to callers from the affected areas.
    Never deleted: a stop called off is cancelled with a reason."""

    class Kind(models.TextChoices):
        PLANNED = "planned", _("计划检修")
        EMERGENCY_REPAIR = "emergency_repair", _("抢修停水")

    class Status(models.TextChoices):
        PUBLISHED = "published", _("已发布")
        CANCELLED = "cancelled", _("已取消")

    title = models.CharField(_("标题"), max_length=200)
    kind = models.CharField(_("停水类型"), max_length=20, choices=Kind.choices, default=Kind.PLANNED)
    reason = models.TextField(_("停水原因"))
    service_areas = models.ManyToManyField(
        ServiceArea, verbose_name=_("停水片区"), related_name="planned_outages"
    )
    affected_addresses = models.TextField(_("影响范围"), help_text=_("街道、小区、楼幢"))
    starts_at = models.DateTimeField(_("停水开始"))
    ends_at = models.DateTimeField(_("预计恢复供水"))
    notice = models.TextField(_("答复口径"), blank=True, help_text=_("话务员向来电客户宣读的内容"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PUBLISHED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancel_reason = models.TextField(_("取消原因"), blank=True)

    objects = PlannedOutageQuerySet.as_manager()

    class Meta:
        verbose_name = _("计划停水")
        verbose_name_plural = _("计划停水")
        ordering = ["-starts_at", "-id"]
        indexes = [
            # "current and upcoming in this area": status = published AND ends_at > now, then the
            # area through the M2M table (whose (outage, area) unique index serves the join).
            models.Index(fields=["status", "ends_at", "starts_at"], name="outage_live_window"),
            models.Index(fields=["-starts_at"], name="outage_list"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="outage_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def window_display(self) -> str:
        """The window as read to a caller: 2026年6月3日 08:00至18:00, or across days in full."""
        return window_display(self.starts_at, self.ends_at)

    def is_current(self, at: datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.status == self.Status.PUBLISHED and self.starts_at <= at < self.ends_at

    @property
    def phase(self) -> str:
        now = timezone.now()
        if self.status == self.Status.CANCELLED:
            return "已取消"
        if self.ends_at <= now:
            return "已结束"
        return "停水中" if self.starts_at <= now else "即将停水"


def window_display(starts_at: datetime, ends_at: datetime) -> str:
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    first = f"{start.year}年{start.month}月{start.day}日 {start:%H:%M}"
    if end.date() == start.date():
        return f"{first}至{end:%H:%M}"
    if end == timezone.localtime(starts_at).replace(hour=0, minute=0) + timedelta(days=1):
        return f"{first}至24:00"
    if end.year == start.year:
        return f"{first}至{end.month}月{end.day}日 {end:%H:%M}"
    return f"{first}至{end.year}年{end.month}月{end.day}日 {end:%H:%M}"
