"""API tokens for programs (PBX middleware, reports): `Authorization: Bearer <token>`."""

import hashlib
import secrets
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(*, user, name: str, expires_at: datetime | None = None) -> str:
    """Create a token and return its raw value, shown once; only the hash is stored."""
    from kefu.accounts.models import ApiToken

    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw), expires_at=expires_at)
    return raw


def user_for_token(raw: str):
    """The active member of staff a valid token stands for, or None. Revoked, expired and unknown
    tokens are alike to the caller: telling them apart would tell a guesser which guesses were once
    real."""
    from kefu.accounts.models import ApiToken

    now = timezone.now()
    row = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


def with_role(user):
    """An account logs in before an administrator gives it a role; until then it may use no endpoint.

    Raised here, at authentication, so that it answers 403 before the endpoint validates its input.
    """
    if not user.role and not user.is_superuser:
        raise PermissionDenied("您的账号尚未分配角色，请联系系统管理员")
    return user


class StaffSessionAuth(SessionAuth):
    def _get_key(self, request):
        # Only a request riding on a browser session needs the CSRF check. A program sends its token
        # and no session cookie; without this, ninja would refuse its writes for want of a CSRF token
        # before the token was even looked at.
        if self.param_name not in request.COOKIES:
            return None
        # A cookie that logs no one in (expired, or left over from a logout) is no session: there is
        # nothing for CSRF to protect, and a program sending its token beside it must not be refused.
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return with_role(user) if user is not None else None


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return with_role(user)
