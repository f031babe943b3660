"""Permission helpers shared by pages and the API, so the two cannot drift apart."""

from django.core.exceptions import PermissionDenied


def require(user, *perms: str) -> None:
    """Raise PermissionDenied (403) unless the user is logged in and holds every permission."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied("请先登录")
    missing = [p for p in perms if not user.has_perm(p)]
    if missing:
        raise PermissionDenied("您的角色没有此项权限")


class TooManyRequests(PermissionDenied):
    """Refused for now, not for good: the user did this too often (a rate limit). The API answers 429
    with the message; a page that does not catch it shows it as a 403."""


def can(user, perm: str) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_perm(perm))
