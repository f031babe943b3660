"""Default permissions this app gives each role (merged by kefu.accounts.roles)."""

from kefu.accounts.models import Role  # noqa: F401

DEFAULT_PERMISSIONS: dict[str, list[str]] = {}
