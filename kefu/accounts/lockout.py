"""Login lockout in two tiers, on top of django-axes (issue 11 item 16).

Locking by username alone let anyone lock any agent out for the cool-off by typing five wrong
passwords. Locking by address alone would lock a whole floor: a center's agents share one outgoing
address. So failures are counted both per username + address and per username:

- per username + address, a low limit (AXES_FAILURE_LIMIT, 5): a stranger's guesses lock only the
  stranger's own address for that name; the agent at their desk logs in as before;
- per username over every address, a higher limit (KEFU_LOCKOUT_ACCOUNT_LIMIT, 20): guesses spread over
  many addresses still lock the account itself.

Toward the account's total each address counts at most its own limit: a stranger who goes on guessing
from one address (axes records the refused tries too, and renews that address's cool-off with each,
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT) keeps only that address locked, however long they try.

axes compares one figure, the largest count among its lockout parameters (the per-username count,
which is never smaller), with one limit. `failure_limit` gives it the limit that applies to this
request: the address's own limit once this address has used it up; otherwise the account's limit,
raised by the failures that count against their own address only, so that axes's raw count reaches
it exactly when the capped count reaches the account's limit.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone


def address_limit() -> int:
    return settings.AXES_ADDRESS_FAILURE_LIMIT


def account_limit() -> int:
    return settings.KEFU_LOCKOUT_ACCOUNT_LIMIT


def cool_off_minutes() -> int:
    cool_off = get_cool_off()
    return int(cool_off.total_seconds() // 60) if cool_off else 0


def failure_limit(request, credentials=None) -> int:
    """AXES_FAILURE_LIMIT: the limit axes compares the username's failure count with."""
    username = get_client_username(request, credentials)
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    by_address = failures_by_address(username)
    if by_address.get(address, 0) >= address_limit():
        return address_limit()
    beyond_address_limits = sum(by_address.values()) - account_failures(by_address)
    return account_limit() + beyond_address_limits


def failures_by_address(username: str | None) -> dict[str | None, int]:
    """The username's recent failures, per address (axes keeps a row per address and user agent)."""
    rows = (
        recent_attempts()
        .filter(username=username)
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"))
    )
    return {row["ip_address"]: row["failures"] for row in rows}


def account_failures(by_address: dict[str | None, int]) -> int:
    """The failures that count toward the account's lock: at most the address limit from each address,
    so that one address's guesses, however many, lock only that address."""
    return sum(min(failures, address_limit()) for failures in by_address.values())


def address_behind_proxy(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE behind nginx: REMOTE_ADDR is the proxy itself, for everyone, so the
    proxy's X-Real-IP (which it overwrites, deploy/nginx.conf.example) names the client."""
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR")


def recent_attempts():
    """Failures within the cool-off: older ones no longer count (axes forgets them on the next failure)."""
    cool_off = get_cool_off()
    if not cool_off:
        return AccessAttempt.objects.all()
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off)


@dataclass(frozen=True)
class Lockout:
    username: str
    ip_address: str | None  # None: the account is locked from every address
    failures: int
    last_failure: datetime
    until: datetime

    @property
    def whole_account(self) -> bool:
        return self.ip_address is None


def current_lockouts() -> list[Lockout]:
    """Every lock in force now: whole accounts first, then single addresses, newest first."""
    cool_off = get_cool_off() or timedelta(0)
    per_address = (
        recent_attempts()
        .exclude(username__isnull=True)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    )
    by_username: dict[str, list[dict]] = {}
    for row in per_address:
        by_username.setdefault(row["username"], []).append(row)
    locked = []
    for username, rows in by_username.items():
        counted = account_failures({row["ip_address"]: row["failures"] for row in rows})
        last = max(row["last"] for row in rows)
        if counted >= account_limit():
            locked.append(
                Lockout(username, None, sum(row["failures"] for row in rows), last, last + cool_off)
            )
            continue
        for row in rows:
            if row["failures"] >= address_limit():
                locked.append(
                    Lockout(username, row["ip_address"], row["failures"], row["last"], row["last"] + cool_off)
                )
    return sorted(locked, key=lambda lock: (not lock.whole_account, -lock.last_failure.timestamp()))
