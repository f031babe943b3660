"""Outside channels for alerts (SMS, WeChat…): the adapter point, not a gateway.

An alert is first a row in the person's inbox (the bell, /alerts/). Some kinds matter enough to reach
people away from their screen too: the rule `core.alert_outside_kinds` lists them (an order overdue,
an escalation, an incident declared…). After the writing transaction commits, each new alert of those
kinds is handed to every channel configured in settings `KEFU_ALERT_CHANNELS` (dotted paths of classes
with a `send(alert)` method; the default only logs one line per alert to the `kefu.alerts` logger). A
real SMS or WeChat adapter is a class with that method, reading the person's phone from
`recipient_phone(alert)`; a failing channel is logged and never breaks the request or the worker.
"""

import logging
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("kefu.alerts")

DEFAULT_CHANNELS = ["kefu.core.channels.LoggingChannel"]


@runtime_checkable
class AlertChannel(Protocol):
    """One way out of the system. `send` gets a saved `kefu.core.models.Alert` (recipient loaded)."""

    def send(self, alert) -> None: ...


class LoggingChannel:
    """The default channel: one line per alert to the `kefu.alerts` logger, as an SMS gateway would
    receive it (to whom, which number, what)."""

    def send(self, alert) -> None:
        log.info(
            "提醒 %s → %s %s：%s",
            alert.kind,
            alert.recipient.name or alert.recipient.username,
            recipient_phone(alert) or "（无电话）",
            alert.message,
        )


def recipient_phone(alert) -> str:
    """The person's phone number from the staff record, or "" when there is none."""
    return (getattr(alert.recipient, "phone", "") or "").strip()


def configured_channels() -> list[AlertChannel]:
    """The channels named in settings, made afresh (a settings override in a test takes effect)."""
    channels = []
    for path in getattr(settings, "KEFU_ALERT_CHANNELS", DEFAULT_CHANNELS):
        try:
            channels.append(import_string(path)())
        except Exception:  # a misconfigured channel must not stop the others, nor the request
            log.exception("提醒外发渠道 %s 无法加载", path)
    return channels


def deliver(alert_ids) -> int:
    """Hand the new alerts of the outside kinds to every channel; returns how many sends succeeded.
    Runs after commit (kefu.core.alerts.send_alert), so a channel sees only alerts that exist."""
    from kefu.core.models import Alert
    from kefu.core.policies import policy

    try:
        outside = set(policy("core.alert_outside_kinds"))
        alerts = list(Alert.objects.filter(pk__in=alert_ids, kind__in=outside).select_related("recipient"))
    except Exception:
        log.exception("提醒外发失败：无法读取提醒")
        return 0
    if not alerts:
        return 0
    sent = 0
    for channel in configured_channels():
        for alert in alerts:
            try:
                channel.send(alert)
                sent += 1
            except Exception:  # one gateway down: log it, the others and the request go on
                log.exception("提醒外发渠道 %s 发送失败（提醒 %s）", type(channel).__name__, alert.pk)
    return sent
