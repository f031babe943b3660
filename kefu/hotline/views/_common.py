"""Helpers the hotline pages share: paging, queue tabs, scripts, error text, Excel responses."""

import logging

from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from kefu.accounts.models import Center
from kefu.core.events import verb_label
from kefu.core.excel import XLSX
from kefu.core.params import object_id, page_number
from kefu.core.policies import policies
from kefu.hotline import selectors
from kefu.hotline.models import Contact, WorkOrder
from kefu.hotline.policies import CENTER_PLACEHOLDER
from kefu.hotline.services.alerts import LEVEL_NAMES

log = logging.getLogger(__name__)

EXPORT_LIMIT = 10_000
QUEUE_COUNT_CAP = 99
D = Contact.Disposition


# --- small helpers ----------------------------------------------------------------------------------


def _optional_url(name: str, **kwargs) -> str | None:
    """The URL of another team's partial, or None while it does not exist yet: the page must not break."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def _page(request) -> int:
    return page_number(request.GET.get("page"), last=1000)


def _int(value) -> int | None:
    return object_id(value)


def _count_label(queryset) -> str:
    # No COUNT(*) over a busy table: fetch at most 100 ids and show "99+" beyond that.
    n = len(queryset.values_list("pk", flat=True)[: QUEUE_COUNT_CAP + 1])
    return f"{QUEUE_COUNT_CAP}+" if n > QUEUE_COUNT_CAP else str(n)


def _queue_names(user) -> list[str]:
    names = []
    if user.has_perm("hotline.add_contact"):
        names.append("mine")
    if user.unit_id:
        names.append("unit")
    if user.has_perm("hotline.add_callback"):
        names.append("callbacks")
    names.append("overdue")
    if user.has_perm("hotline.view_escalated"):
        names.append("escalated")
    names.append("all")
    return names


def _queue_tabs(user, current: str = "") -> list[dict]:
    tabs = []
    for name in _queue_names(user):
        count = None if name == "all" else _count_label(selectors.queue(user, name))
        tabs.append(
            {"name": name, "label": selectors.QUEUES[name], "count": count, "active": name == current}
        )
    return tabs


def _unread_alerts(user, limit: int = 5):
    rows = list(selectors.alerts_for(user, unread_only=True).order_by("-created_at", "-id")[: limit + 1])
    return {"alerts": rows[:limit], "more": len(rows) > limit}


def _scripts() -> dict:
    """H11 scripts, editable rules (hotline.script_*); the greeting's {中心名称} is the organisation's
    name. The five rules in one query: the workspace is every agent's page."""
    center = Center.objects.order_by("code").values_list("name", flat=True).first() or "供水客户中心"
    greeting, confirm, hold, closing, seconds = policies(
        "hotline.script_greeting",
        "hotline.script_confirm",
        "hotline.script_hold",
        "hotline.script_closing",
        "hotline.hold_script_seconds",
    )
    return {
        "greeting": greeting.replace(CENTER_PLACEHOLDER, center),
        "confirm": confirm,
        "hold_seconds": seconds,
        "hold": hold,
        "closing": closing,
    }


def _xlsx_response(content: bytes, stem: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{stem}-{timezone.localdate():%Y%m%d}.xlsx"
    )
    return response


FIELDS = {
    "state": "状态",
    "unit": "责任单位",
    "owner": "首问责任人",
    "deadline": "办理时限",
    "promised_at": "承诺答复时间",
    "reply": "办理结果",
    "return_reason": "退回原因",
    "escalation_level": "上报级别",
    "co_units": "协办单位",
    "callback": "回电结果",
    "return_visit": "回访结果",
    "category": "类别",
    "disposition": "处理方式",
    "matter": "事项",
    "caller_name": "客户姓名",
    "phone": "联系电话",
    "address": "地址",
    "result": "处理结果",
    "reopen_count": "重新打开次数",
    "reopened_at": "重新打开时间",
    "priority": "紧急程度",
    "repeat_count": "重复来电次数",
    "contact": "来电登记",
}


def _event_lines(events, masker) -> list[dict]:
    """Events in words: time, actor, verb in Chinese, each change as old → new, the note."""
    states = dict(WorkOrder.State.choices)
    lines = []
    for event in events:
        changes = []
        for field, values in (event.changes or {}).items():
            if field not in FIELDS or not isinstance(values, list | tuple) or len(values) != 2:
                continue
            old, new = values
            if field == "state":
                old, new = states.get(old, old), states.get(new, new)
            elif field == "escalation_level":
                old, new = LEVEL_NAMES.get(old, old), LEVEL_NAMES.get(new, new)
            elif field == "phone":
                old, new = masker.phone(old or ""), masker.phone(new or "")
            changes.append({"field": FIELDS[field], "old": old, "new": new})
        lines.append(
            {
                "at": event.occurred_at,
                "actor": (event.actor.name or event.actor.username) if event.actor else "系统",
                "verb": verb_label(event.verb),
                "changes": changes,
                "note": event.note,
            }
        )
    return lines
