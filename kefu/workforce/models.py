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
