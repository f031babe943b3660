"""The navigation bar and the home tiles: the modules of the center this user may open, from the
entries the apps register (kefu.core.navigation)."""

from kefu.core.navigation import entries_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav": entries_for(user, request.path)}
