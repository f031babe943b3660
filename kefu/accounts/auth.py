"""API tokens for programs (PBX middleware, reports): `Authorization: Bearer <token>`."""

import hashlib
import secrets

from django.utils import timezone
from ninja.security import HttpBearer


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(*, user, name: str) -> str:
    """Create a token and return its raw value, shown once; only the hash is stored."""
    from kefu.accounts.models import ApiToken

    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw))
    return raw


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        from kefu.accounts.models import ApiToken

        row = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user
