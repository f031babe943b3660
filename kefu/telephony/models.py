"""Calls as the PBX reports them (H10): every event it sends, as sent, and one row per call built from them.

`CallEvent` is append-only and unique per (call_id, event type), which makes a resent event harmless.
`Call` is derived from a call's events by `services.record_call_event`, whatever order they arrive in.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.validators import format_phone
from kefu.customers.models import Customer


class EventType(models.TextChoices):
    RING = "ring", _("振铃")
    ANSWER = "answer", _("接听")
    HANGUP = "hangup", _("挂机")


class Call(models.Model):
    call_id = models.CharField(_("通话标识"), max_length=64, unique=True)
    caller_number = models.CharField(_("来电号码"), max_length=20, blank=True, help_text=_("只存数字"))
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("坐席"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # call_agent_recent leads with agent
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("来电客户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("振铃时按来电号码匹配到唯一客户时记录"),
    )
    # The time of the earliest event received: normally the ring, but an answer that overtook its ring
    # still gives the call a place in the agent's list (and the screen pop) before the ring arrives.
    started_at = models.DateTimeField(_("开始时间"))
    ring_at = models.DateTimeField(_("振铃时间"), null=True, blank=True)
    answer_at = models.DateTimeField(_("接听时间"), null=True, blank=True)
    hangup_at = models.DateTimeField(_("挂机时间"), null=True, blank=True)
    ring_seconds = models.FloatField(_("振铃时长（秒）"), null=True, blank=True)
    # Judged once, by the rule in force when the call was recorded (the policy may change later):
    # True answered within the limit; False answered late, or rang past the limit without an answer;
    # None not yet known, or the caller gave up before the limit was reached.
    answered_in_time = models.BooleanField(_("及时接听"), null=True, blank=True)

    class Meta:
        verbose_name = _("通话")
        verbose_name_plural = _("通话")
        ordering = ["-started_at", "-id"]
        indexes = [
            # The screen pop: this agent's latest call.
            models.Index(fields=["agent", "-started_at"], name="call_agent_recent"),
            # Answer-time statistics: calls rung in a date range, grouped by agent.
            models.Index(fields=["ring_at", "agent"], name="call_ring_stats"),
            # The KPI rollups recompute a day's calls (kefu.kpi.rollup): a day is a range of this index.
            models.Index(fields=["started_at"], name="call_started_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ring_seconds__isnull=True) | models.Q(ring_seconds__gte=0),
                name="call_ring_seconds_not_negative",
            ),
        ]

    def __str__(self):
        return self.call_id

    @property
    def caller_display(self) -> str:
        return format_phone(self.caller_number)

    @property
    def is_answered(self) -> bool:
        return self.answer_at is not None

    @property
    def is_hung_up(self) -> bool:
        return self.hangup_at is not None


class CallEvent(models.Model):
    # Keyed by the PBX's own call identifier: the column call_id holds it as sent, and the constraint
    # below is unique on (call_id, event_type).
    call = models.ForeignKey(
        Call,
        verbose_name=_("通话"),
        to_field="call_id",
        db_column="call_id",
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,  # the unique constraint's index leads with call_id
    )
    event_type = models.CharField(_("事件"), max_length=10, choices=EventType.choices)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("坐席"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    agent_code = models.CharField(_("坐席标识（原样）"), max_length=150)
    caller_number = models.CharField(_("来电号码"), max_length=20, blank=True)
    occurred_at = models.DateTimeField(_("发生时间"))
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)
    raw = models.JSONField(_("原始报文"), default=dict)

    class Meta:
        verbose_name = _("通话事件")
        verbose_name_plural = _("通话事件")
        ordering = ["call", "occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "event_type"], name="call_event_once"),
        ]

    def __str__(self):
        return f"{self.call_id} {self.get_event_type_display()}"
