"""The organisation's and staff's verbs, and one constructor per event."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.events import EventVerbs, record_event


class AccountEvents(EventVerbs):
    STAFF_CREATED = "staff.created", _("新建员工")
    STAFF_UPDATED = "staff.updated", _("修改员工")
    STAFF_PASSWORD_RESET = "staff.password_reset", _("重置密码")
    UNIT_CREATED = "unit.created", _("新建责任单位")
    UNIT_UPDATED = "unit.updated", _("修改责任单位")
    AREA_CREATED = "area.created", _("新建服务片区")
    AREA_UPDATED = "area.updated", _("修改服务片区")
    LOGIN_UNLOCKED = "login.unlocked", _("解除登录锁定")
    STAFF_HANDED_OVER = "staff.handed_over", _("移交在办事项")


def staff_created_event(*, actor, user: models.Model, changes: dict[str, Any]):
    return record_event(actor=actor, target=user, verb=AccountEvents.STAFF_CREATED, changes=changes)


def staff_updated_event(*, actor, user: models.Model, changes: dict[str, Any]):
    return record_event(actor=actor, target=user, verb=AccountEvents.STAFF_UPDATED, changes=changes)


def staff_password_reset_event(*, actor, user: models.Model):
    return record_event(actor=actor, target=user, verb=AccountEvents.STAFF_PASSWORD_RESET)


def unit_saved_event(*, actor, unit: models.Model, created: bool, changes: dict[str, Any]):
    verb = AccountEvents.UNIT_CREATED if created else AccountEvents.UNIT_UPDATED
    return record_event(actor=actor, target=unit, verb=verb, changes=changes)


def area_saved_event(*, actor, area: models.Model, created: bool, changes: dict[str, Any]):
    verb = AccountEvents.AREA_CREATED if created else AccountEvents.AREA_UPDATED
    return record_event(actor=actor, target=area, verb=verb, changes=changes)


def login_unlocked_event(*, actor, target: models.Model, changes: dict[str, Any]):
    """The target is the locked user, or the lock itself when no such user exists."""
    return record_event(actor=actor, target=target, verb=AccountEvents.LOGIN_UNLOCKED, changes=changes)


def staff_handed_over_event(
    *, actor, user: models.Model, to_user: models.Model, moved: dict[str, int], note: str
):
    """A3, H7: everything a departing or absent member of staff held went to a named colleague."""
    return record_event(
        actor=actor,
        target=user,
        verb=AccountEvents.STAFF_HANDED_OVER,
        changes={"to": [str(user), str(to_user)], **moved},
        note=note,
    )
