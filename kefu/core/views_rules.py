"""The 业务规则 page: every rule of the catalogue, grouped by domain, with its value, default, unit,
source and who changed it last; one form per rule, restore-default, a print view and an Excel export.

Viewing needs core.view_policy, changing core.change_policy. Every change goes through
kefu.core.services (set_policy / restore_policy), which checks the value and writes the event."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.core import services
from kefu.core.events import CoreEvents
from kefu.core.excel import export_workbook, local_minute, xlsx_response
from kefu.core.forms import RuleValueForm, add_service_errors, rule_initial
from kefu.core.models import Event, Policy
from kefu.core.permissions import require
from kefu.core.policies import DEFAULTS, DOMAINS, LOCAL_DEFAULT, PolicyDefault

VIEW, CHANGE = "core.view_policy", "core.change_policy"
POLICY_VERBS = (CoreEvents.POLICY_CHANGED, CoreEvents.POLICY_RESTORED)


@dataclass
class RuleRow:
    key: str
    rule: PolicyDefault
    domain: str
    current: str
    default: str
    changed: bool  # an administrator's value is in force
    changed_by: str
    changed_at: datetime | None

    @property
    def local_default(self) -> bool:
        return self.rule.source.startswith(LOCAL_DEFAULT)


def _rule_or_404(key: str) -> PolicyDefault:
    if key not in DEFAULTS:
        raise Http404("没有这条业务规则")
    return DEFAULTS[key]


def _who(user) -> str:
    return (user.name or user.username) if user else "系统"


def rule_rows(query: str = "") -> list[RuleRow]:
    """Every rule (matching the search, by label, key or source), in domain order, in two queries:
    the administrators' values, and the last change of each rule that has none (restored)."""
    query = query.strip().lower()
    # Domains in the order the apps are installed (the archive before the hotline before the counter),
    # which is the order they declared their rules; rules by key within a domain.
    domain_order = {domain: index for index, domain in enumerate(dict.fromkeys(DOMAINS.values()))}
    keys = [
        key
        for key in sorted(DEFAULTS, key=lambda k: (domain_order.get(DOMAINS.get(k, ""), 0), k))
        if not query
        or query in key.lower()
        or query in DEFAULTS[key].label.lower()
        or query in DEFAULTS[key].source.lower()
    ]
    rows = {row.key: row for row in Policy.objects.filter(key__in=keys).select_related("updated_by")}
    last_events = _last_changes([key for key in keys if key not in rows])
    result = []
    for key in keys:
        rule, row = DEFAULTS[key], rows.get(key)
        if row is not None:
            by, at = _who(row.updated_by), row.updated_at
        elif key in last_events:
            by, at = last_events[key]
        else:
            by, at = "", None
        result.append(
            RuleRow(
                key=key,
                rule=rule,
                domain=DOMAINS.get(key, ""),
                current=rule.shown(row.value if row else rule.default),
                default=rule.shown(rule.default),
                changed=row is not None,
                changed_by=by,
                changed_at=at,
            )
        )
    return result


def _last_changes(keys: list[str]) -> dict[str, tuple[str, datetime]]:
    """Who last touched each of these rules, from the event log (a restored rule has no row left)."""
    if not keys:
        return {}
    found: dict[str, tuple[str, datetime]] = {}
    events = (
        Event.objects.filter(
            target_type=ContentType.objects.get_for_model(Policy),
            target_repr__in=keys,
            verb__in=POLICY_VERBS,
        )
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )
    for event in events:
        found.setdefault(event.target_repr, (_who(event.actor), event.occurred_at))
    return found


def _grouped(rows: list[RuleRow]) -> list[tuple[str, list[RuleRow]]]:
    groups: dict[str, list[RuleRow]] = {}
    for row in rows:
        groups.setdefault(row.domain, []).append(row)
    return list(groups.items())


def rules(request):
    require(request.user, VIEW)
    query = request.GET.get("q", "")
    rows = rule_rows(query)
    template = "core/rules_print.html" if request.GET.get("print") else "core/rules.html"
    return render(
        request,
        template,
        {
            "groups": _grouped(rows),
            "count": len(rows),
            "total": len(DEFAULTS),
            "q": query,
            "can_change": request.user.has_perm(CHANGE),
            "printed_at": timezone.localtime(),
        },
    )


def rule_edit(request, key: str):
    require(request.user, VIEW, CHANGE)
    rule = _rule_or_404(key)
    row = Policy.objects.filter(key=key).select_related("updated_by").first()
    status = 200
    if request.method == "POST":
        form = RuleValueForm(rule, request.POST)
        if form.is_valid():
            try:
                services.set_policy(actor=request.user, key=key, value=form.cleaned_data["value"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, f"已修改业务规则“{rule.label}”：{rule.shown(form.cleaned_data['value'])}"
                )
                return redirect(f"{_list_url()}#{key}")
        status = 400
    else:
        form = RuleValueForm(rule, initial={"value": rule_initial(rule, row.value if row else rule.default)})
    return render(
        request,
        "core/rule_edit.html",
        {
            "key": key,
            "rule": rule,
            "domain": DOMAINS.get(key, ""),
            "form": form,
            "row": row,
            "default": rule.shown(rule.default),
            "current": rule.shown(row.value if row else rule.default),
            "history": _history(key),
        },
        status=status,
    )


@require_POST
def rule_restore(request, key: str):
    require(request.user, VIEW, CHANGE)
    rule = _rule_or_404(key)
    services.restore_policy(actor=request.user, key=key)
    messages.success(request, f"业务规则“{rule.label}”已恢复默认值：{rule.shown(rule.default)}")
    return redirect(f"{_list_url()}#{key}")


def rules_xlsx(request):
    require(request.user, VIEW)
    workbook = export_workbook()
    sheet = workbook.create_sheet("业务规则")
    sheet.append(
        ["业务领域", "编码", "规则", "当前值", "默认值", "单位", "类型与范围", "依据", "修改人", "修改时间"]
    )
    for row in rule_rows(request.GET.get("q", "")):
        sheet.append(
            [
                row.domain,
                row.key,
                row.rule.label,
                row.current,
                row.default,
                row.rule.unit,
                row.rule.describe(),
                row.rule.source,
                row.changed_by,
                local_minute(row.changed_at),
            ]
        )
    return xlsx_response(workbook.save, f"业务规则-{timezone.localdate():%Y%m%d}.xlsx")


def _history(key: str) -> list[dict[str, Any]]:
    """This rule's last changes, newest first, in words."""
    rule = DEFAULTS[key]
    events = (
        Event.objects.filter(
            target_type=ContentType.objects.get_for_model(Policy), target_repr=key, verb__in=POLICY_VERBS
        )
        .select_related("actor")
        .order_by("-occurred_at", "-id")[:20]
    )
    lines = []
    for event in events:
        old, new = (event.changes.get("value") or [None, None])[:2]
        lines.append(
            {
                "at": event.occurred_at,
                "actor": _who(event.actor),
                "what": "恢复默认" if event.verb == CoreEvents.POLICY_RESTORED else "修改",
                "old": "" if old is None else rule.shown(old),
                "new": "" if new is None else rule.shown(new),
            }
        )
    return lines


def _list_url() -> str:
    return reverse("core:rules")
