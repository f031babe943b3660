"""The navigation bar: the modules of the center, and which of them this user may open."""

from django.urls import NoReverseMatch, reverse

# (label, url name or None while the module is still to come, permission needed to see it)
MODULES = [
    ("首页", "home", None),
    ("热线受理", "hotline:workspace", "hotline.add_contact"),
    ("工单", "hotline:work_orders", "hotline.view_workorder"),
    ("知识库", "knowledge:index", "knowledge.view_article"),
    ("交接班", "workforce:handovers", "workforce.view_handover"),
    ("窗口业务", "processes:index", ("processes.view_process", "processes.handle_stage")),
    ("收费", "collection:index", "collection.view_payment"),
    ("客户档案", "customers:search", "customers.view_customer"),
    ("水表", None, None),
    ("稽查", None, None),
    ("档案与钥匙", None, None),
    ("排班", None, None),
    ("质检考核", None, None),
    ("接听统计", "telephony:stats", "telephony.view_call"),
    ("指标看板", "kpi:dashboard", "kpi.view_dashboard"),
    ("报表", "reports:index", ("hotline.export_register", "reports.view_team_report")),
    ("组织人员", "accounts:staff_list", "accounts.view_user"),
    ("工作日历", "core:calendar", "core.view_calendarday"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for label, url_name, perm in MODULES:
        # a module may be reached through any of several permissions (a tuple)
        if perm and not any(user.has_perm(p) for p in ((perm,) if isinstance(perm, str) else perm)):
            continue
        try:
            url = reverse(url_name) if url_name else None
        except NoReverseMatch:
            url = None
        items.append({"label": label, "url": url, "active": bool(url) and _is_active(request.path, url)})
    return {"nav_items": items}


def _is_active(path: str, url: str) -> bool:
    return path == url if url == "/" else path.startswith(url)
