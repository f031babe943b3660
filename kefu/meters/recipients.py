"""Who the meters' alerts go to, in one place for every subject: the store keepers, the center heads
(客服部主任 and 中心主任, who approve and verify), and a branch's staff."""

from kefu.accounts.models import Role, User

CENTER_HEADS = [Role.DEPARTMENT_HEAD, Role.CENTER_DIRECTOR]


def store_keepers() -> list[User]:
    return list(User.objects.filter(role=Role.METER_STORE_KEEPER, is_active=True))


def center_heads() -> list[User]:
    return list(User.objects.filter(role__in=CENTER_HEADS, is_active=True))


def branch_staff(branch) -> list[User]:
    """A branch's staff; `branch` is the Unit or its id."""
    return list(
        User.objects.filter(unit_id=getattr(branch, "pk", branch), role=Role.UNIT_STAFF, is_active=True)
    )
