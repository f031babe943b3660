"""Default permissions this app gives each role (merged by kefu.accounts.roles)."""

from kefu.accounts.models import Role  # noqa: F401

# reports has no models and so no permissions of its own: it is gated by hotline.export_register
# (导出来电登记与月度汇总), which kefu.hotline.roles gives the department head and the center director.
DEFAULT_PERMISSIONS: dict[str, list[str]] = {}
