"""Time left on a stage, as a clerk says it: 剩余2天3小时, 剩余40分钟, 已超期1天2小时."""

from django import template
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()


def _span(seconds: int) -> str:
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    if hours:
        return f"{hours}小时"
    return f"{max(1, rest // 60)}分钟"


@register.simple_tag
def time_left(due_at, now=None):
    """A badge: red when overdue, amber within a day, plain otherwise; a dash when there is no limit."""
    if due_at is None:
        return "—"
    seconds = int((due_at - (now or timezone.now())).total_seconds())
    if seconds < 0:
        return format_html('<span class="badge red">已超期{}</span>', _span(-seconds))
    css = "badge amber" if seconds < 86400 else "badge"
    return format_html('<span class="{}">剩余{}</span>', css, _span(seconds))


@register.filter
def rule_labels(names) -> str:
    """A stage's rules as a clerk reads them (无欠费、无违章用水), never their codes (issue 13 point 8)."""
    from kefu.processes.rules import RULES

    labels = [getattr(RULES.get(name), "label", "") or "未知规则" for name in names or []]
    return "、".join(labels) or "—"
