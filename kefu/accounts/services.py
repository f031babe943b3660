"""Writes to the organisation and staff. Each records its event in the same transaction."""

from axes.models import AccessAttempt
from axes.utils import reset as reset_login_failures
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from kefu.accounts.events import (
    AccountEvents,
    area_saved_event,
    login_unlocked_event,
    staff_created_event,
    staff_handed_over_event,
    staff_password_reset_event,
    staff_updated_event,
    unit_saved_event,
)
from kefu.accounts.models import Department, Role, ServiceArea, Team, Unit, User
from kefu.accounts.roles import group_name
from kefu.core.alerts import send_alert
from kefu.core.events import diff
from kefu.core.models import Event
from kefu.core.registry import platform


@transaction.atomic
def create_staff(
    *,
    actor,
    username: str,
    name: str,
    role: str,
    password: str | None = None,
    employee_no: str | None = None,
    department: Department | None = None,
    team: Team | None = None,
    unit: Unit | None = None,
    phone: str = "",
    is_superuser: bool = False,
) -> User:
    user = User(
        username=username,
        name=name,
        role=role,
        employee_no=employee_no or None,
        department=department,
        team=team,
        unit=unit,
        phone=phone,
        is_staff=is_superuser or role == Role.ADMINISTRATOR,
        is_superuser=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    _sync_role_group(user)
    staff_created_event(
        actor=actor,
        user=user,
        changes={"role": role, "unit": str(unit or ""), "team": str(team or "")},
    )
    return user


@transaction.atomic
def update_staff(*, actor, user: User, **fields) -> User:
    allowed = {"name", "role", "employee_no", "department", "team", "unit", "phone", "is_active"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"cannot update {sorted(unknown)}")
    changes = diff(user, fields)
    if user.is_active and fields.get("is_active") is False:
        refuse_while_holding(user)
    for field, value in fields.items():
        setattr(user, field, value)
    user.is_staff = user.is_superuser or user.role == Role.ADMINISTRATOR
    user.full_clean(exclude=["password"])
    user.save()
    if "role" in changes:
        _sync_role_group(user)
    if changes:
        staff_updated_event(actor=actor, user=user, changes=changes)
    return user


@transaction.atomic
def set_staff_password(*, actor, user: User, password: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    staff_password_reset_event(actor=actor, user=user)


def _sync_role_group(user: User) -> None:
    """A user belongs to exactly the permission group of their role."""
    role_groups = Group.objects.filter(name__in=[group_name(r) for r in Role.values])
    user.groups.remove(*role_groups)
    if user.role:
        group, _ = Group.objects.get_or_create(name=group_name(user.role))
        user.groups.add(group)


@transaction.atomic
def save_unit(*, actor, unit: Unit) -> Unit:
    created = unit.pk is None
    unit.full_clean()
    unit.save()
    unit_saved_event(
        actor=actor,
        unit=unit,
        created=created,
        changes={"name": unit.name, "kind": unit.kind},
    )
    return unit


@transaction.atomic
def save_service_area(*, actor, area: ServiceArea) -> ServiceArea:
    created = area.pk is None
    area.full_clean()
    area.save()
    area_saved_event(
        actor=actor,
        area=area,
        created=created,
        changes={"name": area.name, "branch": str(area.branch)},
    )
    return area


@transaction.atomic
def unlock_login(*, actor, username: str, ip_address: str | None = None) -> int:
    """Lift a login lock (kefu/accounts/lockout.py): the username's failures from one address, or from
    every address when none is named. The failure counters go; the event keeps who lifted what, and
    how many failures there had been. Returns the number of failures forgiven."""
    attempts = AccessAttempt.objects.filter(username=username)
    if ip_address:
        attempts = attempts.filter(ip_address=ip_address)
    attempt = attempts.first()
    if attempt is None:
        raise ValidationError("该锁定已解除或已过期，无需再解锁")
    failures = sum(attempts.values_list("failures_since_start", flat=True))
    login_unlocked_event(
        actor=actor,
        target=User.objects.filter(username=username).first() or attempt,
        changes={"username": username, "ip_address": ip_address or "全部地址", "failures": failures},
    )
    reset_login_failures(ip=ip_address or None, username=username)
    return failures


# ---- departing staff (A3, H7) ---------------------------------------------------------------------


def holdings_of(user: User) -> list[tuple[str, int, str]]:
    """What this member of staff personally holds, from every app that registered its holdings:
    (label, count, url) with counts above zero — open work orders, callbacks due, processes taken in."""
    items = []
    for holding in platform.holdings:
        items.extend(item for item in holding.held(user) if item[1])
    return items


def describe_holdings(items: list[tuple[str, int, str]]) -> str:
    return "、".join(f"{label}{count}件" for label, count, _url in items)


def refuse_while_holding(user: User) -> None:
    items = holdings_of(user)
    if items:
        raise ValidationError(
            {
                "is_active": f"{user}仍有{describe_holdings(items)}未移交，不能停用；"
                f"请先在「移交在办事项」中把这些事项交给接手的同事"
            }
        )


def successor_refusals(successor: User) -> list[str]:
    """Why this colleague cannot take over (each app's own rule: the role that may own a work order…)."""
    return [why for holding in platform.holdings if (why := holding.refuse(successor))]


@transaction.atomic
def hand_over_holdings(*, actor, from_user: User, to_user: User, reason: str) -> dict[str, int]:
    """Everything `from_user` holds goes to `to_user`, app by app; each app records the move on each
    record and tells the customers' archives who their new contact is; the hand-over itself is an
    event on the departing person. Returns how many things each app moved."""
    if not actor.has_perm("accounts.hand_over_user"):
        raise PermissionDenied("只有客服部主任或系统管理员可以移交员工的在办事项")
    errors = {}
    if to_user.pk == from_user.pk:
        errors["to_user"] = "接手人不能是移交人本人"
    elif not to_user.is_active:
        errors["to_user"] = f"接手人{to_user}已停用"
    else:
        held = {holding.name for holding in platform.holdings if any(i[1] for i in holding.held(from_user))}
        refusals = [
            why for holding in platform.holdings if holding.name in held and (why := holding.refuse(to_user))
        ]
        if refusals:
            errors["to_user"] = "；".join(refusals)
    if not (reason or "").strip():
        errors["reason"] = "请填写移交原因（离职、调岗、长假……）"
    if errors:
        raise ValidationError(errors)
    moved = {}
    for holding in platform.holdings:
        count = holding.hand_over(actor=actor, from_user=from_user, to_user=to_user, reason=reason.strip())
        if count:
            moved[holding.name] = count
    if not moved:
        raise ValidationError({"from_user": f"{from_user}没有需要移交的在办事项"})
    staff_handed_over_event(actor=actor, user=from_user, to_user=to_user, moved=moved, note=reason.strip())
    # The colleague who takes over hears about it wherever they are (the bell); their home page lists
    # what is now theirs.
    send_alert(
        recipients=[to_user],
        kind=HANDED_OVER_ALERT,
        message=f"{actor}将{from_user}的{sum(moved.values())}件在办事项移交给您：{reason.strip()}",
        url=reverse("home"),
        subject=f"accounts.user:{from_user.pk}",
        level=Event.objects.filter(verb=AccountEvents.STAFF_HANDED_OVER, target_id=from_user.pk).count(),
    )
    return moved


HANDED_OVER_ALERT = "accounts.handed_over"
ALERT_KINDS = {HANDED_OVER_ALERT: "在办事项移交"}
