"""Writes to the organisation and staff. Each records its event in the same transaction."""

from axes.models import AccessAttempt
from axes.utils import reset as reset_login_failures
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from kefu.accounts.events import (
    area_saved_event,
    login_unlocked_event,
    staff_created_event,
    staff_password_reset_event,
    staff_updated_event,
    unit_saved_event,
)
from kefu.accounts.models import Department, Role, ServiceArea, Team, Unit, User
from kefu.accounts.roles import group_name
from kefu.core.events import diff


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
