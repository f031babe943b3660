"""Alerts (提醒, H9 W3): one function every app calls to tell people something.

    send_alert(recipients=[...], kind="hotline.overdue", message="工单GD…已超期",
               url="/hotline/work-orders/12/", subject="hotline.workorder:12", level=1)

`kind` is a dotted code the app registers with its Chinese label (`platform.register_app(...,
alert_kinds={"hotline.overdue": "工单已超期"})`); an unregistered kind is a programming error.
`subject` is the stable key of the thing the alert is about: each person gets one alert per kind,
subject and level, so a worker that scans twice, or a repeated action, adds nothing. Inactive people are
skipped. The rows are written in the caller's transaction (rolled back with it); after commit, the new
alerts of the kinds the rule `core.alert_outside_kinds` lists go to the outside channels
(`kefu.core.channels`). Reading alerts is no event: they are notices to a person, not a record's history.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kefu.core.models import Alert
from kefu.core.registry import platform
from kefu.core.text import cut as cut_text


def cut(message: str, limit: int = Alert.MESSAGE_MAX_LENGTH) -> str:
    return cut_text(message, limit)


def send_alert(
    *, recipients, kind: str, message: str, url: str = "", subject: str = "", level: int = 0
) -> int:
    """Write one alert per (active) recipient unless they already have this kind, subject and level;
    returns how many were new."""
    if kind not in platform.alert_kinds:
        raise ValueError(
            f"alert kind {kind!r} is not registered (platform.register_app(..., alert_kinds=...))"
        )
    people = {person.pk: person for person in recipients if person is not None and person.is_active}
    if not people:
        return 0
    told = set(
        Alert.objects.filter(kind=kind, subject=subject, level=level, recipient_id__in=people).values_list(
            "recipient_id", flat=True
        )
    )
    new = [pk for pk in people if pk not in told]
    if not new:
        return 0
    text = cut(message)
    Alert.objects.bulk_create(
        [
            Alert(recipient_id=pk, kind=kind, subject=subject, level=level, message=text, url=url)
            for pk in new
        ],
        # A concurrent scan may win a race for the same row; the unique constraint absorbs it.
        ignore_conflicts=True,
    )

    def hand_out():
        from kefu.core.channels import deliver

        ids = Alert.objects.filter(kind=kind, subject=subject, level=level, recipient_id__in=new).values_list(
            "pk", flat=True
        )
        deliver(list(ids))

    transaction.on_commit(hand_out)
    return len(new)


def unread_count(user) -> int:
    return alerts_for(user).filter(read_at__isnull=True).count()


def alerts_for(user):
    """Visibility rule for alerts, shared by the page and the API: a person sees only their own, and
    an account not yet given a role has none to see (it may open nothing but the home page)."""
    if not has_inbox(user):
        raise PermissionDenied("您的账号尚未分配角色，没有提醒")
    return Alert.objects.filter(recipient=user)


def has_inbox(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and getattr(user, "role", ""))


@transaction.atomic
def mark_read(*, user, alert: Alert) -> Alert:
    """Mark one of the user's own alerts read (the caller fetched it through alerts_for)."""
    if alert.recipient_id != user.pk:
        raise PermissionDenied("只能处理本人的提醒")
    if alert.read_at is None:
        alert.read_at = timezone.now()
        Alert.objects.filter(pk=alert.pk, read_at__isnull=True).update(read_at=alert.read_at)
    return alert


@transaction.atomic
def mark_all_read(*, user, kind: str = "") -> int:
    unread = alerts_for(user).filter(read_at__isnull=True)
    if kind:
        unread = unread.filter(kind=kind)
    return unread.update(read_at=timezone.now())


def check_kinds(codes) -> None:
    """The rule core.alert_outside_kinds names registered kinds only."""
    unknown = [code for code in codes if code not in platform.alert_kinds]
    if unknown:
        raise ValidationError(f"未知的提醒类型：{'、'.join(unknown)}")
