"""The top navigation and the home page's tiles, from the entries the apps register
(`platform.add_nav(NavEntry(...))` in their `AppConfig.ready()`).

Core registers only what is its own: 首页, 工作日历, 业务规则. A module still to come may be registered with
`soon(label, order)` (shown greyed, "即将上线") until its app registers the real entry; since issue 17 every
module of the first plan has its app."""

from collections.abc import Callable

from django.urls import NoReverseMatch, reverse

from kefu.core.registry import NavEntry, platform

SOON = "即将上线"


def any_permission(*permissions: str) -> Callable[[object], bool]:
    """`visible` for an entry that any one of these permissions opens (the page checks the same)."""
    return lambda user: any(user.has_perm(permission) for permission in permissions)


def everyone(user) -> bool:
    return True


def soon(label: str, order: int) -> NavEntry:
    """A module of the center that no app provides yet."""
    return NavEntry(label, "", order, everyone, tile=SOON)


CORE_ENTRIES = [
    NavEntry("首页", "home", 0, everyone),
    NavEntry(
        "工作日历",
        "core:calendar",
        170,
        any_permission("core.view_calendarday"),
        tile="法定节假日与调休，工作日计算的依据",
    ),
    NavEntry(
        "业务规则",
        "core:rules",
        175,
        any_permission("core.view_policy"),
        tile="制度中的时限、标准和话术，各有依据，可调整",
    ),
]


def entries_for(user, path: str) -> list[dict]:
    """What this user sees: label, url (None for a module still to come), active, tile."""
    items = []
    taken = {entry.label for entry in platform.nav if entry.url_name}
    for entry in platform.ordered_nav():
        if not entry.url_name and entry.label in taken:
            continue  # a placeholder whose app has arrived
        if not entry.visible(user):
            continue
        url = _url(entry.url_name)
        items.append(
            {
                "label": entry.label,
                "url": url,
                "active": bool(url) and _is_active(path, url),
                "tile": entry.tile,
                "order": entry.order,
            }
        )
    return items


# The top bar groups the modules so that it fits on one line at 1366 px for the roles that see them
# all (客服部主任, 系统管理员): the daily entries (order below the first group) stand alone, the rest
# fall into the group whose band their order is in. A group with one entry visible is a plain link.
GROUPS = [
    (30, "值班与知识"),
    (50, "营业与档案"),
    (80, "其他业务"),
    (130, "统计报表"),
    (160, "系统管理"),
]


def menu_for(items: list[dict]) -> list[dict]:
    """The top bar from `entries_for`'s items: standalone entries and groups ({label, active, entries};
    not "items", which a template would read as the dict's own method)."""
    menu = []
    groups: dict[str, dict] = {}
    for item in items:
        group = next((label for start, label in reversed(GROUPS) if item["order"] >= start), None)
        if group is None:
            menu.append(item)
            continue
        if group not in groups:
            groups[group] = {"label": group, "entries": [], "active": False}
            menu.append(groups[group])
        groups[group]["entries"].append(item)
        groups[group]["active"] |= bool(item["active"])
    return [entry["entries"][0] if len(entry.get("entries", ())) == 1 else entry for entry in menu]


def _url(url_name: str) -> str | None:
    if not url_name:
        return None
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def _is_active(path: str, url: str) -> bool:
    return path == url if url == "/" else path.startswith(url)
