"""What each role may do by default.

Each role is a Django permission group named after the role; these defaults are given to a group
only when it is first created, so an administrator's later changes in the admin are kept.
"""

from django.contrib.auth.models import Group, Permission

from kefu.accounts.models import Role

CUSTOMER_READ = ["customers.view_customer"]
SENSITIVE = ["customers.view_sensitive_customer"]
ARCHIVE_WRITE = [
    "customers.add_customer",
    "customers.change_customer",
    "customers.add_document",
    "customers.add_contactperson",
    "customers.change_contactperson",
    "customers.add_account",
    "customers.add_servicepoint",
    "customers.add_meter",
    "customers.add_contract",
]
ORG_ADMIN = [
    "accounts.view_user",
    "accounts.add_user",
    "accounts.change_user",
    "accounts.view_unit",
    "accounts.add_unit",
    "accounts.change_unit",
    "accounts.view_servicearea",
    "accounts.add_servicearea",
    "accounts.change_servicearea",
    "accounts.view_department",
    "accounts.add_department",
    "accounts.change_department",
    "accounts.view_team",
    "accounts.add_team",
    "accounts.change_team",
]
CALENDAR_ADMIN = [
    "core.view_calendarday",
    "core.add_calendarday",
    "core.change_calendarday",
    "core.view_calendaryear",
    "core.add_calendaryear",
    "core.change_calendaryear",
    "core.view_policy",
    "core.change_policy",
    "core.add_policy",
]
# The page of current login lockouts and its unlock action (kefu/accounts/lockout.py): django-axes's
# failure counters are what a lock is made of.
LOGIN_LOCKOUTS = ["axes.view_accessattempt", "axes.delete_accessattempt"]
ORG_READ = [
    "accounts.view_user",
    "accounts.view_unit",
    "accounts.view_servicearea",
    "accounts.view_department",
    "accounts.view_team",
    "core.view_calendarday",
    # Leaders read the rules they work by (业务规则, read-only); the administrator changes them.
    "core.view_policy",
]

DEFAULT_PERMISSIONS: dict[str, list[str]] = {
    Role.AGENT: CUSTOMER_READ + ["core.view_calendarday"],
    Role.TEAM_LEADER: CUSTOMER_READ + ORG_READ,
    Role.QA_INSPECTOR: CUSTOMER_READ,
    Role.COUNTER_CLERK: CUSTOMER_READ + SENSITIVE + ARCHIVE_WRITE + ["customers.export_customer"],
    Role.DEPARTMENT_HEAD: CUSTOMER_READ
    + SENSITIVE
    + ARCHIVE_WRITE
    + ORG_READ
    + [
        "customers.export_customer",
        "customers.import_customer",
        "customers.view_archiveaccess",
        "accounts.hand_over_user",
    ],
    Role.CENTER_DIRECTOR: CUSTOMER_READ
    + SENSITIVE
    + ORG_READ
    + [
        "customers.export_customer",
        "customers.view_archiveaccess",
    ],
    Role.UNIT_STAFF: CUSTOMER_READ,
    Role.FIELD_INSPECTOR: CUSTOMER_READ,
    Role.METER_STORE_KEEPER: CUSTOMER_READ,
    Role.ARCHIVIST: CUSTOMER_READ
    + SENSITIVE
    + ARCHIVE_WRITE
    + [
        "customers.export_customer",
        "customers.import_customer",
        "customers.view_archiveaccess",
    ],
    # 工程部经理 (property profile): the keys app gives what the role does; here only the archive reads.
    Role.ENGINEERING_MANAGER: CUSTOMER_READ,
    Role.ADMINISTRATOR: CUSTOMER_READ
    + ORG_ADMIN
    + CALENDAR_ADMIN
    + LOGIN_LOCKOUTS
    + [
        "accounts.hand_over_user",
        "customers.import_customer",
        "customers.view_archiveaccess",
    ],
}


def group_name(role: str) -> str:
    return str(Role(role).label)


def all_default_permissions() -> dict[str, list[str]]:
    """The accounts app's defaults and every app's, as each app registered them in its ready()."""
    from kefu.core.registry import platform

    merged = {role: list(perms) for role, perms in DEFAULT_PERMISSIONS.items()}
    for app_permissions in platform.role_permissions:
        for role, perms in app_permissions.items():
            merged.setdefault(role, []).extend(perms)
    return merged


def ensure_role_groups(**kwargs) -> None:
    """post_migrate: create each role's group and give it every default permission not given before.

    A default is given once (recorded in RoleDefaultGrant): an administrator's later removal stands,
    while a permission that arrives with a new app still reaches groups that already exist."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from kefu.accounts.models import RoleDefaultGrant

    # Other apps' post_migrate may not have run yet; their permissions must exist before we grant them.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for role, perms in all_default_permissions().items():
        group, _created = Group.objects.get_or_create(name=group_name(role))
        given = set(RoleDefaultGrant.objects.filter(role=role).values_list("permission", flat=True))
        new = [p for p in dict.fromkeys(perms) if p not in given]
        if not new:
            continue
        group.permissions.add(*_permissions(new))
        RoleDefaultGrant.objects.bulk_create(
            [RoleDefaultGrant(role=role, permission=p) for p in new], ignore_conflicts=True
        )


def _permissions(names: list[str]) -> list[Permission]:
    found = []
    for name in names:
        app_label, codename = name.split(".")
        perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if perm is None:
            raise LookupError(f"permission {name} does not exist")
        found.append(perm)
    return found
