"""The alerts page (提醒, H9 W3) behind the bell on every page: the person's own alerts, newest first,
unread highlighted, filtered by unread/all and kind; one marked read on opening it, or all at once;
and the count the bell's script polls (kefu/static alerts.js). A person sees only their own alerts
(kefu.core.alerts.alerts_for, shared with the API)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from kefu.core import alerts as service
from kefu.core.registry import platform
from kefu.core.responses import bad_request

PER_PAGE = 30
STATES = {"unread": "未读", "all": "全部"}
# The bell's poll hands back at most this many new alerts for desktop notifications.
NOTIFY_MAX = 5


def _filters(request):
    state = request.GET.get("state") or "unread"
    kind = request.GET.get("kind") or ""
    errors = []
    if state not in STATES:
        errors.append("状态应为 unread（未读）或 all（全部）")
    if kind and kind not in platform.alert_kinds:
        errors.append(f"提醒类型“{kind[:40]}”不存在，请从列表中选择")
    return state, kind, errors


def alerts(request):
    mine = service.alerts_for(request.user)
    state, kind, errors = _filters(request)
    kinds = sorted(platform.alert_kinds.items())
    context = {"state": state, "kind": kind, "kinds": kinds, "states": STATES}
    if errors:
        return bad_request(request, "core/alerts.html", "；".join(errors), **context)
    rows = mine.filter(read_at__isnull=True) if state == "unread" else mine
    if kind:
        rows = rows.filter(kind=kind)
    page = Paginator(rows.order_by("-created_at", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    unread = mine.filter(read_at__isnull=True).count()
    return render(request, "core/alerts.html", {**context, "page": page, "unread_total": unread})


@require_POST
def alert_open(request, pk: int):
    """Mark one read and go to what it is about (its url, a local address), else back to the list."""
    alert = get_object_or_404(service.alerts_for(request.user), pk=pk)
    service.mark_read(user=request.user, alert=alert)
    if alert.url and url_has_allowed_host_and_scheme(alert.url, allowed_hosts={request.get_host()}):
        return redirect(alert.url)
    return redirect("core:alerts")


@require_POST
def alerts_read_all(request):
    kind = request.POST.get("kind") or ""
    if kind not in platform.alert_kinds:
        kind = ""
    count = service.mark_all_read(user=request.user, kind=kind)
    messages.success(request, f"已将{count}条提醒标为已读" if count else "没有未读提醒")
    return redirect("core:alerts")


@require_GET
def alerts_count(request):
    """The bell's poll: the unread count, and the unread alerts newer than `after` (an alert id the
    page already knew) for the browser's desktop notifications."""
    mine = service.alerts_for(request.user).filter(read_at__isnull=True)
    after = request.GET.get("after") or ""
    fresh = []
    if after.isdigit() and len(after) < 19:
        fresh = [
            {"id": a.pk, "kind": a.kind_label, "message": a.message, "url": a.url}
            for a in mine.filter(pk__gt=int(after)).order_by("-id")[:NOTIFY_MAX]
        ]
    latest = mine.order_by("-id").values_list("pk", flat=True).first() or 0
    return JsonResponse({"unread": mine.count(), "latest": latest, "new": fresh})
