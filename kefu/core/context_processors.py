"""The navigation bar and the home tiles: the modules of the center this user may open, from the
entries the apps register (kefu.core.navigation)."""

from django.utils.functional import SimpleLazyObject

from kefu.core.navigation import entries_for, menu_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    nav = entries_for(user, request.path)
    return {"nav": nav, "menu": menu_for(nav)}


def alerts(request):
    """The bell's unread count on every page: one query, only when a page shows it, once per request."""
    from kefu.core.alerts import has_inbox

    user = getattr(request, "user", None)
    if user is None or not has_inbox(user):
        return {}

    def count():
        if not hasattr(request, "_kefu_alerts_unread"):
            from kefu.core.alerts import unread_count

            request._kefu_alerts_unread = unread_count(user)
        return request._kefu_alerts_unread

    return {"alerts_bell": True, "alerts_unread": SimpleLazyObject(count)}
